"""The polling helpers: ``poll_*``, ``create_*_and_poll`` and the loop under them (``_polling.py``).

Each helper is driven through a scripted series of statuses served by the
loopback server. The waits are checked on a fake clock put in place of the
module's ``time`` (so they are exact and the tests take no time); a few tests
sleep for real, briefly: Ctrl-C during a wait, and a real timeout.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import signal
import threading
import time
from typing import Any, Dict, List, Optional, Tuple

import pytest
from _loopback import LoopbackServer, Recorded, Reply, json_reply, stall_reply

import openai_lite
from openai_lite import _polling
from openai_lite._polling import STATES

ROOT = pathlib.Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated by the API:DeprecationWarning")


class FakeClock:
    """Stands in for the ``time`` module in ``_polling``: sleeping advances it, and is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: List[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(_polling, "time", fake)
    return fake


def status_reply(obj: Dict[str, Any], status: str, poll_after: Optional[str] = None) -> Reply:
    headers = {"openai-poll-after-ms": poll_after} if poll_after is not None else None
    return json_reply({**obj, "status": status}, headers=headers)


# ---------------------------------------------------------------------------
# The seven poll helpers
# ---------------------------------------------------------------------------

# helper, its arguments, the path it retrieves, the object served, its kind in STATES, the spec schema
POLLS: List[Tuple[str, Tuple[str, ...], str, Dict[str, Any], str, str]] = [
    ("poll_batch", ("batch_1",), "/v1/batches/batch_1", {"id": "batch_1", "object": "batch"}, "batch", "Batch"),
    (
        "poll_fine_tuning_job",
        ("ftjob_1",),
        "/v1/fine_tuning/jobs/ftjob_1",
        {"id": "ftjob_1", "object": "fine_tuning.job"},
        "fine-tuning job",
        "FineTuningJob",
    ),
    (
        "poll_run",
        ("thread_1", "run_1"),
        "/v1/threads/thread_1/runs/run_1",
        {"id": "run_1", "object": "thread.run", "thread_id": "thread_1"},
        "run",
        "RunObject",
    ),
    (
        "poll_vector_store_file",
        ("vs_1", "file_1"),
        "/v1/vector_stores/vs_1/files/file_1",
        {"id": "file_1", "object": "vector_store.file", "vector_store_id": "vs_1"},
        "vector store file",
        "VectorStoreFileObject",
    ),
    (
        "poll_vector_store_file_batch",
        ("vs_1", "vsfb_1"),
        "/v1/vector_stores/vs_1/file_batches/vsfb_1",
        {"id": "vsfb_1", "object": "vector_store.files_batch", "vector_store_id": "vs_1"},
        "vector store file batch",
        "VectorStoreFileBatchObject",
    ),
    ("poll_video", ("video_1",), "/v1/videos/video_1", {"id": "video_1", "object": "video"}, "video", "VideoResource"),
    ("poll_response", ("resp_1",), "/v1/responses/resp_1", {"id": "resp_1"}, "response", "Response"),
]
POLL_IDS = [case[0] for case in POLLS]


@pytest.mark.parametrize(("method", "args", "path", "obj", "kind", "schema"), POLLS, ids=POLL_IDS)
def test_waits_through_every_waiting_status_then_returns_the_typed_object(
    server: LoopbackServer, client: Any, clock: FakeClock, method: str, args: Any, path: str, obj: Any, kind: str,
    schema: str,
) -> None:  # fmt: skip
    waiting, final, _ = STATES[kind]
    # Every waiting status once; the server asks for 250 ms after the first, says nothing after the others.
    server.reply(
        status_reply(obj, waiting[0], poll_after="250"),
        *[status_reply(obj, status) for status in waiting[1:]],
        status_reply(obj, final[-1]),
    )
    result = getattr(client, method)(*args, poll_interval=0.5, extra_headers={"X-Trace": "t1"}, extra_query={"q": "1"})
    assert type(result).__name__ == schema
    assert result.status == final[-1]
    assert result.id == obj["id"]
    assert [(r.method, r.path) for r in server.requests] == [("GET", path)] * (len(waiting) + 1)
    assert all(r.headers["X-Trace"] == "t1" and r.query == {"q": ["1"]} for r in server.requests)
    # The server's advice wins over poll_interval; without it, poll_interval.
    assert clock.sleeps == [0.25] + [0.5] * (len(waiting) - 1)


FINALS = [(method, status) for method, _, _, _, kind, _ in POLLS for status in STATES[kind][1]]


@pytest.mark.parametrize(("method", "status"), FINALS)
def test_a_final_status_returns_at_once(
    server: LoopbackServer, client: Any, clock: FakeClock, method: str, status: str
) -> None:
    _, args, _, obj, _, _ = POLLS[POLL_IDS.index(method)]
    server.reply(status_reply(obj, status))
    assert getattr(client, method)(*args).status == status
    assert len(server.requests) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(("method", "args", "path", "obj", "kind", "schema"), POLLS, ids=POLL_IDS)
def test_the_states_are_the_spec_enum(method: str, args: Any, path: str, obj: Any, kind: str, schema: str) -> None:
    spec = json.loads((ROOT / "spec" / "openai-openapi.json").read_text("utf-8"))["components"]["schemas"]

    def status_enum(node: Dict[str, Any]) -> Optional[List[str]]:
        if "$ref" in node:
            return status_enum(spec[node["$ref"].rsplit("/", 1)[1]])
        if "status" in node.get("properties", {}):
            status = node["properties"]["status"]
            return list((spec[status["$ref"].rsplit("/", 1)[1]] if "$ref" in status else status)["enum"])
        for sub in node.get("allOf", []) + node.get("anyOf", []):
            found = status_enum(sub)
            if found:
                return found
        return None

    waiting, final, _ = STATES[kind]
    enum = status_enum(spec[schema])
    assert enum is not None
    assert sorted(waiting + final) == sorted(enum)
    assert not set(waiting) & set(final)


def test_a_run_that_requires_action_returns(server: LoopbackServer, client: Any, clock: FakeClock) -> None:
    run = {"id": "run_1", "object": "thread.run", "thread_id": "thread_1"}
    server.reply(status_reply(run, "queued"), status_reply(run, "in_progress"), status_reply(run, "requires_action"))
    assert client.poll_run("thread_1", "run_1").status == "requires_action"
    assert len(server.requests) == 3


@pytest.mark.parametrize("status", ["paused", "", None])
def test_a_status_this_version_does_not_know_ends_the_wait(
    server: LoopbackServer, client: Any, clock: FakeClock, status: Optional[str]
) -> None:
    server.reply(status_reply({"id": "ftjob_1"}, "running"), json_reply({"id": "ftjob_1", "status": status}))
    assert client.poll_fine_tuning_job("ftjob_1").status == status
    assert len(server.requests) == 2


# ---------------------------------------------------------------------------
# How long it waits
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "poll_interval", "expected"),
    [
        ("1500", None, 1.5),
        ("0", 2.0, 0.0),  # the server may say: now
        ("20.5", 2.0, 0.0205),
        ("soon", 2.0, 2.0),  # unreadable: ignored
        ("-5", 2.0, 2.0),
        ("inf", 2.0, 2.0),
        ("nan", None, 1.0),  # ignored, and the default's first wait
        (None, 0.05, 0.05),
        (None, None, 1.0),
    ],
)
def test_the_wait_comes_from_the_header_then_poll_interval_then_the_default(
    server: LoopbackServer,
    client: Any,
    clock: FakeClock,
    header: Optional[str],
    poll_interval: Optional[float],
    expected: float,
) -> None:
    batch = {"id": "batch_1", "object": "batch"}
    server.reply(status_reply(batch, "in_progress", poll_after=header), status_reply(batch, "completed"))
    client.poll_batch("batch_1", poll_interval=poll_interval)
    assert clock.sleeps == [expected]


