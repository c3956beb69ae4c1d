"""Behaviour of the generated endpoint methods, a few calls per API area, on the loopback server.

Every row of ``CASES`` is one call: the method and arguments, the requests it must send (HTTP method,
raw percent-encoded path, decoded query, JSON body or multipart parts, special headers), the canned
answers (shaped like the spec's response schemas, mostly its x-oaiMeta examples cut down) and what the
parsed result must look like. ``test_call`` also checks, for every request, the key it authenticates
with (the admin key for administration operations, the normal key otherwise) and the ``OpenAI-Beta``
header of the area (see ``BETA_HEADER``), and that exactly the deprecated operations warn.

Paginated rows iterate the whole ``Page``, so they list one expected request per page; stream rows
consume the generator. Rows run with the working directory in ``tmp_path`` so that file paths
(uploads, ``write_to_file``) can be relative. Bugs found are rows marked ``xfail(strict=True)``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import pathlib
import struct
import warnings
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Set, Tuple, Union

import pytest
from _loopback import Reply, bytes_reply, json_reply, sse_event, sse_reply

# ---------------------------------------------------------------------------
# The row format
# ---------------------------------------------------------------------------

NO_BODY: Any = None  # (so no row can expect a JSON body of `null`; none needs to)
ANY = object()  # matches any value in an expected multipart part

#: (name, filename, content type, data) of one multipart part; data given as a dict is compared as JSON.
PartSpec = Tuple[str, Optional[str], Any, Any]


class Req(NamedTuple):
    """One request the call must send."""

    method: str
    path: str  # raw, as on the request line (percent-encoded), without the query string
    query: Dict[str, Union[str, List[str]]] = {}  # decoded; a list for repeated names
    json: Any = NO_BODY  # the JSON body; NO_BODY (with parts None) means no body at all
    parts: Optional[List[PartSpec]] = None  # a multipart body instead of JSON
    headers: Dict[str, str] = {}  # further headers that must be sent


def GET(path: str, query: Optional[Dict[str, Any]] = None, **kw: Any) -> Req:
    return Req("GET", path, query or {}, **kw)


def POST(path: str, json: Any = NO_BODY, query: Optional[Dict[str, Any]] = None, **kw: Any) -> Req:
    return Req("POST", path, query or {}, json, **kw)


def DELETE(path: str, query: Optional[Dict[str, Any]] = None, **kw: Any) -> Req:
    return Req("DELETE", path, query or {}, **kw)


class Case(NamedTuple):
    area: str
    call: Callable[[Any], Any]  # client -> result (streams and pages consumed)
    requests: List[Req]
    replies: List[Union[Reply, Dict[str, Any]]]  # a dict is sent as a JSON answer
    view: Callable[[Any], Any]  # result -> something comparable
    expect: Any  # what view(result) must equal
    admin: bool
    deprecated: bool
    files: Dict[str, bytes]  # created in the working directory (tmp_path) before the call


def row(
    area: str,
    label: str,
    call: Callable[[Any], Any],
    *requests: Req,
    reply: Union[Reply, Dict[str, Any], None] = None,
    replies: Sequence[Union[Reply, Dict[str, Any]]] = (),
    view: Callable[[Any], Any],
    expect: Any,
    admin: bool = False,
    deprecated: bool = False,
    files: Optional[Dict[str, bytes]] = None,
    marks: Any = (),
) -> Any:
    answers = [reply] if reply is not None else list(replies)
    case = Case(area, call, list(requests), answers, view, expect, admin, deprecated, files or {})
    return pytest.param(case, id=f"{area}-{label}", marks=marks)


#: The OpenAI-Beta header each area must send; every other area must send none.
BETA_HEADER = {
    "assistants": "assistants=v2",
    "vector_stores": "assistants=v2",
    "responses_beta": "responses_multi_agent=v1",
    "chatkit": "chatkit_beta=v1",
}
#: Areas whose beta header is checked by a test of its own instead.
UNCHECKED_BETA: Set[str] = set()

API_KEY = "sk-test-key"
ADMIN_KEY = "sk-admin"


# ---------------------------------------------------------------------------
# Helpers for canned answers and views
# ---------------------------------------------------------------------------


def name(obj: Any) -> str:
    return type(obj).__name__


def names(items: Any) -> List[str]:
    return [type(item).__name__ for item in items]


def ids(items: Any) -> List[Tuple[str, str]]:
    return [(type(item).__name__, item.id) for item in items]


def saved(binary: Any, path: str) -> bytes:
    """``write_to_file`` the binary response, then read the file back."""
    binary.write_to_file(path)
    return pathlib.Path(path).read_bytes()


def listing(items: List[Dict[str, Any]], has_more: bool = False, **extra: Any) -> Dict[str, Any]:
    """A cursor-paginated list answer (``first_id``/``last_id`` from the items)."""
    out: Dict[str, Any] = {"object": "list", "data": items, "has_more": has_more}
    if items and "id" in items[0]:
        out.update(first_id=items[0]["id"], last_id=items[-1]["id"])
    out.update(extra)
    return out


def done() -> str:
    return "data: [DONE]\n\n"


PNG = b"\x89PNG\r\n\x1a\nfake-png"


def chat_completion(id: str, content: str) -> Dict[str, Any]:
    return {
        "id": id,
        "object": "chat.completion",
        "created": 1741569952,
        "model": "gpt-4o-2024-08-06",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None, "annotations": []},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 19, "completion_tokens": 10, "total_tokens": 29},
        "service_tier": "default",
    }


def chat_chunk(delta: Dict[str, Any], finish: Optional[str] = None) -> Dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1741569952,
        "model": "gpt-4o",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


def completion(text: str) -> Dict[str, Any]:
    return {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": 1589478378,
        "model": "gpt-3.5-turbo-instruct",
        "choices": [{"text": text, "index": 0, "logprobs": None, "finish_reason": "length"}],
    }


def response(id: str, text: str, status: str = "completed") -> Dict[str, Any]:
    return {
        "id": id,
        "object": "response",
        "created_at": 1741476542,
        "status": status,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "model": "gpt-4.1",
        "output": [
            {
                "type": "message",
                "id": "msg_1",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
        "tool_choice": "auto",
        "tools": [],
        "usage": {"input_tokens": 36, "output_tokens": 87, "total_tokens": 123},
    }


def input_message(id: str, text: str) -> Dict[str, Any]:
    return {
        "type": "message",
        "id": id,
        "status": "completed",
        "role": "user",
        "content": [{"type": "input_text", "text": text}],
    }


def response_events(prefix_event_names: bool = True) -> List[str]:
    """A short Responses stream: created, one text delta, completed (no [DONE], as the API sends)."""
    payloads = [
        {"type": "response.created", "sequence_number": 0, "response": response("resp_1", "", "in_progress")},
        {
            "type": "response.output_text.delta",
            "sequence_number": 1,
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": "Hi",
            "logprobs": [],
        },
        {"type": "response.completed", "sequence_number": 2, "response": response("resp_1", "Hi")},
    ]
    return [sse_event(p, event=p["type"] if prefix_event_names else None) for p in payloads]


def openai_file(id: str, filename: str, purpose: str) -> Dict[str, Any]:
    return {
        "id": id,
        "object": "file",
        "bytes": 120,
        "created_at": 1677610602,
        "expires_at": None,
        "filename": filename,
        "purpose": purpose,
        "status": "processed",
    }


def upload(status: str, file: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    return {
        "id": "upload_abc123",
        "object": "upload",
        "bytes": 2048,
        "created_at": 1719184911,
        "filename": "big.jsonl",
        "purpose": "fine-tune",
        "status": status,
        "expires_at": 1719127296,
        "file": file,
    }


def batch(id: str, status: str) -> Dict[str, Any]:
    return {
        "id": id,
        "object": "batch",
        "endpoint": "/v1/chat/completions",
        "errors": None,
        "input_file_id": "file-abc123",
        "completion_window": "24h",
        "status": status,
        "output_file_id": None,
        "error_file_id": None,
        "created_at": 1711471533,
        "request_counts": {"total": 100, "completed": 95, "failed": 5},
        "metadata": {"customer_id": "user_123"},
    }


def ft_job(id: str, status: str = "queued") -> Dict[str, Any]:
    return {
        "object": "fine_tuning.job",
        "id": id,
        "model": "gpt-4o-mini-2024-07-18",
        "created_at": 1721764800,
        "error": None,
        "fine_tuned_model": None,
        "finished_at": None,
        "hyperparameters": {"n_epochs": 3, "batch_size": "auto", "learning_rate_multiplier": "auto"},
        "organization_id": "org-123",
        "result_files": [],
        "status": status,
        "trained_tokens": None,
        "training_file": "file-abc123",
        "validation_file": None,
        "seed": 42,
        "metadata": {"team": "ml"},
    }


STRING_CHECK = {
    "type": "string_check",
    "name": "exact match",
    "input": "{{sample.output_text}}",
    "reference": "{{item.answer}}",
    "operation": "eq",
}


def eval_run(id: str) -> Dict[str, Any]:
    return {
        "object": "eval.run",
        "id": id,
        "eval_id": "eval_1",
        "status": "completed",
        "model": "gpt-4o-mini",
        "name": "nightly",
        "created_at": 1743092069,
        "report_url": "https://platform.openai.com/evaluations/eval_1",
        "result_counts": {"total": 2, "errored": 0, "failed": 1, "passed": 1},
        "per_model_usage": [],
        "per_testing_criteria_results": [{"testing_criteria": "exact match", "passed": 1, "failed": 1}],
        "data_source": {"type": "jsonl", "source": {"type": "file_id", "id": "file-1"}},
        "metadata": {},
        "error": None,
    }


def image_event(kind: str, **more: Any) -> Dict[str, Any]:
    return {
        "type": f"image_{kind}",
        "b64_json": "aGk=",
        "created_at": 1750000000,
        "size": "1024x1024",
        "quality": "low",
        "background": "opaque",
        "output_format": "png",
        **more,
    }


def run(id: str, status: str) -> Dict[str, Any]:
    return {
        "id": id,
        "object": "thread.run",
        "created_at": 1699063290,
        "thread_id": "thread_1",
        "assistant_id": "asst_1",
        "status": status,
        "required_action": None,
        "last_error": None,
        "expires_at": None,
        "started_at": 1699063290,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "incomplete_details": None,
        "model": "gpt-4o",
        "instructions": "",
        "tools": [{"type": "code_interpreter"}],
        "metadata": {},
        "usage": None,
        "temperature": 1.0,
        "top_p": 1.0,
        "max_prompt_tokens": None,
        "max_completion_tokens": None,
        "truncation_strategy": {"type": "auto", "last_messages": None},
        "tool_choice": "auto",
        "parallel_tool_calls": True,
        "response_format": "auto",
    }


def thread_message(id: str, text: str) -> Dict[str, Any]:
    return {
        "id": id,
        "object": "thread.message",
        "created_at": 1699017614,
        "thread_id": "thread_1",
        "status": "completed",
        "incomplete_details": None,
        "completed_at": 1699017615,
        "incomplete_at": None,
        "role": "user",
        "content": [{"type": "text", "text": {"value": text, "annotations": []}}],
        "assistant_id": None,
        "run_id": None,
        "attachments": [],
        "metadata": {},
    }


def assistant_events() -> List[str]:
    """An Assistants stream: the type of each event is on its ``event:`` line; it ends with ``done``."""
    delta = {
        "id": "msg_1",
        "object": "thread.message.delta",
        "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "Hi", "annotations": []}}]},
    }
    return [
        sse_event(run("run_1", "queued"), event="thread.run.created"),
        sse_event(delta, event="thread.message.delta"),
        sse_event(run("run_1", "completed"), event="thread.run.completed"),
        sse_event("[DONE]", event="done"),
    ]


def voice_consent(id: str) -> Dict[str, Any]:
    return {"object": "audio.voice_consent", "id": id, "name": "Jane", "language": "en-US", "created_at": 1760000000}


def vector_store_file(id: str) -> Dict[str, Any]:
    return {
        "id": id,
        "object": "vector_store.file",
        "usage_bytes": 1234,
        "created_at": 1699061776,
        "vector_store_id": "vs_1",
        "status": "completed",
        "last_error": None,
    }


def container(id: str, status: str) -> Dict[str, Any]:
    return {
        "id": id,
        "object": "container",
        "name": "box",
        "created_at": 1747857508,
        "status": status,
        "expires_after": {"anchor": "last_active_at", "minutes": 20},
        "memory_limit": "4g",
    }


def container_file(id: str, path: str) -> Dict[str, Any]:
    return {
        "id": id,
        "object": "container.file",
        "container_id": "cntr_1",
        "created_at": 1747848842,
        "bytes": 4,
        "path": path,
        "source": "user",
    }


def video(id: str, status: str = "queued") -> Dict[str, Any]:
    return {
        "id": id,
        "object": "video",
        "model": "sora-2",
        "status": status,
        "progress": 0,
        "created_at": 1758941485,
        "completed_at": None,
        "expires_at": None,
        "prompt": "A calico cat playing a piano",
        "size": "720x1280",
        "seconds": "4",
        "remixed_from_video_id": None,
        "error": None,
    }


def skill(id: str, default_version: str = "1") -> Dict[str, Any]:
    return {
        "id": id,
        "object": "skill",
        "name": "csv-insights",
        "description": "Summarises CSV files.",
        "created_at": 1760000000,
        "default_version": default_version,
        "latest_version": "2",
    }


def chatkit_thread(id: str) -> Dict[str, Any]:
    return {
        "id": id,
        "object": "chatkit.thread",
        "created_at": 1760000000,
        "title": "Customer escalation",
        "status": {"type": "active"},
        "user": "user_1",
    }


def audit_log(id: str) -> Dict[str, Any]:
    return {
        "id": id,
        "type": "project.created",
        "effective_at": 1720804090,
        "actor": {"type": "session", "session": {"user": {"id": "user-1", "email": "a@example.com"}}},
        "project.created": {"id": "proj_1", "data": {"name": "Demo", "title": "Demo"}},
    }


def usage_page(start: int, next_page: Optional[str]) -> Dict[str, Any]:
    return {
        "object": "page",
        "data": [
            {
                "object": "bucket",
                "start_time": start,
                "end_time": start + 86400,
                "results": [
                    {
                        "object": "organization.usage.completions.result",
                        "input_tokens": 1000,
                        "output_tokens": 500,
                        "num_model_requests": 5,
                        "project_id": "proj_1",
                        "model": "gpt-4o",
                    }
                ],
            }
        ],
        "has_more": next_page is not None,
        "next_page": next_page,
    }


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------

V1 = "/v1"

CHAT = [
    row(
        "chat",
        "create-nested-body-none-omitted",
        lambda c: c.create_chat_completion(
            model="gpt-4o",
            messages=[
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
            ],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "greeting", "strict": True, "schema": {"type": "object"}},
            },
            metadata={"topic": "demo"},
            temperature=None,  # None: not sent at all
            max_completion_tokens=None,
        ),
        POST(
            f"{V1}/chat/completions",
            json={
                "model": "gpt-4o",
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
                ],
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "greeting", "strict": True, "schema": {"type": "object"}},
                },
                "metadata": {"topic": "demo"},
            },
        ),
        reply=chat_completion("chatcmpl-B9MBs8", "Hello!"),
        view=lambda r: (name(r), r.id, name(r.choices[0].message), r.choices[0].message.content, r.usage.total_tokens),
        expect=("CreateChatCompletionResponse", "chatcmpl-B9MBs8", "ChatCompletionResponseMessage", "Hello!", 29),
    ),
    row(
        "chat",
        "get-escaped-id",
        # "/" and " " are escaped: the id stays one path segment.
        lambda c: c.get_chat_completion("chatcmpl/1 a"),
        GET(f"{V1}/chat/completions/chatcmpl%2F1%20a"),
        reply=chat_completion("chatcmpl/1 a", "stored"),
        view=lambda r: (name(r), r.id, r.choices[0].finish_reason),
        expect=("CreateChatCompletionResponse", "chatcmpl/1 a", "stop"),
    ),
    row(
        "chat",
        "list-metadata-deepobject-paginated",
        lambda c: ids(c.list_chat_completions(model="gpt-4o", metadata={"topic": "demo"}, limit=1, order=None)),
        GET(f"{V1}/chat/completions", {"model": "gpt-4o", "metadata[topic]": "demo", "limit": "1"}),
        GET(
            f"{V1}/chat/completions",
            {"model": "gpt-4o", "metadata[topic]": "demo", "limit": "1", "after": "chatcmpl-1"},
        ),
        replies=[
            listing([chat_completion("chatcmpl-1", "a")], has_more=True),
            listing([chat_completion("chatcmpl-2", "b")]),
        ],
        view=lambda r: r,
        expect=[("CreateChatCompletionResponse", "chatcmpl-1"), ("CreateChatCompletionResponse", "chatcmpl-2")],
    ),
    row(
        "chat",
        "stream-chunks",
        lambda c: list(
            c.create_chat_completion_stream(
                model="gpt-4o", messages=[{"role": "user", "content": "Hi"}], stream_options={"include_usage": True}
            )
        ),
        POST(
            f"{V1}/chat/completions",
            json={
                "model": "gpt-4o",
                "messages": [{"role": "user", "content": "Hi"}],
                "stream_options": {"include_usage": True},
                "stream": True,
            },
        ),
        reply=sse_reply(
            [
                sse_event(chat_chunk({"role": "assistant", "content": ""})),
                sse_event(chat_chunk({"content": "Hi"})),
                sse_event(chat_chunk({}, "stop")),
                done(),
            ]
        ),
        view=lambda events: [(name(e), e.choices[0].delta.content, e.choices[0].finish_reason) for e in events],
        expect=[
            ("CreateChatCompletionStreamResponse", "", None),
            ("CreateChatCompletionStreamResponse", "Hi", None),
            ("CreateChatCompletionStreamResponse", None, "stop"),
        ],
    ),
]

COMPLETIONS = [
    row(
        "completions",
        "create-extra-query-and-body-merged",
        lambda c: c.create_completion(
            model="gpt-3.5-turbo-instruct",
            prompt=["Say", "this"],
            max_tokens=7,
            stop=None,
            extra_query={"trace": "1"},
            extra_body={"logit_bias": {"50256": -100}, "max_tokens": 8},
        ),
        # extra_body wins over a named argument of the same key.
        POST(
            f"{V1}/completions",
            query={"trace": "1"},
            json={
                "model": "gpt-3.5-turbo-instruct",
                "prompt": ["Say", "this"],
                "max_tokens": 8,
                "logit_bias": {"50256": -100},
            },
        ),
        reply=completion("\n\nThis is indeed a test"),
        view=lambda r: (name(r), name(r.choices[0]), r.choices[0].text),
        expect=("CreateCompletionResponse", "CreateCompletionResponseChoicesItem", "\n\nThis is indeed a test"),
    ),
    row(
        "completions",
        "stream",
        lambda c: [e.choices[0].text for e in c.create_completion_stream(model="gpt-3.5-turbo-instruct", prompt="Say")],
        POST(f"{V1}/completions", json={"model": "gpt-3.5-turbo-instruct", "prompt": "Say", "stream": True}),
        reply=sse_reply([sse_event(completion("This")), sse_event(completion(" is")), done()]),
        view=lambda r: r,
        expect=["This", " is"],
    ),
]

RESPONSES = [
    row(
        "responses",
        "create-nested-input-include",
        lambda c: c.create_response(
            model="gpt-4.1",
            input=[{"role": "user", "content": [{"type": "input_text", "text": "Tell me a story"}]}],
            include=["reasoning.encrypted_content"],
            text={"format": {"type": "text"}},
            reasoning=None,
            store=False,
        ),
        POST(
            f"{V1}/responses",
            json={
                "model": "gpt-4.1",
                "input": [{"role": "user", "content": [{"type": "input_text", "text": "Tell me a story"}]}],
                "include": ["reasoning.encrypted_content"],
                "text": {"format": {"type": "text"}},
                "store": False,
            },
        ),
        reply=response("resp_67ccd2be", "Once upon a time"),
        view=lambda r: (name(r), r.id, r.status, name(r.output[0]), r.output[0].content[0].text),
        expect=("Response", "resp_67ccd2be", "completed", "OutputMessage", "Once upon a time"),
    ),
    row(
        "responses",
        "get-query-array-and-bools",
        lambda c: c.get_response(
            "resp/1",
            include=["file_search_call.results", "message.output_text.logprobs"],
            include_obfuscation=False,
            starting_after=None,
        ),
        GET(
            f"{V1}/responses/resp%2F1",
            {
                "include[]": ["file_search_call.results", "message.output_text.logprobs"],
                "include_obfuscation": "false",
            },
        ),
        reply=response("resp/1", "stored"),
        view=lambda r: (name(r), r.id),
        expect=("Response", "resp/1"),
    ),
    row(
        "responses",
        "list-input-items-paginated",
        lambda c: ids(c.list_input_items("resp_1", limit=1, include=["message.input_image.image_url"])),
        GET(f"{V1}/responses/resp_1/input_items", {"limit": "1", "include[]": "message.input_image.image_url"}),
        GET(
            f"{V1}/responses/resp_1/input_items",
            {"limit": "1", "include[]": "message.input_image.image_url", "after": "msg_1"},
        ),
        replies=[listing([input_message("msg_1", "a")], has_more=True), listing([input_message("msg_2", "b")])],
        view=lambda r: r,
        expect=[("InputMessageResource", "msg_1"), ("InputMessageResource", "msg_2")],
    ),
    row(
        "responses",
        "delete-returns-none",
        lambda c: c.delete_response("resp_1"),
        DELETE(f"{V1}/responses/resp_1"),
        reply=bytes_reply(b""),
        view=lambda r: r,
        expect=None,
    ),
    row(
        "responses",
        "input-token-counts",
        lambda c: c.get_input_token_counts(model="gpt-4.1", input="Hi", instructions=None),
        POST(f"{V1}/responses/input_tokens", json={"model": "gpt-4.1", "input": "Hi"}),
        reply={"object": "response.input_tokens", "input_tokens": 11},
        view=lambda r: (name(r), r.input_tokens),
        expect=("TokenCountsResource", 11),
    ),
    row(
        "responses",
        "stream-typed-events",
        lambda c: list(c.create_response_stream(model="gpt-4.1", input="Hi")),
        POST(f"{V1}/responses", json={"model": "gpt-4.1", "input": "Hi", "stream": True}),
        reply=sse_reply(response_events()),
        view=lambda events: (names(events), events[1].delta, events[2].response.output[0].content[0].text),
        expect=(["ResponseCreatedEvent", "ResponseTextDeltaEvent", "ResponseCompletedEvent"], "Hi", "Hi"),
    ),
]

BETA = {"openai-beta": "responses_multi_agent=v1"}

RESPONSES_BETA = [
    row(
        "responses_beta",
        "create",
        lambda c: c.beta_create_response(model="gpt-4.1", input="Hi", metadata={"run": "7"}),
        POST(
            f"{V1}/responses",
            query={"beta": "true"},
            headers=BETA,
            json={"model": "gpt-4.1", "input": "Hi", "metadata": {"run": "7"}},
        ),
        reply=response("resp_b1", "Hello"),
        view=lambda r: (name(r), r.id, name(r.output[0]), r.output[0].content[0].text),
        expect=("BetaResponse", "resp_b1", "BetaOutputMessage", "Hello"),
    ),
    row(
        "responses_beta",
        "get-escaped-with-query",
        lambda c: c.beta_get_response("resp/1", include=["reasoning.encrypted_content"]),
        GET(f"{V1}/responses/resp%2F1", {"beta": "true", "include[]": "reasoning.encrypted_content"}, headers=BETA),
        reply=response("resp/1", "stored"),
        view=lambda r: (name(r), r.id),
        expect=("BetaResponse", "resp/1"),
    ),
    row(
        "responses_beta",
        "list-input-items-paginated",
        lambda c: ids(c.beta_list_input_items("resp_1", order="asc")),
        GET(f"{V1}/responses/resp_1/input_items", {"beta": "true", "order": "asc"}, headers=BETA),
        GET(f"{V1}/responses/resp_1/input_items", {"beta": "true", "order": "asc", "after": "msg_1"}, headers=BETA),
        replies=[listing([input_message("msg_1", "a")], has_more=True), listing([input_message("msg_2", "b")])],
        view=lambda r: r,
        expect=[("BetaInputMessageResource", "msg_1"), ("BetaInputMessageResource", "msg_2")],
    ),
    row(
        "responses_beta",
        "delete",
        lambda c: c.beta_delete_response("resp_1"),
        DELETE(f"{V1}/responses/resp_1", {"beta": "true"}, headers=BETA),
        reply=bytes_reply(b""),
        view=lambda r: r,
        expect=None,
    ),
    row(
        "responses_beta",
        "stream-typed-events",
        lambda c: list(c.beta_create_response_stream(model="gpt-4.1", input="Hi")),
        POST(
            f"{V1}/responses",
            query={"beta": "true"},
            headers=BETA,
            json={"model": "gpt-4.1", "input": "Hi", "stream": True},
        ),
        # Without `event:` lines: the event type comes from the payload's "type".
        reply=sse_reply(response_events(prefix_event_names=False)),
        view=lambda events: (names(events), events[1].delta),
        expect=(["BetaResponseCreatedEvent", "BetaResponseTextDeltaEvent", "BetaResponseCompletedEvent"], "Hi"),
    ),
]

CONVERSATIONS = [
    row(
        "conversations",
        "create-with-items",
        lambda c: c.create_conversation(
            metadata={"topic": "demo"}, items=[{"type": "message", "role": "user", "content": "Hello!"}]
        ),
        POST(
            f"{V1}/conversations",
            json={"metadata": {"topic": "demo"}, "items": [{"type": "message", "role": "user", "content": "Hello!"}]},
        ),
        reply={"id": "conv_123", "object": "conversation", "created_at": 1741900000, "metadata": {"topic": "demo"}},
        view=lambda r: (name(r), r.id, r.metadata),
        expect=("ConversationResource", "conv_123", {"topic": "demo"}),
    ),
    row(
        "conversations",
        "get-item-two-path-params-include",
        lambda c: c.get_conversation_item("conv_123", "msg abc", include=["message.output_text.logprobs"]),
        GET(f"{V1}/conversations/conv_123/items/msg%20abc", {"include[]": "message.output_text.logprobs"}),
        reply=input_message("msg abc", "Hello!"),
        view=lambda r: (name(r), r.id, r.content[0].text),
        expect=("Message", "msg abc", "Hello!"),
    ),
    row(
        "conversations",
        "list-items-paginated",
        lambda c: ids(c.list_conversation_items("conv_123", limit=1, order="desc")),
        GET(f"{V1}/conversations/conv_123/items", {"limit": "1", "order": "desc"}),
        GET(f"{V1}/conversations/conv_123/items", {"limit": "1", "order": "desc", "after": "msg_2"}),
        replies=[listing([input_message("msg_2", "b")], has_more=True), listing([input_message("msg_1", "a")])],
        view=lambda r: r,
        expect=[("Message", "msg_2"), ("Message", "msg_1")],
    ),
    row(
        "conversations",
        "delete",
        lambda c: c.delete_conversation("conv_123"),
        DELETE(f"{V1}/conversations/conv_123"),
        reply={"id": "conv_123", "object": "conversation.deleted", "deleted": True},
        view=lambda r: (name(r), r.deleted),
        expect=("DeletedConversationResource", True),
    ),
]


def float32_base64(*values: float) -> str:
    """Floats as the API's base64 embedding: float32, little-endian."""
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode("ascii")


