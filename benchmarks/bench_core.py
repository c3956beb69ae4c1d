"""Core speed, side by side with raw requests in the same run.

    python benchmarks/bench_core.py [--quick]

Prints, each as a ratio against the raw-requests equivalent measured in the
same run (the ratios are what matters; absolute numbers depend on the machine):

- import: ``import openai_lite; openai_lite.Client(api_key="x")`` vs
  ``import requests, sseclient`` (fresh interpreters, median wall time);
- cold call: a fresh process doing import + client + one chat completion vs
  the same with raw requests;
- req/s: ``client.create_chat_completion(...)`` vs
  ``requests.Session().post(...).json()`` on a keep-alive loopback connection;
- stream: chunks/s of ``create_chat_completion_stream`` (typed chunks) vs raw
  requests + sseclient-py + ``json.loads``.

The server runs in its own process (benchmarks/_server.py) so that it does not
share the client's GIL.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from typing import Callable, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import requests  # noqa: E402
import sseclient  # noqa: E402

import openai_lite  # noqa: E402

MESSAGES = [{"role": "user", "content": "Hello"}]
BODY = {"model": "gpt-4o-mini", "messages": MESSAGES}


def start_server() -> Tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "benchmarks", "_server.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    port = proc.stdout.readline().strip()
    return proc, f"http://127.0.0.1:{port}/v1"


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server that start_server started (it serves until its stdin closes)."""
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=5)


def fresh_process_time(code: str, runs: int) -> float:
    """Median wall time of ``python -c code`` in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=ROOT, PYTHONDONTWRITEBYTECODE="")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def interleaved(a: Callable[[], float], b: Callable[[], float], rounds: int) -> Tuple[float, float]:
    """Medians of alternating runs of two measurements (fair against machine noise)."""
    xs, ys = [], []
    for _ in range(rounds):
        xs.append(a())
        ys.append(b())
    return statistics.median(xs), statistics.median(ys)


def report(name: str, ours: float, raw: float, unit: str, target: str, ok: bool) -> None:
    ratio = ours / raw
    print(
        f"{name:<34} ours {ours:12.1f} {unit:<9} raw {raw:12.1f} {unit:<9} ratio {ratio:5.2f}  "
        f"target {target:<7} {'PASS' if ok else 'FAIL'}"
    )


def main() -> None:
    quick = "--quick" in sys.argv
    proc, base_url = start_server()
    try:
        print(
            f"Python {sys.version.split()[0]}, requests {requests.__version__}, openai_lite "
            f"{openai_lite.__version__}; server {base_url}\n"
        )

        # -- import time (fresh interpreters, interleaved) ------------------
        runs = 5 if quick else 25
        ours_code = "import openai_lite; openai_lite.Client(api_key='x')"
        raw_code = "import requests, sseclient"
        fresh_process_time("pass", 3)  # warm the page cache
        ours, raw = interleaved(lambda: fresh_process_time(ours_code, 1), lambda: fresh_process_time(raw_code, 1), runs)
        report("import + Client()", ours * 1000, raw * 1000, "ms", "<=1.15", ours / raw <= 1.15)

        # -- cold process: import + client + first call -----------------------
        ours_code = (
            "import openai_lite\n"
            f"c = openai_lite.Client(api_key='x', base_url='{base_url}')\n"
            "c.create_chat_completion(model='gpt-4o-mini', messages=[{'role': 'user', 'content': 'Hello'}])"
        )
        raw_code = (
            "import requests, sseclient\n"
            f"s = requests.Session()\n"
            f"s.post('{base_url}/chat/completions', json={BODY!r}, "
            "headers={'Authorization': 'Bearer x'}).json()"
        )
        ours, raw = interleaved(lambda: fresh_process_time(ours_code, 1), lambda: fresh_process_time(raw_code, 1), runs)
        report("cold process: import+call", ours * 1000, raw * 1000, "ms", "<=1.10", ours / raw <= 1.10)

        # -- non-stream requests per second -----------------------------------
        calls = 500 if quick else 2000
        client = openai_lite.Client(api_key="x", base_url=base_url, max_retries=0)
        session = requests.Session()
        url = base_url + "/chat/completions"
        headers = {"Authorization": "Bearer x"}

        def ours_rps() -> float:
            started = time.perf_counter()
            for _ in range(calls):
                client.create_chat_completion(model="gpt-4o-mini", messages=MESSAGES)
            return calls / (time.perf_counter() - started)

        def raw_rps() -> float:
            started = time.perf_counter()
            for _ in range(calls):
                session.post(url, json=BODY, headers=headers).json()
            return calls / (time.perf_counter() - started)

        ours_rps(), raw_rps()  # warm-up: connections, caches, first-use imports
        ours, raw = interleaved(ours_rps, raw_rps, 3 if quick else 7)
        # (>= 0.9 was the core's target; the fast request path's is >= 1.5)
        report("non-stream calls", ours, raw, "req/s", ">=1.5", ours / raw >= 1.5)

        # -- stream chunks per second ------------------------------------------
        chunks = 5000 if quick else 20000
        stream_headers = {"Authorization": "Bearer x", "X-Chunks": str(chunks)}

        def ours_stream() -> float:
            started = time.perf_counter()
            n = 0
            for chunk in client.create_chat_completion_stream(
                model="gpt-4o-mini", messages=MESSAGES, extra_headers={"X-Chunks": str(chunks)}
            ):
                n += len(chunk.choices)
            assert n == chunks, n
            return chunks / (time.perf_counter() - started)

        def raw_stream() -> float:
            started = time.perf_counter()
            n = 0
            response = session.post(url, json={**BODY, "stream": True}, headers=stream_headers, stream=True)
            for event in sseclient.SSEClient(response.iter_content(chunk_size=None)).events():
                if event.data == "[DONE]":
                    break
                n += len(json.loads(event.data)["choices"])
            assert n == chunks, n
            return chunks / (time.perf_counter() - started)

        ours_stream(), raw_stream()
        ours, raw = interleaved(ours_stream, raw_stream, 3 if quick else 7)
        report("stream (typed chunks)", ours, raw, "chunks/s", ">=0.5", ours / raw >= 0.5)
        client.close()
        session.close()
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
