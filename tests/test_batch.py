"""``run_batch`` (``_batch.py``) end to end, against the Files and Batch APIs played by the loopback server.

``BatchAPI`` below keeps the files uploaded to it, plays each batch through a
scripted series of statuses, and when the batch ends writes its output and
error files the way the API does (lines in an order of its own, failed
requests in the error file), or only part of them for an expired or
cancelled batch.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import tempfile
import threading
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
from _loopback import LoopbackServer, Recorded, Reply, bytes_reply, json_reply

import openai_lite
from openai_lite import _batch

Line = Dict[str, Any]
FINAL = ("completed", "failed", "expired", "cancelled")

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}


def chat(text: str, model: str = "gpt-4o-mini") -> Dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": text}]}


def echo(line: Line) -> Tuple[int, Any]:
    """The default answer: a chat completion repeating the request's message."""
    body = line["body"]
    text = body["messages"][-1]["content"] if "messages" in body else str(body.get("input"))
    if text.startswith("bad"):
        return 400, {
            "error": {"message": f"invalid: {text}", "type": "invalid_request_error", "code": "bad", "param": None}
        }
    return 200, {
        "id": f"chatcmpl-{line['custom_id']}",
        "object": "chat.completion",
        "created": 1700000000,
        "model": body.get("model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": f"echo {text}"}, "finish_reason": "stop"}],
    }


