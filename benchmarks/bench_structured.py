"""Structured outputs: what parsing into your own classes costs, side by side in the same run.

    python benchmarks/bench_structured.py [--quick]

Prints, each as a ratio against its baseline measured in the same run:

- import: ``import openai_lite; Client()`` then a first ``json_schema(...)``
  (the structured-output modules load on first use) vs ``import openai_lite;
  Client()`` alone (fresh interpreters, median wall time);
- calls: ``client.parse_chat_completion(response_format=Forecast)`` (schema
  built per call, reply parsed twice: response types, then a Forecast with
  nested dataclasses) vs ``client.create_chat_completion`` sending the same
  ``response_format`` dict and getting the same reply.

The fake server (openai_lite.testing) runs in its own process, so it does not
share the client's GIL; its replies follow the requested schema.
"""

from __future__ import annotations

import enum
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import openai_lite  # noqa: E402
from openai_lite._schema import strict_format  # noqa: E402


class Sky(enum.Enum):
    CLEAR = "clear"
    RAIN = "rain"


@dataclass
class Day:
    weekday: str
    high_c: float
    sky: Sky


@dataclass
class Forecast:
    """A weather forecast."""

    city: str
    days: List[Day]
    warning: Optional[str]


SERVER = (
    "import sys; from openai_lite.testing import FakeServer\n"
    "server = FakeServer().start(); print(server.base_url, flush=True); sys.stdin.read(); server.stop()"
)
MESSAGES = [{"role": "user", "content": "Forecast for Paris"}]


def fresh_process_time(code: str) -> float:
    env = dict(os.environ, PYTHONPATH=ROOT, PYTHONDONTWRITEBYTECODE="")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return time.perf_counter() - started


def interleaved(a: Callable[[], float], b: Callable[[], float], rounds: int) -> Tuple[float, float]:
    """Medians of alternating runs of two measurements (fair against machine noise)."""
    xs, ys = [], []
    for _ in range(rounds):
        xs.append(a())
        ys.append(b())
    return statistics.median(xs), statistics.median(ys)


def report(name: str, ours: float, base: float, unit: str) -> None:
    print(f"{name:<40} {ours:10.2f} {unit:<6} baseline {base:10.2f} {unit:<6} ratio {ours / base:5.2f}")


def main() -> None:
    quick = "--quick" in sys.argv
    print(f"Python {sys.version.split()[0]}, openai_lite {openai_lite.__version__}\n")

    base_code = "import openai_lite; openai_lite.Client(api_key='x')"
    schema_code = (
        base_code + "\nfrom dataclasses import dataclass\n@dataclass\nclass A:\n    x: int\nopenai_lite.json_schema(A)"
    )
    fresh_process_time("pass")  # warm the page cache and the bytecode
    fresh_process_time(schema_code)
    ours, base = interleaved(
        lambda: fresh_process_time(schema_code), lambda: fresh_process_time(base_code), 5 if quick else 21
    )
    report("import + Client() + first json_schema", ours * 1000, base * 1000, "ms")

    env = dict(os.environ, PYTHONPATH=ROOT)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        client = openai_lite.Client(api_key="x", base_url=base_url, max_retries=0)
        fmt = {"type": "json_schema", "json_schema": strict_format(Forecast)}
        calls = 100 if quick else 400

        def parse_calls() -> float:
            started = time.perf_counter()
            for _ in range(calls):
                client.parse_chat_completion(model="gpt-4o-mini", messages=MESSAGES, response_format=Forecast)
            return calls / (time.perf_counter() - started)

        def plain_calls() -> float:
            started = time.perf_counter()
            for _ in range(calls):
                client.create_chat_completion(model="gpt-4o-mini", messages=MESSAGES, response_format=fmt)  # type: ignore[arg-type]
            return calls / (time.perf_counter() - started)

        parse_calls(), plain_calls()  # warm-up
        ours, base = interleaved(parse_calls, plain_calls, 3 if quick else 7)
        report("parse_chat_completion vs create_", ours, base, "req/s")
        client.close()
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
