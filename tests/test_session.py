"""What users rely on from their ``requests.Session`` keeps working, whether the client owns the session
or the user passes one, and through a ``with_options`` copy: mounted adapters (a counting one, urllib3
``Retry``), ``verify``/``cert`` (mTLS), proxies (session, ``HTTP(S)_PROXY``, ``NO_PROXY``, ``trust_env``;
resolved once, when the client is built), session headers, ``auth``, response hooks and cookies (which
take the full ``Session.send`` path), and redirects (never followed, so no key goes to another host).

Every test talks to real loopback servers: the plain one from ``_loopback``, a small HTTPS server with
certificates made by ``openssl`` in a temporary directory, and a small forwarding proxy.
"""

from __future__ import annotations

import base64
import http.client
import json
import select
import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Tuple
from urllib.parse import urlsplit

import pytest
import requests
from _loopback import LoopbackServer, Reply, bytes_reply, json_reply, sse_event, sse_reply, stall_reply
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth
from urllib3.util.retry import Retry

import openai_lite
from openai_lite import APIConnectionError, APIStatusError, APITimeoutError

KEY = "sk-test-key"
AZURE_KEY = "azure-key"
AZURE_VERSION = "2024-10-21"

MODEL = {"id": "gpt-4o-mini", "object": "model", "created": 1700000000, "owned_by": "openai"}
CHUNK = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}],
}
CHAT = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi!"}}],
}
FILE = {"id": "file-1", "object": "file", "bytes": 9, "created_at": 1, "filename": "data.jsonl", "purpose": "batch"}
ERROR = {"error": {"message": "try again", "type": "server_error", "param": None, "code": None}}
MESSAGES = [{"role": "user", "content": "Hello"}]
UPLOAD = b'{"a": 1}\n'
DOWNLOAD = b"\x00\x01 file content"


# ---------------------------------------------------------------------------
# The kinds of call, and how a client is built for a test
# ---------------------------------------------------------------------------


class Call(NamedTuple):
    path: str  # where the server sees it
    reply: Reply
    run: Callable[[Any], Any]  # makes the call, returns something to compare with `expected`
    expected: Any


def _stream_text(client: Any) -> str:
    chunks = client.create_chat_completion_stream(model="m", messages=MESSAGES)
    return "".join(chunk.choices[0].delta.content for chunk in chunks)


CALLS: Dict[str, Call] = {
    "json": Call(
        "/v1/models/gpt-4o-mini", json_reply(MODEL), lambda c: c.retrieve_model("gpt-4o-mini").id, MODEL["id"]
    ),
    "stream": Call("/v1/chat/completions", sse_reply([sse_event(CHUNK), "data: [DONE]\n\n"]), _stream_text, "Hi"),
    "upload": Call("/v1/files", json_reply(FILE), lambda c: c.create_file(file=UPLOAD, purpose="batch").id, "file-1"),
    "download": Call(
        "/v1/files/file-1/content", bytes_reply(DOWNLOAD), lambda c: c.download_file("file-1").content, DOWNLOAD
    ),
}


def run_every_kind_of_call(client: Any, server: LoopbackServer) -> None:
    """A JSON call, a stream, a multipart upload and a download; checks what came back and what the server got."""
    for name, call in CALLS.items():
        server.reply(call.reply)
        assert call.run(client) == call.expected, name
    assert [r.path for r in server.requests] == [call.path for call in CALLS.values()]
    upload = server.requests[list(CALLS).index("upload")]
    assert [part.data for part in upload.multipart() if part.name == "file"] == [UPLOAD]


OWNERS = ["user-session", "own-session"]  # the user passes a session / the client makes its own
VIAS = ["client", "copy"]  # the client itself / a with_options() copy made right after it (shares the session)
ROUTES = ["adapter", "Session.send"]  # the fast path / the full path, forced with a no-op response hook


def _noop_hook(response: requests.Response, **kwargs: Any) -> None:
    return None


Configure = Callable[[requests.Session], None]


@pytest.fixture(autouse=True)
def _no_ambient_tls_or_netrc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # This machine may point requests at a system CA bundle; the TLS tests decide what is trusted.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    # requests reads ~/.netrc on its Session path; a developer's file must not change these tests.
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture
def build(server: LoopbackServer) -> Iterator[Callable[..., Any]]:
    """``build(owner, via, route, configure=None, azure=False, **options)``: a client for ``server``.

    ``configure`` sets the session up: a user session before the client is created, the client's own
    session after (so only what is read on every call can be set that way). Clients and user sessions
    are closed at teardown.
    """
    clients: List[Any] = []
    sessions: List[requests.Session] = []

    def make(
        owner: str = "user-session",
        via: str = "client",
        route: str = "adapter",
        configure: Optional[Configure] = None,
        azure: bool = False,
        **options: Any,
    ) -> Any:
        session: Optional[requests.Session] = None
        if owner == "user-session":
            session = requests.Session()
            sessions.append(session)
            if configure is not None:
                configure(session)
        if azure:
            settings = {"azure_endpoint": server.url, "api_version": AZURE_VERSION, "api_key": AZURE_KEY}
            client = openai_lite.AzureClient(**{"max_retries": 0, **settings, **options, "session": session})
        else:
            settings = {"api_key": KEY, "base_url": server.url + "/v1", "max_retries": 0}
            client = openai_lite.Client(**{**settings, **options, "session": session})
        clients.append(client)
        if owner == "own-session" and configure is not None:
            configure(client.session)
        if route == "Session.send":
            client.session.hooks["response"].append(_noop_hook)
        return client.with_options(timeout=60) if via == "copy" else client

    yield make
    for client in reversed(clients):
        client.close()
    for session in sessions:
        session.close()


