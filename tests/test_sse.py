"""Tests for openai_lite._sse, from the WHATWG HTML standard, "Server-sent events", 9.2.5 and 9.2.6.

Every case runs with many chunkings of its input (one piece, single bytes, every split into two, seeded random
ones), and every run also checks that each event comes out as soon as the chunk ending it has been read, no sooner
and no later. A literal implementation of the standard (``reference`` below) gives the expected timing, and is
checked against the same table.
"""

from __future__ import annotations

import random
import re
import time
from typing import Iterator, List, Optional, Sequence, Tuple

import pytest

from openai_lite._sse import ServerSentEvent, iter_sse

Expected = Tuple[str, str, Optional[str], Optional[int]]

BOM = b"\xef\xbb\xbf"

_LINE_END = re.compile(rb"\r\n|\r|\n")
_TEXT_LINE_END = re.compile("\r\n|\r|\n")


def reference(raw: bytes) -> List[Tuple[Expected, int]]:
    """The standard applied literally: each event with the offset in ``raw`` at which it is complete.

    The stream is decoded as a whole (replacing invalid UTF-8, dropping one leading BOM) and then cut into lines. An
    event is complete once the first byte ending its blank line has arrived: a CR alone already ends a line.
    """
    start = 3 if raw.startswith(BOM) else 0
    text = raw[start:].decode("utf-8", "replace")
    # Decoding never makes or swallows a CR or LF, so the lines of the text and of the bytes match one to one.
    text_lines = _TEXT_LINE_END.split(text)[:-1]  # the last piece is unterminated: discarded
    ends = [m.start() for m in _LINE_END.finditer(raw, start)]
    assert len(ends) == len(text_lines)

    events: List[Tuple[Expected, int]] = []
    data = event_type = ""
    last_id: Optional[str] = None
    retry: Optional[int] = None
    for line, end in zip(text_lines, ends):
        if line == "":
            if data:
                events.append(((event_type or "message", data[:-1], last_id, retry), end + 1))
            data = event_type = ""
            retry = None
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "event":
            event_type = value
        elif name == "data":
            data += value + "\n"
        elif name == "id":
            if "\0" not in value:
                last_id = value
        elif name == "retry":
            if value and all("0" <= c <= "9" for c in value):
                retry = int(value)
    return events


def _lines(n: int, prefix: bytes = b"data: line ") -> bytes:
    return b"".join(b"%s%d\n" % (prefix, i) for i in range(n))


def _data(n: int) -> str:
    return "\n".join(f"line {i}" for i in range(n))


M = "message"
OPENAI_STREAM = (
    b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant"}}]}'
    b"\n\n"
    b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}]}'
    b"\n\n"
    b"data: [DONE]\n\n"
)