class BatchAPI:
    """Enough of the Files and Batch APIs for ``run_batch``, on a loopback server.

    ``statuses`` is what each batch goes through after creation (each retrieve
    moves it one step; the last step stays). When a batch reaches its last
    status its files are written: for ``completed``, every line is answered
    with ``answer(line) -> (status_code, body)``; for ``expired`` and
    ``cancelled``, only the first ``partial`` lines are, and the rest go to
    the error file with the API's ``batch_expired``/``batch_cancelled`` code
    (unless ``drop_unrun``). ``drop`` lists custom ids to leave out of both
    files. Output lines are written in reverse order.
    """

    def __init__(
        self,
        server: LoopbackServer,
        statuses: Tuple[str, ...] = ("validating", "in_progress", "finalizing", "completed"),
        answer: Callable[[Line], Tuple[int, Any]] = echo,
        partial: int = 0,
        drop: Tuple[str, ...] = (),
        drop_unrun: bool = False,
        errors: Optional[List[Dict[str, Any]]] = None,
        fail_create: Optional[int] = None,
        poll_after: Optional[str] = None,
    ) -> None:
        self.server = server
        self.statuses = statuses
        self.answer = answer
        self.partial = partial
        self.drop = drop
        self.drop_unrun = drop_unrun
        self.errors = errors
        self.fail_create = fail_create
        self.poll_after = poll_after
        self.files: Dict[str, bytes] = {}
        self.purposes: Dict[str, str] = {}
        self.batches: Dict[str, Dict[str, Any]] = {}
        self.steps: Dict[str, int] = {}
        self.created: List[Dict[str, Any]] = []
        self.cancelled: List[str] = []
        self.deleted: List[str] = []
        self._lock = threading.Lock()
        server.handler(self.handle)

    def inputs(self, batch_id: str) -> List[Line]:
        data = self.files[self.batches[batch_id]["input_file_id"]]
        return [json.loads(line) for line in data.decode("utf-8").splitlines()]

    def handle(self, request: Recorded) -> Reply:
        with self._lock:
            return self._handle(request)

    def _handle(self, request: Recorded) -> Reply:
        method, path = request.method, request.path
        if method == "POST" and path == "/v1/files":
            parts = {part.name: part for part in request.multipart()}
            file_id = f"file-{len(self.files) + 1}"
            self.files[file_id] = parts["file"].data
            self.purposes[file_id] = parts["purpose"].text
            return json_reply({"id": file_id, "object": "file", "bytes": len(parts["file"].data), "purpose": "batch"})
        if method == "POST" and path == "/v1/batches":
            body = request.json()
            self.created.append(body)
            if self.fail_create is not None and len(self.created) == self.fail_create:
                return json_reply({"error": {"message": "quota exceeded", "type": "invalid_request_error"}}, 400)
            batch_id = f"batch_{len(self.batches) + 1}"
            lines = len(self.files[body["input_file_id"]].splitlines())
            self.batches[batch_id] = {
                "id": batch_id,
                "object": "batch",
                "endpoint": body["endpoint"],
                "input_file_id": body["input_file_id"],
                "completion_window": body["completion_window"],
                "metadata": body.get("metadata"),
                "status": "validating",
                "created_at": 1700000000,
                "request_counts": {"total": lines, "completed": 0, "failed": 0},
            }
            self.steps[batch_id] = 0
            return self._batch_reply(batch_id)
        if method == "GET" and path.startswith("/v1/batches/"):
            batch_id = path.rsplit("/", 1)[1]
            step = self.steps[batch_id] = min(self.steps[batch_id] + 1, len(self.statuses) - 1)
            batch = self.batches[batch_id]
            if batch["status"] != self.statuses[step]:
                batch["status"] = self.statuses[step]
                total = batch["request_counts"]["total"]
                batch["request_counts"]["completed"] = total * step // max(1, len(self.statuses) - 1)
                if step == len(self.statuses) - 1 and batch["status"] in (
                    "completed",
                    "failed",
                    "expired",
                    "cancelled",
                ):
                    self._finish(batch_id)
            return self._batch_reply(batch_id)
        if method == "POST" and path.endswith("/cancel"):
            self.cancelled.append(path.split("/")[3])
            return self._batch_reply(path.split("/")[3])
        if method == "GET" and path.startswith("/v1/files/") and path.endswith("/content"):
            return bytes_reply(self.files[path.split("/")[3]], content_type="application/octet-stream")
        if method == "DELETE" and path.startswith("/v1/files/"):
            self.deleted.append(path.rsplit("/", 1)[1])
            return json_reply({"id": path.rsplit("/", 1)[1], "object": "file", "deleted": True})
        return json_reply({"error": {"message": f"BatchAPI: unexpected {method} {path}"}}, 500)

    def _batch_reply(self, batch_id: str) -> Reply:
        headers = {"openai-poll-after-ms": self.poll_after} if self.poll_after is not None else None
        return json_reply(self.batches[batch_id], headers=headers)

    def _finish(self, batch_id: str) -> None:
        batch = self.batches[batch_id]
        status = batch["status"]
        if status == "failed":
            batch["errors"] = {"object": "list", "data": self.errors or []}
            return
        outputs: List[bytes] = []
        errors: List[bytes] = []
        for number, line in enumerate(self.inputs(batch_id)):
            if line["custom_id"] in self.drop:
                continue
            if status == "completed" or number < self.partial:
                code, body = self.answer(line)
                out = {
                    "id": f"batch_req_{number}",
                    "custom_id": line["custom_id"],
                    "response": {"status_code": code, "request_id": f"req_{number}", "body": body},
                    "error": None,
                }
                (outputs if code == 200 else errors).append(json.dumps(out).encode())
            elif not self.drop_unrun:
                error = {"code": f"batch_{status}", "message": "This request could not be executed."}
                out = {"id": f"batch_req_{number}", "custom_id": line["custom_id"], "response": None, "error": error}
                errors.append(json.dumps(out).encode())
        for name, lines in (("output_file_id", outputs[::-1]), ("error_file_id", errors)):
            if lines:
                file_id = f"file-{len(self.files) + 1}"
                self.files[file_id] = b"\n".join(lines) + b"\n"
                batch[name] = file_id