def embeddings(model: str, *vectors: Any) -> Dict[str, Any]:
    return {
        "object": "list",
        "data": [{"object": "embedding", "embedding": v, "index": i} for i, v in enumerate(vectors)],
        "model": model,
        "usage": {"prompt_tokens": 2, "total_tokens": 2},
    }


EMBEDDINGS = [
    row(
        "embeddings",
        "create-default-asks-base64-returns-floats",
        # No encoding_format chosen: base64 is asked for (smaller answers) and decoded back to floats,
        # in to_dict() too; None arguments are not sent.
        lambda c: c.create_embedding(model="text-embedding-3-small", input=["a", "b"], dimensions=None),
        POST(
            f"{V1}/embeddings",
            json={"model": "text-embedding-3-small", "input": ["a", "b"], "encoding_format": "base64"},
        ),
        reply=embeddings("text-embedding-3-small", float32_base64(0.25, -1.5), float32_base64(0.5, -0.25)),
        view=lambda r: (name(r), names(r.data), r.data[1].embedding, r.to_dict()["data"][0]["embedding"]),
        expect=("CreateEmbeddingResponse", ["Embedding", "Embedding"], [0.5, -0.25], [0.25, -1.5]),
    ),
    row(
        "embeddings",
        "create-explicit-float-extra-query-and-body",
        lambda c: c.create_embedding(
            model="text-embedding-3-large",
            input="hello",
            encoding_format="float",
            extra_query={"api-version": "2024-10-21"},
            extra_body={"dimensions": 2},
        ),
        POST(
            f"{V1}/embeddings",
            query={"api-version": "2024-10-21"},
            json={"model": "text-embedding-3-large", "input": "hello", "encoding_format": "float", "dimensions": 2},
        ),
        reply=embeddings("text-embedding-3-large", [0.0023064255, -0.009327292]),
        view=lambda r: (name(r), r.data[0].embedding),
        expect=("CreateEmbeddingResponse", [0.0023064255, -0.009327292]),
    ),
    row(
        "embeddings",
        "create-explicit-base64-left-encoded",
        lambda c: c.create_embedding(model="text-embedding-3-small", input="hello", encoding_format="base64"),
        POST(
            f"{V1}/embeddings", json={"model": "text-embedding-3-small", "input": "hello", "encoding_format": "base64"}
        ),
        reply=embeddings("text-embedding-3-small", float32_base64(1.0, 0.0)),
        view=lambda r: r.data[0].embedding,
        expect=float32_base64(1.0, 0.0),
    ),
]