# (name, input, expected events as (event, data, id, retry))
CASES: List[Tuple[str, bytes, List[Expected]]] = [
    # Line ends.
    ("lf", b"data: a\n\n", [(M, "a", None, None)]),
    ("crlf", b"data: a\r\n\r\n", [(M, "a", None, None)]),
    ("cr", b"data: a\r\r", [(M, "a", None, None)]),
    ("cr-lf-is-one-line-end", b"data: a\r\ndata: b\r\n\r\n", [(M, "a\nb", None, None)]),
    ("lf-cr-is-two-line-ends", b"data: a\n\rdata: b\n\n", [(M, "a", None, None), (M, "b", None, None)]),
    ("cr-cr-lf", b"data: a\r\r\ndata: b\r\r\n", [(M, "a", None, None), (M, "b", None, None)]),
    (
        "mixed-between-events",
        b"data: a\n\r\ndata: b\r\rdata: c\r\n\ndata: d\n\r",
        [(M, "a", None, None), (M, "b", None, None), (M, "c", None, None), (M, "d", None, None)],
    ),
    ("mixed-within-event", b"data: a\rdata: b\r\ndata: c\n\n", [(M, "a\nb\nc", None, None)]),
    ("blank-lines-around", b"\n\n\r\ndata: a\n\n\n\r\r\n", [(M, "a", None, None)]),
    ("only-blank-lines", b"\n\r\n\r\n\n", []),
    ("empty-input", b"", []),
    # Byte order mark.
    ("bom", BOM + b"data: a\n\n", [(M, "a", None, None)]),
    ("bom-only", BOM, []),
    ("bom-then-blank", BOM + b"\r\ndata: a\r\n\r\n", [(M, "a", None, None)]),
    ("second-bom-is-part-of-field-name", BOM + BOM + b"data: a\n\ndata: b\n\n", [(M, "b", None, None)]),
    (
        "bom-later-is-part-of-field-name",
        b"data: a\n\n" + BOM + b"data: b\n\ndata: c\n\n",
        [(M, "a", None, None), (M, "c", None, None)],
    ),
    ("bom-in-value-kept", b"data: " + BOM + b"x\n\n", [(M, "\ufeffx", None, None)]),
    ("bom-prefix-only", b"\xef\xbb", []),
    ("bom-prefix-then-data", b"\xef\xbbdata: a\n\ndata: b\n\n", [(M, "b", None, None)]),
    # Comments.
    ("comments", b": hello\ndata: a\n:\n: x: y\n\n", [(M, "a", None, None)]),
    ("comment-only-block", b": ping\n\ndata: a\n\n: ping\r\n\r\n", [(M, "a", None, None)]),
    # Field syntax.
    ("one-space-removed", b"data:  a\n\n", [(M, " a", None, None)]),
    ("no-space", b"data:a\n\n", [(M, "a", None, None)]),
    ("tab-kept", b"data:\ta\n\n", [(M, "\ta", None, None)]),
    ("trailing-space-kept", b"data: a  \n\n", [(M, "a  ", None, None)]),
    ("colons-in-value", b"data: a:b: c\n\n", [(M, "a:b: c", None, None)]),
    ("no-colon-data", b"data\n\n", [(M, "", None, None)]),
    ("no-colon-data-twice", b"data\ndata\n\n", [(M, "\n", None, None)]),
    ("no-colon-event", b"event: x\nevent\ndata: a\n\n", [(M, "a", None, None)]),
    ("no-colon-id", b"id: 1\ndata: a\n\nid\ndata: b\n\n", [(M, "a", "1", None), (M, "b", "", None)]),
    ("unknown-fields", b"foo: bar\ndata: a\nDATA: b\nData: c\ndata : d\n data: e\n\n", [(M, "a", None, None)]),
    ("unknown-field-only", b"foo: bar\n\n", []),
    ("whitespace-line", b"data: a\n \n\t\ndata: b\n\n", [(M, "a\nb", None, None)]),
    ("nul-in-data-and-event", b"event: x\x00y\ndata: a\x00\n\n", [("x\x00y", "a\x00", None, None)]),
    # Data.
    ("multi-line-data", b"data: a\ndata: b\ndata: c\n\n", [(M, "a\nb\nc", None, None)]),
    ("empty-data-lines", b"data: a\ndata:\ndata: \ndata: b\n\n", [(M, "a\n\n\nb", None, None)]),
    ("empty-data-dispatched", b"data:\n\ndata: \n\n", [(M, "", None, None), (M, "", None, None)]),
    ("trailing-empty-data-line", b"data: a\ndata:\n\n", [(M, "a\n", None, None)]),
    ("no-data-not-dispatched", b"event: x\n\nid: 1\n\nretry: 10\n\n", []),
    # Event type.
    (
        "event-default-and-not-carried",
        b"event: add\ndata: a\n\ndata: b\n\nevent:\ndata: c\n\nevent: message\ndata: d\n\n",
        [("add", "a", None, None), (M, "b", None, None), (M, "c", None, None), (M, "d", None, None)],
    ),
    ("event-last-wins", b"event: a\nevent: b\ndata: x\n\n", [("b", "x", None, None)]),
    ("event-after-data", b"data: x\nevent: e\n\n", [("e", "x", None, None)]),
    ("event-leading-spaces", b"event:  x\ndata: a\n\n", [(" x", "a", None, None)]),
    ("event-of-undispatched-block-dropped", b"event: e\n\ndata: a\n\n", [(M, "a", None, None)]),
    # Last event id.
    (
        "id-carries-over",
        b"id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n",
        [(M, "a", "1", None), (M, "b", "1", None), (M, "c", "2", None)],
    ),
    ("id-from-undispatched-block", b"id: 1\n\ndata: a\n\n", [(M, "a", "1", None)]),
    ("id-last-wins", b"id: 1\nid: 2\ndata: a\n\n", [(M, "a", "2", None)]),
    ("id-with-nul-ignored", b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n", [(M, "a", "1", None), (M, "b", "1", None)]),
    ("id-with-nul-after-good-one", b"id: 1\nid: 2\x00\ndata: a\n\n", [(M, "a", "1", None)]),
    ("id-with-nul-first", b"id: \x00\ndata: a\n\n", [(M, "a", None, None)]),
    (
        "id-reset-by-empty",
        b"id: 1\ndata: a\n\nid\ndata: b\n\nid:\ndata: c\n\nid: \ndata: d\n\n",
        [(M, "a", "1", None), (M, "b", "", None), (M, "c", "", None), (M, "d", "", None)],
    ),
    ("id-leading-space-kept", b"id:  1\ndata: a\n\n", [(M, "a", " 1", None)]),
    # Retry.
    ("retry-valid", b"retry: 1500\ndata: a\n\ndata: b\n\n", [(M, "a", None, 1500), (M, "b", None, None)]),
    ("retry-zero", b"retry: 0\ndata: a\n\n", [(M, "a", None, 0)]),
    ("retry-no-space", b"retry:007\ndata: a\n\n", [(M, "a", None, 7)]),
    (
        "retry-invalid",
        b"retry: 15a\ndata: a\n\nretry: -1\ndata: b\n\nretry: 1.5\ndata: c\n\nretry:\ndata: d\n\n"
        b"retry:  10\ndata: e\n\nretry: \xd9\xa1\xd9\xa2\ndata: f\n\nretry: \xc2\xb2\ndata: g\n\n",
        [(M, x, None, None) for x in "abcdefg"],
    ),
    ("retry-invalid-after-valid", b"retry: 10\nretry: x\ndata: a\n\n", [(M, "a", None, 10)]),
    ("retry-valid-after-invalid", b"retry: x\nretry: 20\ndata: a\n\n", [(M, "a", None, 20)]),
    ("retry-and-bad-id", b"id: 1\nretry: 5\nid: \x00\nretry: y\ndata: a\n\n", [(M, "a", "1", 5)]),
    # End of input.
    ("unterminated-block-lf", b"data: a\n\ndata: b\n", [(M, "a", None, None)]),
    ("unterminated-block-crlf", b"data: a\r\n\r\ndata: b\r\n", [(M, "a", None, None)]),
    ("unterminated-block-cr", b"data: a\r\rdata: b\r", [(M, "a", None, None)]),
    ("unterminated-line", b"data: a\n\ndata: b", [(M, "a", None, None)]),
    # Encoding.
    ("utf8", "data: é € 😀 日本\n\n".encode(), [(M, "é € 😀 日本", None, None)]),
    ("invalid-utf8-replaced", b"data: a\xffb\n\n", [(M, "a\ufffdb", None, None)]),
    ("truncated-utf8", b"data: \xe2\x82\ndata: \xf0\x9f\x98\n\n", [(M, "\ufffd\n\ufffd", None, None)]),
    ("surrogate-utf8", b"data: \xed\xa0\x80\n\n", [(M, "\ufffd\ufffd\ufffd", None, None)]),
    ("invalid-utf8-in-field-name", b"\xffdata: x\n\ndata: y\n\n", [(M, "y", None, None)]),
    ("invalid-utf8-in-event-and-id", b"event: \xfe\nid: \xc3\ndata: a\n\n", [("\ufffd", "a", "\ufffd", None)]),
    # A stream like the OpenAI API's.
    (
        "openai-chat-stream",
        OPENAI_STREAM,
        [
            (M, OPENAI_STREAM.split(b"\n\n")[0][6:].decode(), None, None),
            (M, OPENAI_STREAM.split(b"\n\n")[1][6:].decode(), None, None),
            (M, "[DONE]", None, None),
        ],
    ),
    # Events larger than what goes to sseclient-py in one piece (the slicing path).
    ("big-single-line", b"data: " + b"x" * 5000 + b"\n\n", [(M, "x" * 5000, None, None)]),
    ("big-many-lines", _lines(400) + b"\n", [(M, _data(400), None, None)]),
    (
        "big-last-line",
        _lines(20) + b"data: " + b"x" * 3000 + b"\n\n",
        [(M, _data(20) + "\n" + "x" * 3000, None, None)],
    ),
    ("big-comment-with-id", b"id: 5\n: " + b"c" * 3000 + b"\n\ndata: a\n\n", [(M, "a", "5", None)]),
    ("big-line-with-bad-id", b"id: 1\nid: \x00\ndata: " + b"x" * 3000 + b"\n\n", [(M, "x" * 3000, "1", None)]),
    (
        "big-event-set-early",
        b"event: e\nid: 3\nretry: 4\n" + _lines(300) + b"\n",
        [("e", _data(300), "3", 4)],
    ),
    (
        "big-event-reset-late",
        b"event: first\n" + _lines(300) + b"event: message\nid: 7\nretry: 5\n\n",
        [(M, _data(300), "7", 5)],
    ),
    (
        "big-event-emptied-late",
        b"event: first\n" + _lines(300) + b"event:\n\n",
        [(M, _data(300), None, None)],
    ),
    (
        "big-bad-values-inside",
        b"id: 1\n" + _lines(200) + b"id: x\x00\nretry: 9\n" + _lines(200) + b"retry: nope\n\n",
        [(M, _data(200) + "\n" + _data(200), "1", 9)],
    ),
    (
        "big-bad-values-only",
        b"id: \x00\n" + _lines(200) + b"retry: x\n" + b"data: " + b"\xff" * 3000 + b"\n\n",
        [(M, _data(200) + "\n" + "\ufffd" * 3000, None, None)],
    ),
    ("big-no-data", b"id: 9\n" + _lines(300, b"foo: ") + b"\ndata: a\n\n", [(M, "a", "9", None)]),
    ("big-crlf", _lines(300).replace(b"\n", b"\r\n") + b"\r\n", [(M, _data(300), None, None)]),
]


def chunkings(data: bytes, name: str) -> Iterator[List[bytes]]:
    """One piece; single bytes; every split into two; seeded random pieces, some empty."""
    yield [data]
    yield [data[i : i + 1] for i in range(len(data))]
    if len(data) <= 300:
        for i in range(len(data) + 1):
            yield [data[:i], data[i:]]
    else:
        yield [data[i : i + 1000] for i in range(0, len(data), 1000)]
    rng = random.Random(name)
    for _ in range(8):
        pieces = []
        i = 0
        while i < len(data):
            n = rng.choice((0, 1, 1, 2, 3, 5, 8, 13, 64, 500))
            pieces.append(data[i : i + n])
            i += n
        yield pieces


def parse_checked(chunks: Sequence[bytes]) -> List[Expected]:
    """Run iter_sse, checking each event comes out right after the chunk that completes it."""
    data = b"".join(chunks)
    completed_at = []  # for each event, the number of chunks that must have been read when it comes out
    expected_events = reference(data)
    total = 0
    k = 0
    for _, offset in expected_events:
        while total < offset:
            total += len(chunks[k])
            k += 1
        completed_at.append(k)

    consumed = 0

    def source() -> Iterator[bytes]:
        nonlocal consumed
        for chunk in chunks:
            consumed += 1
            yield chunk

    events: List[Expected] = []
    for event in iter_sse(source()):
        i = len(events)
        assert i < len(completed_at), "more events than the standard gives"
        assert consumed == completed_at[i], f"event {i} came out after chunk {consumed}, not {completed_at[i]}"
        assert isinstance(event, ServerSentEvent)
        events.append((event.event, event.data, event.id, event.retry))
    assert consumed == len(chunks)
    assert events == [e for e, _ in expected_events]
    return events


@pytest.mark.parametrize(("name", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reference_matches_table(name: str, data: bytes, expected: List[Expected]) -> None:
    assert [e for e, _ in reference(data)] == expected


@pytest.mark.parametrize(("name", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases_with_every_chunking(name: str, data: bytes, expected: List[Expected]) -> None:
    for chunks in chunkings(data, name):
        assert parse_checked(chunks) == expected, chunks


def test_names_unique() -> None:
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names))


# Pieces of streams, chosen to meet each other at chunk boundaries in every combination.
_TOKENS = [
    b"data: a",
    b"data:b",
    b"data:  c",
    b"data",
    b"data: \xe2\x82\xac",
    b"data: \xff",
    b"data: " + b"y" * 700,
    b"event: e",
    b"event:",
    b"id: 1",
    b"id: 2",
    b"id",
    b"id: \x00",
    b"retry: 30",
    b"retry: x",
    b": comment",
    b"foo: bar",
    b" ",
    BOM,
    b"\n",
    b"\n",
    b"\r",
    b"\r\n",
    b"\r\n",
    b"\n\n",
    b"\r\r",
]


def test_random_streams() -> None:
    rng = random.Random(2024)
    for n in range(400):
        parts = [rng.choice(_TOKENS) for _ in range(rng.randint(1, 30))]
        if rng.random() < 0.3:
            parts.insert(0, BOM)
        data = b"".join(parts)
        for chunks in list(chunkings(data, str(n)))[-3:]:
            parse_checked(chunks)
        parse_checked([data])


def test_event_yielded_before_next_chunk_is_read() -> None:
    read = []

    def source() -> Iterator[bytes]:
        for chunk in [b"data: a\n", b"\ndata: b\r\n\r", b"\ndata: c\r", b"\r", b"data: d\n\n"]:
            read.append(chunk)
            yield chunk

    events = iter_sse(source())
    assert next(events).data == "a"
    assert len(read) == 2
    assert next(events).data == "b"  # its blank line ends in CR: no need to see whether an LF follows
    assert len(read) == 2
    assert next(events).data == "c"
    assert len(read) == 4
    assert next(events).data == "d"
    assert len(read) == 5
    with pytest.raises(StopIteration):
        next(events)


def test_cr_at_chunk_end_then_lf() -> None:
    # The LF completing a CRLF split over two chunks must not count as a second line end (a blank line).
    chunks = [b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]
    assert [e.data for e in iter_sse(chunks)] == ["a\nb"]


def test_accepts_any_iterable() -> None:
    assert list(iter_sse([b"data: a\n\n"])) == [ServerSentEvent("message", "a")]
    assert list(iter_sse(iter((b"data: a\n", b"\n")))) == [ServerSentEvent("message", "a")]
    assert list(iter_sse(())) == []


def test_server_sent_event() -> None:
    event = ServerSentEvent("message", '{"a": [1, 2]}', "7", 100)
    assert event.json() == {"a": [1, 2]}
    assert repr(event) == "ServerSentEvent(event='message', data='{\"a\": [1, 2]}', id='7', retry=100)"
    assert event == ServerSentEvent("message", '{"a": [1, 2]}', "7", 100)
    assert event != ServerSentEvent("message", '{"a": [1, 2]}', "8", 100)
    assert event != ("message", '{"a": [1, 2]}', "7", 100)
    assert ServerSentEvent() == ServerSentEvent("message", "", None, None)
    with pytest.raises(AttributeError):
        event.other = 1  # type: ignore[attr-defined]


def test_independent_streams() -> None:
    # The last event id belongs to one stream.
    first = iter_sse([b"id: 1\ndata: a\n\n", b"data: b\n\n"])
    second = iter_sse([b"data: c\n\n"])
    assert next(first).id == "1"
    assert next(second).id is None
    assert next(first).id == "1"


# Loose guards that parsing is linear; benchmarks/bench_sse.py holds the real targets (0.15 s and 0.5 s).
@pytest.mark.parametrize("piece", [1024, 16 * 1024, None], ids=["1KiB", "16KiB", "whole"])
def test_big_single_line_event_is_linear(piece: Optional[int]) -> None:
    payload = b"x" * (16 * 1024 * 1024)
    data = b"data: " + payload + b"\n\n"
    chunks = [data] if piece is None else [data[i : i + piece] for i in range(0, len(data), piece)]
    started = time.perf_counter()
    events = list(iter_sse(chunks))
    elapsed = time.perf_counter() - started
    assert len(events) == 1
    assert len(events[0].data) == len(payload)
    assert elapsed < 1.5


@pytest.mark.parametrize("piece", [1024, None], ids=["1KiB", "whole"])
def test_many_lines_event_is_linear(piece: Optional[int]) -> None:
    # Lines of 40 bytes: given to sseclient-py at once, this takes it about 15 s.
    data = b"".join(b"data: %08d abcdefghijklmnopqrstuvwx\n" % i for i in range(80_000)) + b"\n"
    chunks = [data] if piece is None else [data[i : i + piece] for i in range(0, len(data), piece)]
    started = time.perf_counter()
    events = list(iter_sse(chunks))
    elapsed = time.perf_counter() - started
    assert events[0].data == "\n".join(f"{i:08d} abcdefghijklmnopqrstuvwx" for i in range(80_000))
    assert elapsed < 2.0


def test_many_lines_with_bad_values_is_linear() -> None:
    # Bad id and retry values make the parser go line by line: that must stay linear too.
    data = b"".join(b"data: %d\nid: \x00\nretry: x\n" % i for i in range(30_000)) + b"\n"
    started = time.perf_counter()
    events = list(iter_sse([data]))
    elapsed = time.perf_counter() - started
    assert events[0].data == "\n".join(str(i) for i in range(30_000))
    assert events[0].id is None
    assert elapsed < 2.0


def test_many_small_events_in_one_chunk() -> None:
    data = b"".join(b"id: %d\ndata: %d\n\n" % (i, i) for i in range(50_000))
    started = time.perf_counter()
    events = list(iter_sse([data]))
    elapsed = time.perf_counter() - started
    assert [e.data for e in events[:3]] == ["0", "1", "2"]
    assert events[-1].id == "49999"
    assert elapsed < 2.0


# A long value of any field, in a block of many lines: each byte must reach sseclient-py a bounded number of times.
# (Counted rather than timed: before, a long event or id value was given to it again with every slice of the block.)
LONG_FIELDS = [
    ("event", b"event: " + b"e" * 300_000 + b"\n", "e" * 300_000, None),
    ("id", b"id: " + b"7" * 300_000 + b"\n", M, "7" * 300_000),
    ("retry", b"retry: " + b"9" * 300_000 + b"\n", M, None),
    ("bad-retry", b"retry: " + b"x" * 300_000 + b"\n", M, None),
    ("bad-id", b"id: \x00" + b"7" * 300_000 + b"\n", M, None),
    ("comment", b": " + b"c" * 300_000 + b"\n", M, None),
    ("unknown-field", b"other: " + b"o" * 300_000 + b"\n", M, None),
]


@pytest.mark.parametrize(("name", "line", "event", "event_id"), LONG_FIELDS, ids=[f[0] for f in LONG_FIELDS])
@pytest.mark.parametrize("where", ["first", "last"])
def test_long_field_value_in_a_many_line_block_is_parsed_in_linear_work(
    monkeypatch: pytest.MonkeyPatch, name: str, line: bytes, event: str, event_id: Optional[str], where: str
) -> None:
    import openai_lite._sse

    fed: List[int] = []
    real = openai_lite._sse.SSEClient

    def counting(source: Iterator[bytes]) -> object:
        def counted() -> Iterator[bytes]:
            for piece in source:
                fed.append(len(piece))
                yield piece

        return real(counted())

    monkeypatch.setattr(openai_lite._sse, "SSEClient", counting)
    lines = _lines(20_000)
    block = (line + lines if where == "first" else lines + line) + b"\n"
    events = list(iter_sse([block]))
    assert [(e.event, e.id) for e in events] == [(event, event_id)]
    assert events[0].data == _data(20_000)
    assert sum(fed) < 3 * len(block)
