"""Every hand-written rule of the generator, in one place.

The spec decides almost everything; these tables say what it does not, or
says wrongly. Operation rules are keyed by ``operationId``, type rules by
schema name (the generated class name for inline schemas), area rules by area
module. tests/test_codegen.py checks that every key still names something the
spec has, so a table cannot go stale silently.
"""

from __future__ import annotations

from typing import Dict, List, NamedTuple, Tuple

# ---------------------------------------------------------------------------
# Operations (keyed by operationId)
# ---------------------------------------------------------------------------

# Method names the general rule (snake_case of camelCase / kebab-case) gets
# wrong: words run together, a typo, and ChatKit names that would collide with
# the Assistants API's get_thread / delete_thread.
METHOD_NAMES: Dict[str, str] = {
    "submitToolOuputsToRun": "submit_tool_outputs_to_run",
    "Createcontentprovenancecheck": "create_content_provenance_check",
    "CreateanAPIkeyforaserviceaccount": "create_service_account_api_key",
    "Getinputtokencounts": "get_input_token_counts",
    "beta_Getinputtokencounts": "beta_get_input_token_counts",
    "Compactconversation": "compact_conversation",
    "beta_Compactconversation": "beta_compact_conversation",
    "Getorganizationspendlimit": "get_organization_spend_limit",
    "Updateorganizationspendlimit": "update_organization_spend_limit",
    "Deleteorganizationspendlimit": "delete_organization_spend_limit",
    "Getprojectspendlimit": "get_project_spend_limit",
    "Updateprojectspendlimit": "update_project_spend_limit",
    "Deleteprojectspendlimit": "delete_project_spend_limit",
    "CancelChatSessionMethod": "cancel_chatkit_session",
    "CreateChatSessionMethod": "create_chatkit_session",
    "ListThreadItemsMethod": "list_chatkit_thread_items",
    "GetThreadMethod": "get_chatkit_thread",
    "DeleteThreadMethod": "delete_chatkit_thread",
    "ListThreadsMethod": "list_chatkit_threads",
}

# Streaming twins whose spec declares no text/event-stream response: what their events are.
STREAM_EVENTS: Dict[str, str] = {
    "createCompletion": "CreateCompletionResponse",
    "createRun": "AssistantStreamEvent",
    "createThreadAndRun": "AssistantStreamEvent",
    "submitToolOuputsToRun": "AssistantStreamEvent",
}

# Operations whose description says they need the admin key although their
# `security` does not (fine-tuned checkpoint permissions).
ADMIN_BY_DESCRIPTION = {
    "listFineTuningCheckpointPermissions",
    "createFineTuningCheckpointPermission",
    "deleteFineTuningCheckpointPermission",
}

# Declared as JSON strings, but the body is the file itself: operation -> Accept.
BINARY_RESPONSES: Dict[str, str] = {"downloadFile": "application/binary", "RetrieveContainerFileContent": "*/*"}

# Streams without [DONE] end after one of these events; ending before one means
# the stream was cut short (an APIConnectionError rather than a silent end).
_RESPONSE_DONE = ("response.completed", "response.failed", "response.incomplete")
FINAL_EVENTS: Dict[str, Tuple[str, ...]] = {
    "createResponse": _RESPONSE_DONE,
    "beta_createResponse": _RESPONSE_DONE,
    "createImage": ("image_generation.completed",),
    "createImageEdit": ("image_edit.completed",),
    "createSpeech": ("speech.audio.done",),
    "createTranscription": ("transcript.text.done",),
}

# Streams that end with data: [DONE]; a stream cut off before it is an error.
DONE_MARKER = {
    "createChatCompletion",
    "createCompletion",
    "createRun",
    "createThreadAndRun",
    "submitToolOuputsToRun",
}


class WireDefault(NamedTuple):
    """A body field sent with ``value`` when the caller leaves it unset, the result then passed to ``hook``."""

    key: str
    value: str
    hook_module: str  # a module of the package, relative (``_embeddings``)
    hook: str
    why: str  # the comment beside the hook call


WIRE_DEFAULTS: Dict[str, WireDefault] = {
    # base64 vectors are a quarter of the bytes of JSON floats (see _embeddings.py).
    "createEmbedding": WireDefault(
        "encoding_format", "base64", "_embeddings", "decode_embeddings", "we asked for base64; the caller gets floats"
    ),
}

# ---------------------------------------------------------------------------
# Areas: which module an operation or a type lives in
# ---------------------------------------------------------------------------

# The first path segment decides the module an operation lives in.
AREAS: Dict[str, str] = {
    "assistants": "assistants",
    "threads": "assistants",
    "audio": "audio",
    "batches": "batches",
    "chat": "chat",
    "chatkit": "chatkit",
    "completions": "completions",
    "containers": "containers",
    "content_provenance_checks": "content_provenance",
    "conversations": "conversations",
    "embeddings": "embeddings",
    "evals": "evals",
    "files": "files",
    "fine_tuning": "fine_tuning",
    "images": "images",
    "models": "models",
    "moderations": "moderations",
    "organization": "admin",
    "projects": "admin",
    "realtime": "realtime",
    "responses": "responses",
    "skills": "skills",
    "uploads": "uploads",
    "vector_stores": "vector_stores",
    "videos": "videos",
}