MODERATION_RESULT = {
    "flagged": True,
    "categories": {
        "sexual": False,
        "hate": False,
        "harassment": True,
        "self-harm": False,
        "sexual/minors": False,
        "hate/threatening": False,
        "violence/graphic": False,
        "self-harm/intent": False,
        "self-harm/instructions": False,
        "harassment/threatening": True,
        "violence": True,
        "illicit": False,
        "illicit/violent": False,
    },
    "category_scores": {
        "sexual": 1.2e-05,
        "hate": 0.227,
        "harassment": 0.52,
        "self-harm": 2.2e-06,
        "sexual/minors": 7.1e-08,
        "hate/threatening": 0.024,
        "violence/graphic": 3.4e-05,
        "self-harm/intent": 1.6e-06,
        "self-harm/instructions": 1.1e-09,
        "harassment/threatening": 0.569,
        "violence": 0.997,
        "illicit": 0.001,
        "illicit/violent": 0.0001,
    },
}

MODERATIONS = [
    row(
        "moderations",
        "create-text-keys-with-slashes",
        lambda c: c.create_moderation(input="I want to hurt them.", model=None),
        POST(f"{V1}/moderations", json={"input": "I want to hurt them."}),
        reply={"id": "modr-AB8C", "model": "omni-moderation-latest", "results": [MODERATION_RESULT]},
        # "harassment/threatening" and "self-harm" are renamed to identifiers.
        view=lambda r: (
            name(r),
            r.results[0].flagged,
            r.results[0].categories.harassment_threatening,
            r.results[0].categories.self_harm,
            r.results[0].category_scores.violence,
        ),
        expect=("CreateModerationResponse", True, True, False, 0.997),
    ),
    row(
        "moderations",
        "create-multimodal-nested-input",
        lambda c: c.create_moderation(
            model="omni-moderation-latest",
            input=[
                {"type": "text", "text": "hello"},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
            ],
        ),
        POST(
            f"{V1}/moderations",
            json={
                "model": "omni-moderation-latest",
                "input": [
                    {"type": "text", "text": "hello"},
                    {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
                ],
            },
        ),
        reply={"id": "modr-2", "model": "omni-moderation-latest", "results": [dict(MODERATION_RESULT, flagged=False)]},
        view=lambda r: (r.id, r.results[0].flagged),
        expect=("modr-2", False),
    ),
]

MODELS = [
    row(
        "models",
        "list-single-page",
        # list_models has no cursor: one request even though the answer says has_more.
        lambda c: ids(c.list_models()),
        GET(f"{V1}/models"),
        reply={
            "object": "list",
            "has_more": True,
            "data": [
                {"id": "gpt-4o", "object": "model", "created": 1686935002, "owned_by": "openai"},
                {"id": "ft:gpt-4o-mini:org::abc123", "object": "model", "created": 1686935002, "owned_by": "org"},
            ],
        },
        view=lambda r: r,
        expect=[("Model", "gpt-4o"), ("Model", "ft:gpt-4o-mini:org::abc123")],
    ),
    row(
        "models",
        "retrieve-colons-stay",
        lambda c: c.retrieve_model("ft:gpt-4o-mini:org::abc123"),
        GET(f"{V1}/models/ft:gpt-4o-mini:org::abc123"),
        reply={"id": "ft:gpt-4o-mini:org::abc123", "object": "model", "created": 1686935002, "owned_by": "org"},
        view=lambda r: (name(r), r.id, r.owned_by),
        expect=("Model", "ft:gpt-4o-mini:org::abc123", "org"),
    ),
    row(
        "models",
        "retrieve-dot-segment-escaped",
        lambda c: c.retrieve_model(".."),
        GET(f"{V1}/models/%2E%2E"),
        reply={"id": "..", "object": "model", "created": 1, "owned_by": "x"},
        view=lambda r: r.id,
        expect="..",
    ),
    row(
        "models",
        "delete",
        lambda c: c.delete_model("ft:gpt-4o-mini:acemeco:suffix:abc123"),
        DELETE(f"{V1}/models/ft:gpt-4o-mini:acemeco:suffix:abc123"),
        reply={"id": "ft:gpt-4o-mini:acemeco:suffix:abc123", "object": "model", "deleted": True},
        view=lambda r: (name(r), r.deleted),
        expect=("DeleteModelResponse", True),
    ),
]

FILES = [
    row(
        "files",
        "create-from-bytes",
        lambda c: c.create_file(file=b'{"a": 1}\n', purpose="batch"),
        # Text fields first, without a Content-Type; raw bytes go out as "upload", octet-stream.
        POST(
            f"{V1}/files",
            parts=[
                ("purpose", None, None, "batch"),
                ("file", "upload", "application/octet-stream", b'{"a": 1}\n'),
            ],
        ),
        reply=openai_file("file-abc123", "upload", "batch"),
        view=lambda r: (name(r), r.id, r.purpose, r.status),
        expect=("OpenAIFile", "file-abc123", "batch", "processed"),
    ),
    row(
        "files",
        "create-from-path-with-object-field",
        lambda c: c.create_file(
            file="train.jsonl", purpose="fine-tune", expires_after={"anchor": "created_at", "seconds": 3600}
        ),
        POST(
            f"{V1}/files",
            parts=[
                ("purpose", None, None, "fine-tune"),
                ("expires_after[anchor]", None, None, "created_at"),
                ("expires_after[seconds]", None, None, "3600"),
                ("file", "train.jsonl", "text/jsonl", b'{"messages": []}\n'),
            ],
        ),
        reply=openai_file("file-abc456", "train.jsonl", "fine-tune"),
        view=lambda r: (name(r), r.filename),
        expect=("OpenAIFile", "train.jsonl"),
        files={"train.jsonl": b'{"messages": []}\n'},
    ),
    row(
        "files",
        "list-paginated",
        lambda c: ids(c.list_files(purpose="fine-tune", order="asc", limit=1)),
        GET(f"{V1}/files", {"purpose": "fine-tune", "order": "asc", "limit": "1"}),
        GET(f"{V1}/files", {"purpose": "fine-tune", "order": "asc", "limit": "1", "after": "file-1"}),
        replies=[
            listing([openai_file("file-1", "a.jsonl", "fine-tune")], has_more=True),
            listing([openai_file("file-2", "b.jsonl", "fine-tune")]),
        ],
        view=lambda r: r,
        expect=[("OpenAIFile", "file-1"), ("OpenAIFile", "file-2")],
    ),
    row(
        "files",
        "download-binary",
        lambda c: c.download_file("file-abc123"),
        GET(f"{V1}/files/file-abc123/content", headers={"Accept": "application/binary, application/json"}),
        reply=bytes_reply(b'{"custom_id": "r1"}\n', content_type="application/octet-stream"),
        view=lambda r: (name(r), r.content, saved(r, "out.jsonl")),
        expect=("BinaryResponse", b'{"custom_id": "r1"}\n', b'{"custom_id": "r1"}\n'),
    ),
    row(
        "files",
        "delete-escaped",
        lambda c: c.delete_file("file abc#1"),
        DELETE(f"{V1}/files/file%20abc%231"),
        reply={"id": "file abc#1", "object": "file", "deleted": True},
        view=lambda r: (name(r), r.deleted),
        expect=("DeleteFileResponse", True),
    ),
]

UPLOADS = [
    row(
        "uploads",
        "create",
        lambda c: c.create_upload(
            filename="big.jsonl",
            purpose="fine-tune",
            bytes=2048,
            mime_type="application/jsonl",
            expires_after={"anchor": "created_at", "seconds": 7200},
        ),
        POST(
            f"{V1}/uploads",
            json={
                "filename": "big.jsonl",
                "purpose": "fine-tune",
                "bytes": 2048,
                "mime_type": "application/jsonl",
                "expires_after": {"anchor": "created_at", "seconds": 7200},
            },
        ),
        reply=upload("pending"),
        view=lambda r: (name(r), r.id, r.status),
        expect=("Upload", "upload_abc123", "pending"),
    ),
    row(
        "uploads",
        "add-part-multipart",
        lambda c: c.add_upload_part("upload_abc123", data=b"chunk-1"),
        POST(f"{V1}/uploads/upload_abc123/parts", parts=[("data", "upload", "application/octet-stream", b"chunk-1")]),
        reply={"id": "part_def456", "object": "upload.part", "created_at": 1719185911, "upload_id": "upload_abc123"},
        view=lambda r: (name(r), r.id, r.upload_id),
        expect=("UploadPart", "part_def456", "upload_abc123"),
    ),
    row(
        "uploads",
        "complete-nested-file",
        lambda c: c.complete_upload("upload_abc123", part_ids=["part_1", "part_2"], md5=None),
        POST(f"{V1}/uploads/upload_abc123/complete", json={"part_ids": ["part_1", "part_2"]}),
        reply=upload("completed", openai_file("file-xyz321", "big.jsonl", "fine-tune")),
        view=lambda r: (name(r), r.status, name(r.file), r.file.id),
        expect=("Upload", "completed", "OpenAIFile", "file-xyz321"),
    ),
]

BATCHES = [
    row(
        "batches",
        "create",
        lambda c: c.create_batch(
            input_file_id="file-abc123",
            endpoint="/v1/chat/completions",
            completion_window="24h",
            metadata={"customer_id": "user_123"},
            output_expires_after={"anchor": "created_at", "seconds": 86400},
        ),
        POST(
            f"{V1}/batches",
            json={
                "input_file_id": "file-abc123",
                "endpoint": "/v1/chat/completions",
                "completion_window": "24h",
                "metadata": {"customer_id": "user_123"},
                "output_expires_after": {"anchor": "created_at", "seconds": 86400},
            },
        ),
        reply=batch("batch_abc123", "validating"),
        view=lambda r: (name(r), r.id, r.status, name(r.request_counts), r.request_counts.failed),
        expect=("Batch", "batch_abc123", "validating", "BatchRequestCounts", 5),
    ),
    row(
        "batches",
        "list-paginated-extra-query-on-every-page",
        lambda c: ids(c.list_batches(limit=1, extra_query={"trace": "1"})),
        GET(f"{V1}/batches", {"limit": "1", "trace": "1"}),
        GET(f"{V1}/batches", {"limit": "1", "trace": "1", "after": "batch_1"}),
        replies=[listing([batch("batch_1", "completed")], has_more=True), listing([batch("batch_2", "failed")])],
        view=lambda r: r,
        expect=[("Batch", "batch_1"), ("Batch", "batch_2")],
    ),
    row(
        "batches",
        "cancel-no-body",
        lambda c: c.cancel_batch("batch_abc123"),
        POST(f"{V1}/batches/batch_abc123/cancel"),
        reply=batch("batch_abc123", "cancelling"),
        view=lambda r: r.status,
        expect="cancelling",
    ),
]

FT_CHECKPOINT = "ft:gpt-4o-mini:org::abc123"

FINE_TUNING = [
    row(
        "fine_tuning",
        "create-job-nested-method",
        lambda c: c.create_fine_tuning_job(
            model="gpt-4o-mini-2024-07-18",
            training_file="file-abc123",
            suffix=None,
            method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3}}},
            metadata={"team": "ml"},
        ),
        POST(
            f"{V1}/fine_tuning/jobs",
            json={
                "model": "gpt-4o-mini-2024-07-18",
                "training_file": "file-abc123",
                "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3}}},
                "metadata": {"team": "ml"},
            },
        ),
        reply=ft_job("ftjob-abc123"),
        view=lambda r: (name(r), r.id, r.status, name(r.hyperparameters), r.hyperparameters.n_epochs),
        expect=("FineTuningJob", "ftjob-abc123", "queued", "FineTuningJobHyperparameters", 3),
    ),
    row(
        "fine_tuning",
        "list-jobs-metadata-deepobject-paginated-by-id",
        # This list pages with the id of its last item (the answer has no last_id).
        lambda c: ids(c.list_paginated_fine_tuning_jobs(limit=2, metadata={"team": "ml", "env": "prod"})),
        GET(f"{V1}/fine_tuning/jobs", {"limit": "2", "metadata[team]": "ml", "metadata[env]": "prod"}),
        GET(
            f"{V1}/fine_tuning/jobs",
            {"limit": "2", "metadata[team]": "ml", "metadata[env]": "prod", "after": "ftjob-2"},
        ),
        replies=[
            {"object": "list", "data": [ft_job("ftjob-1"), ft_job("ftjob-2")], "has_more": True},
            {"object": "list", "data": [ft_job("ftjob-3")], "has_more": False},
        ],
        view=lambda r: [i for _, i in r],
        expect=["ftjob-1", "ftjob-2", "ftjob-3"],
    ),
    row(
        "fine_tuning",
        "run-grader",
        lambda c: c.run_grader(grader=STRING_CHECK, model_sample="Paris", item={"answer": "Paris"}),
        POST(
            f"{V1}/fine_tuning/alpha/graders/run",
            json={"grader": STRING_CHECK, "model_sample": "Paris", "item": {"answer": "Paris"}},
        ),
        reply={
            "reward": 1.0,
            "metadata": {
                "name": "exact match",
                "type": "string_check",
                "errors": {"other_error": False},
                "execution_time": 0.01,
                "scores": {},
                "token_usage": None,
                "sampled_model_name": None,
            },
            "sub_rewards": {},
            "model_grader_token_usage_per_model": {},
        },
        view=lambda r: (name(r), r.reward, name(r.metadata), r.metadata.type),
        expect=("RunGraderResponse", 1.0, "RunGraderResponseMetadata", "string_check"),
    ),
    row(
        "fine_tuning",
        "validate-grader",
        lambda c: c.validate_grader(grader=STRING_CHECK),
        POST(f"{V1}/fine_tuning/alpha/graders/validate", json={"grader": STRING_CHECK}),
        reply={"grader": STRING_CHECK},
        view=lambda r: (name(r), name(r.grader), r.grader.operation),
        expect=("ValidateGraderResponse", "GraderStringCheck", "eq"),
    ),
    row(
        "fine_tuning",
        "checkpoint-permissions-need-admin-key",
        lambda c: ids(c.list_fine_tuning_checkpoint_permissions(FT_CHECKPOINT, project_id="proj_1")),
        GET(f"{V1}/fine_tuning/checkpoints/{FT_CHECKPOINT}/permissions", {"project_id": "proj_1"}),
        reply=listing(
            [{"object": "checkpoint.permission", "id": "cp_1", "created_at": 1721764867, "project_id": "proj_1"}]
        ),
        view=lambda r: r,
        expect=[("FineTuningCheckpointPermission", "cp_1")],
        admin=True,
    ),
]

