"""The Lambda example's cold start and zip size, side by side with the same handler on raw requests.

    python benchmarks/bench_lambda.py [--quick]

Builds the deployment zip with ``examples/lambda/build.sh`` (for this Python; pip settings such as
``PIP_NO_INDEX=1 PIP_FIND_LINKS=.ci/.wheelhouse`` pass through), unpacks it with ``zipfile`` as a
deployment does, and adds ``raw_handler.py``: the same handler written with ``requests`` alone,
compiled the same way. Then prints, each as a ratio against the raw-requests handler in the same run:

- cold start: a fresh interpreter that sees only the unpacked zip and the standard library
  (``-S``, no .pyc written, as on Lambda's read-only file system) imports the handler (which
  creates its client) and handles one invocation against a loopback server running in another
  process (benchmarks/_server.py); median wall time of interleaved runs (target <= 1.2), and
  median CPU time (user + system), which a busy machine inflates less;
- the same without the zip's .pyc files, to show what they save;
- zip size: the built zip vs a zip of the raw handler with only what it needs (requests and its
  dependencies); target: the built zip <= 2.5 MB.
"""

from __future__ import annotations

import os
import py_compile
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from typing import Dict, List, Tuple

from bench_core import report, start_server, stop_server
from bench_size import zip_tree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MB = 1024 * 1024

RAW_HANDLER = '''\
"""The example handler (examples/lambda/handler.py) written with requests alone."""

import os

import requests

MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
DEFAULT_PROMPT = "Say hello in five words or fewer."
URL = os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1").rstrip("/") + "/chat/completions"
HEADERS = {"Authorization": "Bearer " + os.environ["OPENAI_API_KEY"]}
session = requests.Session()


def handler(event, context):
    prompt = event.get("prompt", DEFAULT_PROMPT) if isinstance(event, dict) else None
    if not isinstance(prompt, str) or not prompt.strip():
        return {"statusCode": 400, "body": 'The event must be a JSON object whose "prompt" is a non-empty string.'}
    left = max(context.get_remaining_time_in_millis() / 1000 - 0.5, 0.1)
    response = session.post(
        URL,
        json={"model": MODEL, "messages": [{"role": "user", "content": prompt}]},
        headers=HEADERS,
        timeout=(min(2.0, left), left),
    )
    response.raise_for_status()
    message = response.json()["choices"][0]["message"]
    return {"statusCode": 200, "body": message["content"] or message.get("refusal") or ""}
'''

# One cold start: import the handler module, invoke it once.
INVOKE = """
import {module} as function

class Context:
    def get_remaining_time_in_millis(self):
        return 30000

result = function.handler({{"prompt": "Hello"}}, Context())
assert result["statusCode"] == 200 and result["body"], result
"""


def build(out: str) -> None:
    started = time.perf_counter()
    subprocess.run(["bash", os.path.join(ROOT, "examples", "lambda", "build.sh"), out, sys.executable], check=True)
    print(f"built in {time.perf_counter() - started:.1f} s\n")


def cold_start(task: str, module: str, env: Dict[str, str]) -> Tuple[float, float]:
    """Wall and CPU seconds of one fresh interpreter importing ``module`` from ``task`` and invoking it once."""
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-S", "-c", INVOKE.format(module=module)], cwd=task, env=env, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)


def without_pycs(task: str, copy: str) -> str:
    shutil.copytree(task, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def raw_zip(task: str, out: str, tmp: str) -> None:
    """A zip of the raw handler and what it needs: the task root less openai_lite and sseclient."""
    copy = os.path.join(tmp, "raw-only")
    # (sseclient also drops sseclient_py-*.dist-info; openai_lite its dist-info)
    drop = ("openai_lite", "sseclient", "handler.py")
    shutil.copytree(task, copy, ignore=lambda at, names: [n for n in names if at == task and n.startswith(drop)])
    os.remove(os.path.join(copy, "__pycache__", f"handler.{sys.implementation.cache_tag}.pyc"))
    zip_tree(copy, out, pycache=True)


def main() -> None:
    quick = "--quick" in sys.argv
    runs = 7 if quick else 25
    proc, base_url = start_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            built = os.path.join(tmp, "function.zip")
            build(built)
            task = os.path.join(tmp, "task")
            with zipfile.ZipFile(built) as archive:
                archive.extractall(task)
            with open(os.path.join(task, "raw_handler.py"), "w", encoding="utf-8") as file:
                file.write(RAW_HANDLER)
            py_compile.compile(
                os.path.join(task, "raw_handler.py"),
                invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,  # as build.sh compiles handler.py
                doraise=True,
            )
            env = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("OPENAI_", "PYTHON")) and k.upper() not in ("HTTP_PROXY", "HTTPS_PROXY")
            }
            env.update(OPENAI_API_KEY="x", OPENAI_BASE_URL=base_url, PYTHONDONTWRITEBYTECODE="1")
            print(
                f"Python {sys.version.split()[0]} ({os.cpu_count()} cores), the zip built by build.sh, "
                f"server {base_url}\n"
            )

            def pair(folder: str) -> Dict[str, Tuple[float, float]]:
                """Median (wall, CPU) seconds of each handler's cold start, in interleaved runs."""
                samples: Dict[str, List[Tuple[float, float]]] = {"handler": [], "raw_handler": []}
                for module in samples:  # warm the page cache
                    cold_start(folder, module, env)
                for _ in range(runs):
                    for module, times in samples.items():
                        times.append(cold_start(folder, module, env))
                return {
                    module: (statistics.median(t[0] for t in times), statistics.median(t[1] for t in times))
                    for module, times in samples.items()
                }

            cold = pair(task)
            (ours, ours_cpu), (raw, raw_cpu) = cold["handler"], cold["raw_handler"]
            report("cold start (import + 1 call)", ours * 1000, raw * 1000, "ms", "<=1.2", ours / raw <= 1.2)
            # CPU time is what a busy machine inflates least (the wait for a core is not in it).
            report("  its CPU time", ours_cpu * 1000, raw_cpu * 1000, "ms", "<=1.2", ours_cpu / raw_cpu <= 1.2)
            bare = pair(without_pycs(task, os.path.join(tmp, "no-pyc")))
            (ours_bare, _), (raw_bare, _) = bare["handler"], bare["raw_handler"]
            print(
                f"{'same, without the .pyc files':<34} ours {ours_bare * 1000:12.1f} ms        raw "
                f"{raw_bare * 1000:12.1f} ms        ratio {ours_bare / raw_bare:5.2f}  (for comparison)"
            )

            raw_built = os.path.join(tmp, "raw.zip")
            raw_zip(task, raw_built, tmp)
            size, raw_size = os.path.getsize(built), os.path.getsize(raw_built)
            report("zip size (with .pyc)", size / 1024, raw_size / 1024, "KB", "<=2.5MB", size <= 2.5 * MB)
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
