"""Every operation of the pinned spec through ``openai_lite.Client``, validated by the Prism mock server.

``test_operation`` sends one valid request per operation (built from the spec, or hand-written for the
main operations: see ``contract_calls``) and requires a 2xx answer parsed into the declared type. Prism
answers 422 to anything the spec does not allow, so a green run means the requests are what the spec says.
The rest: negative cases (422, 401, 429 with retries), file parts, and Prism's known false 422s.
"""

from __future__ import annotations

import inspect
import time
import typing
import warnings
from typing import Any, Dict, Optional

import pytest
from contract_calls import REALISTIC, Call, build_call, evaluate, is_instance, method_index, stream_twins
from contract_exceptions import CLIENT_BUGS, PRISM_EXCEPTIONS, PRISM_FALSE_422
from contract_spec import Operation, ValueGenerator, load_spec, operations, ref_name, resolve

import openai_lite
from openai_lite import BinaryResponse, Page

SPEC = load_spec()
OPERATIONS = operations(SPEC)
GEN = ValueGenerator(SPEC)
METHODS = method_index(openai_lite.Client)
TWINS = stream_twins(openai_lite.Client)


def operation_call(op: Operation) -> Call:
    method = METHODS[(op.method, op.path)]
    twin = TWINS.get((op.method, op.path))
    realistic = REALISTIC[op.operation_id]() if op.operation_id in REALISTIC else None
    return build_call(
        op,
        method,
        getattr(openai_lite.Client, method),
        GEN,
        realistic=realistic,
        stream_twin=getattr(openai_lite.Client, twin) if twin else None,
    )


def _marks(op: Operation) -> Any:
    if op.operation_id in PRISM_EXCEPTIONS:
        return pytest.param(
            op,
            id=op.operation_id,
            marks=pytest.mark.xfail(strict=True, reason="Prism/spec: " + PRISM_EXCEPTIONS[op.operation_id]),
        )
    if op.operation_id in CLIENT_BUGS:
        return pytest.param(
            op, id=op.operation_id, marks=pytest.mark.xfail(strict=True, reason=CLIENT_BUGS[op.operation_id])
        )
    return pytest.param(op, id=op.operation_id)


# ---------------------------------------------------------------------------
# Every operation
# ---------------------------------------------------------------------------


def test_prism_spec_copy(tmp_path: Any) -> None:
    """The test-only spec copy changes what it must (no Prism needed)."""
    import json

    from contract_spec import write_prism_spec
    from contract_streams import UNDECLARED_STREAMS, canned_streams

    changes = write_prism_spec(str(tmp_path / "spec.json"), canned_streams(), UNDECLARED_STREAMS)
    # 23 `nullable: true` without a type (-> anyOf [schema, null]) and one `nullable: false` (dropped);
    # 7 declared event streams and the 4 the spec omits.
    assert changes == {"nullable": 24, "event-stream": 11}
    left = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("nullable") is False or (node.get("nullable") is True and "type" not in node):
                left.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    copy = json.loads((tmp_path / "spec.json").read_text("utf-8"))
    walk(copy)
    assert left == []
    assert copy["paths"].keys() == SPEC["paths"].keys()


def test_every_operation_has_a_method() -> None:
    routes = {(op.method, op.path) for op in OPERATIONS}
    assert len(OPERATIONS) == 288
    assert sorted(routes - set(METHODS)) == []
    assert sorted(set(METHODS) - routes) == []


@pytest.mark.parametrize("op", [_marks(op) for op in OPERATIONS])
def test_operation(op: Operation, prism: Any, make_contract_client: Any) -> None:
    call = operation_call(op)
    client = make_contract_client(admin=op.admin)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DeprecationWarning)
        try:
            result = call(client)
        finally:
            if op.body_media_type == "multipart/form-data":
                assert prism.alive(), f"Prism died during {call!r} (a multipart part without Content-Type?)"
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning) and "deprecated" in str(w.message)]
    assert bool(deprecations) == op.deprecated, f"deprecated={op.deprecated}, warnings: {deprecations}"
    check_result(op, call.method, result)


def check_result(op: Operation, method: str, result: Any) -> None:
    """The result has the type the method declares, and that type is the one the spec declares."""
    annotation = inspect.signature(getattr(openai_lite.Client, method)).return_annotation
    expected = evaluate(annotation)
    value = result
    if typing.get_origin(expected) is Page:
        assert isinstance(result, Page), f"{method} returned {type(result).__name__}, not a Page"
        expected = typing.get_args(expected)[0]
        value = result.result
    assert is_instance(value, expected), f"{method} returned {type(value).__name__}, declared {annotation}"

    if declares_binary(op):  # audio, video, zip ...: the raw body, not parsed
        assert isinstance(value, BinaryResponse), f"{method} returned {type(value).__name__} for a binary body"
    if isinstance(value, BinaryResponse):
        assert isinstance(value.content, bytes)  # (Prism sends placeholders: the bytes are not checked)
    declared = declared_schema(op)
    if declared is not None:
        # The method's declared type is the spec's schema (or a union alias of it).
        assert declared in annotation, f"{method} declares {annotation}, the spec {declared}"
    if isinstance(value, openai_lite.BaseModel):
        assert isinstance(value.to_dict(), dict)