@pytest.mark.parametrize(("method", "args", "path", "obj", "kind", "schema"), POLLS, ids=POLL_IDS)
def test_the_default_wait_grows_with_the_time_waited_up_to_a_ceiling(
    server: LoopbackServer, client: Any, clock: FakeClock, method: str, args: Any, path: str, obj: Any, kind: str,
    schema: str,
) -> None:  # fmt: skip
    waiting, _, ceiling = STATES[kind]
    server.handler(lambda request: status_reply(obj, waiting[0]))
    with pytest.raises(openai_lite.PollTimeoutError):
        getattr(client, method)(*args, timeout=3600)
    sleeps = clock.sleeps
    assert sleeps[:10] == [1.0] * 10  # a tenth of the time waited, 1 s at least
    assert sleeps[:-1] == sorted(sleeps[:-1])  # never shorter again (but the last, cut at the deadline)
    assert max(sleeps) == ceiling
    assert sum(sleeps) == pytest.approx(3600)
    # 1 s waits for 10 s, then each wait a tenth longer up to the ceiling (reached after 10 x ceiling s),
    # then the ceiling: some 100 retrieves in an hour for a batch, not 3600.
    growing = math.log(ceiling) / math.log(1.1)
    assert len(server.requests) <= 10 + math.ceil(growing) + math.ceil((3600 - 10 * ceiling) / ceiling) + 2


