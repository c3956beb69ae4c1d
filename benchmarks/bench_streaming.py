"""Streaming: how soon each event reaches the caller, and typed chunks per second.

    python benchmarks/bench_streaming.py [--quick]

Latency: a server in another process sends chat chunks at known times, each with
the time its last piece was written (``time.time()``, the same clock in both
processes on one machine) in the piece itself; the client notes ``time.time()``
when ``create_chat_completion_stream`` hands it the chunk. Every other event
arrives split in two writes 1 ms apart (the timestamp in the second), so an
event complete only in a later read is measured too. Reported for chunked and
close-delimited responses: median / p99 / max of arrival - send. Target: each
event within 5 ms.

Throughput: a 20,000-chunk chat stream (chunks of ~300 B, one HTTP chunk each)
through ``create_chat_completion_stream`` (typed chunks) against raw requests +
sseclient-py + ``json.loads`` over ``iter_content(chunk_size=None)``, in the same
run, interleaved; target ratio >= 0.5. Also what ChatCompletionAccumulator adds
per chunk, and the official ``openai`` SDK if it is installed.

Prints PASS/FAIL lines; it is a report, the exit status is always 0.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

LATENCY_TARGET_MS = 5.0
RATIO_TARGET = 0.5
MESSAGES: Any = [{"role": "user", "content": "Hello"}]


def chat_chunk(i: int) -> Dict[str, Any]:
    """A chat completion chunk like the API's (~300 bytes as JSON)."""
    return {
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


# ---------------------------------------------------------------------------
# The server (run as ``bench_streaming.py --serve``)
# ---------------------------------------------------------------------------


def _http_chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _read_request(reader: Any) -> Dict[str, str]:
    """Read one request; its headers (lower-case names), or {} at the end of the connection."""
    line = reader.readline()
    if not line:
        return {}
    headers = {}
    while True:
        header = reader.readline()
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    reader.read(int(headers.get("content-length", "0") or 0))
    return headers


_BODIES: Dict[int, bytes] = {}


def _serve_throughput(conn: socket.socket, count: int) -> None:
    body = _BODIES.get(count)
    if body is None:  # built once per size: this measures the client, not the server
        events = [b"data: " + json.dumps(chat_chunk(i), separators=(",", ":")).encode() + b"\n\n" for i in range(count)]
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        body = _BODIES[count] = (
            head + b"".join(_http_chunk(e) for e in events) + _http_chunk(b"data: [DONE]\n\n") + b"0\r\n\r\n"
        )
    conn.sendall(body)


def _serve_latency(conn: socket.socket, chunked: bool, count: int, interval: float) -> None:
    if chunked:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
    else:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")

    def write(data: bytes) -> None:
        conn.sendall(_http_chunk(data) if chunked else data)

    start = time.monotonic()
    for i in range(count):
        time.sleep(max(0.0, start + i * interval - time.monotonic()))
        # The timestamp goes last, in the piece that completes the event.
        text = json.dumps(chat_chunk(i), separators=(",", ":"))[:-1] + ',"sent":'
        if i % 2:
            write(b"data: " + text.encode())
            time.sleep(0.001)
        else:
            text = "data: " + text
        tail = f"{time.time():.6f}}}\n\n".encode()
        write(tail if i % 2 else text.encode() + tail)
    write(b"data: [DONE]\n\n")
    if chunked:
        conn.sendall(b"0\r\n\r\n")


def _handle(conn: socket.socket) -> None:
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = conn.makefile("rb")
    try:
        while True:
            headers = _read_request(reader)
            if not headers:
                return
            if headers.get("x-bench") == "latency":
                chunked = headers.get("x-framing") != "close"
                _serve_latency(conn, chunked, int(headers["x-events"]), float(headers["x-interval"]))
                if not chunked:
                    return  # a close-delimited body ends when the connection does
            else:
                _serve_throughput(conn, int(headers.get("x-chunks", "1000")))
    except OSError:
        pass
    finally:
        conn.close()


def serve() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print(listener.getsockname()[1], flush=True)

    def accept() -> None:
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=_handle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    sys.stdin.read()  # serve until the benchmark closes our stdin


# ---------------------------------------------------------------------------
# The measurements
# ---------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def percentile(values: List[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_latency(base_url: str, quick: bool) -> None:
    import openai_lite

    count, interval = (60, 0.01) if quick else (300, 0.01)
    print(f"Latency: {count} events {interval * 1000:.0f} ms apart; arrival - send of each event's last byte")
    with openai_lite.Client(api_key="x", base_url=base_url, max_retries=0) as client:
        for framing in ("chunked", "close"):
            headers = {"X-Bench": "latency", "X-Framing": framing, "X-Events": str(count), "X-Interval": str(interval)}
            list(
                client.create_chat_completion_stream(
                    model="m",
                    messages=MESSAGES,  # warm-up: imports, connection
                    extra_headers={**headers, "X-Events": "3"},
                )
            )
            lags = []
            for chunk in client.create_chat_completion_stream(model="m", messages=MESSAGES, extra_headers=headers):
                arrived = time.time()
                lags.append((arrived - chunk.to_dict()["sent"]) * 1000)
            assert len(lags) == count, len(lags)
            median, p99, worst = statistics.median(lags), percentile(lags, 99), max(lags)
            late = sum(lag > LATENCY_TARGET_MS for lag in lags)
            name = "chunked" if framing == "chunked" else "close-delimited"
            print(
                f"  {name + ':':<17} median {median:6.3f} ms   p99 {p99:6.3f} ms   max {worst:6.3f} ms   "
                f"{late} of {count} late   (target each <= {LATENCY_TARGET_MS:.0f} ms)  "
                f"{verdict(worst <= LATENCY_TARGET_MS)}"
            )


def interleaved(rounds: int, *measures: Callable[[], float]) -> List[float]:
    """Medians of the measurements run in turn, round after round (fair against machine noise)."""
    results: List[List[float]] = [[] for _ in measures]
    for _ in range(rounds):
        for measure, values in zip(measures, results):
            values.append(measure())
    return [statistics.median(values) for values in results]


def accumulator_cost(count: int) -> float:
    """Microseconds per chunk that ChatCompletionAccumulator adds (final included), in memory: no network noise."""
    from openai_lite import ChatCompletionAccumulator
    from openai_lite.types.chat import CreateChatCompletionStreamResponse

    chunks = [CreateChatCompletionStreamResponse.from_dict(chat_chunk(i)) for i in range(count)]

    def plain() -> float:
        started = time.perf_counter()
        for _ in chunks:
            pass
        return time.perf_counter() - started

    def wrapped() -> float:
        started = time.perf_counter()
        stream = ChatCompletionAccumulator(chunks)
        for _ in stream:
            pass
        stream.final  # noqa: B018 (building the completion is part of the cost)
        return time.perf_counter() - started

    with_it, without = interleaved(7, wrapped, plain)
    return (with_it - without) / count * 1e6


def bench_throughput(base_url: str, quick: bool) -> None:
    import requests
    import sseclient  # type: ignore[import-untyped,import-not-found,unused-ignore]

    import openai_lite
    from openai_lite import ChatCompletionAccumulator

    count = 5000 if quick else 20000
    rounds = 3 if quick else 7
    headers = {"X-Chunks": str(count)}
    client = openai_lite.Client(api_key="x", base_url=base_url, max_retries=0)
    session = requests.Session()

    def ours() -> float:
        started = time.perf_counter()
        n = 0
        for chunk in client.create_chat_completion_stream(model="m", messages=MESSAGES, extra_headers=headers):
            n += len(chunk.choices)
        assert n == count, n
        return count / (time.perf_counter() - started)

    def accumulated() -> float:
        started = time.perf_counter()
        stream = ChatCompletionAccumulator(
            client.create_chat_completion_stream(model="m", messages=MESSAGES, extra_headers=headers)
        )
        n = 0
        for chunk in stream:
            n += len(chunk.choices)
        assert len(stream.final.choices[0].message.content or "") > count and n == count
        return count / (time.perf_counter() - started)

    def raw() -> float:
        started = time.perf_counter()
        n = 0
        response = session.post(
            base_url + "/chat/completions",
            json={"model": "m", "messages": MESSAGES, "stream": True},
            headers=headers,
            stream=True,
        )
        for event in sseclient.SSEClient(response.iter_content(chunk_size=None)).events():
            if event.data == "[DONE]":
                break
            n += len(json.loads(event.data)["choices"])
        response.close()
        assert n == count, n
        return count / (time.perf_counter() - started)

    ours(), raw(), accumulated()  # warm-up: connections, caches, first-use imports
    typed_rate, raw_rate, acc_rate = interleaved(rounds, ours, raw, accumulated)
    ratio = typed_rate / raw_rate
    print(f"Throughput: {count:,} chat chunks of ~{len(json.dumps(chat_chunk(0)))} B, medians of {rounds} runs")
    print(f"  raw requests + sseclient-py + json.loads:       {raw_rate:9,.0f} chunks/s")
    print(
        f"  create_chat_completion_stream (typed chunks):   {typed_rate:9,.0f} chunks/s   ratio {ratio:4.2f}"
        f"   (target >= {RATIO_TARGET})  {verdict(ratio >= RATIO_TARGET)}"
    )
    print(
        f"  ... wrapped in ChatCompletionAccumulator:       {acc_rate:9,.0f} chunks/s   ratio "
        f"{acc_rate / raw_rate:4.2f}"
    )
    print(f"  the accumulator's own cost, on chunks already parsed: {accumulator_cost(count):.2f} us/chunk")
    client.close()

    try:
        import openai  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        print("  official openai SDK: not installed, skipped")
    else:
        sdk = openai.OpenAI(api_key="x", base_url=base_url, max_retries=0)

        def official() -> float:
            started = time.perf_counter()
            n = 0
            for chunk in sdk.chat.completions.create(model="m", messages=MESSAGES, stream=True, extra_headers=headers):
                n += len(chunk.choices)
            assert n == count, n
            return count / (time.perf_counter() - started)

        official()
        sdk_rate, raw_rate3 = interleaved(max(3, rounds // 2), official, raw)
        print(
            f"  official openai {openai.__version__} SDK (typed chunks):  {sdk_rate:9,.0f} chunks/s   ratio "
            f"{sdk_rate / raw_rate3:4.2f}"
        )
    session.close()


def main() -> int:
    if "--serve" in sys.argv:
        serve()
        return 0
    quick = "--quick" in sys.argv
    import importlib.metadata

    import requests

    import openai_lite

    version = importlib.metadata.version("sseclient-py")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Python {sys.version.split()[0]}, requests {requests.__version__}, sseclient-py {version}, "
        f"openai_lite {openai_lite.__version__}; load average {load:.2f} on {os.cpu_count()} CPUs"
    )
    server = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        base_url = f"http://127.0.0.1:{server.stdout.readline().strip()}/v1"
        bench_latency(base_url, quick)
        bench_throughput(base_url, quick)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
