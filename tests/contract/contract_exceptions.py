"""Where Prism or the spec, not openai_lite, is wrong: the explicit, short lists the contract suite keeps.

Every entry says why. An entry of the Prism/spec lists must be a Prism or spec problem, never a client
one: a client bug goes to CLIENT_BUGS / STREAM_BUGS at the end (a failing test marked
``xfail(strict=True, reason="bug: ...")`` until it is fixed). All the marks are strict, so an entry that
starts passing (Prism, the spec or the client fixed) fails the suite until it is removed.
"""

from __future__ import annotations

from typing import Dict

#: Operations that cannot pass against Prism with any valid request (operationId -> reason). The suite
#: requires ``N == 288 - len(PRISM_EXCEPTIONS)`` operations to pass. Currently none: every operation
#: has a valid request Prism accepts (the problem shapes below are avoided in the per-operation tests).
PRISM_EXCEPTIONS: Dict[str, str] = {}

#: Valid, realistic request shapes that Prism rejects with a false 422 (test id -> reason). Each is sent
#: by ``test_prism_false_422`` and expected to fail (strict xfail); the per-operation tests use other
#: valid shapes, so these do not count against the 288.
PRISM_FALSE_422: Dict[str, str] = {
    "responses-input_image-without-detail": (
        "spec: InputImageContent lists `detail` as required; the API defaults it to `auto` and the official "
        "SDK's examples omit it"
    ),
    "responses-input_image-with-detail": (
        "spec/Prism: an input message with content parts matches both EasyInputMessage and InputMessage, so "
        "the `oneOf` of Item/InputItem fails with 'must match exactly one schema' (overlapping oneOf members)"
    ),
    "responses-input_file": "spec/Prism: same overlapping `oneOf` (EasyInputMessage vs InputMessage) as above",
    "responses-function-tool-without-strict": (
        "spec: FunctionTool lists `strict` as required although it is optional in the API (defaults to true)"
    ),
    "conversation-items-input_text-parts": (
        "spec/Prism: the overlapping `oneOf` above, for createConversationItems: "
        "{type: message, role: user, content: [{type: input_text, ...}]} matches more than one item schema"
    ),
}

#: Things Prism gets wrong that the suite works around instead of failing (for the record; no marks).
PRISM_WORKAROUNDS: Dict[str, str] = {
    "nullable": (
        "23 leftover OpenAPI-3.0 `nullable: true` keywords without a `type` (and one `nullable: false`) make "
        "Prism's validator drop body validation for 10 operations (chat, completions, images, moderations, "
        "runs, realtime calls): the test-only spec copy rewrites them as anyOf [schema, null] "
        "(contract_spec.fix_openapi30_nullable)"
    ),
    "event-streams": (
        "Prism cannot serialise text/event-stream responses (500; 406 for /completions): the test-only spec "
        "copy holds canned SSE text examples (contract_streams), and adds the event-stream response the spec "
        "omits for createCompletion, createRun, createThreadAndRun and submitToolOuputsToRun"
    ),
    "binary-placeholders": (
        "binary operations answer placeholder bodies (`string`, a JSON string, or an empty body): the suite "
        "checks they come back as a BinaryResponse and does not look at the bytes"
    ),
    "multipart-file-arrays": (
        "Prism reads the spec's multipart array `files` as repeated `files` parts; openai_lite (like the "
        "official SDK) sends `files[]` parts, which Prism does not count: CreateSkill/CreateSkillVersion are "
        "called with one file (the spec's oneOf allows it)"
    ),
    "query-arrays": (
        "array query parameters go out as `name[]=a&name[]=b` (the official SDK's encoding); where the spec "
        "names the parameter without `[]` (usage `group_by`, `models`, ...) Prism ignores them instead of "
        "validating them"
    ),
}


# ---------------------------------------------------------------------------
# Client bugs found by the suite: not exceptions, failures the lead must fix
# ---------------------------------------------------------------------------

#: operationId -> reason. The operation's test is marked xfail(strict=True): it counts as not passed (so
#: the summary fails) until the client is fixed, and then fails as XPASS until the entry is removed.
CLIENT_BUGS: Dict[str, str] = {}

#: ``_stream`` method -> reason, for the stream tests (test_contract_streams.py).
STREAM_BUGS: Dict[str, str] = {}
