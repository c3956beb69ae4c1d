"""Tool calls: which function the model calls, and arguments that fit its parameters' JSON schema."""

from __future__ import annotations

import json
from typing import Any, List, Optional, Tuple

from ._common import field, missing

# Tool call arguments stream in pieces of this many characters.
ARGUMENT_PIECE = 8


def chosen_tool(tools: Optional[List[Any]], tool_choice: Any, *, nested: bool) -> Optional[Tuple[str, str]]:
    """The (name, JSON arguments) of the function tool the model calls, or None.

    ``nested``: chat puts a function's name and parameters under ``"function"``,
    the Responses API at the top level of the tool.
    """
    if not tools or tool_choice == "none":
        return None
    functions = []
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or tool.get("type") != "function":
            continue  # built-in tools (web search ...) are never called
        spec = tool.get("function") if nested else tool
        where = f"tools[{i}].function" if nested else f"tools[{i}]"
        if not isinstance(spec, dict):
            raise missing(where)
        name = field(spec, "name", str, "a string", required=True, name=f"{where}.name")
        functions.append((name, spec.get("parameters")))
    if not functions:
        return None
    name, parameters = functions[0]
    if isinstance(tool_choice, dict):
        wanted = tool_choice.get("function", {}).get("name") if nested else tool_choice.get("name")
        for candidate in functions:
            if candidate[0] == wanted:
                name, parameters = candidate
    return name, json.dumps(_placeholder(name, parameters), separators=(",", ":"))


def _placeholder(name: str, schema: Any) -> Any:
    """A value fitting the JSON schema ``schema``: its required properties only, strings ``"fake <name>"``."""
    if not isinstance(schema, dict):
        return f"fake {name}"
    if "const" in schema:
        return schema["const"]
    if "default" in schema:
        return schema["default"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return _placeholder(name, schema[key][0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties") or {}
        return {key: _placeholder(key, properties.get(key)) for key in schema.get("required") or []}
    if kind == "array":
        return [_placeholder(name, schema.get("items"))]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return f"fake {name}"


def argument_pieces(arguments: str) -> List[str]:
    return [arguments[i : i + ARGUMENT_PIECE] for i in range(0, len(arguments), ARGUMENT_PIECE)]
