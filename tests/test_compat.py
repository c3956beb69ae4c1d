"""OpenAI-compatible servers and the network between: loopback imitations of the quirks of vLLM,
Ollama, llama.cpp, LM Studio, OpenRouter, Groq, Gemini's OpenAI endpoint ..., and requests sent
through an HTTP proxy (a user session's ``proxies``, ``HTTP_PROXY``) or a SOCKS proxy.
"""

from __future__ import annotations

import base64
import http.client
import select
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import urlsplit

import pytest
import requests
from _loopback import LoopbackServer, bytes_reply, json_reply, sse_event, sse_reply

import openai_lite
from openai_lite import APIConnectionError, NotFoundError, OpenAIError, UnprocessableEntityError

MESSAGES = [{"role": "user", "content": "Hello"}]
CHAT = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "llama3.2",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi!"}}],
}


def chunk(text: str) -> Dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "local",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
    }


# ---------------------------------------------------------------------------
# Keys and base URLs
# ---------------------------------------------------------------------------


def test_a_server_without_keys_takes_any_placeholder(server: LoopbackServer, make_client: Any) -> None:
    # Ollama, llama.cpp, LM Studio and vLLM (without --api-key) ignore the header.
    server.reply(json_reply(CHAT))
    client = make_client(api_key="none")
    assert client.create_chat_completion(model="llama3.2", messages=MESSAGES).choices[0].message.content == "Hi!"
    assert server.last_request.headers["authorization"] == "Bearer none"


def test_no_key_at_all_suggests_the_placeholder(server: LoopbackServer) -> None:
    with pytest.raises(OpenAIError, match="api_key='none'"):
        openai_lite.Client(base_url=server.url + "/v1")


@pytest.mark.parametrize(
    "prefix",
    ["/v1", "/v1/", "/api/v1", "/openai/v1", "/v1beta/openai/", "/inference/v1"],
    ids=["vllm-ollama-lmstudio", "trailing-slash", "openrouter", "groq", "gemini", "deeper-prefix"],
)
def test_base_urls_with_any_path(server: LoopbackServer, make_client: Any, prefix: str) -> None:
    server.reply(json_reply(CHAT))
    make_client(base_url=server.url + prefix).create_chat_completion(model="m", messages=MESSAGES)
    assert server.last_request.target == prefix.rstrip("/") + "/chat/completions"


def test_a_base_url_without_version_path(server: LoopbackServer, make_client: Any) -> None:
    # DeepSeek documents https://api.deepseek.com (with /v1 as an alias).
    server.reply(json_reply(CHAT))
    make_client(base_url=server.url).create_chat_completion(model="deepseek-chat", messages=MESSAGES)
    assert server.last_request.target == "/chat/completions"


def test_model_names_with_colons_and_slashes(server: LoopbackServer, make_client: Any) -> None:
    model = {"id": "llama3.2:1b", "object": "model", "created": 1, "owned_by": "library"}
    server.reply(json_reply(model), json_reply(dict(model, id="meta-llama/Llama-3-8B")), json_reply(CHAT))
    client = make_client()

    assert client.retrieve_model("llama3.2:1b").id == "llama3.2:1b"  # Ollama tags stay readable
    client.retrieve_model("meta-llama/Llama-3-8B")  # Hugging Face names stay one segment
    client.create_chat_completion(model="openrouter/auto", messages=MESSAGES)  # in a body: as is

    assert server.requests[0].target == "/v1/models/llama3.2:1b"
    assert server.requests[1].target == "/v1/models/meta-llama%2FLlama-3-8B"
    assert server.requests[2].json()["model"] == "openrouter/auto"


