"""How response bodies come off the wire (``openai_lite._transport``), through the real client.

Forked children never share a connection with their parent; streams give their connection back; a
non-streamed call ends by its deadline however slowly the server sends; decoded bodies are bounded in
size (and in memory while decompressing); 1xx interim answers are skipped. Everything runs against the
loopback server, which sends exact bytes, and every fault test is bounded in time.
"""

from __future__ import annotations

import gzip
import json
import os
import select
import signal
import threading
import time
import tracemalloc
import zlib
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
import requests
from _loopback import (
    LoopbackServer,
    Reply,
    bytes_reply,
    chunked_reply,
    close_delimited_reply,
    json_reply,
    sse_event,
    sse_reply,
)
from requests.adapters import HTTPAdapter

import openai_lite
from openai_lite import APIConnectionError, APITimeoutError, InternalServerError, ResponseTooLargeError
from openai_lite._transport import DRAIN_SECONDS

KEY = "sk-test-key"
MESSAGES = [{"role": "user", "content": "Hi"}]


def model(model_id: str) -> Dict[str, Any]:
    return {"id": model_id, "object": "model", "created": 1700000000, "owned_by": "openai"}


def chunk(content: str) -> Dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-test",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }


DONE = "data: [DONE]\n\n"


def chat_stream(client: Any, **kwargs: Any) -> Any:
    return client.create_chat_completion_stream(model="gpt-test", messages=MESSAGES, **kwargs)


def texts(chunks: List[Any]) -> List[str]:
    return [c.choices[0].delta.content for c in chunks]


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, 9)


def gzip_pieces(pieces: List[bytes]) -> List[bytes]:
    """One gzip stream, flushed after each piece (as a server compressing a stream sends it)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [compressor.compress(p) + compressor.flush(zlib.Z_SYNC_FLUSH) for p in pieces]
    out[-1] += compressor.flush()
    return out


def open_connections(server: LoopbackServer) -> int:
    # The connections the server still serves: one goes away when it reads EOF (the client closed it).
    return len(server._active)


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    give_up = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > give_up:
            return False
        time.sleep(0.01)
    return True


# ---------------------------------------------------------------------------
# fork: a child never uses a connection its parent opened
# ---------------------------------------------------------------------------


class SubclassedAdapter(HTTPAdapter):
    """An adapter of the user's own, as mounted for custom TLS or retries."""


SESSIONS: Dict[str, Callable[[], Optional[requests.Session]]] = {
    "own-session": lambda: None,
    "user-session": requests.Session,
    "user-adapter": lambda: _mounted(SubclassedAdapter(pool_maxsize=4)),
}


def _mounted(adapter: HTTPAdapter) -> requests.Session:
    session = requests.Session()
    session.mount("http://", adapter)
    return session


def call_with_ids(client: Any, who: str, threads: int = 2, calls: int = 10) -> List[str]:
    """Concurrent calls, each with an id of its own; the problems seen (a reply meant for another call, errors)."""
    problems: List[str] = []

    def run(thread: int) -> None:
        for n in range(calls):
            wanted = f"{who}-{thread}-{n}"
            try:
                got = client.retrieve_model(wanted).id
            except Exception as exc:
                problems.append(f"{wanted}: {type(exc).__name__}: {exc}")
                continue
            if got != wanted:
                problems.append(f"{wanted} got the reply to {got}")

    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    return problems


def collect_child(pid: int, read_end: int, give_up: float) -> List[str]:
    """What a child reported through its pipe (killed, and said so, if it overruns)."""
    data = b""
    while time.monotonic() < give_up:
        ready, _, _ = select.select([read_end], [], [], max(0.0, give_up - time.monotonic()))
        if not ready:
            break
        piece = os.read(read_end, 65536)
        if not piece:
            break
        data += piece
    os.close(read_end)
    done, status = os.waitpid(pid, os.WNOHANG)
    while done == 0 and time.monotonic() < give_up:
        time.sleep(0.01)
        done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return [f"child {pid} did not finish in time"]
    if not data:
        return [f"child {pid} reported nothing (exit status {status})"]
    return list(json.loads(data))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # (3.12+: fork with threads running)
