"""Tests of openai_lite/testing/_http.py: request framing and how replies go out on the socket."""

from __future__ import annotations

import re
import socket
from typing import Iterator
from urllib.parse import urlsplit

import requests

from openai_lite.testing import FakeServer


def test_chunked_request_body(fake: FakeServer) -> None:
    def body() -> Iterator[bytes]:
        yield b'{"model": "gpt-4o-mini", '
        yield b'"input": "streamed upload"}'

    response = requests.post(
        fake.base_url + "/embeddings", data=body(), headers={"Content-Type": "application/json"}, timeout=10
    )
    assert response.status_code == 200
    assert fake.requests[0].headers["transfer-encoding"] == "chunked"
    assert fake.requests[0].body == {"model": "gpt-4o-mini", "input": "streamed upload"}


def port(fake: FakeServer) -> int:
    return int(urlsplit(fake.base_url).port or 0)


def raw_request(sock: socket.socket, path: str = "/v1/models") -> bytes:
    """Send a GET on a kept-alive raw socket; return what the first recv() brings back."""
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return sock.recv(1 << 20)


def test_replies_are_sent_with_tcp_nodelay(fake: FakeServer) -> None:
    with socket.create_connection(("127.0.0.1", port(fake))) as sock:
        raw_request(sock)
        (conn,) = fake._connections
        assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_a_reply_goes_out_in_one_send(fake: FakeServer) -> None:
    # Sent in one write, the whole reply is in the client's receive queue at once: its first recv()
    # returns head and body together (sent as two writes, the body would come later).
    with socket.create_connection(("127.0.0.1", port(fake))) as sock:
        sock.settimeout(10)
        for _ in range(20):
            data = raw_request(sock)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(re.search(rb"content-length: (\d+)", head, re.IGNORECASE).group(1))  # type: ignore[union-attr]
            assert len(body) == length and body.startswith(b'{"object": "list"')


def test_connection_close_is_honoured(fake: FakeServer) -> None:
    with socket.create_connection(("127.0.0.1", port(fake))) as sock:
        sock.settimeout(10)
        sock.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        received = b""
        while True:
            data = sock.recv(65536)
            if not data:
                break
            received += data
    assert b"\r\nconnection: close\r\n" in received.lower()


def test_a_body_without_valid_framing_is_a_400(fake: FakeServer) -> None:
    with socket.create_connection(("127.0.0.1", port(fake))) as sock:
        sock.settimeout(10)
        sock.sendall(b"POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        data = sock.recv(65536)
    assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"Could not read the request body." in data
