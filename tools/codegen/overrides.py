"""Every hand-written rule of the generator, in one place.

The spec decides almost everything; these tables say what it does not, or
says wrongly. Operation rules are keyed by ``operationId``, type rules by
schema name (the generated class name for inline schemas), area rules by area
module. tests/test_codegen.py checks that every key still names something the
spec has, so a table cannot go stale silently.
"""

from __future__ import annotations

from typing import Dict, List, NamedTuple, Optional, Tuple

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


class ParseTwin(NamedTuple):
    """The ``parse_*`` twins of an operation and of its ``_stream`` twin: structured outputs.

    Same arguments, docstring ``Args:`` and ``stream`` refusal as the method they twin, except that
    ``format_arg`` also takes a dataclass or TypedDict (sent as its strict JSON Schema); the result
    is parsed into it. Each is a short body calling the function of ``openai_lite/_structured.py``
    named like it, which calls the twinned method as a user would.
    """

    name: str  # the method; its stream twin adds _stream
    format_arg: str  # the argument that also takes a class
    format_of: str  # "" when format_arg is a body field; else "text.format", the nested field it sets
    result: str  # the return type (generic in T), from result_module
    stream_result: str  # the stream twin's
    result_module: str  # a module of the package, relative (``_parsed_chat``)
    official: str  # the official SDK's name of the method
    stream_official: str  # ... and of its streaming form
    summary: str  # the docstring's first paragraphs