def test_default_headers_for_openrouter_attribution(server: LoopbackServer, make_client: Any) -> None:
    server.reply(json_reply(CHAT), json_reply(CHAT))
    client = make_client(
        api_key="sk-or-v1-test",
        base_url=server.url + "/api/v1",
        default_headers={"HTTP-Referer": "https://myapp.example", "X-Title": "My App"},
    )

    client.create_chat_completion(model="openai/gpt-4o", messages=MESSAGES)
    client.create_chat_completion(
        model="openai/gpt-4o", messages=MESSAGES, extra_headers={"X-Title": None}, extra_body={"models": ["a", "b"]}
    )

    first, second = server.requests
    assert first.path == "/api/v1/chat/completions"
    assert first.headers["http-referer"] == "https://myapp.example"
    assert first.headers["x-title"] == "My App"
    assert first.headers["authorization"] == "Bearer sk-or-v1-test"
    assert "x-title" not in second.headers  # removed for one call
    assert second.json()["models"] == ["a", "b"]  # provider-specific body fields through extra_body


def test_default_query_on_every_request(server: LoopbackServer, make_client: Any) -> None:
    server.reply(json_reply(CHAT), json_reply({"object": "list", "data": [], "has_more": False}))
    client = make_client(default_query={"api-version": "preview", "tenant": "t 1"})

    client.create_chat_completion(model="m", messages=MESSAGES, extra_query={"tenant": "t2"})
    list(client.list_files(limit=5))

    assert server.requests[0].query == {"api-version": ["preview"], "tenant": ["t2"]}
    assert server.requests[1].query == {"api-version": ["preview"], "tenant": ["t 1"], "limit": ["5"]}


# ---------------------------------------------------------------------------
# Streams
# ---------------------------------------------------------------------------


def test_close_delimited_stream(server: LoopbackServer, make_client: Any) -> None:
    # llama.cpp's server and some proxies send neither Content-Length nor chunks: the body ends at close.
    events = [sse_event(chunk("Hel")), (sse_event(chunk("lo")), 0.05), "data: [DONE]\n\n"]
    server.reply(sse_reply(events, chunked=False, headers={"x-request-id": None}))

    chunks = list(make_client().create_chat_completion_stream(model="local", messages=MESSAGES))

    assert "".join(c.choices[0].delta.content for c in chunks) == "Hello"


def test_close_delimited_stream_cut_before_done_is_an_error(server: LoopbackServer, make_client: Any) -> None:
    server.reply(sse_reply([sse_event(chunk("Hel"))], chunked=False))
    stream = make_client().create_chat_completion_stream(model="local", messages=MESSAGES)
    assert next(stream).choices[0].delta.content == "Hel"
    with pytest.raises(APIConnectionError):
        next(stream)


def test_stream_with_comments_and_crlf_line_ends(server: LoopbackServer, make_client: Any) -> None:
    # OpenRouter sends ": OPENROUTER PROCESSING" comments while it waits; some servers end lines with CRLF.
    events = [": OPENROUTER PROCESSING\r\n\r\n", sse_event(chunk("ok")).replace("\n", "\r\n"), "data: [DONE]\r\n\r\n"]
    server.reply(sse_reply(events))
    chunks = list(make_client().create_chat_completion_stream(model="m", messages=MESSAGES))
    assert [c.choices[0].delta.content for c in chunks] == ["ok"]


# ---------------------------------------------------------------------------
# Error bodies
# ---------------------------------------------------------------------------


def test_ollama_string_error(server: LoopbackServer, make_client: Any) -> None:
    server.reply(json_reply({"error": 'model "llama9" not found, try pulling it first'}, 404))
    with pytest.raises(NotFoundError) as caught:
        make_client().create_chat_completion(model="llama9", messages=MESSAGES)
    assert caught.value.message == 'model "llama9" not found, try pulling it first'
    assert caught.value.status_code == 404
    assert caught.value.code is None


def test_vllm_fastapi_detail_string(server: LoopbackServer, make_client: Any) -> None:
    server.reply(json_reply({"detail": "Not Found"}, 404))
    with pytest.raises(NotFoundError) as caught:
        make_client().create_chat_completion(model="m", messages=MESSAGES)
    assert caught.value.message == "Not Found"