EVALS = [
    row(
        "evals",
        "create-nested-config-and-graders",
        lambda c: c.create_eval(
            name="Sentiment",
            data_source_config={"type": "custom", "item_schema": {"type": "object"}, "include_sample_schema": True},
            testing_criteria=[STRING_CHECK],
            metadata=None,
        ),
        POST(
            f"{V1}/evals",
            json={
                "name": "Sentiment",
                "data_source_config": {
                    "type": "custom",
                    "item_schema": {"type": "object"},
                    "include_sample_schema": True,
                },
                "testing_criteria": [STRING_CHECK],
            },
        ),
        reply={
            "object": "eval",
            "id": "eval_67abd54d",
            "name": "Sentiment",
            "data_source_config": {"type": "custom", "schema": {"type": "object"}},
            "testing_criteria": [STRING_CHECK],
            "created_at": 1739314509,
            "metadata": {},
        },
        view=lambda r: (name(r), r.id, name(r.data_source_config), names(r.testing_criteria)),
        expect=("Eval", "eval_67abd54d", "EvalCustomDataSourceConfig", ["EvalGraderStringCheck"]),
    ),
    row(
        "evals",
        "list-runs-paginated",
        lambda c: ids(c.get_eval_runs("eval_1", status="completed", limit=1)),
        GET(f"{V1}/evals/eval_1/runs", {"status": "completed", "limit": "1"}),
        GET(f"{V1}/evals/eval_1/runs", {"status": "completed", "limit": "1", "after": "evalrun_1"}),
        replies=[listing([eval_run("evalrun_1")], has_more=True), listing([eval_run("evalrun_2")])],
        view=lambda r: r,
        expect=[("EvalRun", "evalrun_1"), ("EvalRun", "evalrun_2")],
    ),
    row(
        "evals",
        "get-output-item-three-path-params",
        lambda c: c.get_eval_run_output_item("eval_1", "evalrun_1", "outputitem/1"),
        GET(f"{V1}/evals/eval_1/runs/evalrun_1/output_items/outputitem%2F1"),
        reply={
            "object": "eval.run.output_item",
            "id": "outputitem/1",
            "run_id": "evalrun_1",
            "eval_id": "eval_1",
            "created_at": 1743092076,
            "status": "pass",
            "datasource_item_id": 5,
            "datasource_item": {"answer": "Paris"},
            "results": [{"name": "exact match", "sample": None, "passed": True, "score": 1.0}],
            "sample": {
                "input": [],
                "output": [],
                "finish_reason": "stop",
                "model": "gpt-4o-mini",
                "usage": None,
                "error": None,
                "temperature": 1.0,
                "max_completion_tokens": 2048,
                "top_p": 1.0,
                "seed": 42,
            },
        },
        view=lambda r: (name(r), r.status, r.datasource_item, names(r.results), r.results[0].passed),
        expect=("EvalRunOutputItem", "pass", {"answer": "Paris"}, ["EvalRunOutputItemResult"], True),
    ),
]