PARSE_TWINS: Dict[str, ParseTwin] = {
    "createChatCompletion": ParseTwin(
        "parse_chat_completion",
        "response_format",
        "",
        "ParsedChatCompletion",
        "ParsedChatCompletionAccumulator",
        "_parsed_chat",
        "chat.completions.parse",
        "chat.completions.stream",
        "``create_chat_completion`` with structured output: the reply parsed into ``response_format``.\n\n"
        "``response_format`` is a dataclass or TypedDict (sent as a strict ``json_schema`` format;"
        " ``choices[i].message.parsed`` is an instance, a dict for a TypedDict), or a format dict, sent"
        " as it is (``parsed`` is then the decoded JSON for ``json_schema``/``json_object``). A refusal"
        " leaves ``parsed`` None and ``refusal`` set. Function tools made by ``function_tool`` (or other"
        " strict ones) give their calls ``function.parsed_arguments``. Raises ``LengthFinishReasonError``"
        " or ``ContentFilterFinishReasonError`` when the output was cut off, ``ValueError`` when it does"
        " not fit the type.",
    ),
    "createResponse": ParseTwin(
        "parse_response",
        "text_format",
        "text.format",
        "ParsedResponse",
        "ParsedResponseAccumulator",
        "_parsed_response",
        "responses.parse",
        "responses.stream",
        "``create_response`` with structured output: the output text parsed into ``text_format``.\n\n"
        "``text_format`` is a dataclass or TypedDict (sent as the strict ``json_schema`` format of"
        " ``text``; ``output_parsed`` is an instance, a dict for a TypedDict), or a format dict, sent as it"
        " is (``output_parsed`` is then the decoded JSON for ``json_schema``/``json_object``). A refusal"
        " leaves ``output_parsed`` None. Function tools made by ``response_function_tool`` (or other"
        " strict ones) give their ``function_call`` items ``parsed_arguments``. Raises"
        " ``LengthFinishReasonError`` or ``ContentFilterFinishReasonError`` for an output cut off,"
        " ``ValueError`` when it does not fit the type.",
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

# API.md's order: the areas people use most first, administration last.
AREA_ORDER: List[str] = [
    "chat",
    "responses",
    "embeddings",
    "files",
    "audio",
    "images",
    "batches",
    "fine_tuning",
    "models",
    "moderations",
    "vector_stores",
    "uploads",
    "conversations",
    "completions",
    "assistants",
    "evals",
    "containers",
    "videos",
    "realtime",
    "chatkit",
    "skills",
    "content_provenance",
    "responses_beta",
    "admin",
]

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


# ---------------------------------------------------------------------------
# Porting from the official SDK (keyed by operationId)
# ---------------------------------------------------------------------------

# The official Python SDK's name of each operation (``chat.completions.create`` for
# ``client.chat.completions.create(...)``). Most come from the spec's own Python examples
# (x-oaiMeta); this table gives the rest, and corrects an example that names a call wrongly.
# None: the official SDK has no method for it. The ``?beta=true`` twins share the name of the
# operation they twin and are left out.
OFFICIAL_NAMES: Dict[str, Optional[str]] = {
    # The spec's example says beta.chat_kit (a resource the SDK does not have).
    "DeleteThreadMethod": "beta.chatkit.threads.delete",
    "createVoiceConsent": "audio.voice_consents.create",
    "listVoiceConsents": "audio.voice_consents.list",
    "getVoiceConsent": "audio.voice_consents.retrieve",
    "updateVoiceConsent": "audio.voice_consents.update",
    "deleteVoiceConsent": "audio.voice_consents.delete",
    "createVoice": "audio.voices.create",
    "ListContainers": "containers.list",
    "CreateContainer": "containers.create",
    "RetrieveContainer": "containers.retrieve",
    "DeleteContainer": "containers.delete",
    "CreateContainerFile": "containers.files.create",
    "ListContainerFiles": "containers.files.list",
    "RetrieveContainerFile": "containers.files.retrieve",
    "DeleteContainerFile": "containers.files.delete",
    "RetrieveContainerFileContent": "containers.files.content.retrieve",
    "validateGrader": "fine_tuning.alpha.graders.validate",
    "listFineTuningCheckpointPermissions": "fine_tuning.checkpoints.permissions.list",
    "createFineTuningCheckpointPermission": "fine_tuning.checkpoints.permissions.create",
    "deleteFineTuningCheckpointPermission": "fine_tuning.checkpoints.permissions.delete",
    "listFineTuningJobCheckpoints": "fine_tuning.jobs.checkpoints.list",
    "admin-api-keys-list": "admin.organization.admin_api_keys.list",
    "admin-api-keys-create": "admin.organization.admin_api_keys.create",
    "admin-api-keys-get": "admin.organization.admin_api_keys.retrieve",
    "admin-api-keys-delete": "admin.organization.admin_api_keys.delete",
    "list-audit-logs": "admin.organization.audit_logs.list",
    "listOrganizationCertificates": "admin.organization.certificates.list",
    "uploadCertificate": "admin.organization.certificates.create",
    "activateOrganizationCertificates": "admin.organization.certificates.activate",
    "deactivateOrganizationCertificates": "admin.organization.certificates.deactivate",
    "getCertificate": "admin.organization.certificates.retrieve",
    "modifyCertificate": "admin.organization.certificates.update",
    "deleteCertificate": "admin.organization.certificates.delete",
    "usage-costs": "admin.organization.usage.costs",
    "retrieve-organization-data-retention": "admin.organization.data_retention.retrieve",
    "update-organization-data-retention": "admin.organization.data_retention.update",
    "list-groups": "admin.organization.groups.list",
    "create-group": "admin.organization.groups.create",
    "retrieve-group": "admin.organization.groups.retrieve",
    "update-group": "admin.organization.groups.update",
    "delete-group": "admin.organization.groups.delete",
    "list-group-role-assignments": "admin.organization.groups.roles.list",
    "assign-group-role": "admin.organization.groups.roles.create",
    "retrieve-group-role": "admin.organization.groups.roles.retrieve",
    "unassign-group-role": "admin.organization.groups.roles.delete",
    "list-group-users": "admin.organization.groups.users.list",
    "add-group-user": "admin.organization.groups.users.create",
    "retrieve-group-user": "admin.organization.groups.users.retrieve",
    "remove-group-user": "admin.organization.groups.users.delete",
    "list-invites": "admin.organization.invites.list",
    "inviteUser": "admin.organization.invites.create",
    "retrieve-invite": "admin.organization.invites.retrieve",
    "delete-invite": "admin.organization.invites.delete",
    "list-projects": "admin.organization.projects.list",
    "create-project": "admin.organization.projects.create",
    "retrieve-project": "admin.organization.projects.retrieve",
    "modify-project": "admin.organization.projects.update",
    "list-project-api-keys": "admin.organization.projects.api_keys.list",
    "retrieve-project-api-key": "admin.organization.projects.api_keys.retrieve",
    "delete-project-api-key": "admin.organization.projects.api_keys.delete",
    "archive-project": "admin.organization.projects.archive",
    "listProjectCertificates": "admin.organization.projects.certificates.list",
    "activateProjectCertificates": "admin.organization.projects.certificates.activate",
    "deactivateProjectCertificates": "admin.organization.projects.certificates.deactivate",
    "retrieve-project-data-retention": "admin.organization.projects.data_retention.retrieve",
    "update-project-data-retention": "admin.organization.projects.data_retention.update",
    "list-project-groups": "admin.organization.projects.groups.list",
    "add-project-group": "admin.organization.projects.groups.create",
    "retrieve-project-group": "admin.organization.projects.groups.retrieve",
    "remove-project-group": "admin.organization.projects.groups.delete",
    "retrieve-project-hosted-tool-permissions": "admin.organization.projects.hosted_tool_permissions.retrieve",
    "update-project-hosted-tool-permissions": "admin.organization.projects.hosted_tool_permissions.update",
    "retrieve-project-model-permissions": "admin.organization.projects.model_permissions.retrieve",
    "update-project-model-permissions": "admin.organization.projects.model_permissions.update",
    "delete-project-model-permissions": "admin.organization.projects.model_permissions.delete",
    "list-project-rate-limits": "admin.organization.projects.rate_limits.list_rate_limits",
    "update-project-rate-limits": "admin.organization.projects.rate_limits.update_rate_limit",
    "list-project-service-accounts": "admin.organization.projects.service_accounts.list",
    "create-project-service-account": "admin.organization.projects.service_accounts.create",
    "retrieve-project-service-account": "admin.organization.projects.service_accounts.retrieve",
    "update-project-service-account": "admin.organization.projects.service_accounts.update",
    "delete-project-service-account": "admin.organization.projects.service_accounts.delete",
    "list-project-spend-alerts": "admin.organization.projects.spend_alerts.list",
    "create-project-spend-alert": "admin.organization.projects.spend_alerts.create",
    "retrieve-project-spend-alert": "admin.organization.projects.spend_alerts.retrieve",
    "update-project-spend-alert": "admin.organization.projects.spend_alerts.update",
    "delete-project-spend-alert": "admin.organization.projects.spend_alerts.delete",
    "list-project-users": "admin.organization.projects.users.list",
    "create-project-user": "admin.organization.projects.users.create",
    "retrieve-project-user": "admin.organization.projects.users.retrieve",
    "modify-project-user": "admin.organization.projects.users.update",
    "delete-project-user": "admin.organization.projects.users.delete",
    "list-roles": "admin.organization.roles.list",
    "create-role": "admin.organization.roles.create",
    "retrieve-role": "admin.organization.roles.retrieve",
    "update-role": "admin.organization.roles.update",
    "delete-role": "admin.organization.roles.delete",
    "list-organization-spend-alerts": "admin.organization.spend_alerts.list",
    "create-organization-spend-alert": "admin.organization.spend_alerts.create",
    "retrieve-organization-spend-alert": "admin.organization.spend_alerts.retrieve",
    "update-organization-spend-alert": "admin.organization.spend_alerts.update",
    "delete-organization-spend-alert": "admin.organization.spend_alerts.delete",
    "usage-audio-speeches": "admin.organization.usage.audio_speeches",
    "usage-audio-transcriptions": "admin.organization.usage.audio_transcriptions",
    "usage-code-interpreter-sessions": "admin.organization.usage.code_interpreter_sessions",
    "usage-completions": "admin.organization.usage.completions",
    "usage-embeddings": "admin.organization.usage.embeddings",
    "usage-file-search-calls": "admin.organization.usage.file_search_calls",
    "usage-images": "admin.organization.usage.images",
    "usage-moderations": "admin.organization.usage.moderations",
    "usage-vector-stores": "admin.organization.usage.vector_stores",
    "usage-web-search-calls": "admin.organization.usage.web_search_calls",
    "list-users": "admin.organization.users.list",
    "retrieve-user": "admin.organization.users.retrieve",
    "modify-user": "admin.organization.users.update",
    "delete-user": "admin.organization.users.delete",
    "list-user-role-assignments": "admin.organization.users.roles.list",
    "assign-user-role": "admin.organization.users.roles.create",
    "retrieve-user-role": "admin.organization.users.roles.retrieve",
    "unassign-user-role": "admin.organization.users.roles.delete",
    "list-project-group-role-assignments": "admin.organization.projects.groups.roles.list",
    "assign-project-group-role": "admin.organization.projects.groups.roles.create",
    "retrieve-project-group-role": "admin.organization.projects.groups.roles.retrieve",
    "unassign-project-group-role": "admin.organization.projects.groups.roles.delete",
    "list-project-roles": "admin.organization.projects.roles.list",
    "create-project-role": "admin.organization.projects.roles.create",
    "retrieve-project-role": "admin.organization.projects.roles.retrieve",
    "update-project-role": "admin.organization.projects.roles.update",
    "delete-project-role": "admin.organization.projects.roles.delete",
    "list-project-user-role-assignments": "admin.organization.projects.users.roles.list",
    "assign-project-user-role": "admin.organization.projects.users.roles.create",
    "retrieve-project-user-role": "admin.organization.projects.users.roles.retrieve",
    "unassign-project-user-role": "admin.organization.projects.users.roles.delete",
    "create-realtime-call": "realtime.calls.create",
    "accept-realtime-call": "realtime.calls.accept",
    "hangup-realtime-call": "realtime.calls.hangup",
    "refer-realtime-call": "realtime.calls.refer",
    "reject-realtime-call": "realtime.calls.reject",
    "create-realtime-client-secret": "realtime.client_secrets.create",
    "create-realtime-session": "beta.realtime.sessions.create",
    "create-realtime-transcription-session": "beta.realtime.transcription_sessions.create",
    "create-realtime-translation-client-secret": None,
    "createUpload": "uploads.create",
    "cancelUpload": "uploads.cancel",
    "completeUpload": "uploads.complete",
    "addUploadPart": "uploads.parts.create",
    "updateVectorStoreFileAttributes": "vector_stores.files.update",
    "retrieveVectorStoreFileContent": "vector_stores.files.content",
    "searchVectorStore": "vector_stores.search",
    "Getorganizationspendlimit": "admin.organization.spend_limit.retrieve",
    "Updateorganizationspendlimit": "admin.organization.spend_limit.update",
    "Deleteorganizationspendlimit": "admin.organization.spend_limit.delete",
    "Getprojectspendlimit": "admin.organization.projects.spend_limit.retrieve",
    "Deleteprojectspendlimit": "admin.organization.projects.spend_limit.delete",
    "Updateprojectspendlimit": "admin.organization.projects.spend_limit.update",
    "CreateanAPIkeyforaserviceaccount": "admin.organization.projects.service_accounts.api_keys.create",
    "Createcontentprovenancecheck": "content_provenance_checks.create",
    "CreateVideoCharacter": "videos.character.create",
    "GetVideoCharacter": "videos.character.get",
    "CreateVideoEdit": "videos.edit",
    "CreateVideoExtend": "videos.extend",
    "CreateSkill": "skills.create",
    "ListSkills": "skills.list",
    "DeleteSkill": "skills.delete",
    "GetSkill": "skills.retrieve",
    "UpdateSkillDefaultVersion": "skills.update",
    "GetSkillContent": "skills.content.retrieve",
    "CreateSkillVersion": "skills.versions.create",
    "ListSkillVersions": "skills.versions.list",
    "GetSkillVersion": "skills.versions.retrieve",
    "DeleteSkillVersion": "skills.versions.delete",
    "GetSkillVersionContent": "skills.versions.content.retrieve",
}