def test_fastapi_validation_error_list(server: LoopbackServer, make_client: Any) -> None:
    detail = [{"type": "missing", "loc": ["body", "messages"], "msg": "Field required", "input": {}}]
    server.reply(json_reply({"detail": detail}, 422))
    with pytest.raises(UnprocessableEntityError) as caught:
        make_client().create_chat_completion(model="m", messages=MESSAGES)
    assert "Field required" in caught.value.message  # the JSON, since there is no one message
    assert caught.value.body == {"detail": detail}


def test_vllm_openai_style_error_with_integer_code(server: LoopbackServer, make_client: Any) -> None:
    error = {
        "object": "error",
        "message": "max_tokens is too large",
        "type": "BadRequestError",
        "param": None,
        "code": 400,
    }
    server.reply(json_reply(error, 400))  # vLLM puts the error object at the top level
    with pytest.raises(openai_lite.BadRequestError) as caught:
        make_client().create_chat_completion(model="m", messages=MESSAGES)
    assert caught.value.message == "max_tokens is too large"
    assert caught.value.code == "400"
    assert caught.value.type == "BadRequestError"


def test_plain_text_error(server: LoopbackServer, make_client: Any) -> None:
    server.reply(bytes_reply("404 page not found", 404))  # Ollama's router for unknown paths
    with pytest.raises(NotFoundError, match="404 page not found"):
        make_client().create_embedding(model="m", input="x", dimensions=3)


def test_an_echoed_placeholder_key_is_redacted(server: LoopbackServer, make_client: Any) -> None:
    server.reply(json_reply({"error": {"message": "Incorrect API key provided: sk-local-secret"}}, 401))
    with pytest.raises(openai_lite.AuthenticationError) as caught:
        make_client(api_key="sk-local-secret").list_models().data  # noqa: B018
    assert "sk-local-secret" not in str(caught.value)


# ---------------------------------------------------------------------------
# HTTP proxy
# ---------------------------------------------------------------------------


