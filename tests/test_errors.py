"""Tests of the exception hierarchy: which error each failure becomes, what it carries, and what it never shows.

Status errors come from real responses of the loopback server; transport errors from a closed port, a stalled
server and TCP resets, so they are the exceptions ``requests`` really raises.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from typing import Any, Callable, Optional, Type

import pytest
import requests
import urllib3
from _loopback import LoopbackServer, Reply, bytes_reply, json_reply, reset_reply, stall_reply

import openai_lite
from openai_lite import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OpenAIError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

MODEL = {"id": "gpt-4o-mini", "object": "model", "created": 1700000000, "owned_by": "openai"}
MESSAGES = [{"role": "user", "content": "Hello"}]


def error_body(
    message: str = "Something went wrong.",
    type: str = "invalid_request_error",
    code: Optional[str] = "some_code",
    param: Optional[str] = "model",
) -> Any:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def catch(call: Callable[[], Any]) -> BaseException:
    """The exception ``call`` raises (fails the test if it returns)."""
    with pytest.raises(BaseException) as info:
        call()
    return info.value


# ---------------------------------------------------------------------------
# Hierarchy
# ---------------------------------------------------------------------------

HIERARCHY = [
    (APIError, OpenAIError),
    (APIStatusError, APIError),
    (APIConnectionError, APIError),
    (APITimeoutError, APIConnectionError),
    (APIResponseValidationError, APIError),
    (BadRequestError, APIStatusError),
    (AuthenticationError, APIStatusError),
    (PermissionDeniedError, APIStatusError),
    (NotFoundError, APIStatusError),
    (ConflictError, APIStatusError),
    (UnprocessableEntityError, APIStatusError),
    (RateLimitError, APIStatusError),
    (InternalServerError, APIStatusError),
]


@pytest.mark.parametrize(("cls", "parent"), HIERARCHY, ids=[c.__name__ for c, _ in HIERARCHY])
def test_hierarchy(cls: Type[BaseException], parent: Type[BaseException]) -> None:
    assert issubclass(cls, parent)
    assert issubclass(cls, OpenAIError)
    assert getattr(openai_lite, cls.__name__) is cls


def test_status_errors_are_not_connection_errors() -> None:
    assert not issubclass(APIStatusError, APIConnectionError)
    assert not issubclass(APIConnectionError, APIStatusError)
    assert not issubclass(APIResponseValidationError, APIStatusError)


# ---------------------------------------------------------------------------
# Status -> class, and what a status error carries
# ---------------------------------------------------------------------------

STATUS_CLASSES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (502, InternalServerError),
    (503, InternalServerError),
    (504, InternalServerError),
    (599, InternalServerError),
    (418, APIStatusError),
    (405, APIStatusError),
    (302, APIStatusError),  # redirects are not followed: they are an answer we cannot use
    (304, APIStatusError),
]


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES, ids=[str(s) for s, _ in STATUS_CLASSES])
def test_status_maps_to_error_class_with_details(
    client: Any, server: LoopbackServer, status: int, cls: Type[APIStatusError]
) -> None:
    body = error_body(f"Failure number {status}.", type="test_error", code="code_x", param="messages")
    extra = {"Location": "/elsewhere"} if 300 <= status < 400 else {}
    if status == 304:  # a 304 cannot carry a body
        server.reply(bytes_reply(b"", 304, {"x-request-id": "req_abc123", "Content-Type": None}))
    else:
        server.reply(json_reply(body, status, {"x-request-id": "req_abc123", **extra}))
    error = catch(lambda: client.retrieve_model("gpt-4o-mini"))
    assert type(error) is cls
    assert isinstance(error, APIStatusError)
    assert error.status_code == status
    assert error.request_id == "req_abc123"
    assert isinstance(error.response, requests.Response)
    assert error.response.status_code == status
    text = str(error)
    assert str(status) in text
    assert "req_abc123" in text
    if status != 304:
        assert error.body == body["error"]  # the inner object, as the official SDK gives it
        assert error.response.json() == body
        assert error.message == f"Failure number {status}."
        assert (error.type, error.code, error.param) == ("test_error", "code_x", "messages")
        assert f"Failure number {status}." in text


def test_error_without_request_id(client: Any, server: LoopbackServer) -> None:
    server.reply(json_reply(error_body("No such model."), 404, {"x-request-id": None}))
    error = catch(lambda: client.retrieve_model("nope"))
    assert isinstance(error, NotFoundError)
    assert error.request_id is None
    assert "404" in str(error) and "No such model." in str(error)


def test_status_error_from_a_streaming_call(client: Any, server: LoopbackServer) -> None:
    server.reply(json_reply(error_body("Bad model."), 400, {"x-request-id": "req_s"}))
    error = catch(lambda: list(client.create_chat_completion_stream(model="x", messages=MESSAGES)))
    assert isinstance(error, BadRequestError)
    assert (error.message, error.request_id) == ("Bad model.", "req_s")


# (id, status, content type, body, expected class, text the message must contain)
NON_JSON_ERRORS = [
    (
        "nginx-502",
        502,
        "text/html",
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
        "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        InternalServerError,
        "502 Bad Gateway",
    ),
    (
        "waf-403",
        403,
        "text/html; charset=utf-8",
        "<!DOCTYPE html><html><head><meta charset='utf-8'><TITLE>Access denied | api.example</TITLE></head>"
        "<body><p>" + "blocked " * 500 + "</p></body></html>",
        PermissionDeniedError,
        "Access denied | api.example",
    ),
    (
        "html-without-title",
        503,
        "text/html",
        "<html><body><h1>Service Unavailable</h1></body></html>",
        InternalServerError,
        "Service Unavailable",
    ),
    ("plain-text", 429, "text/plain", "Too many requests, slow down\n", RateLimitError, "Too many requests, slow down"),
    ("empty", 500, "application/json", "", InternalServerError, "empty"),
    ("invalid-json", 400, "application/json", '{"error": {"message": "cut', BadRequestError, "cut"),
]


@pytest.mark.parametrize(
    ("status", "content_type", "body", "cls", "expected"),
    [e[1:] for e in NON_JSON_ERRORS],
    ids=[e[0] for e in NON_JSON_ERRORS],
)
def test_non_json_error_body_gives_right_class_and_readable_message(
    client: Any,
    server: LoopbackServer,
    status: int,
    content_type: str,
    body: str,
    cls: Type[APIStatusError],
    expected: str,
) -> None:
    server.reply(bytes_reply(body, status, content_type=content_type))
    error = catch(lambda: client.retrieve_model("gpt-4o-mini"))
    assert type(error) is cls
    assert expected in error.message
    assert "<" not in error.message  # no markup
    assert "\n" not in error.message  # one line
    assert len(error.message) <= 600  # a huge page is summarised, not dumped
    assert error.body == body  # the raw text stays available


# Shapes of JSON error bodies seen from OpenAI and compatible servers.
ERROR_SHAPES = [
    ("openai", error_body("Invalid 'model'."), "Invalid 'model'."),
    ("string-error", {"error": "model 'x' not found"}, "model 'x' not found"),  # Ollama
    ("fastapi-detail", {"detail": "Not Found"}, "Not Found"),  # vLLM
    ("top-level-message", {"message": "quota exceeded", "code": 42}, "quota exceeded"),
    ("no-message", {"error": {"type": "server_error"}}, "server_error"),
    ("null-error", {"error": None}, "null"),
    ("json-array", ["oops"], "oops"),
    ("json-string", "plain string", "plain string"),
]


@pytest.mark.parametrize(("body", "expected"), [s[1:] for s in ERROR_SHAPES], ids=[s[0] for s in ERROR_SHAPES])
def test_error_body_shapes_give_a_message(client: Any, server: LoopbackServer, body: Any, expected: str) -> None:
    server.reply(json_reply(body, 400))
    error = catch(lambda: client.retrieve_model("gpt-4o-mini"))
    assert type(error) is BadRequestError  # never a KeyError/TypeError from an unexpected shape
    assert expected in error.message


# ---------------------------------------------------------------------------
# 2xx bodies that are not what we expected
# ---------------------------------------------------------------------------

BAD_SUCCESS_BODIES = [
    ("html", b"<html><body>Welcome to nginx!</body></html>", "text/html"),
    ("html-labelled-json", b"<html><body>proxy</body></html>", "application/json"),
    ("truncated-json", b'{"id": "gpt-4o-mini", "obj', "application/json"),
    ("empty", b"", "application/json"),
    ("whitespace", b"  \n", "application/json"),
    ("json-array", b"[]", "application/json"),
    ("json-null", b"null", "application/json"),
    ("json-number", b"42", "application/json"),
    ("invalid-utf8", b'{"id": "\xff\xfe"}', "application/json"),
]


@pytest.mark.parametrize(
    ("body", "content_type"), [b[1:] for b in BAD_SUCCESS_BODIES], ids=[b[0] for b in BAD_SUCCESS_BODIES]
)
@pytest.mark.parametrize("endpoint", ["retrieve_model", "create_chat_completion", "list_models"])
def test_unexpected_2xx_body_is_a_validation_error(
    client: Any, server: LoopbackServer, body: bytes, content_type: str, endpoint: str
) -> None:
    calls = {
        "retrieve_model": lambda: client.retrieve_model("gpt-4o-mini"),
        "create_chat_completion": lambda: client.create_chat_completion(model="m", messages=MESSAGES),
        "list_models": lambda: list(client.list_models()),
    }
    server.reply(bytes_reply(body, 200, {"x-request-id": "req_bad200"}, content_type=content_type))
    error = catch(calls[endpoint])
    assert type(error) is APIResponseValidationError  # never a bare JSONDecodeError / KeyError / TypeError
    assert not isinstance(error, ValueError)
    assert error.status_code == 200
    assert error.request_id == "req_bad200"
    assert "req_bad200" in str(error)
    assert isinstance(error.response, requests.Response)


# ---------------------------------------------------------------------------
# Transport failures
# ---------------------------------------------------------------------------


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_connection_refused_is_a_connection_error(make_client: Callable[..., Any]) -> None:
    client = make_client(base_url=f"http://127.0.0.1:{closed_port()}/v1")
    error = catch(lambda: client.retrieve_model("gpt-4o-mini"))
    assert type(error) is APIConnectionError
    assert isinstance(error.__cause__, requests.ConnectionError)
    assert "GET /models/gpt-4o-mini" in str(error)  # says which call failed
    assert error.request_id is None


def test_stalled_server_is_a_timeout_error(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    server.reply(stall_reply(10))
    client = make_client(timeout=0.3)
    started = time.monotonic()
    error = catch(lambda: client.retrieve_model("gpt-4o-mini"))
    elapsed = time.monotonic() - started
    assert type(error) is APITimeoutError
    assert isinstance(error, APIConnectionError)
    assert isinstance(error.__cause__, requests.Timeout)
    assert 0.25 <= elapsed < 5
    assert len(server.requests) == 1


def test_per_call_timeout_overrides_the_client_timeout(client: Any, server: LoopbackServer) -> None:
    server.reply(stall_reply(10))
    started = time.monotonic()
    error = catch(lambda: client.create_chat_completion(model="m", messages=MESSAGES, timeout=0.3))
    assert type(error) is APITimeoutError
    assert time.monotonic() - started < 5  # not the client's 600 s


HEAD_200 = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-request-id: req_cut\r\n"


CUT_RESPONSES = [
    pytest.param(reset_reply(), id="reset-before-any-byte"),
    pytest.param(reset_reply(b"HTTP/1.1 200 OK\r\nContent-Type: appl"), id="reset-mid-headers"),
    pytest.param(reset_reply(HEAD_200 + b'Content-Length: 100\r\n\r\n{"id": "gpt-4o'), id="reset-mid-body"),
    pytest.param(
        reset_reply(HEAD_200 + b'Transfer-Encoding: chunked\r\n\r\n8\r\n{"id": "'), id="reset-mid-chunked-body"
    ),
    pytest.param(
        reset_reply(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 50\r\n\r\n{"), id="reset-mid-error-body"
    ),
    # Not resets, but the same failure: the server closes (FIN) before the whole body arrived.
    pytest.param(
        Reply([(0.0, HEAD_200 + b'Transfer-Encoding: chunked\r\n\r\n8\r\n{"id": "')], "close"),
        id="closed-mid-chunked-body",
    ),
    pytest.param(
        Reply([(0.0, HEAD_200 + b'Content-Length: 100\r\n\r\n{"id"')], "close"),
        id="closed-mid-body",
    ),
]


@pytest.mark.parametrize("reply", CUT_RESPONSES)
def test_cut_response_is_a_connection_error(client: Any, server: LoopbackServer, reply: Reply) -> None:
    server.reply(reply)
    error = catch(lambda: client.retrieve_model("gpt-4o-mini"))
    assert type(error) is APIConnectionError
    # requests' or urllib3's error, a socket error, or (urllib3 1.x, which does not check lengths) our IncompleteRead
    transport = (requests.RequestException, urllib3.exceptions.HTTPError, OSError, http.client.HTTPException)
    assert isinstance(error.__cause__, transport)
    assert "GET /models/gpt-4o-mini" in str(error)


def test_cut_error_body_of_a_streaming_call_is_a_connection_error(client: Any, server: LoopbackServer) -> None:
    server.reply(reset_reply(b'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 100\r\n\r\n{"error": {'))
    error = catch(lambda: list(client.create_chat_completion_stream(model="m", messages=MESSAGES)))
    assert isinstance(error, APIConnectionError)


# ---------------------------------------------------------------------------
# The key never appears in an error message
# ---------------------------------------------------------------------------

SECRET = "sk-proj-SECRET0123456789abcdef"


def assert_secret_absent(error: BaseException) -> None:
    for text in (str(error), repr(error), getattr(error, "message", ""), *map(str, error.args)):
        assert SECRET not in text
    for name in ("body", "code", "param", "type"):
        assert SECRET not in json.dumps(getattr(error, name, None))


ECHOES = [
    ("json-message", json_reply(error_body(f"Incorrect API key provided: {SECRET}.", code="invalid_api_key"), 401)),
    ("top-level-message", json_reply({"message": f"bad key {SECRET}"}, 401)),
    ("plain-text", bytes_reply(f"Unauthorized: Bearer {SECRET}", 401)),
    ("html", bytes_reply(f"<html><title>Denied for {SECRET}</title></html>", 403, content_type="text/html")),
    ("string-error", json_reply({"error": f"key {SECRET} revoked"}, 401)),
    # in other fields than the message: the body, param, code, and the message made when there is none
    ("in-param-and-code", json_reply(error_body("Bad key.", code=f"bad_{SECRET}", param=SECRET), 401)),
    ("no-message", json_reply({"detail": [{"msg": "bad key", "input": SECRET}], "x": [SECRET]}, 422)),
    ("key-at-the-excerpt-limit", json_reply({"detail": [{"pad": "p" * 480, "key": SECRET}]}, 401)),
    # 2xx answers that are not what the operation returns
    ("2xx-not-json", bytes_reply(f"Welcome, {SECRET}!", 200)),
    ("2xx-json-list", json_reply([f"hello {SECRET}"], 200)),
    ("2xx-html", bytes_reply(f"<html>{SECRET}</html>", 200, content_type="text/html")),
]


@pytest.mark.parametrize("reply", [e[1] for e in ECHOES], ids=[e[0] for e in ECHOES])
def test_key_echoed_by_the_server_is_not_in_the_message(
    make_client: Callable[..., Any], server: LoopbackServer, reply: Reply
) -> None:
    server.reply(reply)
    error = catch(lambda: make_client(api_key=SECRET).retrieve_model("gpt-4o-mini"))
    assert isinstance(error, (APIStatusError, APIResponseValidationError))
    assert_secret_absent(error)
    assert "***" in json.dumps(error.body) or "***" in error.message  # masked, not dropped altogether


def test_echoed_key_from_a_callable_is_not_in_the_message(
    make_client: Callable[..., Any], server: LoopbackServer
) -> None:
    server.reply(ECHOES[0][1])
    error = catch(lambda: make_client(api_key=lambda: SECRET).retrieve_model("gpt-4o-mini"))
    assert isinstance(error, AuthenticationError)
    assert_secret_absent(error)


def test_key_not_in_connection_error_messages(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    refused = make_client(api_key=SECRET, base_url=f"http://127.0.0.1:{closed_port()}/v1")
    assert_secret_absent(catch(lambda: refused.retrieve_model("gpt-4o-mini")))
    server.reply(stall_reply(10))
    stalled = make_client(api_key=SECRET, timeout=0.2)
    assert_secret_absent(catch(lambda: stalled.retrieve_model("gpt-4o-mini")))


def test_error_attributes_can_be_built_directly() -> None:
    # Users construct errors in their own tests and fakes; the keyword-only API must stay usable.
    error = APIError("boom", body=json.loads(json.dumps(error_body("boom", code="c1"))), request_id="req_1")
    assert (error.message, error.code, error.type, error.param, error.request_id) == (
        "boom",
        "c1",
        "invalid_request_error",
        "model",
        "req_1",
    )
    assert "req_1" in str(error)
    assert str(APIConnectionError()) == "Connection error."
    assert str(APITimeoutError()) == "Request timed out."


@pytest.mark.parametrize(
    ("reply", "body", "message"),
    [
        # OpenAI: the inner error object (e.body["message"] works, as in the official SDK).
        (
            {"error": {"message": "Bad key", "type": "auth", "code": "k"}},
            {"message": "Bad key", "type": "auth", "code": "k"},
            "Bad key",
        ),
        # Ollama: an error string.
        ({"error": "model 'x' not found"}, "model 'x' not found", "model 'x' not found"),
        # vLLM / FastAPI: no "error" key, the whole reply.
        ({"detail": "Not Found"}, {"detail": "Not Found"}, "Not Found"),
        ({"error": None, "message": "top level"}, None, "top level"),
    ],
)
def test_body_is_the_inner_error_object(
    client: Any, server: LoopbackServer, reply: Any, body: Any, message: str
) -> None:
    server.reply(json_reply(reply, 400))
    error = catch(lambda: client.retrieve_model("gpt-4o-mini"))
    assert error.body == body
    assert error.message == message
    assert error.response.json() == reply


# ---------------------------------------------------------------------------
# Bodies nested deeper than the JSON decoder goes (a 200 KB body, or 2 KB)
# ---------------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000
SMALL_DEEP = "[" * 1_000 + "]" * 1_000

DEEP_BODIES = [
    ("2xx", DEEP, 200, APIResponseValidationError),
    ("2xx-in-a-field", '{"id": ' + DEEP + "}", 200, APIResponseValidationError),
    ("2xx-2KB", '{"id": ' + SMALL_DEEP + "}", 200, APIResponseValidationError),
    ("400", '{"error": ' + DEEP + "}", 400, BadRequestError),
    ("429-2KB", SMALL_DEEP, 429, RateLimitError),
]


@pytest.mark.parametrize(("body", "status", "cls"), [d[1:] for d in DEEP_BODIES], ids=[d[0] for d in DEEP_BODIES])
def test_json_nested_too_deeply_is_a_typed_error(
    client: Any, server: LoopbackServer, body: str, status: int, cls: Type[APIError]
) -> None:
    server.reply(bytes_reply(body, status, content_type="application/json"))
    error = catch(lambda: client.retrieve_model("gpt-4o-mini"))
    assert type(error) is cls, repr(error)
    assert error.body == body  # the text, as for any body that does not decode


def test_a_503_nested_too_deeply_is_still_retried(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    server.reply(bytes_reply('{"error": ' + DEEP + "}", 503, content_type="application/json"), json_reply(MODEL))
    client = make_client(max_retries=1, initial_retry_delay=0.01)
    assert client.retrieve_model("gpt-4o-mini").id == "gpt-4o-mini"
    assert len(server.requests) == 2


class _CountingJSON:
    """Stands in for the json module in openai_lite._errors: counts decodes, refuses to serialize."""

    def __init__(self) -> None:
        self.loads_calls = 0

    def loads(self, data: Any) -> Any:
        self.loads_calls += 1
        return json.loads(data)

    def dumps(self, *args: Any, **kwargs: Any) -> str:
        raise AssertionError("an error body must not be serialized again")


@pytest.mark.parametrize(
    "body", [error_body("Bad."), {"detail": [{"msg": "x" * 10_000}] * 100}, ["a list"]], ids=["message", "big", "list"]
)
def test_an_error_body_is_decoded_once_and_never_serialized_again(
    client: Any, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, body: Any
) -> None:
    counting = _CountingJSON()
    monkeypatch.setattr(openai_lite._errors, "json", counting)
    server.reply(json_reply(body, 400))
    error = catch(lambda: client.retrieve_model("gpt-4o-mini"))
    assert type(error) is BadRequestError
    assert error.body == (body["error"] if isinstance(body, dict) and "error" in body else body)
    assert counting.loads_calls == 1
    assert len(error.message) <= 600


# A text answer (the SDP of a realtime call) in whatever charset the server names: a name Python does not know
# means UTF-8, never a bare LookupError.
CHARSETS = [
    ("utf-8", "v=0 caf\u00e9".encode(), "v=0 caf\u00e9"),
    ("latin-1", "v=0 caf\u00e9".encode("latin-1"), "v=0 caf\u00e9"),
    ("x-no-such-charset", "v=0 caf\u00e9".encode(), "v=0 caf\u00e9"),
    ("", b"v=0", "v=0"),
]


@pytest.mark.parametrize(("charset", "body", "text"), CHARSETS, ids=[c[0] or "none" for c in CHARSETS])
def test_a_text_answer_in_any_charset_is_decoded(
    client: Any, server: LoopbackServer, charset: str, body: bytes, text: str
) -> None:
    content_type = f"application/sdp; charset={charset}" if charset else "application/sdp"
    server.reply(bytes_reply(body, 201, content_type=content_type))
    assert client.create_realtime_call(sdp="v=0\r\n") == text
