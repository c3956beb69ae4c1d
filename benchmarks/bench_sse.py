"""Speed of openai_lite._sse.iter_sse against its targets, and against sseclient-py alone.

Run from the repository root: ``python benchmarks/bench_sse.py``. Prints one line per measurement, with PASS or
FAIL against the target where there is one. It is a report: the exit status is always 0.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from functools import partial
from typing import Callable, Iterable, List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from sseclient import SSEClient  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: E402

from openai_lite._sse import iter_sse  # noqa: E402

BIG_EVENT_TARGET = 0.15  # seconds, one 16 MiB single-line event
MANY_LINES_TARGET = 0.5  # seconds, one event of 80,000 data lines
OVERHEAD_TARGET = 2.0  # microseconds per event added on top of sseclient-py
CHAT_CHUNKS = 20_000


def best_of(runs: int, func: Callable[[], object]) -> float:
    """The fastest of a few runs, in seconds (the least disturbed by the rest of the machine)."""
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def pieces(data: bytes, size: Optional[int]) -> List[bytes]:
    if size is None:
        return [data]
    return [data[i : i + size] for i in range(0, len(data), size)]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def parse_all(chunks: Iterable[bytes]) -> int:
    return sum(1 for _ in iter_sse(chunks))


def bench_big_event() -> None:
    data = b"data: " + b"x" * (16 * 1024 * 1024) + b"\n\n"
    for label, size in (("1 KiB pieces", 1024), ("16 KiB pieces", 16 * 1024), ("one piece", None)):
        chunks = pieces(data, size)
        seconds = best_of(5, partial(parse_all, chunks))
        print(
            f"16 MiB single-line event, {label + ':':<15} {seconds:7.3f} s"
            f"   (target <= {BIG_EVENT_TARGET} s)  {verdict(seconds <= BIG_EVENT_TARGET)}"
        )


def bench_many_lines() -> None:
    # 40-byte lines (3.2 MB): sseclient-py alone takes about 15 s over this.
    data = b"".join(b"data: %08d abcdefghijklmnopqrstuvwx\n" % i for i in range(80_000)) + b"\n"
    for label, size in (("1 KiB pieces", 1024), ("16 KiB pieces", 16 * 1024), ("one piece", None)):
        chunks = pieces(data, size)
        seconds = best_of(3, partial(parse_all, chunks))
        print(
            f"80,000-line event, {label + ':':<22} {seconds:7.3f} s"
            f"   (target <= {MANY_LINES_TARGET} s)  {verdict(seconds <= MANY_LINES_TARGET)}"
        )


def bench_long_field() -> None:
    # A 2.6 MB value in one field, then the 80,000 data lines above: every field must stay linear, not only data.
    lines = b"".join(b"data: %08d abcdefghijklmnopqrstuvwx\n" % i for i in range(80_000))
    value = b"v" * (2600 * 1024)
    plain = best_of(3, partial(parse_all, [lines + b"\n"]))
    for field in (b"event", b"id", b"retry", b"", b"other"):  # b"": a comment line
        data = field + b": " + value + b"\n" + lines + b"\n"
        seconds = best_of(3, partial(parse_all, pieces(data, 16 * 1024)))
        name = (field or b"comment").decode()
        print(
            f"2.6 MB {name + ':':<8} line + 80,000 lines:  {seconds:7.3f} s  ({seconds / plain:4.1f}x the lines alone)"
            f"   (target <= {MANY_LINES_TARGET} s)  {verdict(seconds <= MANY_LINES_TARGET)}"
        )


def chat_stream() -> List[bytes]:
    """A chat completion stream like the API's, one event per piece (as chunked HTTP delivers it)."""
    chunks = []
    for i in range(CHAT_CHUNKS - 1):
        chunk = {
            "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
            "object": "chat.completion.chunk",
            "created": 1741570283,
            "model": "gpt-4o-2024-08-06",
            "service_tier": "default",
            "system_fingerprint": "fp_eb9dce56a8",
            "choices": [{"index": 0, "delta": {"content": f" token{i}"}, "logprobs": None, "finish_reason": None}],
            "usage": None,
            "obfuscation": "xY3k9q",
        }
        chunks.append(b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n")
    chunks.append(b"data: [DONE]\n\n")
    return chunks


def bench_chat_stream() -> None:
    chunks = chat_stream()
    size = sum(map(len, chunks)) / len(chunks)

    def with_sseclient() -> None:
        for event in SSEClient(iter(chunks)).events():
            if event.data != "[DONE]":
                json.loads(event.data)

    def with_iter_sse() -> None:
        for event in iter_sse(chunks):
            if event.data != "[DONE]":
                json.loads(event.data)

    def sseclient_only() -> None:
        for _ in SSEClient(iter(chunks)).events():
            pass

    def iter_sse_only() -> None:
        for _ in iter_sse(chunks):
            pass

    raw = best_of(7, with_sseclient)
    ours = best_of(7, with_iter_sse)
    raw_parse = best_of(7, sseclient_only)
    our_parse = best_of(7, iter_sse_only)
    n = len(chunks)
    print(f"chat stream: {n:,} events of ~{size:.0f} B, one per piece, each JSON-decoded")
    print(f"  sseclient-py + json.loads:   {n / raw:9,.0f} events/s  ({raw / n * 1e6:5.2f} us/event)")
    print(f"  iter_sse + json.loads:       {n / ours:9,.0f} events/s  ({ours / n * 1e6:5.2f} us/event)")
    print(f"  ratio iter_sse / sseclient-py: {raw / ours:.2f}x the throughput")
    overhead = (our_parse - raw_parse) / n * 1e6
    print(
        f"  parsing only: sseclient-py {raw_parse / n * 1e6:.2f} us/event, iter_sse {our_parse / n * 1e6:.2f} us/event;"
        f" iter_sse adds {overhead:.2f} us/event   (target <= {OVERHEAD_TARGET} us)  "
        f"{verdict(overhead <= OVERHEAD_TARGET)}"
    )


def main() -> int:
    print(f"Python {sys.version.split()[0]}")
    bench_big_event()
    bench_many_lines()
    bench_long_field()
    bench_chat_stream()
    return 0


if __name__ == "__main__":
    sys.exit(main())
