"""Peak memory of ``run_batch`` over 50,000 chat requests, against a baseline holding the same results.

    python benchmarks/bench_batch.py [--requests 50000]

Two fresh child processes each build the same list of small chat requests,
then:

- baseline: parses the output lines the batch will produce (made in the
  child, one at a time) into the same ``BatchResult`` objects, in order:
  the memory of the requests and of the results themselves;
- run_batch: ``client.run_batch(requests, endpoint="/v1/chat/completions")``
  against a loopback Files + Batch API served from this process, which
  answers every line with a chat completion and writes the output file in a
  shuffled order;
- for comparison, the same steps by hand with the JSONL and the output file
  held in memory (``create_file(bytes)``, ``download_file().content``).

Both warm up first (imports, a 10-request batch or parse), so that the two
peaks differ only by what ``run_batch`` itself holds on the way: the JSONL,
the upload, the downloads, the position of each custom id. The issue's
target: at most 64 MB over the baseline's peak.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer
from typing import Any, Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for path in (ROOT, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)  # run from a source checkout

import bench_memory  # noqa: E402
from _server import COMPLETION  # noqa: E402  (a realistic chat completion)
from bench_memory import MB, _peak_kb, _reset_peak  # noqa: E402

TARGET = 64 * MB
"""The issue's limit: run_batch's peak RSS at most 64 MB over the baseline's."""


def make_requests(count: int) -> List[Dict[str, Any]]:
    """``count`` small chat requests, all different."""
    return [
        {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"Say hello to number {i}."}]}
        for i in range(count)
    ]


def output_line(number: int, custom_id: str) -> bytes:
    """The line the batch writes for a request: a chat completion, as the API does."""
    body = COMPLETION.replace(b'"chatcmpl-bench"', b'"chatcmpl-%d"' % number)
    return (
        b'{"id": "batch_req_%d", "custom_id": %s, "response": {"status_code": 200, "request_id": "req_%d", '
        b'"body": %s}, "error": null}\n' % (number, json.dumps(custom_id).encode(), number, body)
    )


# ---------------------------------------------------------------------------
# The server: Files + Batch API, in this process (not measured)
# ---------------------------------------------------------------------------


class BatchServer:
    """Answers uploads, batch creation, retrieval (completed on the first retrieve) and file downloads."""

    def __init__(self) -> None:
        self.files: Dict[str, bytes] = {}
        self.batches: Dict[str, Dict[str, Any]] = {}
        self.lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.owner = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def finish(self, batch: Dict[str, Any]) -> None:
        """Complete a batch: its output file holds a line per request, shuffled."""
        lines = self.files[batch["input_file_id"]].splitlines()
        numbered = [(n, json.loads(line)["custom_id"]) for n, line in enumerate(lines)]
        random.Random(7).shuffle(numbered)
        output_id = f"file-out-{batch['id']}"
        self.files[output_id] = b"".join(output_line(n, custom_id) for n, custom_id in numbered)
        batch.update(status="completed", output_file_id=output_id)
        batch["request_counts"] = {"total": len(lines), "completed": len(lines), "failed": 0}


class _Handler(bench_memory._Handler):
    """bench_memory's quiet keep-alive handler, answering the Files and Batch APIs instead."""

    def _send(self, data: bytes, content_type: str = "application/json") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        owner: BatchServer = self.owner  # type: ignore[assignment]
        with owner.lock:
            if self.path == "/v1/files":
                boundary = re.search(r"boundary=([^;]+)", self.headers["Content-Type"]).group(1)  # type: ignore[union-attr]
                for part in body.split(b"--" + boundary.encode()):
                    if b'name="file"' in part:
                        content = part.split(b"\r\n\r\n", 1)[1][:-2]  # up to the CRLF before the delimiter
                file_id = f"file-in-{len(owner.files) + 1}"
                owner.files[file_id] = content
                self._send(json.dumps({"id": file_id, "object": "file", "purpose": "batch"}).encode())
            elif self.path == "/v1/batches":
                request = json.loads(body)
                batch_id = f"batch_{len(owner.batches) + 1}"
                batch = owner.batches[batch_id] = {
                    "id": batch_id,
                    "object": "batch",
                    "status": "validating",
                    "input_file_id": request["input_file_id"],
                    "endpoint": request["endpoint"],
                }
                self._send(json.dumps(batch).encode())
            else:
                self.send_error(404)

    def do_GET(self) -> None:
        owner: BatchServer = self.owner  # type: ignore[assignment]
        with owner.lock:
            if self.path.startswith("/v1/batches/"):
                batch = owner.batches[self.path.rsplit("/", 1)[1]]
                if batch["status"] != "completed":
                    owner.finish(batch)
                self._send(json.dumps(batch).encode())
            elif self.path.endswith("/content"):
                self._send(owner.files[self.path.split("/")[3]], "application/octet-stream")
            else:
                self.send_error(404)


