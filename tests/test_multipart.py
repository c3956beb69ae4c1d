"""Streamed multipart bodies (``_multipart.py``): file inputs, form fields, ``MultipartBody``.

Bodies are checked byte for byte, then sent with plain ``requests`` and through the
client's pipeline to the loopback server and parsed back from what it received.
"""

from __future__ import annotations

import io
import os
import pathlib
import threading
import time
from typing import Any, Callable, Iterator, List, Optional, Tuple

import pytest
import requests
from _loopback import LoopbackServer, Reply, json_reply

import openai_lite
from openai_lite._encoding import flatten
from openai_lite._multipart import BodyError, MultipartBody

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
    fields = [*flatten("purpose", "fine-tune"), *flatten("count", 3)]
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
    # The rule of query strings: one flattener for both.
    fields = [
        *flatten("tags", ["a", "b"]),
        *flatten("include[]", ["x"]),
        *flatten("meta", {"user": "u1", "nested": {"k": 1}, "list": [1]}),
        *flatten("stream", True),
        *flatten("echo", False),
        *flatten("skipped", None),
        *flatten("temperature", 0.5),
    ]
    assert fields == [
        ("tags[]", "a"),
        ("tags[]", "b"),
        ("include[]", "x"),  # not include[][]
        ("meta[user]", "u1"),
        ("meta[nested][k]", "1"),
        ("meta[list][]", "1"),
        ("stream", "true"),
        ("echo", "false"),
        ("temperature", "0.5"),
    ]
    body = MultipartBody(fields, [])
    text = body.read().decode()
    assert '\r\nContent-Disposition: form-data; name="stream"\r\n\r\ntrue\r\n' in text
    assert '\r\nContent-Disposition: form-data; name="echo"\r\n\r\nfalse\r\n' in text
    assert "Content-Type" not in text  # text fields carry no Content-Type


def test_names_and_filenames_are_escaped() -> None:
    body = MultipartBody([('a"b\r\nc', "v")], [("f", ('x"y\\.txt', b"1"))])
    text = body.read().decode()
    assert 'name="a%22b%0D%0Ac"' in text
    assert 'filename="x%22y\\\\.txt"' in text


# A part's file name or content type with CR, LF or NUL: refused (a content type is not quoted: it would add headers).
SPLITTING = {
    "content-type-crlf": ("a.txt", b"1", "text/plain\r\nX-Evil: 1"),
    "content-type-lf": ("a.txt", b"1", "text/plain\n"),
    "content-type-nul": ("a.txt", b"1", "text/plain\0"),
    "filename-crlf": ("a\r\nX-Evil: 1.txt", b"1"),
    "filename-lf": ("a\n.txt", b"1"),
    "filename-nul": ("a\0.txt", b"1", "text/plain"),
}


@pytest.mark.parametrize("value", list(SPLITTING.values()), ids=list(SPLITTING))
def test_cr_lf_in_a_file_name_or_content_type_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        MultipartBody([], [("file", value)])


def test_cr_lf_in_a_part_is_refused_before_sending(server: LoopbackServer, client: Any) -> None:
    with pytest.raises(ValueError, match="content type"):
        client.create_file(file=("a.jsonl", b"{}", "text/jsonl\r\nX-Evil: 1"), purpose="batch")
    assert server.connections == 0


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
    with pytest.raises(BodyError) as info:
        body.read()
    assert isinstance(info.value.error, OSError)
    assert "400 of the 1000 bytes" in str(info.value.error)
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
        [*flatten("purpose", "fine-tune"), *flatten("tags", ["a", "b"]), *flatten("m", {"k": True})],
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
# Paths without a size, directories, and errors raised while the body is read
# ---------------------------------------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
# Linux /proc files: they say 0 bytes, but have content (that does not change); one cannot even seek to its end.
PROC_FILES = ["/proc/sys/kernel/ostype", "/proc/version"]


