"""Streamed multipart bodies (``MultipartBody``) and binary responses (``BinaryResponse``).

Bodies are checked byte for byte, then sent with plain ``requests`` and through the
client's pipeline to the loopback server and parsed back from what it received.
"""

from __future__ import annotations

import io
import os
import pathlib
import time
from typing import Any, Callable, Iterator, List, Optional, Tuple

import pytest
import requests
from _loopback import LoopbackServer, Reply, bytes_reply, chunked_reply, json_reply

import openai_lite
from openai_lite import BinaryResponse
from openai_lite._files import MultipartBody, flatten_form

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def write(path: pathlib.Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def fds_open_on(path: str) -> int:
    """How many of this process's file descriptors are open on ``path`` (Linux /proc)."""
    target = os.path.realpath(path)
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == target:
                count += 1
        except OSError:
            pass  # closed meanwhile (the listing's own descriptor)
    return count


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")


def read_in_blocks(body: MultipartBody, size: int) -> bytes:
    out = []
    while True:
        block = body.read(size)
        assert len(block) <= size
        if not block:
            return b"".join(out)
        out.append(block)


def non_seekable(data: bytes) -> Any:
    """A binary file object that cannot seek (the read end of a pipe)."""
    r, w = os.pipe()
    os.write(w, data)
    os.close(w)
    return open(r, "rb")


def ok() -> Reply:
    return json_reply({"id": "file-1", "object": "file"})


# ---------------------------------------------------------------------------
# MultipartBody: exact bytes
# ---------------------------------------------------------------------------


def test_exact_bytes() -> None:
    fields = [*flatten_form("purpose", "fine-tune"), *flatten_form("count", 3)]
    body = MultipartBody(fields, [("file", ("train.jsonl", b'{"a": 1}\n')), ("extra", b"\x00\xff")])
    b = body.boundary
    expected = (
        (
            f'--{b}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune\r\n'
            f'--{b}\r\nContent-Disposition: form-data; name="count"\r\n\r\n3\r\n'
            f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="train.jsonl"\r\n'
            f"Content-Type: text/jsonl\r\n\r\n"
            '{"a": 1}\n\r\n'
            f'--{b}\r\nContent-Disposition: form-data; name="extra"; filename="upload"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"\x00\xff\r\n"
        + f"--{b}--\r\n".encode()
    )
    assert body.content_type == f"multipart/form-data; boundary={b}"
    data = body.read()
    assert data == expected
    assert len(body) == len(data)
    assert body.read() == b""  # exhausted


def test_boundary_is_fresh_for_every_body() -> None:
    boundaries = {MultipartBody([], []).boundary for _ in range(5)}
    assert len(boundaries) == 5
    assert all(len(b) >= 16 and b.isalnum() for b in boundaries)


def test_form_values_are_flattened() -> None:
    fields = [
        *flatten_form("tags", ["a", "b"]),
        *flatten_form("meta", {"user": "u1", "nested": {"k": 1}, "list": [1]}),
        *flatten_form("stream", True),
        *flatten_form("echo", False),
        *flatten_form("skipped", None),
        *flatten_form("temperature", 0.5),
    ]
    assert fields == [
        ("tags[]", "a"),
        ("tags[]", "b"),
        ("meta[user]", "u1"),
        ("meta[nested][k]", 1),
        ("meta[list][]", 1),
        ("stream", True),
        ("echo", False),
        ("temperature", 0.5),
    ]
    body = MultipartBody(fields, [])
    text = body.read().decode()
    assert '\r\nContent-Disposition: form-data; name="stream"\r\n\r\ntrue\r\n' in text
    assert '\r\nContent-Disposition: form-data; name="echo"\r\n\r\nfalse\r\n' in text
    assert "Content-Type" not in text  # text fields carry no Content-Type


def test_names_and_filenames_are_escaped() -> None:
    body = MultipartBody([('a"b\r\nc', "v")], [("f", ('x"y\n.txt', b"1"))])
    text = body.read().decode()
    assert 'name="a%22b%0D%0Ac"' in text
    assert 'filename="x%22y%0A.txt"' in text


@pytest.mark.parametrize(
    "make_file",
    [
        lambda tmp: b"0123456789" * 1000,
        lambda tmp: write(tmp / "f.bin", b"x" * 70_000),
        lambda tmp: pathlib.Path(write(tmp / "f.bin", b"x" * 70_000)),
        lambda tmp: io.BytesIO(b"abc" * 50_000),
        lambda tmp: ("a.txt", bytearray(b"abc")),
        lambda tmp: ("a.txt", memoryview(b"abc")),
    ],
    ids=["bytes", "path", "pathlib", "fileobj", "bytearray", "memoryview"],
)
@pytest.mark.parametrize("block", [1, 7, 1000, 65536, -1])
def test_len_equals_the_bytes_produced(tmp_path: pathlib.Path, make_file: Callable[[Any], Any], block: int) -> None:
    body = MultipartBody([("purpose", "x"), ("n", 1)], [("file", make_file(tmp_path)), ("empty", b"")])
    data = body.read() if block == -1 else read_in_blocks(body, block)
    assert len(body) == len(data) == body.length
    assert data.endswith(f"--{body.boundary}--\r\n".encode())
    body.close()


def test_file_object_is_read_from_its_current_position() -> None:
    f = io.BytesIO(b"HEADER|payload")
    f.seek(7)
    body = MultipartBody([], [("file", f)])
    data = body.read()
    assert b"\r\n\r\npayload\r\n" in data and b"HEADER" not in data
    assert len(body) == len(data)


def test_unknown_size_gives_no_length() -> None:
    body = MultipartBody([], [("file", non_seekable(b"abc"))])
    assert body.length is None and len(body) == 0  # requests then sends it chunked
    assert body  # but it is not empty: requests.post(data=body) sends "data or {}"
    assert b"\r\n\r\nabc\r\n" in body.read()
    body.parts[0].fileobj.close()


def test_progress_callback() -> None:
    calls: List[Tuple[int, Optional[int]]] = []
    body = MultipartBody([("a", "b")], [("file", b"z" * 5000)], progress=lambda *call: calls.append(call))
    read_in_blocks(body, 1024)
    assert len(calls) > 1
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (len(body), len(body))


# ---------------------------------------------------------------------------
# MultipartBody: files are streamed
# ---------------------------------------------------------------------------


@needs_proc
def test_path_is_opened_lazily_streamed_and_closed(tmp_path: pathlib.Path) -> None:
    size = 300_000
    path = write(tmp_path / "big.bin", b"a" * size)
    body = MultipartBody([("purpose", "x" * 100)], [("file", path)])
    assert fds_open_on(path) == 0  # not opened by the constructor

    first = body.read(50)  # inside the text field: the file is still not needed
    assert fds_open_on(path) == 0
    first += body.read(1000)  # now into the file part
    assert fds_open_on(path) == 1

    # Change the end of the file: a body that streams the file picks the change up,
    # one that had read the file whole would not.
    with open(path, "r+b") as f:
        f.seek(size - 1000)
        f.write(b"b" * 1000)
    rest = read_in_blocks(body, 8192)
    data = first + rest
    assert b"a" * (size - 1000) + b"b" * 1000 + b"\r\n" in data
    assert len(data) == len(body)
    assert fds_open_on(path) == 0  # closed once read to its end


@needs_proc
def test_paths_are_open_one_at_a_time_and_closed_on_close(tmp_path: pathlib.Path) -> None:
    one = write(tmp_path / "one.txt", b"1" * 5000)
    two = write(tmp_path / "two.txt", b"2" * 5000)
    body = MultipartBody([], [("a", one), ("b", two)])
    data = body.read(4000)
    assert (fds_open_on(one), fds_open_on(two)) == (1, 0)
    data += body.read(4000)
    assert (fds_open_on(one), fds_open_on(two)) == (0, 1)
    body.close()  # abandoned half-way (e.g. the request failed): the open file is closed
    assert (fds_open_on(one), fds_open_on(two)) == (0, 0)
    assert b"1" * 5000 in data


@pytest.mark.parametrize("kind", ["path", "fileobj"])
def test_file_that_grew_is_sent_at_its_announced_size(
    server: LoopbackServer, tmp_path: pathlib.Path, kind: str
) -> None:
    # Bytes beyond Content-Length would be read by the server as the start of another request.
    path = write(tmp_path / "log.txt", b"1" * 1000)
    f = open(path, "rb") if kind == "fileobj" else None
    body = MultipartBody([], [("file", f or path)])
    with open(path, "ab") as appender:
        appender.write(b"2" * 500)
    server.reply(json_reply({}), json_reply({}))
    with requests.Session() as session:
        session.post(server.url, data=body, headers={"Content-Type": body.content_type})
        session.get(server.url)  # the same connection still works
    if f is not None:
        f.close()
    assert server.requests[0].multipart()[0].data == b"1" * 1000
    assert server.requests[0].headers["content-length"] == str(len(body)) == str(len(server.requests[0].body))
    assert server.requests[1].method == "GET"


def test_file_that_shrank_is_an_error_not_a_hang(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "f.txt", b"x" * 1000)
    body = MultipartBody([], [("file", path)])
    with open(path, "r+b") as f:
        f.truncate(400)
    with pytest.raises(OSError, match="400 of the 1000 bytes"):
        body.read()
    body.close()


def test_file_object_rewinds_for_a_retry(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "p.txt", b"from a path")
    f = io.BytesIO(b"skip|file object")
    f.seek(5)
    body = MultipartBody([("k", "v")], [("a", f), ("b", path), ("c", b"bytes")])
    first = read_in_blocks(body, 10)
    assert body.rewind() is True
    second = body.read()
    assert first == second
    assert b"file object" in first and b"skip" not in first and b"from a path" in first


def test_non_seekable_file_cannot_rewind() -> None:
    f = non_seekable(b"once")
    body = MultipartBody([], [("file", f)])
    assert b"once" in body.read()
    assert body.rewind() is False
    f.close()


# ---------------------------------------------------------------------------
# MultipartBody: filenames, content types, refused inputs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_file", "filename", "content_type"),
    [
        (lambda tmp: write(tmp / "train.jsonl", b"{}"), "train.jsonl", "text/jsonl"),
        (lambda tmp: write(tmp / "photo.PNG", b"png"), "photo.PNG", "image/png"),
        (lambda tmp: write(tmp / "notes.txt", b"t"), "notes.txt", "text/plain"),
        (lambda tmp: write(tmp / "clip.webm", b"w"), "clip.webm", "audio/webm"),
        (lambda tmp: write(tmp / "voice.m4a", b"m"), "voice.m4a", "audio/mp4"),
        (lambda tmp: write(tmp / "no_extension", b"?"), "no_extension", "application/octet-stream"),
        (lambda tmp: pathlib.Path(write(tmp / "p.json", b"{}")), "p.json", "application/json"),
        (lambda tmp: (None, write(tmp / "kept.txt", b"t")), "kept.txt", "text/plain"),
        (lambda tmp: ("renamed.csv", write(tmp / "orig.txt", b"t")), "renamed.csv", "text/csv"),
        (lambda tmp: ("a.txt", write(tmp / "b.bin", b"t"), "application/x-custom"), "a.txt", "application/x-custom"),
        (lambda tmp: ("speech.mp3", b"ID3"), "speech.mp3", "audio/mpeg"),
        (lambda tmp: (None, b"raw", "text/plain"), "upload", "text/plain"),
        (lambda tmp: b"raw", "upload", "application/octet-stream"),
        (lambda tmp: io.BytesIO(b"raw"), "upload", "application/octet-stream"),
        (lambda tmp: ("résumé.pdf", b"%PDF"), "résumé.pdf", "application/pdf"),
    ],
)
def test_filename_and_content_type(
    tmp_path: pathlib.Path, make_file: Callable[[Any], Any], filename: str, content_type: str
) -> None:
    body = MultipartBody([], [("file", make_file(tmp_path))])
    head = body.read().split(b"\r\n\r\n", 1)[0].decode("utf-8")
    assert f'; filename="{filename}"\r\nContent-Type: {content_type}' in head


def test_binary_file_object_takes_its_name(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "audio.wav", b"RIFF")
    with open(path, "rb") as f:
        body = MultipartBody([], [("file", f)])
        assert b'filename="audio.wav"\r\nContent-Type: audio/' in body.read()
        assert not f.closed  # a file object the caller passed is the caller's to close


@pytest.mark.parametrize("mode", ["text-file", "stringio"])
def test_text_mode_file_objects_are_refused(tmp_path: pathlib.Path, mode: str) -> None:
    path = write(tmp_path / "t.txt", b"text")
    with open(path) if mode == "text-file" else io.StringIO("text") as f:
        with pytest.raises(TypeError, match=r"binary mode \('rb'\)"):
            MultipartBody([], [("file", f)])


@pytest.mark.parametrize("value", [123, 1.5, None, object(), ("a", "b", "c", "d")], ids=repr)
def test_other_values_are_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        MultipartBody([], [("file", value)])


def test_missing_path_is_reported_at_construction(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.txt"):
        MultipartBody([], [("file", str(tmp_path / "nope.txt"))])


# ---------------------------------------------------------------------------
# MultipartBody on the wire
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("sized", [True, False], ids=["content-length", "chunked"])
def test_sent_with_requests_and_parsed_back(server: LoopbackServer, tmp_path: pathlib.Path, sized: bool) -> None:
    path = write(tmp_path / "train.jsonl", b'{"prompt": "x"}\n' * 5000)
    fileobj: Any = io.BytesIO(b"\x00\x01binary") if sized else non_seekable(b"\x00\x01binary")
    body = MultipartBody(
        [*flatten_form("purpose", "fine-tune"), *flatten_form("tags", ["a", "b"]), *flatten_form("m", {"k": True})],
        [("file", path), ("blob", fileobj)],
    )
    server.reply(json_reply({"ok": True}))
    response = requests.post(server.url + "/v1/files", data=body, headers={"Content-Type": body.content_type})
    assert response.json() == {"ok": True}
    body.close()
    fileobj.close()

    received = server.last_request
    if sized:
        assert received.headers["content-length"] == str(len(body))
    else:
        assert received.headers["transfer-encoding"] == "chunked"
    parts = received.multipart()
    assert [(p.name, p.filename, p.content_type) for p in parts] == [
        ("purpose", None, None),
        ("tags[]", None, None),
        ("tags[]", None, None),
        ("m[k]", None, None),
        ("file", "train.jsonl", "text/jsonl"),
        ("blob", "upload", "application/octet-stream"),
    ]
    assert [p.data for p in parts[:4]] == [b"fine-tune", b"a", b"b", b"true"]
    assert parts[4].data == pathlib.Path(path).read_bytes()
    assert parts[5].data == b"\x00\x01binary"


def _upload(client: Any, **body: Any) -> Any:
    """A multipart upload through the client's request pipeline (no upload endpoint exists yet)."""
    return client._request("POST", "/files", body=body, files=("file",), cast_to=None)


def test_client_pipeline_builds_the_form(server: LoopbackServer, client: Any, tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "a.txt", b"A")
    server.reply(ok())
    _upload(client, file=[path, ("b.png", b"B")], purpose="assistants", chunking={"size": 10}, flag=False, no=None)
    parts = server.last_request.multipart()
    assert [(p.name, p.filename, p.content_type, p.data) for p in parts] == [
        ("purpose", None, None, b"assistants"),
        ("chunking[size]", None, None, b"10"),
        ("flag", None, None, b"false"),
        ("file[]", "a.txt", "text/plain", b"A"),
        ("file[]", "b.png", "image/png", b"B"),
    ]


@pytest.mark.parametrize("kind", ["path", "fileobj", "bytes"])
def test_retry_resends_the_same_body(
    server: LoopbackServer, make_client: Any, tmp_path: pathlib.Path, kind: str
) -> None:
    client = make_client(max_retries=2, initial_retry_delay=0.01)
    content = b"line\n" * 20_000
    f = io.BytesIO(b"ignored" + content)
    f.seek(7)
    file = {"path": write(tmp_path / "d.jsonl", content), "fileobj": f, "bytes": content}[kind]
    server.reply(json_reply({"error": {}}, status=500), json_reply({"error": {}}, status=503), ok())
    _upload(client, file=file, purpose="batch")
    assert len(server.requests) == 3
    bodies = [r.body for r in server.requests]
    assert bodies[0] == bodies[1] == bodies[2]
    assert server.requests[2].multipart()[1].data == content


def test_non_seekable_file_is_not_retried(server: LoopbackServer, make_client: Any) -> None:
    client = make_client(max_retries=2, initial_retry_delay=0.01)
    f = non_seekable(b"stream me once")
    server.reply(json_reply({"error": {"message": "try again"}}, status=500), ok())
    with pytest.raises(openai_lite.InternalServerError):
        _upload(client, file=f, purpose="batch")
    f.close()
    assert len(server.requests) == 1
    assert server.requests[0].multipart()[1].data == b"stream me once"


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
