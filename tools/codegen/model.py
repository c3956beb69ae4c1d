"""What the spec says, in the shape the renderer needs: operations and types.

Types come in two modes. A schema reached from a request (body, query) is a
``TypedDict`` (or an alias of one); a schema reached from a response is a
``@dataclass``. A schema reached from both gets both: the dataclass keeps the
spec's name and the TypedDict gets a ``Param`` suffix. Each type lives in one
area module: the area of the operations that use it, ``shared`` when several
areas do.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

from .naming import area_of_path, identifier, method_name, param_name, pascal
from .overrides import (
    ADMIN_BY_DESCRIPTION,
    AMBIGUOUS_UNIONS,
    BETA_HEADERS,
    BINARY_RESPONSES,
    DONE_MARKER,
    FINAL_EVENTS,
    MIXINS,
    OFFICIAL_NAMES,
    ORPHAN_AREAS,
    OWNERS,
    PARSE_TWINS,
    PASSED_BACK,
    SDK_PROPERTIES,
    STREAM_EVENTS,
    WIRE_DEFAULTS,
    ParseTwin,
)

REQ, RESP = "req", "resp"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_name(schema_name: str) -> str:
    """A class name for a component schema name (``Error-2`` -> ``Error2``)."""
    return re.sub(r"\W", "", schema_name)


# -- reading schemas --------------------------------------------------------


def strip_null(schema: Dict[str, Any]) -> Dict[str, Any]:
    """The schema without its null alternative (``{}`` for a schema that is only null).

    Returns the spec's own dict objects where it can: inline types are
    remembered by identity, so copies would define them twice. Whether null
    is allowed is :meth:`Spec.null_forms`'s business (it follows ``$ref``).
    """
    for key in ("anyOf", "oneOf"):
        members = schema.get(key)
        if isinstance(members, list) and any(_is_null(m) for m in members):
            rest = [m for m in members if not _is_null(m)]
            if len(rest) == 1:
                return strip_null(rest[0])
            schema = {k: v for k, v in schema.items() if k != key}
            schema[key] = rest
    kind = schema.get("type")
    if kind == "null":
        return {}
    if isinstance(kind, list) and "null" in kind:  # OpenAPI 3.1: type: [string, "null"]
        rest = [t for t in kind if t != "null"]
        return {**schema, "type": rest[0] if len(rest) == 1 else rest}
    allof = schema.get("allOf")
    if isinstance(allof, list) and len(allof) == 2:
        # allOf: [<ref>, {nullable: true}] is the 3.0 spelling of a nullable reference.
        flags = [m for m in allof if set(m) <= {"nullable", "description"}]
        refs: List[Dict[str, Any]] = [m for m in allof if "$ref" in m]
        if len(flags) == 1 and len(refs) == 1:
            return refs[0]
    return schema


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


# A field's description saying the field itself may be null: "or `null` if ...",
# "Will be `null` if ...", "can be set to `null` to turn off", "this must be `null`".
# (Not "with a null value" about other chunks, nor "(null)" naming a default.)
NULL_IN_DESCRIPTION = re.compile(r"\b(?:or|be|is|to)\s+`?null`?(?!\w)", re.IGNORECASE)


@dataclass
class Prop:
    key: str  # as in JSON
    schema: Dict[str, Any]
    required: bool
    description: str


class Spec:
    """The spec with ``$ref`` lookups and the merging ``allOf`` needs."""

    def __init__(self, raw: Dict[str, Any]) -> None:
        self.raw = raw
        self.schemas: Dict[str, Dict[str, Any]] = raw["components"]["schemas"]
        self.parameters: Dict[str, Dict[str, Any]] = raw["components"].get("parameters", {})

    def deref(self, schema: Dict[str, Any]) -> Dict[str, Any]:
        seen = 0
        while "$ref" in schema:
            schema = self.schemas[ref_name(schema["$ref"])]
            seen += 1
            if seen > 50:
                raise ValueError("reference cycle")
        return schema

    def is_object(self, schema: Dict[str, Any]) -> bool:
        """Whether a (non-reference) schema describes an object with named properties."""
        if "allOf" in schema:
            return True
        if "oneOf" in schema or "anyOf" in schema:
            return "properties" in schema
        return bool(schema.get("properties"))

    def properties(self, schema: Dict[str, Any]) -> List[Prop]:
        """The properties of an object schema, ``allOf`` members merged in order."""
        props: Dict[str, Prop] = {}
        required: Set[str] = set()
        self._collect(schema, props, required, 0)
        return [Prop(p.key, p.schema, p.key in required, p.description) for p in props.values()]

    def _collect(self, schema: Dict[str, Any], props: Dict[str, Prop], required: Set[str], depth: int) -> None:
        if depth > 20:
            return
        if "$ref" in schema:
            schema = self.deref(schema)
        for member in schema.get("allOf", []):
            self._collect(member, props, required, depth + 1)
        for key, sub in (schema.get("properties") or {}).items():
            description = sub.get("description", "") if isinstance(sub, dict) else ""
            if key in props and not description:
                description = props[key].description
            props[key] = Prop(key, sub, False, description)
        required.update(schema.get("required") or [])

    def null_forms(self, schema: Dict[str, Any], depth: int = 0) -> Set[str]:
        """Every way the spec says a value of this schema may be null; empty when it may not.

        The forms: ``nullable: true``; ``type: "null"`` or a type list holding
        it; an ``anyOf`` / ``oneOf`` member that may be null; the 3.0 idiom
        ``allOf: [<ref>, {nullable: true}]``; ``null`` in an ``enum``; a
        ``default`` of null; and a ``$ref`` to a schema that may be null.
        """
        if depth > 30 or not isinstance(schema, dict):
            return set()
        forms: Set[str] = set()
        if "$ref" in schema:
            if self.null_forms(self.deref(schema), depth + 1):
                forms.add("$ref")
        if schema.get("nullable") is True:
            forms.add("nullable")
        kind = schema.get("type")
        if kind == "null" or (isinstance(kind, list) and "null" in kind):
            forms.add("type null")
        if None in (schema.get("enum") or ()):
            forms.add("enum null")
        if "default" in schema and schema["default"] is None:
            forms.add("default null")
        for key in ("anyOf", "oneOf"):
            if any(self.null_forms(m, depth + 1) for m in schema.get(key) or ()):
                forms.add(f"{key} null")
        if any(isinstance(m, dict) and m.get("nullable") is True for m in schema.get("allOf") or ()):
            forms.add("allOf nullable")
        return forms

    def prop_null_forms(self, prop: Prop) -> Set[str]:
        """:meth:`null_forms` of a property, and ``description`` when its text says it may be null."""
        forms = self.null_forms(prop.schema)
        if NULL_IN_DESCRIPTION.search(prop.description):
            forms.add("description")
        return forms

    def param(self, param: Dict[str, Any]) -> Dict[str, Any]:
        return self.parameters[ref_name(param["$ref"])] if "$ref" in param else param


# -- operations -------------------------------------------------------------


@dataclass
class Param:
    name: str  # as sent
    py: str  # Python keyword argument
    location: str  # path / query / header
    schema: Dict[str, Any]
    required: bool
    description: str = ""


@dataclass
class Operation:
    operation_id: str
    name: str
    http: str  # GET, POST ...
    path: str  # /chat/completions, may hold "?beta=true"
    area: str
    summary: str
    deprecated: bool
    admin: bool
    params: List[Param]
    body: Optional[Dict[str, Any]]  # the body schema, None if no body
    body_props: List[Prop]
    body_kind: Optional[str]  # "json", "multipart", "multipart_or_json"
    file_fields: List[str]  # body keys holding file inputs (multipart)
    part_types: Dict[str, str]  # multipart fields sent as a part of their own type (the spec's `encoding`)
    response_kind: str  # "json", "binary", "text", "none"
    response_schema: Optional[Dict[str, Any]]
    text_response: bool  # the JSON answer can also be plain text (response_format="text" ...)
    stream_events: Optional[Dict[str, Any]]  # schema of one event, when the operation can stream
    named_events: bool  # events are {"event": <SSE event name>, "data": <payload>} (Assistants)
    paging: Optional[Tuple[str, str]]
    headers: Dict[str, str] = field(default_factory=dict)
    accept: Optional[str] = None
    official: Optional[str] = None  # the official Python SDK's name (chat.completions.create); None: it has none


def load_operations(spec: Spec) -> List[Operation]:
    ops = []
    for path, item in spec.raw["paths"].items():
        for http in HTTP_METHODS:
            if http in item:
                ops.append(_operation(spec, path, http, item[http]))
    names = [op.name for op in ops]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SystemExit(f"method names collide: {dupes}; add entries to overrides.METHOD_NAMES")
    return ops


def _operation(spec: Spec, path: str, http: str, op: Dict[str, Any]) -> Operation:
    params = []
    headers: Dict[str, str] = {}
    for raw in op.get("parameters", []):
        p = spec.param(raw)
        schema = p.get("schema", {})
        if p["in"] == "header":
            # The beta twins declare their feature header; send its (only) value by default.
            values = spec.deref(schema.get("items", {})).get("enum") or []
            if values:
                headers[p["name"]] = ",".join(values)
            continue
        description = p.get("description") or schema.get("description") or ""
        params.append(Param(p["name"], param_name(p["name"]), p["in"], schema, bool(p.get("required")), description))
    area = area_of_path(path)
    if area in BETA_HEADERS:
        headers["OpenAI-Beta"] = BETA_HEADERS[area]

    body = None
    body_props: List[Prop] = []
    body_kind = None
    file_fields: List[str] = []
    part_types: Dict[str, str] = {}
    request_body = op.get("requestBody")
    if request_body:
        content = request_body["content"]
        multipart = content.get("multipart/form-data")
        json_body = content.get("application/json")
        if multipart:
            body = multipart["schema"]
            body_kind = "multipart_or_json" if json_body else "multipart"
            body_props = spec.properties(body)
            if json_body and json_body["schema"] != body:
                # Either body may be sent, so a field is required only if both require it.
                other = {p.key: p for p in spec.properties(json_body["schema"])}
                for prop in body_props:
                    prop.required = prop.required and prop.key in other and other[prop.key].required
                known = {p.key for p in body_props}
                body_props += [
                    Prop(p.key, p.schema, False, p.description) for p in other.values() if p.key not in known
                ]
            file_fields = [p.key for p in body_props if _is_binary(spec, p.schema)]
            encoding = multipart.get("encoding") or {}
            part_types = {k: v["contentType"] for k, v in encoding.items() if "contentType" in v}
        elif json_body:
            body = json_body["schema"]
            body_kind = "json"
            body_props = spec.properties(body)

    response_kind, response_schema, stream_events, accept = _response(spec, op)
    text_response = any(
        p.key == "response_format" and {"text", "srt", "vtt"} & set(_enum_values(spec, p.schema)) for p in body_props
    )
    if any(p.key == "stream" for p in body_props) and stream_events is None:
        events = STREAM_EVENTS.get(op["operationId"])
        if events is None:
            raise SystemExit(f"{op['operationId']} can stream but its events are unknown")
        stream_events = {"$ref": f"#/components/schemas/{events}"}

    return Operation(
        operation_id=op["operationId"],
        name=method_name(op["operationId"]),
        http=http.upper(),
        path=path,
        area=area,
        summary=op.get("summary") or "",
        deprecated=bool(op.get("deprecated")),
        admin=any("AdminApiKeyAuth" in s for s in op.get("security") or [])
        or op["operationId"] in ADMIN_BY_DESCRIPTION,
        params=params,
        body=body,
        body_props=body_props,
        body_kind=body_kind,
        file_fields=file_fields,
        part_types=part_types,
        response_kind=response_kind,
        response_schema=response_schema,
        text_response=text_response,
        stream_events=stream_events,
        named_events=stream_events is not None and _named_events(spec, stream_events),
        paging=_paging(spec, op["operationId"], http, params, response_schema),
        headers=headers,
        accept=accept,
        official=None if area == "responses_beta" else official_name(op),
    )


def official_name(op: Dict[str, Any]) -> Optional[str]:
    """The official Python SDK's name of an operation: overrides.OFFICIAL_NAMES, else its Python example's call."""
    if op["operationId"] in OFFICIAL_NAMES:
        return OFFICIAL_NAMES[op["operationId"]]
    examples = (op.get("x-oaiMeta") or {}).get("examples")
    calls: List[str] = []
    for example in examples if isinstance(examples, list) else [examples]:
        code = ((example or {}).get("request") or {}).get("python") or ""
        calls += re.findall(r"\b(?:client|openai)\.((?:\w+\.)+\w+)\(", code)
    if not calls:
        raise SystemExit(f"{op['operationId']}: no Python example names its SDK call; add it to OFFICIAL_NAMES")
    # The example's last call is the operation's (earlier ones make what it needs); the
    # response wrappers are not part of the name.
    return re.sub(r"\bwith_(?:streaming|raw)_response\.", "", calls[-1])


BINARY_TYPES = ("application/octet-stream", "application/zip", "video/", "image/", "audio/")


def _response(
    spec: Spec, op: Dict[str, Any]
) -> Tuple[str, Optional[Dict[str, Any]], Optional[Dict[str, Any]], Optional[str]]:
    """(kind, JSON schema, stream event schema, Accept header) of the success response."""
    success = [r for code, r in sorted(op["responses"].items()) if code.startswith("2")]
    content: Dict[str, Any] = success[0].get("content", {}) if success else {}
    events = content.get("text/event-stream", {}).get("schema")
    binary_accept = BINARY_RESPONSES.get(op["operationId"])
    if binary_accept:
        return "binary", None, events, binary_accept + ", application/json"
    media = [m for m in content if m != "text/event-stream"]
    if any(m.startswith(BINARY_TYPES) for m in media):
        return "binary", None, events, ", ".join(media)
    if "application/json" in content:
        return "json", content["application/json"].get("schema", {}), events, None
    if media:  # application/sdp
        return "text", None, events, media[0]
    return "none", None, events, None


def _paging(
    spec: Spec, operation_id: str, http: str, params: List[Param], response: Optional[Dict[str, Any]]
) -> Optional[Tuple[str, str]]:
    """How the next page is asked for: (query parameter, where its value comes from); ("", "") for one page."""
    if http != "get" or response is None:
        return None
    names = {p.name for p in params if p.location == "query"}
    props = {p.key for p in spec.properties(response)}
    if "data" not in props:
        return None
    if "page" in names and "next_page" in props:
        return ("page", "next_page")
    if "after" not in names or "has_more" not in props:
        # A list with no cursor (list_models): still a Page, so it iterates like the others.
        return ("", "") if operation_id.startswith("list") else None
    for source in ("last_id", "next"):
        if source in props:
            return ("after", source)
    return ("after", "id")


def _named_events(spec: Spec, schema: Dict[str, Any]) -> bool:
    """Whether every event variant is an object of ``event`` (the SSE event name) and ``data``."""
    schema = spec.deref(schema)
    members = schema.get("oneOf") or schema.get("anyOf")
    if members:
        return all(_named_events(spec, m) for m in members)
    return {"event", "data"} <= set(schema.get("properties") or {})


def _is_binary(spec: Spec, schema: Dict[str, Any]) -> bool:
    schema = strip_null(spec.deref(schema))
    if schema.get("format") == "binary":
        return True
    if schema.get("type") == "array":
        return _is_binary(spec, schema.get("items", {}))
    return any(_is_binary(spec, m) for m in schema.get("anyOf", []) + schema.get("oneOf", []))


def _enum_values(spec: Spec, schema: Dict[str, Any]) -> List[Any]:
    schema = strip_null(spec.deref(schema))
    values = list(schema.get("enum") or [])
    for member in schema.get("anyOf", []) + schema.get("oneOf", []):
        values += _enum_values(spec, member)
    return values


# -- types -------------------------------------------------------------------


@dataclass
class Field:
    key: str  # JSON key
    py: str  # attribute name
    annotation: str
    required: bool
    nullable: bool
    description: str
    schema: Dict[str, Any] = field(default_factory=dict)  # the property's schema in the spec


@dataclass
class TypeDef:
    """One generated type: a dataclass, a TypedDict or an alias."""

    name: str
    kind: str  # "dataclass", "typeddict", "alias"
    area: str
    description: str = ""
    fields: List[Field] = field(default_factory=list)
    alias: str = ""  # right-hand side of an alias
    source: str = ""  # the component schema it comes from (for docs/index)
    structural: bool = False  # an alias naming classes (parsing needs to resolve it)
    mode: str = RESP  # REQ: a request type (a TypedDict, or an alias of them), in the area's _params module
    mixins: List[str] = field(default_factory=list)  # bases before BaseModel (openai_lite/_mixins.py)


class Types:
    """Every generated type, with the area module it lives in."""

    def __init__(self, spec: Spec, ops: List[Operation]) -> None:
        self.spec = spec
        self.modes: Dict[str, Set[str]] = {}  # component schema -> modes it is used in
        self.areas: Dict[str, Set[str]] = {}  # component schema -> areas that use it
        self.defs: Dict[str, TypeDef] = {}  # generated name -> definition
        self.order: Dict[str, List[str]] = {}  # area -> names in definition order
        self.used_names: Set[str] = {type_name(n) for n in spec.schemas}
        self._names: Dict[Tuple[str, str], str] = {}  # (component or inline path, mode) -> name
        self._structural: Dict[str, bool] = {}
        self._inline: Dict[Tuple[int, str], str] = {}  # (id of an inline schema, mode) -> name
        self._mark_uses(ops)
        self._area_of: Dict[str, str] = {n: self._area_for(n) for n in sorted(spec.schemas)}

    # ---- which schemas are used where -----------------------------------

    def _mark_uses(self, ops: List[Operation]) -> None:
        for op in ops:
            for p in op.params:
                if p.location == "query":
                    self._walk(p.schema, REQ, op.area)
            if op.body is not None:
                self._walk(op.body, REQ, op.area)
            for prop in op.body_props:  # a JSON alternative's own fields
                self._walk(prop.schema, REQ, op.area)
            for schema in (op.response_schema, op.stream_events):
                if schema is not None:
                    self._walk(schema, RESP, op.area)
        for name in sorted(self.spec.schemas):
            if name not in self.modes:
                area = next((a for prefix, a in ORPHAN_AREAS if name.startswith(prefix)), "shared")
                self._walk({"$ref": f"#/components/schemas/{name}"}, RESP, area)

    def _walk(self, schema: Any, mode: str, area: str) -> None:
        stack = [schema]
        seen: Set[int] = set()
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
                continue
            if not isinstance(node, dict) or id(node) in seen:
                continue
            seen.add(id(node))
            if "$ref" in node:
                name = ref_name(node["$ref"])
                modes = self.modes.setdefault(name, set())
                areas = self.areas.setdefault(name, set())
                if mode in modes and area in areas:
                    continue
                modes.add(mode)
                areas.add(area)
                stack.append(self.spec.schemas[name])
                continue
            for key, value in node.items():
                if key in ("example", "examples", "x-oaiMeta", "default", "enum", "discriminator"):
                    continue
                if key == "properties" and isinstance(value, dict):
                    stack.extend(value.values())
                elif isinstance(value, (dict, list)):
                    stack.append(value)

    def _area_for(self, name: str) -> str:
        areas = self.areas.get(name, set())
        if len(areas) == 1:
            return next(iter(areas))
        # Used by several areas: the first owner in OWNERS order keeps it, so that
        # parsing a chat completion does not load the Responses types, and so on.
        return next((a for a in OWNERS if a in areas), "shared")

    # ---- naming -----------------------------------------------------------

    def structural(self, schema: Dict[str, Any], depth: int = 0) -> bool:
        """Whether the schema contains an object type (so its request and response forms differ)."""
        if depth > 30:
            return False
        if "$ref" in schema:
            name = ref_name(schema["$ref"])
            if name not in self._structural:
                self._structural[name] = False  # provisional, for cycles
                self._structural[name] = self.structural(self.spec.schemas[name], depth + 1)
            return self._structural[name]
        schema = strip_null(schema)
        if self.spec.is_object(schema):
            return True
        if schema.get("type") == "array":
            return self.structural(schema.get("items", {}), depth + 1)
        if isinstance(schema.get("additionalProperties"), dict):
            return self.structural(schema["additionalProperties"], depth + 1)
        return any(self.structural(m, depth + 1) for m in schema.get("anyOf", []) + schema.get("oneOf", []))

    def _unique(self, base: str) -> str:
        name, n = base, 2
        while name in self.used_names:
            name, n = f"{base}{n}", n + 1
        self.used_names.add(name)
        return name

    def component(self, name: str, mode: str) -> str:
        """The generated name of a component schema in a mode, defining it on first use."""
        schema = self.spec.schemas[name]
        structural = self.structural(schema)
        if not structural:
            mode = RESP  # an alias of scalars is the same in requests and responses
        key = (name, mode)
        if key not in self._names:
            modes = self.modes.get(name) or {RESP}
            base = type_name(name)
            if not structural:
                other = base  # one alias, one name
            elif base.endswith("Param"):
                # The spec already calls it a parameter: the request form keeps the
                # name, the response form drops the suffix.
                primary = REQ if REQ in modes else RESP
                other = self._unique(base[: -len("Param")]) if mode != primary else base
            else:
                primary = RESP if RESP in modes else REQ
                other = self._unique(base + "Param") if mode != primary else base
            generated = other
            self._names[key] = generated
            self._define(generated, schema, mode, self._area_of[name], name)
        return self._names[key]

    # ---- definitions ------------------------------------------------------

    def _define(self, name: str, schema: Dict[str, Any], mode: str, area: str, source: str) -> None:
        plain = strip_null(schema)
        description = (schema.get("description") or plain.get("description") or "").strip()
        description = description or schema.get("title") or plain.get("title") or ""
        # Inline types below a schema used in both modes get the Param suffix in their request form too.
        suffix = self.modes.get(source, set()) >= {REQ, RESP}
        if "$ref" not in plain and self.spec.is_object(plain):
            # Inline types below derive their names from the schema's own name, not
            # from its Param form (so a "Param" suffix appears once, at the end).
            tdef = self._class(name, plain, _Ctx(type_name(source), mode, area, suffix), description)
            if mode == RESP and source in MIXINS:
                tdef.mixins.append(MIXINS[source])
            return
        # Aliases: their right-hand side is evaluated at run time, so names in it are quoted.
        # (without None: an alias that may be null is Optional where it is used)
        rhs = self.bare(schema, _Ctx(type_name(source), mode, area, suffix), quote=True)
        if mode == REQ and source in PASSED_BACK:
            passed = [f'"{self.component(other, RESP)}"' for other in PASSED_BACK[source]]
            rhs = f"Union[{', '.join(_split_union(rhs) + passed)}]"
        if mode == RESP and name in AMBIGUOUS_UNIONS:
            description = _ambiguity_note(description, AMBIGUOUS_UNIONS[name])
        self._add(
            TypeDef(
                name,
                "alias",
                area,
                description,
                alias=rhs,
                source=source,
                structural=self.structural(schema),
                mode=mode,
            )
        )

    def _class(self, name: str, schema: Dict[str, Any], ctx: _Ctx, description: str) -> TypeDef:
        kind = "dataclass" if ctx.mode == RESP else "typeddict"
        tdef = TypeDef(name, kind, ctx.area, description, source=name, structural=True, mode=ctx.mode)
        self._add(tdef)  # before the fields, so that recursive references find it
        for member in schema.get("allOf", []):
            if "$ref" in member:
                # Inline types of a schema merged in here belong to that schema (its name, its
                # module): define it first, so that this class reuses them rather than owning them.
                self.component(ref_name(member["$ref"]), ctx.mode)
        used: Set[str] = set()
        for prop in self.spec.properties(schema):
            if _computed_by_sdks(prop.schema):
                # Not sent by the server: a property of a hand-written mixin instead of a field.
                if prop.key not in SDK_PROPERTIES:
                    raise SystemExit(f"{name}.{prop.key} is computed by the SDKs: name its mixin in SDK_PROPERTIES")
                if ctx.mode == RESP and SDK_PROPERTIES[prop.key] not in tdef.mixins:
                    tdef.mixins.append(SDK_PROPERTIES[prop.key])
                continue
            py = identifier(prop.key)
            while py in used:
                py += "_"
            used.add(py)
            annotation = self.bare(prop.schema, ctx.derive(pascal(prop.key), f"Part of ``{name}.{prop.key}``."))
            nullable = bool(self.spec.prop_null_forms(prop))
            description = prop.description.strip()
            if ctx.mode == RESP and f"{name}.{prop.key}" in AMBIGUOUS_UNIONS:
                description = _ambiguity_note(description, AMBIGUOUS_UNIONS[f"{name}.{prop.key}"])
            tdef.fields.append(Field(prop.key, py, annotation, prop.required, nullable, description, prop.schema))
        return tdef

    def inline_class(self, schema: Dict[str, Any], ctx: _Ctx) -> str:
        """The name of the class for an inline object schema (defined once per schema and mode)."""
        key = (id(schema), ctx.mode)
        if key not in self._inline:
            name = self._unique(ctx.base + ("Param" if ctx.mode == REQ and ctx.suffix else ""))
            self._inline[key] = name
            description = (schema.get("description") or schema.get("title") or "").strip()
            self._class(name, schema, ctx, description or ctx.where)
        return self._inline[key]

    def named_inline(self, schema: Dict[str, Any], base: str, area: str) -> str:
        """A named type for an inline response schema (``CreateTranscriptionResponse`` ...)."""
        key = (id(schema), RESP)
        if key not in self._inline:
            name = self._inline[key] = self._unique(base)
            plain = strip_null(schema)
            ctx = _Ctx(name, RESP, area, False)
            description = (schema.get("description") or schema.get("title") or "").strip()
            if "$ref" not in plain and self.spec.is_object(plain):
                self._class(name, plain, ctx, description)
            else:
                rhs = self.bare(schema, ctx, quote=True)
                self._add(
                    TypeDef(
                        name, "alias", area, description, alias=rhs, source=name, structural=self.structural(schema)
                    )
                )
        return self._inline[key]

    def webhook_union(self, webhooks: Dict[str, Any]) -> None:
        """``WebhookEvent``: the union of every webhook payload the spec declares (by ``type``)."""
        refs = sorted(
            {
                ref_name(w["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"])
                for w in webhooks.values()
            }
        )
        members = ", ".join(f'"{self.component(r, RESP)}"' for r in refs)
        description = "Any webhook event the API sends; ``unwrap_webhook`` returns one, chosen by its ``type``."
        self._add(
            TypeDef(
                self._unique("WebhookEvent"),
                "alias",
                "webhooks",
                description,
                alias=f"Union[{members}]",
                source="WebhookEvent",
                structural=True,
            )
        )

    def _add(self, tdef: TypeDef) -> None:
        if tdef.mode == REQ and tdef.structural:
            # Request types live apart: parsing a response never has to create them.
            tdef.area += "_params"
        self.defs[tdef.name] = tdef
        self.order.setdefault(tdef.area, []).append(tdef.name)

    # ---- annotations ------------------------------------------------------

    def annotation(self, schema: Dict[str, Any], ctx: _Ctx, quote: bool = False) -> str:
        """The Python type of a schema, as source text.

        ``quote`` puts generated class names in quotes (for run-time aliases).
        """
        text = self.bare(schema, ctx, quote)
        if self.spec.null_forms(schema) and text not in ("Any", "None") and not text.startswith("Optional["):
            text = f"Optional[{text}]"
        return text

    def bare(self, schema: Dict[str, Any], ctx: _Ctx, quote: bool = False) -> str:
        """The Python type of a schema without its null alternative (the caller adds ``Optional``)."""
        return self._annotation(strip_null(schema), ctx, quote)

    def _annotation(self, schema: Dict[str, Any], ctx: _Ctx, quote: bool) -> str:
        q = (lambda n: f'"{n}"') if quote else (lambda n: n)
        if "$ref" in schema:
            return q(self.component(ref_name(schema["$ref"]), ctx.mode))
        if self.spec.is_object(schema):
            return q(self.inline_class(schema, ctx))
        members = schema.get("anyOf") or schema.get("oneOf")
        if members:
            return self._union(members, ctx, quote)
        if "enum" in schema:
            values = [v for v in schema["enum"] if v is not None]
            return f"Literal[{', '.join(_py_literal(v) for v in values)}]" if values else "None"
        if "const" in schema:
            return f"Literal[{_py_literal(schema['const'])}]"
        kind = schema.get("type")
        if kind == "string":
            if schema.get("format") == "binary" and ctx.mode == REQ:
                return "FileInput"
            return "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "array":
            item = self.annotation(schema.get("items", {}), ctx.derive("Item"), quote)
            return f"{'Sequence' if ctx.mode == REQ else 'List'}[{item}]"
        if kind == "object" or "additionalProperties" in schema:
            extra = schema.get("additionalProperties")
            value = self.annotation(extra, ctx.derive("Value"), quote) if isinstance(extra, dict) and extra else "Any"
            return f"Dict[str, {value}]"
        return "Any"

    def _union(self, members: List[Dict[str, Any]], ctx: _Ctx, quote: bool) -> str:
        parts: List[str] = []
        for i, member in enumerate(members):
            label = _variant_label(self.spec, member, i)
            text = self.bare(member, ctx.derive(label), quote)
            for part in _split_union(text):
                if part not in parts:
                    parts.append(part)
        if "Any" in parts:
            return "Any"
        if len(parts) == 1:
            return parts[0]
        return f"Union[{', '.join(parts)}]"


@dataclass
class _Ctx:
    """Where an inline schema sits: the name it would get, its mode, module, and Param suffixing."""

    base: str
    mode: str
    area: str
    suffix: bool
    where: str = ""  # docstring for a class made here without a description: "Part of ``Parent.field``."

    def derive(self, more: str, where: str = "") -> _Ctx:
        return _Ctx(self.base + more, self.mode, self.area, self.suffix, where or self.where)


def _ambiguity_note(description: str, members: Tuple[str, ...]) -> str:
    names = ", ".join(f"``{m}``" for m in members[:-1]) + f" and ``{members[-1]}``"
    note = (
        f"The JSON cannot always tell {names} apart: an object that fits several is parsed as the one"
        " sharing the most keys with it, the first listed on a tie."
    )
    return f"{description}\n\n{note}" if description else note


def _computed_by_sdks(schema: Dict[str, Any]) -> bool:
    """Whether a property is marked as computed by the SDKs (``x-oaiSupportedSDKs``), itself or a member."""
    members = [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]
    return any(isinstance(m, dict) and "x-oaiSupportedSDKs" in m for m in members)


def _variant_label(spec: Spec, member: Dict[str, Any], index: int) -> str:
    if "$ref" in member:
        return ""
    title = member.get("title")
    if isinstance(title, str) and title.strip():
        return pascal(title)
    for prop in (member.get("properties") or {}).values():
        if isinstance(prop, dict):
            values = prop.get("enum") or ([prop["const"]] if "const" in prop else [])
            if len(values) == 1 and isinstance(values[0], str):
                return pascal(values[0])
    return f"Variant{index + 1}"


def _split_union(text: str) -> List[str]:
    """The members of a ``Union[...]`` text (or the text itself)."""
    if not text.startswith("Union[") or not text.endswith("]"):
        return [text]
    return split_items(text[len("Union[") : -1])


def split_items(text: str) -> List[str]:
    """``a, B[c, d], "e, f"`` -> the top-level, comma-separated items of a type expression."""
    parts, depth, start, quoted = [], 0, 0, False
    for i, ch in enumerate(text):
        if ch == '"' and text[i - 1 : i] != "\\":
            quoted = not quoted
        elif quoted:
            continue
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _py_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


# -- methods -----------------------------------------------------------------


def methods_by_area(spec: Spec, ops: List[Operation], types: Types) -> Dict[str, List[Method]]:
    """Each area's methods in spec order, a ``_stream`` twin after each operation that can stream,
    then the ``parse_*`` twins of both (overrides.PARSE_TWINS)."""
    by_area: Dict[str, List[Method]] = {}
    for op in ops:
        twins = [Method(op, spec, types)]
        if op.stream_events is not None and any(p.key in ("stream", "stream_format") for p in op.body_props):
            twins.append(Method(op, spec, types, stream=True))
        rule = PARSE_TWINS.get(op.operation_id)
        if rule is not None:
            twins += [m.parse_twin(rule, spec, types) for m in twins]
        by_area.setdefault(op.area, []).extend(twins)
    return by_area


class Method:
    """An operation's method (or its streaming twin), ready to render."""

    def __init__(self, op: Operation, spec: Spec, types: Types, stream: bool = False) -> None:
        self.op = op
        self.stream = stream
        self.name = op.name + ("_stream" if stream else "")
        self.runtime: List[str] = []  # types the method body needs at run time
        self.args: List[Tuple[str, str, bool]] = []  # (python name, annotation, required)
        self.docs: Dict[str, str] = {}  # python name -> the spec's description of the argument
        self.path_args: List[Tuple[str, str]] = []
        self.query: List[Tuple[str, str]] = []  # (wire name, python name)
        self.body: List[Tuple[str, str]] = []
        self.unknown_events = False  # a stream of a union of events, which may grow
        self.parse: Optional[ParseTwin] = None  # set on a parse_* twin (see parse_twin)
        self.official = None if stream else op.official  # the official SDK's name, when it has its own
        body_base = (
            type_name(ref_name(op.body["$ref"])) if op.body and "$ref" in op.body else pascal(op.name) + "Request"
        )
        for p in op.params:
            if p.location == "query" and p.name == "stream" and not stream:
                # (GET /responses/{id}?stream=true) answers with events the JSON method cannot read.
                continue
            ctx = _Ctx(pascal(op.name) + pascal(p.py), REQ, op.area, False)
            annotation = types.annotation(p.schema, ctx)
            self.docs[p.py] = p.description
            if p.location == "path":
                self.path_args.append((p.py, annotation))
            else:
                self.query.append((p.name, p.py))
                self.args.append((p.py, annotation, p.required))
        taken = {a[0] for a in self.args} | {a[0] for a in self.path_args}
        for prop in op.body_props:
            if prop.key == "stream" or (stream and prop.key == "stream_format"):
                continue  # the _stream twin turns streaming on itself
            if not stream and prop.key == "stream_options" and op.stream_events is not None:
                continue  # only means something to the _stream twin
            ctx = _Ctx(body_base + pascal(prop.key), REQ, op.area, False)
            annotation = types.bare(prop.schema, ctx)
            if spec.prop_null_forms(prop) and prop.required and annotation != "Any":
                annotation = f"Optional[{annotation}]"
            py = _py_param(prop.key, taken)
            taken.add(py)
            self.docs[py] = prop.description or _description(spec, prop.schema)
            self.body.append((prop.key, py))
            self.args.append((py, annotation, prop.required))
        # The JSON method of an operation with a _stream twin takes `stream` only to refuse True
        # with a TypeError naming the twin (code ported from the official SDK passes stream=True).
        self.refuses_stream = (
            not stream and op.stream_events is not None and any(p.key == "stream" for p in op.body_props)
        )
        if self.refuses_stream:
            self.args.append(("stream", "Optional[Literal[False]]", False))
            self.docs["stream"] = f"Only ``False``: to stream, call ``{self.name}_stream``."
        self.returns, self.cast = self._result(spec, types)
        # The request TypedDict whose fields carry the full descriptions (when the body is a named schema).
        self.body_type = types.component(ref_name(op.body["$ref"]), REQ) if op.body and "$ref" in op.body else ""
        self.done_marker = op.operation_id in DONE_MARKER
        self.final_events = FINAL_EVENTS.get(op.operation_id, ())
        self.wire_default = WIRE_DEFAULTS.get(op.operation_id)

    def parse_twin(self, rule: ParseTwin, spec: Spec, types: Types) -> Method:
        """This method's ``parse_*`` twin: the same arguments, the format also a class, the result parsed."""
        twin = copy.copy(self)
        twin.parse = rule
        twin.name = rule.name + ("_stream" if self.stream else "")
        twin.official = rule.stream_official if self.stream else rule.official
        twin.args, twin.docs, twin.runtime = list(self.args), dict(self.docs), []
        if rule.format_of:
            # A new argument, after the body field whose nested field it sets (text_format -> text.format).
            outer, inner = rule.format_of.split(".")
            (prop,) = [p for p in self.op.body_props if p.key == outer]
            (nested,) = [p for p in spec.properties(spec.deref(prop.schema)) if p.key == inner]
            annotation = types.bare(nested.schema, _Ctx(pascal(outer) + pascal(inner), REQ, self.op.area, False))
            at = [py for py, _, _ in twin.args].index(dict(self.body)[outer]) + 1
            twin.args.insert(at, (rule.format_arg, annotation, False))
        at = [py for py, _, _ in twin.args].index(rule.format_arg)
        py, annotation, required = twin.args[at]
        # Also a class: Union[Type[T], <the format dicts>] (flat, as a union of unions would read badly).
        members = annotation[len("Union[") : -1] if annotation.startswith("Union[") else annotation
        twin.args[at] = (py, f"Union[Type[T], {members}]", required)
        twin.docs[rule.format_arg] = (
            "A dataclass or TypedDict to parse the output into (sent as its strict JSON Schema), or a format"
            " dict, sent as it is."
        )
        if self.refuses_stream:
            twin.docs["stream"] = f"Only ``False``: to stream, call ``{twin.name}_stream``."
        twin.returns = f"{rule.stream_result if self.stream else rule.result}[T]"
        twin.cast = ""
        return twin

    def _result(self, spec: Spec, types: Types) -> Tuple[str, str]:
        op = self.op
        if self.stream:
            assert op.stream_events is not None
            event = self._response_type(op.stream_events, types, "StreamEvent")
            # An event type added to the API later arrives as an UnknownEvent, which the
            # static type leaves out: with it, `ev.type == "..."` would narrow nothing.
            self.unknown_events = types.defs[event].kind == "alias"
            return f"Iterator[{event}]", event
        if op.response_kind == "binary":
            return "BinaryResponse", "BinaryResponse"
        if op.response_kind == "text":
            return "str", "str"
        if op.response_kind == "none" or op.response_schema is None:
            return "None", "None"
        result = self._response_type(op.response_schema, types, "Response")
        if op.paging:
            item = _page_item(spec, types, op.response_schema)
            return f"Page[{result}, {item}]", result
        if op.text_response:
            return f"Union[{result}, str]", f"Union[{result}, str]"
        return result, result

    def _response_type(self, schema: Dict[str, Any], types: Types, suffix: str) -> str:
        if "$ref" in schema:
            name = types.component(ref_name(str(schema["$ref"])), RESP)
        else:
            # An inline response schema gets a named type of its own (a class or an alias).
            name = types.named_inline(schema, pascal(self.op.name) + suffix, self.op.area)
        self.runtime.append(name)
        return name


def _description(spec: Spec, schema: Dict[str, Any]) -> str:
    """A schema's description: its own, its non-null alternative's, or the one of the schema it names."""
    for candidate in (schema, strip_null(schema)):
        if candidate.get("description"):
            return str(candidate["description"])
        if "$ref" in candidate:
            named = spec.deref(candidate)
            return str(named.get("description") or strip_null(named).get("description") or "")
    return ""


def _py_param(key: str, taken: Set[str]) -> str:
    py = param_name(key)
    while py in taken:
        py += "_"
    return py


def _page_item(spec: Spec, types: Types, schema: Dict[str, Any]) -> str:
    for prop in spec.properties(schema):
        if prop.key == "data":
            items = strip_null(prop.schema).get("items", {})
            if "$ref" in items:
                return types.component(ref_name(items["$ref"]), RESP)
            return "Any"
    return "Any"
