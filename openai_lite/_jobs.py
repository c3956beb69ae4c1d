"""The methods for long-running work: ``poll_*``, ``create_*_and_poll`` and ``run_batch``.

Two mixins of ``Client``. They are thin on purpose: ``import openai_lite``
loads this module, while the polling loop (``_polling.py``), the batch runner
(``_batch.py``) and the types load with the first call. In all of them
``timeout`` is the total wait in seconds and ``request_timeout`` the timeout
of each request they send (the name ``timeout`` has that meaning on the
generated methods; here the wait is what the caller thinks of first).
"""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    Union,
)

from ._api import APIMethods

if TYPE_CHECKING:
    from ._base_client import Timeout
    from ._batch import BatchProgress, BatchResult
    from ._files import FileInput
    from .types.assistants import RunObject
    from .types.assistants_params import SubmitToolOutputsRunRequestToolOutputsItem
    from .types.batches import Batch
    from .types.fine_tuning import FineTuningJob
    from .types.responses import Metadata, Response
    from .types.vector_stores import VectorStoreFileBatchObject, VectorStoreFileObject
    from .types.videos import VideoResource

__all__ = ["BatchHelpers", "PollingHelpers"]

T = TypeVar("T")


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
        from ._polling import STATES, poll_until

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


class BatchHelpers(APIMethods):
    """``run_batch``: many requests through the Batch API in one call."""

    def run_batch(
        self,
        requests: Iterable[Union[Mapping[str, Any], Tuple[str, Mapping[str, Any]]]],
        *,
        endpoint: str,
        completion_window: str = "24h",
        metadata: Optional[Metadata] = None,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        progress: Optional[BatchProgress] = None,
    ) -> List[BatchResult[Any]]:
        """Run ``requests`` as a batch (or several) and return their results in the same order.

        ``requests`` are request bodies as the endpoint's method takes them
        (``{"model": ..., "messages": [...]}``; custom ids ``request-0``,
        ``request-1`` ... are made for you), or ``(custom_id, body)`` pairs;
        any iterable, read once. ``endpoint`` is one of the Batch API's
        (``"/v1/chat/completions"``, ``"/v1/responses"``, ``"/v1/embeddings"``,
        ``"/v1/completions"``, ``"/v1/moderations"``, ``"/v1/images/generations"``,
        ``"/v1/images/edits"``, ``"/v1/videos"``; Azure's form without ``/v1``
        too). Requests are split into several batches by model and by the
        API's limits (50,000 requests or 200 MB per file).

        ``progress(status, counts)`` is called on every poll. ``poll_interval``
        and ``timeout`` are seconds; ``timeout`` counts from this call and
        raises :class:`~openai_lite.PollTimeoutError` (the batches keep
        running; their objects are the error's ``last``). A batch that ends
        ``failed``, ``expired`` or ``cancelled`` raises
        :class:`~openai_lite.BatchIncompleteError` with the partial results.
        The input, output and error files stay in your storage.
        """
        from ._batch import run_batch

        return run_batch(
            self,
            requests,
            endpoint=endpoint,
            completion_window=completion_window,
            metadata=metadata,
            poll_interval=poll_interval,
            timeout=timeout,
            progress=progress,
        )