def test_timeout_raises_a_typed_error_naming_the_object_and_its_last_status(
    server: LoopbackServer, client: Any, clock: FakeClock
) -> None:
    batch = {"id": "batch_1", "object": "batch"}
    server.reply(status_reply(batch, "validating"), *[status_reply(batch, "in_progress")] * 5)
    with pytest.raises(openai_lite.PollTimeoutError) as caught:
        client.poll_batch("batch_1", poll_interval=1.0, timeout=2.5)
    error = caught.value
    assert isinstance(error, openai_lite.OpenAIError)
    # Retrieves at 0, 1, 2 and, after a shortened last wait, once more at the deadline.
    assert clock.sleeps == [1.0, 1.0, 0.5]
    assert len(server.requests) == 4
    assert all(r.method == "GET" for r in server.requests)  # nothing was cancelled
    assert (error.what, error.status, error.waited) == ("batch batch_1", "in_progress", 2.5)
    assert error.last.id == "batch_1" and type(error.last).__name__ == "Batch"
    assert str(error) == (
        "Gave up waiting for batch batch_1 after 2.5 s: its last status was 'in_progress'. "
        "It was not cancelled; poll it again later, or cancel it."
    )


def test_timeout_zero_looks_once(server: LoopbackServer, client: Any, clock: FakeClock) -> None:
    server.reply(status_reply({"id": "video_1"}, "queued"))
    with pytest.raises(openai_lite.PollTimeoutError, match=r"video video_1 after 0\.0 s: its last status was 'queued'"):
        client.poll_video("video_1", timeout=0)
    assert len(server.requests) == 1
    assert clock.sleeps == []


def test_the_final_status_at_the_deadline_is_returned(server: LoopbackServer, client: Any, clock: FakeClock) -> None:
    server.reply(status_reply({"id": "resp_1"}, "queued"), status_reply({"id": "resp_1"}, "completed"))
    assert client.poll_response("resp_1", poll_interval=5, timeout=1).status == "completed"
    assert clock.sleeps == [1.0]


