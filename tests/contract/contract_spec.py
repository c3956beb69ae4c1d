"""The pinned OpenAPI spec for the contract tests: its operations, the test-only copy Prism serves,
and a generator of valid request values.

Standard library only (this module must import without Prism, node or any extra package).
"""

from __future__ import annotations

import copy
import json
import os
import re
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC_PATH = os.path.join(ROOT, "spec", "openai-openapi.json")
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

_spec_cache: Optional[Dict[str, Any]] = None
_ADMIN_NOTE = re.compile(r"requires an \[admin API key\]")


def load_spec() -> Dict[str, Any]:
    """The pinned spec, parsed once (treat it as read-only)."""
    global _spec_cache
    if _spec_cache is None:
        with open(SPEC_PATH, encoding="utf-8") as f:
            _spec_cache = json.load(f)
    return _spec_cache


# ---------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------


class Operation:
    """One operation of the spec, with its parameters resolved."""

    def __init__(self, spec: Dict[str, Any], method: str, path: str, item: Dict[str, Any], op: Dict[str, Any]):
        self.method = method.upper()
        self.path = path
        self.op = op
        self.operation_id: str = op["operationId"]
        self.deprecated = bool(op.get("deprecated"))
        params = []
        for raw in list(item.get("parameters", [])) + list(op.get("parameters", [])):
            params.append(resolve(spec, raw))
        self.parameters: List[Dict[str, Any]] = params
        security = op.get("security", spec.get("security", []))
        # The admin key: by security scheme, or (fine-tuned checkpoint permissions) by the description.
        text = f"{op.get('summary', '')} {op.get('description', '')}"
        self.admin = any("AdminApiKeyAuth" in s for s in security) or bool(_ADMIN_NOTE.search(text))
        body = op.get("requestBody")
        self.body_required = bool(body and body.get("required"))
        self.body_content: Dict[str, Any] = (body or {}).get("content", {})

    def params(self, where: str) -> List[Dict[str, Any]]:
        return [p for p in self.parameters if p["in"] == where]

    @property
    def body_media_type(self) -> Optional[str]:
        for media in ("application/json", "multipart/form-data"):
            if media in self.body_content:
                return media
        return next(iter(self.body_content), None)

    @property
    def body_schema(self) -> Optional[Dict[str, Any]]:
        media = self.body_media_type
        return self.body_content[media].get("schema") if media else None

    def success_responses(self) -> Dict[str, Any]:
        return {code: r for code, r in self.op.get("responses", {}).items() if code.startswith("2")}

    def __repr__(self) -> str:
        return f"<Operation {self.operation_id}: {self.method} {self.path}>"


def operations(spec: Optional[Dict[str, Any]] = None) -> List[Operation]:
    spec = spec if spec is not None else load_spec()
    ops = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                ops.append(Operation(spec, method, path, item, op))
    return ops