@pytest.fixture
def tmp_folder(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The temporary folder run_batch writes its input files in (to check they are removed)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def run(client: Any, requests: Any, **options: Any) -> List[openai_lite.BatchResult[Any]]:
    options.setdefault("endpoint", "/v1/chat/completions")
    options.setdefault("poll_interval", 0.001)
    results: List[openai_lite.BatchResult[Any]] = client.run_batch(requests, **options)
    return results


# ---------------------------------------------------------------------------
# End to end
# ---------------------------------------------------------------------------


def test_run_batch_end_to_end(server: LoopbackServer, client: Any, tmp_folder: Any) -> None:
    api = BatchAPI(server)
    progress: List[Tuple[str, int, int, int]] = []
    requests = [chat("one"), chat("two"), {**chat("three"), "temperature": None}]
    results = run(
        client,
        requests,
        metadata={"job": "nightly"},
        progress=lambda status, counts: progress.append((status, counts.total, counts.completed, counts.failed)),
    )
    # One result per request, in the order of the requests, though the output file is in reverse.
    assert [r.custom_id for r in results] == ["request-0", "request-1", "request-2"]
    assert [r.response.choices[0].message.content for r in results] == ["echo one", "echo two", "echo three"]
    assert all(r.ok and r.status_code == 200 and r.error is None for r in results)
    assert type(results[0].response).__name__ == "CreateChatCompletionResponse"
    assert results[1].request_id == "req_1" and results[1].response._request_id == "req_1"
    assert progress == [
        ("validating", 3, 0, 0),
        ("in_progress", 3, 1, 0),
        ("finalizing", 3, 2, 0),
        ("completed", 3, 3, 0),
    ]
    # What was sent: the JSONL, uploaded for batch, then the batch.
    (file_id,) = [f for f, purpose in api.purposes.items() if purpose == "batch"]
    assert api.files[file_id].decode("utf-8").splitlines() == [
        '{"custom_id":"request-0","method":"POST","url":"/v1/chat/completions","body":'
        '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"one"}]}}',
        '{"custom_id":"request-1","method":"POST","url":"/v1/chat/completions","body":'
        '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"two"}]}}',
        # (a None field is left out, as the endpoint methods do)
        '{"custom_id":"request-2","method":"POST","url":"/v1/chat/completions","body":'
        '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"three"}]}}',
    ]
    assert api.created == [
        {
            "input_file_id": file_id,
            "endpoint": "/v1/chat/completions",
            "completion_window": "24h",
            "metadata": {"job": "nightly"},
        }
    ]
    upload = next(r for r in server.requests if r.path == "/v1/files")
    file_part = next(part for part in upload.multipart() if part.name == "file")
    assert file_part.filename == "batch-input-1.jsonl"
    assert list(tmp_folder.iterdir()) == []  # the temporary input file is gone
    assert api.cancelled == [] and api.deleted == []


def test_custom_ids_pairs_and_a_generator(server: LoopbackServer, client: Any) -> None:
    BatchAPI(server, statuses=("in_progress", "completed"))

    def requests() -> Iterator[Tuple[str, Dict[str, Any]]]:
        for name in ("alpha", "beta", "gamma"):
            yield (f"id-{name}", chat(name))

    results = run(client, requests())
    assert [(r.custom_id, r.response.choices[0].message.content) for r in results] == [
        ("id-alpha", "echo alpha"),
        ("id-beta", "echo beta"),
        ("id-gamma", "echo gamma"),
    ]


def test_line_errors_are_results_with_their_error(server: LoopbackServer, client: Any) -> None:
    BatchAPI(server)
    results = run(client, [chat("fine"), chat("bad one"), chat("also fine")])
    assert [r.ok for r in results] == [True, False, True]
    bad = results[1]
    assert (bad.custom_id, bad.status_code, bad.response) == ("request-1", 400, None)
    assert (bad.error.code, bad.error.message, bad.error.type) == ("bad", "invalid: bad one", "invalid_request_error")
    assert type(bad.error).__name__ == "BatchError"
    assert bad.request_id == "req_1"


def test_a_line_missing_from_both_files(server: LoopbackServer, client: Any) -> None:
    BatchAPI(server, drop=("request-1",))
    results = run(client, [chat("a"), chat("b"), chat("c")])
    assert [r.ok for r in results] == [True, False, True]
    missing = results[1]
    assert (missing.custom_id, missing.status_code, missing.response) == ("request-1", None, None)
    assert missing.error.code == "missing_result"
    assert missing.error.message == "batch batch_1 completed without a line for this request"


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        # custom ids we never sent, broken JSON: skipped; the request is then missing
        (b'{"custom_id": "other", "response": {"status_code": 200, "body": {}}}\n', "missing_result"),
        (b'{"custom_id": "request-0", "response": {"status_c', "missing_result"),
        (b"[1, 2]\n", "missing_result"),
        # 200 without a body, or an error status without an error object
        (b'{"custom_id": "request-0", "response": {"status_code": 200, "body": null}}\n', "bad_result"),
        (b'{"custom_id": "request-0", "response": {"status_code": 500, "body": "oops"}}\n', "bad_result"),
        (b'{"custom_id": "request-0", "response": null, "error": "text"}\n', None),
        # CRLF line ends, no final newline, blank lines
        (b'\r\n\n{"custom_id": "request-0", "response": {"status_code": 200, "body": {"id": "x"}}}\r\n\r\n', "ok"),
    ],
)
def test_odd_output_lines(server: LoopbackServer, client: Any, output: bytes, expected: Optional[str]) -> None:
    api = BatchAPI(server)
    original = api._finish

    def finish(batch_id: str) -> None:
        original(batch_id)
        api.files[api.batches[batch_id]["output_file_id"]] = output

    api._finish = finish  # type: ignore[method-assign]
    (result,) = run(client, [chat("a")])
    if expected == "ok":
        assert result.ok and result.response.id == "x"
    else:
        assert result.response is None
        assert result.error.code == expected
        if expected is None:
            assert result.error.message == "text"


