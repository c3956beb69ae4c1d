"""Peak memory of large uploads and downloads, measured in a child process.

    python benchmarks/bench_memory.py [--size-mb 1024] [--requests-size-mb N]

For each case a fresh Python imports openai_lite, makes a small warm-up call of
the same kind, takes its resident set size as the baseline (the peak is reset
through /proc/self/clear_refs where Linux allows it), moves the body through a
loopback server, and reports how far its peak RSS rose above the baseline:

- ``create_file(file=path)``: a multipart upload streamed from disk;
- ``upload_file(path)``: the Uploads API in 64 MB parts;
- ``download_file(...).write_to_file(path)``, served chunked;
- ``download_file(...).iter_bytes()``, served with a Content-Length;
- raw ``requests.post(files=...)`` of the same file, for comparison (it builds
  the whole body in memory; run on a smaller file when RAM is short and
  extrapolated linearly).

The target is at most 64 MB of peak RSS increase per GB moved. The server
runs in this process, reads and drops (or generates) the bodies, and checks
what it received: byte counts against Content-Length and a CRC-32 of the file.
tests/test_memory.py runs the same measurements through :func:`measure`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)  # run from a source checkout
MB = 1024 * 1024
GB = 1024 * MB
TARGET_PER_GB = 64 * MB
"""The issue's limit: a 1 GB transfer may raise peak RSS by at most 64 MB."""

# ---------------------------------------------------------------------------
# Test data: generated on the fly, never held whole
# ---------------------------------------------------------------------------

_BLOCK = MB
# One random MiB (fixed seed, so the data is the same in every process); each block
# of the stream is this MiB with its index stamped in front, so a dropped, repeated
# or misplaced piece changes the CRC.
_PATTERN = random.Random(20240501).getrandbits(8 * _BLOCK).to_bytes(_BLOCK, "little")


def pattern_blocks(size: int) -> Iterator[bytes]:
    """``size`` bytes of test data, in blocks of at most 1 MiB."""
    for index, offset in enumerate(range(0, size, _BLOCK)):
        block = index.to_bytes(8, "little") + _PATTERN[8:]
        yield block[: min(_BLOCK, size - offset)]


def pattern_crc(size: int) -> int:
    """CRC-32 of the first ``size`` bytes of test data."""
    crc = 0
    for block in pattern_blocks(size):
        crc = zlib.crc32(block, crc)
    return crc


def write_pattern_file(path: str, size: int) -> None:
    """Write ``size`` bytes of test data to ``path``, a block at a time."""
    with open(path, "wb") as f:
        for block in pattern_blocks(size):
            f.write(block)


def file_crc(path: str) -> Tuple[int, int]:
    """(size, CRC-32) of a file, read a block at a time."""
    crc = size = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_BLOCK), b""):
            crc = zlib.crc32(block, crc)
            size += len(block)
    return size, crc


# ---------------------------------------------------------------------------
# The loopback server: reads and drops uploads, generates downloads
# ---------------------------------------------------------------------------