def test_a_real_timeout_ends_in_time(server: LoopbackServer, client: Any) -> None:
    server.handler(lambda request: status_reply({"id": "vsfb_1"}, "in_progress"))
    started = time.monotonic()
    with pytest.raises(openai_lite.PollTimeoutError):
        client.poll_vector_store_file_batch("vs_1", "vsfb_1", poll_interval=0.02, timeout=0.2)
    assert 0.2 <= time.monotonic() - started < 5
    assert len(server.requests) >= 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"poll_interval": 0}, "poll_interval must be more than 0 seconds"),
        ({"poll_interval": -1}, "poll_interval must be a number of seconds"),
        ({"poll_interval": "1"}, "poll_interval must be a number of seconds"),
        ({"poll_interval": True}, "poll_interval must be a number of seconds"),
        ({"timeout": -0.5}, "timeout must be a number of seconds"),
        ({"timeout": float("nan")}, "timeout must be a number of seconds"),
        ({"timeout": float("inf")}, "timeout must be a number of seconds"),
    ],
)
def test_bad_waits_are_refused_before_any_request(
    server: LoopbackServer, client: Any, options: Dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        client.poll_batch("batch_1", **options)
    assert server.requests == []


def test_request_timeout_bounds_each_retrieve(server: LoopbackServer, client: Any) -> None:
    server.reply(stall_reply(3))
    started = time.monotonic()
    with pytest.raises(openai_lite.APITimeoutError):
        client.poll_run("thread_1", "run_1", request_timeout=0.2, timeout=60)
    assert time.monotonic() - started < 2


def test_ctrl_c_during_a_wait_propagates_at_once(server: LoopbackServer, client: Any) -> None:
    if not hasattr(signal, "SIGINT") or threading.current_thread() is not threading.main_thread():
        pytest.skip("needs SIGINT delivered to the main thread")
    server.handler(lambda request: status_reply({"id": "batch_1"}, "in_progress"))
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.poll_batch("batch_1", poll_interval=30)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 5  # not the 30 s wait
    assert [r.method for r in server.requests] == ["GET"]  # and nothing sent on the way out


# ---------------------------------------------------------------------------
# create_*_and_poll
# ---------------------------------------------------------------------------

RUN = {"id": "run_1", "object": "thread.run", "thread_id": "thread_1"}
VS_FILE = {"id": "file_1", "object": "vector_store.file", "vector_store_id": "vs_1"}
VS_BATCH = {"id": "vsfb_1", "object": "vector_store.files_batch", "vector_store_id": "vs_1"}
VIDEO = {"id": "video_1", "object": "video"}

# helper, its arguments, the create request (method, path, a body field it must carry), the object, then its GET path
CREATES: List[Tuple[str, Tuple[Any, ...], Dict[str, Any], Tuple[str, str, Dict[str, Any]], Dict[str, Any], str]] = [
    (
        "create_run_and_poll",
        ("thread_1",),
        {"assistant_id": "asst_1", "instructions": "Be brief."},
        ("POST", "/v1/threads/thread_1/runs", {"assistant_id": "asst_1", "instructions": "Be brief."}),
        RUN,
        "/v1/threads/thread_1/runs/run_1",
    ),
    (
        "create_thread_and_run_and_poll",
        (),
        {"assistant_id": "asst_1", "thread": {"messages": [{"role": "user", "content": "Hi"}]}},
        ("POST", "/v1/threads/runs", {"assistant_id": "asst_1"}),
        {**RUN, "thread_id": "thread_9"},
        "/v1/threads/thread_9/runs/run_1",
    ),
    (
        "submit_tool_outputs_and_poll",
        ("thread_1", "run_1"),
        {"tool_outputs": [{"tool_call_id": "call_1", "output": "42"}]},
        (
            "POST",
            "/v1/threads/thread_1/runs/run_1/submit_tool_outputs",
            {"tool_outputs": [{"tool_call_id": "call_1", "output": "42"}]},
        ),
        RUN,
        "/v1/threads/thread_1/runs/run_1",
    ),
    (
        "create_vector_store_file_and_poll",
        ("vs_1",),
        {"file_id": "file_1", "attributes": {"lang": "en"}},
        ("POST", "/v1/vector_stores/vs_1/files", {"file_id": "file_1", "attributes": {"lang": "en"}}),
        VS_FILE,
        "/v1/vector_stores/vs_1/files/file_1",
    ),
    (
        "create_vector_store_file_batch_and_poll",
        ("vs_1",),
        {"file_ids": ["file_1", "file_2"]},
        ("POST", "/v1/vector_stores/vs_1/file_batches", {"file_ids": ["file_1", "file_2"]}),
        VS_BATCH,
        "/v1/vector_stores/vs_1/file_batches/vsfb_1",
    ),
    (
        "create_video_and_poll",
        (),
        {"prompt": "A cat", "seconds": "4"},
        ("POST", "/v1/videos", {"prompt": "A cat", "seconds": "4"}),
        VIDEO,
        "/v1/videos/video_1",
    ),
]
CREATE_IDS = [case[0] for case in CREATES]
KIND_OF = {
    "create_run_and_poll": "run",
    "create_thread_and_run_and_poll": "run",
    "submit_tool_outputs_and_poll": "run",
    "create_vector_store_file_and_poll": "vector store file",
    "create_vector_store_file_batch_and_poll": "vector store file batch",
    "create_video_and_poll": "video",
}


@pytest.mark.parametrize(("method", "args", "kwargs", "create", "obj", "get_path"), CREATES, ids=CREATE_IDS)
def test_create_then_poll(
    server: LoopbackServer, client: Any, clock: FakeClock, method: str, args: Any, kwargs: Dict[str, Any],
    create: Tuple[str, str, Dict[str, Any]], obj: Dict[str, Any], get_path: str,
) -> None:  # fmt: skip
    waiting, final, _ = STATES[KIND_OF[method]]
    server.reply(
        status_reply(obj, waiting[0], poll_after="100"),  # the create answer's advice is followed too
        status_reply(obj, waiting[-1]),
        status_reply(obj, final[0]),
    )
    result = getattr(client, method)(*args, poll_interval=0.3, extra_headers={"X-Trace": "t2"}, **kwargs)
    assert result.status == final[0]
    post, get1, get2 = server.requests
    assert (post.method, post.path) == create[:2]
    body = post.json()
    assert {key: body[key] for key in create[2]} == create[2]
    assert [(r.method, r.path) for r in (get1, get2)] == [("GET", get_path)] * 2
    assert all(r.headers["X-Trace"] == "t2" for r in server.requests)
    assert clock.sleeps == [0.1, 0.3]


@pytest.mark.parametrize(("method", "args", "kwargs", "create", "obj", "get_path"), CREATES, ids=CREATE_IDS)
def test_create_answered_in_a_final_state_needs_no_retrieve(
    server: LoopbackServer, client: Any, clock: FakeClock, method: str, args: Any, kwargs: Dict[str, Any],
    create: Tuple[str, str, Dict[str, Any]], obj: Dict[str, Any], get_path: str,
) -> None:  # fmt: skip
    final = STATES[KIND_OF[method]][1]
    server.reply(status_reply(obj, final[-1]))
    assert getattr(client, method)(*args, **kwargs).status == final[-1]
    assert len(server.requests) == 1


def test_create_and_poll_timeout_is_the_total_wait_and_request_timeout_each_request(
    server: LoopbackServer, client: Any
) -> None:
    server.reply(stall_reply(3))
    started = time.monotonic()
    with pytest.raises(openai_lite.APITimeoutError):
        client.create_run_and_poll("thread_1", assistant_id="asst_1", request_timeout=0.2, timeout=60)
    assert time.monotonic() - started < 2


# ---------------------------------------------------------------------------
# Upload, then poll
# ---------------------------------------------------------------------------


class FakeStore:
    """Files and vector-store attachments on the loopback server, for the upload forms."""

    def __init__(self, server: LoopbackServer, fail_upload: Optional[str] = None, fail_attach: bool = False) -> None:
        self.uploaded: List[Tuple[str, str, str]] = []  # (file id, filename, purpose)
        self.deleted: List[str] = []
        self.fail_upload = fail_upload
        self.fail_attach = fail_attach
        self._lock = threading.Lock()
        server.handler(self.handle)

    def handle(self, request: Recorded) -> Reply:
        if request.method == "POST" and request.path == "/v1/files":
            parts = {part.name: part for part in request.multipart()}
            filename = parts["file"].filename or ""
            if filename == self.fail_upload:
                time.sleep(0.05)  # (the others are under way)
                return json_reply({"error": {"message": "bad file", "type": "invalid_request_error"}}, status=400)
            with self._lock:
                file_id = f"file-{filename}"
                self.uploaded.append((file_id, filename, parts["purpose"].text))
            return json_reply({"id": file_id, "object": "file", "filename": filename, "purpose": "assistants"})
        if request.method == "DELETE" and request.path.startswith("/v1/files/"):
            self.deleted.append(request.path.rsplit("/", 1)[1])
            return json_reply({"id": request.path.rsplit("/", 1)[1], "object": "file", "deleted": True})
        if self.fail_attach:
            return json_reply({"error": {"message": "no such vector store", "type": "invalid_request_error"}}, 404)
        if request.method == "POST" and request.path == "/v1/vector_stores/vs_1/files":
            return status_reply({**VS_FILE, "id": request.json()["file_id"]}, "in_progress")
        if request.method == "GET" and request.path.startswith("/v1/vector_stores/vs_1/files/"):
            return status_reply({**VS_FILE, "id": request.path.rsplit("/", 1)[1]}, "completed")
        if request.method == "POST" and request.path == "/v1/vector_stores/vs_1/file_batches":
            return status_reply(VS_BATCH, "in_progress")
        if request.method == "GET" and request.path == "/v1/vector_stores/vs_1/file_batches/vsfb_1":
            return status_reply(VS_BATCH, "completed")
        return json_reply({"error": {"message": f"unexpected {request.method} {request.path}"}}, 500)


def test_upload_vector_store_file_and_poll(server: LoopbackServer, client: Any, clock: FakeClock) -> None:
    store = FakeStore(server)
    result = client.upload_vector_store_file_and_poll("vs_1", file=("notes.txt", b"hello"), chunking_strategy=None)
    assert (result.id, result.status) == ("file-notes.txt", "completed")
    assert store.uploaded == [("file-notes.txt", "notes.txt", "assistants")]
    assert [(r.method, r.path) for r in server.requests] == [
        ("POST", "/v1/files"),
        ("POST", "/v1/vector_stores/vs_1/files"),
        ("GET", "/v1/vector_stores/vs_1/files/file-notes.txt"),
    ]
    assert server.requests[1].json() == {"file_id": "file-notes.txt"}


def test_upload_vector_store_file_and_poll_deletes_the_upload_if_it_cannot_be_attached(
    server: LoopbackServer, client: Any
) -> None:
    store = FakeStore(server, fail_attach=True)
    with pytest.raises(openai_lite.NotFoundError):
        client.upload_vector_store_file_and_poll("vs_1", file=("notes.txt", b"hello"))
    assert store.deleted == ["file-notes.txt"]


@pytest.mark.parametrize("max_concurrency", [1, 3])
def test_upload_vector_store_file_batch_and_poll(
    server: LoopbackServer, client: Any, clock: FakeClock, max_concurrency: int
) -> None:
    store = FakeStore(server)
    files = [(f"doc{i}.txt", f"text {i}".encode()) for i in range(5)]
    result = client.upload_vector_store_file_batch_and_poll(
        "vs_1", files=iter(files), file_ids=["file-old"], max_concurrency=max_concurrency, attributes={"k": "v"}
    )
    assert (result.id, result.status) == ("vsfb_1", "completed")
    assert sorted(store.uploaded) == [(f"file-doc{i}.txt", f"doc{i}.txt", "assistants") for i in range(5)]
    create = next(r for r in server.requests if r.path.endswith("/file_batches"))
    # The files in the order given, after the ids given, whatever order the uploads finished in.
    expected = ["file-old"] + [f"file-doc{i}.txt" for i in range(5)]
    assert create.json() == {"file_ids": expected, "attributes": {"k": "v"}}
    assert store.deleted == []


@pytest.mark.parametrize("max_concurrency", [1, 4])
def test_upload_vector_store_file_batch_and_poll_deletes_what_it_uploaded_when_an_upload_fails(
    server: LoopbackServer, client: Any, max_concurrency: int
) -> None:
    store = FakeStore(server, fail_upload="doc2.txt")
    files = [(f"doc{i}.txt", b"x") for i in range(4)]
    with pytest.raises(openai_lite.BadRequestError):
        client.upload_vector_store_file_batch_and_poll("vs_1", files=files, max_concurrency=max_concurrency)
    assert sorted(store.deleted) == sorted(file_id for file_id, _, _ in store.uploaded)
    assert store.deleted  # (doc0 at least was uploaded first)
    assert not any(r.path.endswith("/file_batches") for r in server.requests)


def test_upload_vector_store_file_batch_and_poll_refuses_a_bad_max_concurrency(client: Any) -> None:
    with pytest.raises(ValueError, match="max_concurrency must be a positive int"):
        client.upload_vector_store_file_batch_and_poll("vs_1", files=[b"x"], max_concurrency=0)


# ---------------------------------------------------------------------------
# The names, on both clients
# ---------------------------------------------------------------------------

HELPERS = [case[0] for case in POLLS] + [case[0] for case in CREATES]
HELPERS += ["upload_vector_store_file_and_poll", "upload_vector_store_file_batch_and_poll"]


@pytest.mark.parametrize("name", HELPERS)
def test_every_helper_is_on_both_clients_with_the_documented_options(name: str) -> None:
    import inspect

    for cls in (openai_lite.Client, openai_lite.AzureClient):
        method = getattr(cls, name)
        assert (method.__doc__ or "").strip()
        parameters = inspect.signature(method).parameters
        for option in ("poll_interval", "timeout", "extra_headers", "extra_query", "request_timeout"):
            assert parameters[option].kind is inspect.Parameter.KEYWORD_ONLY
            assert parameters[option].default is None


def test_mypy_strict_accepts_the_idiomatic_use(tmp_path: pathlib.Path) -> None:
    import subprocess
    import sys

    pytest.importorskip("mypy", reason="mypy is not installed for this Python")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-color-output", "--cache-dir", str(tmp_path),
         "tests/typing/jobs_ok.py"],
        cwd=str(ROOT), capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


