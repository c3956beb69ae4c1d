"""Names: methods from operationIds, modules from paths, Python identifiers from JSON keys."""

from __future__ import annotations

import keyword
import re

from .overrides import AREAS, METHOD_NAMES


def method_name(operation_id: str) -> str:
    """``createChatCompletion`` -> ``create_chat_completion``; ``list-audit-logs`` -> ``list_audit_logs``."""
    if operation_id in METHOD_NAMES:
        return METHOD_NAMES[operation_id]
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
