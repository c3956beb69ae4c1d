"""Upload a large file with a text progress bar, then download it back with another.

    python examples/upload_progress.py [FILE]

With OPENAI_API_KEY set this talks to the OpenAI API (or OPENAI_BASE_URL):
``client.upload_file`` sends FILE through the Uploads API in parts of up to
64 MB, read from disk as they are sent, so memory use stays small whatever
the size; ``download_file(...).write_to_file(..., progress=...)`` streams it
back to disk; then the uploaded file is deleted. Without FILE it uploads a
generated batch input file of about 10 MB (purpose "batch").

Without a key it runs against the fake server that ships with openai_lite,
which has the Uploads API too.
"""

import filecmp
import os
import sys
import tempfile
import time
from typing import Callable, Optional

try:
    import openai_lite
except ImportError:
    # Run from a source checkout without installing: use the package next to this folder.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import openai_lite

from openai_lite.testing import FakeServer

MB = 1024 * 1024


def progress_bar(label: str, width: int = 30) -> Callable[[int, Optional[int]], None]:
    """A progress callback that draws ``label [#####-----]  45%  4.5/10.0 MB`` on one line.

    The callback gets (bytes done, total bytes or None when the size is unknown).
    It redraws only when the shown figure changes, so it costs nothing per block.
    """
    shown = [None]

    def update(done: int, total: Optional[int]) -> None:
        if total:
            filled = width * done // total
            figure = (
                f"[{'#' * filled}{'-' * (width - filled)}] {100 * done // total:3d}%  "
                f"{done / MB:.1f}/{total / MB:.1f} MB"
            )
        else:
            figure = f"{done / MB:.1f} MB"  # size unknown (a chunked download)
        if figure != shown[0]:
            shown[0] = figure
            end = "\n" if total and done >= total else ""
            print(f"\r{label} {figure}", end=end, flush=True)

    return update


def make_batch_file(path: str, requests: int = 40_000) -> None:
    """A valid Batch API input file: one chat completion request per line (about 10 MB)."""
    with open(path, "w") as f:
        for i in range(requests):
            f.write(
                f'{{"custom_id": "request-{i}", "method": "POST", "url": "/v1/chat/completions", "body": '
                f'{{"model": "gpt-4o-mini", "max_tokens": 50, "messages": [{{"role": "user", "content": '
                f'"Write one sentence about the number {i}. Keep it short, simple and friendly, please."}}]}}}}\n'
            )


def demo(client: openai_lite.Client, path: str, folder: str) -> None:
    size = os.path.getsize(path)
    print(f"Uploading {os.path.basename(path)} ({size / MB:.1f} MB)")
    started = time.monotonic()
    # Parts of 64 MB at most, each retried on its own; cancelled if anything fails.
    file = client.upload_file(path, purpose="batch", progress=progress_bar("upload  "))
    print(f"Uploaded as {file.id} ({file.bytes} bytes) in {time.monotonic() - started:.1f} s")

    target = os.path.join(folder, "downloaded.jsonl")
    try:
        # Streamed to disk in blocks: a large file never sits in memory.
        client.download_file(file.id).write_to_file(target, progress=progress_bar("download"))
        same = filecmp.cmp(path, target, shallow=False)  # (compares block by block)
        print(f"Downloaded to {target}: {'identical' if same else 'DIFFERENT'}")
    except openai_lite.APIStatusError as exc:
        # The API does not let you download the files of some purposes.
        print(f"\nDownload refused: {exc}")
    finally:
        client.delete_file(file.id)
        print(f"Deleted {file.id}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        if len(sys.argv) > 1:
            path = sys.argv[1]
        else:
            path = os.path.join(folder, "batch_input.jsonl")
            make_batch_file(path)
        if os.environ.get("OPENAI_API_KEY"):
            with openai_lite.Client() as client:
                demo(client, path, folder)
        else:
            print("OPENAI_API_KEY is not set: using the fake server that ships with openai_lite.\n")
            with FakeServer() as server, openai_lite.Client(api_key="fake", base_url=server.base_url) as client:
                demo(client, path, folder)


if __name__ == "__main__":
    main()
