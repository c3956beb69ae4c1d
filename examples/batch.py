"""Run many chat requests through the Batch API in one call, with a progress line.

    python examples/batch.py [COUNT]

``client.run_batch`` writes the requests as JSONL, uploads the file, creates
the batch, polls it (calling ``progress(status, counts)`` each time),
downloads the output and error files, and returns one result per request in
the order of the requests. The Batch API costs half as much as the same calls
made one by one, and finishes within 24 hours.

With OPENAI_API_KEY set this talks to the OpenAI API (or OPENAI_BASE_URL;
choose the model with OPENAI_MODEL): expect to wait minutes to hours. Without
a key it runs against the fake server that ships with openai_lite, which
answers each line of the batch itself (its replies echo you), so it runs
offline in a moment.
"""

import os
import sys
import time
from typing import Optional

try:
    import openai_lite
except ImportError:
    # Run from a source checkout without installing: use the package next to this folder.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import openai_lite

from openai_lite.testing import FakeServer
from openai_lite.types.batches import BatchRequestCounts

MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
WORDS = ["apple", "river", "mountain", "friendship", "library", "thunder", "bicycle", "garden"]


def show_progress(started: float) -> openai_lite.BatchProgress:
    """A ``progress(status, counts)`` callback that redraws one line: status, a bar, counts, time."""

    def progress(status: str, counts: BatchRequestCounts) -> None:
        done = counts.completed + counts.failed
        width = 24
        filled = width * done // counts.total if counts.total else 0
        line = (
            f"\r{status:<11} [{'#' * filled}{'-' * (width - filled)}] "
            f"{done}/{counts.total or '?'} done, {counts.failed} failed, {time.monotonic() - started:5.1f} s"
        )
        print(line, end="", flush=True)

    return progress


def demo(client: openai_lite.Client, count: int, poll_interval: Optional[float] = None) -> None:
    words = [WORDS[i % len(WORDS)] for i in range(count)]
    requests = [
        {"model": MODEL, "messages": [{"role": "user", "content": f"Give one synonym of {word!r}."}]} for word in words
    ]
    try:
        # poll_interval: how often to look when the server does not say (default: 1 s, growing to 60 s).
        results = client.run_batch(
            requests,
            endpoint="/v1/chat/completions",
            metadata={"example": "examples/batch.py"},
            poll_interval=poll_interval,
            progress=show_progress(time.monotonic()),
        )
    except openai_lite.BatchIncompleteError as error:
        print(f"\nThe batch ended {error.status}; partial results follow.")
        results = error.results
    print()
    for word, result in zip(words, results):
        if result.response is not None:
            print(f"{word:>12}: {result.response.choices[0].message.content}")
        elif result.error is not None:
            print(f"{word:>12}: failed ({result.status_code}) {result.error.code}: {result.error.message}")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else len(WORDS)
    try:
        if os.environ.get("OPENAI_API_KEY"):
            with openai_lite.Client() as client:
                demo(client, count)
        else:
            with FakeServer() as server:
                print(f"OPENAI_API_KEY is not set: using the built-in fake server at {server.base_url}")
                with openai_lite.Client(api_key="fake-key", base_url=server.base_url) as client:
                    demo(client, count, poll_interval=0.2)  # the fake moves a batch on at each look
    except openai_lite.PollTimeoutError as error:
        sys.exit(f"\n{error}")
    except openai_lite.APIError as exc:
        sys.exit(f"\nThe API call failed: {exc}")


if __name__ == "__main__":
    main()
