"""Values from JSON schemas: structured replies (``response_format``, ``text.format``) and tool call arguments.

:func:`schema_value` builds a deterministic value valid against a schema: the first ``enum`` value,
the ``const``, ``"fake <property name>"`` for a string (or a fixed value of its ``format``), 0 for an
integer, 0.5 for a number, false, one item per list, the required properties of an object, the
first branch of an ``anyOf`` (not null). Bounds (``minimum``, ``minLength``, ``minItems`` ...) are
honoured. ``$ref`` (to ``$defs``, ``definitions`` or ``#``) is followed; a recursive schema stops
at the first reference back into itself by choosing null, another ``anyOf`` branch or an empty
list where the schema allows one.

Strict schemas are checked as the API checks them (every object with ``additionalProperties:
false`` and all its properties required), so a schema the API would refuse is refused here too.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Dict, List, Optional, Tuple

from ._common import APIError, field, invalid_type, missing

# Tool call arguments stream in pieces of this many characters.
ARGUMENT_PIECE = 8

# Values for the string formats strict mode supports (and a few more).
_FORMATS = {
    "date-time": "2023-11-14T22:13:20Z",  # the fake's timestamp, 1700000000
    "date": "2023-11-14",
    "time": "22:13:20Z",
    "duration": "P1D",
    "email": "fake@example.com",
    "hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "uri": "https://example.com/",
}


class _Cycle(Exception):
    """A ``$ref`` met again while its own value is being built."""


def schema_value(schema: Any, name: str = "value") -> Any:
    """A deterministic value valid against the JSON schema ``schema`` (see the module docstring)."""
    try:
        # "#" is active from the start: a reference back to the root stops at its first use.
        return _Builder(schema).value(schema, name, ("#",))
    except _Cycle:
        # Every way through the schema recurses for ever: no finite value exists.
        raise APIError(400, "The schema has no finite value: every branch refers back to itself.") from None


class _Builder:
    def __init__(self, root: Any) -> None:
        self.root = root

    def resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise APIError(400, f"Unsupported $ref {ref!r}: only references within the schema (#/...) are.")
        target = self.root
        for token in ref[1:].split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or token not in target:
                raise APIError(400, f"The $ref {ref!r} points to nothing in the schema.")
            target = target[token]
        return target

    def value(self, schema: Any, name: str, active: Tuple[str, ...]) -> Any:
        if not isinstance(schema, dict):
            return f"fake {name}"  # true or {}: anything goes
        if "$ref" in schema:
            ref = schema["$ref"]
            if ref in active:
                raise _Cycle
            return self.value(self.resolve(ref), name, (*active, ref))
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return schema["enum"][0]
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return self.first(schema[key], name, active)
        if isinstance(schema.get("allOf"), list):
            return self.value(_merged(schema, [self.deref(s) for s in schema["allOf"]]), name, active)
        kind = schema.get("type")
        if isinstance(kind, list):
            return self.first([{**schema, "type": k} for k in kind], name, active)
        if kind is None:
            kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
        if kind == "object":
            properties = schema.get("properties") or {}
            return {key: self.value(properties.get(key), key, active) for key in schema.get("required") or []}
        if kind == "array":
            return self.array(schema, name, active)
        if kind in ("integer", "number"):
            return _number(schema, kind == "integer")
        if kind == "string":
            return _string(schema, name)
        if kind == "boolean":
            return False
        return None  # "null"

    def first(self, branches: List[Any], name: str, active: Tuple[str, ...]) -> Any:
        """The value of the first branch that is not null and does not recurse; else null if allowed."""
        nullable = False
        for branch in branches:
            if isinstance(branch, dict) and branch.get("type") == "null":
                nullable = True
                continue
            try:
                return self.value(branch, name, active)
            except _Cycle:
                continue
        if nullable:
            return None
        raise _Cycle

    def array(self, schema: Dict[str, Any], name: str, active: Tuple[str, ...]) -> List[Any]:
        low = schema.get("minItems") or 0
        high = schema.get("maxItems")
        count = max(1, low) if high is None else min(max(1, low), high)
        if count == 0 or "items" not in schema:
            return []
        try:
            return [self.value(schema["items"], name, active)] * count
        except _Cycle:
            if low:
                raise
            return []

    def deref(self, schema: Any) -> Any:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self.resolve(schema["$ref"])
        return schema


def _merged(schema: Dict[str, Any], parts: List[Any]) -> Dict[str, Any]:
    """``allOf``: the parts' keywords together (properties and required added up)."""
    merged = {k: v for k, v in schema.items() if k != "allOf"}
    for part in parts:
        if not isinstance(part, dict):
            continue
        for key, value in part.items():
            if key == "properties":
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required":
                merged["required"] = [*merged.get("required", []), *value]
            else:
                merged.setdefault(key, value)
    return merged