def test_a_success_is_kept_when_the_error_file_repeats_its_request(server: LoopbackServer, client: Any) -> None:
    api = BatchAPI(server)
    original = api._finish

    def finish(batch_id: str) -> None:
        original(batch_id)
        repeated = {"custom_id": "request-0", "response": None, "error": {"code": "late", "message": "again"}}
        api.files["file-err"] = json.dumps(repeated).encode() + b"\n"
        api.batches[batch_id]["error_file_id"] = "file-err"

    api._finish = finish  # type: ignore[method-assign]
    (result,) = run(client, [chat("a")])
    assert result.ok and result.response.choices[0].message.content == "echo a"


def test_an_expired_batch_raises_with_the_partial_output(server: LoopbackServer, client: Any) -> None:
    api = BatchAPI(server, statuses=("in_progress", "expired"), partial=2)
    with pytest.raises(openai_lite.BatchIncompleteError) as caught:
        run(client, [chat("a"), chat("b"), chat("c"), chat("d")])
    error = caught.value
    assert isinstance(error, openai_lite.OpenAIError)
    assert error.status == "expired"
    assert [b.id for b in error.batches] == ["batch_1"]
    assert str(error) == "batch batch_1 ended expired; 2 of 4 requests have a response"
    assert [(r.custom_id, r.ok) for r in error.results] == [
        ("request-0", True),
        ("request-1", True),
        ("request-2", False),
        ("request-3", False),
    ]
    assert error.results[1].response.choices[0].message.content == "echo b"
    assert [r.error.code for r in error.results[2:]] == ["batch_expired", "batch_expired"]
    assert api.cancelled == []


@pytest.mark.parametrize("status", ["expired", "cancelled"])
def test_requests_not_in_any_file_of_an_unfinished_batch_say_why(
    server: LoopbackServer, client: Any, status: str
) -> None:
    BatchAPI(server, statuses=("in_progress", "cancelling", status), partial=1, drop_unrun=True)
    with pytest.raises(openai_lite.BatchIncompleteError) as caught:
        run(client, [chat("a"), chat("b")])
    results = caught.value.results
    assert results[0].ok
    assert (results[1].error.code, results[1].error.message) == (
        f"batch_{status}",
        f"not run: batch batch_1 ended {status} before it",
    )


def test_a_failed_batch_raises_with_its_errors_by_line(server: LoopbackServer, client: Any) -> None:
    errors = [
        {"code": "invalid_request", "message": "bad model", "param": "body.model", "line": 2},
        {"code": "too_large", "message": "no", "line": None},
    ]
    BatchAPI(server, statuses=("validating", "failed"), errors=errors)
    with pytest.raises(openai_lite.BatchIncompleteError) as caught:
        run(client, [chat("a"), chat("b"), chat("c")])
    error = caught.value
    assert error.status == "failed"
    assert (
        str(error)
        == "batch batch_1 ended failed; 0 of 3 requests have a response. The batch's errors: line 2: bad model; no"
    )
    assert [r.error.code for r in error.results] == ["batch_failed", "invalid_request", "batch_failed"]
    assert error.results[1].error.param == "body.model"