@pytest.fixture
def other_server() -> Iterator[LoopbackServer]:
    """Another origin: same host, another port."""
    srv = LoopbackServer()
    yield srv
    srv.close()


class CountingAdapter(HTTPAdapter):
    """A real ``HTTPAdapter`` that records the URL of every request it sends."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls: List[str] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.urls.append(request.url or "")
        return super().send(request, **kwargs)


def status_retry(**overrides: Any) -> Retry:
    """urllib3's own retry of a 503, for any method (urllib3 1.26 before 1.26.0 called it method_whitelist)."""
    options: Dict[str, Any] = {"total": 2, "status_forcelist": [503], "backoff_factor": 0, **overrides}
    try:
        return Retry(allowed_methods=None, **options)
    except TypeError:
        return Retry(method_whitelist=None, **options)


# ---------------------------------------------------------------------------
# Mounted adapters
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("owner", OWNERS)
def test_the_adapter_mounted_for_the_base_url_carries_every_call(
    server: LoopbackServer, build: Callable[..., Any], owner: str, via: str, route: str
) -> None:
    ours, elsewhere = CountingAdapter(), CountingAdapter()

    def mount(session: requests.Session) -> None:
        session.mount(server.url + "/v1", ours)
        session.mount(server.url + "/v2", elsewhere)  # same host, another prefix: not for our calls

    run_every_kind_of_call(build(owner, via, route, configure=mount), server)

    assert ours.urls == [server.url + call.path for call in CALLS.values()]
    assert elsewhere.urls == []


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("kind", ["json", "stream", "download"])
def test_urllib3_retry_in_a_mounted_adapter(
    server: LoopbackServer, build: Callable[..., Any], kind: str, via: str
) -> None:
    call = CALLS[kind]
    adapter = CountingAdapter(max_retries=status_retry())
    client = build(via=via, configure=lambda s: s.mount(server.url, adapter), max_retries=0)
    server.reply(json_reply(ERROR, 503), call.reply)

    assert call.run(client) == call.expected

    assert [r.path for r in server.requests] == [call.path, call.path]  # urllib3 sent it again ...
    assert len(adapter.urls) == 1  # ... inside one adapter send: the client itself did not retry


def test_urllib3_retry_that_runs_out_is_a_connection_error(server: LoopbackServer, build: Callable[..., Any]) -> None:
    client = build(configure=lambda s: s.mount(server.url, HTTPAdapter(max_retries=status_retry())))
    server.reply(*[json_reply(ERROR, 503)] * 3)
    with pytest.raises(APIConnectionError, match="503"):
        client.retrieve_model("gpt-4o-mini")
    assert len(server.requests) == 3


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("kind", list(CALLS))
def test_client_retries_go_through_the_mounted_adapter(
    server: LoopbackServer, build: Callable[..., Any], kind: str, via: str, route: str
) -> None:
    call = CALLS[kind]
    adapter = CountingAdapter()
    hook_statuses: List[int] = []

    def setup(session: requests.Session) -> None:
        session.mount(server.url + "/v1", adapter)
        if route == "Session.send":  # a hook that records what it sees also forces the full path
            session.hooks["response"].append(lambda response, **kwargs: hook_statuses.append(response.status_code))

    client = build(via=via, configure=setup, max_retries=1, initial_retry_delay=0)
    server.reply(json_reply(ERROR, 500), call.reply)

    assert call.run(client) == call.expected

    assert adapter.urls == [server.url + call.path] * 2
    assert [r.path for r in server.requests] == [call.path] * 2
    if kind == "upload":  # the body was sent whole both times
        assert [[p.data for p in r.multipart() if p.name == "file"] for r in server.requests] == [[UPLOAD]] * 2
    if route == "Session.send":
        assert hook_statuses == [500, 200]


# ---------------------------------------------------------------------------
# TLS: verify, cert (mTLS), REQUESTS_CA_BUNDLE
# ---------------------------------------------------------------------------

