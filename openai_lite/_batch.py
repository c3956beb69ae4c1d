"""``run_batch``: many requests through the Batch API in one call.

The Batch API runs requests at half the price, within 24 hours, on a quota of
its own; using it by hand means writing JSONL, uploading it, creating the
batch, polling it, downloading two files and matching their lines back to the
requests by ``custom_id``. ``run_batch`` does all of it and returns one
:class:`BatchResult` per request, in the order of the requests.

Limits are handled by splitting: a batch serves one model and takes at most
50,000 requests (for embeddings also at most 50,000 inputs) in a file of at
most 200 MB, so the requests are written into as many files as needed, one
batch each. The batches are submitted together, polled together (``progress``
sees their sums) and their results merged. A request that cannot fit in any
file (over 200 MB alone) is refused before anything is sent.

Memory stays flat however many requests there are, beyond the results
themselves: lines are written to a temporary file as they are made (the
requests may be a generator), and the output is parsed line by line as it is
downloaded. What is kept is the custom ids, the position of each request and
the results.

If a batch ends ``failed``, ``expired`` or ``cancelled``, :class:`BatchIncompleteError`
carries the results that exist. A request missing from both output files gets
an error with ``code="missing_result"`` (or the code of why its batch ended:
``batch_expired``, ``batch_cancelled``, ``batch_failed``). On ``timeout``,
Ctrl-C or a failed poll, the batches keep running on the server; their ids are
logged (warning) and, on timeout, on the error (``PollTimeoutError.last``).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Generic,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Set,
    Tuple,
    TypeVar,
    Union,
)

from ._api import APIMethods
from ._encoding import json_bytes
from ._errors import BatchIncompleteError
from ._logging import logger
from ._polling import STATES, check_seconds, poll_until

if TYPE_CHECKING:
    from ._files import BinaryResponse
    from .types.batches import Batch, BatchError, BatchRequestCounts
    from .types.responses import Metadata

__all__ = ["BatchProgress", "BatchResult", "run_batch"]

T = TypeVar("T")

MAX_REQUESTS = 50_000
"""The most requests the API takes in one batch."""
MAX_FILE_BYTES = 200_000_000
"""The largest batch input file the API takes (200 MB)."""
MAX_EMBEDDING_INPUTS = 50_000
"""The most embedding inputs the API takes across the requests of one ``/v1/embeddings`` batch."""

# The endpoints of the spec's batch enum and the types their answers parse into (area module, class).
RESPONSE_TYPES: Dict[str, Tuple[str, str]] = {
    "/v1/responses": ("responses", "Response"),
    "/v1/chat/completions": ("chat", "CreateChatCompletionResponse"),
    "/v1/embeddings": ("embeddings", "CreateEmbeddingResponse"),
    "/v1/completions": ("completions", "CreateCompletionResponse"),
    "/v1/moderations": ("moderations", "CreateModerationResponse"),
    "/v1/images/generations": ("images", "ImagesResponse"),
    "/v1/images/edits": ("images", "ImagesResponse"),
    "/v1/videos": ("videos", "VideoResource"),
}

BatchProgress = Callable[[str, "BatchRequestCounts"], None]
"""``progress(status, counts)``: called by ``run_batch`` on every poll (counts summed over its batches)."""

_WAITING = STATES["batch"][0]


class BatchResult(Generic[T]):
    """The outcome of one request of ``run_batch``.

    ``custom_id`` identifies the request; ``status_code`` is the HTTP status
    its line got (``None`` if it never ran); ``response`` the answer parsed
    into the endpoint's type (a chat completion, say) when it succeeded;
    ``error`` is ``None``, or the error for this request (a
    :class:`~openai_lite.types.batches.BatchError`: ``code``, ``message``,
    and ``type``/``param`` when the API sent them); ``request_id`` the line's
    request id. ``ok`` says whether there is a response and no error.
    """

    __slots__ = ("custom_id", "error", "request_id", "response", "status_code")

    def __init__(
        self,
        custom_id: str,
        status_code: Optional[int],
        response: Optional[T],
        error: Optional[BatchError],
        request_id: Optional[str] = None,
    ) -> None:
        self.custom_id = custom_id
        self.status_code = status_code
        self.response = response
        self.error = error
        self.request_id = request_id

    @property
    def ok(self) -> bool:
        """Whether the request succeeded (a response, no error)."""
        return self.error is None and self.response is not None

    def __repr__(self) -> str:
        outcome = f"error={self.error!r}" if self.error is not None else f"response={type(self.response).__name__}"
        return f"BatchResult(custom_id={self.custom_id!r}, status_code={self.status_code!r}, {outcome})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


def run_batch(
    client: APIMethods,
    requests: Iterable[Union[Mapping[str, Any], Tuple[str, Mapping[str, Any]]]],
    *,
    endpoint: str,
    completion_window: str,
    metadata: Optional[Metadata],
    poll_interval: Optional[float],
    timeout: Optional[float],
    progress: Optional[BatchProgress],
) -> List[BatchResult[Any]]:
    """``Client.run_batch`` (documented there)."""
    started = time.monotonic()
    path = endpoint[3:] if endpoint.startswith("/v1/") else endpoint
    if "/v1" + path not in RESPONSE_TYPES:
        raise ValueError(f"endpoint must be one of {', '.join(RESPONSE_TYPES)}, got {endpoint!r}")
    check_seconds("poll_interval", poll_interval, zero=False)
    check_seconds("timeout", timeout, zero=True)
    if progress is not None and not callable(progress):
        raise TypeError("progress must be a callable taking (status, counts)")

    with tempfile.TemporaryDirectory(prefix="openai-lite-batch-") as folder:
        custom_ids, parts = _write_inputs(requests, endpoint, path == "/embeddings", folder)
        if not custom_ids:
            return []
        batches = _Batches(_submit(client, parts, endpoint, completion_window, metadata))
        batches._headers = batches[-1]._headers
    ids = ", ".join(batch.id for batch in batches)
    logger.info("run_batch: %d requests in %d batch(es): %s", len(custom_ids), len(batches), ids)

    def report(current: _Batches) -> None:
        if progress is not None:
            progress(current.status, _sum_counts(current))

    try:
        left = None if timeout is None else max(0.0, timeout - (time.monotonic() - started))
        poll_until(
            lambda: batches.refresh(client),
            what=f"batch {ids}" if len(batches) == 1 else f"{len(batches)} batches ({ids})",
            waiting=_WAITING,
            poll_interval=poll_interval,
            timeout=left,
            max_wait=STATES["batch"][2],
            first=batches,
            on_poll=report,
        )
    except BaseException:
        logger.warning("run_batch stopped waiting: batch(es) %s keep running on the server", ids)
        raise
    return _collect(client, batches, parts, custom_ids, "/v1" + path)


def _submit(
    client: APIMethods, parts: List[_Part], endpoint: str, window: str, metadata: Optional[Metadata]
) -> List[Batch]:
    """Upload each input file and create its batch; undo it all if one fails."""
    file_ids: List[str] = []
    created: List[Batch] = []
    try:
        for part in parts:
            file_ids.append(client.create_file(file=part.path, purpose="batch").id)
            created.append(
                client.create_batch(
                    input_file_id=file_ids[-1],
                    endpoint=endpoint,  # type: ignore[arg-type]  # checked against RESPONSE_TYPES
                    completion_window=window,  # type: ignore[arg-type]  # a new window needs no new release
                    metadata=metadata,
                )
            )
    except Exception:
        # Half a submission would run and bill requests whose results nobody collects.
        for batch in created:
            _quietly(client.cancel_batch, batch.id)
        for file_id in file_ids:
            _quietly(client.delete_file, file_id)
        raise
    except BaseException:  # Ctrl-C: leave at once, say what is left
        logger.warning(
            "run_batch interrupted while submitting: batch(es) %s and input file(s) %s are left on the server",
            ", ".join(b.id for b in created) or "none",
            ", ".join(file_ids) or "none",
        )
        raise
    return created


def _collect(
    client: APIMethods, batches: List[Batch], parts: List[_Part], custom_ids: List[str], endpoint: str
) -> List[BatchResult[Any]]:
    """Download the output and error files and put one result per request in order."""
    import importlib

    from .types.batches import BatchError

    area, name = RESPONSE_TYPES[endpoint]
    response_type = getattr(importlib.import_module(f".types.{area}", __package__), name)
    position = {custom_id: i for i, custom_id in enumerate(custom_ids)}
    results: List[Optional[BatchResult[Any]]] = [None] * len(custom_ids)
    for batch in batches:
        for file_id in (batch.output_file_id, batch.error_file_id):
            if file_id:
                for output in _lines(client.download_file(file_id)):
                    _record(output, position, results, response_type, BatchError)
    del position
    for batch, part in zip(batches, parts):
        reasons = _line_errors(batch)
        for line, index in enumerate(part.indices, 1):
            if results[index] is None:
                error = reasons.get(line) or _missing(batch, BatchError)
                results[index] = BatchResult(custom_ids[index], None, None, error)
    complete: List[BatchResult[Any]] = results  # type: ignore[assignment]  # every place is filled now
    unfinished = [batch for batch in batches if batch.status != "completed"]
    if unfinished:
        raise BatchIncompleteError(
            _incomplete_message(batches, unfinished, complete),
            status=unfinished[0].status,
            batches=batches,
            results=complete,
        )
    return complete


class _Part:
    """One input file being written: which requests are in it, in line order, and its size."""

    __slots__ = ("file", "indices", "inputs", "path", "size")

    def __init__(self, path: str) -> None:
        self.path = path
        self.file: Optional[IO[bytes]] = open(path, "wb")  # closed by _write_inputs
        self.indices: List[int] = []
        self.size = 0
        self.inputs = 0

    def fits(self, line: bytes, inputs: int) -> bool:
        return (
            len(self.indices) < MAX_REQUESTS
            and self.size + len(line) <= MAX_FILE_BYTES
            and self.inputs + inputs <= MAX_EMBEDDING_INPUTS
        )

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def _write_inputs(
    requests: Iterable[Any], endpoint: str, count_inputs: bool, folder: str
) -> Tuple[List[str], List[_Part]]:
    """Write the JSONL input files: one per model, more where a file would pass a limit."""
    custom_ids: List[str] = []
    seen: Set[str] = set()
    parts: List[_Part] = []
    current: Dict[Any, _Part] = {}  # model -> the file being written for it
    try:
        for index, item in enumerate(requests):
            custom_id, body = _request(index, item)
            if custom_id in seen:
                raise ValueError(f"requests[{index}]: custom_id {custom_id!r} is used twice; they must be unique")
            seen.add(custom_id)
            custom_ids.append(custom_id)
            line = json_bytes({"custom_id": custom_id, "method": "POST", "url": endpoint, "body": body}) + b"\n"
            if len(line) > MAX_FILE_BYTES:
                raise ValueError(
                    f"requests[{index}] is {len(line)} bytes as a line of JSON: a batch input file holds at "
                    f"most {MAX_FILE_BYTES} bytes"
                )
            inputs = _input_count(body) if count_inputs else 0
            model = body.get("model")
            model = model if isinstance(model, str) else repr(model)  # (a key, even for an odd value)
            part = current.get(model)
            if part is None or not part.fits(line, inputs):
                if part is not None:
                    part.close()
                part = current[model] = _Part(os.path.join(folder, f"batch-input-{len(parts) + 1}.jsonl"))
                parts.append(part)
            assert part.file is not None
            part.file.write(line)
            part.indices.append(index)
            part.size += len(line)
            part.inputs += inputs
    finally:
        for part in parts:
            part.close()
    return custom_ids, parts


def _request(index: int, item: Any) -> Tuple[str, Dict[str, Any]]:
    """The custom id and body of one item of ``requests``, checked."""
    if isinstance(item, tuple) and len(item) == 2:
        custom_id, body = item
        if not isinstance(custom_id, str) or not custom_id:
            raise TypeError(f"requests[{index}]: a custom_id must be a non-empty str, got {custom_id!r}")
    else:
        custom_id, body = f"request-{index}", item
    if not isinstance(body, Mapping):
        raise TypeError(
            f"requests[{index}] must be a request body (a dict) or a (custom_id, body) pair, got {type(body).__name__}"
        )
    # As the endpoint methods do: a field set to None is left out.
    body = {key: value for key, value in body.items() if value is not None}
    if body.get("stream"):
        raise ValueError(f"requests[{index}] asks for stream=True: batch requests cannot stream")
    return custom_id, body


def _input_count(body: Mapping[str, Any]) -> int:
    """How many inputs an embeddings request has (a list of token ids is one)."""
    value = body.get("input")
    if isinstance(value, list) and value and not isinstance(value[0], int):
        return len(value)
    return 1


class _Batches(List["Batch"]):
    """The batches of one ``run_batch``, polled as one: ``status`` is the least advanced one's."""

    _headers: Optional[Mapping[str, str]] = None  # the server's poll-after advice, from the last answer

    @property
    def status(self) -> str:
        statuses = [batch.status for batch in self]
        waiting = [status for status in statuses if status in _WAITING]
        if waiting:
            return min(waiting, key=_WAITING.index)
        return next((status for status in statuses if status != "completed"), "completed")

    def refresh(self, client: APIMethods) -> _Batches:
        """Retrieve the batches not finished yet, in place."""
        for i, batch in enumerate(self):
            if batch.status in _WAITING:
                self[i] = client.retrieve_batch(batch.id)
                self._headers = self[i]._headers
        return self