@pytest.mark.parametrize("session_kind", list(SESSIONS))
def test_a_forked_child_never_uses_a_connection_its_parent_opened(server: LoopbackServer, session_kind: str) -> None:
    # Each answer takes a little while, so that calls from the parent and the children overlap.
    server.handler(lambda request: Reply([(0.01, json_reply(model(request.path.rsplit("/", 1)[1])).data)], "keep"))
    session = SESSIONS[session_kind]()
    client = openai_lite.Client(
        api_key=KEY, base_url=server.url + "/v1", max_retries=0, timeout=(2, 2), session=session
    )
    # Two pooled connections (one per calling thread), inherited by the children.
    assert call_with_ids(client, "before-fork", calls=1) == []

    children: List[Tuple[int, int]] = []
    go_read, go_write = os.pipe()  # every process starts calling at once
    for n in range(3):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report through the pipe, never return into pytest
            try:
                os.close(read_end)
                os.close(go_write)
                select.select([go_read], [], [], 10)
                os.write(write_end, json.dumps(call_with_ids(client, f"child{n}")).encode())
            finally:
                os._exit(0)
        os.close(write_end)
        children.append((pid, read_end))
    os.close(go_read)
    os.close(go_write)  # (the children see end of file: go)

    problems = call_with_ids(client, "parent")
    give_up = time.monotonic() + 30
    for pid, read_end in children:
        problems += collect_child(pid, read_end, give_up)

    assert problems == []
    client.close()
    if session is not None:
        session.close()


# ---------------------------------------------------------------------------
# Streams give their connection back
# ---------------------------------------------------------------------------

STREAM_EVENTS = [sse_event(chunk("Hel")), sse_event(chunk("lo")), DONE]


def gzip_sse(events: List[str]) -> Reply:
    return sse_reply(gzip_pieces([e.encode() for e in events]), headers={"Content-Encoding": "gzip"})


# (id, the reply of a stream that ends well)
ENDED_STREAMS: List[Tuple[str, Callable[[], Reply]]] = [
    ("chunked", lambda: sse_reply(STREAM_EVENTS)),
    ("chunked-done-and-terminator-apart", lambda: sse_reply([*STREAM_EVENTS, ("", 0.05)])),
    ("gzip", lambda: gzip_sse(STREAM_EVENTS)),
    (
        "content-length",
        lambda: bytes_reply("".join(STREAM_EVENTS).encode(), content_type="text/event-stream"),
    ),
]


@pytest.mark.parametrize("reply", [s[1] for s in ENDED_STREAMS], ids=[s[0] for s in ENDED_STREAMS])
def test_a_stream_read_to_done_gives_its_connection_back(
    server: LoopbackServer, client: Any, reply: Callable[[], Reply]
) -> None:
    server.reply(reply(), reply(), json_reply(model("m")))

    assert texts(list(chat_stream(client))) == ["Hel", "lo"]
    assert texts(list(chat_stream(client))) == ["Hel", "lo"]
    assert client.retrieve_model("m").id == "m"

    assert server.connections == 1  # the second stream and the call after it reused the first connection
    assert open_connections(server) == 1


def test_n_streams_open_one_connection(server: LoopbackServer, client: Any) -> None:
    server.handler(lambda request: sse_reply(STREAM_EVENTS))
    for _ in range(20):
        assert texts(list(chat_stream(client))) == ["Hel", "lo"]
    assert server.connections == 1


def test_a_stream_broken_off_early_still_closes_its_connection(server: LoopbackServer, client: Any) -> None:
    server.reply(sse_reply([*STREAM_EVENTS[:1], (STREAM_EVENTS[1], 5.0), DONE]), json_reply(model("m")))
    events = chat_stream(client)
    assert texts([next(events)]) == ["Hel"]
    events.close()  # (what `break` does)

    assert wait_until(lambda: open_connections(server) == 0)
    assert client.retrieve_model("m").id == "m"
    assert server.connections == 2


# (id, what the server sends after [DONE]) -- the stream still ends at once; the connection is closed.
AFTER_DONE: List[Tuple[str, List[Any]]] = [
    ("keeps-the-stream-open", [(": still here\n\n", 5.0)]),
    ("sends-more-than-the-bound", ["x" * 70000, ("", 5.0)]),
]


@pytest.mark.parametrize("tail", [a[1] for a in AFTER_DONE], ids=[a[0] for a in AFTER_DONE])
def test_a_stream_whose_server_goes_on_after_done_ends_at_once_and_closes(
    server: LoopbackServer, client: Any, tail: List[Any]
) -> None:
    server.reply(sse_reply([*STREAM_EVENTS, *tail]), json_reply(model("m")))
    started = time.monotonic()

    assert texts(list(chat_stream(client))) == ["Hel", "lo"]

    assert time.monotonic() - started < DRAIN_SECONDS + 1.0
    assert client.retrieve_model("m").id == "m"
    assert server.connections == 2  # the first connection was not reused