# Operations whose answer is a file although the spec does not say so.
BINARY_IN_FACT = {
    "downloadFile": "declared as a JSON string; the API sends the file's bytes",
    "RetrieveContainerFileContent": "declares no content; the API sends the file's bytes",
}


def declares_binary(op: Operation) -> bool:
    if op.operation_id in BINARY_IN_FACT:
        return True
    for response in op.success_responses().values():
        for media, content in resolve(SPEC, response).get("content", {}).items():
            schema = resolve(SPEC, content.get("schema", {}))
            if media == "application/octet-stream" or schema.get("format") == "binary":
                return True
    return False


def declared_schema(op: Operation) -> Optional[str]:
    """The name of the schema the spec's 2xx JSON response refers to, if it refers to one."""
    for response in op.success_responses().values():
        content = resolve(SPEC, response).get("content", {}).get("application/json")
        if content is not None:
            return ref_name(content.get("schema"))
    return None


# ---------------------------------------------------------------------------
# The JSON forms of operations that also take multipart bodies (the per-operation tests send the files)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["create_video_edit", "create_video_extend"])
def test_video_reference_as_json(method: str, make_contract_client: Any) -> None:
    """A reference to an existing video ({'id': ...}) goes out as the spec's JSON body."""
    client = make_contract_client()
    kwargs: Dict[str, Any] = {"video": {"id": "video_123"}, "prompt": "Make it night time"}
    if method == "create_video_extend":
        kwargs["seconds"] = "4"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = getattr(client, method)(**kwargs)
    assert type(result).__name__ == "VideoResource"


def test_image_edit_json_body(make_contract_client: Any) -> None:
    """Source images by URL: the spec's JSON body (EditImageBodyJsonParam)."""
    client = make_contract_client()
    result = client.create_image_edit(
        images=[{"image_url": "https://example.com/source.png"}], prompt="Add a watercolor effect", model="gpt-image-1"
    )
    assert type(result).__name__ == "ImagesResponse"


# ---------------------------------------------------------------------------
# File parts: every form of file input carries a Content-Type (Prism dies on a part without one)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["bytes", "2-tuple", "3-tuple", "path", "file-object", "unnamed-file-object"])
def test_file_part_forms(form: str, prism: Any, make_contract_client: Any, tmp_path: Any) -> None:
    import io

    data = b'{"messages": [{"role": "user", "content": "Hi"}]}\n'
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)
    file: Any = {
        "bytes": data,
        "2-tuple": ("train.jsonl", data),
        "3-tuple": ("train.jsonl", data, "application/jsonl"),
        "path": str(path),
        "file-object": None,
        "unnamed-file-object": io.BytesIO(data),
    }[form]
    client = make_contract_client()
    if form == "file-object":
        with open(path, "rb") as f:
            result = client.create_file(file=f, purpose="batch")
    else:
        result = client.create_file(file=file, purpose="batch")
    assert prism.alive(), f"Prism died on a {form} file part"
    assert type(result).__name__ == "OpenAIFile"


# ---------------------------------------------------------------------------
# Negative cases
# ---------------------------------------------------------------------------

# Requests the spec forbids (a required field left out: None means "not sent"; a wrong type; a value out
# of range through extra_body), and the field Prism's validation message must name.
MISSING_FIELD = [
    pytest.param("create_chat_completion", {"model": "gpt-4o-mini", "messages": None}, "messages", id="chat"),
    pytest.param("create_response", {"model": "gpt-4.1", "input": 42}, "input", id="responses-wrong-type"),
    pytest.param("create_embedding", {"model": "text-embedding-3-small", "input": None}, "input", id="embeddings"),
    pytest.param("create_moderation", {"input": None}, "input", id="moderations"),
    pytest.param("create_image", {"prompt": None}, "prompt", id="images"),
    pytest.param(
        "create_file",
        {"file": ("a.jsonl", b"{}\n", "application/jsonl"), "purpose": None},
        "purpose",
        id="files-multipart",
    ),
    pytest.param(
        "create_batch",
        {"input_file_id": "file-abc", "endpoint": "/v1/chat/completions", "completion_window": None},
        "completion_window",
        id="batches",
    ),
    pytest.param(
        "create_vector_store_file", {"vector_store_id": "vs_abc", "file_id": None}, "file_id", id="vector-store-file"
    ),
    pytest.param(
        "create_chat_completion",
        {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}], "extra_body": {"temperature": 7}},
        "temperature",
        id="extra_body-range",
    ),
]


