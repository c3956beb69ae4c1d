"""Tests of ``openai_lite.Client`` itself: settings, environment, session, headers, per-call options,
``with_options``, header injection, thread safety, timeouts, and mocking with the ``responses`` library.

Everything runs against the loopback server (``conftest.py``); what the server received is the truth.
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import platform
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Tuple

import pytest
import requests
import responses
from _loopback import LoopbackServer, bytes_reply, chunked_reply, json_reply, sse_event, sse_reply
from requests.adapters import HTTPAdapter

import openai_lite
from openai_lite import OpenAIError

KEY = "sk-test-key"  # what make_client() uses

MODEL = {"id": "gpt-4o-mini", "object": "model", "created": 1700000000, "owned_by": "openai"}
DELETED = {"id": "ft:gpt-4o-mini:org::abc123", "object": "model", "deleted": True}
MODEL_LIST = {"object": "list", "data": [MODEL]}
CHAT = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi!", "refusal": None}}
    ],
}
CHUNK = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}],
}
EMBEDDING = {
    "object": "list",
    "model": "text-embedding-3-small",
    "data": [{"object": "embedding", "index": 0, "embedding": [0.5, -0.25]}],
    "usage": {"prompt_tokens": 1, "total_tokens": 1},
}
MESSAGES = [{"role": "user", "content": "Hello"}]


class RecordingAdapter(HTTPAdapter):
    """A real ``HTTPAdapter`` that counts what goes through it and notices being closed."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0
        self.timeouts: List[Any] = []
        self.closed = False

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent += 1
        self.timeouts.append(kwargs.get("timeout"))
        return super().send(request, **kwargs)

    def close(self) -> None:
        self.closed = True
        super().close()


def user_session(server: LoopbackServer) -> Tuple[requests.Session, RecordingAdapter]:
    session = requests.Session()
    adapter = RecordingAdapter()
    session.mount(server.url, adapter)
    return session, adapter


# ---------------------------------------------------------------------------
# Settings and the environment
# ---------------------------------------------------------------------------