OPENSSL_CONFIG = """\
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""
CLIENT_CN = "openai-lite test client"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl: name -> path."""
    if shutil.which("openssl") is None:
        pytest.skip("TLS tests skipped: the openssl command is not installed (it makes the test certificates)")
    folder = tmp_path_factory.mktemp("pki")
    (folder / "openssl.cnf").write_text(OPENSSL_CONFIG)

    def openssl(*args: str) -> None:
        done = subprocess.run(["openssl", *args], cwd=str(folder), capture_output=True)
        if done.returncode != 0:
            pytest.fail(f"openssl {' '.join(args)} failed:\n{done.stderr.decode(errors='replace')}")

    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-config", "openssl.cnf"]
    openssl(
        "req",
        "-x509",
        *new_key,
        "-extensions",
        "ca",
        "-subj",
        "/CN=openai-lite test CA",
        "-days",
        "2",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    )
    for serial, (name, common_name) in enumerate([("server", "127.0.0.1"), ("client", CLIENT_CN)], start=2):
        openssl("req", "-new", *new_key, "-subj", f"/CN={common_name}", "-keyout", f"{name}.key", "-out", f"{name}.csr")
        openssl(
            "x509",
            "-req",
            "-in",
            f"{name}.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            str(serial),
            "-days",
            "2",
            "-extfile",
            "openssl.cnf",
            "-extensions",
            name,
            "-out",
            f"{name}.pem",
        )
    # The client certificate and its key in one file, the other form requests takes for ``cert``.
    combined = (folder / "client.pem").read_bytes() + (folder / "client.key").read_bytes()
    (folder / "client-and-key.pem").write_bytes(combined)
    names = ["ca.pem", "server.pem", "server.key", "client.pem", "client.key", "client-and-key.pem"]
    return {name: str(folder / name) for name in names}


class HTTPSServer:
    """A small HTTPS server on 127.0.0.1 answering every GET with ``MODEL``; may demand a client certificate.

    ``requests`` records ``(path, headers, common name of the client certificate or None)``.
    """

    def __init__(self, pki: Dict[str, str], require_client_cert: bool) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pki["server.pem"], pki["server.key"])
        if require_client_cert:
            context.load_verify_locations(pki["ca.pem"])
            context.verify_mode = ssl.CERT_REQUIRED
        self.requests: List[Tuple[str, Dict[str, str], Optional[str]]] = []
        recorded = self.requests

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def setup(self) -> None:
                # The handshake runs here, in the connection's thread; a failed one ends the connection.
                self.request.do_handshake()
                super().setup()

            def do_GET(self) -> None:
                cert = self.request.getpeercert()
                subject = dict(item[0] for item in cert["subject"]).get("commonName") if cert else None
                recorded.append((self.path, {k.lower(): v for k, v in self.headers.items()}, subject))
                body = json.dumps(MODEL).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a refused handshake is what some tests expect; the client reports it

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True, do_handshake_on_connect=False)
        self.port = self.httpd.server_address[1]
        self.url = f"https://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def https_server(pki: Dict[str, str]) -> Iterator[Callable[[bool], HTTPSServer]]:
    """``https_server(require_client_cert)``; closed at teardown."""
    servers: List[HTTPSServer] = []

    def start(require_client_cert: bool) -> HTTPSServer:
        servers.append(HTTPSServer(pki, require_client_cert))
        return servers[-1]

    yield start
    for srv in servers:
        srv.close()


# Steps of the TLS cases: (environment, session, pki) -> None. A step "before" runs before the client is
# created (on a user session, or with no session yet for the client's own), a step "after" right after.
Step = Callable[[pytest.MonkeyPatch, Optional[requests.Session], Dict[str, str]], None]


def trust_our_ca(env: pytest.MonkeyPatch, session: Any, pki: Dict[str, str]) -> None:
    session.verify = pki["ca.pem"]


def present_client_cert(env: pytest.MonkeyPatch, session: Any, pki: Dict[str, str]) -> None:
    session.cert = (pki["client.pem"], pki["client.key"])


def present_client_cert_in_one_file(env: pytest.MonkeyPatch, session: Any, pki: Dict[str, str]) -> None:
    session.cert = pki["client-and-key.pem"]


def verify_nothing(env: pytest.MonkeyPatch, session: Any, pki: Dict[str, str]) -> None:
    session.verify = False


def distrust_environment(env: pytest.MonkeyPatch, session: Any, pki: Dict[str, str]) -> None:
    session.trust_env = False


def set_ca_bundle(env: pytest.MonkeyPatch, session: Any, pki: Dict[str, str]) -> None:
    env.setenv("REQUESTS_CA_BUNDLE", pki["ca.pem"])


def unset_ca_bundle(env: pytest.MonkeyPatch, session: Any, pki: Dict[str, str]) -> None:
    env.delenv("REQUESTS_CA_BUNDLE")