# ---------------------------------------------------------------------------
# A deadline: a non-streamed call ends within connect + read timeout
# ---------------------------------------------------------------------------

BODY = json.dumps(model("slow")).encode()
GAP = 0.3  # seconds between the pieces a trickling server sends


def trickle(framing: str) -> Reply:
    """``BODY`` a few bytes every ``GAP`` seconds: about 6 s in all, each read well inside the timeout."""
    pieces = [BODY[i : i + 3] for i in range(0, len(BODY), 3)]
    timed = [(p, GAP) for p in pieces]
    if framing == "chunked":
        return chunked_reply(timed)
    if framing == "close-delimited":
        return close_delimited_reply(timed)
    if framing == "gzip":
        zipped = gzipped(BODY)
        return chunked_reply(
            [(zipped[i : i + 3], GAP) for i in range(0, len(zipped), 3)],
            headers={
                "Content-Encoding": "gzip",
                "Content-Type": "application/json",
            },
        )
    if framing == "headers":  # the status line and headers trickle, then the body comes at once
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(BODY)
        filler = [(b"X-Filler: %d\r\n" % i, GAP) for i in range(20)]
        return Reply([(0.0, head), *filler, (GAP, b"\r\n" + BODY)], "keep")
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(BODY)
    return Reply([(0.0, head), *[(GAP, p) for p in pieces]], "keep")


FRAMINGS = ["content-length", "chunked", "close-delimited", "gzip"]


@pytest.mark.parametrize("status", [200, 500])
@pytest.mark.parametrize("framing", FRAMINGS)
def test_a_trickling_server_cannot_hold_a_call_past_its_timeout(
    server: LoopbackServer, make_client: Callable[..., Any], framing: str, status: int
) -> None:
    reply = trickle(framing)
    if status != 200:
        reply.steps[0] = (0.0, reply.steps[0][1].replace(b"200 OK", b"500 Internal Server Error"))
    server.reply(reply)
    client = make_client(timeout=(0.5, 1.0))
    started = time.monotonic()

    with pytest.raises(APITimeoutError, match="read timeout"):
        client.retrieve_model("slow")

    assert time.monotonic() - started < 1.5 + 1.0  # connect + read timeouts, and some slack for a loaded machine


def test_a_deadline_timeout_is_retried_like_any_timeout(
    server: LoopbackServer, make_client: Callable[..., Any]
) -> None:
    server.reply(trickle("content-length"), json_reply(model("slow")))
    client = make_client(timeout=(0.5, 0.5), max_retries=1, initial_retry_delay=0)
    assert client.retrieve_model("slow").id == "slow"
    assert len(server.requests) == 2


def test_a_timely_response_after_a_slow_start_is_not_cut(
    server: LoopbackServer, make_client: Callable[..., Any]
) -> None:
    # The server thinks for 0.6 s, then sends at once: well within the 1 s read timeout.
    server.reply(Reply([(0.6, json_reply(model("m")).data)], "keep"), json_reply(model("m")))
    client = make_client(timeout=(0.5, 1.0))
    assert client.retrieve_model("m").id == "m"
    assert client.retrieve_model("m").id == "m"
    assert server.connections == 1  # the connection was pooled after the timely read


def test_a_stream_keeps_the_per_read_meaning_of_the_read_timeout(
    server: LoopbackServer, make_client: Callable[..., Any]
) -> None:
    events = [(sse_event(chunk(str(n))), GAP) for n in range(8)]  # 2.4 s in all, every wait well inside 1 s
    server.reply(sse_reply([*events, DONE]))
    client = make_client(timeout=(0.5, 1.0))
    assert texts(list(chat_stream(client))) == [str(n) for n in range(8)]


# ---------------------------------------------------------------------------
# A cap on the decoded body
# ---------------------------------------------------------------------------

CAP = 100_000
BIG = b'{"id": "' + b"x" * 200_000 + b'"}'
BOMB = gzipped(b" " * 50_000_000)  # 50 MB of spaces in about 50 KB


def gzip_reply(body: bytes, status: int = 200, chunked: bool = False) -> Reply:
    headers = {"Content-Encoding": "gzip"}
    if chunked:
        return chunked_reply([body[i : i + 8192] for i in range(0, len(body), 8192)], status, headers)
    return bytes_reply(body, status, headers, content_type="application/json")


def run_model(client: Any) -> Any:
    return client.retrieve_model("m")


def run_stream(client: Any) -> Any:
    return list(chat_stream(client))