class ForwardingProxy:
    """A minimal forward HTTP proxy (plain http only) that records what passes through it."""

    def __init__(self) -> None:
        self.seen: List[Tuple[str, str, Optional[str]]] = []  # (method, absolute target, Proxy-Authorization)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def forward(self) -> None:
                proxy.seen.append((self.command, self.path, self.headers.get("Proxy-Authorization")))
                target = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("proxy-authorization", "proxy-connection")
                }
                upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
                try:
                    path = target.path + (f"?{target.query}" if target.query else "")
                    upstream.request(self.command, path, body=body or None, headers=headers)
                    response = upstream.getresponse()
                    data = response.read()
                    self.send_response(response.status, response.reason)
                    for name, value in response.getheaders():
                        if name.lower() not in ("transfer-encoding", "content-length", "connection"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("Via", "1.1 test-proxy")
                    self.end_headers()
                    self.wfile.write(data)
                finally:
                    upstream.close()

            do_GET = do_POST = do_DELETE = forward

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def proxy() -> Iterator[ForwardingProxy]:
    srv = ForwardingProxy()
    yield srv
    srv.close()


def test_proxy_set_on_a_user_session(server: LoopbackServer, make_client: Any, proxy: ForwardingProxy) -> None:
    server.reply(json_reply(CHAT))
    session = requests.Session()
    session.proxies = {"http": proxy.url.replace("http://", "http://user:p%40ss@")}
    client = make_client(session=session)

    reply = client.create_chat_completion(model="m", messages=MESSAGES)

    assert reply.choices[0].message.content == "Hi!"
    assert reply._headers["via"] == "1.1 test-proxy"
    method, target, proxy_auth = proxy.seen[0]
    assert (method, target) == ("POST", server.url + "/v1/chat/completions")
    assert proxy_auth == "Basic " + base64.b64encode(b"user:p@ss").decode()
    # The proxy passed the request on unchanged.
    assert server.last_request.headers["authorization"] == "Bearer sk-test-key"
    assert server.last_request.json()["model"] == "m"
    session.close()


def test_proxy_from_the_environment(
    server: LoopbackServer, make_client: Any, proxy: ForwardingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    server.reply(json_reply({"object": "list", "data": [], "has_more": False}))

    list(make_client().list_files(limit=2))  # the client's own session trusts the environment

    assert proxy.seen == [("GET", server.url + "/v1/files?limit=2", None)]
    assert server.requests[0].target == "/v1/files?limit=2"


def test_no_proxy_is_honoured(
    server: LoopbackServer, make_client: Any, proxy: ForwardingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    server.reply(json_reply(CHAT))
    make_client().create_chat_completion(model="m", messages=MESSAGES)
    assert proxy.seen == []
    assert len(server.requests) == 1


def test_a_session_that_does_not_trust_the_environment_ignores_http_proxy(
    server: LoopbackServer, make_client: Any, proxy: ForwardingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    session = requests.Session()
    session.trust_env = False
    server.reply(json_reply(CHAT))
    make_client(session=session).create_chat_completion(model="m", messages=MESSAGES)
    assert proxy.seen == []
    session.close()


def test_an_unreachable_proxy_is_a_connection_error(server: LoopbackServer, make_client: Any) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    session = requests.Session()
    session.proxies = {"http": f"http://127.0.0.1:{port}"}
    with pytest.raises(APIConnectionError, match="Connection error"):
        make_client(session=session).create_chat_completion(model="m", messages=MESSAGES)
    assert server.requests == []
    session.close()


# ---------------------------------------------------------------------------
# SOCKS proxy (requests[socks], i.e. PySocks, must be installed)
# ---------------------------------------------------------------------------


class Socks5Proxy:
    """A minimal SOCKS5 server (no authentication, CONNECT only) that records the targets."""

    def __init__(self) -> None:
        self.targets: List[Tuple[str, int]] = []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    @staticmethod
    def _read(conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            more = conn.recv(n - len(data))
            if not more:
                raise ConnectionError("client went away")
            data += more
        return data

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                _, n_methods = self._read(conn, 2)
                self._read(conn, n_methods)
                conn.sendall(b"\x05\x00")  # no authentication
                _, command, _, kind = self._read(conn, 4)
                if kind == 1:
                    host = socket.inet_ntoa(self._read(conn, 4))
                elif kind == 3:
                    host = self._read(conn, self._read(conn, 1)[0]).decode()
                else:
                    conn.sendall(b"\x05\x08\x00\x01" + b"\x00" * 6)  # address type not supported
                    return
                (port,) = struct.unpack("!H", self._read(conn, 2))
                if command != 1:
                    conn.sendall(b"\x05\x07\x00\x01" + b"\x00" * 6)  # only CONNECT
                    return
                self.targets.append((host, port))
                with socket.create_connection((host, port), timeout=10) as upstream:
                    conn.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", 0))
                    self._pipe(conn, upstream)
            except OSError:
                pass

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        while not self.stop.is_set():
            ready, _, _ = select.select([a, b], [], [], 0.1)
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    return
                (b if sock is a else a).sendall(data)

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
def test_socks_proxy(server: LoopbackServer, make_client: Any, scheme: str) -> None:
    pytest.importorskip("socks", reason="SOCKS needs requests[socks] (PySocks)")
    socks = Socks5Proxy()
    try:
        server.reply(json_reply(CHAT))
        session = requests.Session()
        session.proxies = {"http": f"{scheme}://{socks.url}"}
        reply = make_client(session=session).create_chat_completion(model="m", messages=MESSAGES)
        assert reply.choices[0].message.content == "Hi!"
        assert socks.targets == [("127.0.0.1", server.port)]
        session.close()
    finally:
        socks.close()