def _sum_counts(batches: List[Batch]) -> BatchRequestCounts:
    from .types.batches import BatchRequestCounts

    total = completed = failed = 0
    for batch in batches:
        counts = batch.request_counts
        if counts is not None:
            total += counts.total or 0
            completed += counts.completed or 0
            failed += counts.failed or 0
    return BatchRequestCounts(total=total, completed=completed, failed=failed)


def _lines(body: BinaryResponse) -> Iterator[bytes]:
    """The non-empty lines of a downloaded file, as it arrives."""
    buffer = bytearray()
    with body:
        for chunk in body.iter_bytes():
            buffer += chunk
            start = 0
            end = buffer.find(b"\n")
            while end >= 0:
                if end > start:
                    yield bytes(buffer[start:end])
                start = end + 1
                end = buffer.find(b"\n", start)
            del buffer[:start]
    if buffer.strip():
        yield bytes(buffer)


def _record(
    line: bytes,
    position: Mapping[str, int],
    results: List[Optional[BatchResult[Any]]],
    response_type: Any,
    error_type: Any,
) -> None:
    """Put one line of an output or error file in its place."""
    try:
        data = json.loads(line)
        custom_id = data["custom_id"]
        index = position[custom_id]
    except (ValueError, TypeError, KeyError):
        # Its request (if any) ends up with a missing_result error instead.
        logger.warning("run_batch: skipped an output line that names no request of the batch: %.200r", line)
        return
    existing = results[index]
    if existing is not None and existing.error is None:
        return  # a success is not replaced (a line may be repeated across the two files)
    response = data.get("response") or {}
    status_code = response.get("status_code")
    request_id = response.get("request_id")
    body = response.get("body")
    error = data.get("error")
    if error is None and not (isinstance(status_code, int) and 200 <= status_code < 300 and isinstance(body, dict)):
        # A failed request: its body is the API's {"error": {...}}.
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            error = {"code": "bad_result", "message": f"status {status_code} with body {str(body)[:500]}"}
    if error is not None:
        error = error_type.from_dict(error) if isinstance(error, dict) else error_type(message=str(error))
        results[index] = BatchResult(custom_id, status_code, None, error, request_id)
        return
    parsed = response_type.from_dict(body)
    parsed.__dict__["_request_id"] = request_id
    results[index] = BatchResult(custom_id, status_code, parsed, None, request_id)