def run_download(client: Any) -> Any:
    return client.download_file("file-1").content


BIG_EVENTS = [sse_event(chunk("x" * 1000)) for _ in range(200)]  # about 250 KB of events

# (id, reply, call)
TOO_LARGE: List[Tuple[str, Callable[[], Reply], Callable[[Any], Any]]] = [
    ("json/content-length", lambda: bytes_reply(BIG, content_type="application/json"), run_model),
    ("json/chunked", lambda: chunked_reply([BIG[i : i + 8192] for i in range(0, len(BIG), 8192)]), run_model),
    ("json/gzip-bomb", lambda: gzip_reply(BOMB), run_model),
    ("json/gzip-bomb-chunked", lambda: gzip_reply(BOMB, chunked=True), run_model),
    ("error-body/content-length", lambda: bytes_reply(BIG, 500, content_type="application/json"), run_model),
    ("error-body/gzip-bomb", lambda: gzip_reply(BOMB, 500), run_model),
    ("stream/events", lambda: sse_reply([*BIG_EVENTS, DONE]), run_stream),
    ("stream/gzip-bomb", lambda: sse_reply([BOMB], headers={"Content-Encoding": "gzip"}), run_stream),
    ("stream-error-body/gzip-bomb", lambda: gzip_reply(BOMB, 500), run_stream),
    ("download/content", lambda: bytes_reply(BIG), run_download),
    ("download/gzip-bomb", lambda: gzip_reply(BOMB, chunked=True), run_download),
]


@pytest.mark.parametrize(("reply", "call"), [t[1:] for t in TOO_LARGE], ids=[t[0] for t in TOO_LARGE])
def test_a_body_larger_than_max_response_size_is_refused(
    server: LoopbackServer, make_client: Callable[..., Any], reply: Callable[[], Reply], call: Callable[[Any], Any]
) -> None:
    server.reply(reply(), json_reply(model("after")))
    client = make_client(max_response_size=CAP)

    with pytest.raises(ResponseTooLargeError, match="max_response_size") as caught:
        call(client)

    assert caught.value.limit == CAP
    assert len(server.requests) == 1  # not retried
    assert client.retrieve_model("after").id == "after"  # and the client goes on


def test_a_gzip_bomb_is_refused_without_inflating_it_in_memory(
    server: LoopbackServer, make_client: Callable[..., Any]
) -> None:
    server.reply(gzip_reply(BOMB, chunked=True))
    client = make_client(max_response_size=1_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError):
            client.retrieve_model("m")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000  # the cap and a few decoded pieces, never the 50 MB


@pytest.mark.parametrize("call", [run_model, run_stream, run_download], ids=["json", "stream", "download"])
def test_a_body_within_max_response_size_is_read_whole(
    server: LoopbackServer, make_client: Callable[..., Any], call: Callable[[Any], Any]
) -> None:
    body = {
        run_model: lambda: gzip_reply(gzipped(json.dumps(model("y" * 90_000)).encode()), chunked=True),
        run_stream: lambda: gzip_sse([*BIG_EVENTS[:80], DONE]),
        run_download: lambda: gzip_reply(gzipped(b"z" * 90_000)),
    }[call]
    server.reply(body())
    result = call(make_client(max_response_size=CAP))
    expected = {run_model: lambda r: r.id == "y" * 90_000, run_stream: lambda r: len(r) == 80}
    assert expected.get(call, lambda r: r == b"z" * 90_000)(result)


def test_write_to_file_is_not_bounded_by_max_response_size(
    server: LoopbackServer, make_client: Callable[..., Any], tmp_path: Any
) -> None:
    server.reply(gzip_reply(gzipped(b"z" * 300_000), chunked=True))
    target = tmp_path / "out.bin"
    make_client(max_response_size=CAP).download_file("file-1").write_to_file(target)
    assert target.read_bytes() == b"z" * 300_000