IMAGES_RESPONSE = {
    "created": 1713833628,
    "data": [{"b64_json": "aGVsbG8=", "revised_prompt": None}],
    "usage": {
        "total_tokens": 100,
        "input_tokens": 50,
        "output_tokens": 50,
        "input_tokens_details": {"text_tokens": 10, "image_tokens": 40},
    },
}

IMAGES = [
    row(
        "images",
        "generate",
        lambda c: c.create_image(prompt="A cute baby sea otter", model="gpt-image-1", size="1024x1024", n=None),
        POST(
            f"{V1}/images/generations",
            json={"prompt": "A cute baby sea otter", "model": "gpt-image-1", "size": "1024x1024"},
        ),
        reply=IMAGES_RESPONSE,
        view=lambda r: (name(r), names(r.data), r.data[0].b64_json, r.usage.total_tokens),
        expect=("ImagesResponse", ["Image"], "aGVsbG8=", 100),
    ),
    row(
        "images",
        "edit-list-of-images",
        # images=[] (the JSON variant's field) only because the signature requires it; see the next row.
        lambda c: c.create_image_edit(
            image=[("a.png", PNG), ("b.png", PNG + b"2")], prompt="Combine them", images=[], quality="low"
        ),
        POST(
            f"{V1}/images/edits",
            parts=[
                ("prompt", None, None, "Combine them"),
                ("quality", None, None, "low"),
                ("image[]", "a.png", "image/png", PNG),
                ("image[]", "b.png", "image/png", PNG + b"2"),
            ],
        ),
        reply=IMAGES_RESPONSE,
        view=lambda r: (name(r), r.data[0].b64_json),
        expect=("ImagesResponse", "aGVsbG8="),
    ),
    row(
        "images",
        "edit-without-json-only-field",
        lambda c: c.create_image_edit(image=("a.png", PNG), prompt="Add a hat"),
        POST(f"{V1}/images/edits", parts=[("prompt", None, None, "Add a hat"), ("image", "a.png", "image/png", PNG)]),
        reply=IMAGES_RESPONSE,
        view=lambda r: name(r),
        expect="ImagesResponse",
    ),
    row(
        "images",
        "variation-multipart-int-field",
        lambda c: c.create_image_variation(image=PNG, n=2, response_format="b64_json"),
        POST(
            f"{V1}/images/variations",
            parts=[
                ("n", None, None, "2"),
                ("response_format", None, None, "b64_json"),
                ("image", "upload", "application/octet-stream", PNG),
            ],
        ),
        reply=IMAGES_RESPONSE,
        view=lambda r: len(r.data),
        expect=1,
    ),
    row(
        "images",
        "generate-stream",
        lambda c: list(c.create_image_stream(prompt="A cat", model="gpt-image-1", partial_images=1)),
        POST(
            f"{V1}/images/generations",
            json={"prompt": "A cat", "model": "gpt-image-1", "partial_images": 1, "stream": True},
        ),
        reply=sse_reply(
            [
                sse_event(
                    image_event("generation.partial_image", partial_image_index=0),
                    event="image_generation.partial_image",
                ),
                sse_event(
                    image_event(
                        "generation.completed", usage={"total_tokens": 100, "input_tokens": 50, "output_tokens": 50}
                    ),
                    event="image_generation.completed",
                ),
            ]
        ),
        view=lambda events: (names(events), events[0].partial_image_index, events[1].usage.total_tokens),
        expect=(["ImageGenPartialImageEvent", "ImageGenCompletedEvent"], 0, 100),
    ),
]

AUDIO = [
    row(
        "audio",
        "speech-binary",
        lambda c: c.create_speech(
            model="gpt-4o-mini-tts", input="Hello", voice="alloy", response_format="mp3", speed=None
        ),
        POST(
            f"{V1}/audio/speech",
            headers={"Accept": "application/octet-stream"},
            json={"model": "gpt-4o-mini-tts", "input": "Hello", "voice": "alloy", "response_format": "mp3"},
        ),
        reply=bytes_reply(b"ID3\x04fake-mp3", content_type="audio/mpeg"),
        view=lambda r: (name(r), r.content_type, saved(r, "speech.mp3")),
        expect=("BinaryResponse", "audio/mpeg", b"ID3\x04fake-mp3"),
    ),
    row(
        "audio",
        "transcription-path-arrays-verbose-json",
        lambda c: c.create_transcription(
            file="speech.m4a",
            model="whisper-1",
            response_format="verbose_json",
            timestamp_granularities=["word", "segment"],
            temperature=0,
            language=None,
        ),
        # Lists become repeated name[] fields; 0 is sent (only None is left out).
        POST(
            f"{V1}/audio/transcriptions",
            parts=[
                ("model", None, None, "whisper-1"),
                ("response_format", None, None, "verbose_json"),
                ("temperature", None, None, "0"),
                ("timestamp_granularities[]", None, None, "word"),
                ("timestamp_granularities[]", None, None, "segment"),
                ("file", "speech.m4a", "audio/mp4", b"fake-m4a"),
            ],
        ),
        reply={
            "task": "transcribe",
            "language": "english",
            "duration": 1.5,
            "text": "Hello there.",
            "words": [{"word": "Hello", "start": 0.0, "end": 0.5}, {"word": "there", "start": 0.6, "end": 1.0}],
            "segments": [],
            "usage": {"type": "duration", "seconds": 2},
        },
        view=lambda r: (name(r), r.text, names(r.words), r.words[1].word),
        expect=("CreateTranscriptionResponseVerboseJson", "Hello there.", ["TranscriptionWord"] * 2, "there"),
        files={"speech.m4a": b"fake-m4a"},
    ),
    row(
        "audio",
        "transcription-text-format-returns-str",
        lambda c: c.create_transcription(
            file=("a.wav", b"RIFF", "audio/wav"), model="whisper-1", response_format="text"
        ),
        POST(
            f"{V1}/audio/transcriptions",
            parts=[
                ("model", None, None, "whisper-1"),
                ("response_format", None, None, "text"),
                ("file", "a.wav", "audio/wav", b"RIFF"),
            ],
        ),
        reply=bytes_reply("Hello there.\n"),
        view=lambda r: r,
        expect="Hello there.\n",
    ),
    row(
        "audio",
        "transcription-json",
        lambda c: c.create_transcription(file=b"RIFF", model="gpt-4o-transcribe", include=["logprobs"]),
        POST(
            f"{V1}/audio/transcriptions",
            parts=[
                ("model", None, None, "gpt-4o-transcribe"),
                ("include[]", None, None, "logprobs"),
                ("file", "upload", "application/octet-stream", b"RIFF"),
            ],
        ),
        reply={
            "text": "Hi",
            "logprobs": [{"token": "Hi", "logprob": -0.1, "bytes": [72, 105]}],
            "usage": {"type": "tokens", "input_tokens": 14, "output_tokens": 1, "total_tokens": 15},
        },
        view=lambda r: (name(r), r.text, r.logprobs[0].token),
        expect=("CreateTranscriptionResponseJson", "Hi", "Hi"),
    ),
    row(
        "audio",
        "transcription-stream-multipart",
        lambda c: list(c.create_transcription_stream(file=("a.wav", b"RIFF", "audio/wav"), model="gpt-4o-transcribe")),
        POST(
            f"{V1}/audio/transcriptions",
            parts=[
                ("model", None, None, "gpt-4o-transcribe"),
                ("stream", None, None, "true"),
                ("file", "a.wav", "audio/wav", b"RIFF"),
            ],
        ),
        reply=sse_reply(
            [
                sse_event({"type": "transcript.text.delta", "delta": "Hel"}),
                sse_event({"type": "transcript.text.delta", "delta": "lo"}),
                sse_event(
                    {
                        "type": "transcript.text.done",
                        "text": "Hello",
                        "usage": {"type": "tokens", "input_tokens": 14, "output_tokens": 2, "total_tokens": 16},
                    }
                ),
            ]
        ),
        view=lambda events: (names(events), events[-1].text),
        expect=(["TranscriptTextDeltaEvent", "TranscriptTextDeltaEvent", "TranscriptTextDoneEvent"], "Hello"),
    ),
    row(
        "audio",
        "speech-stream",
        lambda c: list(c.create_speech_stream(model="gpt-4o-mini-tts", input="Hi", voice="alloy")),
        POST(
            f"{V1}/audio/speech",
            headers={"Accept": "text/event-stream"},
            json={"model": "gpt-4o-mini-tts", "input": "Hi", "voice": "alloy", "stream_format": "sse"},
        ),
        reply=sse_reply(
            [
                sse_event({"type": "speech.audio.delta", "audio": "AAAA"}),
                sse_event(
                    {"type": "speech.audio.done", "usage": {"input_tokens": 5, "output_tokens": 10, "total_tokens": 15}}
                ),
            ]
        ),
        view=lambda events: (names(events), events[0].audio, events[1].usage.total_tokens),
        expect=(["SpeechAudioDeltaEvent", "SpeechAudioDoneEvent"], "AAAA", 15),
    ),
    row(
        "audio",
        "voice-consents-paginated",
        lambda c: ids(c.list_voice_consents(limit=1)),
        GET(f"{V1}/audio/voice_consents", {"limit": "1"}),
        GET(f"{V1}/audio/voice_consents", {"limit": "1", "after": "cons_1"}),
        replies=[listing([voice_consent("cons_1")], has_more=True), listing([voice_consent("cons_2")])],
        view=lambda r: r,
        expect=[("VoiceConsentResource", "cons_1"), ("VoiceConsentResource", "cons_2")],
    ),
]

