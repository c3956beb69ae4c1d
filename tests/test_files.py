"""Binary responses (``BinaryResponse``, ``_files.py``): bodies read in chunks, only when asked.

Replies come from the loopback server, byte for byte, through plain ``requests`` and the client.
"""

from __future__ import annotations

import pathlib
import time
from typing import Any, Callable, Iterator, List, Optional, Tuple

import pytest
import requests
from _loopback import LoopbackServer, Reply, bytes_reply, chunked_reply

import openai_lite
from openai_lite import BinaryResponse

# ---------------------------------------------------------------------------
# BinaryResponse
# ---------------------------------------------------------------------------

BLOB = bytes(range(256)) * 40  # 10 240 bytes


@pytest.fixture
def fetch(server: LoopbackServer) -> Iterator[Callable[[Reply], BinaryResponse]]:
    """Queue ``reply`` and return a BinaryResponse on a ``requests.get(..., stream=True)`` response."""
    responses: List[requests.Response] = []

    def get(reply: Reply) -> BinaryResponse:
        server.reply(reply)
        response = requests.get(server.url + "/v1/files/f/content", stream=True)
        responses.append(response)
        return BinaryResponse(response)

    yield get
    for response in responses:
        response.close()


def test_body_is_not_read_until_asked(fetch: Callable[[Reply], BinaryResponse]) -> None:
    start = time.monotonic()
    binary = fetch(chunked_reply([(b"late ", 0.6), b"body"], headers={"Content-Type": "audio/mpeg"}))
    # Everything but the body is there at once.
    assert (binary.status_code, binary.content_type, binary.request_id) == (200, "audio/mpeg", "req_test")
    assert binary.headers["transfer-encoding"] == "chunked"
    assert time.monotonic() - start < 0.45
    assert binary.content == b"late body"
    assert time.monotonic() - start >= 0.5
    assert repr(binary) == "<BinaryResponse 200 audio/mpeg>"


def test_content_reads_everything_once(fetch: Callable[[Reply], BinaryResponse]) -> None:
    binary = fetch(bytes_reply(BLOB))
    assert binary.content == BLOB
    assert binary.response.raw.closed
    assert binary.content is binary.content  # cached
    assert b"".join(binary.iter_bytes(1000)) == BLOB  # iterable again from the cache
    assert binary.text("latin-1") == BLOB.decode("latin-1")


@pytest.mark.parametrize("chunked", [False, True])
@pytest.mark.parametrize("chunk_size", [1, 1000, 4096, 100_000])
def test_iter_bytes(fetch: Callable[[Reply], BinaryResponse], chunk_size: int, chunked: bool) -> None:
    reply = chunked_reply([BLOB[:3000], BLOB[3000:]]) if chunked else bytes_reply(BLOB)
    binary = fetch(reply)
    pieces = list(binary.iter_bytes(chunk_size))
    assert b"".join(pieces) == BLOB
    assert all(0 < len(p) <= chunk_size for p in pieces)
    assert binary.response.raw.closed


@pytest.mark.parametrize("chunked", [False, True])
def test_write_to_file_with_progress(
    fetch: Callable[[Reply], BinaryResponse], tmp_path: pathlib.Path, chunked: bool
) -> None:
    reply = chunked_reply([BLOB[:5000], BLOB[5000:]]) if chunked else bytes_reply(BLOB)
    binary = fetch(reply)
    target = tmp_path / "out.bin"
    target.write_bytes(b"old content that is longer than nothing" * 1000)
    calls: List[Tuple[int, Optional[int]]] = []
    binary.write_to_file(target, progress=lambda done, total: calls.append((done, total)))
    assert target.read_bytes() == BLOB  # truncated, then written
    assert calls[-1] == (len(BLOB), None if chunked else len(BLOB))
    assert [done for done, _ in calls] == sorted({done for done, _ in calls})
    assert binary.response.raw.closed


def test_write_to_file_accepts_str_path(fetch: Callable[[Reply], BinaryResponse], tmp_path: pathlib.Path) -> None:
    fetch(bytes_reply(b"abc")).write_to_file(str(tmp_path / "s.bin"))
    assert (tmp_path / "s.bin").read_bytes() == b"abc"


@pytest.mark.parametrize("how", ["break", "close", "with"])
def test_response_is_closed_without_reading_on(fetch: Callable[[Reply], BinaryResponse], how: str) -> None:
    # Ten pieces a second apart: reading on would take seconds.
    start = time.monotonic()
    binary = fetch(chunked_reply([BLOB] + [(BLOB, 1.0)] * 10))
    if how == "break":
        for _ in binary.iter_bytes(1024):
            break
    elif how == "close":
        binary.close()
    else:
        with binary:
            pass
    assert binary.response.raw.closed
    assert time.monotonic() - start < 0.9


_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
DROPPED = {
    "content-length-short": Reply([(0.0, _HEAD + b"Content-Length: 1000\r\n\r\n" + b"x" * 10)], "close"),
    "content-length-reset": Reply([(0.0, _HEAD + b"Content-Length: 1000\r\n\r\n" + b"x" * 10), (0.2, b"")], "reset"),
    "chunked-truncated": Reply([*chunked_reply([b"x" * 10]).steps[:-1], (0.1, b"")], "close"),
}


@pytest.mark.parametrize("reply", list(DROPPED.values()), ids=list(DROPPED))
def test_connection_dropped_mid_body(fetch: Callable[[Reply], BinaryResponse], reply: Reply) -> None:
    binary = fetch(reply)
    with pytest.raises(openai_lite.APIConnectionError):
        binary.content  # noqa: B018
    assert binary.response.raw.closed


def test_client_returns_binary_response_unread(server: LoopbackServer, client: Any) -> None:
    server.reply(chunked_reply([b"RIFF", (b"data", 0.5)], headers={"x-request-id": "req_bin"}))
    start = time.monotonic()
    binary = client._request("GET", "/files/f/content", cast_to=BinaryResponse)
    assert time.monotonic() - start < 0.4
    assert isinstance(binary, BinaryResponse) and binary.request_id == "req_bin"
    assert binary.content == b"RIFFdata"
