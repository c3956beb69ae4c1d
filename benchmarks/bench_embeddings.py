"""Embeddings as base64 vs JSON floats: bytes on the wire and time to parse.

    python benchmarks/bench_embeddings.py [--quick]

``create_embedding`` asks for ``encoding_format="base64"`` when the caller
does not choose one and decodes the float32 vectors with ``array``; the
alternative is ``encoding_format="float"``, a JSON array of numbers. For 100
inputs of 1536 and of 3072 dimensions (and one input of 1536) this prints:

- the response body size of each format (what goes over the wire);
- the median time of a whole call (request, transfer over loopback, parse),
  with the default (base64) and with ``encoding_format="float"``;
- the median time to parse an already received body (``json.loads``, building
  the response objects and, for base64, decoding to floats);

and checks that both give the same float32 values. The server runs in its own
process (so that it does not share the client's GIL) and answers what the
request asks for: float JSON written as the API writes it (each float32 in its
shortest round-trip form, e.g. ``-0.0069292835``), or base64 of the
little-endian float32 bytes.
"""

from __future__ import annotations

import base64
import json
import os
import random
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

CASES = [(100, 1536), (100, 3072), (1, 1536)]  # (inputs, dimensions)
MODEL = "text-embedding-3-small"

# ---------------------------------------------------------------------------
# The server (run as: bench_embeddings.py --serve)
# ---------------------------------------------------------------------------


def vector_bytes(index: int, dims: int) -> bytes:
    """A deterministic unit vector of float32s, like a real embedding (values around +-0.03)."""
    rng = random.Random(index * 100003 + dims)
    values = [rng.gauss(0.0, 1.0) for _ in range(dims)]
    norm = sum(v * v for v in values) ** 0.5
    return struct.pack(f"<{dims}f", *(v / norm for v in values))


def shortest_float32(value: float) -> str:
    """The shortest decimal that reads back as the same float32 (how the API writes its floats)."""
    for digits in range(6, 10):
        text = f"{value:.{digits}g}"
        if struct.unpack("<f", struct.pack("<f", float(text)))[0] == value:
            return text
    return repr(value)


_bodies: Dict[Tuple[int, int, str], bytes] = {}


def response_body(count: int, dims: int, encoding: str) -> bytes:
    key = (count, dims, encoding)
    if key not in _bodies:
        items = []
        for index in range(count):
            packed = vector_bytes(index, dims)
            if encoding == "base64":
                embedding = '"' + base64.b64encode(packed).decode("ascii") + '"'
            else:
                embedding = "[" + ",".join(shortest_float32(v) for v in struct.unpack(f"<{dims}f", packed)) + "]"
            items.append(f'{{"object":"embedding","index":{index},"embedding":{embedding}}}')
        _bodies[key] = (
            f'{{"object":"list","data":[{",".join(items)}],"model":"{MODEL}",'
            f'"usage":{{"prompt_tokens":{count},"total_tokens":{count}}}}}'
        ).encode()
    return _bodies[key]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK add 40 ms to small answers.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        inputs = request["input"]
        count = len(inputs) if isinstance(inputs, list) else 1
        body = response_body(count, request.get("dimensions") or 1536, request.get("encoding_format") or "float")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    print(httpd.server_address[1], flush=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    sys.stdin.read()  # until the benchmark closes our stdin


# ---------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------


def median_time(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def as_float32(vectors: List[List[float]]) -> List[bytes]:
    return [struct.pack(f"<{len(v)}f", *v) for v in vectors]


def main() -> None:
    import requests

    import openai_lite
    from openai_lite._embeddings import decode_embeddings
    from openai_lite.types.embeddings import CreateEmbeddingResponse

    runs = 5 if "--quick" in sys.argv else 21
    server = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None and server.stdin is not None
    base_url = f"http://127.0.0.1:{server.stdout.readline().strip()}/v1"
    try:
        client = openai_lite.Client(api_key="sk-bench", base_url=base_url, max_retries=0)
        print(
            f"Python {sys.version.split()[0]}, requests {requests.__version__}, openai_lite "
            f"{openai_lite.__version__}; median of {runs} runs\n"
        )
        print(
            f"{'inputs x dims':<14} {'format':<7} {'body':>10} {'size':>6} {'call':>9} {'speedup':>8} "
            f"{'parse':>9} {'speedup':>8}"
        )
        for count, dims in CASES:
            inputs = [f"input {i}" for i in range(count)]

            def call(inputs: List[str] = inputs, dims: int = dims, **options: Any) -> Any:
                return client.create_embedding(model=MODEL, input=inputs, dimensions=dims, **options)

            # Warm-up (the server builds its answers on first use) and the check that both agree.
            ours, floats = call(), call(encoding_format="float")
            same = as_float32([d.embedding for d in ours.data]) == as_float32([d.embedding for d in floats.data])
            sizes = {"float": int(floats._headers["content-length"]), "base64": int(ours._headers["content-length"])}
            calls = {
                "float": median_time(lambda: call(encoding_format="float"), runs),
                "base64": median_time(call, runs),
            }
            bodies = {
                fmt: requests.post(
                    f"{base_url}/embeddings", json={"input": inputs, "dimensions": dims, "encoding_format": fmt}
                ).content
                for fmt in ("float", "base64")
            }

            def parse_float(body: bytes = bodies["float"]) -> Any:
                return CreateEmbeddingResponse.from_dict(json.loads(body))

            def parse_base64(body: bytes = bodies["base64"]) -> Any:
                result = CreateEmbeddingResponse.from_dict(json.loads(body))
                decode_embeddings(result)
                return result

            parses = {"float": median_time(parse_float, runs), "base64": median_time(parse_base64, runs)}
            for fmt in ("float", "base64"):
                label = f"{count} x {dims}" if fmt == "float" else ""
                size_ratio = sizes[fmt] / sizes["float"]
                print(
                    f"{label:<14} {fmt:<7} {sizes[fmt]:>10,} {size_ratio:>5.0%} {calls[fmt] * 1000:>7.2f}ms "
                    f"{calls['float'] / calls[fmt]:>7.1f}x {parses[fmt] * 1000:>7.2f}ms "
                    f"{parses['float'] / parses[fmt]:>7.1f}x"
                )
            print(
                f"{'':<14} same float32 values: {'yes' if same else 'NO'}; base64 is "
                f"{sizes['float'] / sizes['base64']:.1f}x smaller, the call {calls['float'] / calls['base64']:.1f}x "
                "faster\n"
            )
        client.close()
    finally:
        server.stdin.close()
        server.wait(10)


if __name__ == "__main__":
    if "--serve" in sys.argv:
        serve()
    else:
        main()
