"""Tests of what goes on the wire: path parameters, query strings, JSON bodies and header values.

The helpers in ``openai_lite._encoding`` are checked with tables, then the same rules through the client against
the raw request target the loopback server received (no normalisation in between).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Tuple
from urllib.parse import parse_qsl, unquote

import pytest
from _loopback import LoopbackServer, json_reply

from openai_lite._encoding import check_header, json_bytes, path_segment, query_string

MODEL = {"id": "m", "object": "model", "created": 1, "owned_by": "openai"}
MODEL_LIST = {"object": "list", "data": [MODEL]}


# ---------------------------------------------------------------------------
# Path parameters
# ---------------------------------------------------------------------------

# (value, the exact segment expected)
SEGMENTS = [
    ("gpt-4o-mini", "gpt-4o-mini"),
    ("../files", "..%2Ffiles"),
    ("ft:gpt-4o-mini:org::abc123", "ft:gpt-4o-mini:org::abc123"),  # colons stay readable
    ("a/b", "a%2Fb"),
    ("a?b", "a%3Fb"),
    ("a#b", "a%23b"),
    ("100%", "100%25"),
    ("%2E%2E", "%252E%252E"),  # an already-escaped value is escaped again, not decoded
    ("a b", "a%20b"),
    ("user@example", "user@example"),
    ("caf\u00e9", "caf%C3%A9"),
    ("a\\b", "a%5Cb"),
    ("...", "..."),  # three dots is an ordinary name
]


@pytest.mark.parametrize(("value", "segment"), SEGMENTS)
def test_path_segment(value: str, segment: str) -> None:
    assert path_segment("model", value) == segment


@pytest.mark.parametrize("value", [".", ".."])
def test_path_segment_never_a_dot_segment(value: str) -> None:
    segment = path_segment("model", value)
    assert segment not in (".", "..")
    assert unquote(segment) == value


@pytest.mark.parametrize("value", ["", None, 5, b"bytes"])
def test_path_segment_rejects_empty_and_non_strings(value: Any) -> None:
    with pytest.raises(ValueError, match="model"):
        path_segment("model", value)


PATH_VALUES = [
    "gpt-4o-mini",
    "../files",
    "..",
    ".",
    "../../organization/admin_api_keys",
    "ft:gpt-4o-mini:org::abc123",
    "a?limit=1",
    "a#frag",
    "50%",
    "%2e%2e",
    "with space",
    "caf\u00e9/x",
]


@pytest.mark.parametrize("value", PATH_VALUES)
@pytest.mark.parametrize("method", ["retrieve_model", "delete_model"])
def test_path_parameter_is_one_segment_on_the_wire(
    client: Any, server: LoopbackServer, method: str, value: str
) -> None:
    server.reply(json_reply({"id": value, "object": "model", "created": 1, "owned_by": "o", "deleted": True}))
    getattr(client, method)(value)
    request = server.last_request
    assert request.query_string == ""  # a "?" in the value did not start a query
    assert "#" not in request.target
    parts = request.path.split("/")
    assert parts[:3] == ["", "v1", "models"]
    assert len(parts) == 4, f"{value!r} became more than one segment: {request.target}"
    assert parts[3] not in (".", "..")
    assert unquote(parts[3]) == value  # and the server gets the value back exactly


@pytest.mark.parametrize(
    ("value", "target"),
    [
        ("../files", "/v1/models/..%2Ffiles"),
        ("ft:gpt-4o-mini:org::abc123", "/v1/models/ft:gpt-4o-mini:org::abc123"),
        ("a?b#c%d e", "/v1/models/a%3Fb%23c%25d%20e"),
    ],
)
def test_exact_request_target(client: Any, server: LoopbackServer, value: str, target: str) -> None:
    server.reply(json_reply(MODEL))
    client.retrieve_model(value)
    assert server.last_request.target == target


@pytest.mark.parametrize("method", ["retrieve_model", "delete_model"])
def test_empty_path_parameter_is_refused_before_sending(client: Any, server: LoopbackServer, method: str) -> None:
    with pytest.raises(ValueError, match="model"):
        getattr(client, method)("")
    assert server.requests == []


# ---------------------------------------------------------------------------
# Query strings
# ---------------------------------------------------------------------------

# (params, the decoded (name, value) pairs in order)
QUERIES: List[Tuple[Dict[str, Any], List[Tuple[str, str]]]] = [
    ({"limit": 10}, [("limit", "10")]),
    ({"include": ["a", "b"]}, [("include[]", "a"), ("include[]", "b")]),
    ({"include[]": ["a"]}, [("include[]", "a")]),  # the suffix is not doubled
    ({"ids": ("x",)}, [("ids[]", "x")]),
    ({"ids": []}, []),
    ({"metadata": {"team": "ml", "n": 2}}, [("metadata[team]", "ml"), ("metadata[n]", "2")]),
    ({"m": {"tags": ["a", "b"]}}, [("m[tags][]", "a"), ("m[tags][]", "b")]),
    ({"m": {"inner": {"k": "v"}}}, [("m[inner][k]", "v")]),
    ({"stream": True, "store": False}, [("stream", "true"), ("store", "false")]),
    ({"flags": [True, False]}, [("flags[]", "true"), ("flags[]", "false")]),
    ({"after": None, "limit": 5}, [("limit", "5")]),
    ({"m": {"a": None, "b": "x"}}, [("m[b]", "x")]),
    ({"l": [None, "x"]}, [("l[]", "x")]),
    ({"zero": 0, "empty": ""}, [("zero", "0"), ("empty", "")]),
    ({"q": "a&b=c d+e/?#%"}, [("q", "a&b=c d+e/?#%")]),  # reserved characters stay inside the value
    ({"caf\u00e9": "na\u00efve"}, [("caf\u00e9", "na\u00efve")]),
    ({"x": 1.5}, [("x", "1.5")]),
]


@pytest.mark.parametrize(("params", "pairs"), QUERIES)
def test_query_string(params: Dict[str, Any], pairs: List[Tuple[str, str]]) -> None:
    encoded = query_string(params)
    assert parse_qsl(encoded, keep_blank_values=True) == pairs
    assert "#" not in encoded and " " not in encoded


def test_query_none_values_produce_nothing() -> None:
    assert query_string({"a": None, "b": {"c": None}, "d": [None]}) == ""


def test_query_on_the_wire(client: Any, server: LoopbackServer) -> None:
    server.reply(json_reply(MODEL_LIST))
    list(
        client.list_models(
            extra_query={
                "include": ["owner", "created"],
                "filter": {"owner": "me"},
                "verbose": True,
                "cached": False,
                "skip": None,
            }
        )
    )
    request = server.last_request
    # Brackets are percent-encoded on the wire as RFC 3986 requires; every server decodes them back.
    assert parse_qsl(request.query_string, keep_blank_values=True) == [
        ("include[]", "owner"),
        ("include[]", "created"),
        ("filter[owner]", "me"),
        ("verbose", "true"),
        ("cached", "false"),
    ]
    expected = "include[]=owner&include[]=created&filter[owner]=me&verbose=true&cached=false"
    assert unquote(request.query_string) == expected


def test_default_query_merged_with_extra_query(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    client = make_client(default_query={"api-version": "2024-10-21", "team": "a", "drop": "me"})
    server.reply(json_reply(MODEL), json_reply(MODEL))
    client.retrieve_model("m", extra_query={"team": "b", "extra": "1", "drop": None})
    client.retrieve_model("m")
    with_extra, without = server.requests
    # extra_query wins (one value, not two); a None in extra_query drops the default.
    assert with_extra.query == {"api-version": ["2024-10-21"], "team": ["b"], "extra": ["1"]}
    assert without.query == {"api-version": ["2024-10-21"], "team": ["a"], "drop": ["me"]}


def test_default_query_goes_on_every_endpoint(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    client = make_client(default_query={"api-version": "1"})
    chat = {"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": []}
    server.reply(json_reply(chat), json_reply(MODEL_LIST))
    client.create_chat_completion(model="m", messages=[])
    list(client.list_models())
    assert [r.query for r in server.requests] == [{"api-version": ["1"]}] * 2


# ---------------------------------------------------------------------------
# JSON bodies
# ---------------------------------------------------------------------------


def test_json_bytes_is_compact_utf8() -> None:
    body = {"content": "caf\u00e9 \U0001f600", "n": [1, 2]}
    data = json_bytes(body)
    assert data == '{"content":"caf\u00e9 \U0001f600","n":[1,2]}'.encode()
    assert json.loads(data) == body


def test_request_body_leaves_out_none_arguments(client: Any, server: LoopbackServer) -> None:
    chat = {"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": []}
    server.reply(json_reply(chat))
    client.create_chat_completion(
        model="m", messages=[{"role": "user", "content": "caf\u00e9"}], temperature=None, seed=0, logprobs=False
    )
    request = server.last_request
    assert request.json() == {
        "messages": [{"role": "user", "content": "caf\u00e9"}],
        "model": "m",
        "seed": 0,
        "logprobs": False,
    }
    assert "caf\u00e9".encode() in request.body  # raw UTF-8, not \u escapes
    assert request.headers["Content-Length"] == str(len(request.body))


def test_a_response_object_passed_back_is_sent_as_its_json(client: Any, server: LoopbackServer) -> None:
    # messages.append(reply.choices[0].message): the message goes out as the JSON it came as.
    message = {
        "role": "assistant",
        "content": None,
        "refusal": None,
        "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
    }
    chat = {"id": "c", "object": "chat.completion", "created": 1, "model": "m"}
    server.reply(json_reply({**chat, "choices": [{"index": 0, "finish_reason": "tool_calls", "message": message}]}))
    server.reply(json_reply({**chat, "choices": []}))
    reply = client.create_chat_completion(model="m", messages=[{"role": "user", "content": "hi"}])
    messages: List[Any] = [{"role": "user", "content": "hi"}, reply.choices[0].message]
    messages.append({"role": "tool", "tool_call_id": "call_1", "content": "42"})
    client.create_chat_completion(model="m", messages=messages)
    assert server.last_request.json()["messages"][1] == message


def test_an_object_that_is_not_json_is_refused_before_sending(client: Any, server: LoopbackServer) -> None:
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        client.create_chat_completion(model="m", messages=[{"role": "user", "content": {"a"}}])
    assert server.requests == []


# ---------------------------------------------------------------------------
# Header values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["a\r\nX-Evil: 1", "trailing\n", "\rleading", "nul\0byte"])
def test_check_header_refuses_cr_lf_nul(value: str) -> None:
    with pytest.raises(ValueError, match="X-Name"):
        check_header("X-Name", value)


def test_check_header_secret_value_is_not_quoted() -> None:
    with pytest.raises(ValueError) as info:
        check_header("api_key", "sk-do-not-print\n", secret=True)
    assert "sk-do-not-print" not in str(info.value)
    assert "api_key" in str(info.value)


@pytest.mark.parametrize("value", ["Bearer sk-abc", "", "caf\u00e9", "a\tb", "~!#$%^&*()[]{}<>,;:/?@"])
def test_check_header_accepts_ordinary_values(value: str) -> None:
    check_header("X-Name", value)


# (id, value, secret, what the message must say)
BAD_VALUES = [
    ("zero-width-space", "sk-abc\u200bdef", False, "U+200B ZERO WIDTH SPACE at position 6"),
    ("emoji", "tag-\U0001f600", False, "only Latin-1"),
    ("control", "a\x07b", False, "control character (U+0007"),
    ("delete", "a\x7fb", False, "control character (U+007F"),
    ("secret-zero-width-space", "sk-abc\u200bdef", True, "U+200B ZERO WIDTH SPACE at position 6"),
    ("secret-no-break-space", "sk-abcdef\u00a0", True, "U+00A0 NO-BREAK SPACE at position 9, which a key cannot"),
    ("secret-latin-1", "sk-\u00e9t\u00e9", True, "U+00E9"),
]


@pytest.mark.parametrize(("value", "secret", "expected"), [b[1:] for b in BAD_VALUES], ids=[b[0] for b in BAD_VALUES])
def test_check_header_refuses_what_http_cannot_carry(value: str, secret: bool, expected: str) -> None:
    with pytest.raises(ValueError) as info:
        check_header("X-Name", value, secret=secret)
    message = str(info.value)
    assert expected in message
    assert (value in message or repr(value) in message) is not secret
    assert "sk-abc" not in message or not secret


@pytest.mark.parametrize("name", ["Authorization", "api-key", "Proxy-Authorization", "X-Api-Key", "Cookie"])
def test_credential_headers_are_never_quoted(name: str) -> None:
    with pytest.raises(ValueError) as info:
        check_header(name, "Bearer sk-abc\u200bdef")
    assert "sk-abc" not in str(info.value)


@pytest.mark.parametrize("name", ["", "X Name", "X:Name", "X-Name\0", "X\r\nY", "\u00e9t\u00e9", "(paren)", 5, None])
def test_check_header_refuses_names_that_are_not_tokens(name: Any) -> None:
    with pytest.raises(ValueError, match="invalid header name"):
        check_header(name, "value")


SECRET = "sk-proj-PASTED0123456789abcdef"

# (id, what the caller does): each must be refused before anything is sent, without the key in the error.
REFUSED = [
    ("api_key", lambda mk: mk(api_key=SECRET + "\u200b")),
    ("api_key-no-break-space", lambda mk: mk(api_key="\u00a0" + SECRET)),
    ("admin_api_key", lambda mk: mk(admin_api_key=SECRET + "\u200b")),
    ("callable-api_key", lambda mk: mk(api_key=lambda: SECRET + "\u200b").retrieve_model("m")),
    ("default_headers-value", lambda mk: mk(default_headers={"X-Tag": "caf\u00e9 \u2615"})),
    ("default_headers-name", lambda mk: mk(default_headers={"X Tag": "1"})),
    ("default_headers-authorization", lambda mk: mk(default_headers={"Authorization": "Bearer \u200b" + SECRET})),
    ("extra_headers-value", lambda mk: mk().retrieve_model("m", extra_headers={"X-Tag": "\u2615"})),
    ("extra_headers-name", lambda mk: mk().retrieve_model("m", extra_headers={"X-Tag:": "1"})),
    ("extra_headers-removed-name", lambda mk: mk().retrieve_model("m", extra_headers={"X\nTag": None})),
    ("extra_headers-api-key", lambda mk: mk().retrieve_model("m", extra_headers={"api-key": SECRET + "\u200b"})),
]


@pytest.mark.parametrize("action", [r[1] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_bad_header_is_refused_before_sending_without_quoting_the_key(
    make_client: Callable[..., Any], server: LoopbackServer, action: Callable[..., Any]
) -> None:
    with pytest.raises(ValueError) as info:
        action(make_client)
    error = info.value
    assert type(error) is ValueError  # a message of ours, not http.client's UnicodeEncodeError
    for text in (str(error), repr(error), *map(str, error.args)):
        assert SECRET not in text
    assert server.connections == 0


def test_check_header_refuses_non_strings() -> None:
    with pytest.raises(TypeError, match="X-Name"):
        check_header("X-Name", 5)
