"""Tests of the loopback test server itself, through raw sockets and plain ``requests``."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from typing import Any, BinaryIO, List, Tuple

import pytest
import requests
from _loopback import (
    LoopbackServer,
    Reply,
    bytes_reply,
    chunked_reply,
    close_delimited_reply,
    json_reply,
    raw_reply,
    reset_reply,
    sse_event,
    sse_reply,
    stall_reply,
)

# ---------------------------------------------------------------------------
# raw-socket helpers: see exactly what the server put on the wire
# ---------------------------------------------------------------------------


def connect(server: LoopbackServer, timeout: float = 5) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=timeout)


def get(target: str = "/x", extra: str = "") -> bytes:
    return f"GET {target} HTTP/1.1\r\nHost: test\r\n{extra}\r\n".encode("latin-1")


def read_head(f: BinaryIO) -> Tuple[str, List[Tuple[str, str]]]:
    status = f.readline().decode("latin-1").rstrip("\r\n")
    headers = []
    while True:
        line = f.readline().decode("latin-1")
        assert line.endswith("\r\n"), f"truncated head: {line!r}"
        if line == "\r\n":
            return status, headers
        name, _, value = line.partition(":")
        headers.append((name, value.strip()))


def read_chunks(f: BinaryIO) -> List[Tuple[bytes, float]]:
    """Read a chunked body; each HTTP chunk with its arrival time (monotonic)."""
    chunks = []
    while True:
        size = int(f.readline(), 16)
        if size == 0:
            assert f.readline() == b"\r\n"
            return chunks
        data = f.read(size)
        chunks.append((data, time.monotonic()))
        assert f.readline() == b"\r\n"


def read_to_eof(sock: socket.socket) -> bytes:
    out = b""
    while True:
        data = sock.recv(65536)
        if not data:
            return out
        out += data


# ---------------------------------------------------------------------------
# reply helpers produce exact framing
# ---------------------------------------------------------------------------


def test_json_reply_bytes_on_the_wire(server: LoopbackServer) -> None:
    server.reply(json_reply({"id": "m1", "n": [1, 2]}), json_reply({"ok": True}, status=201))
    body = json.dumps({"id": "m1", "n": [1, 2]}).encode()
    with connect(server) as sock:
        sock.sendall(get())
        expected = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
            b"x-request-id: req_test\r\n\r\n%s" % (len(body), body)
        )
        received = b""
        while len(received) < len(expected):
            received += sock.recv(65536)
        assert received == expected
        # keep-alive: the same socket serves the next request
        sock.sendall(get())
        f = sock.makefile("rb")
        status, headers = read_head(f)
        assert status == "HTTP/1.1 201 Created"
        assert f.read(int(dict(headers)["Content-Length"])) == b'{"ok": true}'
    assert server.connections == 1


def test_reply_headers_override_add_and_remove(server: LoopbackServer) -> None:
    server.reply(
        json_reply({}, headers={"x-request-id": "req_1", "Retry-After": 2}),
        json_reply({}, headers=[("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("x-request-id", None)]),
        bytes_reply(b"\x00\x01", headers={"Content-Type": None}),
        bytes_reply("hi"),
        bytes_reply(b"", status=204),
    )
    with requests.Session() as s:
        r = s.get(server.url)
        assert r.headers["x-request-id"] == "req_1"
        assert r.headers["retry-after"] == "2"
        r = s.get(server.url)
        assert "x-request-id" not in r.headers
        assert r.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]
        r = s.get(server.url)
        assert "content-type" not in r.headers and r.content == b"\x00\x01"
        r = s.get(server.url)
        assert r.headers["content-type"] == "text/plain; charset=utf-8" and r.text == "hi"
        r = s.get(server.url)
        assert r.status_code == 204 and "content-length" not in r.headers and r.content == b""
    assert server.connections == 1


def test_raw_reply_exact_bytes_then_close(server: LoopbackServer) -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Odd:  spaced \r\n\r\nhello"
    server.reply(raw_reply(data))
    with connect(server) as sock:
        sock.sendall(get())
        assert read_to_eof(sock) == data


def test_raw_reply_keep_open(server: LoopbackServer) -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    server.reply(raw_reply(data, close=False), raw_reply(data, close=False))
    with requests.Session() as s:
        assert s.get(server.url).text == "ok"
        assert s.get(server.url).text == "ok"
    assert server.connections == 1


def test_chunked_reply_boundaries_and_delays(server: LoopbackServer) -> None:
    server.reply(chunked_reply([b'{"a":', (b"", 0.1), ("1,", 0.5), b'"b":2}'], headers={"X-Extra": "1"}))
    with connect(server) as sock:
        start = time.monotonic()
        sock.sendall(get())
        f = sock.makefile("rb")
        status, headers = read_head(f)
        assert status == "HTTP/1.1 200 OK"
        assert headers == [
            ("Content-Type", "application/json"),  # sniffed: the pieces join to valid JSON
            ("Transfer-Encoding", "chunked"),
            ("x-request-id", "req_test"),
            ("X-Extra", "1"),
        ]
        chunks = read_chunks(f)
        # one HTTP chunk per non-empty piece, in order, with the delays really applied
        assert [data for data, _ in chunks] == [b'{"a":', b"1,", b'"b":2}']
        # (upper bounds are loose so that a loaded CI machine does not make this flaky)
        assert chunks[0][1] - start < 0.45
        assert chunks[1][1] - chunks[0][1] >= 0.55  # 0.1 for the empty piece + 0.5
        assert chunks[2][1] - chunks[1][1] < 0.45
        sock.sendall(get())  # still keep-alive after a chunked reply
        assert read_head(f)[0] == "HTTP/1.1 404 Not Found"


def test_chunked_reply_default_delay_and_content_type(server: LoopbackServer) -> None:
    server.reply(chunked_reply([b"\xff", b"\xfe"], delay=0.2))
    start = time.monotonic()
    r = requests.get(server.url)
    assert time.monotonic() - start >= 0.35
    assert r.content == b"\xff\xfe"
    assert r.headers["content-type"] == "application/octet-stream"


def test_close_delimited_reply(server: LoopbackServer) -> None:
    server.reply(close_delimited_reply([b"part1 ", (b"part2", 0.2)]), close_delimited_reply(["x"]))
    with connect(server) as sock:
        sock.sendall(get())
        data = read_to_eof(sock)  # the server closed the connection
    head, _, body = data.partition(b"\r\n\r\n")
    assert body == b"part1 part2"
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 200 OK"
    names = {line.split(":")[0].lower() for line in lines[1:]}
    assert "content-length" not in names and "transfer-encoding" not in names
    assert "Connection: close" in lines
    r = requests.get(server.url)
    assert r.content == b"x"
    assert server.connections == 2


def test_sse_reply_chunked_and_close_delimited(server: LoopbackServer) -> None:
    events = [sse_event({"i": 1}), sse_event("two\nlines", event="ping", id="7"), "data: [DONE]\n\n"]
    assert events[1] == "event: ping\nid: 7\ndata: two\ndata: lines\n\n"
    server.reply(sse_reply(events, delay=0.05), sse_reply(events, chunked=False, headers={"x-request-id": None}))
    expected_lines = ['data: {"i": 1}', "", "event: ping", "id: 7", "data: two", "data: lines", "", "data: [DONE]", ""]
    for chunked in (True, False):
        with requests.get(server.url, stream=True) as r:
            assert r.headers["content-type"] == "text/event-stream"
            assert r.headers["cache-control"] == "no-cache"
            assert ("transfer-encoding" in r.headers) is chunked
            assert ("x-request-id" in r.headers) is chunked
            assert list(r.iter_lines(decode_unicode=True)) == expected_lines

    server.reply(sse_reply([b"data: a\n\n", (b"data: b\n\n", 0.1)]))
    with connect(server) as sock:
        sock.sendall(get())
        f = sock.makefile("rb")
        read_head(f)
        assert [data for data, _ in read_chunks(f)] == [b"data: a\n\n", b"data: b\n\n"]


def test_reset_reply(server: LoopbackServer) -> None:
    server.reply(reset_reply(), reset_reply(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"))
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url)
    with connect(server) as sock:
        sock.sendall(get())
        with pytest.raises(ConnectionResetError):
            while sock.recv(65536):  # may or may not deliver the bytes before the RST
                pass


def test_stall_reply_client_read_timeout(server: LoopbackServer) -> None:
    server.reply(stall_reply(30))
    start = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        requests.get(server.url, timeout=(2, 0.3))
    assert time.monotonic() - start < 2
    start = time.monotonic()
    server.close()  # the connection thread is still inside its 30 s stall
    assert time.monotonic() - start < 1


def test_stall_then_reply_and_stall_then_close(server: LoopbackServer) -> None:
    server.reply(stall_reply(0.3, json_reply({"late": True})), stall_reply(0.1))
    start = time.monotonic()
    assert requests.get(server.url).json() == {"late": True}
    assert time.monotonic() - start >= 0.3
    with connect(server) as sock:
        sock.sendall(get())
        assert read_to_eof(sock) == b""  # closed without a response


# ---------------------------------------------------------------------------
# request recording
# ---------------------------------------------------------------------------


def test_keep_alive_reuse_counted_by_connections(server: LoopbackServer) -> None:
    with requests.Session() as s:
        server.reply(json_reply({}), json_reply({}), json_reply({}, headers={"Connection": "close"}), json_reply({}))
        for _ in range(4):
            assert s.get(server.url + "/v1/models").status_code == 200
    assert [r.connection_id for r in server.requests] == [1, 1, 1, 2]
    assert server.connections == 2
    # a client asking for Connection: close gets its connection closed after the reply
    with connect(server) as sock:
        sock.sendall(get(extra="Connection: close\r\n"))
        assert read_to_eof(sock).startswith(b"HTTP/1.1 404 ")


def test_recorded_request_fields(server: LoopbackServer) -> None:
    server.reply(json_reply({}))
    requests.post(
        server.url + "/v1/chat/completions?stream=true&tag=a&tag=b&empty=",
        json={"model": "gpt", "n": 1},
        headers={"Authorization": "Bearer sk-x", "X-Custom": "v"},
    )
    rec = server.last_request
    assert rec.method == "POST"
    assert rec.target == "/v1/chat/completions?stream=true&tag=a&tag=b&empty="
    assert rec.path == "/v1/chat/completions"
    assert rec.query == {"stream": ["true"], "tag": ["a", "b"], "empty": [""]}
    assert rec.headers["authorization"] == rec.headers["AUTHORIZATION"] == "Bearer sk-x"
    assert "x-custom" in rec.headers and "missing" not in rec.headers
    assert rec.headers["Content-Length"] == str(len(rec.body))
    assert rec.json() == {"model": "gpt", "n": 1}
    assert rec.http_version == "HTTP/1.1" and rec.connection_id == 1

    with connect(server) as sock:
        sock.sendall(b"GET /h HTTP/1.1\r\nHost: t\r\nX-Dup: 1\r\nx-dup: 2\r\nConnection: close\r\n\r\n")
        read_to_eof(sock)
    rec = server.last_request
    assert rec.raw_headers == [("Host", "t"), ("X-Dup", "1"), ("x-dup", "2"), ("Connection", "close")]
    assert rec.headers["X-DUP"] == "2"  # last wins
    assert rec.body == b""


def test_percent_encoded_target_recorded_as_sent(server: LoopbackServer) -> None:
    target = "/v1/models/..%2Ffiles?a=1&q=%20x%2B&a=2"
    with connect(server) as sock:
        sock.sendall(get(target, "Connection: close\r\n"))
        read_to_eof(sock)
    rec = server.last_request
    assert rec.target == target
    assert rec.path == "/v1/models/..%2Ffiles"
    assert rec.query == {"a": ["1", "2"], "q": [" x+"]}
    # requests keeps %2F as sent too, so tests can assert the client's escaping
    requests.get(server.url + "/v1/files/a%2Fb")
    assert server.last_request.path == "/v1/files/a%2Fb"


def test_chunked_request_body_is_dechunked(server: LoopbackServer) -> None:
    # (no empty piece: requests < 2.32 writes it as the terminating 0-size chunk)
    requests.post(server.url + "/upload", data=(piece for piece in [b"hello ", b"chunked ", b"world"]))
    rec = server.last_request
    assert rec.headers["transfer-encoding"] == "chunked"
    assert rec.body == b"hello chunked world"
    with connect(server) as sock:  # chunk extensions and trailers
        sock.sendall(
            b"POST /u HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5;ext=1\r\nabcde\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n" + get("/after", "Connection: close\r\n")
        )
        read_to_eof(sock)
    assert [r.body for r in server.requests[1:]] == [b"abcde0123456789", b""]
    assert server.requests[-1].target == "/after"  # framing stayed in sync


def test_expect_100_continue(server: LoopbackServer) -> None:
    server.reply(json_reply({"ok": 1}))
    with connect(server) as sock:
        sock.sendall(b"POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        f = sock.makefile("rb")
        assert f.readline() == b"HTTP/1.1 100 Continue\r\n"
        assert f.readline() == b"\r\n"
        sock.sendall(b"data")
        assert read_head(f)[0] == "HTTP/1.1 200 OK"
    assert server.last_request.body == b"data"


def test_pipelined_requests(server: LoopbackServer) -> None:
    server.reply(bytes_reply("one"), bytes_reply("two"))
    with connect(server) as sock:
        sock.sendall(get("/1") + get("/2", "Connection: close\r\n"))
        data = read_to_eof(sock)
    assert data.count(b"HTTP/1.1 200 OK") == 2 and data.endswith(b"two")
    assert [r.target for r in server.requests] == ["/1", "/2"]


# ---------------------------------------------------------------------------
# programming the server
# ---------------------------------------------------------------------------


def test_queue_fifo_callables_and_fallback_handler(server: LoopbackServer) -> None:
    server.reply(json_reply({"n": 1}), lambda rec: json_reply({"echo": rec.path}))
    assert server.queued == 2
    assert requests.get(server.url + "/a").json() == {"n": 1}
    assert requests.get(server.url + "/b").json() == {"echo": "/b"}
    r = requests.get(server.url + "/c?x=1")  # default fallback
    assert r.status_code == 404
    assert r.json()["error"]["message"] == "loopback: no reply queued for GET /c?x=1"

    @server.handler
    def echo(rec: Any) -> Reply:
        return json_reply({"method": rec.method}, status=202)

    r = requests.delete(server.url + "/d")
    assert (r.status_code, r.json()) == (202, {"method": "DELETE"})
    assert server.queued == 0


def test_handler_exception_gives_500_and_records_error(server: LoopbackServer) -> None:
    server.handler(lambda rec: 1 / 0)
    r = requests.get(server.url)
    assert r.status_code == 500
    assert "ZeroDivisionError" in server.errors[0]
    server.errors.clear()  # otherwise the fixture fails this test at teardown


def test_malformed_request_gets_400(server: LoopbackServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        assert read_to_eof(sock).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert len(server.errors) == 1 and not server.requests
    server.errors.clear()


def test_wait_for_requests(server: LoopbackServer) -> None:
    server.reply(stall_reply(0.2, json_reply({})))
    thread = threading.Thread(target=requests.get, args=(server.url,))
    thread.start()
    server.wait_for_requests(1, timeout=5)  # returns while the reply is still stalled
    assert thread.is_alive()
    thread.join()
    start = time.monotonic()
    with pytest.raises(AssertionError, match="expected 2 requests"):
        server.wait_for_requests(2, timeout=0.2)
    assert time.monotonic() - start < 1


def test_close_is_prompt_and_idempotent() -> None:
    server = LoopbackServer()
    server.reply(stall_reply(60), chunked_reply([b"a", (b"b", 60)]))
    idle = connect(server)  # connected, never sends anything
    stalled = connect(server)
    stalled.sendall(get())
    streaming = connect(server)
    streaming.sendall(get())
    server.wait_for_requests(2)
    time.sleep(0.05)
    start = time.monotonic()
    server.close()
    server.close()
    assert time.monotonic() - start < 1
    for sock in (idle, stalled, streaming):
        with sock:
            try:
                while sock.recv(65536):
                    pass
            except ConnectionError:
                pass
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url, timeout=2)


def test_concurrent_sessions(server: LoopbackServer) -> None:
    server.handler(lambda rec: json_reply({"path": rec.path}))
    threads_n, per_thread = 16, 200
    failures: List[BaseException] = []

    def worker(i: int) -> None:
        try:
            with requests.Session() as s:
                for j in range(per_thread):
                    r = s.post(f"{server.url}/t{i}/{j}", json={"i": i, "j": j}, timeout=10)
                    assert r.json() == {"path": f"/t{i}/{j}"}
        except BaseException as exc:  # reported from the main thread
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures
    assert len(server.requests) == threads_n * per_thread
    assert server.connections == threads_n  # every session kept its single connection alive
    assert len({(r.json()["i"], r.json()["j"]) for r in server.requests}) == threads_n * per_thread


def test_multipart_parsing(server: LoopbackServer) -> None:
    requests.post(
        server.url + "/v1/files",
        data={"purpose": "fine-tune"},
        files={"file": ("data.jsonl", b'{"a": 1}\r\n\x00\xff', "application/jsonl")},
    )
    purpose, file = server.last_request.multipart()
    assert (purpose.name, purpose.filename, purpose.text) == ("purpose", None, "fine-tune")
    assert (file.name, file.filename, file.content_type) == ("file", "data.jsonl", "application/jsonl")
    assert file.data == b'{"a": 1}\r\n\x00\xff'


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------


def test_environment_is_isolated() -> None:
    leaked = [name for name in os.environ if name.upper().startswith(("OPENAI_", "AZURE_OPENAI_"))]
    assert leaked == []


def test_make_client_defaults_and_overrides(monkeypatch: pytest.MonkeyPatch, make_client: Any) -> None:
    import openai_lite

    class FakeClient:
        def __init__(self, **kwargs: Any) -> None:
            self.kwargs = kwargs

        def close(self) -> None:
            pass

    # make_client imports openai_lite.Client at call time, so it picks up the fake.
    monkeypatch.setattr(openai_lite, "Client", FakeClient, raising=False)
    base_url = make_client().kwargs["base_url"]
    assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
    assert make_client().kwargs == {"api_key": "sk-test-key", "base_url": base_url, "max_retries": 0}
    assert make_client(max_retries=3, timeout=1).kwargs == {
        "api_key": "sk-test-key",
        "base_url": base_url,
        "max_retries": 3,
        "timeout": 1,
    }