# ---------------------------------------------------------------------------
# The measured child
# ---------------------------------------------------------------------------


def _child(mode: str, url: str, count: int) -> None:
    import gc

    import openai_lite

    client = openai_lite.Client(api_key="sk-batch", base_url=url, max_retries=0)

    def parse_results(requests: List[Dict[str, Any]]) -> List[Any]:
        """What run_batch returns, built straight from the output lines."""
        from openai_lite._batch import _record
        from openai_lite.types.batches import BatchError
        from openai_lite.types.chat import CreateChatCompletionResponse

        position = {f"request-{i}": i for i in range(len(requests))}
        results: List[Any] = [None] * len(requests)
        for number in range(len(requests)):
            line = output_line(number, f"request-{number}")
            _record(line, position, results, CreateChatCompletionResponse, BatchError)
        return results

    def naive(requests: List[Dict[str, Any]]) -> List[Any]:
        """The same steps written the obvious way: the JSONL and the output held whole in memory."""
        from openai_lite._batch import _record
        from openai_lite.types.batches import BatchError
        from openai_lite.types.chat import CreateChatCompletionResponse

        jsonl = b"".join(
            json.dumps(
                {"custom_id": f"request-{i}", "method": "POST", "url": "/v1/chat/completions", "body": body}
            ).encode()
            + b"\n"
            for i, body in enumerate(requests)
        )
        file = client.create_file(file=("batch.jsonl", jsonl), purpose="batch")
        batch = client.create_batch(input_file_id=file.id, endpoint="/v1/chat/completions", completion_window="24h")
        batch = client.poll_batch(batch.id, poll_interval=0.01)
        output = client.download_file(batch.output_file_id).content.splitlines()
        position = {f"request-{i}": i for i in range(len(requests))}
        results: List[Any] = [None] * len(requests)
        for line in output:
            _record(line, position, results, CreateChatCompletionResponse, BatchError)
        return results

    def run(requests: List[Dict[str, Any]]) -> List[Any]:
        if mode == "baseline":
            return parse_results(requests)
        if mode == "naive":
            return naive(requests)
        results: List[Any] = client.run_batch(requests, endpoint="/v1/chat/completions", poll_interval=0.01)
        return results

    run(make_requests(10))  # warm-up: imports, first-use caches, the connection
    gc.collect()
    requests = make_requests(count)
    gc.collect()
    start = _reset_peak()
    if start is None:
        start = _peak_kb()
    results = run(requests)
    assert len(results) == count and all(r.ok for r in results)
    assert results[count // 2].response.id == f"chatcmpl-{count // 2}"
    print(json.dumps({"start_kb": start, "peak_kb": _peak_kb()}))


def measure(mode: str, url: str, count: int) -> Dict[str, Any]:
    """Run ``mode`` in a fresh child; its report (KiB)."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("OPENAI_", "HTTP_PROXY", "HTTPS_PROXY"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", mode, url, str(count)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{mode} child failed ({done.returncode}):\n{done.stderr}")
    report: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50_000, help="requests in the batch (default 50,000)")
    count = parser.parse_args().requests

    import requests

    import openai_lite

    print(f"Python {sys.version.split()[0]}, requests {requests.__version__}, openai_lite {openai_lite.__version__}")
    print(f"{count} chat requests; target: run_batch's peak RSS <= baseline's + {TARGET // MB} MiB\n")
    server = BatchServer()
    try:
        with tempfile.TemporaryDirectory():
            baseline = measure("baseline", server.url, count)
            measured = measure("run_batch", server.url, count)
            held = measure("naive", server.url, count)
    finally:
        server.close()
    print(f"{'case':<46} {'peak RSS':>10} {'over its start':>15}")
    cases = (
        ("baseline (requests + the results, parsed)", baseline),
        ("run_batch", measured),
        ("by hand, files held in memory (comparison)", held),
    )
    for label, report in cases:
        rise = (report["peak_kb"] - report["start_kb"]) / 1024
        print(f"{label:<46} {report['peak_kb'] / 1024:>6.1f} MiB {rise:>11.1f} MiB")
    over = (measured["peak_kb"] - baseline["peak_kb"]) * 1024
    naive_over = (held["peak_kb"] - baseline["peak_kb"]) * 1024
    print(f"\nrun_batch over the baseline: {over / MB:+.1f} MiB (target <= +{TARGET // MB} MiB): ", end="")
    print("PASS" if over <= TARGET else "FAIL")
    print(f"by hand, in memory, over the baseline: {naive_over / MB:+.1f} MiB")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
