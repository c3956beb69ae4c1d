"""Tests of openai_lite/testing/_batches.py: batches that answer their lines, on the FakeServer."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
import requests
from _fake import USER_HELLO, assert_error, post

import openai_lite
from openai_lite.testing import FakeServer


def jsonl(lines: List[Any]) -> bytes:
    return "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines).encode()


def line(custom_id: str, body: Dict[str, Any], url: str = "/v1/chat/completions") -> Dict[str, Any]:
    return {"custom_id": custom_id, "method": "POST", "url": url, "body": body}


def start(client: openai_lite.Client, content: bytes, endpoint: str = "/v1/chat/completions") -> Any:
    file = client.create_file(file=("input.jsonl", content), purpose="batch")
    return client.create_batch(input_file_id=file.id, endpoint=endpoint, completion_window="24h")  # type: ignore[arg-type]


def finish(client: openai_lite.Client, batch: Any) -> Any:
    for _ in range(3):
        batch = client.retrieve_batch(batch.id)
    return batch


def read_lines(client: openai_lite.Client, file_id: Any) -> List[Dict[str, Any]]:
    return [json.loads(text) for text in client.download_file(file_id).text().splitlines()]


CHAT = {"model": "gpt-4o-mini", "messages": USER_HELLO}

# (endpoint, a request body): each answered in the output as the endpoint itself answers it.
ENDPOINT_CASES = [
    ("/v1/chat/completions", CHAT),
    ("/v1/responses", {"model": "gpt-4o-mini", "input": "Hello there"}),
    ("/v1/embeddings", {"model": "text-embedding-3-small", "input": "Hello there"}),
    ("/v1/completions", {"model": "gpt-3.5-turbo-instruct", "prompt": "Hello there"}),
    ("/v1/moderations", {"input": "kill the process"}),
    ("/v1/images/generations", {"model": "gpt-image-1", "prompt": "a dot"}),
]


def without_ids(data: Any) -> Any:
    """``data`` without the ids that count up per server."""
    if isinstance(data, dict):
        return {k: without_ids(v) for k, v in data.items() if k != "id"}
    if isinstance(data, list):
        return [without_ids(v) for v in data]
    return data


@pytest.mark.parametrize(("endpoint", "body"), ENDPOINT_CASES, ids=[e for e, _ in ENDPOINT_CASES])
def test_each_line_gets_the_endpoints_own_answer(
    fake: FakeServer, fake_client: openai_lite.Client, endpoint: str, body: Dict[str, Any]
) -> None:
    batch = finish(fake_client, start(fake_client, jsonl([line("only", body, endpoint)]), endpoint))
    assert (batch.status, batch.error_file_id) == ("completed", None)
    assert (batch.request_counts.total, batch.request_counts.completed, batch.request_counts.failed) == (1, 1, 0)
    (result,) = read_lines(fake_client, batch.output_file_id)
    assert (result["custom_id"], result["error"], result["response"]["status_code"]) == ("only", None, 200)
    assert result["id"].startswith("batch_req_fake_") and result["response"]["request_id"].startswith("req_batch_")
    direct = post(fake, endpoint[3:], body).json()
    assert without_ids(result["response"]["body"]) == without_ids(direct)


def test_statuses_over_retrieves(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    batch = start(fake_client, jsonl([line(f"r{n}", CHAT) for n in range(3)]))
    statuses = [batch.status] + [fake_client.retrieve_batch(batch.id).status for _ in range(4)]
    assert statuses == ["validating", "in_progress", "finalizing", "completed", "completed"]
    done = fake_client.retrieve_batch(batch.id)
    assert (done.in_progress_at, done.finalizing_at, done.completed_at) == (1700000000,) * 3
    assert done.failed_at is None and done.model == "gpt-4o-mini"
    assert done.usage is not None and (done.usage.input_tokens, done.usage.output_tokens) == (6, 12)
    output = fake_client.retrieve_file(done.output_file_id or "")
    assert (output.purpose, output.filename) == ("batch_output", f"{batch.id}_output.jsonl")


def test_finish_at_once() -> None:
    with FakeServer(finish_at_once=True) as fake:
        with openai_lite.Client(api_key="k", base_url=fake.base_url, max_retries=0) as client:
            batch = start(client, jsonl([line("a", CHAT)]))
            assert batch.status == "completed" and batch.output_file_id is not None


def test_failed_lines_go_to_the_error_file_and_output_is_not_in_order(fake_client: openai_lite.Client) -> None:
    lines = [
        line("first", CHAT),
        line("unknown-model", {**CHAT, "model": "gpt-9"}),
        line("bad-body", {"model": "gpt-4o-mini"}),
        line("streamed", {**CHAT, "stream": True}),
        line("last", CHAT),
    ]
    batch = finish(fake_client, start(fake_client, jsonl(lines)))
    assert (batch.status, batch.request_counts.completed, batch.request_counts.failed) == ("completed", 2, 3)
    output = read_lines(fake_client, batch.output_file_id)
    assert [r["custom_id"] for r in output] == ["last", "first"]  # the API does not keep the order either
    errors = {r["custom_id"]: r for r in read_lines(fake_client, batch.error_file_id)}
    assert set(errors) == {"unknown-model", "bad-body", "streamed"}
    assert errors["unknown-model"]["response"]["status_code"] == 404
    assert errors["unknown-model"]["response"]["body"]["error"]["code"] == "model_not_found"
    assert errors["bad-body"]["response"]["body"]["error"]["param"] == "messages"
    assert errors["streamed"]["response"]["body"]["error"]["param"] == "stream"


@pytest.mark.parametrize(
    ("content", "code", "line_number", "param"),
    [
        (b"", "empty_file", None, None),
        (b"\n\n", "empty_file", None, None),
        (jsonl([line("a", CHAT), "{not json"]), "invalid_json_line", 2, None),
        (jsonl([[1, 2]]), "invalid_json_line", 1, None),
        (jsonl([{"method": "POST", "url": "/v1/chat/completions", "body": CHAT}]), "missing_custom_id", 1, "custom_id"),
        (jsonl([line("a", CHAT), line("a", CHAT)]), "duplicate_custom_id", 2, "custom_id"),
        (jsonl([{**line("a", CHAT), "method": "GET"}]), "invalid_method", 1, "method"),
        (jsonl([line("a", CHAT, "/v1/embeddings")]), "mismatched_url", 1, "url"),
        (jsonl([{**line("a", CHAT), "body": "text"}]), "invalid_body", 1, "body"),
    ],
)
def test_invalid_input_fails_the_batch(
    fake_client: openai_lite.Client, content: bytes, code: str, line_number: Any, param: Any
) -> None:
    batch = start(fake_client, content)
    failed = fake_client.retrieve_batch(batch.id)
    assert (failed.status, failed.failed_at, failed.output_file_id) == ("failed", 1700000000, None)
    assert failed.errors is not None and failed.errors.data is not None
    error = failed.errors.data[0]
    assert (error.code, error.line, error.param) == (code, line_number, param)
    assert error.message
    assert fake_client.retrieve_batch(batch.id).status == "failed"  # final


def test_create_errors(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    file = fake_client.create_file(file=("in.jsonl", jsonl([line("a", CHAT)])), purpose="batch")
    tuning = fake_client.create_file(file=("in.jsonl", jsonl([line("a", CHAT)])), purpose="fine-tune")
    good = {"input_file_id": file.id, "endpoint": "/v1/chat/completions", "completion_window": "24h"}
    for key in good:
        body = {k: v for k, v in good.items() if k != key}
        assert_error(post(fake, "/batches", body), 400, key, "missing_required_parameter")
    assert_error(post(fake, "/batches", {**good, "endpoint": "/v1/audio/speech"}), 400, "endpoint", "invalid_value")
    assert_error(post(fake, "/batches", {**good, "completion_window": "1h"}), 400, "completion_window", "invalid_value")
    assert_error(post(fake, "/batches", {**good, "input_file_id": "file-nope"}), 404, "input_file_id", None)
    assert_error(post(fake, "/batches", {**good, "input_file_id": tuning.id}), 400, "input_file_id", "invalid_value")


def test_cancel(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    batch = start(fake_client, jsonl([line("a", CHAT)]))
    fake_client.retrieve_batch(batch.id)
    cancelling = fake_client.cancel_batch(batch.id)
    assert (cancelling.status, cancelling.cancelling_at) == ("cancelling", 1700000000)
    cancelled = fake_client.retrieve_batch(batch.id)
    assert (cancelled.status, cancelled.cancelled_at, cancelled.output_file_id) == ("cancelled", 1700000000, None)
    assert fake_client.retrieve_batch(batch.id).status == "cancelled"
    assert_error(post(fake, f"/batches/{batch.id}/cancel", {}), 409, None, None)
    assert_error(requests.get(fake.base_url + "/batches/batch_nope", timeout=10), 404, None, None)


def test_list_batches(fake_client: openai_lite.Client) -> None:
    ids = [start(fake_client, jsonl([line("a", CHAT)])).id for _ in range(3)]
    assert [b.id for b in fake_client.list_batches()] == ids[::-1]  # newest first
    assert [b.id for b in fake_client.list_batches(limit=1, after=ids[2])][:1] == [ids[1]]