def resolve(spec: Mapping[str, Any], node: Any) -> Any:
    """Follow ``$ref`` (local references only) until a node without one."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"non-local $ref {ref}")
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
        seen += 1
        if seen > 50:
            raise ValueError(f"$ref loop at {ref}")
    return node


def ref_name(schema: Any) -> Optional[str]:
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return schema["$ref"].rsplit("/", 1)[-1]
    return None


# ---------------------------------------------------------------------------
# The test-only copy of the spec that Prism serves
# ---------------------------------------------------------------------------


def fix_openapi30_nullable(node: Any) -> int:
    """Rewrite the leftover OpenAPI 3.0 ``nullable`` keywords into JSON Schema Prism's validator compiles.

    A ``nullable: true`` schema without a ``type`` next to it makes the validator refuse the whole
    request schema, and Prism then silently skips body validation for that operation. Each one becomes
    ``anyOf: [<schema>, {type: null}]``; ``nullable: false`` (meaningless) is dropped. ``nullable: true``
    beside a ``type`` is understood by the validator and left alone. Returns the number of changes.
    """
    changed = 0
    if isinstance(node, dict):
        for value in list(node.values()):
            changed += fix_openapi30_nullable(value)
        if "nullable" in node and not isinstance(node["nullable"], dict):  # (not a property called "nullable")
            if node["nullable"] is True and "type" not in node:
                inner = {k: v for k, v in node.items() if k != "nullable"}
                node.clear()
                node["anyOf"] = [inner, {"type": "null"}]
                changed += 1
            elif node["nullable"] is False:
                del node["nullable"]
                changed += 1
    elif isinstance(node, list):
        for value in node:
            changed += fix_openapi30_nullable(value)
    return changed


def replace_event_streams(spec: Dict[str, Any], streams: Mapping[str, str], undeclared: Tuple[str, ...] = ()) -> int:
    """Give each ``text/event-stream`` response a canned SSE body Prism can send.

    Prism cannot serialise an event schema as ``text/event-stream`` (it answers 500), but returns a
    string example verbatim. ``streams`` maps operationId -> SSE text; every operation that declares
    an event stream must be in it. The operations in ``undeclared`` stream in the API but their spec
    declares no event stream: their first 2xx response gets one. Returns the number of media types set.
    """
    replaced = 0
    for op in operations(spec):
        for index, (_code, response) in enumerate(sorted(op.success_responses().items())):
            if "$ref" in response:
                raise ValueError(f"{op.operation_id}: shared response {response['$ref']} (would change others)")
            content = response.setdefault("content", {})
            if "text/event-stream" in content or (index == 0 and op.operation_id in undeclared):
                content["text/event-stream"] = {"schema": {"type": "string"}, "example": streams[op.operation_id]}
                replaced += 1
    return replaced


def write_prism_spec(path: str, streams: Mapping[str, str], undeclared: Tuple[str, ...] = ()) -> Dict[str, int]:
    """Write the test-only copy of the pinned spec that Prism serves; returns what was changed."""
    spec = copy.deepcopy(load_spec())
    changes = {
        "nullable": fix_openapi30_nullable(spec),
        "event-stream": replace_event_streams(spec, streams, undeclared),
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(spec, f)
    return changes


# ---------------------------------------------------------------------------
# Valid values from schemas
# ---------------------------------------------------------------------------

# Small but real payloads for file parts: (filename, bytes, content type).
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
FILES: Dict[str, Tuple[str, bytes, str]] = {
    "image": ("image.png", PNG_1PX, "image/png"),
    "mask": ("mask.png", PNG_1PX, "image/png"),
    "audio": ("audio.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 32, "audio/mpeg"),
    "video": ("video.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 16, "video/mp4"),
    "jsonl": (
        "train.jsonl",
        b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}\n',
        "application/jsonl",
    ),
    "text": ("notes.txt", b"openai_lite contract test\n", "text/plain"),
    "zip": ("skill.zip", b"PK\x05\x06" + b"\x00" * 18, "application/zip"),
    "cert": ("cert.pem", b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "application/x-pem-file"),
}

# Values for string patterns the spec uses.
_PATTERN_VALUES = {
    "^[a-zA-Z0-9_-]+$": "contract_test",
    "^[A-Za-z0-9_.-]+$": "contract.test",
    "^tunnel_[a-z0-9]{32}$": "tunnel_" + "0123456789abcdef" * 2,
}


class ValueGenerator:
    """Builds a value valid for a schema: required members only, first enum value, first usable variant.

    ``file_for(name)`` picks the upload used for a ``format: binary`` field.
    """

    def __init__(self, spec: Dict[str, Any]):
        self.spec = spec

    def resolve(self, schema: Any) -> Any:
        return resolve(self.spec, schema)

    @staticmethod
    def file_for(name: str) -> Tuple[str, bytes, str]:
        lowered = name.lower()
        for key in ("mask", "image", "audio", "video", "zip"):
            if key in lowered:
                return FILES[key]
        if lowered in ("recording", "audio_sample", "input_reference"):
            return FILES["audio"] if lowered != "input_reference" else FILES["image"]
        if lowered == "files":
            return FILES["text"]
        return FILES["jsonl"]

    def variants(self, schema: Any) -> List[Any]:
        """The non-null members of a oneOf/anyOf, in order."""
        s = self.resolve(schema)
        members = s.get("oneOf") or s.get("anyOf") or []
        return [m for m in members if self.resolve(m).get("type") != "null"]

    def value(self, schema: Any, name: str = "", depth: int = 0) -> Any:
        if depth > 30:
            raise RecursionError(f"schema too deep at {name!r}")
        s = self.resolve(schema)
        if not isinstance(s, dict):
            return "x"
        if "const" in s:
            return s["const"]
        if "enum" in s:
            values = [v for v in s["enum"] if v is not None]
            return values[0] if values else None
        if "allOf" in s:
            merged: Any = None
            for member in s["allOf"]:
                part = self.value(member, name, depth + 1)
                if isinstance(part, dict) and isinstance(merged, dict):
                    merged.update(part)
                elif merged is None:
                    merged = part
            own = {k: v for k, v in s.items() if k != "allOf"}
            if own.get("properties") or own.get("required"):
                extra = self.object_value(own, name, depth)
                merged = {**(merged or {}), **extra} if isinstance(merged, dict) or merged is None else merged
            return merged
        if ("oneOf" in s or "anyOf" in s) and "properties" not in s:
            variants = self.variants(s)
            if not variants:
                return None
            return self.value(variants[0], name, depth + 1)
        kind = s.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind is None:
            kind = "object" if "properties" in s or "required" in s else "string"
        if kind == "string":
            return self.string_value(s, name)
        if kind in ("integer", "number"):
            return self.number_value(s, kind)
        if kind == "boolean":
            return True
        if kind == "array":
            count = max(int(s.get("minItems", 1)), 1)
            count = min(count, int(s.get("maxItems", count)))
            return [self.value(s.get("items", {}), name, depth + 1) for _ in range(count)]
        if kind == "null":
            return None
        return self.object_value(s, name, depth)

    def object_value(self, s: Dict[str, Any], name: str, depth: int) -> Dict[str, Any]:
        props = s.get("properties", {})
        out: Dict[str, Any] = {}
        required = list(s.get("required", []))
        variants = self.variants(s) if "properties" in s else []
        if variants:  # {properties, anyOf: [{required: [a]}, {required: [b]}]}: satisfy the first
            first = self.resolve(variants[0])
            if set(first) <= {"required", "description", "title"}:
                required += [k for k in first.get("required", []) if k not in required]
            else:
                out.update(self.value(first, name, depth + 1) or {})
        for key in required:
            out[key] = self.value(props.get(key, {}), key, depth + 1)
        if not out and not props and isinstance(s.get("additionalProperties"), dict):
            out["key"] = self.value(s["additionalProperties"], "key", depth + 1)
        for _ in range(len(out), int(s.get("minProperties", 0))):
            optional = [k for k in props if k not in out]
            if optional:
                out[optional[0]] = self.value(props[optional[0]], optional[0], depth + 1)
        return out

    def string_value(self, s: Dict[str, Any], name: str) -> Any:
        fmt = s.get("format")
        if fmt == "binary":
            return self.file_for(name)
        if fmt == "uri":
            return "https://example.com/contract-test"
        if fmt == "date":
            return "2024-01-01"
        if fmt == "date-time":
            return "2024-01-01T00:00:00Z"
        if fmt == "email" or name == "email":
            return "user@example.com"
        pattern = s.get("pattern")
        if pattern is not None:
            if pattern not in _PATTERN_VALUES:
                raise ValueError(f"no value for pattern {pattern!r} ({name})")
            return _PATTERN_VALUES[pattern]
        value = name if re.fullmatch(r"[a-z_]+", name or "") and name not in ("key",) else "contract test"
        minimum = int(s.get("minLength", 1))
        if len(value) < minimum:
            value += "x" * (minimum - len(value))
        maximum = s.get("maxLength")
        if maximum is not None:
            value = value[: int(maximum)]
        return value

    @staticmethod
    def number_value(s: Dict[str, Any], kind: str) -> Any:
        low = s.get("minimum")
        exclusive = s.get("exclusiveMinimum")
        high = s.get("maximum")
        value: float = 1
        if low is not None:
            value = max(value, low) if high is None or high >= 1 else low
        if isinstance(exclusive, (int, float)) and not isinstance(exclusive, bool):
            value = max(value, exclusive + 1)
        if high is not None:
            value = min(value, high)
        if s.get("format") == "unixtime":
            value = 1700000000
        return int(value) if kind == "integer" else float(value)


def iter_schema_properties(gen: ValueGenerator, schema: Any) -> Iterator[Tuple[str, Any, bool]]:
    """(name, schema, required) of an object schema's properties, allOf parts merged."""
    s = gen.resolve(schema)
    required = set(s.get("required", []))
    for member in s.get("allOf", []):
        required |= set(gen.resolve(member).get("required", []))
    seen = set()
    for part in [s, *[gen.resolve(m) for m in s.get("allOf", [])]]:
        for key, prop in part.get("properties", {}).items():
            if key not in seen:
                seen.add(key)
                yield key, prop, key in required