# ---------------------------------------------------------------------------
# Against openai_lite.testing.FakeServer
# ---------------------------------------------------------------------------


def _fine_tuning(client: Any) -> Tuple[str, str]:
    training = client.create_file(file=("train.jsonl", b'{"messages": []}\n'), purpose="fine-tune")
    job = client.create_fine_tuning_job(model="gpt-4o-mini", training_file=training.id)
    return job.status, client.poll_fine_tuning_job(job.id, poll_interval=0.001).status


def _run_with_tools(client: Any) -> Tuple[str, str]:
    weather = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    assistant = client.create_assistant(
        model="gpt-4o-mini", tools=[{"type": "function", "function": {"name": "get_weather", "parameters": weather}}]
    )
    thread = {"messages": [{"role": "user", "content": "Weather in Paris?"}]}
    run = client.create_thread_and_run_and_poll(assistant_id=assistant.id, thread=thread, poll_interval=0.001)
    first = run.status
    (call,) = run.required_action.submit_tool_outputs.tool_calls
    run = client.submit_tool_outputs_and_poll(
        run.thread_id, run.id, tool_outputs=[{"tool_call_id": call.id, "output": "sunny"}], poll_interval=0.001
    )
    return first, run.status


def _run(client: Any) -> Tuple[str, str]:
    assistant = client.create_assistant(model="gpt-4o-mini")
    thread = client.create_thread(messages=[{"role": "user", "content": "Hello"}])
    run = client.create_run_and_poll(thread.id, assistant_id=assistant.id, poll_interval=0.001)
    return run.status, client.poll_run(thread.id, run.id).status


