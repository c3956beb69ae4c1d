"""Batches: a batch answers each line of its input file with the fake's own answer for the batch's endpoint.

A created batch is ``validating``; each retrieve moves it on: ``in_progress`` (the input is valid;
else ``failed``, with the errors by line), ``finalizing`` (every line answered), ``completed`` (with
its output file, and an error file if some lines failed). A server made with ``finish_at_once``
creates batches completed. Lines are answered as the endpoint answers a request: a 2xx answer
goes to the output file, any other (an unknown model, a bad body ...) to the error file. As with
the API, output lines do not keep the input's order: they come in reverse, so match them by
``custom_id``. Cancelling moves a batch to ``cancelling``, then ``cancelled``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ._common import (
    CREATED,
    APIError,
    Area,
    Job,
    Reply,
    Request,
    field,
    json_object,
    json_reply,
    list_page,
    lookup,
    not_one_of,
    route,
)

if TYPE_CHECKING:
    from ._server import FakeServer

ENDPOINTS = (
    "/v1/responses",
    "/v1/chat/completions",
    "/v1/embeddings",
    "/v1/completions",
    "/v1/moderations",
    "/v1/images/generations",
    "/v1/images/edits",
    "/v1/videos",
)
"""The endpoints a batch can use (the spec's enum)."""

MAX_REQUESTS = 50_000
"""The most lines an input file may have."""


class Batches(Area):
    def __init__(self, fake: FakeServer) -> None:
        super().__init__(fake)
        self._batches: Dict[str, Job] = {}

    @route("POST", r"/batches")
    def create_batch(self, request: Request) -> Reply:
        body = json_object(request)
        input_file_id = field(body, "input_file_id", str, "a string", required=True)
        endpoint = field(body, "endpoint", str, "a string", required=True)
        if endpoint not in ENDPOINTS:
            raise not_one_of("endpoint", endpoint, ENDPOINTS)
        window = field(body, "completion_window", str, "a string", required=True)
        if window != "24h":
            raise not_one_of("completion_window", window, ["24h"])
        metadata = field(body, "metadata", dict, "an object", default={})
        file, content = self.fake._files.find(input_file_id, param="input_file_id")
        if file["purpose"] != "batch":
            raise APIError(
                400,
                f"The input file {input_file_id} has purpose {file['purpose']!r}: a batch needs purpose 'batch'.",
                param="input_file_id",
                code="invalid_value",
            )
        batch: Dict[str, Any] = {
            "id": self.fake._next_id("batch_fake_"),
            "object": "batch",
            "endpoint": endpoint,
            "model": None,
            "errors": None,
            "input_file_id": input_file_id,
            "completion_window": window,
            "status": "validating",
            "output_file_id": None,
            "error_file_id": None,
            "created_at": CREATED,
            "in_progress_at": None,
            "expires_at": CREATED + 24 * 3600,
            "finalizing_at": None,
            "completed_at": None,
            "failed_at": None,
            "expired_at": None,
            "cancelling_at": None,
            "cancelled_at": None,
            "request_counts": {"total": 0, "completed": 0, "failed": 0},
            "usage": None,
            "metadata": metadata,
        }
        run = _Run(self.fake, batch, content)
        self._batches[batch["id"]] = self.job(batch, [run.validate, run.answer, run.complete])
        return json_reply(batch)

    def _find(self, batch_id: str) -> Job:
        return lookup(self._batches, batch_id, f"No batch found with id '{batch_id}'.")

    @route("GET", r"/batches")
    def list_batches(self, request: Request) -> Reply:
        return list_page([job.obj for job in self._batches.values()], request.query)

    @route("GET", r"/batches/([^/]+)")
    def retrieve_batch(self, request: Request, batch_id: str) -> Reply:
        return json_reply(self._find(batch_id).advance())

    @route("POST", r"/batches/([^/]+)/cancel")
    def cancel_batch(self, request: Request, batch_id: str) -> Reply:
        job = self._find(batch_id)
        batch = job.obj
        if batch["status"] not in ("validating", "in_progress", "finalizing"):
            raise APIError(409, f"Cannot cancel a batch with status '{batch['status']}'.")
        batch.update(status="cancelling", cancelling_at=CREATED)
        self.restart(job, [lambda: batch.update(status="cancelled", cancelled_at=CREATED)])
        return json_reply(batch)


class _Run:
    """The work of one batch: check its input, answer its lines, write the output and error files."""

    def __init__(self, fake: FakeServer, batch: Dict[str, Any], content: bytes) -> None:
        self.fake = fake
        self.batch = batch
        self.content = content
        self.lines: List[Tuple[str, Dict[str, Any]]] = []  # (custom_id, body)
        self.output: List[str] = []
        self.errors: List[str] = []

    def validate(self) -> bool:
        """In progress if the input is valid, else failed (with its errors by line)."""
        errors = self._check()
        if errors:
            self.batch.update(status="failed", failed_at=CREATED, errors={"object": "list", "data": errors})
            return False
        self.batch.update(status="in_progress", in_progress_at=CREATED)
        self.batch["request_counts"]["total"] = len(self.lines)
        self.batch["model"] = self.lines[0][1].get("model")
        return True

    def _check(self) -> List[Dict[str, Any]]:
        """The input's errors, by line (1-based), as the batch's ``errors.data``."""

        def error(code: str, message: str, line: Optional[int], param: Optional[str] = None) -> Dict[str, Any]:
            return {"code": code, "message": message, "param": param, "line": line}

        lines = self.content.decode("utf-8", "replace").splitlines()
        if not any(line.strip() for line in lines):
            return [error("empty_file", "The input file is empty.", None)]
        if len(lines) > MAX_REQUESTS:
            return [error("too_many_requests", f"The input file has more than {MAX_REQUESTS:,} requests.", None)]
        errors = []
        seen = set()
        for number, text in enumerate(lines, 1):
            if not text.strip():
                continue
            try:
                entry = json.loads(text)
            except ValueError:
                errors.append(error("invalid_json_line", "This line is not parseable as valid JSON.", number))
                continue
            if not isinstance(entry, dict):
                errors.append(error("invalid_json_line", "This line is not a JSON object.", number))
                continue
            custom_id = entry.get("custom_id")
            problems = []
            if not isinstance(custom_id, str) or not custom_id:
                problems.append(("missing_custom_id", "Each line needs a custom_id (a string).", "custom_id"))
            elif custom_id in seen:
                message = "The custom_id for this request is a duplicate of another request."
                problems.append(("duplicate_custom_id", message, "custom_id"))
            seen.add(custom_id)
            if entry.get("method") != "POST":
                problems.append(("invalid_method", "The method must be 'POST'.", "method"))
            if entry.get("url") != self.batch["endpoint"]:
                problems.append(
                    ("mismatched_url", f"The url must be the batch's endpoint, {self.batch['endpoint']}.", "url")
                )
            if not isinstance(entry.get("body"), dict):
                problems.append(("invalid_body", "The body must be a JSON object.", "body"))
            errors += [error(code, message, number, param) for code, message, param in problems]
            if not problems:
                self.lines.append((str(custom_id), entry["body"]))
        return errors

    def answer(self) -> None:
        counts = self.batch["request_counts"]
        usage = {"input_tokens": 0, "output_tokens": 0}
        for custom_id, body in self.lines:
            if body.get("stream"):
                reply = APIError(400, "Streaming is not supported in batches.", param="stream").reply()
            else:
                data = json.dumps(body).encode("utf-8")
                reply = self.fake._dispatch(
                    Request("POST", self.batch["endpoint"], {}, {"content-type": "application/json"}, data)
                )
            assert isinstance(reply.body, bytes)  # streams were refused above
            answer = json.loads(reply.body)
            line = {
                "id": self.fake._next_id("batch_req_fake_"),
                "custom_id": custom_id,
                "response": {
                    "status_code": reply.status,
                    "request_id": self.fake._next_id("req_batch_fake_"),
                    "body": answer,
                },
                "error": None,
            }
            if 200 <= reply.status < 300:
                counts["completed"] += 1
                self.output.append(json.dumps(line))
                tokens = answer.get("usage") or {}
                usage["input_tokens"] += tokens.get("input_tokens", tokens.get("prompt_tokens", 0))
                usage["output_tokens"] += tokens.get("output_tokens", tokens.get("completion_tokens", 0))
            else:
                counts["failed"] += 1
                self.errors.append(json.dumps(line))
        self.batch["usage"] = {
            "input_tokens": usage["input_tokens"],
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": usage["output_tokens"],
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": usage["input_tokens"] + usage["output_tokens"],
        }
        self.batch.update(status="finalizing", finalizing_at=CREATED)

    def complete(self) -> None:
        files = self.fake._files
        batch_id = self.batch["id"]
        # Reversed: the API does not keep the input's order either.
        for name, lines, key in (
            (f"{batch_id}_output.jsonl", self.output, "output_file_id"),
            (f"{batch_id}_error.jsonl", self.errors, "error_file_id"),
        ):
            if lines:
                content = "".join(line + "\n" for line in reversed(lines)).encode("utf-8")
                self.batch[key] = files.add(name, "batch_output", content)["id"]
        self.batch.update(status="completed", completed_at=CREATED)