@pytest.fixture
def fifo(tmp_path: pathlib.Path) -> Iterator[Tuple[str, bytes]]:
    """A named pipe and what a thread writes into it once it is opened for reading."""
    path = str(tmp_path / "pipe.jsonl")
    os.mkfifo(path)
    content = b'{"line": 1}\n' * 10_000
    writer = threading.Thread(target=lambda: pathlib.Path(path).write_bytes(content), daemon=True)
    writer.start()
    yield path, content
    if writer.is_alive():  # the test never read it all: unblock the writer (never blocking here)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        deadline = time.monotonic() + 5
        while writer.is_alive() and time.monotonic() < deadline:
            try:
                os.read(fd, 65536)
            except BlockingIOError:
                time.sleep(0.01)
        os.close(fd)
    writer.join(5)


@needs_fifo
def test_a_pipe_is_sent_as_it_reads(server: LoopbackServer, client: Any, fifo: Tuple[str, bytes]) -> None:
    path, content = fifo
    server.reply(ok())
    client.create_file(file=path, purpose="batch")
    request = server.last_request
    assert request.headers.get("transfer-encoding") == "chunked"  # no size to announce
    assert request.multipart()[1].data == content


@pytest.mark.skipif(not all(map(os.path.isfile, PROC_FILES)), reason="needs Linux /proc")
@pytest.mark.parametrize("path", PROC_FILES)
@pytest.mark.parametrize("kind", ["path", "fileobj"])
def test_a_file_that_says_0_bytes_but_has_content_is_sent_whole(
    server: LoopbackServer, client: Any, kind: str, path: str
) -> None:
    with open(path, "rb") as f:
        content = f.read()
    assert content and os.path.getsize(path) == 0
    server.reply(ok())
    with open(path, "rb") as f:
        client.create_file(file=f if kind == "fileobj" else path, purpose="batch")
    assert server.last_request.multipart()[1].data == content


def test_a_truly_empty_file_is_sent_with_its_length(
    server: LoopbackServer, client: Any, tmp_path: pathlib.Path
) -> None:
    server.reply(ok())
    client.create_file(file=write(tmp_path / "empty.jsonl", b""), purpose="batch")
    assert "content-length" in server.last_request.headers
    assert server.last_request.multipart()[1].data == b""


def test_a_directory_is_refused_before_sending(
    make_client: Any, server: LoopbackServer, tmp_path: pathlib.Path
) -> None:
    client = make_client(max_retries=2, initial_retry_delay=0.01)
    with pytest.raises(IsADirectoryError, match="directory"):
        client.create_file(file=str(tmp_path), purpose="batch")
    assert server.connections == 0


class Refused(Exception):
    pass


# What the progress callback raises: it must reach the caller as it is, on the first call, never retried.
CALLBACK_ERRORS = [BrokenPipeError(32, "Broken pipe"), OSError("disk full"), Refused("stop"), ValueError("no")]


@pytest.mark.parametrize("raised", CALLBACK_ERRORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("sized", [True, False], ids=["content-length", "chunked"])
def test_an_error_in_the_progress_callback_reaches_the_caller(
    make_client: Any, server: LoopbackServer, raised: BaseException, sized: bool
) -> None:
    # (timeout: urllib3 takes a BrokenPipeError while sending for the server's early answer, and waits for it)
    client = make_client(max_retries=2, initial_retry_delay=0.01, timeout=2)
    calls: List[Any] = []

    def progress(done: int, total: Optional[int]) -> None:
        calls.append((done, total))
        raise raised

    data = b"x" * 30_000  # (less than a pipe holds)
    file = ("a.jsonl", data) if sized else ("a.jsonl", non_seekable(data))
    server.handler(lambda request: ok())
    with pytest.raises(type(raised)) as info:
        client.create_file(file=file, purpose="batch", progress=progress)
    assert info.value is raised
    assert len(calls) == 1


def test_a_file_that_fails_to_read_is_not_retried(
    make_client: Any, server: LoopbackServer, tmp_path: pathlib.Path
) -> None:
    client = make_client(max_retries=2, initial_retry_delay=0.01)
    path = write(tmp_path / "f.jsonl", b"x" * 100_000)
    server.handler(lambda request: ok())

    def shrink(done: int, total: Optional[int]) -> None:
        with open(path, "r+b") as f:
            f.truncate(10)

    with pytest.raises(OSError, match="was it changed meanwhile"):
        client.create_file(file=path, purpose="batch", progress=shrink)
    assert server.requests == []  # the body never completed, and was not sent again