# ---------------------------------------------------------------------------
# The API's limits: several batches
# ---------------------------------------------------------------------------


def line_counts(api: BatchAPI) -> List[int]:
    return [len(api.inputs(batch_id)) for batch_id in sorted(api.batches)]


@pytest.mark.parametrize(
    ("limits", "requests", "endpoint", "expected_files"),
    [
        ({"MAX_REQUESTS": 2}, [chat(str(i)) for i in range(5)], "/v1/chat/completions", [2, 2, 1]),
        ({"MAX_REQUESTS": 5}, [chat(str(i)) for i in range(5)], "/v1/chat/completions", [5]),
        # each line of chat(str(i)) is 145 bytes with its newline
        ({"MAX_FILE_BYTES": 145 * 3}, [chat(str(i)) for i in range(7)], "/v1/chat/completions", [3, 3, 1]),
        ({"MAX_FILE_BYTES": 145 * 3 - 1}, [chat(str(i)) for i in range(7)], "/v1/chat/completions", [2, 2, 2, 1]),
        # one batch per model, interleaved requests
        ({}, [chat("a", "m1"), chat("b", "m2"), chat("c", "m1"), chat("d")], "/v1/chat/completions", [2, 1, 1]),
        (
            {"MAX_EMBEDDING_INPUTS": 4},
            [
                {"model": "e", "input": ["a", "b"]},
                {"model": "e", "input": "c"},
                {"model": "e", "input": [1, 2, 3]},  # token ids: one input
                {"model": "e", "input": ["d", "e"]},
                {"model": "e", "input": [[1], [2], [3], [4]]},
            ],
            "/v1/embeddings",
            [3, 1, 1],
        ),
    ],
)
def test_requests_over_a_limit_are_split_into_batches(
    server: LoopbackServer,
    client: Any,
    monkeypatch: pytest.MonkeyPatch,
    limits: Dict[str, int],
    requests: List[Dict[str, Any]],
    endpoint: str,
    expected_files: List[int],
) -> None:
    for name, value in limits.items():
        monkeypatch.setattr(_batch, name, value)
    api = BatchAPI(server, answer=lambda line: (200, {"id": line["custom_id"], "object": "list"}))
    progress: List[Tuple[str, int, int]] = []
    results = run(
        client,
        requests,
        endpoint=endpoint,
        progress=lambda status, counts: progress.append((status, counts.total, counts.completed)),
    )
    assert line_counts(api) == expected_files
    assert all(len(api.files[b["input_file_id"]]) <= _batch.MAX_FILE_BYTES for b in api.batches.values())
    assert [r.response.id for r in results] == [f"request-{i}" for i in range(len(requests))]
    assert progress[0] == ("validating", len(requests), 0)
    assert progress[-1] == ("completed", len(requests), len(requests))
    assert {body["input_file_id"] for body in api.created} == {b["input_file_id"] for b in api.batches.values()}


def test_the_batches_are_polled_as_one(server: LoopbackServer, client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_batch, "MAX_REQUESTS", 1)
    api = BatchAPI(server, statuses=("in_progress", "completed"))
    original = api._handle
    held = {"batch_2": 3}  # batch_2 stays in progress for 3 more retrieves

    def handle(request: Recorded) -> Reply:
        batch_id = request.path.rsplit("/", 1)[1]
        if request.method == "GET" and held.get(batch_id):
            held[batch_id] -= 1
            return json_reply({**api.batches[batch_id], "status": "in_progress"})
        return original(request)

    api._handle = handle  # type: ignore[method-assign]
    statuses: List[str] = []
    results = run(client, [chat("a"), chat("b")], progress=lambda status, counts: statuses.append(status))
    assert [r.ok for r in results] == [True, True]
    assert statuses == ["validating", "in_progress", "in_progress", "in_progress", "completed"]
    gets = [r.path for r in server.requests if r.method == "GET" and r.path.startswith("/v1/batches/")]
    # batch_1 finished at the first poll and is not retrieved again
    assert gets.count("/v1/batches/batch_1") == 1 and gets.count("/v1/batches/batch_2") == 4