# (id, the server demands a client certificate, owner, steps before creation, steps after, succeeds)
TLS_CASES: List[Tuple[str, bool, str, Tuple[Step, ...], Tuple[Step, ...], bool]] = [
    ("verify-ca+cert-pair", True, "user-session", (trust_our_ca, present_client_cert), (), True),
    ("verify-ca+cert-one-file", True, "user-session", (trust_our_ca, present_client_cert_in_one_file), (), True),
    ("no-client-cert", True, "user-session", (trust_our_ca,), (), False),
    ("cert-set-after-creation", True, "user-session", (trust_our_ca,), (present_client_cert,), False),
    ("verify-false", False, "user-session", (verify_nothing,), (), True),
    ("default-trust/own-session", False, "own-session", (), (), False),
    ("default-trust/user-session", False, "user-session", (), (), False),
    ("verify-set-after-creation", False, "user-session", (), (trust_our_ca,), False),
    ("CA_BUNDLE/own-session", False, "own-session", (set_ca_bundle,), (), True),
    ("CA_BUNDLE/user-session", False, "user-session", (set_ca_bundle,), (), True),
    ("CA_BUNDLE-unset-after-creation", False, "own-session", (set_ca_bundle,), (unset_ca_bundle,), True),
    ("CA_BUNDLE-set-after-creation", False, "own-session", (), (set_ca_bundle,), False),
    ("CA_BUNDLE+trust_env-off", False, "user-session", (set_ca_bundle, distrust_environment), (), False),
]


@pytest.mark.filterwarnings("ignore:Unverified HTTPS request")
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize(
    ("mtls", "owner", "before", "after", "succeeds"), [c[1:] for c in TLS_CASES], ids=[c[0] for c in TLS_CASES]
)
def test_tls_settings_are_taken_when_the_client_is_built(
    https_server: Callable[[bool], HTTPSServer],
    pki: Dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    mtls: bool,
    owner: str,
    before: Tuple[Step, ...],
    after: Tuple[Step, ...],
    succeeds: bool,
    via: str,
    route: str,
) -> None:
    origin = https_server(mtls)
    session = requests.Session() if owner == "user-session" else None
    for step in before:
        step(monkeypatch, session, pki)
    with openai_lite.Client(api_key=KEY, base_url=origin.url + "/v1", max_retries=0, session=session) as client:
        if route == "Session.send":
            client.session.hooks["response"].append(_noop_hook)
        target = client.with_options(timeout=60) if via == "copy" else client
        for step in after:
            step(monkeypatch, client.session, pki)

        if succeeds:
            assert target.retrieve_model("gpt-4o-mini").id == MODEL["id"]
            ((path, headers, client_cn),) = origin.requests
            assert path == "/v1/models/gpt-4o-mini"
            assert headers["authorization"] == f"Bearer {KEY}"
            assert client_cn == (CLIENT_CN if mtls else None)
        else:
            with pytest.raises(APIConnectionError):
                target.retrieve_model("gpt-4o-mini")
            assert origin.requests == []
    if session is not None:
        session.close()


# ---------------------------------------------------------------------------
# Proxies: resolved once, when the client is built
# ---------------------------------------------------------------------------


class ForwardingProxy:
    """A small forward proxy: relays plain-http requests and tunnels CONNECT; records what it was asked.

    ``seen`` holds ``"METHOD target"`` lines, ``credentials`` the Proxy-Authorization of each request.
    """

    def __init__(self) -> None:
        self.seen: List[str] = []
        self.credentials: List[Optional[str]] = []
        self.stop = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def relay(self) -> None:
                proxy.seen.append(f"{self.command} {self.path}")
                proxy.credentials.append(self.headers.get("Proxy-Authorization"))
                target = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("proxy-authorization", "proxy-connection")
                }
                upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
                try:
                    upstream.request(
                        self.command,
                        target.path + (f"?{target.query}" if target.query else ""),
                        body=body,
                        headers=headers,
                    )
                    response = upstream.getresponse()
                    data = response.read()
                finally:
                    upstream.close()
                self.send_response(response.status, response.reason)
                for name, value in response.getheaders():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = relay

            def do_CONNECT(self) -> None:
                proxy.seen.append(f"CONNECT {self.path}")
                proxy.credentials.append(self.headers.get("Proxy-Authorization"))
                host, port = self.path.rsplit(":", 1)
                with socket.create_connection((host, int(port)), timeout=10) as upstream:
                    self.send_response(200, "Connection established")
                    self.end_headers()
                    proxy.pipe(self.connection, upstream)
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def pipe(self, a: socket.socket, b: socket.socket) -> None:
        while not self.stop.is_set():
            ready, _, _ = select.select([a, b], [], [], 0.05)
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    return
                (b if sock is a else a).sendall(data)

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def proxy() -> Iterator[ForwardingProxy]:
    srv = ForwardingProxy()
    yield srv
    srv.close()