AREA_TITLES: Dict[str, str] = {
    "admin": "Administration: organization, projects, users, keys, usage and costs",
    "assistants": "Assistants, threads, messages, runs and run steps (beta)",
    "audio": "Audio: speech, transcription, translation, voices",
    "batches": "Batches",
    "chat": "Chat completions",
    "chatkit": "ChatKit sessions and threads",
    "completions": "Legacy completions",
    "containers": "Containers and container files",
    "content_provenance": "Content provenance checks",
    "conversations": "Conversations and conversation items",
    "embeddings": "Embeddings",
    "evals": "Evals and eval runs",
    "files": "Files",
    "fine_tuning": "Fine-tuning jobs, checkpoints and graders",
    "images": "Images",
    "models": "Models",
    "moderations": "Moderations",
    "realtime": "Realtime calls, sessions and client secrets",
    "responses": "Responses",
    "responses_beta": "Responses, beta twins (``?beta=true``)",
    "shared": "Types used by several API areas",
    "skills": "Skills and skill versions",
    "uploads": "Uploads (large files in parts)",
    "vector_stores": "Vector stores, their files and file batches",
    "videos": "Videos",
    "webhooks": "Webhook events",
}

# Headers the API expects that the spec shows only in its examples, by area.
BETA_HEADERS: Dict[str, str] = {
    "assistants": "assistants=v2",
    "vector_stores": "assistants=v2",
    "chatkit": "chatkit_beta=v1",
}

# Orphan schemas (used by no operation: webhooks, realtime events ...) go by name prefix.
ORPHAN_AREAS: List[Tuple[str, str]] = [
    ("Webhook", "webhooks"),
    ("Realtime", "realtime"),
    ("Beta", "responses_beta"),
    ("Response", "responses"),
    ("Assistant", "assistants"),
    ("Thread", "assistants"),
    ("Run", "assistants"),
    ("Message", "assistants"),
    ("Eval", "evals"),
    ("FineTun", "fine_tuning"),
    ("Grader", "fine_tuning"),
    ("VectorStore", "vector_stores"),
    ("ChatCompletion", "chat"),
    ("ChatSession", "chatkit"),
    ("Image", "images"),
    ("Speech", "audio"),
    ("Transcript", "audio"),
    ("Audio", "audio"),
    ("Video", "videos"),
    ("Conversation", "conversations"),
    ("Container", "containers"),
    ("Skill", "skills"),
    ("Upload", "uploads"),
    ("Batch", "batches"),
    ("AuditLog", "admin"),
    ("Project", "admin"),
    ("Usage", "admin"),
]

# Which area keeps a type several areas use, most general first.
OWNERS: List[str] = [
    "responses",
    "responses_beta",
    "chat",
    "assistants",
    "audio",
    "images",
    "files",
    "fine_tuning",
    "realtime",
    "conversations",
    "evals",
    "vector_stores",
    "containers",
    "videos",
    "shared",
]

# ---------------------------------------------------------------------------
# Types (keyed by schema name)
# ---------------------------------------------------------------------------

# Properties the spec marks as computed by the SDKs (``x-oaiSupportedSDKs``) rather than sent
# by the server: not a field, but a member of the named mixin (openai_lite/_mixins.py) that
# every response class with the property derives from.
SDK_PROPERTIES: Dict[str, str] = {"output_text": "OutputTextMixin"}

# Members beyond fields: the mixin (openai_lite/_mixins.py) a response class derives from.
MIXINS: Dict[str, str] = {"ChatCompletionResponseMessage": "AssistantMessageMixin"}

# Request unions that also take response objects passed back (sent as the JSON they were parsed
# from): ``input=[*previous.output, {...}]`` type-checks. The request form of the key schema
# also accepts the response form of the schemas listed.
PASSED_BACK: Dict[str, Tuple[str, ...]] = {
    "InputItem": ("OutputItem",),
    "BetaInputItem": ("BetaOutputItem",),
}

# Unions whose members the JSON cannot always tell apart: an object that fits several is parsed
# as the one sharing the most keys with it, the first listed on a tie. The generated docs say so.
# Keyed by the union alias's generated name, or "Class.field" for a union written in a field;
# tests/test_types.py finds them (every other member's spec example and minimal instance must
# parse as that member) and checks this table against what it finds.
AMBIGUOUS_UNIONS: Dict[str, Tuple[str, ...]] = {
    "BetaInput": ("BetaEasyInputMessage", "BetaInputMessage"),
    "Input": ("EasyInputMessage", "InputMessage"),
    "RealtimeAudioFormats": (
        "RealtimeAudioFormatsPCMAudioFormat",
        "RealtimeAudioFormatsPCMUAudioFormat",
        "RealtimeAudioFormatsPCMAAudioFormat",
    ),
    "CreateEvalCompletionsRunDataSourceInputMessagesTemplateInputMessages.template": ("EasyInputMessage", "EvalItem"),
    "CreateEvalResponsesRunDataSourceInputMessagesInputMessagesTemplate.template": (
        "CreateEvalResponsesRunDataSourceInputMessagesInputMessagesTemplateTemplateItemChatMessage",
        "EvalItem",
    ),
}