# (id, Content-Encoding, body) -- decoded the way urllib3 decodes them
CODINGS: List[Tuple[str, str, bytes]] = [
    ("gzip", "gzip", gzipped(BODY)),
    ("x-gzip", "x-gzip", gzipped(BODY)),
    ("two-gzip-members", "gzip", gzipped(BODY[:20]) + gzipped(BODY[20:])),
    ("gzip-then-garbage", "gzip", gzipped(BODY) + b"\x00garbage"),
    ("deflate-zlib", "deflate", zlib.compress(BODY)),
    ("deflate-raw", "deflate", zlib.compress(BODY)[2:-4]),
    ("gzip-twice", "gzip, gzip", gzipped(gzipped(BODY))),
    ("identity-then-gzip", "identity, gzip", gzipped(BODY)),
]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(("coding", "body"), [c[1:] for c in CODINGS], ids=[c[0] for c in CODINGS])
def test_content_codings_are_undone(
    server: LoopbackServer, client: Any, coding: str, body: bytes, chunked: bool
) -> None:
    headers = {"Content-Encoding": coding, "Content-Type": "application/json"}
    pieces = [body[i : i + 7] for i in range(0, len(body), 7)]
    server.reply(chunked_reply(pieces, headers=headers) if chunked else bytes_reply(body, headers=headers))
    assert client.retrieve_model("slow").id == "slow"


def test_a_corrupt_gzip_body_is_a_connection_error(server: LoopbackServer, client: Any) -> None:
    server.reply(gzip_reply(b"\x1f\x8b\x08\x00not gzip at all"))
    with pytest.raises(APIConnectionError, match="decompress"):
        client.retrieve_model("m")


# ---------------------------------------------------------------------------
# 1xx interim answers
# ---------------------------------------------------------------------------

EARLY_HINTS = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
PROCESSING = b"HTTP/1.1 102 Processing\r\n\r\n"


def after_interim(*interim: bytes, final: Reply) -> Reply:
    return Reply([(0.0, b"".join(interim)), *final.steps], final.end)


# (id, reply, call, expected result)
INTERIM: List[Tuple[str, Callable[[], Reply], Callable[[Any], Any], Any]] = [
    (
        "103/json",
        lambda: after_interim(EARLY_HINTS, final=json_reply(model("m"))),
        lambda c: c.retrieve_model("m").id,
        "m",
    ),
    (
        "103-twice/chunked",
        lambda: after_interim(EARLY_HINTS, EARLY_HINTS, final=chunked_reply([json.dumps(model("m"))])),
        lambda c: c.retrieve_model("m").id,
        "m",
    ),
    (
        "102/json",
        lambda: after_interim(PROCESSING, final=json_reply(model("m"))),
        lambda c: c.retrieve_model("m").id,
        "m",
    ),
    (
        "103-apart/json",
        lambda: Reply([(0.0, EARLY_HINTS), *[(0.1, s) for _, s in json_reply(model("m")).steps]], "keep"),
        lambda c: c.retrieve_model("m").id,
        "m",
    ),
    (
        "103/stream",
        lambda: after_interim(EARLY_HINTS, final=sse_reply(STREAM_EVENTS)),
        lambda c: texts(run_stream(c)),
        ["Hel", "lo"],
    ),
    ("103/download", lambda: after_interim(EARLY_HINTS, final=bytes_reply(b"data")), run_download, b"data"),
]


@pytest.mark.parametrize("route", ["adapter", "Session.send"])
@pytest.mark.parametrize(("reply", "call", "expected"), [i[1:] for i in INTERIM], ids=[i[0] for i in INTERIM])
def test_an_interim_answer_is_skipped(
    server: LoopbackServer,
    client: Any,
    reply: Callable[[], Reply],
    call: Callable[[Any], Any],
    expected: Any,
    route: str,
) -> None:
    if route == "Session.send":
        client.session.hooks["response"].append(lambda response, **kwargs: None)
    server.reply(reply(), json_reply(model("next")))

    assert call(client) == expected

    assert client.retrieve_model("next").id == "next"
    assert server.connections == 1  # the final answer was read off the same connection, which was reused


def test_an_error_after_an_interim_answer_is_the_error(server: LoopbackServer, client: Any) -> None:
    error = {"error": {"message": "boom", "type": "server_error", "param": None, "code": None}}
    server.reply(after_interim(EARLY_HINTS, final=json_reply(error, 500)))
    with pytest.raises(InternalServerError, match="boom"):
        client.retrieve_model("m")


def test_the_deadline_holds_through_an_interim_answer(server: LoopbackServer, make_client: Callable[..., Any]) -> None:
    server.reply(after_interim(EARLY_HINTS, final=trickle("content-length")))
    client = make_client(timeout=(0.5, 1.0))
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        client.retrieve_model("slow")
    assert time.monotonic() - started < 2.5


def test_requests_mocked_responses_still_work_without_a_socket() -> None:
    responses = pytest.importorskip("responses")
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, "http://mocked.test/v1/models/m", json=model("m"))
        client = openai_lite.Client(api_key=KEY, base_url="http://mocked.test/v1", timeout=(0.5, 0.5))
        assert client.retrieve_model("m").id == "m"