def test_one_batch_failing_among_several(server: LoopbackServer, client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_batch, "MAX_REQUESTS", 2)
    api = BatchAPI(server)
    original = api._finish

    def finish(batch_id: str) -> None:
        if batch_id == "batch_2":
            api.batches[batch_id]["status"] = "expired"
        original(batch_id)

    api._finish = finish  # type: ignore[method-assign]
    with pytest.raises(openai_lite.BatchIncompleteError) as caught:
        run(client, [chat(str(i)) for i in range(5)])
    error = caught.value
    assert str(error) == "1 of 3 batches (batch_2 ...) ended expired; 3 of 5 requests have a response"
    assert [r.ok for r in error.results] == [True, True, False, False, True]
    assert [b.status for b in error.batches] == ["completed", "expired", "completed"]


def test_a_request_too_large_for_any_file_is_refused_before_anything_is_sent(
    server: LoopbackServer, client: Any, monkeypatch: pytest.MonkeyPatch, tmp_folder: Any
) -> None:
    monkeypatch.setattr(_batch, "MAX_FILE_BYTES", 200)
    with pytest.raises(ValueError, match=r"requests\[1\] is 344 bytes as a line of JSON: .* at most 200 bytes"):
        run(client, [chat("a"), chat("x" * 200)])
    assert server.requests == []
    assert list(tmp_folder.iterdir()) == []


