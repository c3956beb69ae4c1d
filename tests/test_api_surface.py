"""The generated API surface, checked against the pinned spec (spec/openai-openapi.json).

The spec is read here independently of tools/codegen: every operation must have one method,
with the right signature, request, authentication, warnings and return type; the spec's own
response examples must parse into the declared types; the types modules must load lazily and
resolve on every supported Python. (Static typing: tests/test_typing.py.)
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import json
import keyword
import os
import pathlib
import pkgutil
import re
import subprocess
import sys
import textwrap
import typing
import warnings
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import pytest
from _loopback import LoopbackServer, Recorded, bytes_reply, json_reply, sse_reply

import openai_lite
import openai_lite.types
from openai_lite import APIError, BaseModel, BinaryResponse, OpenAIError, Page
from openai_lite._api import APIMethods
from openai_lite._base_client import BaseClient
from openai_lite._models import _compile, _Namespace
from openai_lite.types._index import AREA_OF

ROOT = pathlib.Path(__file__).resolve().parents[1]
SPEC = json.loads((ROOT / "spec" / "openai-openapi.json").read_text("utf-8"))
SCHEMAS: Dict[str, Any] = SPEC["components"]["schemas"]
PARAMETERS: Dict[str, Any] = SPEC["components"].get("parameters", {})
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout")  # every method's per-call options

# ---------------------------------------------------------------------------
# The spec, read independently of the generator
# ---------------------------------------------------------------------------


def deref(schema: Dict[str, Any]) -> Dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def properties(schema: Dict[str, Any]) -> Tuple[Dict[str, Any], Set[str]]:
    """(properties, required keys) of an object schema, ``allOf`` members merged."""
    schema = deref(schema)
    props: Dict[str, Any] = {}
    required: Set[str] = set()
    for member in schema.get("allOf", []):
        more, more_required = properties(member)
        props.update(more)
        required |= more_required
    props.update(schema.get("properties") or {})
    required |= set(schema.get("required") or [])
    return props, required


def py_name(name: str) -> str:
    """The Python name of a parameter or body field (``include[]`` -> ``include``, ``from`` -> ``from_``)."""
    ident = re.sub(r"\W", "_", name.replace("[]", ""))
    return ident + "_" if keyword.iskeyword(ident) or ident in OPTIONS else ident


@dataclasses.dataclass
class Operation:
    operation_id: str
    http: str  # GET, POST ...
    path: str  # as in the spec, may end in ?beta=true
    raw: Dict[str, Any]

    def __repr__(self) -> str:
        return f"<{self.operation_id}: {self.http} {self.path}>"

    @property
    def route(self) -> Tuple[str, str]:
        return (self.http, self.path)

    @property
    def admin(self) -> bool:
        """The spec's security says the admin key (AdminApiKeyAuth)."""
        return any("AdminApiKeyAuth" in s for s in self.raw.get("security") or [])

    @property
    def needs_admin_key(self) -> bool:
        """The admin key is needed: by the spec's security, or by its prose where the security omits it
        (the fine-tuned checkpoint permissions say "requires an admin API key")."""
        prose = f"{self.raw.get('summary', '')} {self.raw.get('description', '')}"
        prose = " ".join(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", prose).split()).lower()  # [text](link) -> text
        return self.admin or "requires an admin api key" in prose

    @property
    def deprecated(self) -> bool:
        return bool(self.raw.get("deprecated"))

    @property
    def parameters(self) -> List[Dict[str, Any]]:
        return [PARAMETERS[p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p for p in self.raw.get("parameters", [])]

    def params_in(self, where: str) -> List[Dict[str, Any]]:
        return [p for p in self.parameters if p["in"] == where]

    @property
    def path_params(self) -> List[str]:
        """Path parameter names in the order the path names them."""
        return re.findall(r"\{(\w+)\}", self.path)

    @property
    def content_types(self) -> List[str]:
        return list((self.raw.get("requestBody") or {}).get("content", {}))

    @property
    def multipart(self) -> bool:
        return "multipart/form-data" in self.content_types

    def body_alternatives(self) -> List[Tuple[Dict[str, Any], Set[str]]]:
        """(properties, required) of each JSON or multipart form the body may take."""
        content = (self.raw.get("requestBody") or {}).get("content", {})
        forms = [ct for ct in ("application/json", "multipart/form-data") if ct in content]
        return [properties(content[ct]["schema"]) for ct in forms]

    def examples(self) -> List[Dict[str, Any]]:
        examples = (self.raw.get("x-oaiMeta") or {}).get("examples") or []
        return [examples] if isinstance(examples, dict) else list(examples)

    def paginated(self) -> bool:
        """A GET whose answer is a page of ``data`` with a cursor (``after``/``has_more`` or ``page``/``next_page``)."""
        if self.http != "GET":
            return False
        schema = self.raw["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            return False
        props, _ = properties(schema)
        query = {p["name"] for p in self.params_in("query")}
        return "data" in props and (
            ("after" in query and "has_more" in props) or ("page" in query and "next_page" in props)
        )


OPERATIONS = [
    Operation(op["operationId"], http.upper(), path, op)
    for path, item in SPEC["paths"].items()
    for http, op in item.items()
    if http in HTTP_METHODS
]
BY_ID = {op.operation_id: op for op in OPERATIONS}
OP_IDS = [op.operation_id for op in OPERATIONS]

STREAMING = {
    "createChatCompletion", "createCompletion", "createResponse", "beta_createResponse", "createRun",
    "createThreadAndRun", "submitToolOuputsToRun", "createSpeech", "createTranscription", "createImage",
    "createImageEdit",
}  # fmt: skip
BINARY = {
    "createSpeech", "downloadFile", "RetrieveVideoContent", "RetrieveContainerFileContent", "GetSkillContent",
    "GetSkillVersionContent",
}  # fmt: skip

# ---------------------------------------------------------------------------
# The client's methods
# ---------------------------------------------------------------------------

Client = openai_lite.Client
CLIENT_ATTRS = {n for n in dir(BaseClient) if not n.startswith("_")}  # close, with_options, api_key, session ...
# The parse_* twins are generated too, but call a generated method, not an endpoint (their tests:
# test_structured.py, and test_codegen.py for the rule; no operation's method starts with parse_).
PARSE_TWINS = {n for n in dir(APIMethods) if n.startswith("parse_")}
# The generated methods (hand-written helpers such as upload_file live on Client too, outside _api).
ENDPOINTS = sorted(n for n in dir(APIMethods) if not n.startswith("_") and n not in CLIENT_ATTRS | PARSE_TWINS)
BASE_METHODS = [n for n in ENDPOINTS if not n.endswith("_stream")]
TWINS = [n for n in ENDPOINTS if n.endswith("_stream")]
ROUTE_IN_DOC = re.compile(r"``(GET|POST|PUT|PATCH|DELETE) (/[^`\s]*)``")


def routes_in_doc(name: str) -> List[Tuple[str, str]]:
    """The ``METHOD /path`` references in a method's docstring (line breaks read as spaces)."""
    return ROUTE_IN_DOC.findall(" ".join((getattr(Client, name).__doc__ or "").split()))


METHOD_OF_ROUTE: Dict[Tuple[str, str], List[str]] = {}
for _name in BASE_METHODS:
    for _route in routes_in_doc(_name):
        METHOD_OF_ROUTE.setdefault(_route, []).append(_name)
METHOD_OF: Dict[str, str] = {
    op.operation_id: METHOD_OF_ROUTE[op.route][0] for op in OPERATIONS if len(METHOD_OF_ROUTE.get(op.route, [])) == 1
}


def method_of(operation_id: str) -> str:
    if operation_id not in METHOD_OF:
        pytest.fail(f"no method (or several) for {BY_ID[operation_id]}")
    return METHOD_OF[operation_id]


def returns(name: str) -> str:
    """A method's return annotation, as written (the modules use postponed annotations)."""
    return str(getattr(Client, name).__annotations__["return"])


def signature(name: str) -> List[inspect.Parameter]:
    return list(inspect.signature(getattr(Client, name)).parameters.values())[1:]  # without self


FILE = ("a.txt", b"file content", "text/plain")  # always with a content type (see shared/notes/prism.md)


def call_arguments(name: str, all_files: bool = False) -> Tuple[List[str], Dict[str, Any]]:
    """Minimal arguments: path parameters ``<name>-1``, ``"x"`` for required keywords, a file for file inputs.

    ``all_files`` also fills the optional file inputs (so a multipart operation sends a file).
    """
    args: List[str] = []
    kwargs: Dict[str, Any] = {}
    for p in signature(name):
        is_file = "FileInput" in str(p.annotation)
        if p.kind is p.POSITIONAL_OR_KEYWORD:
            args.append(f"{p.name}-1")
        elif p.default is p.empty or (all_files and is_file):
            kwargs[p.name] = FILE if is_file else "x"
    return args, kwargs


def sent_fields(request: Recorded) -> Dict[str, Any]:
    """The body of a request as a dict: JSON as decoded, multipart as {name: text or filename}."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        fields: Dict[str, Any] = {}
        for part in request.multipart():
            name = (part.name or "").replace("[]", "")
            fields[name] = part.filename if part.filename is not None else part.text
        return fields
    return request.json() if request.body else {}


def call(client: Any, name: str, all_files: bool = False) -> Any:
    args, kwargs = call_arguments(name, all_files)
    return getattr(client, name)(*args, **kwargs)


@pytest.fixture
def both_keys_client(make_client: Callable[..., Any]) -> Any:
    return make_client(api_key="sk-user", admin_api_key="sk-admin")


# ---------------------------------------------------------------------------
# The spec as these tests read it (counts from shared/notes/prism.md)
# ---------------------------------------------------------------------------


def test_spec_facts() -> None:
    assert len(OPERATIONS) == 288
    assert len({op.route for op in OPERATIONS}) == 288
    assert len(set(OP_IDS)) == 288
    assert sum(op.http == "POST" for op in OPERATIONS) == 123
    assert sum(op.http == "GET" for op in OPERATIONS) == 122
    assert sum(op.http == "DELETE" for op in OPERATIONS) == 43
    assert sum("?beta=true" in op.path for op in OPERATIONS) == 7
    assert sum(op.admin for op in OPERATIONS) == 119
    assert sum(op.needs_admin_key for op in OPERATIONS) == 122
    assert sum(op.deprecated for op in OPERATIONS) == 15
    assert sum(op.multipart for op in OPERATIONS) == 18
    assert sum(op.paginated() for op in OPERATIONS) == 62
    assert STREAMING | BINARY <= set(OP_IDS)


# ---------------------------------------------------------------------------
# Coverage: operations <-> methods
# ---------------------------------------------------------------------------


def test_every_operation_has_exactly_one_method() -> None:
    found = {op.operation_id: METHOD_OF_ROUTE.get(op.route, []) for op in OPERATIONS}
    problems = [f"{BY_ID[i]}: {methods}" for i, methods in found.items() if len(methods) != 1]
    assert not problems, "operations without exactly one method:\n  " + "\n  ".join(problems)


def test_every_method_is_an_operation() -> None:
    spec_routes = {op.route for op in OPERATIONS}
    problems = []
    for name in BASE_METHODS:
        routes = routes_in_doc(name)
        if len(routes) != 1 or routes[0] not in spec_routes:
            problems.append(f"{name}: {routes}")
    assert not problems, "methods that name no operation of the spec (or several):\n  " + "\n  ".join(problems)


def test_generated_methods_are_what_the_client_exposes() -> None:
    # A hand-written helper or a BaseClient attribute must not shadow a generated method.
    shadowed = [name for name in ENDPOINTS if getattr(Client, name) is not getattr(APIMethods, name)]
    assert not shadowed
    assert all(getattr(APIMethods, name).__module__.startswith("openai_lite._api.") for name in ENDPOINTS)


def test_streaming_twins() -> None:
    assert {name[: -len("_stream")] for name in TWINS} == {method_of(i) for i in STREAMING}
    for operation_id in STREAMING:
        base = method_of(operation_id)
        twin = base + "_stream"
        assert routes_in_doc(twin) == [BY_ID[operation_id].route], twin
        assert returns(twin).startswith("Iterator["), twin
        # The twin turns streaming on itself; the JSON method takes `stream` only to refuse True
        # (with a TypeError naming the twin: tests/test_porting.py).
        assert "stream" not in {p.name for p in signature(twin)}, operation_id
        stream = [p for p in signature(base) if p.name == "stream"]
        if any(key == "stream" for props, _ in BY_ID[operation_id].body_alternatives() for key in props):
            assert [p.annotation for p in stream] == ["Optional[Literal[False]]"], operation_id
        else:
            assert not stream, operation_id


def test_paginated_operations_return_a_page() -> None:
    pages = {name for name in BASE_METHODS if returns(name).startswith("Page[")}
    expected = {method_of(op.operation_id) for op in OPERATIONS if op.paginated()}
    assert len(expected) == 62
    # list_models has no cursor, but is a (one-page) Page so that it iterates like the others.
    assert pages == expected | {"list_models"}


def test_binary_operations_return_a_binary_response() -> None:
    binary = {name for name in ENDPOINTS if returns(name) == "BinaryResponse"}
    assert binary == {method_of(i) for i in BINARY}


@pytest.mark.parametrize(
    "operation_id",
    OP_IDS,
)
def test_method_docstring(operation_id: str) -> None:
    op = BY_ID[operation_id]
    doc = getattr(Client, method_of(operation_id)).__doc__ or ""
    # The reference to the operation sits on one line, where a reader (or grep) finds it.
    assert f"``{op.http} {op.path}``" in doc
    words = " ".join(doc.split())
    assert (".. deprecated::" in words) == op.deprecated
    assert ("Needs the admin API key." in words) == op.needs_admin_key


def documented_arguments(name: str) -> Dict[str, str]:
    """The ``Args:`` section of a method's docstring: argument -> its line (continuations joined)."""
    doc = inspect.getdoc(getattr(Client, name)) or ""
    section = doc.split("\nArgs:\n", 1)[1] if "\nArgs:\n" in doc else ""
    args: Dict[str, str] = {}
    for line in section.splitlines():
        match = re.match(r"    (\w+): (.*)", line)
        if match:
            args[match.group(1)] = match.group(2)
        elif line.startswith("        ") and args:
            last = list(args)[-1]
            args[last] += " " + line.strip()
    return args


def test_arguments_are_documented_one_line_each() -> None:
    documented = total = 0
    for name in ENDPOINTS:
        params = [p.name for p in signature(name) if p.name not in OPTIONS]
        args = documented_arguments(name)
        assert list(args) == [p for p in params if p in args], f"{name}: Args out of signature order"
        documented += len(args)
        total += len(params)
    assert documented / total > 0.9, (documented, total)


@pytest.mark.parametrize(
    ("method", "argument", "text"),
    [
        ("create_chat_completion", "messages", "A list of messages comprising the conversation so far."),
        ("create_chat_completion", "stream", "Only ``False``: to stream, call ``create_chat_completion_stream``."),
        ("create_response", "temperature", "What sampling temperature to use, between 0 and 2."),
        ("create_embedding", "input", "Input text to embed, encoded as a string or array of tokens."),
        ("list_files", "limit", "A limit on the number of objects to be returned."),
        ("retrieve_model", "model", "The ID of the model to use for this request"),
        ("create_file", "progress", "Called with (bytes sent, total bytes) as the upload goes."),
    ],
)
def test_argument_doc(method: str, argument: str, text: str) -> None:
    assert documented_arguments(method)[argument] == text


# ---------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------


def expected_keywords(op: Operation, twin: bool) -> Set[str]:
    """The keyword arguments an operation's method (or its _stream twin) should take, without the options."""
    # A `stream` query parameter (GET /responses/{id}) would ask for events the JSON method cannot read.
    names = {py_name(p["name"]) for p in op.params_in("query") if p["name"] != "stream"}
    for props, _ in op.body_alternatives():
        # The twin decides on `stream`; the JSON method takes it only to refuse True.
        names |= {py_name(key) for key in props if key != "stream" or not twin}
    if twin:
        names.discard("stream_format")  # createSpeech's twin sends stream_format=sse itself
    elif op.operation_id in STREAMING:
        names.discard("stream_options")  # means something only to the twin
    return names


def test_parameters_match_the_spec() -> None:
    problems = []
    for op in OPERATIONS:
        base = method_of(op.operation_id)
        for name, twin in [(base, False), (base + "_stream", True)]:
            if twin and op.operation_id not in STREAMING:
                continue
            params = signature(name)
            positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
            keywords = [p.name for p in params if p.kind is p.KEYWORD_ONLY]
            if positional != [py_name(n) for n in op.path_params]:
                problems.append(f"{name}: positional {positional}, path parameters {op.path_params}")
            if len(positional) + len(keywords) != len(params):
                problems.append(f"{name}: has *args or **kwargs")
            if keywords[-4:] != list(OPTIONS):
                problems.append(f"{name}: does not end with the options {OPTIONS}")
            extra = set(keywords) - set(OPTIONS) - expected_keywords(op, twin)
            if op.multipart:
                extra.discard("progress")  # the upload progress callback of the multipart operations
            absent = expected_keywords(op, twin) - set(keywords)
            if extra or absent:
                problems.append(f"{name}: not in the spec {sorted(extra)}, missing {sorted(absent)}")
            for p in params:
                if p.name in OPTIONS and p.default is not None:
                    problems.append(f"{name}: option {p.name} defaults to {p.default!r}")
    assert not problems, "\n".join(problems)


def required_keywords(op: Operation) -> Set[str]:
    """Required query parameters, and the body fields every form of the body requires."""
    names = {py_name(p["name"]) for p in op.params_in("query") if p.get("required")}
    alternatives = op.body_alternatives()
    if alternatives:
        names |= {py_name(k) for k in set.intersection(*(required for _, required in alternatives)) if k != "stream"}
    return names


@pytest.mark.parametrize("operation_id", OP_IDS)
def test_required_arguments(operation_id: str) -> None:
    op = BY_ID[operation_id]
    name = method_of(operation_id)
    for method in [name, name + "_stream"] if operation_id in STREAMING else [name]:
        keywords = [p for p in signature(method) if p.kind is p.KEYWORD_ONLY]
        required = {p.name for p in keywords if p.default is p.empty}
        assert required == required_keywords(op), method
        assert all(p.default is None for p in keywords if p.name not in required), method


def test_image_edit_with_an_uploaded_file(server: LoopbackServer, client: Any) -> None:
    # The multipart form requires `image`, the JSON body `images`: neither is required of the caller.
    server.reply(json_reply({"created": 1, "data": []}))
    client.create_image_edit(image=FILE, prompt="add a hat")
    parts = {part.name: part for part in server.last_request.multipart()}
    assert parts["image"].filename == "a.txt" and parts["prompt"].text == "add a hat"
    assert "images" not in parts


@pytest.mark.parametrize("name", ["get_response", "beta_get_response"])
def test_no_stream_argument_without_a_stream_twin(name: str) -> None:
    assert "stream" not in {p.name for p in signature(name)} or hasattr(Client, name + "_stream")


def test_unknown_keyword_is_a_type_error(server: LoopbackServer, make_client: Callable[..., Any]) -> None:
    client = make_client(api_key="sk-user", admin_api_key="sk-admin")
    accepted = []
    for name in ENDPOINTS:
        args, kwargs = call_arguments(name)
        try:
            getattr(client, name)(*args, **kwargs, no_such_argument=1)
        except TypeError as exc:
            assert "no_such_argument" in str(exc), name
        else:
            accepted.append(name)
    assert not accepted
    assert not server.requests


def test_path_parameters_may_not_be_passed_as_extra_positionals(client: Any) -> None:
    with pytest.raises(TypeError):
        client.retrieve_model("gpt-4o", "surplus")
    with pytest.raises(TypeError):
        client.create_chat_completion([{"role": "user", "content": "hi"}], "gpt-4o")


# ---------------------------------------------------------------------------
# Each operation's request on the loopback server
# ---------------------------------------------------------------------------


def reply_for(name: str) -> Any:
    kind = returns(name)
    if kind == "BinaryResponse":
        return bytes_reply(b"\x00binary")
    if kind == "str":
        return bytes_reply("v=0\r\n", content_type="application/sdp")
    return json_reply({})


@pytest.mark.parametrize("operation_id", OP_IDS)
def test_request(operation_id: str, server: LoopbackServer, both_keys_client: Any) -> None:
    op = BY_ID[operation_id]
    name = method_of(operation_id)
    server.reply(reply_for(name))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call(both_keys_client, name, all_files=True)
    request = server.last_request
    assert len(server.requests) == 1

    # Method, path (parameters filled in) and query.
    path, _, fixed_query = op.path.partition("?")
    assert request.method == op.http
    assert request.path == "/v1" + path.format(**{p: f"{py_name(p)}-1" for p in op.path_params})
    for pair in filter(None, fixed_query.split("&")):  # ?beta=true
        key, _, value = pair.partition("=")
        assert request.query.get(key) == [value]
    for p in op.params_in("query"):
        if p.get("required"):
            assert request.query.get(p["name"]) == ["x"], p["name"]
    for p in op.params_in("header"):  # the beta twins' feature header
        values = deref(p.get("schema", {}).get("items", {})).get("enum") or []
        assert request.headers.get(p["name"]) == ",".join(values)

    # Authentication: the admin key exactly where the spec asks for it (security, or prose).
    assert request.headers["authorization"] == ("Bearer sk-admin" if op.needs_admin_key else "Bearer sk-user")

    # Body: multipart for the multipart operations, else JSON; the required fields are sent.
    content_type = request.headers.get("content-type", "")
    if not op.content_types:
        assert not request.body
    else:
        assert content_type.startswith(expected_content_type(op)), content_type
        fields = sent_fields(request)
        for key in required_keywords(op) - {py_name(p["name"]) for p in op.params_in("query")}:
            assert key in fields, key
        assert "stream" not in fields, "only the _stream twin may ask for a stream"

    # Deprecation: a warning pointing at the caller, exactly for the deprecated operations.
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert len(deprecations) == op.deprecated
    for w in deprecations:
        assert w.filename == __file__ and name in str(w.message)

    # The result has the declared kind.
    kind = returns(name)
    if kind == "BinaryResponse":
        assert isinstance(result, BinaryResponse)
        assert result.content == b"\x00binary"
    elif kind == "None":
        assert result is None
    elif kind == "str":
        assert result == "v=0\r\n"
    elif kind.startswith("Page["):
        assert isinstance(result, Page) and list(result) == []
    else:
        assert isinstance(result, (BaseModel, dict)), result


# Multipart operations that also accept JSON send JSON when no file is given; CreateVideoRemix
# has no file field at all (its multipart and JSON forms are the same schema), so it always sends JSON.
JSON_WHEN_POSSIBLE = {"CreateVideoRemix"}


def expected_content_type(op: Operation) -> str:
    if op.multipart and op.operation_id not in JSON_WHEN_POSSIBLE:
        return "multipart/form-data"
    return "application/json"


def test_multipart_operations() -> None:
    multipart = {op.operation_id for op in OPERATIONS if expected_content_type(op).startswith("multipart")}
    assert len(multipart) == 17  # the spec's 18 less CreateVideoRemix
    # Each of them takes a file argument, except the realtime call (an SDP offer as a form field).
    with_files = {i for i in multipart if any("FileInput" in str(p.annotation) for p in signature(method_of(i)))}
    assert multipart - with_files == {"create-realtime-call"}


@pytest.mark.parametrize("operation_id", sorted(i for i in OP_IDS if BY_ID[i].multipart))
def test_multipart_file_part(operation_id: str, server: LoopbackServer, both_keys_client: Any) -> None:
    name = method_of(operation_id)
    file_params = [p.name for p in signature(name) if "FileInput" in str(p.annotation)]
    server.reply(reply_for(name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        call(both_keys_client, name, all_files=True)
    if not file_params:
        return
    parts = {(p.name or "").replace("[]", ""): p for p in server.last_request.multipart()}
    for param in file_params:
        part = parts[param]
        assert (part.filename, part.data, part.content_type) == FILE


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("create_video", {"prompt": "p", "input_reference": {"image_url": "https://example.com/a.png"}}),
        ("create_video_edit", {"prompt": "p", "video": {"id": "video_123"}}),
        ("create_video_extend", {"prompt": "p", "seconds": "4", "video": {"id": "video_123"}}),
    ],
)
def test_file_field_takes_its_json_reference(
    method: str, kwargs: Dict[str, Any], server: LoopbackServer, client: Any
) -> None:
    # The signature (and the spec's JSON body) allows a reference object where a file may go:
    # then the body goes out as JSON, not as a multipart form with a dict for a file.
    server.reply(json_reply({"id": "video_1", "object": "video"}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        getattr(client, method)(**kwargs)
    assert server.last_request.headers["content-type"] == "application/json"
    assert server.last_request.json() == kwargs


@pytest.mark.parametrize("operation_id", sorted(STREAMING))
def test_stream_twin_request(operation_id: str, server: LoopbackServer, client: Any) -> None:
    op = BY_ID[operation_id]
    events = call(client, method_of(operation_id) + "_stream")
    assert not server.requests, "the request goes out when iteration starts"
    server.reply(sse_reply(["data: [DONE]\n\n"]))
    assert list(events) == []
    request = server.last_request
    path = op.path.partition("?")[0].format(**{p: f"{py_name(p)}-1" for p in op.path_params})
    assert (request.method, request.path) == (op.http, "/v1" + path)
    fields = sent_fields(request)
    assert fields.get("stream") in (True, "true") or fields.get("stream_format") == "sse", fields


# ---------------------------------------------------------------------------
# Authentication keys
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", OP_IDS)
def test_missing_key_is_reported_before_sending(
    operation_id: str, server: LoopbackServer, make_client: Callable[..., Any]
) -> None:
    op = BY_ID[operation_id]
    # A client holding only the key this operation does *not* use.
    if op.needs_admin_key:
        client, names = make_client(api_key="sk-user"), ("admin_api_key", "OPENAI_ADMIN_KEY")
    else:
        client, names = make_client(api_key=None, admin_api_key="sk-admin"), ("api_key", "OPENAI_API_KEY")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(OpenAIError) as info:
            call(client, method_of(operation_id))
    assert not isinstance(info.value, APIError)
    assert all(n in str(info.value) for n in names), str(info.value)
    assert not server.requests


# ---------------------------------------------------------------------------
# The spec's response examples parse into the declared types
# ---------------------------------------------------------------------------

EXAMPLES = [
    (op.operation_id, index, example["response"])
    for op in OPERATIONS
    for index, example in enumerate(op.examples())
    if isinstance(example.get("response"), str)
]


def strict_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


JSON_EXAMPLES = [(i, n, strict_json(text)) for i, n, text in EXAMPLES if strict_json(text) is not None]

# Operations whose spec declares no response body although the example shows one: their methods
# return None (the server's JSON is not parsed).
NO_DECLARED_BODY = {"DeleteContainer", "DeleteContainerFile", "deleteResponse", "beta_deleteResponse"}

# Objects left as dicts where a union member was expected, and why that is right.
KNOWN_UNDISPATCHED = {
    ("ListThreadItemsMethod", 0): {
        # The example's items say "type": "user_message" / "assistant_message"; the schemas
        # (UserMessageItem ...) say "chatkit.user_message" ...: an unknown variant stays a dict.
        "data[0]": "user_message",
        "data[1]": "assistant_message",
    },
}


def test_example_count() -> None:
    assert len(EXAMPLES) == 297
    assert len(JSON_EXAMPLES) == 244


class _TypeNamespace(Dict[str, Any]):
    """Evaluates a method's return annotation: typing names, then the generated types by name."""

    def __missing__(self, name: str) -> Any:
        if hasattr(typing, name):
            return getattr(typing, name)
        return openai_lite.types._lookup(name)


def declared_type(name: str) -> Any:
    """The type a method parses its response into (a Page's page type for list operations)."""
    text = returns(name)
    match = re.fullmatch(r"Page\[(\w+), .*\]", text)
    return eval(match.group(1) if match else text, {"str": str}, _TypeNamespace())


def _unwrap(tp: Any) -> Any:
    return openai_lite.types._lookup(tp.__forward_arg__) if isinstance(tp, typing.ForwardRef) else tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _expects_model(tp: Any) -> bool:
    """Whether a dict at this place should have become a dataclass (no member takes a plain dict)."""
    tp = _unwrap(tp)
    if _is_model(tp):
        return True
    if typing.get_origin(tp) is typing.Union:
        members = [_unwrap(a) for a in typing.get_args(tp)]
        takes_dict = any(m is Any or typing.get_origin(m) is dict for m in members)
        return not takes_dict and any(_is_model(m) for m in members)
    return False


def undispatched(value: Any, tp: Any, where: str = "") -> Dict[str, Any]:
    """Every place (path -> its "type") where a dict was left although the declared type wants a dataclass."""
    tp = _unwrap(tp)
    found: Dict[str, Any] = {}
    if isinstance(value, BaseModel):
        for field in dataclasses.fields(value):  # type: ignore[arg-type]
            field_type = _compile_field_type(type(value), field)
            found.update(undispatched(getattr(value, field.name), field_type, f"{where}.{field.name}"))
    elif isinstance(value, dict):
        if _expects_model(tp):
            found[where.lstrip(".")] = value.get("type")
        elif typing.get_origin(tp) is dict:
            for key, item in value.items():
                found.update(undispatched(item, typing.get_args(tp)[1], f"{where}[{key!r}]"))
    elif isinstance(value, list):
        members = typing.get_args(tp) if typing.get_origin(tp) is typing.Union else (tp,)
        for member in map(_unwrap, members):
            if typing.get_origin(member) is list:
                for index, item in enumerate(value):
                    found.update(undispatched(item, typing.get_args(member)[0], f"{where}[{index}]"))
                break
    return found


def _field_namespace(cls: type, field: Any) -> _Namespace:
    """The names a dataclass field's annotation sees, as the parser looks them up."""
    # (each class's own annotations, as the parser looks for them)
    owner = next(c for c in cls.__mro__ if field.name in vars(c).get("__annotations__", {}))
    return _Namespace(vars(sys.modules[owner.__module__]))


def _compile_field_type(cls: type, field: Any) -> Any:
    """A dataclass field's type, resolved the way the parser resolves it."""
    return eval(field.type, {"__builtins__": {}}, _field_namespace(cls, field))


@pytest.mark.parametrize(
    ("operation_id", "index", "example"), JSON_EXAMPLES, ids=[f"{i}-{n}" for i, n, _ in JSON_EXAMPLES]
)
def test_response_example_parses(
    operation_id: str, index: int, example: Any, server: LoopbackServer, both_keys_client: Any
) -> None:
    name = method_of(operation_id)
    server.reply(json_reply(example))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = call(both_keys_client, name)
    if operation_id in NO_DECLARED_BODY:
        assert returns(name) == "None" and result is None
        return
    if isinstance(result, Page):
        result = result.result
    tp = declared_type(name)
    if _is_model(tp):
        assert type(result) is tp
    assert (result.to_dict() if isinstance(result, BaseModel) else result) == example
    assert undispatched(result, tp) == KNOWN_UNDISPATCHED.get((operation_id, index), {})


# ---------------------------------------------------------------------------
# The types modules
# ---------------------------------------------------------------------------

TYPES_DIR = pathlib.Path(openai_lite.types.__file__).parent
TYPES_MODULES = sorted(m.name for m in pkgutil.iter_modules([str(TYPES_DIR)]))
GENERATED_MODULES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in [*TYPES_DIR.glob("*.py"), *(ROOT / "openai_lite" / "_api").glob("*.py")]
    if p.read_text("utf-8").startswith("# Generated by tools/codegen")
)


def test_every_types_module_imports_in_a_fresh_interpreter() -> None:
    code = f"""
        import importlib, json, traceback
        failed = {{}}
        for name in {TYPES_MODULES!r}:
            try:
                importlib.import_module("openai_lite.types." + name)
            except Exception:
                failed[name] = traceback.format_exc()
        print(json.dumps(failed))
    """
    assert run_python(code) == {}


def _annotation_nodes(tree: ast.AST) -> Set[int]:
    """ids of every node inside an annotation (never evaluated: the modules postpone annotations)."""
    inside: Set[int] = set()
    for node in ast.walk(tree):
        annotations: List[Optional[ast.AST]] = []
        if isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            annotations.append(node.returns)
            annotations += [a.annotation for a in args.posonlyargs + args.args + args.kwonlyargs]
        for annotation in filter(None, annotations):
            inside |= {id(n) for n in ast.walk(annotation)}
    return inside


@pytest.mark.parametrize("rel", GENERATED_MODULES)
def test_no_new_typing_syntax_at_run_time(rel: str) -> None:
    # Python 3.8 cannot evaluate `X | Y` or `list[int]`; annotations are fine (postponed), nothing else is.
    tree = ast.parse((ROOT / rel).read_text("utf-8"))
    skip = _annotation_nodes(tree)
    postponed = any(
        isinstance(n, ast.ImportFrom) and n.module == "__future__" and any(a.name == "annotations" for a in n.names)
        for n in tree.body
    )
    assert postponed or not skip, f"{rel} has annotations but does not postpone them"
    bad = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            bad.append(f"line {node.lineno}: X | Y")
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("list", "dict", "tuple", "set", "frozenset", "type")
        ):
            bad.append(f"line {node.lineno}: {node.value.id}[...]")
    assert not bad, f"{rel}: {bad}"


def _module_definitions() -> Dict[str, Tuple[str, Any]]:
    """Every name a types module defines (classes and aliases) -> (area, object)."""
    defined: Dict[str, Tuple[str, Any]] = {}
    for area in TYPES_MODULES:
        if area.startswith("_"):
            continue
        module = importlib.import_module(f"openai_lite.types.{area}")
        tree = ast.parse(pathlib.Path(module.__file__ or "").read_text("utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            else:
                continue
            for name in names:
                assert name not in defined, f"{name} defined in {area} and {defined[name][0]}"
                defined[name] = (area, getattr(module, name))
    return defined


@pytest.fixture(scope="module")
def definitions() -> Dict[str, Tuple[str, Any]]:
    return _module_definitions()


def _holds_models(value: Any, defined: Dict[str, Tuple[str, Any]], seen: Tuple[str, ...] = ()) -> bool:
    """Whether a type alias (transitively) names a dataclass: then parsing must be able to resolve it."""
    if isinstance(value, typing.ForwardRef):
        name = value.__forward_arg__
        return name not in seen and _holds_models(defined[name][1], defined, (*seen, name))
    if _is_model(value):
        return True
    return any(_holds_models(arg, defined, seen) for arg in typing.get_args(value))


def test_index_lists_every_type_parsing_resolves(definitions: Dict[str, Tuple[str, Any]]) -> None:
    needed = {
        name: area
        for name, (area, value) in definitions.items()
        if not name.startswith("_")
        # (request aliases may name response classes passed back, InputItemParam: parsing never reads them)
        and not area.endswith("_params")
        and (_is_model(value) or (not isinstance(value, type) and _holds_models(value, definitions)))
    }
    wrong = {name: (area, AREA_OF.get(name)) for name, area in needed.items() if AREA_OF.get(name) != area}
    assert not wrong, f"index entries missing or naming the wrong module (module, index): {wrong}"
    dangling = {name: area for name, area in AREA_OF.items() if definitions.get(name, ("?",))[0] != area}
    assert not dangling, f"index entries for types their module does not define: {dangling}"


def test_every_dataclass_field_resolves(definitions: Dict[str, Tuple[str, Any]]) -> None:
    """Each field's annotation evaluates, and each name in it resolves as parsing needs it.

    The parser turns an annotation it cannot evaluate, or a name the index does not list,
    into Any without a word: the field is then left as raw JSON. That is right only for
    aliases of plain values (enums, strings, ``Metadata`` ...).
    """
    models = [value for _, value in definitions.values() if _is_model(value)]
    assert len(models) > 1000
    problems = []
    for cls in models:
        _compile(cls)  # the parse plan: must not raise
        for field in dataclasses.fields(cls):
            where = f"{cls.__name__}.{field.name}"
            namespace = _field_namespace(cls, field)
            try:
                eval(field.type, {"__builtins__": {}}, namespace)
            except Exception as exc:
                problems.append(f"{where}: {field.type!r} fails: {exc!r}")
                continue
            for name in _names_in(field.type) - {"Any", "None", "True", "False"}:
                if namespace[name] is not Any:
                    continue
                if name not in definitions:
                    problems.append(f"{where}: unknown name {name}")
                elif _is_generated_class(definitions[name][1]) or _holds_models(definitions[name][1], definitions):
                    problems.append(f"{where}: {name} resolves to Any")
    assert not problems, "\n".join(problems[:50])


def _is_generated_class(value: Any) -> bool:
    """A dataclass or TypedDict of ours (``ParallelToolCalls = bool`` is a class too, but a plain one)."""
    return isinstance(value, type) and value.__module__.startswith("openai_lite.")


def _names_in(annotation: str) -> Set[str]:
    # Literal values are strings (in either quotes: postponed annotations are re-rendered by Python).
    without_strings = re.sub(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'""", "", annotation)
    return set(re.findall(r"[A-Za-z_]\w*", without_strings))


# ---------------------------------------------------------------------------
# Lazy loading of the types modules
# ---------------------------------------------------------------------------


def run_python(code: str) -> Any:
    """Run ``code`` in a fresh interpreter (the package from this checkout); return the JSON it prints last."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests")])
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_loads_no_types_module() -> None:
    loaded = run_python(
        """
        import json, sys
        import openai_lite
        client = openai_lite.Client(api_key="sk-test")
        print(json.dumps(sorted(m for m in sys.modules if m.startswith("openai_lite.types"))))
        """
    )
    assert loaded == []


def test_a_call_loads_only_its_own_types() -> None:
    loaded = run_python(
        """
        import json, sys
        from _loopback import LoopbackServer, json_reply
        import openai_lite

        with LoopbackServer() as server:
            server.reply(json_reply({
                "object": "list", "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1},
                "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}],
            }))
            client = openai_lite.Client(api_key="sk-test", base_url=server.url + "/v1")
            result = client.create_embedding(input="hi", model="text-embedding-3-small")
            assert type(result.data[0]).__name__ == "Embedding", result
            client.close()
        print(json.dumps(sorted(m for m in sys.modules if m.startswith("openai_lite.types"))))
        """
    )
    assert "openai_lite.types.embeddings" in loaded
    heavy = {"responses", "responses_beta", "realtime", "chat", "assistants", "admin", "evals", "webhooks"}
    assert not {f"openai_lite.types.{m}" for m in heavy} & set(loaded), loaded