def _line_errors(batch: Batch) -> Dict[int, BatchError]:
    """The errors a batch that failed validation lists, by line of its input file."""
    errors = batch.errors.data if batch.errors is not None else None
    return {error.line: error for error in errors or () if isinstance(error.line, int)}


def _missing(batch: Batch, error_type: Any) -> BatchError:
    error: BatchError
    if batch.status == "completed":
        error = error_type(code="missing_result", message=f"batch {batch.id} completed without a line for this request")
    else:
        error = error_type(
            code=f"batch_{batch.status}", message=f"not run: batch {batch.id} ended {batch.status} before it"
        )
    return error


def _incomplete_message(batches: List[Batch], unfinished: List[Batch], results: List[BatchResult[Any]]) -> str:
    first = unfinished[0]
    done = sum(1 for result in results if result.ok)
    which = (
        f"batch {first.id}" if len(batches) == 1 else f"{len(unfinished)} of {len(batches)} batches ({first.id} ...)"
    )
    message = f"{which} ended {first.status}; {done} of {len(results)} requests have a response"
    errors = first.errors.data if first.errors is not None else None
    if errors:
        shown = "; ".join(f"line {e.line}: {e.message}" if e.line else str(e.message) for e in errors[:3])
        message += f". The batch's errors: {shown}" + (" ..." if len(errors) > 3 else "")
    return message


def _quietly(call: Callable[[str], Any], argument: str) -> None:
    try:
        call(argument)
    except Exception:
        pass  # cleaning up after an error: the original error is the one to see
