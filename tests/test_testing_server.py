"""Tests of openai_lite/testing/_server.py: the server's life, its request log, routing, errors, scripted faults."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from typing import Any, List

import pytest
import requests
import urllib3
from _fake import USER_HELLO, WEATHER_TOOL, assert_error, post

import openai_lite
from openai_lite.testing import FakeServer

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_import_openai_lite_does_not_load_testing() -> None:
    code = "import sys, openai_lite; assert 'openai_lite.testing' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT, timeout=60)


def test_start_stop_and_base_url() -> None:
    server = FakeServer()
    with pytest.raises(RuntimeError):
        server.base_url  # noqa: B018 - not running yet
    assert server.start() is server
    assert server.start() is server  # already running: no second server
    url = server.base_url
    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
    assert requests.get(url + "/models", timeout=10).status_code == 200

    # A kept-alive connection must not slow stop() down.
    session = requests.Session()
    session.get(url + "/models", timeout=10)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1
    server.stop()  # idempotent
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/models", timeout=2)
    session.close()


def test_requests_are_recorded_and_get_request_ids(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    first = fake_client.create_chat_completion(model="gpt-4o-mini", messages=USER_HELLO)
    second = requests.get(fake.base_url + "/models?limit=2", headers={"X-Custom": "yes"}, timeout=10)
    assert first._request_id == "req_fake_1"
    assert second.headers["x-request-id"] == "req_fake_2"

    method, path, headers, body = fake.requests[0]
    assert (method, path) == ("POST", "/v1/chat/completions")
    assert headers["authorization"] == "Bearer sk-fake"
    assert body == {"model": "gpt-4o-mini", "messages": USER_HELLO}
    assert fake.requests[1].path == "/v1/models?limit=2"
    assert fake.requests[1].headers["x-custom"] == "yes"
    assert fake.requests[1].body is None


def test_server_is_quiet(fake: FakeServer, capfd: pytest.CaptureFixture[str]) -> None:
    requests.get(fake.base_url + "/models", timeout=10)
    requests.get(fake.base_url + "/nowhere", timeout=10)
    post(fake, "/chat/completions", {"model": "gpt-4o-mini", "messages": USER_HELLO, "stream": True})
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_concurrent_requests(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    replies: List[str] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        for i in range(10):
            text = f"thread {n} message {i}"
            reply = fake_client.create_chat_completion(
                model="gpt-4o-mini", messages=[{"role": "user", "content": text}]
            )
            with lock:
                replies.append(reply.choices[0].message.content or "")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(replies) == sorted(f"You said: thread {n} message {i}" for n in range(8) for i in range(10))
    assert len(fake.requests) == 80
    ids = {requests.get(fake.base_url + "/models", timeout=10).headers["x-request-id"]}
    assert ids == {"req_fake_81"}


def test_unknown_path_and_method(fake: FakeServer) -> None:
    response = requests.get(fake.base_url + "/no/such/thing", timeout=10)
    error = assert_error(response, 404, None, "unknown_url")
    assert error["message"] == "Invalid URL (GET /v1/no/such/thing)"
    assert response.headers["x-request-id"] == "req_fake_1"
    assert_error(requests.put(fake.base_url + "/models", timeout=10), 404, None, "unknown_url")
    assert_error(requests.get(fake.base_url.replace("/v1", "/v2") + "/models", timeout=10), 404, None, "unknown_url")


def test_malformed_json(fake: FakeServer) -> None:
    response = requests.post(
        fake.base_url + "/chat/completions", data=b"{not json", headers={"Content-Type": "application/json"}, timeout=10
    )
    assert_error(response, 400, None, None)
    assert fake.requests[0].body == b"{not json"
    assert_error(post(fake, "/embeddings", ["a", "list"]), 400, None, None)


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/chat/completions", {"messages": USER_HELLO}, "model"),
        ("/chat/completions", {"model": "gpt-4o-mini"}, "messages"),
        ("/chat/completions", {"model": "gpt-4o-mini", "messages": [{"content": "no role"}]}, "messages[0].role"),
        ("/responses", {"input": "hi"}, "model"),
        ("/embeddings", {"model": "gpt-4o-mini"}, "input"),
        ("/embeddings", {"input": "x"}, "model"),
        ("/moderations", {"model": "omni-moderation-latest"}, "input"),
        ("/audio/speech", {"model": "tts-1", "input": "hi"}, "voice"),
        ("/images/generations", {"model": "gpt-image-1"}, "prompt"),
    ],
)
def test_missing_required_field(fake: FakeServer, path: str, body: Any, param: str) -> None:
    error = assert_error(post(fake, path, body), 400, param, "missing_required_parameter")
    assert error["message"] == f"Missing required parameter: '{param}'."


def test_errors_reach_the_client_as_exceptions(fake_client: openai_lite.Client) -> None:
    with pytest.raises(openai_lite.BadRequestError) as info:
        fake_client.create_chat_completion(model="gpt-4o-mini", messages=[])
    assert info.value.param == "messages"
    assert info.value.request_id == "req_fake_1"
    with pytest.raises(openai_lite.NotFoundError) as not_found:
        fake_client.retrieve_model("gpt-9")
    assert not_found.value.code == "model_not_found"
    assert not_found.value.message == "The model 'gpt-9' does not exist"


def test_api_key_is_checked_when_set() -> None:
    with FakeServer(api_key="sk-right") as server:
        with openai_lite.Client(api_key="sk-right", base_url=server.base_url, max_retries=0) as client:
            assert client.retrieve_model("gpt-4o-mini").id == "gpt-4o-mini"
        with openai_lite.Client(api_key="sk-wrong", base_url=server.base_url, max_retries=0) as client:
            with pytest.raises(openai_lite.AuthenticationError) as info:
                client.list_models()
            assert info.value.code == "invalid_api_key"
        assert_error(requests.get(server.base_url + "/models", timeout=10), 401, None, None)


def test_any_key_is_accepted_when_unset(fake: FakeServer) -> None:
    assert requests.get(fake.base_url + "/models", timeout=10).status_code == 200


def test_streaming_examples_are_deterministic() -> None:
    # Two servers answer the same requests with the same bytes.
    def run_once() -> List[bytes]:
        with FakeServer() as fake:
            assistant = post(fake, "/assistants", {"model": "gpt-4o-mini", "tools": [WEATHER_TOOL]}).json()
            body = {
                "assistant_id": assistant["id"],
                "stream": True,
                "thread": {"messages": [{"role": "user", "content": "Weather?"}]},
            }
            with requests.post(fake.base_url + "/threads/runs", json=body, timeout=10) as run:
                images = post(fake, "/images/generations", {"prompt": "a", "stream": True, "partial_images": 2})
                return [run.content, images.content]

    assert run_once() == run_once()


def run_quickstart(cwd: str, pythonpath: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("OPENAI_") and k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = REPO_ROOT
    return subprocess.run(
        [sys.executable, os.path.join(REPO_ROOT, "examples", "quickstart.py")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_quickstart_runs_on_the_fake_server() -> None:
    result = run_quickstart(REPO_ROOT, pythonpath=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("OPENAI_API_KEY is not set: using the built-in fake server at http://127.0.0.1:")
    assert lines[1] == "Chat reply: You said: Say hello in five words or fewer."
    assert lines[2] == "Streamed reply: You said: Count from one to five."
    assert lines[3].startswith("Embedding: 8 dimensions, starting [")
    assert result.stderr == ""


def test_quickstart_runs_from_a_checkout_without_pythonpath(tmp_path: Any) -> None:
    result = run_quickstart(str(tmp_path), pythonpath=False)
    assert result.returncode == 0, result.stderr
    assert "You said:" in result.stdout


# -- scripted faults ------------------------------------------------------------------------


def make_client(fake: FakeServer, **options: Any) -> openai_lite.Client:
    settings: Any = {"api_key": "sk-fake", "base_url": fake.base_url, "max_retries": 0, **options}
    return openai_lite.Client(**settings)


def chat(client: openai_lite.Client) -> str:
    reply = client.create_chat_completion(model="gpt-4o-mini", messages=USER_HELLO)
    return reply.choices[0].message.content or ""


@pytest.mark.parametrize(
    ("status", "error_class", "kind", "code"),
    [
        (400, openai_lite.BadRequestError, "invalid_request_error", None),
        (401, openai_lite.AuthenticationError, "invalid_request_error", "invalid_api_key"),
        (403, openai_lite.PermissionDeniedError, "invalid_request_error", None),
        (404, openai_lite.NotFoundError, "invalid_request_error", None),
        (409, openai_lite.ConflictError, "invalid_request_error", None),
        (422, openai_lite.UnprocessableEntityError, "invalid_request_error", None),
        (429, openai_lite.RateLimitError, "requests", "rate_limit_exceeded"),
        (500, openai_lite.InternalServerError, "server_error", None),
        (503, openai_lite.InternalServerError, "server_error", None),
        (418, openai_lite.APIStatusError, "invalid_request_error", None),
        (599, openai_lite.InternalServerError, "server_error", None),
    ],
)
def test_fail_next_answers_an_api_error(
    fake: FakeServer, fake_client: openai_lite.Client, status: int, error_class: Any, kind: str, code: Any
) -> None:
    fake.fail_next(status)
    with pytest.raises(error_class) as info:
        chat(fake_client)
    assert info.value.status_code == status
    assert (info.value.type, info.value.code, info.value.param) == (kind, code, None)
    assert "scripted by FakeServer.fail_next" in info.value.message
    assert info.value.request_id == "req_fake_1"
    assert chat(fake_client) == "You said: Hello there"  # only the next request failed
    assert [r.path for r in fake.requests] == ["/v1/chat/completions"] * 2


def test_fail_next_then_the_client_retries(fake: FakeServer) -> None:
    fake.fail_next(429, times=2, headers={"retry-after-ms": "1"})
    with make_client(fake, max_retries=2) as client:
        assert chat(client) == "You said: Hello there"
    assert len(fake.requests) == 3

    fake.fail_next(500, times=2, headers={"retry-after-ms": "1"})
    with make_client(fake, max_retries=1) as client, pytest.raises(openai_lite.InternalServerError):
        chat(client)
    assert len(fake.requests) == 5


@pytest.mark.parametrize(
    ("body", "content_type", "sent"),
    [
        (
            {"error": {"message": "custom", "code": "x"}},
            "application/json",
            b'{"error": {"message": "custom", "code": "x"}}',
        ),
        ([1, 2], "application/json", b"[1, 2]"),
        (b"<html>bad gateway</html>", "application/json", b"<html>bad gateway</html>"),
        ("plain words", "application/json", b"plain words"),
    ],
)
def test_fail_next_with_a_body(fake: FakeServer, body: Any, content_type: str, sent: bytes) -> None:
    fake.fail_next(502, body=body, headers={"X-Extra": "yes"})
    response = requests.get(fake.base_url + "/models", timeout=10)
    assert (response.status_code, response.content) == (502, sent)
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Extra"] == "yes"
    assert response.headers["x-request-id"] == "req_fake_1"


def test_fail_next_keeps_the_connection_usable(fake: FakeServer) -> None:
    fake.fail_next(500, body=b"x" * 100_000, headers={"content-type": "text/html"})
    with requests.Session() as session:
        failed = session.get(fake.base_url + "/models", timeout=10)
        assert (failed.status_code, failed.headers["Content-Type"], len(failed.content)) == (500, "text/html", 100_000)
        assert session.get(fake.base_url + "/models", timeout=10).status_code == 200


def test_queue_reply_answers_one_path_exactly(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    canned = {
        "id": "chatcmpl-canned",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Canned!"},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
    }
    fake.queue_reply("/chat/completions", canned, times=2)
    fake.queue_reply("/v1/models", b"not json", status=503, headers={"Content-Type": "text/plain"}, method="GET")
    fake_client.create_embedding(model="text-embedding-3-small", input="other paths answer as usual")
    assert chat(fake_client) == "Canned!"
    models = requests.get(fake.base_url + "/models", timeout=10)
    assert (models.status_code, models.headers["Content-Type"], models.text) == (503, "text/plain", "not json")
    assert chat(fake_client) == "Canned!"
    assert chat(fake_client) == "You said: Hello there"  # used up
    assert requests.get(fake.base_url + "/models", timeout=10).status_code == 200


def test_queue_reply_method_filter(fake: FakeServer) -> None:
    fake.queue_reply("/files", {"special": True}, method="post")
    assert requests.get(fake.base_url + "/files", timeout=10).json()["object"] == "list"  # GET: not for it
    assert requests.post(fake.base_url + "/files", timeout=10).json() == {"special": True}


def test_scripted_answers_are_used_in_order(fake: FakeServer) -> None:
    fake.fail_next(500)
    fake.queue_reply("/models", {"first": 1})
    fake.fail_next(429)
    url = fake.base_url + "/models"
    assert [requests.get(url, timeout=10).status_code for _ in range(4)] == [500, 200, 429, 200]


def test_stall_next_makes_the_client_time_out(fake: FakeServer) -> None:
    fake.stall_next(5)
    with make_client(fake, timeout=0.2) as client:
        with pytest.raises(openai_lite.APITimeoutError):
            chat(client)
        assert chat(client) == "You said: Hello there"  # only one request stalls


def test_stall_next_then_answers(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    fake.stall_next(0.05)
    started = time.monotonic()
    assert chat(fake_client) == "You said: Hello there"
    assert time.monotonic() - started >= 0.05


def test_stop_ends_a_stall() -> None:
    server = FakeServer().start()
    server.stall_next(60)
    errors: List[BaseException] = []

    def call() -> None:
        try:
            requests.get(server.base_url + "/models", timeout=30)
        except requests.RequestException as exc:
            errors.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    while not server.requests:
        time.sleep(0.01)
    started = time.monotonic()
    server.stop()
    thread.join(10)
    assert not thread.is_alive() and time.monotonic() - started < 5
    assert len(errors) == 1  # the connection closed without an answer


def test_reset_next(fake: FakeServer) -> None:
    fake.reset_next()
    with make_client(fake) as client, pytest.raises(openai_lite.APIConnectionError):
        chat(client)
    fake.reset_next()
    with make_client(fake, max_retries=1, initial_retry_delay=0.001) as client:
        assert chat(client) == "You said: Hello there"  # the retry gets through
    assert len(fake.requests) == 3


def test_reset_next_sends_a_reset(fake: FakeServer) -> None:
    fake.reset_next()
    with pytest.raises(requests.ConnectionError) as info:
        requests.get(fake.base_url + "/models", timeout=10)
    assert "reset" in repr(info.value).lower() or "aborted" in repr(info.value).lower()


@pytest.mark.parametrize("after", [0, 1, 3])
def test_cut_stream_next(fake: FakeServer, fake_client: openai_lite.Client, after: int) -> None:
    fake.cut_stream_next(after)
    chat(fake_client)  # not a stream: does not use the cut up
    received = []
    with pytest.raises(openai_lite.APIError):
        for chunk in fake_client.create_chat_completion_stream(model="gpt-4o-mini", messages=USER_HELLO):
            received.append(chunk)
    assert len(received) == after
    complete = list(fake_client.create_chat_completion_stream(model="gpt-4o-mini", messages=USER_HELLO))
    assert len(complete) == 6  # the next stream is whole


def test_cut_stream_next_on_the_wire(fake: FakeServer) -> None:
    fake.cut_stream_next(2)
    body = {"model": "gpt-4o-mini", "messages": USER_HELLO, "stream": True}
    with requests.post(fake.base_url + "/chat/completions", json=body, stream=True, timeout=10) as response:
        raw = response.raw
        chunks = []
        with pytest.raises(urllib3.exceptions.ProtocolError):  # the connection closed mid-body
            for chunk in raw.read_chunked():
                chunks.append(chunk)
    assert len(chunks) == 2 and all(c.startswith(b"data: {") for c in chunks)


@pytest.mark.parametrize(
    ("knob", "args", "kwargs", "message"),
    [
        ("fail_next", (99,), {}, "status must be an HTTP status code"),
        ("fail_next", (True,), {}, "status must be an HTTP status code"),
        ("fail_next", (500,), {"times": 0}, "times must be an int >= 1"),
        ("fail_next", (500,), {"body": 3}, "body must be bytes, a str, a dict or a list"),
        ("stall_next", (-1,), {}, "seconds must be a number >= 0"),
        ("stall_next", ("1",), {}, "seconds must be a number >= 0"),
        ("cut_stream_next", (-1,), {}, "after_events must be an int >= 0"),
        ("cut_stream_next", (1.5,), {}, "after_events must be an int >= 0"),
        ("queue_reply", ("chat/completions", {}), {}, "path must start with '/'"),
        ("queue_reply", ("/models", {}), {"status": 700}, "status must be an HTTP status code"),
    ],
)
def test_knobs_reject_bad_arguments(knob: str, args: Any, kwargs: Any, message: str) -> None:
    server = FakeServer()  # not started: the knobs work before start() too
    with pytest.raises((ValueError, TypeError), match=message):
        getattr(server, knob)(*args, **kwargs)


def test_faults_are_thread_safe(fake: FakeServer) -> None:
    fake.fail_next(500, times=40)
    statuses: List[int] = []
    lock = threading.Lock()

    def work() -> None:
        with requests.Session() as session:
            for _ in range(10):
                status = session.get(fake.base_url + "/models", timeout=10).status_code
                with lock:
                    statuses.append(status)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 40 + [500] * 40
    assert len(fake.requests) == 80


# -- long-running resources: every one the poll helpers cover reaches a final state -------------


def pollable_cases() -> Any:
    """name -> (create(client) -> (retrieve() -> raw response), final statuses, sends openai-poll-after-ms)."""

    def batch(client: openai_lite.Client) -> Any:
        line = {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions"}
        body = {"model": "gpt-4o-mini", "messages": USER_HELLO}
        file = client.create_file(
            file=("in.jsonl", (json.dumps({**line, "body": body}) + "\n").encode()), purpose="batch"
        )
        created = client.create_batch(input_file_id=file.id, endpoint="/v1/chat/completions", completion_window="24h")
        return f"/batches/{created.id}"

    def fine_tuning_job(client: openai_lite.Client) -> Any:
        file = client.create_file(file=("train.jsonl", b'{"messages": []}\n'), purpose="fine-tune")
        return f"/fine_tuning/jobs/{client.create_fine_tuning_job(model='gpt-4o-mini', training_file=file.id).id}"

    def run(client: openai_lite.Client) -> Any:
        with pytest.warns(DeprecationWarning):
            assistant = client.create_assistant(model="gpt-4o-mini", tools=[WEATHER_TOOL])
        created = client.create_thread_and_run(assistant_id=assistant.id, thread={"messages": USER_HELLO})
        return f"/threads/{created.thread_id}/runs/{created.id}"

    def vector_store_file(client: openai_lite.Client) -> Any:
        store = client.create_vector_store(name="docs")
        file = client.create_file(file=("a.txt", b"some text"), purpose="assistants")
        return f"/vector_stores/{store.id}/files/{client.create_vector_store_file(store.id, file_id=file.id).id}"

    def vector_store_file_batch(client: openai_lite.Client) -> Any:
        store = client.create_vector_store(name="docs")
        file = client.create_file(file=("a.txt", b"some text"), purpose="assistants")
        batch = client.create_vector_store_file_batch(store.id, file_ids=[file.id])
        return f"/vector_stores/{store.id}/file_batches/{batch.id}"

    def video(client: openai_lite.Client) -> Any:
        with pytest.warns(DeprecationWarning):
            return f"/videos/{client.create_video(prompt='a river').id}"

    def background_response(client: openai_lite.Client) -> Any:
        return f"/responses/{client.create_response(model='gpt-4o-mini', input='Hi', background=True).id}"

    return {
        "batch": (batch, ["validating", "in_progress", "finalizing", "completed"], False),
        "fine-tuning job": (fine_tuning_job, ["validating_files", "queued", "running", "succeeded"], False),
        "run": (run, ["queued", "in_progress", "requires_action"], True),
        "vector-store file": (vector_store_file, ["in_progress", "completed"], True),
        "vector-store file batch": (vector_store_file_batch, ["in_progress", "completed"], True),
        "video": (video, ["queued", "in_progress", "completed"], False),
        "background response": (background_response, ["queued", "in_progress", "completed"], False),
    }


POLLABLE = pollable_cases()


@pytest.mark.parametrize("name", list(POLLABLE))
def test_long_running_resources_move_one_status_per_retrieve(fake: FakeServer, name: str) -> None:
    create, statuses, poll_header = POLLABLE[name]
    with make_client(fake) as client:
        path = create(client)
    created = fake.requests[-1]
    assert created.method == "POST"
    seen = [requests.get(fake.base_url + path, timeout=10) for _ in range(len(statuses) + 1)]
    # The status the create call answered, then one more per retrieve, then no more change.
    answered = [r.json()["status"] for r in seen]
    assert answered == [*statuses[1:], statuses[-1], statuses[-1]]
    for response in seen:
        assert response.headers.get("openai-poll-after-ms") == ("10" if poll_header else None)


@pytest.mark.parametrize("name", list(POLLABLE))
def test_finish_at_once(name: str) -> None:
    create, statuses, _ = POLLABLE[name]
    with FakeServer(finish_at_once=True, poll_after_ms=None) as fake, make_client(fake) as client:
        path = create(client)
        response = requests.get(fake.base_url + path, timeout=10)
    assert response.json()["status"] == statuses[-1]
    assert "openai-poll-after-ms" not in response.headers