class LargeBodyServer:
    """A loopback HTTP/1.1 server that never holds a body in memory.

    - ``POST /v1/files`` and ``POST /v1/uploads/{id}/parts`` (multipart): the
      body is read in 1 MiB pieces and dropped; ``log`` gets the Content-Length,
      the bytes received and the file part's size and CRC-32.
    - ``POST /v1/uploads`` and ``/v1/uploads/{id}/complete``: enough of the
      Uploads API for ``upload_file``; complete logs the size and CRC-32 of
      the parts in arrival order, and the part ids in both orders.
    - ``GET /v1/files/pattern-{size}-{chunked|length}/content``: ``size`` bytes
      of :func:`pattern_blocks`, chunked or with a Content-Length.
    """

    def __init__(self) -> None:
        self.log: List[Dict[str, Any]] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.owner = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"
        # upload id -> part ids, bytes and CRC-32 of the parts received so far, in arrival order
        self.uploads: Dict[str, Tuple[List[str], int, int]] = {}
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="large-body-server", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)

    def __enter__(self) -> LargeBodyServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client expects
    timeout = 60  # a client that sends less than its Content-Length gets an error, not a hang

    def setup(self) -> None:
        super().setup()
        # Small answers go out as headers then body: without this, Nagle's algorithm and the
        # client's delayed ACK hold each one back 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    @property
    def owner(self) -> LargeBodyServer:
        return self.server.owner  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet

    def _reply(self, obj: Any) -> None:
        data = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _read_json(self) -> Any:
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")

    def _drain_multipart(self, crc: int = 0) -> Dict[str, Any]:
        """Read a multipart body whose last part is the one file, keeping only sizes and a CRC.

        ``crc`` is where the file's CRC-32 starts from (to chain the parts of an upload).
        """
        length = int(self.headers["Content-Length"])  # the client must announce it: no chunked uploads here
        boundary = re.search(r"boundary=\"?([^\";]+)", self.headers["Content-Type"]).group(1)  # type: ignore[union-attr]
        tail = b"\r\n--" + boundary.encode("latin-1") + b"--\r\n"
        remaining = length
        head = b""
        while True:  # up to the end of the file part's headers
            piece = self.rfile.read(min(64 * 1024, remaining))
            if not piece:
                raise ValueError("body ended inside the part headers")
            remaining -= len(piece)
            head += piece
            at = head.find(b"filename=")
            end = head.find(b"\r\n\r\n", at) if at >= 0 else -1
            if end >= 0:
                break
        fields = head[: end + 4].decode("utf-8", "replace")
        filename = re.search(r'filename="([^"]*)"', fields).group(1)  # type: ignore[union-attr]
        purpose = re.search(r'name="purpose"\r\n\r\n([^\r]*)', fields)
        pending = head[end + 4 :]
        size = 0
        while True:  # the file data: everything but the closing delimiter, which is held back
            keep = len(pending) - len(tail)
            if keep > 0:
                crc = zlib.crc32(pending[:keep], crc)
                size += keep
                pending = pending[keep:]
            if not remaining:
                break
            piece = self.rfile.read(min(_BLOCK, remaining))
            if not piece:
                break
            remaining -= len(piece)
            pending += piece
        entry = {
            "path": self.path,
            "content_length": length,
            "received": length - remaining,
            "file_bytes": size,
            "file_crc": crc,
            "filename": filename,
            "purpose": purpose.group(1) if purpose else None,
            "tail_ok": pending == tail,
        }
        self.owner.log.append(entry)
        return entry

    def do_POST(self) -> None:
        path = self.path.split("?")[0]
        if path == "/v1/files":
            entry = self._drain_multipart()
            self._reply(_file(entry["file_bytes"], entry["filename"], entry["purpose"] or "batch"))
        elif path == "/v1/uploads":
            body = self._read_json()
            upload_id = f"upload_{len(self.owner.log)}"
            self.owner.uploads[upload_id] = ([], 0, 0)
            self.owner.log.append({"path": path, "upload_id": upload_id, **body})
            self._reply(_upload(upload_id, body, "pending"))
        elif path.endswith("/parts"):
            upload_id = path.split("/")[3]
            ids, size, crc = self.owner.uploads[upload_id]
            entry = self._drain_multipart(crc)  # chained: the CRC of the parts so far, this one included
            entry["part_id"] = part_id = f"part_{len(self.owner.log)}"
            self.owner.uploads[upload_id] = ([*ids, part_id], size + entry["file_bytes"], entry["file_crc"])
            self._reply({"id": part_id, "object": "upload.part", "created_at": 0, "upload_id": upload_id})
        elif path.endswith("/complete"):
            upload_id = path.split("/")[3]
            body = self._read_json()
            ids, size, crc = self.owner.uploads[upload_id]
            self.owner.log.append(
                {"path": path, "part_ids": body["part_ids"], "arrival": ids, "file_bytes": size, "file_crc": crc}
            )
            start = next(e for e in self.owner.log if e.get("upload_id") == upload_id)
            self._reply(_upload(upload_id, start, "completed", _file(size, start["filename"], start["purpose"])))
        else:
            self.send_error(404)

    def do_GET(self) -> None:
        match = re.fullmatch(r"/v1/files/pattern-(\d+)-(chunked|length)/content", self.path.split("?")[0])
        if match is None:
            self.send_error(404)
            return
        size, chunked = int(match.group(1)), match.group(2) == "chunked"
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        for block in pattern_blocks(size):
            if chunked:
                self.wfile.write(b"%x\r\n" % len(block))
                self.wfile.write(block)
                self.wfile.write(b"\r\n")
            else:
                self.wfile.write(block)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")