def _number(schema: Dict[str, Any], integer: bool) -> Any:
    """0 (0.5 for a number), or the nearest value within the schema's bounds and ``multipleOf``."""
    step = schema.get("multipleOf")
    low, high = schema.get("minimum"), schema.get("maximum")
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")

    def fits(x: float) -> bool:
        return (
            (low is None or x >= low)
            and (high is None or x <= high)
            and (above is None or x > above)
            and (below is None or x < below)
            and (not step or math.isclose(x / step, round(x / step)))
            and (not integer or x == int(x))
        )

    candidates: List[float] = [0 if integer else 0.5, 0]
    for bound, nudge in ((low, 0), (high, 0), (above, 1), (below, -1)):
        if bound is not None:
            if step:
                candidates += [math.ceil(bound / step) * step + nudge * step, math.floor(bound / step) * step]
            delta = 1 if integer else 0.5
            candidates += [math.ceil(bound) if integer else bound, bound + nudge * delta]
    start = low if low is not None else above
    end = high if high is not None else below
    if start is not None and end is not None:
        middle = (float(start) + float(end)) / 2
        candidates += [middle, math.floor(middle), math.ceil(middle)]
    for x in candidates:
        if fits(x):
            return int(x) if integer else x
    return candidates[0]  # bounds nothing fits: the API would not accept the schema either


def _string(schema: Dict[str, Any], name: str) -> str:
    text = _FORMATS.get(schema.get("format", ""), f"fake {name}")
    low, high = schema.get("minLength") or 0, schema.get("maxLength")
    text = text + "x" * (low - len(text))
    if high is not None:
        text = text[:high]
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        candidates = [text, name, "fake", "a", "A", "0", "a" * max(low, 1), "0" * max(low, 1), ""]
        try:
            text = next((c for c in candidates if re.search(pattern, c)), text)
        except re.error:
            pass  # a pattern Python cannot read: keep the text
    return text


# -- strict mode ------------------------------------------------------------------


def check_strict(schema: Any, what: str, param: str) -> None:
    """Refuse a strict schema the API would refuse: objects must be closed and list every property as required."""

    def fail(context: Tuple[str, ...], problem: str) -> APIError:
        return APIError(400, f"Invalid schema for {what}: In context={context!r}, {problem}", param=param)

    def walk(node: Any, context: Tuple[str, ...]) -> None:
        if not isinstance(node, dict):
            return
        kind = node.get("type")
        if kind == "object" or (isinstance(kind, list) and "object" in kind) or "properties" in node:
            if node.get("additionalProperties") is not False:
                raise fail(context, "'additionalProperties' is required to be supplied and to be false.")
            properties = node.get("properties") or {}
            required = node.get("required") or []
            absent = [key for key in properties if key not in required]
            if absent:
                raise fail(
                    context,
                    "'required' is required to be supplied and to be an array including every key in properties. "
                    f"Missing '{absent[0]}'.",
                )
            for key, sub in properties.items():
                walk(sub, (*context, "properties", key))
        if "items" in node:
            walk(node["items"], (*context, "items"))
        for key in ("anyOf", "allOf", "oneOf"):
            for index, sub in enumerate(node.get(key) or []):
                walk(sub, (*context, key, str(index)))
        for key in ("$defs", "definitions"):
            for def_name, sub in (node.get(key) or {}).items():
                walk(sub, (*context, key, def_name))

    if isinstance(schema, dict) and schema.get("type") != "object":
        raise APIError(
            400,
            f"Invalid schema for {what}: schema must be a JSON Schema of 'type: \"object\"', "
            f"got 'type: \"{schema.get('type')}\"'.",
            param=param,
        )
    walk(schema, ())