@pytest.mark.parametrize(("method", "kwargs", "field"), MISSING_FIELD)
def test_invalid_request_is_422(method: str, kwargs: Dict[str, Any], field: str, make_contract_client: Any) -> None:
    client = make_contract_client()
    args = [kwargs.pop("vector_store_id")] if "vector_store_id" in kwargs else []
    with pytest.raises(openai_lite.UnprocessableEntityError) as info:
        getattr(client, method)(*args, **kwargs)
    error = info.value
    assert error.status_code == 422
    messages = " ".join(v.get("message", "") for v in (error.body or {}).get("validation", []))
    assert field in messages, messages


def test_missing_required_query_parameter_is_422(make_contract_client: Any) -> None:
    client = make_contract_client(admin=True)
    with pytest.raises(openai_lite.UnprocessableEntityError) as info:
        client.usage_costs(start_time=None)
    assert "start_time" in str(info.value.body)


def test_raw_call_without_body_is_422(make_contract_client: Any) -> None:
    """The pipeline's own raw call: a POST with an empty JSON object."""
    client = make_contract_client()
    with pytest.raises(openai_lite.UnprocessableEntityError):
        client._request("POST", "/chat/completions", body={}, cast_to=dict)


@pytest.mark.parametrize("admin", [False, True], ids=["api-key", "admin-key"])
def test_missing_key_is_401(admin: bool, make_contract_client: Any) -> None:
    client = make_contract_client(admin=admin)
    call = client.list_projects if admin else client.list_models
    with pytest.raises(openai_lite.AuthenticationError) as info:
        call(extra_headers={"Authorization": None})
    assert info.value.status_code == 401


def test_rate_limited_after_retries(make_contract_client: Any) -> None:
    """``Prefer: code=429`` makes Prism answer 429 (with ``Retry-After: 1``) every time."""
    import requests

    session = requests.Session()
    sent = []
    session.hooks["response"].append(lambda response, *a, **k: sent.append(response.status_code))
    client = make_contract_client(max_retries=2, session=session)
    started = time.monotonic()
    try:
        with pytest.raises(openai_lite.RateLimitError) as info:
            client.create_chat_completion(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": "Hi"}],
                extra_headers={"Prefer": "code=429"},
            )
    finally:
        session.close()
    assert info.value.status_code == 429
    assert sent == [429, 429, 429]  # the first try and the 2 configured retries
    assert time.monotonic() - started >= 1.9  # each retry waited the server's Retry-After (1 s)


# ---------------------------------------------------------------------------
# Prism's false 422s on valid shapes (explicit list: contract_exceptions.PRISM_FALSE_422)
# ---------------------------------------------------------------------------

_INPUT_TEXT = {"type": "input_text", "text": "What is in this image?"}
_FALSE_422_CALLS: Dict[str, Any] = {  # case -> (method, positional arguments, keyword arguments)
    "responses-input_image-without-detail": (
        "create_response",
        [],
        {
            "model": "gpt-4.1",
            "input": [
                {
                    "role": "user",
                    "content": [_INPUT_TEXT, {"type": "input_image", "image_url": "https://example.com/a.png"}],
                },
            ],
        },
    ),
    "responses-input_image-with-detail": (
        "create_response",
        [],
        {
            "model": "gpt-4.1",
            "input": [
                {
                    "role": "user",
                    "content": [
                        _INPUT_TEXT,
                        {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "auto"},
                    ],
                },
            ],
        },
    ),
    "responses-input_file": (
        "create_response",
        [],
        {
            "model": "gpt-4.1",
            "input": [
                {"role": "user", "content": [{"type": "input_file", "file_id": "file-abc123"}, _INPUT_TEXT]},
            ],
        },
    ),
    "responses-function-tool-without-strict": (
        "create_response",
        [],
        {
            "model": "gpt-4.1",
            "input": "What is the weather in Paris?",
            "tools": [
                {
                    "type": "function",
                    "name": "get_weather",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                }
            ],
        },
    ),
    "conversation-items-input_text-parts": (
        "create_conversation_items",
        ["conv_abc123"],
        {
            "items": [
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hello!"}]},
            ]
        },
    ),
}
assert set(_FALSE_422_CALLS) == set(PRISM_FALSE_422)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            marks=pytest.mark.xfail(
                strict=True, raises=openai_lite.UnprocessableEntityError, reason="Prism/spec: " + reason
            ),
        )
        for case, reason in PRISM_FALSE_422.items()
    ],
)
def test_prism_false_422(case: str, make_contract_client: Any) -> None:
    method, args, kwargs = _FALSE_422_CALLS[case]
    getattr(make_contract_client(), method)(*args, **kwargs)
