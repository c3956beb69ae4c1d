"""Waiting for the API's long-running work: one polling loop, thin wrappers per resource.

Batches, fine-tuning jobs, Assistants runs, vector-store files and file
batches, videos and background responses are created at once and finish
later. ``poll_until`` retrieves an object until its status leaves the
statuses that change by themselves (from the spec's enums, in ``STATES``), so
that no caller writes the sleep-and-retrieve loop or its own idea of which
statuses are final. A status this version does not know ends the wait too: a
wait that cannot end is worse than one that ends early.

Between retrieves it waits what the server asks for (``openai-poll-after-ms``),
else ``poll_interval``, else a tenth of the time waited so far (1 s at least,
at most the resource's ceiling), so that a job of hours is not retrieved every
second. The total ``timeout`` ends with :class:`PollTimeoutError` and leaves
the job running. Nothing needs undoing when the wait is interrupted: Ctrl-C
propagates from the sleep at once.

Only the standard library is imported here; the types load with the first call.
"""

from __future__ import annotations

import math
import time
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Collection,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
)

from ._api import APIMethods
from ._errors import PollTimeoutError

if TYPE_CHECKING:
    from ._base_client import Timeout
    from ._files import FileInput
    from .types.assistants import RunObject
    from .types.assistants_params import SubmitToolOutputsRunRequestToolOutputsItem
    from .types.batches import Batch
    from .types.fine_tuning import FineTuningJob
    from .types.responses import Response
    from .types.vector_stores import VectorStoreFileBatchObject, VectorStoreFileObject
    from .types.videos import VideoResource

__all__ = ["STATES", "PollingHelpers", "poll_until"]

T = TypeVar("T")

STATES: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...], float]] = {
    # kind: (statuses that change by themselves, final statuses, longest default wait in seconds)
    "batch": (
        ("validating", "in_progress", "finalizing", "cancelling"),
        ("completed", "failed", "expired", "cancelled"),
        60.0,
    ),
    "fine-tuning job": (("validating_files", "queued", "running"), ("succeeded", "failed", "cancelled"), 60.0),
    # requires_action is final here: the run waits for the caller's tool outputs.
    "run": (
        ("queued", "in_progress", "cancelling"),
        ("requires_action", "completed", "failed", "cancelled", "expired", "incomplete"),
        5.0,
    ),
    "vector store file": (("in_progress",), ("completed", "failed", "cancelled"), 5.0),
    "vector store file batch": (("in_progress",), ("completed", "failed", "cancelled"), 5.0),
    "video": (("queued", "in_progress"), ("completed", "failed"), 10.0),
    "response": (("queued", "in_progress"), ("completed", "failed", "cancelled", "incomplete"), 5.0),
}
"""For each kind of object: the statuses it is waited through, its final ones, and the longest default wait."""

POLL_AFTER_HEADER = "openai-poll-after-ms"
_FIRST_WAIT = 1.0  # seconds: the default wait until a tenth of the time waited is more


def poll_until(
    retrieve: Callable[[], T],
    *,
    what: str,
    waiting: Collection[str],
    poll_interval: Optional[float] = None,
    timeout: Optional[float] = None,
    max_wait: float = 60.0,
    first: Optional[T] = None,
    on_poll: Optional[Callable[[T], None]] = None,
) -> T:
    """Call ``retrieve()`` until the object's ``status`` is not one of ``waiting``; return that object.

    ``first``, when given, is the object as just created: it is looked at
    before anything is retrieved. ``on_poll(obj)`` is called with every object
    looked at. ``what`` names the object in the timeout error ("batch
    batch_abc"). ``poll_interval`` and ``timeout`` are seconds (see the module
    docstring for how the wait is chosen).
    """
    poll_interval = check_seconds("poll_interval", poll_interval, zero=False)
    timeout = check_seconds("timeout", timeout, zero=True)
    started = time.monotonic()
    deadline = None if timeout is None else started + timeout
    obj = first if first is not None else retrieve()
    while True:
        if on_poll is not None:
            on_poll(obj)
        status = getattr(obj, "status", None)
        if status not in waiting:
            return obj
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            raise PollTimeoutError(what, status, now - started, obj)
        wait = _server_wait(obj)
        if wait is None:
            wait = poll_interval if poll_interval is not None else min(max_wait, max(_FIRST_WAIT, (now - started) / 10))
        if deadline is not None:
            wait = min(wait, deadline - now)  # one last look at the deadline rather than a sleep past it
        time.sleep(wait)
        obj = retrieve()