# -- requests ------------------------------------------------------------------------


class Format:
    """The structured output a request asks for: ``kind`` "json_object" or "json_schema"."""

    def __init__(self, kind: str, name: str = "", schema: Any = None) -> None:
        self.kind = kind
        self.name = name
        self.schema = schema

    def reply(self, text: str) -> str:
        """The reply in this format: JSON that follows the schema, or an object holding ``text``."""
        if self.kind == "json_schema":
            return json.dumps(schema_value(self.schema, self.name))
        return json.dumps({"reply": text})


def chat_format(body: Dict[str, Any]) -> Optional[Format]:
    """The structured output ``response_format`` asks for (chat completions), or None for text."""
    spec = field(body, "response_format", dict, "an object")
    return None if spec is None else _format(spec, spec.get("json_schema"), "response_format", "response_format")


def responses_format(body: Dict[str, Any]) -> Optional[Format]:
    """The structured output ``text.format`` asks for (Responses API), or None for text."""
    text = field(body, "text", dict, "an object", default={})
    spec = field(text, "format", dict, "an object", name="text.format")
    return None if spec is None else _format(spec, spec, "text.format", "text.format.schema")


def _format(spec: Dict[str, Any], details: Any, where: str, label: str) -> Optional[Format]:
    kind = field(spec, "type", str, "a string", required=True, name=f"{where}.type")
    if kind == "text":
        return None
    if kind == "json_object":
        return Format(kind)
    if kind != "json_schema":
        raise APIError(
            400,
            f"Invalid value: '{kind}'. Supported values are: 'text', 'json_object' and 'json_schema'.",
            param=f"{where}.type",
            code="invalid_value",
        )
    inner = where if details is spec else f"{where}.json_schema"
    if not isinstance(details, dict):
        raise missing(inner) if details is None else invalid_type(inner, "an object", details)
    name = field(details, "name", str, "a string", required=True, name=f"{inner}.name")
    schema = field(details, "schema", dict, "an object", default={}, name=f"{inner}.schema")
    if details.get("strict") is True:
        check_strict(schema, f"response_format '{name}'", label)
    return Format(kind, name, schema)


def chosen_tool(tools: Optional[List[Any]], tool_choice: Any, *, nested: bool) -> Optional[Tuple[str, str]]:
    """The (name, JSON arguments) of the function tool the model calls, or None.

    ``nested``: chat puts a function's name and parameters under ``"function"``, the Responses
    API at the top level of the tool. Strict functions' parameters are checked as the API does.
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
        if spec.get("strict") is True and spec.get("parameters") is not None:
            check_strict(spec["parameters"], f"function '{name}'", f"{where}.parameters")
        functions.append((name, spec.get("parameters")))
    if not functions:
        return None
    name, parameters = functions[0]
    if isinstance(tool_choice, dict):
        wanted = tool_choice.get("function", {}).get("name") if nested else tool_choice.get("name")
        for candidate in functions:
            if candidate[0] == wanted:
                name, parameters = candidate
    arguments = schema_value(parameters, name) if parameters is not None else {}
    return name, json.dumps(arguments, separators=(",", ":"))


def argument_pieces(arguments: str) -> List[str]:
    return [arguments[i : i + ARGUMENT_PIECE] for i in range(0, len(arguments), ARGUMENT_PIECE)]