def test_settings_come_from_the_environment(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_env")
    monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")
    server.reply(json_reply(MODEL))
    with openai_lite.Client() as client:
        client.retrieve_model("gpt-4o-mini")
    request = server.last_request
    assert request.path == "/v1/models/gpt-4o-mini"
    assert request.headers["Authorization"] == "Bearer sk-from-env"
    assert request.headers["OpenAI-Organization"] == "org-env"
    assert request.headers["OpenAI-Project"] == "proj_env"


def test_explicit_arguments_win_over_the_environment(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/not-this-one")
    server.reply(json_reply(MODEL))
    with openai_lite.Client(
        "sk-explicit", organization="org-arg", project="proj_arg", base_url=server.url + "/v1"
    ) as client:
        client.retrieve_model("gpt-4o-mini")
    headers = server.last_request.headers
    assert headers["Authorization"] == "Bearer sk-explicit"
    assert headers["OpenAI-Organization"] == "org-arg"
    assert headers["OpenAI-Project"] == "proj_arg"


def test_default_base_url_is_the_openai_api() -> None:
    with openai_lite.Client(api_key="sk-x") as client:
        assert client.base_url == "https://api.openai.com/v1"


# (id, base_url, words the message must contain)
BAD_BASE_URLS = [
    ("no-scheme", "localhost:8080/v1", "http://"),
    ("no-scheme-no-port", "api.openai.com/v1", "http://"),
    ("other-scheme", "ftp://example.com/v1", "http://"),
    ("no-host", "http:///v1", "http://"),
    ("query", "https://example.com/v1?api-version=1", "default_query"),
    ("empty-query", "https://example.com/v1?", "query"),
    ("fragment", "https://example.com/v1#top", "fragment"),
    ("empty-fragment", "https://example.com/v1#", "fragment"),
]


@pytest.mark.parametrize(("base_url", "words"), [b[1:] for b in BAD_BASE_URLS], ids=[b[0] for b in BAD_BASE_URLS])
@pytest.mark.parametrize("given", ["argument", "environment"])
def test_a_base_url_that_cannot_work_is_refused_when_the_client_is_built(
    monkeypatch: pytest.MonkeyPatch, base_url: str, words: str, given: str
) -> None:
    if given == "environment":
        monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    with pytest.raises(ValueError, match="base_url") as info:
        openai_lite.Client(api_key=KEY, base_url=base_url if given == "argument" else None)
    assert words in str(info.value)


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("kind", ["call", "stream"])
def test_a_connection_error_names_the_host(kind: str) -> None:
    port = _unused_port()  # nothing listens there: refused
    client = openai_lite.Client(api_key=KEY, base_url=f"http://user:pw@127.0.0.1:{port}/v1", max_retries=0)
    with pytest.raises(openai_lite.APIConnectionError) as info:
        if kind == "call":
            client.retrieve_model("m")
        else:
            list(client.create_chat_completion_stream(model="m", messages=MESSAGES))
    assert f"127.0.0.1:{port}" in str(info.value)
    assert "pw" not in str(info.value)  # (credentials in the URL are not repeated)
    client.close()


def test_trailing_slash_of_base_url_does_not_double_the_slash(
    make_client: Callable[..., Any], server: LoopbackServer
) -> None:
    server.reply(json_reply(MODEL))
    make_client(base_url=server.url + "/v1/").retrieve_model("gpt-4o-mini")
    assert server.last_request.target == "/v1/models/gpt-4o-mini"


def test_missing_api_key_is_a_clear_error_naming_the_variable() -> None:
    with pytest.raises(OpenAIError, match="OPENAI_API_KEY"):
        openai_lite.Client()


def test_admin_key_comes_from_the_environment(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-env")
    # An admin key alone is enough to build a client (for administration endpoints) ...
    with openai_lite.Client(base_url=server.url + "/v1") as client:
        assert client.admin_api_key == "sk-admin-env"
        # ... but a regular call still needs the API key, and says which variable to set.
        with pytest.raises(OpenAIError, match="OPENAI_API_KEY"):
            client.retrieve_model("gpt-4o-mini")
    assert server.requests == []


def test_callable_api_key_is_called_for_every_request(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    keys = iter(["sk-rotated-1", "sk-rotated-2", "sk-rotated-3"])
    client = make_client(api_key=lambda: next(keys))
    server.reply(json_reply(MODEL), json_reply(MODEL), json_reply(MODEL))
    for _ in range(3):
        client.retrieve_model("gpt-4o-mini")
    assert [r.headers["Authorization"] for r in server.requests] == [
        "Bearer sk-rotated-1",
        "Bearer sk-rotated-2",
        "Bearer sk-rotated-3",
    ]


def test_repr_never_shows_the_key(make_client: Callable[..., Any]) -> None:
    secret = "sk-very-secret-0123456789"
    client = make_client(api_key=secret, organization="org-1")
    for text in (repr(client), str(client), repr(client.with_options(timeout=3)), repr(client.with_options())):
        assert secret not in text
        assert "Client" in text


# ---------------------------------------------------------------------------
# Headers sent
# ---------------------------------------------------------------------------

# (name, call, has a body)
CALLS_WITH_AND_WITHOUT_BODY = [
    ("GET retrieve_model", lambda c: c.retrieve_model("gpt-4o-mini"), json_reply(MODEL), False),
    ("DELETE delete_model", lambda c: c.delete_model("ft:x"), json_reply(DELETED), False),
    ("POST chat", lambda c: c.create_chat_completion(model="m", messages=MESSAGES), json_reply(CHAT), True),
    ("POST embeddings", lambda c: c.create_embedding(model="m", input="x"), json_reply(EMBEDDING), True),
]


@pytest.mark.parametrize(
    ("call", "reply", "has_body"),
    [c[1:] for c in CALLS_WITH_AND_WITHOUT_BODY],
    ids=[c[0] for c in CALLS_WITH_AND_WITHOUT_BODY],
)
def test_standard_headers(
    make_client: Callable[..., Any], server: LoopbackServer, call: Callable[[Any], Any], reply: Any, has_body: bool
) -> None:
    server.reply(reply)
    call(make_client(organization="org-123", project="proj_456"))
    headers = server.last_request.headers
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert headers["OpenAI-Organization"] == "org-123"
    assert headers["OpenAI-Project"] == "proj_456"
    assert headers["Accept"] == "application/json"
    user_agent = headers["User-Agent"]
    assert f"openai-lite/{openai_lite.__version__}" in user_agent
    assert platform.python_version() in user_agent
    assert f"requests/{requests.__version__}" in user_agent
    if has_body:
        assert headers["Content-Type"] == "application/json"
        assert server.last_request.body
    else:
        assert "Content-Type" not in headers
        assert server.last_request.body == b""


def test_no_organization_or_project_header_when_unset(client: Any, server: LoopbackServer) -> None:
    server.reply(json_reply(MODEL))
    client.retrieve_model("gpt-4o-mini")
    assert "OpenAI-Organization" not in server.last_request.headers
    assert "OpenAI-Project" not in server.last_request.headers


def test_default_headers_are_sent_and_can_replace_ours(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    server.reply(json_reply(MODEL))
    make_client(default_headers={"X-Custom": "yes", "User-Agent": "my-app/1.0"}).retrieve_model("gpt-4o-mini")
    assert server.last_request.headers["X-Custom"] == "yes"
    assert server.last_request.headers["User-Agent"] == "my-app/1.0"


# ---------------------------------------------------------------------------
# requests.Session: the user's own, or one the client owns
# ---------------------------------------------------------------------------


def test_user_session_headers_and_mounted_adapter_are_used(
    make_client: Callable[..., Any], server: LoopbackServer
) -> None:
    session, adapter = user_session(server)
    session.headers["X-From-Session"] = "present"
    client = make_client(session=session)
    assert client.session is session
    server.reply(json_reply(MODEL), json_reply(CHAT))
    client.retrieve_model("gpt-4o-mini")
    client.create_chat_completion(model="m", messages=MESSAGES)
    assert adapter.sent == 2
    assert [r.headers["X-From-Session"] for r in server.requests] == ["present", "present"]
    # Our headers still go out alongside the session's.
    assert server.last_request.headers["Authorization"] == f"Bearer {KEY}"


def test_close_leaves_a_user_session_open(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    session, adapter = user_session(server)
    client = make_client(session=session)
    client.close()
    with make_client(session=session):
        pass
    assert not adapter.closed
    # The session is still usable by its owner.
    server.reply(json_reply(MODEL))
    assert session.get(server.url + "/v1/models/x").status_code == 200
    session.close()
    assert adapter.closed


def test_close_closes_the_session_the_client_owns(make_client: Callable[..., Any]) -> None:
    client = make_client()
    assert isinstance(client.session, requests.Session)
    spy = RecordingAdapter()  # Session.close() closes every mounted adapter
    client.session.mount("http://spy.invalid", spy)
    client.close()
    assert spy.closed


def test_with_block_closes_the_session_the_client_owns(server: LoopbackServer) -> None:
    spy = RecordingAdapter()
    with openai_lite.Client(api_key=KEY, base_url=server.url + "/v1") as client:
        client.session.mount("http://spy.invalid", spy)
        server.reply(json_reply(MODEL))
        client.retrieve_model("gpt-4o-mini")
        assert not spy.closed
    assert spy.closed


# ---------------------------------------------------------------------------
# Per-call options, on every endpoint method
# ---------------------------------------------------------------------------

# (name, call with **options, reply, method, path, has regular body fields)
ENDPOINTS = [
    (
        "create_chat_completion",
        lambda c, **o: c.create_chat_completion(model="gpt-4o-mini", messages=MESSAGES, **o),
        json_reply(CHAT),
        "POST",
        "/v1/chat/completions",
    ),
    (
        "create_chat_completion_stream",
        lambda c, **o: list(c.create_chat_completion_stream(model="gpt-4o-mini", messages=MESSAGES, **o)),
        sse_reply([sse_event(CHUNK), "data: [DONE]\n\n"]),
        "POST",
        "/v1/chat/completions",
    ),
    (
        "create_embedding",
        lambda c, **o: c.create_embedding(model="text-embedding-3-small", input="hello", **o),
        json_reply(EMBEDDING),
        "POST",
        "/v1/embeddings",
    ),
    ("list_models", lambda c, **o: list(c.list_models(**o)), json_reply(MODEL_LIST), "GET", "/v1/models"),
    (
        "retrieve_model",
        lambda c, **o: c.retrieve_model("gpt-4o-mini", **o),
        json_reply(MODEL),
        "GET",
        "/v1/models/gpt-4o-mini",
    ),
    (
        "delete_model",
        lambda c, **o: c.delete_model("ft:gpt-4o-mini:org::abc123", **o),
        json_reply(DELETED),
        "DELETE",
        "/v1/models/ft:gpt-4o-mini:org::abc123",
    ),
]


@pytest.mark.parametrize(("call", "reply", "method", "path"), [e[1:] for e in ENDPOINTS], ids=[e[0] for e in ENDPOINTS])
def test_every_endpoint_takes_extra_headers_query_body_and_timeout(
    make_client: Callable[..., Any],
    server: LoopbackServer,
    call: Callable[..., Any],
    reply: Any,
    method: str,
    path: str,
) -> None:
    session, adapter = user_session(server)
    client = make_client(session=session, organization="org-1")
    server.reply(reply)
    call(
        client,
        extra_headers={"X-Extra": "1", "OpenAI-Organization": None},
        extra_query={"trace": "abc"},
        extra_body={"metadata_extra": {"k": "v"}},
        timeout=(1.5, 42.0),
    )
    request = server.last_request
    assert (request.method, request.path) == (method, path)
    assert request.headers["X-Extra"] == "1"
    assert "OpenAI-Organization" not in request.headers  # None removed it
    assert request.query == {"trace": ["abc"]}
    assert request.headers["Content-Type"] == "application/json"
    body = request.json()
    assert body["metadata_extra"] == {"k": "v"}
    if method == "POST":
        assert body["model"]  # the regular fields are still there: extra_body is merged, not a replacement
    assert adapter.timeouts == [(1.5, 42.0)]


def test_extra_body_wins_over_a_named_argument(client: Any, server: LoopbackServer) -> None:
    server.reply(json_reply(CHAT))
    client.create_chat_completion(
        model="gpt-4o-mini", messages=MESSAGES, temperature=0.5, extra_body={"temperature": 0.1, "store": True}
    )
    body = server.last_request.json()
    assert body == {"messages": MESSAGES, "model": "gpt-4o-mini", "temperature": 0.1, "store": True}


def test_extra_headers_replace_default_headers(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    server.reply(json_reply(MODEL))
    make_client(default_headers={"X-Team": "a"}).retrieve_model("m", extra_headers={"X-Team": "b"})
    assert [v for k, v in server.last_request.raw_headers if k.lower() == "x-team"] == ["b"]


HEADER_REMOVALS = [
    pytest.param({"organization": "org-1"}, "OpenAI-Organization", id="organization"),
    pytest.param({"project": "proj_1"}, "OpenAI-Project", id="project"),
    pytest.param({"default_headers": {"X-Team": "a"}}, "X-Team", id="default-header"),
    pytest.param({}, "Authorization", id="authorization"),
    pytest.param(
        {"organization": "org-1"},
        "openai-organization",
        id="other-case",
    ),
    pytest.param(
        {"session_headers": {"X-Team": "a"}},
        "X-Team",
        id="session-header",
    ),
    pytest.param(
        {},
        "Accept",
        id="accept",
    ),
]


@pytest.mark.parametrize(("options", "name"), HEADER_REMOVALS)
def test_extra_headers_none_removes_a_header(
    make_client: Callable[..., Any], server: LoopbackServer, options: Dict[str, Any], name: str
) -> None:
    options = dict(options)
    session_headers = options.pop("session_headers", None)
    if session_headers:
        session = requests.Session()
        session.headers.update(session_headers)
        options["session"] = session
    server.reply(json_reply(MODEL))
    make_client(**options).retrieve_model("gpt-4o-mini", extra_headers={name: None})
    assert name not in server.last_request.headers


# ---------------------------------------------------------------------------
# with_options
# ---------------------------------------------------------------------------


def test_with_options_changes_settings_and_shares_the_session(
    make_client: Callable[..., Any], server: LoopbackServer
) -> None:
    session, adapter = user_session(server)
    original = make_client(session=session, organization="org-1", timeout=20)
    copy = original.with_options(
        api_key="sk-other", organization="org-2", timeout=(2, 3), default_headers={"X-Copy": "1"}
    )
    assert copy.session is original.session
    server.reply(json_reply(MODEL), json_reply(MODEL))
    copy.retrieve_model("gpt-4o-mini")
    original.retrieve_model("gpt-4o-mini")
    from_copy, from_original = server.requests
    assert from_copy.headers["Authorization"] == "Bearer sk-other"
    assert from_copy.headers["OpenAI-Organization"] == "org-2"
    assert from_copy.headers["X-Copy"] == "1"
    # The original is unchanged.
    assert from_original.headers["Authorization"] == f"Bearer {KEY}"
    assert from_original.headers["OpenAI-Organization"] == "org-1"
    assert "X-Copy" not in from_original.headers
    assert adapter.timeouts == [(2.0, 3.0), 20.0]


# A value other than the default for every constructor argument (but session, which a copy shares).
NON_DEFAULTS: Dict[str, Any] = {
    "api_key": "sk-other",
    "organization": "org-9",
    "project": "proj_9",
    "base_url": "http://127.0.0.1:9/v9",
    "timeout": (1.5, 2.5),
    "max_retries": 7,
    "default_headers": {"X-A": "1"},
    "default_query": {"q": "1"},
    "initial_retry_delay": 0.25,
    "max_retry_delay": 3.0,
    "admin_api_key": "sk-admin-9",
    "max_response_size": 12345,
}


def test_with_options_keeps_every_option() -> None:
    init = openai_lite.Client.__init__.__code__
    arguments = set(init.co_varnames[1 : init.co_argcount + init.co_kwonlyargcount]) - {"session"}
    assert set(NON_DEFAULTS) == arguments  # (a new option must be added here, and so is checked)
    original = openai_lite.Client(**NON_DEFAULTS)
    copy = original.with_options()
    for name in NON_DEFAULTS:
        assert getattr(copy, name) == getattr(original, name), name
        assert copy._options[name] == original._options[name], name
    assert copy.max_response_size == 12345
    with pytest.raises(TypeError, match="no_such_option"):
        original.with_options(no_such_option=1)
    original.close()


def test_with_options_keeps_unchanged_settings(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    original = make_client(project="proj_1", default_query={"api-version": "1"}, max_retries=3)
    copy = original.with_options(timeout=9)
    assert (copy.base_url, copy.project, copy.max_retries, copy.default_query) == (
        original.base_url,
        "proj_1",
        3,
        {"api-version": "1"},
    )
    assert copy.timeout == 9.0
    assert original.timeout == openai_lite.DEFAULT_TIMEOUT


def test_closing_a_with_options_copy_leaves_the_shared_session_open(
    make_client: Callable[..., Any], server: LoopbackServer
) -> None:
    original = make_client()  # owns its session
    spy = RecordingAdapter()
    original.session.mount(server.url, spy)
    with original.with_options(max_retries=5) as copy:
        server.reply(json_reply(MODEL))
        copy.retrieve_model("gpt-4o-mini")
    assert not spy.closed
    server.reply(json_reply(MODEL))
    assert original.retrieve_model("gpt-4o-mini").id == "gpt-4o-mini"  # still works
    assert spy.sent == 2
    original.close()
    assert spy.closed  # the original still closes what it owns


# ---------------------------------------------------------------------------
# CR / LF in header values
# ---------------------------------------------------------------------------

SECRET = "sk-secret-9f8e7d6c5b4a"

# (id, make the client and the call, words the message must contain)
INJECTIONS = [
    ("api_key-trailing-newline", lambda mk: mk(api_key=SECRET + "\n"), "api_key"),
    ("api_key-crlf-inside", lambda mk: mk(api_key="sk-sec\r\nX-Evil: 1"), "api_key"),
    ("api_key-nul", lambda mk: mk(api_key=SECRET + "\0"), "api_key"),
    ("callable-api_key", lambda mk: mk(api_key=lambda: SECRET + "\n").retrieve_model("m"), "api_key"),
    ("default_headers", lambda mk: mk(default_headers={"X-Tag": "a\r\nX-Evil: 1"}), "X-Tag"),
    ("organization", lambda mk: mk(organization="org-1\n"), "OpenAI-Organization"),
    ("project", lambda mk: mk(project="proj\r"), "OpenAI-Project"),
    ("extra_headers", lambda mk: mk().retrieve_model("m", extra_headers={"X-Tag": "a\nX-Evil: 1"}), "X-Tag"),
    (
        "extra_headers-on-post",
        lambda mk: mk().create_chat_completion(model="m", messages=MESSAGES, extra_headers={"X-Tag": "\r"}),
        "X-Tag",
    ),
]


@pytest.mark.parametrize(("action", "names"), [i[1:] for i in INJECTIONS], ids=[i[0] for i in INJECTIONS])
def test_cr_lf_in_a_header_value_is_refused_before_sending(
    make_client: Callable[..., Any], server: LoopbackServer, action: Callable[..., Any], names: str
) -> None:
    with pytest.raises(ValueError) as info:
        action(make_client)
    message = str(info.value)
    assert names in message
    assert "CR" in message or "LF" in message or "newline" in message
    assert "sk-sec" not in message  # the key is never quoted
    assert server.requests == []
    assert server.connections == 0


# ---------------------------------------------------------------------------
# Timeouts
# ---------------------------------------------------------------------------


def test_default_timeout_is_5s_connect_600s_read(server: LoopbackServer) -> None:
    session, adapter = user_session(server)
    with openai_lite.Client(api_key=KEY, base_url=server.url + "/v1", session=session) as client:
        assert client.timeout == (5.0, 600.0)
        assert openai_lite.DEFAULT_TIMEOUT == (5.0, 600.0)
        server.reply(json_reply(MODEL))
        client.retrieve_model("gpt-4o-mini")
    assert adapter.timeouts == [(5.0, 600.0)]  # and that is what requests is given


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [(30, 30.0), (2.5, 2.5), ((3, 30), (3.0, 30.0)), ((0.5, 120.0), (0.5, 120.0))],
    ids=["int", "float", "pair-of-ints", "pair-of-floats"],
)
def test_timeout_accepts_seconds_or_a_connect_read_pair(
    make_client: Callable[..., Any], server: LoopbackServer, timeout: Any, expected: Any
) -> None:
    session, adapter = user_session(server)
    client = make_client(timeout=timeout, session=session)
    assert client.timeout == expected
    server.reply(json_reply(MODEL), json_reply(MODEL))
    client.retrieve_model("gpt-4o-mini")
    make_client(session=session).retrieve_model("gpt-4o-mini", timeout=timeout)  # per call too
    assert adapter.timeouts == [expected, expected]


INVALID_TIMEOUTS = [
    pytest.param(0, id="zero"),
    pytest.param(-1, id="negative"),
    pytest.param("5", id="string"),
    pytest.param(True, id="bool"),
    pytest.param(math.nan, id="nan"),
    pytest.param((5,), id="one-tuple"),
    pytest.param((1, 2, 3), id="three-tuple"),
    pytest.param((0, 10), id="zero-connect"),
    pytest.param((5, -1), id="negative-read"),
    pytest.param((5, None), id="none-read"),
    pytest.param(("1", 2), id="string-in-pair"),
    pytest.param(
        math.inf,
        id="infinite",
    ),
    pytest.param(1e10, id="absurd"),
    pytest.param(10**400, id="huge-int"),
    pytest.param((5, 1e300), id="absurd-read"),
    pytest.param(8 * 24 * 3600, id="over-a-week"),
]


@pytest.mark.parametrize("timeout", INVALID_TIMEOUTS)
def test_invalid_timeout_is_a_clear_value_error(
    make_client: Callable[..., Any], server: LoopbackServer, timeout: Any
) -> None:
    with pytest.raises(ValueError, match="timeout"):
        make_client(timeout=timeout)
    with pytest.raises(ValueError, match="timeout"):
        make_client().retrieve_model("gpt-4o-mini", timeout=timeout)
    assert server.requests == []


# (id, option, value)
INVALID_OPTIONS = [
    ("initial-negative", "initial_retry_delay", -0.5),
    ("initial-nan", "initial_retry_delay", math.nan),
    ("initial-inf", "initial_retry_delay", math.inf),
    ("initial-absurd", "initial_retry_delay", 1e300),
    ("initial-string", "initial_retry_delay", "1"),
    ("max-negative", "max_retry_delay", -1),
    ("max-nan", "max_retry_delay", math.nan),
    ("max-inf", "max_retry_delay", math.inf),
    ("max-bool", "max_retry_delay", True),
    ("size-zero", "max_response_size", 0),
    ("size-negative", "max_response_size", -1),
    ("size-float", "max_response_size", 1e6),
    ("retries-bool", "max_retries", True),
]


@pytest.mark.parametrize(("option", "value"), [o[1:] for o in INVALID_OPTIONS], ids=[o[0] for o in INVALID_OPTIONS])
def test_an_invalid_retry_delay_or_size_is_refused_when_the_client_is_built(
    make_client: Callable[..., Any], server: LoopbackServer, option: str, value: Any
) -> None:
    with pytest.raises(ValueError, match=option):
        make_client(**{option: value})
    with pytest.raises(ValueError, match=option):
        make_client().with_options(**{option: value})
    assert server.requests == []


# (id, the call) -- each body holds a number JSON cannot represent
NOT_JSON_NUMBERS = [
    ("nan-argument", lambda c: c.create_chat_completion(model="m", messages=MESSAGES, temperature=math.nan)),
    ("inf-in-a-list", lambda c: c.create_embedding(model="m", input=[1.0, math.inf])),
    (
        "nan-in-extra_body",
        lambda c: c.create_chat_completion(model="m", messages=MESSAGES, extra_body={"x": {"y": -math.inf}}),
    ),
]


@pytest.mark.parametrize("call", [n[1] for n in NOT_JSON_NUMBERS], ids=[n[0] for n in NOT_JSON_NUMBERS])
def test_nan_or_infinity_in_a_body_is_refused_before_sending(
    client: Any, server: LoopbackServer, call: Callable[[Any], Any]
) -> None:
    with pytest.raises(ValueError, match="JSON cannot represent") as info:
        call(client)
    assert "body[" in str(info.value)  # says where
    assert server.requests == []


# (id, Content-Type of a text answer, body bytes, the text expected)
TEXT_REPLIES = [
    ("utf-8", "text/plain; charset=utf-8", "héllo".encode(), "héllo"),
    ("latin-1", "text/plain; charset=iso-8859-1", "héllo".encode("latin-1"), "héllo"),
    ("no-charset", "text/plain", "héllo".encode(), "héllo"),
    ("unknown-charset", "text/plain; charset=x-no-such-charset", "héllo".encode(), "héllo"),
    ("not-a-text-codec", "text/plain; charset=zlib_codec", b"hello", "hello"),
    ("str-to-str-codec", "text/plain; charset=rot13", b"hello", "hello"),
    ("quoted-charset", 'text/plain; format=flowed; charset="utf-8"', "héllo".encode(), "héllo"),
]


@pytest.mark.parametrize(
    ("content_type", "body", "text"), [t[1:] for t in TEXT_REPLIES], ids=[t[0] for t in TEXT_REPLIES]
)
def test_a_text_answer_is_decoded_whatever_its_charset(
    client: Any, server: LoopbackServer, content_type: str, body: bytes, text: str
) -> None:
    server.reply(bytes_reply(body, content_type=content_type))
    assert client.create_transcription(file=b"RIFF", model="whisper-1", response_format="text") == text


# ---------------------------------------------------------------------------
# Threads
# ---------------------------------------------------------------------------


def test_50_threads_on_one_client_keep_their_connections(
    make_client: Callable[..., Any], server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    threads = 50
    together = threading.Barrier(threads, timeout=10)

    @server.handler
    def all_at_once(request: Any) -> Any:
        together.wait()  # every call is in flight at the same time: 50 connections
        return json_reply(MODEL)

    client = make_client()
    with caplog.at_level(logging.WARNING, logger="urllib3"), ThreadPoolExecutor(threads) as pool:
        for _ in range(2):
            assert set(pool.map(lambda _: client.retrieve_model("gpt-4o-mini").id, range(threads))) == {MODEL["id"]}

    assert [r.getMessage() for r in caplog.records if "pool is full" in r.getMessage()] == []
    assert server.connections == threads  # the second round reused all of them


def test_one_client_shared_by_16_threads(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    threads, calls = 16, 500

    @server.handler
    def echo(request: Any) -> Any:
        # Echo what made this call unique, so a mix-up between threads shows in the result.
        model = request.path.rsplit("/", 1)[1]
        return json_reply({"id": model, "object": "model", "created": 1, "owned_by": request.headers["X-Thread"]})

    client = make_client()
    start = threading.Barrier(threads)

    def work(thread: int) -> List[bool]:
        start.wait()
        results = []
        for i in range(calls):
            model = client.retrieve_model(f"m-{thread}-{i}", extra_headers={"X-Thread": str(thread)})
            results.append(model.id == f"m-{thread}-{i}" and model.owned_by == str(thread))
        return results

    with ThreadPoolExecutor(threads) as pool:
        outcomes = list(pool.map(work, range(threads)))
    assert [sum(o) for o in outcomes] == [calls] * threads
    assert len(server.requests) == threads * calls
    assert server.connections <= 32  # pooled: connections are reused, not one per call


# ---------------------------------------------------------------------------
# Users mock the client with the `responses` library
# ---------------------------------------------------------------------------


@responses.activate
def test_responses_library_can_mock_a_call() -> None:
    responses.add(responses.POST, "https://api.openai.com/v1/chat/completions", json=CHAT)
    client = openai_lite.Client(api_key="sk-x")
    reply = client.create_chat_completion(model="gpt-4o-mini", messages=MESSAGES)
    assert reply.choices[0].message.content == "Hi!"
    assert len(responses.calls) == 1
    request = responses.calls[0].request
    assert request.headers["Authorization"] == "Bearer sk-x"
    assert json.loads(request.body) == {"messages": MESSAGES, "model": "gpt-4o-mini"}
    client.close()


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_gzip_encoded_json_body_is_decoded(server: LoopbackServer, client: Any, framing: str) -> None:
    # The API compresses larger bodies (requests asks for gzip by default); one urllib3 read must undo it.
    model = {"id": "m", "object": "model", "created": 1, "owned_by": "o", "note": "x" * 2000}
    packed = gzip.compress(json.dumps(model).encode())
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    if framing == "chunked":
        server.reply(chunked_reply([packed[:100], packed[100:]], headers=headers))
    else:
        server.reply(bytes_reply(packed, headers=headers))
    result = client.retrieve_model("m")
    assert result.to_dict() == model