def _file(size: int, filename: str, purpose: str) -> Dict[str, Any]:
    return {
        "id": "file-big",
        "object": "file",
        "bytes": size,
        "created_at": 1700000000,
        "filename": filename,
        "purpose": purpose,
        "status": "processed",
    }


def _upload(upload_id: str, body: Dict[str, Any], status: str, file: Optional[Dict[str, Any]] = None) -> Any:
    return {
        "id": upload_id,
        "object": "upload",
        "bytes": body["bytes"],
        "created_at": 1700000000,
        "expires_at": 1700003600,
        "filename": body["filename"],
        "purpose": body["purpose"],
        "status": status,
        "file": file,
    }


# ---------------------------------------------------------------------------
# The child process that is measured
# ---------------------------------------------------------------------------


def _status_kb(field: str) -> Optional[int]:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _peak_kb() -> int:
    peak = _status_kb("VmHWM")
    if peak is not None:
        return peak
    import resource

    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss // 1024 if sys.platform == "darwin" else maxrss  # bytes on macOS, KiB elsewhere


def _reset_peak() -> Optional[int]:
    """Reset the peak RSS to the current RSS (Linux >= 4.0) and return it in KiB; None if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return None
    return _status_kb("VmRSS")


def _child(mode: str, url: str, size: int, path: str) -> None:
    """Run one case and print a JSON line: baseline and peak RSS (KiB), seconds, and what was moved."""
    import gc
    import time

    import requests

    import openai_lite

    client = openai_lite.Client(api_key="sk-memory", base_url=url, max_retries=0)
    small = path + ".warmup"
    write_pattern_file(small, 64 * 1024)
    result: Dict[str, Any] = {}

    def run(target: str, n: int) -> None:
        if mode == "create_file":
            file = client.create_file(file=target, purpose="batch")
            result.update(bytes=file.bytes)
        elif mode == "upload_file":
            file = client.upload_file(target, purpose="batch")
            result.update(bytes=file.bytes)
        elif mode == "requests_files":
            with open(target, "rb") as f:
                response = requests.post(
                    url + "/files",
                    files={"file": f},
                    data={"purpose": "batch"},
                    headers={"Authorization": "Bearer sk-memory"},
                )
            response.raise_for_status()
            result.update(bytes=response.json()["bytes"])
        elif mode == "write_to_file":
            client.download_file(f"pattern-{n}-chunked").write_to_file(target + ".out")
            result.update(bytes=os.path.getsize(target + ".out"))
        elif mode == "iter_bytes":
            crc = done = 0
            for chunk in client.download_file(f"pattern-{n}-length").iter_bytes():
                crc = zlib.crc32(chunk, crc)
                done += len(chunk)
            result.update(bytes=done, crc=crc)
        else:
            raise ValueError(mode)

    try:
        run(small, 64 * 1024)  # warm-up: imports, connection, first-use caches
        gc.collect()
        baseline = _reset_peak()
        peak_reset = baseline is not None
        if baseline is None:
            baseline = _peak_kb()  # (the peak so far: an increase below it would not show)
        started = time.perf_counter()
        run(path, size)
        seconds = time.perf_counter() - started
        peak = _peak_kb()
    finally:
        for leftover in (small, small + ".out"):
            if os.path.exists(leftover):
                os.remove(leftover)
    print(
        json.dumps({"baseline_kb": baseline, "peak_kb": peak, "peak_reset": peak_reset, "seconds": seconds, **result})
    )


def measure(mode: str, url: str, size: int, path: str, timeout: float = 600) -> Dict[str, Any]:
    """Run ``mode`` in a fresh child process; its report, with ``increase`` (bytes of peak RSS growth).

    Modes: ``create_file`` and ``upload_file`` and ``requests_files`` upload the file at ``path``;
    ``write_to_file`` downloads ``size`` bytes into ``path + ".out"``; ``iter_bytes`` iterates
    ``size`` downloaded bytes (``crc`` in the report).
    """
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    for name in list(env):  # the child talks to the loopback server only
        if name.upper() in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY") or name.upper().startswith("OPENAI_"):
            del env[name]
    done = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", mode, url, str(size), path],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{mode} child failed ({done.returncode}):\n{done.stderr}")
    report: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    report["increase"] = (report["peak_kb"] - report["baseline_kb"]) * 1024
    return report


# ---------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------


def _mem_available() -> Optional[int]:
    kb = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    kb = int(line.split()[1])
    except OSError:
        pass
    return None if kb is None else kb * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="bytes moved per case, in MiB (default 1024)")
    parser.add_argument(
        "--requests-size-mb",
        type=int,
        default=None,
        help="file size for the raw requests comparison (default: --size-mb if RAM allows)",
    )
    args = parser.parse_args()
    size = args.size_mb * MB
    limit = TARGET_PER_GB * size // GB
    requests_size = args.requests_size_mb * MB if args.requests_size_mb else size
    available = _mem_available()
    if args.requests_size_mb is None and available is not None and available < 4 * size:
        requests_size = max(16 * MB, available // 8 // MB * MB)  # requests needs ~3x the file; leave room

    import requests

    import openai_lite

    print(f"Python {sys.version.split()[0]}, requests {requests.__version__}, openai_lite {openai_lite.__version__}")
    print(f"{size / MB:.0f} MiB per case; target: peak RSS increase <= {limit / MB:.0f} MiB\n")
    with tempfile.TemporaryDirectory(prefix="bench_memory_") as tmp, LargeBodyServer() as server:
        path = os.path.join(tmp, "big.jsonl")
        write_pattern_file(path, size)
        expected_crc = pattern_crc(size)
        cases = [
            ("create_file(file=path)", "create_file", path),
            ("upload_file(path) (64 MiB parts)", "upload_file", path),
            ("download_file().write_to_file()", "write_to_file", os.path.join(tmp, "download")),
            ("download_file().iter_bytes()", "iter_bytes", os.path.join(tmp, "iterate")),
        ]
        print(f"{'case':<36} {'moved':>9} {'time':>7} {'MB/s':>7} {'RSS increase':>13}  result")
        for label, mode, target in cases:
            del server.log[:]
            report = measure(mode, server.url, size, target)
            if mode == "write_to_file":
                ok_data = file_crc(target + ".out") == (size, expected_crc)
                os.remove(target + ".out")
            elif mode == "iter_bytes":
                ok_data = (report["bytes"], report["crc"]) == (size, expected_crc)
            else:
                last = server.log[-1]
                received = [e for e in server.log if "content_length" in e]
                ok_data = all(e["received"] == e["content_length"] and e["tail_ok"] for e in received) and (
                    last["file_bytes"],
                    last["file_crc"],
                ) == (size, expected_crc)
            ok = report["increase"] <= limit and ok_data
            print(
                f"{label:<36} {size / MB:>5.0f} MiB {report['seconds']:>6.1f}s "
                f"{size / MB / report['seconds']:>7.0f} {report['increase'] / MB:>9.2f} MiB  "
                f"{'PASS' if ok else 'FAIL'}{'' if ok_data else ' (data mismatch)'}"
            )

        # Raw requests, for comparison: files= reads the file and builds the whole body in memory.
        if requests_size != size:
            small = os.path.join(tmp, "smaller.jsonl")
            write_pattern_file(small, requests_size)
            os.remove(path)
            path = small
        del server.log[:]
        report = measure("requests_files", server.url, requests_size, path)
        scale = size / requests_size
        note = "" if scale == 1 else f" (measured on {requests_size / MB:.0f} MiB, x{scale:.1f})"
        print(
            f"{'raw requests.post(files=...)':<36} {requests_size / MB:>5.0f} MiB {report['seconds']:>6.1f}s "
            f"{requests_size / MB / report['seconds']:>7.0f} {report['increase'] * scale / MB:>9.2f} MiB  "
            f"{'PASS' if report['increase'] * scale <= limit else 'FAIL'}{note}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        main()