ASSISTANTS = [
    row(
        "assistants",
        "create-assistant-deprecated",
        lambda c: c.create_assistant(
            model="gpt-4o",
            name="Math Tutor",
            tools=[{"type": "code_interpreter"}],
            tool_resources={"code_interpreter": {"file_ids": ["file-1"]}},
        ),
        POST(
            f"{V1}/assistants",
            json={
                "model": "gpt-4o",
                "name": "Math Tutor",
                "tools": [{"type": "code_interpreter"}],
                "tool_resources": {"code_interpreter": {"file_ids": ["file-1"]}},
            },
        ),
        reply={
            "id": "asst_abc123",
            "object": "assistant",
            "created_at": 1698984975,
            "name": "Math Tutor",
            "description": None,
            "model": "gpt-4o",
            "instructions": None,
            "tools": [{"type": "code_interpreter"}],
            "metadata": {},
            "top_p": 1.0,
            "temperature": 1.0,
            "response_format": "auto",
        },
        view=lambda r: (name(r), r.id, names(r.tools)),
        expect=("AssistantObject", "asst_abc123", ["AssistantToolsCode"]),
        deprecated=True,
    ),
    row(
        "assistants",
        "list-assistants-deprecated-paginated",
        lambda c: [i for _, i in ids(c.list_assistants(limit=1, before=None))],
        GET(f"{V1}/assistants", {"limit": "1"}),
        GET(f"{V1}/assistants", {"limit": "1", "after": "asst_1"}),
        replies=[
            listing(
                [
                    {
                        "id": "asst_1",
                        "object": "assistant",
                        "created_at": 1,
                        "name": None,
                        "description": None,
                        "model": "gpt-4o",
                        "instructions": None,
                        "tools": [],
                        "metadata": {},
                    }
                ],
                has_more=True,
            ),
            listing([]),
        ],
        view=lambda r: r,
        expect=["asst_1"],
        deprecated=True,
    ),
    row(
        "assistants",
        "create-thread-nested-messages",
        lambda c: c.create_thread(
            messages=[
                {
                    "role": "user",
                    "content": "Hello",
                    "attachments": [{"file_id": "file-1", "tools": [{"type": "file_search"}]}],
                }
            ],
            metadata={"user": "u1"},
        ),
        POST(
            f"{V1}/threads",
            json={
                "messages": [
                    {
                        "role": "user",
                        "content": "Hello",
                        "attachments": [{"file_id": "file-1", "tools": [{"type": "file_search"}]}],
                    }
                ],
                "metadata": {"user": "u1"},
            },
        ),
        reply={
            "id": "thread_abc123",
            "object": "thread",
            "created_at": 1699012949,
            "metadata": {"user": "u1"},
            "tool_resources": {},
        },
        view=lambda r: (name(r), r.id, r.metadata),
        expect=("ThreadObject", "thread_abc123", {"user": "u1"}),
    ),
    row(
        "assistants",
        "list-messages-paginated",
        lambda c: ids(c.list_messages("thread_1", limit=1, order="asc", run_id="run_1")),
        GET(f"{V1}/threads/thread_1/messages", {"limit": "1", "order": "asc", "run_id": "run_1"}),
        GET(f"{V1}/threads/thread_1/messages", {"limit": "1", "order": "asc", "run_id": "run_1", "after": "msg_1"}),
        replies=[listing([thread_message("msg_1", "a")], has_more=True), listing([thread_message("msg_2", "b")])],
        view=lambda r: r,
        expect=[("MessageObject", "msg_1"), ("MessageObject", "msg_2")],
    ),
    row(
        "assistants",
        "create-run-include-query-escaped-thread",
        lambda c: c.create_run(
            "thread/1",
            assistant_id="asst_1",
            include=["step_details.tool_calls[*].file_search.results[*].content"],
            additional_instructions=None,
        ),
        # The spec names this query parameter "include[]" already: no second [] suffix.
        POST(
            f"{V1}/threads/thread%2F1/runs",
            query={"include[]": "step_details.tool_calls[*].file_search.results[*].content"},
            json={"assistant_id": "asst_1"},
        ),
        reply=run("run_1", "queued"),
        view=lambda r: (name(r), r.id, r.status, name(r.truncation_strategy)),
        expect=("RunObject", "run_1", "queued", "TruncationObject"),
    ),
    row(
        "assistants",
        "get-run-step-three-path-params",
        lambda c: c.get_run_step("thread_1", "run_1", "step_1"),
        GET(f"{V1}/threads/thread_1/runs/run_1/steps/step_1"),
        reply={
            "id": "step_1",
            "object": "thread.run.step",
            "created_at": 1699063291,
            "run_id": "run_1",
            "assistant_id": "asst_1",
            "thread_id": "thread_1",
            "type": "message_creation",
            "status": "completed",
            "cancelled_at": None,
            "completed_at": 1699063291,
            "expired_at": None,
            "failed_at": None,
            "last_error": None,
            "metadata": {},
            "step_details": {"type": "message_creation", "message_creation": {"message_id": "msg_1"}},
            "usage": {"prompt_tokens": 123, "completion_tokens": 456, "total_tokens": 579},
        },
        view=lambda r: (name(r), name(r.step_details), r.step_details.message_creation.message_id),
        expect=("RunStepObject", "RunStepDetailsMessageCreationObject", "msg_1"),
    ),
    row(
        "assistants",
        "submit-tool-outputs",
        lambda c: c.submit_tool_outputs_to_run(
            "thread_1", "run_1", tool_outputs=[{"tool_call_id": "call_1", "output": "42"}]
        ),
        POST(
            f"{V1}/threads/thread_1/runs/run_1/submit_tool_outputs",
            json={"tool_outputs": [{"tool_call_id": "call_1", "output": "42"}]},
        ),
        reply=run("run_1", "in_progress"),
        view=lambda r: r.status,
        expect="in_progress",
    ),
    row(
        "assistants",
        "run-stream-request-and-done",
        # Stops at `event: done` / `data: [DONE]` (three events before it).
        lambda c: list(c.create_run_stream("thread_1", assistant_id="asst_1")),
        POST(f"{V1}/threads/thread_1/runs", json={"assistant_id": "asst_1", "stream": True}),
        reply=sse_reply(assistant_events()),
        view=len,
        expect=3,
    ),
    row(
        "assistants",
        "run-stream-typed-events",
        lambda c: list(c.create_thread_and_run_stream(assistant_id="asst_1")),
        POST(f"{V1}/threads/runs", json={"assistant_id": "asst_1", "stream": True}),
        reply=sse_reply(assistant_events()),
        view=lambda events: [(name(e), e.event, name(e.data)) for e in events],
        expect=[
            ("RunStreamEventThreadRunCreated", "thread.run.created", "RunObject"),
            ("MessageStreamEventThreadMessageDelta", "thread.message.delta", "MessageDeltaObject"),
            ("RunStreamEventThreadRunCompleted", "thread.run.completed", "RunObject"),
        ],
    ),
]