def _server_wait(obj: Any) -> Optional[float]:
    """The wait the server asked for on the response that brought ``obj``, in seconds, if any."""
    headers: Optional[Mapping[str, str]] = getattr(obj, "_headers", None)
    value = headers.get(POLL_AFTER_HEADER) if headers is not None else None
    if value is None:
        return None
    try:
        milliseconds = float(value)
    except ValueError:
        return None  # a header we cannot read is no reason to stop waiting
    return milliseconds / 1000 if 0 <= milliseconds < math.inf else None


def check_seconds(name: str, value: Optional[float], zero: bool) -> Optional[float]:
    """``value`` as a float of seconds (``None`` stays ``None``); ``zero`` allows 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 <= value < math.inf):
        raise ValueError(f"{name} must be a number of seconds (or None), got {value!r}")
    if value == 0 and not zero:
        raise ValueError(f"{name} must be more than 0 seconds, got {value!r}")
    return float(value)


class PollingHelpers(APIMethods):
    """``poll_*`` and ``create_*_and_poll``: wait for long-running work to finish.

    In all of them ``timeout`` is the total wait in seconds (``None``: no
    limit) and ``poll_interval`` the wait between retrieves in seconds when the
    server does not say; ``request_timeout`` is the ``timeout`` of each request
    they send (seconds, or ``(connect, read)``; default: the client's). The
    ``create_*`` forms take the ``create_*`` method's arguments and send
    ``extra_headers``/``extra_query`` with every request.
    """

    def _poll(
        self,
        kind: str,
        name: str,
        retrieve: Callable[[], T],
        poll_interval: Optional[float],
        timeout: Optional[float],
        first: Optional[T] = None,
    ) -> T:
        waiting, _, max_wait = STATES[kind]
        return poll_until(
            retrieve,
            what=f"{kind} {name}",
            waiting=waiting,
            poll_interval=poll_interval,
            timeout=timeout,
            max_wait=max_wait,
            first=first,
        )

    def poll_batch(
        self,
        batch_id: str,
        *,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
    ) -> Batch:
        """Retrieve a batch until it is ``completed``, ``failed``, ``expired`` or ``cancelled``."""
        options = _options(extra_headers, extra_query, request_timeout)
        return self._poll("batch", batch_id, lambda: self.retrieve_batch(batch_id, **options), poll_interval, timeout)

    def poll_fine_tuning_job(
        self,
        job_id: str,
        *,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
    ) -> FineTuningJob:
        """Retrieve a fine-tuning job until it has ``succeeded``, ``failed`` or is ``cancelled``.

        A job in a status this version does not know (a paused job, say) is returned as it is.
        """
        options = _options(extra_headers, extra_query, request_timeout)
        return self._poll(
            "fine-tuning job",
            job_id,
            lambda: self.retrieve_fine_tuning_job(job_id, **options),
            poll_interval,
            timeout,
        )

    def poll_run(
        self,
        thread_id: str,
        run_id: str,
        *,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
    ) -> RunObject:
        """Retrieve an Assistants run until it ends or ``requires_action`` (it then waits for your tool outputs).

        Final: ``requires_action``, ``completed``, ``failed``, ``cancelled``, ``expired``, ``incomplete``.
        """
        options = _options(extra_headers, extra_query, request_timeout)
        return self._poll("run", run_id, lambda: self.get_run(thread_id, run_id, **options), poll_interval, timeout)

    def poll_vector_store_file(
        self,
        vector_store_id: str,
        file_id: str,
        *,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
    ) -> VectorStoreFileObject:
        """Retrieve a vector-store file until its processing is ``completed``, ``failed`` or ``cancelled``."""
        options = _options(extra_headers, extra_query, request_timeout)
        return self._poll(
            "vector store file",
            file_id,
            lambda: self.get_vector_store_file(vector_store_id, file_id, **options),
            poll_interval,
            timeout,
        )

    def poll_vector_store_file_batch(
        self,
        vector_store_id: str,
        batch_id: str,
        *,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
    ) -> VectorStoreFileBatchObject:
        """Retrieve a vector-store file batch until it is ``completed``, ``failed`` or ``cancelled``."""
        options = _options(extra_headers, extra_query, request_timeout)
        return self._poll(
            "vector store file batch",
            batch_id,
            lambda: self.get_vector_store_file_batch(vector_store_id, batch_id, **options),
            poll_interval,
            timeout,
        )

    def poll_video(
        self,
        video_id: str,
        *,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
    ) -> VideoResource:
        """Retrieve a video job until it is ``completed`` or ``failed``."""
        options = _options(extra_headers, extra_query, request_timeout)
        return self._poll("video", video_id, lambda: self.get_video(video_id, **options), poll_interval, timeout)

    def poll_response(
        self,
        response_id: str,
        *,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
    ) -> Response:
        """Retrieve a background response (``background=True``) until it is ``completed``, ``failed``,
        ``cancelled`` or ``incomplete``."""
        options = _options(extra_headers, extra_query, request_timeout)
        return self._poll(
            "response", response_id, lambda: self.get_response(response_id, **options), poll_interval, timeout
        )

    # -- create, then poll ------------------------------------------------------

    def create_run_and_poll(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
        **params: Any,
    ) -> RunObject:
        """``create_run(thread_id, assistant_id=..., **params)``, then :meth:`poll_run` on the new run."""
        options = _options(extra_headers, extra_query, request_timeout)
        run = self.create_run(thread_id, assistant_id=assistant_id, **options, **params)
        return self._poll(
            "run", run.id, lambda: self.get_run(thread_id, run.id, **options), poll_interval, timeout, first=run
        )

    def create_thread_and_run_and_poll(
        self,
        *,
        assistant_id: str,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
        **params: Any,
    ) -> RunObject:
        """``create_thread_and_run(assistant_id=..., **params)``, then :meth:`poll_run` on the new run."""
        options = _options(extra_headers, extra_query, request_timeout)
        run = self.create_thread_and_run(assistant_id=assistant_id, **options, **params)
        return self._poll(
            "run", run.id, lambda: self.get_run(run.thread_id, run.id, **options), poll_interval, timeout, first=run
        )

    def submit_tool_outputs_and_poll(
        self,
        thread_id: str,
        run_id: str,
        *,
        tool_outputs: Sequence[SubmitToolOutputsRunRequestToolOutputsItem],
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
        **params: Any,
    ) -> RunObject:
        """``submit_tool_outputs_to_run(...)``, then :meth:`poll_run` until the run ends or needs you again."""
        options = _options(extra_headers, extra_query, request_timeout)
        run = self.submit_tool_outputs_to_run(thread_id, run_id, tool_outputs=tool_outputs, **options, **params)
        return self._poll(
            "run", run_id, lambda: self.get_run(thread_id, run_id, **options), poll_interval, timeout, first=run
        )

    def create_vector_store_file_and_poll(
        self,
        vector_store_id: str,
        *,
        file_id: str,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
        **params: Any,
    ) -> VectorStoreFileObject:
        """``create_vector_store_file(...)`` (attach a file), then :meth:`poll_vector_store_file`."""
        options = _options(extra_headers, extra_query, request_timeout)
        created = self.create_vector_store_file(vector_store_id, file_id=file_id, **options, **params)
        return self._poll(
            "vector store file",
            file_id,
            lambda: self.get_vector_store_file(vector_store_id, file_id, **options),
            poll_interval,
            timeout,
            first=created,
        )

    def upload_vector_store_file_and_poll(
        self,
        vector_store_id: str,
        *,
        file: FileInput,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
        **params: Any,
    ) -> VectorStoreFileObject:
        """Upload ``file`` (``purpose="assistants"``), attach it to the vector store, and poll it.

        ``params`` go to ``create_vector_store_file`` (``attributes``,
        ``chunking_strategy``). If the file cannot be attached, the uploaded
        file is deleted before the error is raised.
        """
        options = _options(extra_headers, extra_query, request_timeout)
        uploaded = self.create_file(file=file, purpose="assistants", **options)
        with _deleted_on_error(self, [uploaded.id]):
            created = self.create_vector_store_file(vector_store_id, file_id=uploaded.id, **options, **params)
        return self._poll(
            "vector store file",
            uploaded.id,
            lambda: self.get_vector_store_file(vector_store_id, uploaded.id, **options),
            poll_interval,
            timeout,
            first=created,
        )

    def create_vector_store_file_batch_and_poll(
        self,
        vector_store_id: str,
        *,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
        **params: Any,
    ) -> VectorStoreFileBatchObject:
        """``create_vector_store_file_batch(...)`` (``file_ids=`` or ``files=``), then
        :meth:`poll_vector_store_file_batch`."""
        options = _options(extra_headers, extra_query, request_timeout)
        created = self.create_vector_store_file_batch(vector_store_id, **options, **params)
        return self._poll(
            "vector store file batch",
            created.id,
            lambda: self.get_vector_store_file_batch(vector_store_id, created.id, **options),
            poll_interval,
            timeout,
            first=created,
        )

    def upload_vector_store_file_batch_and_poll(
        self,
        vector_store_id: str,
        *,
        files: Iterable[FileInput],
        file_ids: Sequence[str] = (),
        max_concurrency: int = 5,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
        **params: Any,
    ) -> VectorStoreFileBatchObject:
        """Upload ``files`` (``purpose="assistants"``, up to ``max_concurrency`` at a time), add them
        and ``file_ids`` to the vector store as one file batch, and poll it.

        ``params`` go to ``create_vector_store_file_batch`` (``attributes``,
        ``chunking_strategy``). If an upload fails or the batch cannot be
        created, the files uploaded so far are deleted before the error is
        raised. Ctrl-C returns at once; uploads already on the wire finish
        in the background and are left in your storage.
        """
        if not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise ValueError(f"max_concurrency must be a positive int, got {max_concurrency!r}")
        options = _options(extra_headers, extra_query, request_timeout)
        uploaded: List[str] = []
        with _deleted_on_error(self, uploaded):
            new_ids = _upload_all(self, list(files), max_concurrency, uploaded, options)
            created = self.create_vector_store_file_batch(
                vector_store_id, file_ids=[*file_ids, *new_ids], **options, **params
            )
        return self._poll(
            "vector store file batch",
            created.id,
            lambda: self.get_vector_store_file_batch(vector_store_id, created.id, **options),
            poll_interval,
            timeout,
            first=created,
        )

    def create_video_and_poll(
        self,
        *,
        prompt: str,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        request_timeout: Optional[Timeout] = None,
        **params: Any,
    ) -> VideoResource:
        """``create_video(prompt=..., **params)``, then :meth:`poll_video` until it is ``completed`` or ``failed``."""
        options = _options(extra_headers, extra_query, request_timeout)
        created = self.create_video(prompt=prompt, **options, **params)
        return self._poll(
            "video", created.id, lambda: self.get_video(created.id, **options), poll_interval, timeout, first=created
        )


def _options(
    extra_headers: Optional[Mapping[str, Optional[str]]],
    extra_query: Optional[Mapping[str, Any]],
    request_timeout: Optional[Timeout],
) -> Dict[str, Any]:
    """The per-request options, as the generated methods name them."""
    return {"extra_headers": extra_headers, "extra_query": extra_query, "timeout": request_timeout}


class _deleted_on_error:
    """Delete the listed files (best effort) if the block fails with an ``Exception``.

    Ctrl-C is not held up by requests: it propagates at once, and the files stay.
    """

    def __init__(self, client: APIMethods, file_ids: Sequence[str]) -> None:
        self.client = client
        self.file_ids = file_ids

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        if kind is not None and issubclass(kind, Exception):
            for file_id in self.file_ids:
                try:
                    self.client.delete_file(file_id)
                except Exception:
                    pass  # the original error is the one to see


def _upload_all(
    client: APIMethods, files: Sequence[FileInput], max_concurrency: int, uploaded: List[str], options: Dict[str, Any]
) -> List[str]:
    """Upload ``files`` with up to ``max_concurrency`` threads; their ids, in order.

    Each id is also appended to ``uploaded`` as soon as its upload is done, so
    that the caller can delete them if something fails.
    """

    def upload(file: FileInput) -> str:
        file_id = client.create_file(file=file, purpose="assistants", **options).id
        uploaded.append(file_id)  # (list.append is atomic)
        return file_id

    if max_concurrency == 1 or len(files) <= 1:
        return [upload(file) for file in files]
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(min(max_concurrency, len(files)), thread_name_prefix="openai-lite-upload")
    futures = [pool.submit(upload, file) for file in files]
    try:
        ids = [future.result() for future in futures]  # the first failure ends the wait
    except BaseException as exc:
        for future in futures:
            future.cancel()  # the ones not started
        # After an error, the uploads on the wire are waited for, so that their files can be
        # deleted too; Ctrl-C does not wait for them.
        pool.shutdown(wait=isinstance(exc, Exception))
        raise
    pool.shutdown()
    return ids