def _vector_store_files(client: Any) -> Tuple[str, str]:
    store = client.create_vector_store(name="docs")
    one = client.upload_vector_store_file_and_poll(store.id, file=("a.txt", b"hello world"), poll_interval=0.001)
    batch = client.upload_vector_store_file_batch_and_poll(
        store.id, files=[("b.txt", b"bee"), ("c.txt", b"sea")], file_ids=[one.id], poll_interval=0.001
    )
    assert batch.file_counts.completed == 3
    return one.status, batch.status


def _video(client: Any) -> Tuple[str, str]:
    video = client.create_video_and_poll(prompt="A cat on a skateboard", poll_interval=0.001)
    return video.status, client.poll_video(video.id).status


def _background_response(client: Any) -> Tuple[str, str]:
    started = client.create_response(model="gpt-4o-mini", input="Hello", background=True)
    return started.status, client.poll_response(started.id, poll_interval=0.001).status


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        (_fine_tuning, ("validating_files", "succeeded")),
        (_run_with_tools, ("requires_action", "completed")),
        (_run, ("completed", "completed")),
        (_vector_store_files, ("completed", "completed")),
        (_video, ("completed", "completed")),
        (_background_response, ("queued", "completed")),
    ],
)
def test_against_the_fake_server(scenario: Any, expected: Tuple[str, str]) -> None:
    from openai_lite.testing import FakeServer

    with FakeServer() as server:
        client = openai_lite.Client(api_key="fake", base_url=server.base_url)
        assert scenario(client) == expected
        gets = [r for r in server.requests if r.method == "GET"]
        assert gets  # it did wait, over retrieves