VECTOR_STORES = [
    row(
        "vector_stores",
        "create-nested-chunking",
        lambda c: c.create_vector_store(
            name="Support FAQ",
            file_ids=["file-1"],
            chunking_strategy={"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}},
            expires_after={"anchor": "last_active_at", "days": 7},
            description=None,
        ),
        POST(
            f"{V1}/vector_stores",
            json={
                "name": "Support FAQ",
                "file_ids": ["file-1"],
                "chunking_strategy": {
                    "type": "static",
                    "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
                },
                "expires_after": {"anchor": "last_active_at", "days": 7},
            },
        ),
        reply={
            "id": "vs_abc123",
            "object": "vector_store",
            "created_at": 1699061776,
            "name": "Support FAQ",
            "usage_bytes": 139920,
            "status": "in_progress",
            "last_active_at": None,
            "metadata": {},
            "file_counts": {"in_progress": 1, "completed": 0, "failed": 0, "cancelled": 0, "total": 1},
        },
        view=lambda r: (name(r), r.id, r.status, r.file_counts.total),
        expect=("VectorStoreObject", "vs_abc123", "in_progress", 1),
    ),
    row(
        "vector_stores",
        "search-filters",
        lambda c: c.search_vector_store(
            "vs_abc123",
            query="return policy",
            filters={"type": "eq", "key": "region", "value": "us"},
            ranking_options={"ranker": "auto", "score_threshold": 0.5},
            max_num_results=None,
        ),
        POST(
            f"{V1}/vector_stores/vs_abc123/search",
            json={
                "query": "return policy",
                "filters": {"type": "eq", "key": "region", "value": "us"},
                "ranking_options": {"ranker": "auto", "score_threshold": 0.5},
            },
        ),
        reply={
            "object": "vector_store.search_results.page",
            "search_query": ["return policy"],
            "data": [
                {
                    "file_id": "file_123",
                    "filename": "document.pdf",
                    "score": 0.95,
                    "attributes": {"region": "us"},
                    "content": [{"type": "text", "text": "Relevant chunk"}],
                }
            ],
            "has_more": False,
            "next_page": None,
        },
        view=lambda r: (name(r), name(r.data[0]), r.data[0].score, r.data[0].content[0].text),
        expect=("VectorStoreSearchResultsPage", "VectorStoreSearchResultItem", 0.95, "Relevant chunk"),
    ),
    row(
        "vector_stores",
        "list-files-paginated",
        lambda c: ids(c.list_vector_store_files("vs_1", filter="completed", limit=1)),
        GET(f"{V1}/vector_stores/vs_1/files", {"filter": "completed", "limit": "1"}),
        GET(f"{V1}/vector_stores/vs_1/files", {"filter": "completed", "limit": "1", "after": "file-1"}),
        replies=[listing([vector_store_file("file-1")], has_more=True), listing([vector_store_file("file-2")])],
        view=lambda r: r,
        expect=[("VectorStoreFileObject", "file-1"), ("VectorStoreFileObject", "file-2")],
    ),
    row(
        "vector_stores",
        "update-file-attributes-two-path-params",
        lambda c: c.update_vector_store_file_attributes("vs_1", "file 1", attributes={"region": "us", "rank": 2}),
        POST(f"{V1}/vector_stores/vs_1/files/file%201", json={"attributes": {"region": "us", "rank": 2}}),
        reply=dict(vector_store_file("file 1"), attributes={"region": "us", "rank": 2}),
        view=lambda r: (name(r), r.attributes),
        expect=("VectorStoreFileObject", {"region": "us", "rank": 2}),
    ),
]

CONTAINERS = [
    row(
        "containers",
        "create",
        lambda c: c.create_container(
            name="box",
            file_ids=["file-1"],
            memory_limit="4g",
            expires_after={"anchor": "last_active_at", "minutes": 20},
        ),
        POST(
            f"{V1}/containers",
            json={
                "name": "box",
                "file_ids": ["file-1"],
                "memory_limit": "4g",
                "expires_after": {"anchor": "last_active_at", "minutes": 20},
            },
        ),
        reply=container("cntr_1", "running"),
        view=lambda r: (name(r), r.id, r.status, r.expires_after.minutes),
        expect=("ContainerResource", "cntr_1", "running", 20),
    ),
    row(
        "containers",
        "create-file-by-id-is-json",
        # multipart or JSON: with no file given, the body goes out as JSON.
        lambda c: c.create_container_file("cntr_1", file_id="file-1"),
        POST(f"{V1}/containers/cntr_1/files", json={"file_id": "file-1"}),
        reply=container_file("cfile_1", "/mnt/data/a.csv"),
        view=lambda r: (name(r), r.id, r.path),
        expect=("ContainerFileResource", "cfile_1", "/mnt/data/a.csv"),
    ),
    row(
        "containers",
        "create-file-upload-is-multipart",
        lambda c: c.create_container_file("cntr_1", file=("data.csv", b"a,b\n")),
        POST(f"{V1}/containers/cntr_1/files", parts=[("file", "data.csv", "text/csv", b"a,b\n")]),
        reply=container_file("cfile_2", "/mnt/data/data.csv"),
        view=lambda r: r.path,
        expect="/mnt/data/data.csv",
    ),
    row(
        "containers",
        "file-content-binary",
        lambda c: c.retrieve_container_file_content("cntr_1", "cfile/2"),
        GET(f"{V1}/containers/cntr_1/files/cfile%2F2/content", headers={"Accept": "*/*, application/json"}),
        reply=bytes_reply(b"a,b\n", content_type="text/csv"),
        view=lambda r: (name(r), r.content),
        expect=("BinaryResponse", b"a,b\n"),
    ),
    row(
        "containers",
        "list-paginated",
        lambda c: ids(c.list_containers(name="box", limit=1)),
        GET(f"{V1}/containers", {"name": "box", "limit": "1"}),
        GET(f"{V1}/containers", {"name": "box", "limit": "1", "after": "cntr_1"}),
        replies=[listing([container("cntr_1", "running")], has_more=True), listing([container("cntr_2", "expired")])],
        view=lambda r: r,
        expect=[("ContainerResource", "cntr_1"), ("ContainerResource", "cntr_2")],
    ),
]

VIDEOS = [
    row(
        "videos",
        "create-without-file-is-json",
        lambda c: c.create_video(prompt="A calico cat playing a piano", model="sora-2", seconds="4", size="720x1280"),
        POST(
            f"{V1}/videos",
            json={"prompt": "A calico cat playing a piano", "model": "sora-2", "seconds": "4", "size": "720x1280"},
        ),
        reply=video("video_1"),
        view=lambda r: (name(r), r.id, r.status, r.seconds),
        expect=("VideoResource", "video_1", "queued", "4"),
        deprecated=True,
    ),
    row(
        "videos",
        "create-with-reference-file-is-multipart",
        lambda c: c.create_video(prompt="Animate this", input_reference=("ref.png", PNG)),
        POST(
            f"{V1}/videos",
            parts=[("prompt", None, None, "Animate this"), ("input_reference", "ref.png", "image/png", PNG)],
        ),
        reply=video("video_2"),
        view=lambda r: r.id,
        expect="video_2",
        deprecated=True,
    ),
    row(
        "videos",
        "content-binary-variant-query",
        lambda c: c.retrieve_video_content("video/1", variant="thumbnail"),
        GET(
            f"{V1}/videos/video%2F1/content",
            {"variant": "thumbnail"},
            headers={"Accept": "video/mp4, image/webp, application/json"},
        ),
        reply=bytes_reply(b"RIFF-webp", content_type="image/webp"),
        view=lambda r: (name(r), r.content_type, saved(r, "thumb.webp")),
        expect=("BinaryResponse", "image/webp", b"RIFF-webp"),
        deprecated=True,
    ),
    row(
        "videos",
        "edit-by-reference-is-json",
        # A reference object in a file field: the body goes out as JSON, not multipart.
        lambda c: c.create_video_edit(video={"id": "video_123"}, prompt="Make it night"),
        POST(f"{V1}/videos/edits", json={"video": {"id": "video_123"}, "prompt": "Make it night"}),
        reply=video("video_3"),
        view=lambda r: r.id,
        expect="video_3",
        deprecated=True,
    ),
    row(
        "videos",
        "extend-by-reference-is-json",
        lambda c: c.create_video_extend(video={"id": "video_123"}, prompt="Keep going", seconds="8"),
        POST(f"{V1}/videos/extensions", json={"video": {"id": "video_123"}, "prompt": "Keep going", "seconds": "8"}),
        reply=video("video_4"),
        view=lambda r: r.id,
        expect="video_4",
        deprecated=True,
    ),
    row(
        "videos",
        "create-with-image-url-reference-is-json",
        lambda c: c.create_video(prompt="Animate this", input_reference={"image_url": "https://example.com/a.png"}),
        POST(
            f"{V1}/videos",
            json={"prompt": "Animate this", "input_reference": {"image_url": "https://example.com/a.png"}},
        ),
        reply=video("video_5"),
        view=lambda r: r.id,
        expect="video_5",
        deprecated=True,
    ),
    row(
        "videos",
        "list-deprecated-paginated",
        lambda c: ids(c.list_videos(limit=1, order="desc")),
        GET(f"{V1}/videos", {"limit": "1", "order": "desc"}),
        GET(f"{V1}/videos", {"limit": "1", "order": "desc", "after": "video_2"}),
        replies=[listing([video("video_2", "completed")], has_more=True), listing([video("video_1", "failed")])],
        view=lambda r: r,
        expect=[("VideoResource", "video_2"), ("VideoResource", "video_1")],
        deprecated=True,
    ),
]

SKILL_VERSION = {
    "object": "skill.version",
    "id": "skillver_2",
    "skill_id": "skill_1",
    "version": "2",
    "created_at": 1760000001,
    "name": "csv-insights",
    "description": "Summarises CSV files.",
}

SKILLS = [
    row(
        "skills",
        "create-list-of-files",
        lambda c: c.create_skill(
            files=[("SKILL.md", b"# CSV insights\n", "text/markdown"), ("run.py", b"print(1)\n", "text/x-python")]
        ),
        POST(
            f"{V1}/skills",
            parts=[
                ("files[]", "SKILL.md", "text/markdown", b"# CSV insights\n"),
                ("files[]", "run.py", "text/x-python", b"print(1)\n"),
            ],
        ),
        reply=skill("skill_1"),
        view=lambda r: (name(r), r.id, r.latest_version),
        expect=("SkillResource", "skill_1", "2"),
    ),
    row(
        "skills",
        "update-default-version-escaped",
        lambda c: c.update_skill_default_version("skill 1", default_version="2"),
        POST(f"{V1}/skills/skill%201", json={"default_version": "2"}),
        reply=skill("skill 1", default_version="2"),
        view=lambda r: r.default_version,
        expect="2",
    ),
    row(
        "skills",
        "version-content-binary",
        lambda c: c.get_skill_version_content("skill_1", "2"),
        GET(f"{V1}/skills/skill_1/versions/2/content", headers={"Accept": "application/zip, application/json"}),
        reply=bytes_reply(b"PK\x03\x04zip", content_type="application/zip"),
        view=lambda r: (name(r), r.content),
        expect=("BinaryResponse", b"PK\x03\x04zip"),
    ),
    row(
        "skills",
        "list-versions-paginated",
        lambda c: ids(c.list_skill_versions("skill_1", order="desc")),
        GET(f"{V1}/skills/skill_1/versions", {"order": "desc"}),
        GET(f"{V1}/skills/skill_1/versions", {"order": "desc", "after": "skillver_2"}),
        replies=[listing([SKILL_VERSION], has_more=True), listing([dict(SKILL_VERSION, id="skillver_1", version="1")])],
        view=lambda r: r,
        expect=[("SkillVersionResource", "skillver_2"), ("SkillVersionResource", "skillver_1")],
    ),
]

CHATKIT_SESSION = {
    "id": "cksess_1",
    "object": "chatkit.session",
    "expires_at": 1735689600,
    "client_secret": "chatkit_token_123",
    "workflow": {"id": "wf_1", "version": "2", "state_variables": None, "tracing": {"enabled": True}},
    "user": "user_1",
    "rate_limits": {"max_requests_per_1_minute": 10},
    "max_requests_per_1_minute": 10,
    "status": "active",
    "chatkit_configuration": {
        "automatic_thread_titling": {"enabled": True},
        "file_upload": {"enabled": False},
        "history": {"enabled": True, "recent_threads": None},
    },
}

CHATKIT = [
    row(
        "chatkit",
        "create-session-nested",
        lambda c: c.create_chatkit_session(
            workflow={"id": "wf_1", "version": "2"},
            user="user_1",
            rate_limits={"max_requests_per_1_minute": 10},
            expires_after=None,
        ),
        POST(
            f"{V1}/chatkit/sessions",
            json={
                "workflow": {"id": "wf_1", "version": "2"},
                "user": "user_1",
                "rate_limits": {"max_requests_per_1_minute": 10},
            },
        ),
        reply=CHATKIT_SESSION,
        view=lambda r: (name(r), r.client_secret, name(r.workflow), r.workflow.tracing.enabled),
        expect=("ChatSessionResource", "chatkit_token_123", "ChatkitWorkflow", True),
    ),
    row(
        "chatkit",
        "list-threads-paginated",
        lambda c: [(name(t), t.id, name(t.status)) for t in c.list_chatkit_threads(user="user_1", limit=1)],
        GET(f"{V1}/chatkit/threads", {"user": "user_1", "limit": "1"}),
        GET(f"{V1}/chatkit/threads", {"user": "user_1", "limit": "1", "after": "cthr_1"}),
        replies=[listing([chatkit_thread("cthr_1")], has_more=True), listing([chatkit_thread("cthr_2")])],
        view=lambda r: r,
        expect=[("ThreadResource", "cthr_1", "ActiveStatus"), ("ThreadResource", "cthr_2", "ActiveStatus")],
    ),
    row(
        "chatkit",
        "get-thread-escaped",
        lambda c: c.get_chatkit_thread("cthr/1"),
        GET(f"{V1}/chatkit/threads/cthr%2F1"),
        reply=chatkit_thread("cthr/1"),
        view=lambda r: (name(r), r.id, r.title),
        expect=("ThreadResource", "cthr/1", "Customer escalation"),
    ),
]

REALTIME = [
    row(
        "realtime",
        "client-secret-nested-session",
        lambda c: c.create_realtime_client_secret(
            expires_after={"anchor": "created_at", "seconds": 600},
            session={"type": "realtime", "model": "gpt-realtime", "instructions": "You are friendly."},
        ),
        POST(
            f"{V1}/realtime/client_secrets",
            json={
                "expires_after": {"anchor": "created_at", "seconds": 600},
                "session": {"type": "realtime", "model": "gpt-realtime", "instructions": "You are friendly."},
            },
        ),
        reply={
            "value": "ek_68af296e",
            "expires_at": 1756310470,
            "session": {
                "type": "realtime",
                "object": "realtime.session",
                "id": "sess_C9Ci",
                "model": "gpt-realtime",
                "output_modalities": ["audio"],
                "instructions": "You are friendly.",
                "tools": [],
                "tool_choice": "auto",
                "max_output_tokens": "inf",
                "expires_at": 0,
            },
        },
        view=lambda r: (name(r), r.value, name(r.session), r.session.id),
        expect=("RealtimeCreateClientSecretResponse", "ek_68af296e", "RealtimeSessionCreateResponseGA", "sess_C9Ci"),
    ),
    row(
        "realtime",
        "accept-call-returns-none",
        lambda c: c.accept_realtime_call("rtc/1", type="realtime", model="gpt-realtime", instructions=None),
        POST(f"{V1}/realtime/calls/rtc%2F1/accept", json={"type": "realtime", "model": "gpt-realtime"}),
        reply=bytes_reply(b""),
        view=lambda r: r,
        expect=None,
    ),
    row(
        "realtime",
        "create-call-returns-sdp-text",
        lambda c: c.create_realtime_call(sdp="v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"),
        # (The sdp part's content type is the subject of the next row.)
        POST(
            f"{V1}/realtime/calls",
            headers={"Accept": "application/sdp"},
            parts=[("sdp", None, ANY, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n")],
        ),
        reply=bytes_reply(
            "v=0\r\no=- 4227147428 1719357865 IN IP4 127.0.0.1\r\n",
            201,
            content_type="application/sdp",
            headers={"Location": "/v1/realtime/calls/rtc_1"},
        ),
        view=lambda r: (name(r), r.splitlines()[1]),
        expect=("str", "o=- 4227147428 1719357865 IN IP4 127.0.0.1"),
    ),
    row(
        "realtime",
        "create-call-session-as-json-part",
        lambda c: c.create_realtime_call(sdp="v=0\r\n", session={"type": "realtime", "model": "gpt-realtime"}),
        POST(
            f"{V1}/realtime/calls",
            headers={"Accept": "application/sdp"},
            parts=[
                ("sdp", None, "application/sdp", "v=0\r\n"),
                ("session", None, "application/json", {"type": "realtime", "model": "gpt-realtime"}),
            ],
        ),
        reply=bytes_reply("v=0\r\n", 201, content_type="application/sdp"),
        view=lambda r: r,
        expect="v=0\r\n",
    ),
]

CONTENT_PROVENANCE_RESULT = {
    "object": "content_provenance_check",
    "created_at": 1760000000,
    "results": [
        {
            "type": "c2pa",
            "outcome": "detected",
            "validation_state": "trusted",
            "issuer": "OpenAI",
            "model": "gpt-image-1",
            "generated_at": "2025-10-01T00:00:00Z",
        },
        {"type": "synthid", "outcome": "not_detected", "model": None, "generated_at": None},
    ],
}

CONTENT_PROVENANCE = [
    row(
        "content_provenance",
        "check-image-bytes",
        lambda c: c.create_content_provenance_check(file=("photo.png", PNG)),
        POST(f"{V1}/content_provenance_checks", parts=[("file", "photo.png", "image/png", PNG)]),
        reply=CONTENT_PROVENANCE_RESULT,
        view=lambda r: (name(r), names(r.results), r.results[0].validation_state),
        expect=("ProvenanceResource", ["C2PAProvenanceResult", "SynthIDProvenanceResult"], "trusted"),
    ),
    row(
        "content_provenance",
        "check-path",
        lambda c: c.create_content_provenance_check(file=pathlib.Path("scan.jpg")),
        POST(f"{V1}/content_provenance_checks", parts=[("file", "scan.jpg", "image/jpeg", b"\xff\xd8fake")]),
        reply=dict(CONTENT_PROVENANCE_RESULT, results=[]),
        view=lambda r: r.results,
        expect=[],
        files={"scan.jpg": b"\xff\xd8fake"},
    ),
]

ADMIN = [
    row(
        "admin",
        "audit-logs-filter-object-and-arrays-paginated",
        lambda c: ids(
            c.list_audit_logs(
                effective_at={"gt": 1700000000, "lte": 1800000000},
                event_types=["project.created", "user.added"],
                project_ids=["proj_1"],
                limit=1,
                tenant_only=None,
            )
        ),
        GET(
            f"{V1}/organization/audit_logs",
            {
                "effective_at[gt]": "1700000000",
                "effective_at[lte]": "1800000000",
                "project_ids[]": "proj_1",
                "event_types[]": ["project.created", "user.added"],
                "limit": "1",
            },
        ),
        GET(
            f"{V1}/organization/audit_logs",
            {
                "effective_at[gt]": "1700000000",
                "effective_at[lte]": "1800000000",
                "project_ids[]": "proj_1",
                "event_types[]": ["project.created", "user.added"],
                "limit": "1",
                "after": "audit_log-1",
            },
        ),
        replies=[listing([audit_log("audit_log-1")], has_more=True), listing([audit_log("audit_log-2")])],
        view=lambda r: r,
        expect=[("AuditLog", "audit_log-1"), ("AuditLog", "audit_log-2")],
        admin=True,
    ),
    row(
        "admin",
        "users-array-query",
        lambda c: ids(c.list_users(emails=["a@example.com", "b@example.com"], limit=2)),
        GET(f"{V1}/organization/users", {"emails[]": ["a@example.com", "b@example.com"], "limit": "2"}),
        reply=listing(
            [
                {
                    "object": "organization.user",
                    "id": "user_abc",
                    "name": "A",
                    "email": "a@example.com",
                    "role": "owner",
                    "added_at": 1711471533,
                }
            ]
        ),
        view=lambda r: r,
        expect=[("User", "user_abc")],
        admin=True,
    ),
    row(
        "admin",
        "usage-completions-page-cursor",
        lambda c: [
            (name(b), b.start_time, names(b.results))
            for b in c.usage_completions(
                start_time=1730419200, bucket_width="1d", group_by=["model", "project_id"], batch=False, limit=1
            )
        ],
        GET(
            f"{V1}/organization/usage/completions",
            {
                "start_time": "1730419200",
                "bucket_width": "1d",
                "group_by[]": ["model", "project_id"],
                "batch": "false",
                "limit": "1",
            },
        ),
        GET(
            f"{V1}/organization/usage/completions",
            {
                "start_time": "1730419200",
                "bucket_width": "1d",
                "group_by[]": ["model", "project_id"],
                "batch": "false",
                "limit": "1",
                "page": "page_AAAAAGdGxdE=",
            },
        ),
        replies=[usage_page(1730419200, "page_AAAAAGdGxdE="), usage_page(1730505600, None)],
        view=lambda r: r,
        expect=[
            ("UsageTimeBucket", 1730419200, ["UsageCompletionsResult"]),
            ("UsageTimeBucket", 1730505600, ["UsageCompletionsResult"]),
        ],
        admin=True,
    ),
    row(
        "admin",
        "projects-bool-query",
        lambda c: [(name(p), p.id, p.status) for p in c.list_projects(include_archived=True, after=None)],
        GET(f"{V1}/organization/projects", {"include_archived": "true"}),
        reply=listing(
            [
                {
                    "id": "proj_abc",
                    "object": "organization.project",
                    "name": "Project example",
                    "created_at": 1711471533,
                    "archived_at": None,
                    "status": "active",
                }
            ]
        ),
        view=lambda r: r,
        expect=[("Project", "proj_abc", "active")],
        admin=True,
    ),
    row(
        "admin",
        "project-user-path-escaping",
        # "@" may stay in a path segment; the space may not.
        lambda c: c.retrieve_project_user("proj 1", "user@example.com"),
        GET(f"{V1}/organization/projects/proj%201/users/user@example.com"),
        reply={
            "object": "organization.project.user",
            "id": "user@example.com",
            "name": "A",
            "email": "user@example.com",
            "role": "owner",
            "added_at": 1711471533,
        },
        view=lambda r: (name(r), r.role),
        expect=("ProjectUser", "owner"),
        admin=True,
    ),
    row(
        "admin",
        "invite-nested-projects",
        lambda c: c.invite_user(email="new@example.com", role="reader", projects=[{"id": "proj_1", "role": "member"}]),
        POST(
            f"{V1}/organization/invites",
            json={"email": "new@example.com", "role": "reader", "projects": [{"id": "proj_1", "role": "member"}]},
        ),
        reply={
            "object": "organization.invite",
            "id": "invite-abc",
            "email": "new@example.com",
            "role": "reader",
            "status": "pending",
            "invited_at": 1711471533,
            "expires_at": 1711471533,
            "accepted_at": None,
            "created_at": 1711471533,
            "projects": [{"id": "proj_1", "role": "member"}],
        },
        view=lambda r: (name(r), r.status, names(r.projects), r.projects[0].role),
        expect=("Invite", "pending", ["InviteProjectsItem"], "member"),
        admin=True,
    ),
]

CASES = [
    *CHAT,
    *COMPLETIONS,
    *RESPONSES,
    *RESPONSES_BETA,
    *CONVERSATIONS,
    *EMBEDDINGS,
    *MODERATIONS,
    *MODELS,
    *FILES,
    *UPLOADS,
    *BATCHES,
    *FINE_TUNING,
    *EVALS,
    *IMAGES,
    *AUDIO,
    *ASSISTANTS,
    *VECTOR_STORES,
    *CONTAINERS,
    *VIDEOS,
    *SKILLS,
    *CHATKIT,
    *REALTIME,
    *CONTENT_PROVENANCE,
    *ADMIN,
]


# ---------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def api_deprecation_warnings(expected: bool) -> Iterator[None]:
    """Expect exactly one "deprecated by the API" warning, or none."""
    if expected:
        with pytest.warns(DeprecationWarning, match="is deprecated by the API") as caught:
            yield
        # Once per call, however many pages it fetches.
        assert len([w for w in caught if "deprecated by the API" in str(w.message)]) == 1
        return
    with warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("always")
        yield
    assert [str(w.message) for w in recorded if "deprecated by the API" in str(w.message)] == []


def check_request(got: Any, want: Req, case: Case) -> None:
    assert (got.method, got.path) == (want.method, want.path)
    expected_query = {k: v if isinstance(v, list) else [v] for k, v in want.query.items()}
    assert got.query == expected_query
    assert got.headers.get("Authorization") == f"Bearer {ADMIN_KEY if case.admin else API_KEY}"
    if case.area not in UNCHECKED_BETA:
        assert got.headers.get("OpenAI-Beta") == BETA_HEADER.get(case.area)
    for header, value in want.headers.items():
        assert got.headers.get(header) == value, header
    content_type = got.headers.get("Content-Type", "")
    if want.parts is not None:
        assert content_type.startswith("multipart/form-data; boundary=")
        parts = got.multipart()
        assert [(p.name, p.filename) for p in parts] == [(n, f) for n, f, _, _ in want.parts]
        for part, (_, _, part_type, data) in zip(parts, want.parts):
            if part_type is not ANY:
                assert part.content_type == part_type, part.name
            if isinstance(data, dict):
                assert json.loads(part.data) == data
            else:
                assert part.data == (data.encode() if isinstance(data, str) else data), part.name
    elif want.json is not NO_BODY:
        assert content_type == "application/json"
        assert got.json() == want.json
    else:
        assert (got.body, content_type) == (b"", "")


@pytest.mark.parametrize("case", CASES)
def test_call(case: Case, server: Any, make_client: Any, tmp_path: pathlib.Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    for filename, data in case.files.items():
        (tmp_path / filename).write_bytes(data)
    server.reply(*[a if isinstance(a, Reply) else json_reply(a) for a in case.replies])
    client = make_client(admin_api_key=ADMIN_KEY)

    with api_deprecation_warnings(case.deprecated):
        result = case.call(client)

    assert len(server.requests) == len(case.requests), server.requests
    for got, want in zip(server.requests, case.requests):
        check_request(got, want, case)
    assert case.view(result) == case.expect


def test_every_area_has_rows() -> None:
    """Each generated area module has rows here (a new area needs some)."""
    import openai_lite._api

    api_dir = pathlib.Path(openai_lite._api.__file__).parent
    areas = {p.stem for p in api_dir.glob("*.py") if not p.stem.startswith("_")}
    covered = {param.values[0].area for param in CASES}
    assert areas == covered
    per_area: Dict[str, int] = {}
    for param in CASES:
        per_area[param.values[0].area] = per_area.get(param.values[0].area, 0) + 1
    assert min(per_area.values()) >= 2, per_area


def test_chatkit_sends_its_beta_header(server: Any, client: Any) -> None:
    server.reply(json_reply(CHATKIT_SESSION))
    client.create_chatkit_session(workflow={"id": "wf_1"}, user="user_1")
    assert server.last_request.headers.get("OpenAI-Beta") == "chatkit_beta=v1"


def test_admin_operation_without_admin_key_sends_nothing(server: Any, client: Any) -> None:
    """An admin operation on a client without the admin key fails before anything is sent."""
    import openai_lite

    with pytest.raises(openai_lite.OpenAIError, match="admin_api_key"):
        client.list_users()
    assert server.requests == []