# ---------------------------------------------------------------------------
# Bad input, cleanup, interruption
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requests", "options", "error", "message"),
    [
        ([chat("a")], {"endpoint": "/v1/audio/speech"}, ValueError, "endpoint must be one of /v1/responses, "),
        ([("x", chat("a")), ("x", chat("b"))], {}, ValueError, r"requests\[1\]: custom_id 'x' is used twice"),
        ([("request-1", chat("a")), chat("b")], {}, ValueError, r"requests\[1\]: custom_id 'request-1' is used twice"),
        ([("", chat("a"))], {}, TypeError, r"requests\[0\]: a custom_id must be a non-empty str"),
        ([(1, chat("a"))], {}, TypeError, r"requests\[0\]: a custom_id must be a non-empty str"),
        ([chat("a"), "hello"], {}, TypeError, r"requests\[1\] must be a request body \(a dict\) or a \(custom_id"),
        ([("id", "body")], {}, TypeError, r"requests\[0\] must be a request body"),
        ([{**chat("a"), "stream": True}], {}, ValueError, r"requests\[0\] asks for stream=True"),
        ([chat("a")], {"poll_interval": 0}, ValueError, "poll_interval must be more than 0"),
        ([chat("a")], {"timeout": -1}, ValueError, "timeout must be a number of seconds"),
        ([chat("a")], {"progress": "yes"}, TypeError, "progress must be a callable"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(
    server: LoopbackServer,
    client: Any,
    tmp_folder: Any,
    requests: Any,
    options: Dict[str, Any],
    error: type,
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        run(client, requests, **options)
    assert server.requests == []
    assert list(tmp_folder.iterdir()) == []


def test_no_requests_no_batch(server: LoopbackServer, client: Any) -> None:
    assert run(client, []) == []
    assert server.requests == []


@pytest.mark.parametrize(
    ("endpoint", "body", "answer", "type_name"),
    [
        ("/v1/chat/completions", CHAT, {"id": "c", "object": "chat.completion"}, "CreateChatCompletionResponse"),
        ("/v1/responses", {"model": "m", "input": "hi"}, {"id": "r", "object": "response"}, "Response"),
        ("/v1/embeddings", {"model": "m", "input": "hi"}, {"object": "list", "data": []}, "CreateEmbeddingResponse"),
        ("/v1/completions", {"model": "m", "prompt": "hi"}, {"id": "c"}, "CreateCompletionResponse"),
        ("/v1/moderations", {"input": "hi"}, {"id": "m", "results": []}, "CreateModerationResponse"),
        ("/v1/images/generations", {"prompt": "a cat"}, {"created": 1}, "ImagesResponse"),
        ("/v1/images/edits", {"prompt": "a cat"}, {"created": 1}, "ImagesResponse"),
        ("/v1/videos", {"prompt": "a cat"}, {"id": "v", "object": "video"}, "VideoResource"),
        # Azure's form of the endpoints
        ("/chat/completions", CHAT, {"id": "c", "object": "chat.completion"}, "CreateChatCompletionResponse"),
        ("/embeddings", {"model": "m", "input": "hi"}, {"object": "list", "data": []}, "CreateEmbeddingResponse"),
    ],
)
def test_each_endpoint_answers_parse_into_its_type(
    server: LoopbackServer, client: Any, endpoint: str, body: Dict[str, Any], answer: Dict[str, Any], type_name: str
) -> None:
    api = BatchAPI(server, answer=lambda line: (200, answer))
    (result,) = run(client, [body], endpoint=endpoint)
    assert type(result.response).__name__ == type_name
    assert api.created[0]["endpoint"] == endpoint
    assert api.inputs("batch_1")[0]["url"] == endpoint


def test_the_server_poll_advice_is_followed(server: LoopbackServer, client: Any) -> None:
    BatchAPI(server, poll_after="0")
    started = time.monotonic()
    run(client, [chat("a")], poll_interval=30)  # 30 s, were the server's 0 ms not heard
    assert time.monotonic() - started < 5


def test_timeout_leaves_the_batches_running_and_names_them(
    server: LoopbackServer, client: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_batch, "MAX_REQUESTS", 1)
    api = BatchAPI(server, statuses=("in_progress",))
    with pytest.raises(openai_lite.PollTimeoutError) as caught, caplog.at_level(logging.WARNING, "openai_lite"):
        run(client, [chat("a"), chat("b")], poll_interval=0.01, timeout=0.1)
    error = caught.value
    assert error.what == "2 batches (batch_1, batch_2)"
    assert error.status == "in_progress"
    assert [b.id for b in error.last] == ["batch_1", "batch_2"]
    assert api.cancelled == []
    assert "batch(es) batch_1, batch_2 keep running on the server" in caplog.text


def test_a_failed_submission_cancels_and_deletes_what_it_made(
    server: LoopbackServer, client: Any, monkeypatch: pytest.MonkeyPatch, tmp_folder: Any
) -> None:
    monkeypatch.setattr(_batch, "MAX_REQUESTS", 1)
    api = BatchAPI(server, fail_create=2)
    with pytest.raises(openai_lite.BadRequestError, match="quota exceeded"):
        run(client, [chat("a"), chat("b"), chat("c")])
    assert api.cancelled == ["batch_1"]
    assert api.deleted == ["file-1", "file-2"]
    assert list(tmp_folder.iterdir()) == []


def test_ctrl_c_while_waiting(
    server: LoopbackServer, client: Any, tmp_folder: Any, caplog: pytest.LogCaptureFixture
) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("needs SIGINT delivered to the main thread")
    api = BatchAPI(server, statuses=("in_progress",))
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt), caplog.at_level(logging.WARNING, "openai_lite"):
            run(client, [chat("a")], poll_interval=30)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 5
    assert "batch(es) batch_1 keep running on the server" in caplog.text
    assert api.cancelled == [] and api.deleted == []
    assert list(tmp_folder.iterdir()) == []


def test_ctrl_c_in_progress_callback_stops_at_once(server: LoopbackServer, client: Any, tmp_folder: Any) -> None:
    BatchAPI(server)

    def progress(status: str, counts: Any) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(client, [chat("a")], progress=progress)
    assert [r.method + " " + r.path for r in server.requests] == ["POST /v1/files", "POST /v1/batches"]


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="peak RSS is read from Linux /proc")
def test_memory_beyond_the_results_stays_flat() -> None:
    # benchmarks/bench_batch.py measures 50,000 requests; here 5,000, in the same child processes.
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import bench_batch

    server = bench_batch.BatchServer()
    try:
        baseline = bench_batch.measure("baseline", server.url, 5000)
        measured = bench_batch.measure("run_batch", server.url, 5000)
    finally:
        server.close()
    assert measured["peak_kb"] - baseline["peak_kb"] < bench_batch.TARGET // 1024 // 4


def test_result_repr_and_equality() -> None:
    from openai_lite.types.batches import BatchError

    error = BatchError(code="bad", message="no")
    a = openai_lite.BatchResult("id-1", 400, None, error, "req_1")
    assert repr(a) == (
        "BatchResult(custom_id='id-1', status_code=400, "
        "error=BatchError(code='bad', message='no', param=None, line=None))"
    )
    assert a == openai_lite.BatchResult("id-1", 400, None, BatchError(code="bad", message="no"), "req_1")
    assert a != openai_lite.BatchResult("id-2", 400, None, error, "req_1")
    assert not a.ok
    ok = openai_lite.BatchResult("id-1", 200, {"x": 1}, None)
    assert ok.ok and repr(ok) == "BatchResult(custom_id='id-1', status_code=200, response=dict)"


def test_the_readme_snippets_run(server: LoopbackServer, client: Any, capsys: pytest.CaptureFixture[str]) -> None:
    import contextlib
    import io
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    section = readme.split("\n## Long-running work\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 2

    def answer(line: Line) -> Tuple[int, Any]:
        question = line["body"]["messages"][0]["content"]
        if "prime" in question:
            return 429, {"error": {"message": "Too many tokens", "type": "tokens", "code": "rate_limit_exceeded"}}
        return echo(line)

    api = BatchAPI(server, answer=answer, poll_after="0")
    batch_handler = api.handle
    response = {"id": "resp_1", "object": "response", "status": "queued", "output": []}

    def handle(request: Recorded) -> Reply:
        if request.path.startswith("/v1/responses"):
            if request.method == "GET":
                done = {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Snow."}]}
                response.update(status="completed", output=[done])
            return json_reply(response, headers={"openai-poll-after-ms": "0"})
        return batch_handler(request)

    server.handler(handle)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        for block in blocks:
            exec(compile(block, "README.md", "exec"), {"client": client})
    assert output.getvalue().splitlines() == [
        "completed Snow.",
        "validating: 0/3",
        "in_progress: 1/3",
        "finalizing: 2/3",
        "completed: 3/3",
        "What is 2 + 2? -> echo What is 2 + 2?",
        "Name a prime number. failed: rate_limit_exceeded Too many tokens",
        "Spell 'cat' backwards. -> echo Spell 'cat' backwards.",
    ]


# ---------------------------------------------------------------------------
# Against openai_lite.testing.FakeServer, and the example
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("finish_at_once", [False, True])
def test_run_batch_against_the_fake_server(monkeypatch: pytest.MonkeyPatch, finish_at_once: bool) -> None:
    from openai_lite.testing import FakeServer

    monkeypatch.setattr(_batch, "MAX_REQUESTS", 3)
    requests = [chat(f"question {i}") for i in range(7)]
    requests[4] = chat("question 4", model="no-such-model")  # a line the fake answers with a 404
    statuses: List[str] = []
    with FakeServer(finish_at_once=finish_at_once) as server:
        client = openai_lite.Client(api_key="fake", base_url=server.base_url)
        results = client.run_batch(
            requests,
            endpoint="/v1/chat/completions",
            poll_interval=0.001,
            progress=lambda status, counts: statuses.append(status),
        )
        batches = list(client.list_batches())
    assert [r.custom_id for r in results] == [f"request-{i}" for i in range(7)]
    assert [r.ok for r in results] == [True, True, True, True, False, True, True]
    assert results[6].response.choices[0].message.content == "You said: question 6"
    assert (results[4].status_code, results[4].error.code) == (404, "model_not_found")
    assert len(batches) == 3  # 6 requests for one model in two batches of 3, one for the other
    assert statuses[-1] == "completed"
    assert statuses[0] == ("completed" if finish_at_once else "validating")


def test_the_example_runs_offline() -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["PYTHONPATH"] = str(root)
    done = subprocess.run(
        [sys.executable, str(root / "examples" / "batch.py"), "3"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.replace("\r", "\n").splitlines()
    assert lines[0].startswith("OPENAI_API_KEY is not set: using the built-in fake server")
    progress = [line.split()[0] for line in lines if line.startswith(("validating", "in_progress", "final", "comp"))]
    assert progress == ["validating", "in_progress", "finalizing", "completed"]
    assert "completed   [########################] 3/3 done, 0 failed" in done.stdout
    assert lines[-3:] == [
        "       apple: You said: Give one synonym of 'apple'.",
        "       river: You said: Give one synonym of 'river'.",
        "    mountain: You said: Give one synonym of 'mountain'.",
    ]