# Steps of the proxy cases: (environment, session or None, proxy URL) -> None; "before" and "after" as for TLS.
ProxyStep = Callable[[pytest.MonkeyPatch, Optional[requests.Session], str], None]


def set_http_proxy(env: pytest.MonkeyPatch, session: Any, url: str) -> None:
    env.setenv("HTTP_PROXY", url)


def unset_http_proxy(env: pytest.MonkeyPatch, session: Any, url: str) -> None:
    env.delenv("HTTP_PROXY")


def bypass_loopback(env: pytest.MonkeyPatch, session: Any, url: str) -> None:
    env.setenv("NO_PROXY", "127.0.0.1")


def session_proxy(env: pytest.MonkeyPatch, session: Any, url: str) -> None:
    session.proxies = {"http": url}


def no_environment(env: pytest.MonkeyPatch, session: Any, url: str) -> None:
    session.trust_env = False


# (id, owner, steps before creation, steps after, the call goes through the proxy)
PROXY_CASES: List[Tuple[str, str, Tuple[ProxyStep, ...], Tuple[ProxyStep, ...], bool]] = [
    ("HTTP_PROXY/own-session", "own-session", (set_http_proxy,), (), True),
    ("HTTP_PROXY/user-session", "user-session", (set_http_proxy,), (), True),
    ("HTTP_PROXY-unset-after-creation", "own-session", (set_http_proxy,), (unset_http_proxy,), True),
    ("HTTP_PROXY-set-after-creation/own-session", "own-session", (), (set_http_proxy,), False),
    ("HTTP_PROXY-set-after-creation/user-session", "user-session", (), (set_http_proxy,), False),
    ("NO_PROXY", "own-session", (set_http_proxy, bypass_loopback), (), False),
    ("NO_PROXY-set-after-creation", "own-session", (set_http_proxy,), (bypass_loopback,), True),
    ("trust_env-off", "user-session", (set_http_proxy, no_environment), (), False),
    ("session.proxies", "user-session", (session_proxy,), (), True),
    ("session.proxies-set-after-creation", "user-session", (), (session_proxy,), False),
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize(
    ("owner", "before", "after", "proxied"), [c[1:] for c in PROXY_CASES], ids=[c[0] for c in PROXY_CASES]
)
def test_proxies_are_resolved_when_the_client_is_built(
    server: LoopbackServer,
    proxy: ForwardingProxy,
    monkeypatch: pytest.MonkeyPatch,
    owner: str,
    before: Tuple[ProxyStep, ...],
    after: Tuple[ProxyStep, ...],
    proxied: bool,
    via: str,
    route: str,
) -> None:
    session = requests.Session() if owner == "user-session" else None
    for step in before:
        step(monkeypatch, session, proxy.url)
    with openai_lite.Client(api_key=KEY, base_url=server.url + "/v1", max_retries=0, session=session) as client:
        if route == "Session.send":
            client.session.hooks["response"].append(_noop_hook)
        target = client.with_options(timeout=60) if via == "copy" else client
        for step in after:
            step(monkeypatch, client.session, proxy.url)
        server.reply(json_reply(MODEL))

        assert target.retrieve_model("gpt-4o-mini").id == MODEL["id"]

    assert proxy.seen == ([f"GET {server.url}/v1/models/gpt-4o-mini"] if proxied else [])
    assert [r.target for r in server.requests] == ["/v1/models/gpt-4o-mini"]
    assert server.last_request.headers["authorization"] == f"Bearer {KEY}"
    if session is not None:
        session.close()


@pytest.mark.parametrize("how", ["HTTPS_PROXY", "session.proxies"])
@pytest.mark.parametrize("route", ROUTES)
def test_https_through_a_proxy_tunnel_keeps_the_proxy_credentials_at_the_proxy(
    https_server: Callable[[bool], HTTPSServer],
    pki: Dict[str, str],
    proxy: ForwardingProxy,
    build: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    route: str,
    how: str,
) -> None:
    origin = https_server(False)
    proxy_url = proxy.url.replace("http://", "http://user:secret@")

    def setup(session: requests.Session) -> None:
        session.verify = pki["ca.pem"]
        if how == "session.proxies":
            session.proxies = {"https": proxy_url}

    if how == "HTTPS_PROXY":
        monkeypatch.setenv("HTTPS_PROXY", proxy_url)
    client = build(route=route, configure=setup, base_url=origin.url + "/v1")

    assert client.retrieve_model("gpt-4o-mini").id == MODEL["id"]

    assert proxy.seen == [f"CONNECT 127.0.0.1:{origin.port}"]
    assert proxy.credentials == ["Basic " + base64.b64encode(b"user:secret").decode()]
    ((_, headers, _),) = origin.requests
    assert headers["authorization"] == f"Bearer {KEY}"
    assert "proxy-authorization" not in headers


@pytest.mark.parametrize("where", ["HTTP_PROXY", "session.proxies"])
@pytest.mark.parametrize("route", ROUTES)
def test_proxy_credentials_set_after_creation_never_reach_the_api_host(
    server: LoopbackServer, build: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, route: str, where: str
) -> None:
    client = build(route=route)
    unused_proxy = "http://user:secret@127.0.0.1:9"  # not used: proxies were resolved at creation
    if where == "HTTP_PROXY":
        monkeypatch.setenv("HTTP_PROXY", unused_proxy)
    else:
        client.session.proxies = {"http": unused_proxy}
    server.reply(json_reply(MODEL))

    client.retrieve_model("gpt-4o-mini")

    assert "proxy-authorization" not in server.last_request.headers


def test_a_with_options_copy_made_later_keeps_the_proxies_resolved_for_the_original(
    server: LoopbackServer, proxy: ForwardingProxy, build: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = build("own-session")
    monkeypatch.setenv("HTTP_PROXY", proxy.url)  # after the client was built: not for it ...
    copy = client.with_options(timeout=60)  # ... nor for a copy of it, which shares its session
    server.reply(json_reply(MODEL), json_reply(MODEL))

    client.retrieve_model("gpt-4o-mini")
    copy.retrieve_model("gpt-4o-mini")

    assert proxy.seen == []


# (id, the host the client is built for, the host of the copy, the copy goes through the proxy)
# NO_PROXY covers 127.0.0.1 but not localhost: the two names of the loopback server.
RETARGETS = [
    ("to-a-proxied-host", "127.0.0.1", "localhost", True),
    ("to-a-host-in-NO_PROXY", "localhost", "127.0.0.1", False),
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("built_for", "copy_for", "proxied"), [r[1:] for r in RETARGETS], ids=[r[0] for r in RETARGETS]
)
def test_a_with_options_copy_for_another_base_url_works_out_its_own_proxy(
    server: LoopbackServer,
    proxy: ForwardingProxy,
    build: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    built_for: str,
    copy_for: str,
    proxied: bool,
    route: str,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = build(route=route, base_url=f"http://{built_for}:{server.port}/v1")
    copy = client.with_options(base_url=f"http://{copy_for}:{server.port}/v1")
    server.reply(json_reply(MODEL), json_reply(MODEL))

    copy.retrieve_model("gpt-4o-mini")
    client.retrieve_model("gpt-4o-mini")

    via_proxy = [f"GET http://localhost:{server.port}/v1/models/gpt-4o-mini"]
    assert proxy.seen == via_proxy  # the one call to localhost, whichever of the two made it


@pytest.mark.parametrize("owner", OWNERS)
def test_a_with_options_copy_for_another_base_url_works_out_its_own_certificates(
    server: LoopbackServer,
    https_server: Callable[[bool], HTTPSServer],
    pki: Dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    owner: str,
) -> None:
    origin = https_server(False)
    session = requests.Session() if owner == "user-session" else None
    client = openai_lite.Client(api_key=KEY, base_url=server.url + "/v1", max_retries=0, session=session)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", pki["ca.pem"])  # a copy for another host is built as a new client

    copy = client.with_options(base_url=origin.url + "/v1")

    assert copy.retrieve_model("gpt-4o-mini").id == MODEL["id"]
    client.close()
    if session is not None:
        session.close()


# ---------------------------------------------------------------------------
# Session headers: read on every call, ours win
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("owner", OWNERS)
def test_session_headers_go_with_every_call_and_ours_win(
    server: LoopbackServer, build: Callable[..., Any], owner: str, via: str, route: str
) -> None:
    def headers(session: requests.Session) -> None:
        session.headers.update(
            # Spelled in lower case on purpose: header names are case-insensitive.
            {"X-Team": "blue", "user-agent": "their-agent/1.0", "authorization": "Bearer theirs", "accept": "text/html"}
        )

    run_every_kind_of_call(build(owner, via, route, configure=headers), server)

    for request in server.requests:
        assert request.headers["X-Team"] == "blue"
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        assert request.headers["User-Agent"].startswith(f"openai-lite/{openai_lite.__version__} ")
        assert request.headers["Accept"] != "text/html"
        assert [name for name, _ in request.raw_headers if name.lower() == "authorization"] == ["Authorization"]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("owner", OWNERS)
def test_a_header_set_on_the_session_after_creation_is_sent(
    server: LoopbackServer, build: Callable[..., Any], owner: str, via: str, route: str
) -> None:
    client = build(owner, via, route)
    server.reply(json_reply(MODEL), json_reply(MODEL))

    client.retrieve_model("gpt-4o-mini")
    client.session.headers["X-Team"] = "red"
    client.retrieve_model("gpt-4o-mini")

    first, second = server.requests
    assert "X-Team" not in first.headers
    assert second.headers["X-Team"] == "red"


# ---------------------------------------------------------------------------
# auth, response hooks, cookies: the Session.send path, on every call
# ---------------------------------------------------------------------------


class GatewayAuth(AuthBase):
    """A custom auth that adds a header of its own, numbered so that each application shows."""

    def __init__(self) -> None:
        self.applied = 0

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        self.applied += 1
        request.headers["X-Gateway-Token"] = f"token-{self.applied}"
        return request


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("owner", OWNERS)
def test_a_custom_session_auth_runs_on_every_call(
    server: LoopbackServer, build: Callable[..., Any], owner: str, via: str
) -> None:
    auth = GatewayAuth()
    run_every_kind_of_call(build(owner, via, configure=lambda s: setattr(s, "auth", auth)), server)

    assert [r.headers["X-Gateway-Token"] for r in server.requests] == ["token-1", "token-2", "token-3", "token-4"]
    assert {r.headers["Authorization"] for r in server.requests} == {f"Bearer {KEY}"}


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("owner", OWNERS)
def test_session_basic_auth_runs_on_every_call(
    server: LoopbackServer, build: Callable[..., Any], owner: str, via: str
) -> None:
    client = build(owner, via, configure=lambda s: setattr(s, "auth", HTTPBasicAuth("user", "pass")))
    run_every_kind_of_call(client, server)

    # requests applies auth after the headers: its Authorization is what the user asked for (a gateway, say).
    expected = "Basic " + base64.b64encode(b"user:pass").decode()
    assert [r.headers["Authorization"] for r in server.requests] == [expected] * len(CALLS)


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("kind", ["json", "stream", "download"])
def test_session_digest_auth_answers_the_challenge(
    server: LoopbackServer, build: Callable[..., Any], kind: str, via: str
) -> None:
    # HTTPDigestAuth works through a response hook of its own that sends the request again.
    call = CALLS[kind]
    challenge = {"WWW-Authenticate": 'Digest realm="gateway", nonce="abc123", qop="auth", algorithm=MD5'}
    server.reply(bytes_reply(b"", 401, challenge), call.reply)
    client = build(via=via, configure=lambda s: setattr(s, "auth", HTTPDigestAuth("user", "pass")))

    assert call.run(client) == call.expected

    first, second = server.requests
    assert first.headers["Authorization"] == f"Bearer {KEY}"
    assert second.headers["Authorization"].startswith('Digest username="user", realm="gateway", nonce="abc123"')


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("owner", OWNERS)
def test_session_response_hooks_see_every_response(
    server: LoopbackServer, build: Callable[..., Any], owner: str, via: str
) -> None:
    seen: List[Tuple[int, str]] = []

    def hook(response: requests.Response, **kwargs: Any) -> None:
        seen.append((response.status_code, response.url))

    run_every_kind_of_call(build(owner, via, configure=lambda s: s.hooks["response"].append(hook)), server)

    assert seen == [(200, server.url + call.path) for call in CALLS.values()]


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("owner", OWNERS)
def test_session_cookies_are_sent_with_every_call(
    server: LoopbackServer, build: Callable[..., Any], owner: str, via: str
) -> None:
    run_every_kind_of_call(build(owner, via, configure=lambda s: s.cookies.set("affinity", "node-7")), server)

    assert [r.headers["Cookie"] for r in server.requests] == ["affinity=node-7"] * len(CALLS)


class SpySession(requests.Session):
    """A session that records when its own ``prepare_request`` and ``send`` are used."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: List[str] = []

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        self.calls.append("prepare_request")
        return super().prepare_request(request)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.calls.append("send")
        return super().send(request, **kwargs)


SESSION_EXTRAS: Dict[str, Optional[Configure]] = {
    "nothing": None,
    "basic-auth": lambda s: setattr(s, "auth", HTTPBasicAuth("user", "pass")),
    "custom-auth": lambda s: setattr(s, "auth", GatewayAuth()),
    "response-hook": lambda s: s.hooks["response"].append(_noop_hook),
    "cookie": lambda s: s.cookies.set("a", "b"),
}


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("extra", list(SESSION_EXTRAS))
def test_session_send_is_used_only_for_auth_hooks_or_cookies(server: LoopbackServer, extra: str, via: str) -> None:
    session = SpySession()
    configure = SESSION_EXTRAS[extra]
    if configure is not None:
        configure(session)
    with openai_lite.Client(api_key=KEY, base_url=server.url + "/v1", max_retries=0, session=session) as client:
        run_every_kind_of_call(client.with_options(timeout=60) if via == "copy" else client, server)

    expected = [] if configure is None else ["prepare_request", "send"] * len(CALLS)
    assert session.calls == expected
    session.close()


# ---------------------------------------------------------------------------
# Redirects: never followed, so neither Authorization nor api-key goes elsewhere
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("owner", OWNERS)
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_origin_is_not_followed(
    server: LoopbackServer,
    other_server: LoopbackServer,
    build: Callable[..., Any],
    status: int,
    owner: str,
    via: str,
    route: str,
) -> None:
    location = other_server.url + "/v1/chat/completions"
    server.reply(bytes_reply(b"", status, {"Location": location}))
    client = build(owner, via, route)

    with pytest.raises(APIStatusError) as caught:
        client.create_chat_completion(model="m", messages=MESSAGES)

    assert caught.value.status_code == status
    assert caught.value.response.headers["Location"] == location
    assert server.last_request.headers["Authorization"] == f"Bearer {KEY}"
    assert other_server.requests == []  # neither the key nor the body went there


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("owner", OWNERS)
@pytest.mark.parametrize("status", [302, 307])
def test_an_azure_redirect_to_another_origin_is_not_followed(
    server: LoopbackServer,
    other_server: LoopbackServer,
    build: Callable[..., Any],
    status: int,
    owner: str,
    via: str,
    route: str,
) -> None:
    location = other_server.url + "/openai/deployments/gpt-4o/chat/completions?api-version=" + AZURE_VERSION
    server.reply(bytes_reply(b"", status, {"Location": location}))
    client = build(owner, via, route, azure=True)

    with pytest.raises(APIStatusError) as caught:
        client.create_chat_completion(model="gpt-4o", messages=MESSAGES)

    assert caught.value.status_code == status
    assert server.last_request.path == "/openai/deployments/gpt-4o/chat/completions"
    assert server.last_request.headers["api-key"] == AZURE_KEY
    assert other_server.requests == []


@pytest.mark.parametrize("route", ROUTES)
def test_a_redirect_within_the_same_origin_is_not_followed_either(
    server: LoopbackServer, build: Callable[..., Any], route: str
) -> None:
    server.reply(bytes_reply(b"", 307, {"Location": "/v1/models/other"}), json_reply(MODEL))
    with pytest.raises(APIStatusError) as caught:
        build(route=route).retrieve_model("gpt-4o-mini")
    assert caught.value.status_code == 307
    assert [r.path for r in server.requests] == ["/v1/models/gpt-4o-mini"]


# ---------------------------------------------------------------------------
# Regressions: bugs these tests found once
# ---------------------------------------------------------------------------


class QuerySigningAuth(AuthBase):
    """An auth that signs the URL with a query parameter, as some gateways want."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.prepare_url(request.url, {"signature": "abc"})
        return request


def test_a_session_auth_may_change_the_url(server: LoopbackServer, build: Callable[..., Any]) -> None:
    server.reply(json_reply(MODEL))
    build(configure=lambda s: setattr(s, "auth", QuerySigningAuth())).retrieve_model("gpt-4o-mini")
    assert server.last_request.path == "/v1/models/gpt-4o-mini"
    assert server.last_request.query == {"signature": ["abc"]}


@pytest.mark.parametrize("extra", ["nothing", "response-hook", "cookie"])
def test_a_netrc_entry_never_replaces_the_api_key(
    server: LoopbackServer, build: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, extra: str
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password elsewhere\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    server.reply(json_reply(MODEL))

    build(configure=SESSION_EXTRAS[extra]).retrieve_model("gpt-4o-mini")

    assert server.last_request.headers["Authorization"] == f"Bearer {KEY}"


def _retry_upload(session: requests.Session, server: LoopbackServer) -> None:
    session.mount(server.url, HTTPAdapter(max_retries=status_retry(read=False)))
    server.reply(json_reply(ERROR, 503), json_reply(FILE))


def _digest_upload(session: requests.Session, server: LoopbackServer) -> None:
    session.auth = HTTPDigestAuth("user", "pass")
    challenge = {"WWW-Authenticate": 'Digest realm="gateway", nonce="abc123", qop="auth", algorithm=MD5'}
    server.reply(bytes_reply(b"", 401, challenge), json_reply(FILE))


@pytest.mark.parametrize("how", ["adapter-retry", "digest-auth"])
def test_an_upload_can_be_sent_again_by_the_adapter_or_the_auth(
    server: LoopbackServer, build: Callable[..., Any], how: str
) -> None:
    setup = _retry_upload if how == "adapter-retry" else _digest_upload
    # A short read timeout: with the bug the server waits for a body that never comes.
    client = build(configure=lambda s: setup(s, server), timeout=(5, 1))

    assert client.create_file(file=UPLOAD, purpose="batch").id == "file-1"

    assert [[p.data for p in r.multipart() if p.name == "file"] for r in server.requests] == [[UPLOAD]] * 2


def test_a_read_timeout_is_described_as_one(server: LoopbackServer, build: Callable[..., Any]) -> None:
    # Not about sessions, found on the way: the message of the commonest transport error.
    server.reply(stall_reply(10))
    with pytest.raises(APITimeoutError) as caught:
        build().retrieve_model("gpt-4o-mini", timeout=(5, 0.2))
    assert "timed out" in str(caught.value)
    assert "getresponse" not in str(caught.value)
