"""Peak memory of 1 GB uploads and downloads, measured in a child process.

A child Python imports openai_lite, makes a small warm-up call of the same kind,
takes its RSS as the baseline (the kernel's peak is reset there), moves the
body through a loopback server in this process, and reports its peak RSS. The
issue's limit is 64 MB of increase for 1 GB. The server reads and drops (or
generates) bodies a MiB at a time and checks what it got; the data is generated
on the fly and the temporary files are deleted. The machinery is shared with
``benchmarks/bench_memory.py``, which prints the same figures.

Set ``OPENAI_LITE_MEMORY_TEST_MB`` to move less (the limit scales with it), or
to 0 to skip these tests. On this machine the module takes about 15 s (20 s on
Python 3.8 with urllib3 1.26).
"""

from __future__ import annotations

import os
import pathlib
import sys
import time
from typing import Any, Dict, Iterator

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_memory
from bench_memory import GB, MB, TARGET_PER_GB, LargeBodyServer, measure

SIZE = int(os.environ.get("OPENAI_LITE_MEMORY_TEST_MB", "1024")) * MB
LIMIT = TARGET_PER_GB * SIZE // GB

pytestmark = [
    pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="peak RSS is read from Linux /proc"),
    pytest.mark.skipif(SIZE == 0, reason="OPENAI_LITE_MEMORY_TEST_MB=0"),
    pytest.mark.timeout(300),
]


@pytest.fixture(scope="module")
def large_server() -> Iterator[LargeBodyServer]:
    with LargeBodyServer() as server:
        yield server


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SIZE-byte file of test data, deleted after the module's tests."""
    folder = tmp_path_factory.mktemp("memory")
    path = folder / "training.jsonl"
    bench_memory.write_pattern_file(str(path), SIZE)
    yield str(path)
    path.unlink()
    folder.rmdir()


@pytest.fixture(scope="module")
def expected_crc() -> int:
    return bench_memory.pattern_crc(SIZE)


def check_increase(report: Dict[str, Any], what: str) -> None:
    """The peak RSS increase is within the limit; the figures are printed for ``pytest -s``."""
    increase = report["increase"]
    print(
        f"\n{what}: {SIZE / MB:.0f} MiB in {report['seconds']:.1f} s, peak RSS +{increase / 1024:.0f} KiB "
        f"(baseline {report['baseline_kb'] / 1024:.1f} MiB, limit +{LIMIT / MB:.0f} MiB)"
    )
    assert increase <= LIMIT, f"{what} raised peak RSS by {increase / MB:.1f} MiB (limit {LIMIT / MB:.0f} MiB)"


def test_create_file_streams_the_file_from_disk(
    large_server: LargeBodyServer, big_file: str, expected_crc: int
) -> None:
    del large_server.log[:]
    report = measure("create_file", large_server.url, SIZE, big_file)
    check_increase(report, "create_file(file=path)")
    entry = large_server.log[-1]  # (the first is the child's warm-up)
    # Exactly the announced bytes, ending with the closing delimiter; the file part is the file.
    assert entry["received"] == entry["content_length"] > SIZE
    assert entry["tail_ok"]
    assert (entry["file_bytes"], entry["file_crc"]) == (SIZE, expected_crc)
    assert (entry["filename"], entry["purpose"]) == ("training.jsonl", "batch")
    assert report["bytes"] == SIZE  # the parsed OpenAIFile


def test_upload_file_sends_parts_from_disk(large_server: LargeBodyServer, big_file: str, expected_crc: int) -> None:
    del large_server.log[:]
    report = measure("upload_file", large_server.url, SIZE, big_file)
    check_increase(report, "upload_file(path)")
    upload_id = [e for e in large_server.log if e["path"] == "/v1/uploads"][-1]["upload_id"]  # not the warm-up's
    parts = [e for e in large_server.log if e["path"] == f"/v1/uploads/{upload_id}/parts"]
    assert len(parts) == -(-SIZE // (64 * MB))
    assert all(p["received"] == p["content_length"] and p["tail_ok"] for p in parts)
    assert all(p["file_bytes"] == 64 * MB for p in parts[:-1])
    complete = large_server.log[-1]
    assert complete["part_ids"] == complete["arrival"]
    assert (complete["file_bytes"], complete["file_crc"]) == (SIZE, expected_crc)
    assert report["bytes"] == SIZE


def test_write_to_file_streams_to_disk(
    large_server: LargeBodyServer, tmp_path: pathlib.Path, expected_crc: int
) -> None:
    target = str(tmp_path / "download")
    try:
        report = measure("write_to_file", large_server.url, SIZE, target)  # writes target + ".out"
        check_increase(report, "download_file().write_to_file() (chunked)")
        assert bench_memory.file_crc(target + ".out") == (SIZE, expected_crc)
    finally:
        if os.path.exists(target + ".out"):
            os.remove(target + ".out")


def test_iter_bytes_streams(large_server: LargeBodyServer, tmp_path: pathlib.Path, expected_crc: int) -> None:
    report = measure("iter_bytes", large_server.url, SIZE, str(tmp_path / "unused"))
    check_increase(report, "download_file().iter_bytes() (Content-Length)")
    assert (report["bytes"], report["crc"]) == (SIZE, expected_crc)


def test_the_measurement_sees_a_body_held_in_memory(large_server: LargeBodyServer, tmp_path: pathlib.Path) -> None:
    """Guard against a measurement that always reads 0: requests' files= holds a 64 MiB body whole."""
    path = str(tmp_path / "small.jsonl")
    bench_memory.write_pattern_file(path, 64 * MB)
    started = time.monotonic()
    report = measure("requests_files", large_server.url, 64 * MB, path)
    os.remove(path)
    print(
        f"\nrequests.post(files=...) of 64 MiB: peak RSS +{report['increase'] / MB:.0f} MiB "
        f"({time.monotonic() - started:.1f} s)"
    )
    assert report["increase"] >= 64 * MB
