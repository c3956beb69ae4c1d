"""Idiomatic use of the polling helpers and ``run_batch``: ``mypy --strict`` must accept it.

It is only type-checked (tests/test_polling.py), never run.
"""

from __future__ import annotations

from typing import List, Optional

import openai_lite
from openai_lite.types.assistants import RunObject
from openai_lite.types.batches import Batch, BatchRequestCounts
from openai_lite.types.chat import CreateChatCompletionResponse
from openai_lite.types.responses import Response


def output_of(client: openai_lite.Client, batch_id: str) -> Optional[str]:
    try:
        batch: Batch = client.poll_batch(batch_id, poll_interval=5.0, timeout=3600, request_timeout=(5, 30))
    except openai_lite.PollTimeoutError as error:
        print(f"still {error.status} after {error.waited:.0f} s: {error.what}")
        return None
    return batch.output_file_id if batch.status == "completed" else None


def ask(client: openai_lite.Client, thread_id: str) -> RunObject:
    run = client.create_run_and_poll(thread_id, assistant_id="asst_123", instructions="Be brief.", timeout=120)
    if run.status == "requires_action" and run.required_action is not None:
        calls = run.required_action.submit_tool_outputs.tool_calls
        run = client.submit_tool_outputs_and_poll(
            thread_id, run.id, tool_outputs=[{"tool_call_id": call.id, "output": "42"} for call in calls]
        )
    return run


def background(client: openai_lite.Client) -> str:
    started = client.create_response(model="gpt-4o-mini", input="Write a poem.", background=True)
    done: Response = client.poll_response(started.id, extra_headers={"X-Trace": "1"})
    return (done.output_text or "") if done.status == "completed" else ""


def show(status: str, counts: BatchRequestCounts) -> None:
    print(f"{status}: {counts.completed}/{counts.total} done, {counts.failed} failed")


def translate(client: openai_lite.Client, words: List[str]) -> List[Optional[str]]:
    requests = [
        {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"Translate to French: {word}"}]}
        for word in words
    ]
    try:
        results: List[openai_lite.BatchResult[CreateChatCompletionResponse]] = client.run_batch(
            requests, endpoint="/v1/chat/completions", progress=show, timeout=24 * 3600
        )
    except openai_lite.BatchIncompleteError as error:
        print(f"{error.status}: {len(error.results)} results, some missing")
        raise
    answers: List[Optional[str]] = []
    for result in results:
        if result.response is not None:
            answers.append(result.response.choices[0].message.content)
        else:
            assert result.error is not None
            print(result.custom_id, result.status_code, result.error.code, result.error.message)
            answers.append(None)
    return answers


def keyed(client: openai_lite.Client) -> None:
    pairs = [("doc-1", {"model": "text-embedding-3-small", "input": "hello"})]
    for result in client.run_batch(pairs, endpoint="/v1/embeddings"):
        print(result.custom_id, result.ok)


def azure(client: openai_lite.AzureClient) -> None:
    client.poll_fine_tuning_job("ftjob_123", timeout=60)
