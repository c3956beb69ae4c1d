"""The FakeServer's speed: a call on a kept-alive connection, beside the old fake and a raw-socket server.

    python benchmarks/bench_fake.py [--quick]

Prints the median time of ``client.create_chat_completion(...)`` (and of a streamed one, read to
its end) on a kept-alive connection of one ``openai_lite.Client``, against:

- the FakeServer of this checkout (in the same process, as tests use it);
- the one-file FakeServer of commit c7d9377 (read with ``git show``; skipped without git), which
  sent each reply's head and body in two writes without ``TCP_NODELAY``;
- benchmarks/_server.py, a raw-socket server answering canned bytes in its own process: the floor.

The target: a non-streamed call under 2 ms. Ratios are what matters; absolute times depend on
the machine and its load.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import types
from typing import Any, Callable, Dict, List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench_core import start_server  # noqa: E402  (benchmarks/_server.py in its own process)

import openai_lite  # noqa: E402
from openai_lite.testing import FakeServer  # noqa: E402

OLD_COMMIT = "c7d9377"
MESSAGES: Any = [{"role": "user", "content": "Hello"}]


def old_fake_class() -> Optional[Any]:
    """The FakeServer class of OLD_COMMIT, or None if git cannot show it."""
    try:
        source = subprocess.run(
            ["git", "show", f"{OLD_COMMIT}:openai_lite/testing.py"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("old_fake")
    sys.modules["old_fake"] = module  # dataclass-like machinery looks the module up by name
    exec(compile(source, "old_fake.py", "exec"), module.__dict__)
    return module.FakeServer


def median_ms(call: Callable[[], Any], runs: int) -> float:
    for _ in range(min(10, runs)):  # warm up: the connection, the lazily loaded types
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(base_url: str, runs: int, stream_chunks: bool = True) -> Dict[str, float]:
    with openai_lite.Client(api_key="sk-bench", base_url=base_url, max_retries=0) as client:

        def call() -> None:
            client.create_chat_completion(model="gpt-4o-mini", messages=MESSAGES)

        def stream() -> None:
            for _ in client.create_chat_completion_stream(
                model="gpt-4o-mini", messages=MESSAGES, extra_headers={"X-Chunks": "6"}
            ):
                pass

        return {"call": median_ms(call, runs), "stream": median_ms(stream, runs) if stream_chunks else float("nan")}


def main() -> None:
    quick = "--quick" in sys.argv
    runs, old_runs = (50, 10) if quick else (400, 40)
    results: Dict[str, Dict[str, float]] = {}

    with FakeServer() as fake:
        results["FakeServer (this checkout)"] = measure(fake.base_url, runs)
    old = old_fake_class()
    if old is not None:
        with old() as fake:
            # Fewer runs: each non-streamed call waits for a delayed ACK (~40 ms).
            results[f"FakeServer at {OLD_COMMIT} (one file)"] = measure(fake.base_url, old_runs)
    proc, url = start_server()
    try:
        results["raw socket server (own process)"] = measure(url, runs)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(10)

    new = results["FakeServer (this checkout)"]
    print(f"{'server':36} {'call ms':>9} {'stream ms':>10} {'call vs this checkout':>22}")
    rows: List[str] = []
    for name, times in results.items():
        ratio = times["call"] / new["call"]
        rows.append(f"{name:36} {times['call']:9.2f} {times['stream']:10.2f} {ratio:21.2f}x")
    print("\n".join(rows))
    verdict = "meets" if new["call"] <= 2.0 else "MISSES"
    print(f"\nnon-streamed call on a kept-alive connection: {new['call']:.2f} ms median ({verdict} the 2 ms target)")


if __name__ == "__main__":
    main()
