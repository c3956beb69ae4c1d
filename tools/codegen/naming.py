"""Names: methods from operationIds, modules from paths, Python identifiers from JSON keys."""

from __future__ import annotations

import keyword
import re
from typing import Dict

# operationIds the general rule (snake_case of camelCase / kebab-case) gets
# wrong: words run together, a typo, and ChatKit names that would collide with
# the Assistants API's get_thread / delete_thread.
METHOD_NAME_OVERRIDES: Dict[str, str] = {
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


def method_name(operation_id: str) -> str:
    """``createChatCompletion`` -> ``create_chat_completion``; ``list-audit-logs`` -> ``list_audit_logs``."""
    if operation_id in METHOD_NAME_OVERRIDES:
        return METHOD_NAME_OVERRIDES[operation_id]
    return snake(operation_id)


def snake(name: str) -> str:
    name = re.sub(r"[^0-9A-Za-z]+", "_", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)  # "APIKey" -> "API_Key"
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"_+", "_", name).strip("_").lower()


def pascal(name: str) -> str:
    """``"output_text.delta"`` -> ``"OutputTextDelta"``; keeps existing capitals."""
    parts = re.split(r"[^0-9A-Za-z]+", name)
    out = "".join(p[:1].upper() + p[1:] for p in parts if p)
    if not out or out[0].isdigit():
        out = "T" + out
    return out


# Areas: the first path segment(s) decide the module an operation lives in.
AREAS = {
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

AREA_TITLES = {
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


def area_of_path(path: str) -> str:
    if "?beta=true" in path:
        return "responses_beta"  # the beta twins have a whole parallel set of types
    first = path.lstrip("/").split("/")[0].split("?")[0]
    return AREAS[first]


# Names a method parameter may not take: Python keywords, and the per-call
# options every method has.
RESERVED_PARAMS = {"self", "extra_headers", "extra_query", "extra_body", "timeout"}


def identifier(name: str) -> str:
    """A valid Python identifier for a JSON key (``from`` -> ``from_``, ``a-b`` -> ``a_b``)."""
    ident = re.sub(r"\W", "_", name)
    if not ident or ident[0].isdigit():
        ident = "_" + ident
    if keyword.iskeyword(ident) or ident in ("to_dict", "from_dict"):
        ident += "_"
    return ident


def param_name(name: str) -> str:
    ident = identifier(name.replace("[]", ""))
    return ident + "_" if ident in RESERVED_PARAMS else ident
