"""Tests of openai_lite.testing.FakeServer, through the real Client and, where it has no method yet, plain requests."""

from __future__ import annotations

import base64
import io
import json
import math
import os
import struct
import subprocess
import sys
import threading
import time
import wave
import zlib
from typing import Any, Dict, Iterator, List

import pytest
import requests

import openai_lite
from openai_lite.testing import FakeServer

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

USER_HELLO: Any = [{"role": "user", "content": "Hello there"}]
WEATHER_TOOL: Any = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
            "required": ["location"],
        },
    },
}
TIME_TOOL: Any = {
    "type": "function",
    "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}},
}


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server


@pytest.fixture
def fake_client(fake: FakeServer) -> Iterator[openai_lite.Client]:
    with openai_lite.Client(api_key="sk-fake", base_url=fake.base_url, max_retries=0) as client:
        yield client


def post(fake: FakeServer, path: str, body: Any) -> requests.Response:
    return requests.post(fake.base_url + path, json=body, timeout=10)


def assert_error(response: requests.Response, status: int, param: Any, code: Any) -> Dict[str, Any]:
    """Check an error answer's status and exact shape; return its error object."""
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["error"]
    error: Dict[str, Any] = body["error"]
    assert sorted(error) == ["code", "message", "param", "type"]
    assert isinstance(error["message"], str) and error["message"]
    assert error["type"] == "invalid_request_error"
    assert (error["param"], error["code"]) == (param, code)
    return error


# -- the module and the server's life ------------------------------------------


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
    post(fake, "/chat/completions", {"model": "m", "messages": USER_HELLO, "stream": True})
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_concurrent_requests(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    replies: List[str] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        for i in range(10):
            text = f"thread {n} message {i}"
            reply = fake_client.create_chat_completion(model="m", messages=[{"role": "user", "content": text}])
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


# -- errors -----------------------------------------------------------------------


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
        ("/chat/completions", {"model": "m"}, "messages"),
        ("/chat/completions", {"model": "m", "messages": [{"content": "no role"}]}, "messages[0].role"),
        ("/responses", {"input": "hi"}, "model"),
        ("/embeddings", {"model": "m"}, "input"),
        ("/embeddings", {"input": "x"}, "model"),
        ("/moderations", {"model": "omni-moderation-latest"}, "input"),
        ("/audio/speech", {"model": "tts-1", "input": "hi"}, "voice"),
        ("/images/generations", {"model": "gpt-image-1"}, "prompt"),
    ],
)
def test_missing_required_field(fake: FakeServer, path: str, body: Any, param: str) -> None:
    error = assert_error(post(fake, path, body), 400, param, "missing_required_parameter")
    assert error["message"] == f"Missing required parameter: '{param}'."


def test_wrong_type(fake: FakeServer) -> None:
    error = assert_error(
        post(fake, "/chat/completions", {"model": "m", "messages": "hi"}), 400, "messages", "invalid_type"
    )
    assert "expected an array" in error["message"]
    assert_error(
        post(fake, "/chat/completions", {"model": "m", "messages": USER_HELLO, "n": True}), 400, "n", "invalid_type"
    )


def test_errors_reach_the_client_as_exceptions(fake_client: openai_lite.Client) -> None:
    with pytest.raises(openai_lite.BadRequestError) as info:
        fake_client.create_chat_completion(model="m", messages=[])
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


# -- models -----------------------------------------------------------------------


def test_models(fake_client: openai_lite.Client) -> None:
    models = list(fake_client.list_models())
    ids = [model.id for model in models]
    assert {"gpt-4o-mini", "text-embedding-3-small", "fake-model"} <= set(ids)
    assert all(model.object == "model" and model.created == 1700000000 for model in models)

    model = fake_client.retrieve_model("fake-model")
    assert (model.id, model.owned_by) == ("fake-model", "openai-lite")

    deleted = fake_client.delete_model("fake-model")
    assert (deleted.id, deleted.deleted, deleted.object) == ("fake-model", True, "model")
    assert "fake-model" not in [m.id for m in fake_client.list_models()]
    with pytest.raises(openai_lite.NotFoundError):
        fake_client.delete_model("fake-model")


def test_models_are_per_server(fake_client: openai_lite.Client) -> None:
    fake_client.delete_model("gpt-4o-mini")
    with FakeServer() as other:
        assert requests.get(other.base_url + "/models/gpt-4o-mini", timeout=10).json()["id"] == "gpt-4o-mini"


# -- chat completions ---------------------------------------------------------------


def test_chat_completion(fake_client: openai_lite.Client) -> None:
    reply = fake_client.create_chat_completion(model="gpt-4o-mini", messages=USER_HELLO)
    assert (reply.id, reply.object, reply.created, reply.model) == (
        "chatcmpl-fake-1",
        "chat.completion",
        1700000000,
        "gpt-4o-mini",
    )
    (choice,) = reply.choices
    assert (choice.index, choice.finish_reason, choice.logprobs) == (0, "stop", None)
    assert choice.message.role == "assistant"
    assert choice.message.content == "You said: Hello there"
    assert choice.message.refusal is None and choice.message.tool_calls is None
    assert reply.usage is not None
    # Words: 2 in the prompt; 4 in the reply.
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens, reply.usage.total_tokens) == (2, 4, 6)


def test_chat_completion_is_deterministic(fake: FakeServer) -> None:
    body = {"model": "m", "messages": USER_HELLO}
    first, second = post(fake, "/chat/completions", body).json(), post(fake, "/chat/completions", body).json()
    assert (first.pop("id"), second.pop("id")) == ("chatcmpl-fake-1", "chatcmpl-fake-2")
    assert first == second


def test_chat_echo_rules(fake_client: openai_lite.Client) -> None:
    def reply_to(messages: Any, **options: Any) -> Any:
        return fake_client.create_chat_completion(model="m", messages=messages, **options).choices[0]

    parts = [
        {"type": "text", "text": "first"},
        {"type": "image_url", "image_url": {"url": "x"}},
        {"type": "text", "text": "second"},
    ]
    assert reply_to([{"role": "user", "content": parts}]).message.content == "You said: first second"
    conversation = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_fake_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "call_fake_1", "content": "22 C, sunny"},
    ]
    choice = reply_to(conversation, tools=[WEATHER_TOOL])
    assert (choice.message.content, choice.finish_reason) == ("Tool result: 22 C, sunny", "stop")
    # The last user message counts, even after an assistant message.
    assert reply_to([*conversation[:2], {"role": "assistant", "content": "Hm"}]).message.content == (
        "You said: Weather in Paris?"
    )
    # tool_choice "none": no tool call.
    assert reply_to(USER_HELLO, tools=[WEATHER_TOOL], tool_choice="none").message.content == "You said: Hello there"


def test_chat_n_choices(fake_client: openai_lite.Client) -> None:
    reply = fake_client.create_chat_completion(model="m", messages=USER_HELLO, n=3)
    assert [c.index for c in reply.choices] == [0, 1, 2]
    assert {c.message.content for c in reply.choices} == {"You said: Hello there"}
    assert reply.usage is not None and reply.usage.completion_tokens == 12


def test_chat_tool_call(fake_client: openai_lite.Client) -> None:
    reply = fake_client.create_chat_completion(model="m", messages=USER_HELLO, tools=[WEATHER_TOOL, TIME_TOOL])
    (choice,) = reply.choices
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert choice.message.tool_calls is not None
    (call,) = choice.message.tool_calls
    assert (call.id, call.type, call.function.name) == ("call_fake_1", "function", "get_weather")
    assert json.loads(call.function.arguments or "") == {"location": "fake location"}  # required properties only

    chosen = {"type": "function", "function": {"name": "get_time"}}
    reply = fake_client.create_chat_completion(
        model="m", messages=USER_HELLO, tools=[WEATHER_TOOL, TIME_TOOL], tool_choice=chosen
    )
    tool_calls = reply.choices[0].message.tool_calls
    assert tool_calls is not None
    assert (tool_calls[0].function.name, tool_calls[0].function.arguments) == ("get_time", "{}")


def test_tool_arguments_follow_the_schema(fake_client: openai_lite.Client) -> None:
    parameters = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "days": {"type": "integer"},
            "ratio": {"type": "number"},
            "metric": {"type": "boolean"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "when": {"type": ["string", "null"]},
            "place": {
                "type": "object",
                "properties": {"lat": {"type": "number"}, "note": {"type": "string"}},
                "required": ["lat"],
            },
            "optional": {"type": "string"},
        },
        "required": ["city", "days", "ratio", "metric", "unit", "tags", "when", "place"],
    }
    tool: Any = {"type": "function", "function": {"name": "plan", "parameters": parameters}}
    reply = fake_client.create_chat_completion(model="m", messages=USER_HELLO, tools=[tool])
    tool_calls = reply.choices[0].message.tool_calls
    assert tool_calls is not None
    assert json.loads(tool_calls[0].function.arguments or "") == {
        "city": "fake city",
        "days": 1,
        "ratio": 1.5,
        "metric": True,
        "unit": "celsius",
        "tags": ["fake tags"],
        "when": "fake when",
        "place": {"lat": 1.5},
    }


def test_chat_stream(fake_client: openai_lite.Client) -> None:
    chunks = list(fake_client.create_chat_completion_stream(model="gpt-4o-mini", messages=USER_HELLO))
    assert all(c.object == "chat.completion.chunk" and c.id == "chatcmpl-fake-1" for c in chunks)
    assert all(c.created == 1700000000 and c.model == "gpt-4o-mini" and c.usage is None for c in chunks)
    assert all(len(c.choices) == 1 and c.choices[0].index == 0 for c in chunks)
    first, *middle, last = chunks
    assert (first.choices[0].delta.role, first.choices[0].delta.content) == ("assistant", "")
    assert [c.choices[0].delta.content for c in middle] == ["You", " said:", " Hello", " there"]
    assert all(c.choices[0].finish_reason is None for c in [first, *middle])
    assert last.choices[0].finish_reason == "stop"
    assert last.choices[0].delta.content is None


def test_chat_stream_with_usage(fake_client: openai_lite.Client) -> None:
    chunks = list(
        fake_client.create_chat_completion_stream(
            model="m", messages=USER_HELLO, stream_options={"include_usage": True}
        )
    )
    *content, usage_chunk = chunks
    assert all(c.usage is None and c.choices for c in content)
    assert content[-1].choices[0].finish_reason == "stop"
    assert usage_chunk.choices == []
    assert usage_chunk.usage is not None
    assert (usage_chunk.usage.prompt_tokens, usage_chunk.usage.completion_tokens) == (2, 4)


def test_chat_stream_n_choices(fake_client: openai_lite.Client) -> None:
    texts = {0: "", 1: ""}
    finished = set()
    for chunk in fake_client.create_chat_completion_stream(model="m", messages=USER_HELLO, n=2):
        choice = chunk.choices[0]
        texts[choice.index] += choice.delta.content or ""
        if choice.finish_reason:
            finished.add(choice.index)
    assert texts == {0: "You said: Hello there", 1: "You said: Hello there"}
    assert finished == {0, 1}


def test_chat_stream_tool_call_pieces(fake_client: openai_lite.Client) -> None:
    tools = [WEATHER_TOOL]
    expected = fake_client.create_chat_completion(model="m", messages=USER_HELLO, tools=tools)
    chunks = list(fake_client.create_chat_completion_stream(model="m", messages=USER_HELLO, tools=tools))
    first, *pieces, last = chunks
    delta = first.choices[0].delta
    assert delta.role == "assistant" and delta.tool_calls is not None
    head = delta.tool_calls[0]
    assert (head.index, head.id, head.type) == (0, "call_fake_1", "function")
    assert head.function is not None and head.function.name == "get_weather"
    arguments = ""
    for chunk in pieces:
        calls = chunk.choices[0].delta.tool_calls
        assert calls is not None and calls[0].index == 0 and calls[0].id is None
        assert calls[0].function is not None
        arguments += calls[0].function.arguments or ""
    assert len(pieces) > 1
    assert expected.choices[0].message.tool_calls is not None
    assert arguments == expected.choices[0].message.tool_calls[0].function.arguments
    assert last.choices[0].finish_reason == "tool_calls"


def test_chat_stream_wire_format(fake: FakeServer) -> None:
    body = {"model": "m", "messages": USER_HELLO, "stream": True}
    with requests.post(fake.base_url + "/chat/completions", json=body, stream=True, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert response.headers["Transfer-Encoding"] == "chunked"
        assert response.headers["x-request-id"] == "req_fake_1"
        http_chunks = list(response.raw.read_chunked())
    # One SSE block per HTTP chunk, ending with [DONE].
    assert all(chunk.startswith(b"data: {") and chunk.endswith(b"}\n\n") for chunk in http_chunks[:-1])
    assert http_chunks[-1] == b"data: [DONE]\n\n"
    events = list(openai_lite.iter_sse(http_chunks))
    assert [e.event for e in events] == ["message"] * len(events)
    assert all(e.json()["object"] == "chat.completion.chunk" for e in events[:-1])


# -- responses -------------------------------------------------------------------------


def test_response(fake: FakeServer) -> None:
    response = post(fake, "/responses", {"model": "gpt-4o-mini", "input": "Hello there", "instructions": "Be nice"})
    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["object"], data["status"], data["model"]) == (
        "resp_fake_1",
        "response",
        "completed",
        "gpt-4o-mini",
    )
    assert data["created_at"] == 1700000000 and data["error"] is None and data["instructions"] == "Be nice"
    assert data["output"] == [
        {
            "id": "msg_fake_1",
            "type": "message",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "You said: Hello there", "annotations": [], "logprobs": []}],
        }
    ]
    assert data["usage"]["input_tokens"] == 2 and data["usage"]["output_tokens"] == 4
    assert data["usage"]["total_tokens"] == 6
    for key in (
        "incomplete_details",
        "tools",
        "parallel_tool_calls",
        "metadata",
        "tool_choice",
        "temperature",
        "top_p",
    ):
        assert key in data  # required by the Response schema


def test_response_input_items(fake: FakeServer) -> None:
    items = [
        {"role": "user", "content": [{"type": "input_text", "text": "What is"}, {"type": "input_text", "text": "up?"}]},
    ]
    data = post(fake, "/responses", {"model": "m", "input": items}).json()
    assert data["output"][0]["content"][0]["text"] == "You said: What is up?"

    items += [
        {"type": "function_call", "call_id": "call_fake_1", "name": "get_weather", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "call_fake_1", "output": "22 C"},
    ]
    data = post(fake, "/responses", {"model": "m", "input": items}).json()
    assert data["output"][0]["content"][0]["text"] == "Tool result: 22 C"


def test_response_function_call(fake: FakeServer) -> None:
    tool = {"type": "function", "name": "get_weather", "parameters": WEATHER_TOOL["function"]["parameters"]}
    data = post(fake, "/responses", {"model": "m", "input": "Weather?", "tools": [tool]}).json()
    (item,) = data["output"]
    assert item == {
        "id": "fc_fake_1",
        "type": "function_call",
        "status": "completed",
        "call_id": "call_fake_1",
        "name": "get_weather",
        "arguments": '{"location":"fake location"}',
    }
    assert data["tools"] == [tool]


def stream_events(fake: FakeServer, body: Dict[str, Any]) -> List[openai_lite.ServerSentEvent]:
    with requests.post(fake.base_url + "/responses", json={**body, "stream": True}, stream=True, timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/event-stream")
        return list(openai_lite.iter_sse(r.iter_content(chunk_size=None)))


def test_response_stream(fake: FakeServer) -> None:
    events = stream_events(fake, {"model": "m", "input": "Hello there"})
    names = [e.event for e in events]
    assert names == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    payloads = [e.json() for e in events]  # no [DONE]: every event is JSON
    assert [p["type"] for p in payloads] == names
    assert [p["sequence_number"] for p in payloads] == list(range(len(events)))

    created = payloads[0]["response"]
    assert (created["id"], created["status"], created["output"], created["usage"]) == (
        "resp_fake_1",
        "in_progress",
        [],
        None,
    )
    deltas = [p for p in payloads if p["type"] == "response.output_text.delta"]
    assert all((p["item_id"], p["output_index"], p["content_index"]) == ("msg_fake_1", 0, 0) for p in deltas)
    assert "".join(p["delta"] for p in deltas) == "You said: Hello there"
    assert payloads[8]["text"] == "You said: Hello there"
    assert payloads[2]["item"]["status"] == "in_progress" and payloads[2]["item"]["content"] == []

    completed = payloads[-1]["response"]
    non_streamed = post(fake, "/responses", {"model": "m", "input": "Hello there"}).json()
    assert completed["status"] == "completed"
    assert completed["output"] == [payloads[10]["item"]]
    assert completed["output"][0]["content"][0]["text"] == non_streamed["output"][0]["content"][0]["text"]
    assert completed["usage"] == non_streamed["usage"]


def test_response_stream_function_call(fake: FakeServer) -> None:
    tool = {"type": "function", "name": "get_weather", "parameters": WEATHER_TOOL["function"]["parameters"]}
    payloads = [e.json() for e in stream_events(fake, {"model": "m", "input": "Weather?", "tools": [tool]})]
    names = [p["type"] for p in payloads]
    assert names[:3] == ["response.created", "response.in_progress", "response.output_item.added"]
    assert names[-3:] == ["response.function_call_arguments.done", "response.output_item.done", "response.completed"]
    assert set(names[3:-3]) == {"response.function_call_arguments.delta"}
    arguments = "".join(p["delta"] for p in payloads[3:-3])
    assert arguments == payloads[-3]["arguments"] == '{"location":"fake location"}'
    assert payloads[-2]["item"]["call_id"] == "call_fake_1"


# -- embeddings ------------------------------------------------------------------------


def test_embedding(fake_client: openai_lite.Client) -> None:
    result = fake_client.create_embedding(model="text-embedding-3-small", input="The quick brown fox")
    assert (result.object, result.model) == ("list", "text-embedding-3-small")
    (item,) = result.data
    assert (item.object, item.index) == ("embedding", 0)
    assert isinstance(item.embedding, list) and len(item.embedding) == 8
    assert math.isclose(math.sqrt(sum(x * x for x in item.embedding)), 1.0, rel_tol=1e-6)
    assert (result.usage.prompt_tokens, result.usage.total_tokens) == (4, 4)


def test_embeddings_are_deterministic(fake_client: openai_lite.Client) -> None:
    first = fake_client.create_embedding(model="m", input=["alpha", "beta", "alpha"])
    vectors = [item.embedding for item in first.data]
    assert [item.index for item in first.data] == [0, 1, 2]
    assert vectors[0] == vectors[2] != vectors[1]
    with FakeServer() as other:
        again = requests.post(other.base_url + "/embeddings", json={"model": "m", "input": "alpha"}, timeout=10)
        assert again.json()["data"][0]["embedding"] == vectors[0]


def test_embedding_dimensions_and_tokens(fake_client: openai_lite.Client) -> None:
    result = fake_client.create_embedding(model="m", input="hi", dimensions=20)
    assert len(result.data[0].embedding) == 20
    tokens = fake_client.create_embedding(model="m", input=[1, 2, 3])
    assert len(tokens.data) == 1 and tokens.usage.prompt_tokens == 3
    token_lists = fake_client.create_embedding(model="m", input=[[1, 2], [3]])
    assert len(token_lists.data) == 2 and token_lists.usage.prompt_tokens == 3


def test_embedding_base64_decodes_to_the_floats(fake_client: openai_lite.Client) -> None:
    inputs = ["one", "two words", "three little words"]
    floats = fake_client.create_embedding(model="m", input=inputs, dimensions=12)
    encoded = fake_client.create_embedding(model="m", input=inputs, dimensions=12, encoding_format="base64")
    for as_floats, as_base64 in zip(floats.data, encoded.data):
        assert isinstance(as_base64.embedding, str)
        raw = base64.b64decode(as_base64.embedding)
        assert len(raw) == 12 * 4
        assert list(struct.unpack("<12f", raw)) == as_floats.embedding


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"model": "m", "input": ""}, "input"),
        ({"model": "m", "input": []}, "input"),
        ({"model": "m", "input": ["ok", 3.5]}, "input"),
        ({"model": "m", "input": "x", "encoding_format": "hex"}, "encoding_format"),
        ({"model": "m", "input": "x", "dimensions": 0}, "dimensions"),
    ],
)
def test_embedding_invalid_values(fake: FakeServer, body: Dict[str, Any], param: str) -> None:
    assert_error(post(fake, "/embeddings", body), 400, param, "invalid_value")


# -- moderations -----------------------------------------------------------------------

CATEGORIES = {
    "hate",
    "hate/threatening",
    "harassment",
    "harassment/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
}


def test_moderation(fake: FakeServer) -> None:
    data = post(fake, "/moderations", {"input": ["Have a nice day", "I will KILL the process", "skill"]}).json()
    assert (data["id"], data["model"]) == ("modr-fake-1", "omni-moderation-latest")
    assert [r["flagged"] for r in data["results"]] == [False, True, False]
    for result in data["results"]:
        assert sorted(result) == ["categories", "category_applied_input_types", "category_scores", "flagged"]
        assert set(result["categories"]) == set(result["category_scores"]) == CATEGORIES
        assert set(result["category_applied_input_types"]) == CATEGORIES
    flagged = data["results"][1]
    assert [c for c, on in flagged["categories"].items() if on] == ["violence"]
    assert flagged["category_scores"]["violence"] > 0.5
    assert not any(data["results"][0]["categories"].values())


def test_moderation_single_and_multimodal(fake: FakeServer) -> None:
    single = post(fake, "/moderations", {"input": "kill", "model": "text-moderation-latest"}).json()
    assert single["model"] == "text-moderation-latest" and len(single["results"]) == 1
    parts = [{"type": "text", "text": "nice picture"}, {"type": "image_url", "image_url": {"url": "data:,"}}]
    (result,) = post(fake, "/moderations", {"input": parts}).json()["results"]
    assert result["flagged"] is False
    assert result["category_applied_input_types"]["violence"] == ["text", "image"]
    assert result["category_applied_input_types"]["hate"] == ["text"]


# -- files -------------------------------------------------------------------------------


def upload(fake: FakeServer, name: str, content: bytes, purpose: str = "batch") -> Dict[str, Any]:
    response = requests.post(
        fake.base_url + "/files",
        files={"file": (name, content, "application/jsonl")},
        data={"purpose": purpose},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    result: Dict[str, Any] = response.json()
    return result


def test_files_round_trip(fake: FakeServer) -> None:
    content = b'{"custom_id": "1"}\r\n{"custom_id": "2"}\n\xff\x00binary--'
    file = upload(fake, "a.jsonl", content)
    assert file == {
        "id": "file-fake-1",
        "object": "file",
        "bytes": len(content),
        "created_at": 1700000000,
        "filename": "a.jsonl",
        "purpose": "batch",
        "status": "processed",
    }
    assert isinstance(fake.requests[0].body, bytes)  # multipart is recorded raw
    base = fake.base_url + "/files/file-fake-1"
    assert requests.get(base, timeout=10).json() == file
    downloaded = requests.get(base + "/content", timeout=10)
    assert downloaded.content == content
    assert downloaded.headers["Content-Type"] == "application/octet-stream"
    listed = requests.get(fake.base_url + "/files", timeout=10).json()
    assert listed == {
        "object": "list",
        "data": [file],
        "first_id": "file-fake-1",
        "last_id": "file-fake-1",
        "has_more": False,
    }

    assert requests.delete(base, timeout=10).json() == {"id": "file-fake-1", "object": "file", "deleted": True}
    error = assert_error(requests.get(base, timeout=10), 404, "id", None)
    assert error["message"] == "No such File object: file-fake-1"
    assert_error(requests.get(base + "/content", timeout=10), 404, "id", None)
    assert_error(requests.delete(base, timeout=10), 404, "id", None)
    assert requests.get(fake.base_url + "/files", timeout=10).json()["data"] == []


def test_files_list_paging(fake: FakeServer) -> None:
    ids = [upload(fake, f"{n}.jsonl", b"{}\n", "fine-tune" if n == 2 else "batch")["id"] for n in range(4)]
    url = fake.base_url + "/files"
    page = requests.get(url, params={"limit": 2}, timeout=10).json()
    assert [f["id"] for f in page["data"]] == ids[::-1][:2]  # newest first
    assert (page["first_id"], page["last_id"], page["has_more"]) == (ids[3], ids[2], True)
    rest = requests.get(url, params={"limit": 2, "after": page["last_id"]}, timeout=10).json()
    assert [f["id"] for f in rest["data"]] == [ids[1], ids[0]]
    assert rest["has_more"] is False
    ascending = requests.get(url, params={"order": "asc"}, timeout=10).json()
    assert [f["id"] for f in ascending["data"]] == ids
    fine_tune = requests.get(url, params={"purpose": "fine-tune"}, timeout=10).json()
    assert [f["id"] for f in fine_tune["data"]] == [ids[2]]
    assert_error(requests.get(url, params={"limit": 0}, timeout=10), 400, "limit", "invalid_value")


def test_file_upload_errors(fake: FakeServer) -> None:
    url = fake.base_url + "/files"
    no_type = requests.post(url, files={"file": ("a.jsonl", b"{}")}, data={"purpose": "batch"}, timeout=10)
    assert_error(no_type, 400, "file", "invalid_value")
    no_purpose = requests.post(url, files={"file": ("a.jsonl", b"{}", "application/jsonl")}, timeout=10)
    assert_error(no_purpose, 400, "purpose", "missing_required_parameter")
    no_file = requests.post(url, files={"other": ("a", b"x", "text/plain")}, data={"purpose": "batch"}, timeout=10)
    assert_error(no_file, 400, "file", "missing_required_parameter")
    bad_purpose = requests.post(url, files={"file": ("a", b"x", "text/plain")}, data={"purpose": "fun"}, timeout=10)
    assert_error(bad_purpose, 400, "purpose", "invalid_value")
    assert_error(post(fake, "/files", {"purpose": "batch"}), 400, None, None)  # JSON, not multipart


def test_chunked_request_body(fake: FakeServer) -> None:
    def body() -> Iterator[bytes]:
        yield b'{"model": "m", '
        yield b'"input": "streamed upload"}'

    response = requests.post(
        fake.base_url + "/embeddings", data=body(), headers={"Content-Type": "application/json"}, timeout=10
    )
    assert response.status_code == 200
    assert fake.requests[0].headers["transfer-encoding"] == "chunked"
    assert fake.requests[0].body == {"model": "m", "input": "streamed upload"}


# -- audio and images --------------------------------------------------------------------


def test_speech(fake: FakeServer) -> None:
    body = {"model": "gpt-4o-mini-tts", "input": "Hello", "voice": "alloy"}
    mp3 = post(fake, "/audio/speech", body)
    assert mp3.status_code == 200
    assert mp3.headers["Content-Type"] == "audio/mpeg"
    assert mp3.content[:2] == b"\xff\xfb" and 100 < len(mp3.content) < 2000

    wav = post(fake, "/audio/speech", {**body, "response_format": "wav"})
    assert wav.headers["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(wav.content)) as audio:
        assert (audio.getnchannels(), audio.getsampwidth(), audio.getframerate()) == (1, 2, 24000)
        assert audio.getnframes() > 0

    for audio_format, magic in [("opus", b"OggS"), ("aac", b"\xff\xf1"), ("flac", b"fLaC"), ("pcm", b"\0\0")]:
        response = post(fake, "/audio/speech", {**body, "response_format": audio_format})
        assert response.headers["Content-Type"] == "audio/" + audio_format
        assert response.content.startswith(magic)
    assert_error(
        post(fake, "/audio/speech", {**body, "response_format": "ogg"}), 400, "response_format", "invalid_value"
    )


def test_image_generation(fake: FakeServer) -> None:
    data = post(fake, "/images/generations", {"model": "gpt-image-1", "prompt": "a dot", "n": 2}).json()
    assert data["created"] == 1700000000
    assert len(data["data"]) == 2
    png = base64.b64decode(data["data"][0]["b64_json"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1, 1)
    url = post(fake, "/images/generations", {"prompt": "a dot", "response_format": "url"}).json()
    assert url["data"][0]["url"].startswith("data:image/png;base64,")


# -- streams added for the streaming examples ---------------------------------------------


def sse_events(fake: FakeServer, path: str, body: Dict[str, Any]) -> List[openai_lite.ServerSentEvent]:
    """The events of a streamed answer, read with plain requests."""
    with requests.post(fake.base_url + path, json=body, stream=True, timeout=10) as response:
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert response.headers["Transfer-Encoding"] == "chunked"
        return list(openai_lite.iter_sse(response.iter_content(chunk_size=None)))


def png_pixels(data: bytes) -> List[bytes]:
    """The rows of an 8-bit greyscale PNG, checking its signature, chunk CRCs and header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = body
        pos += 12 + length
    assert list(chunks) == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 0)
    raw = zlib.decompress(chunks[b"IDAT"])
    rows = [raw[y * (width + 1) : (y + 1) * (width + 1)] for y in range(height)]
    assert all(row[0] == 0 for row in rows)  # filter type "none"
    return [row[1:] for row in rows]


def test_completion(fake_client: openai_lite.Client) -> None:
    reply = fake_client.create_completion(model="gpt-3.5-turbo-instruct", prompt=["Hi there", "Bye"], n=2)
    assert (reply.id, reply.object, reply.created) == ("cmpl-fake-1", "text_completion", 1700000000)
    assert [(c.index, c.text, c.finish_reason) for c in reply.choices] == [
        (0, "You said: Hi there", "stop"),
        (1, "You said: Hi there", "stop"),
        (2, "You said: Bye", "stop"),
        (3, "You said: Bye", "stop"),
    ]
    assert reply.usage is not None
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens, reply.usage.total_tokens) == (3, 14, 17)


def test_completion_stream(fake_client: openai_lite.Client) -> None:
    chunks = list(
        fake_client.create_completion_stream(model="m", prompt="Hi there", stream_options={"include_usage": True})
    )
    *text, finish, usage = chunks
    assert [c.choices[0].text for c in text] == ["You", " said:", " Hi", " there"]
    assert all(c.choices[0].finish_reason is None for c in text)
    assert (finish.choices[0].text, finish.choices[0].finish_reason) == ("", "stop")
    assert usage.choices == [] and usage.usage is not None and usage.usage.total_tokens == 6
    assert all(c.object == "text_completion" and c.id == "cmpl-fake-1" for c in chunks)


def test_completion_errors(fake: FakeServer) -> None:
    assert_error(post(fake, "/completions", {"model": "m"}), 400, "prompt", "missing_required_parameter")
    assert_error(post(fake, "/completions", {"model": "m", "prompt": [1, 2]}), 400, "prompt", "invalid_type")


def test_speech_stream(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    body = {"model": "gpt-4o-mini-tts", "input": "Hello there", "voice": "alloy"}
    audio = post(fake, "/audio/speech", body).content
    events = list(fake_client.create_speech_stream(model="gpt-4o-mini-tts", input="Hello there", voice="alloy"))
    assert [e.type for e in events] == ["speech.audio.delta", "speech.audio.delta", "speech.audio.done"]
    assert b"".join(base64.b64decode(e.audio) for e in events[:2]) == audio  # the same audio, in pieces
    usage = events[-1].usage
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (2, 2, 4)
    assert_error(post(fake, "/audio/speech", {**body, "stream_format": "mp3"}), 400, "stream_format", "invalid_value")


def test_image_stream(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    events = list(fake_client.create_image_stream(prompt="a dot", partial_images=3, size="1024x1536"))
    assert [e.type for e in events] == ["image_generation.partial_image"] * 3 + ["image_generation.completed"]
    assert [e.partial_image_index for e in events[:3]] == [0, 1, 2]
    assert all(
        (e.size, e.quality, e.background, e.output_format, e.created_at)
        == ("1024x1536", "high", "opaque", "png", 1700000000)
        for e in events
    )
    # Partial images: flat grey, lighter each time; the final one a checkerboard.
    for index, event in enumerate(events[:3]):
        assert png_pixels(base64.b64decode(event.b64_json)) == [bytes([64 * (index + 1)] * 8)] * 8
    final = png_pixels(base64.b64decode(events[-1].b64_json))
    assert final[0] == bytes([0, 255] * 4) and final[1] == bytes([255, 0] * 4) and len(final) == 8
    assert events[-1].usage.input_tokens == 2 and events[-1].usage.output_tokens == 64
    # Without partial images, only the final image; the named events are the event types.
    names = [e.event for e in sse_events(fake, "/images/generations", {"prompt": "a dot", "stream": True})]
    assert names == ["image_generation.completed"]
    assert_error(
        post(fake, "/images/generations", {"prompt": "a", "stream": True, "partial_images": 4}),
        400,
        "partial_images",
        "invalid_value",
    )


def test_assistants_create_retrieve_delete(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    with pytest.warns(DeprecationWarning):
        assistant = fake_client.create_assistant(model="gpt-4o-mini", name="Helper", tools=[WEATHER_TOOL])
    assert (assistant.id, assistant.object, assistant.name, assistant.model) == (
        "asst_fake_1",
        "assistant",
        "Helper",
        "gpt-4o-mini",
    )
    assert assistant.tools is not None and assistant.tools[0].function.name == "get_weather"
    with pytest.warns(DeprecationWarning):
        assert fake_client.get_assistant("asst_fake_1").to_dict() == assistant.to_dict()
    with pytest.warns(DeprecationWarning):
        assert fake_client.delete_assistant("asst_fake_1").deleted is True
    assert_error(requests.get(fake.base_url + "/assistants/asst_fake_1", timeout=10), 404, None, None)
    assert_error(post(fake, "/assistants", {"name": "x"}), 400, "model", "missing_required_parameter")
    assert_error(
        post(fake, "/assistants", {"model": "m", "tools": [{"type": "function", "function": {}}]}),
        400,
        "tools[0].function.name",
        "missing_required_parameter",
    )


RUN_WITH_TOOL_CALL = [
    "thread.created",
    "thread.run.created",
    "thread.run.queued",
    "thread.run.in_progress",
    "thread.run.step.created",
    "thread.run.step.in_progress",
    "thread.run.step.delta",
    "thread.run.step.delta",  # the call, then its arguments in one piece
    "thread.run.requires_action",
    "done",
]


def message_run(deltas: int) -> List[str]:
    """The events of a run writing a message in ``deltas`` pieces, to its end."""
    return [
        "thread.run.step.created",
        "thread.run.step.in_progress",
        "thread.message.created",
        "thread.message.in_progress",
        *["thread.message.delta"] * deltas,
        "thread.message.completed",
        "thread.run.step.completed",
        "thread.run.completed",
        "done",
    ]


def test_assistants_run_stream_wire_format(fake: FakeServer) -> None:
    assistant = post(fake, "/assistants", {"model": "gpt-4o-mini", "tools": [TIME_TOOL]}).json()
    body = {
        "assistant_id": assistant["id"],
        "stream": True,
        "thread": {"messages": [{"role": "user", "content": "What time is it?"}]},
    }
    events = sse_events(fake, "/threads/runs", body)
    assert [e.event for e in events] == RUN_WITH_TOOL_CALL
    assert events[-1].data == "[DONE]"
    data = [e.json() for e in events[:-1]]
    thread, run = data[0], data[-1]
    assert (thread["id"], thread["object"]) == ("thread_fake_1", "thread")
    assert [d["status"] for d in data[1:4]] == ["queued", "queued", "in_progress"]
    assert (run["id"], run["thread_id"], run["assistant_id"], run["status"]) == (
        "run_fake_1",
        "thread_fake_1",
        "asst_fake_1",
        "requires_action",
    )
    call = {"id": "call_fake_1", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}
    assert run["required_action"] == {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [call]}}
    step_deltas = [d["delta"]["step_details"]["tool_calls"][0] for d in data[6:8]]
    assert step_deltas[0]["id"] == "call_fake_1" and step_deltas[0]["function"]["name"] == "get_time"
    assert "".join(d["function"]["arguments"] for d in step_deltas) == "{}"

    events = sse_events(
        fake,
        "/threads/thread_fake_1/runs/run_fake_1/submit_tool_outputs",
        {"tool_outputs": [{"tool_call_id": "call_fake_1", "output": "noon"}], "stream": True},
    )
    assert [e.event for e in events] == [
        "thread.run.queued",
        "thread.run.in_progress",
        "thread.run.step.completed",
        *message_run(3),
    ]
    data = [e.json() for e in events[:-1]]
    tool_step = data[2]
    assert tool_step["step_details"]["tool_calls"][0]["function"]["output"] == "noon"
    assert tool_step["status"] == "completed"
    message = data[-3]
    assert message["content"] == [{"type": "text", "text": {"value": "Tool result: noon", "annotations": []}}]
    assert (message["role"], message["run_id"], message["status"]) == ("assistant", "run_fake_1", "completed")
    assert data[-1]["status"] == "completed"
    # Words in; pieces out: the call's arguments (one piece) and the message (three).
    assert data[-1]["usage"] == {"prompt_tokens": 4, "completion_tokens": 4, "total_tokens": 8}


def test_assistants_run_without_tools_writes_a_message(fake_client: openai_lite.Client) -> None:
    with pytest.warns(DeprecationWarning):
        assistant = fake_client.create_assistant(model="gpt-4o-mini")
    thread = fake_client.create_thread(messages=[{"role": "user", "content": "Hello there"}])
    events = list(
        fake_client.create_run_stream(
            thread.id, assistant_id=assistant.id, additional_messages=[{"role": "user", "content": "And more"}]
        )
    )
    names = [e.event for e in events]
    assert names == ["thread.run.created", "thread.run.queued", "thread.run.in_progress", *message_run(4)[:-1]]
    deltas = [p.text.value for e in events if e.event == "thread.message.delta" for p in e.data.delta.content]
    assert "".join(deltas) == "You said: And more"
    # Without streaming, the run comes back as the stream would have ended it.
    run = fake_client.create_run(thread.id, assistant_id=assistant.id)
    assert (run.status, run.usage.prompt_tokens) == ("completed", 8)  # the words of the 3 messages so far


def test_assistants_errors(fake: FakeServer) -> None:
    assistant = post(fake, "/assistants", {"model": "m", "tools": [TIME_TOOL]}).json()
    assert_error(post(fake, "/threads/runs", {"assistant_id": "asst_nope"}), 404, None, None)
    assert_error(post(fake, "/threads/thread_nope/runs", {"assistant_id": assistant["id"]}), 404, None, None)
    assert_error(
        post(
            fake,
            "/threads/runs",
            {"assistant_id": assistant["id"], "thread": {"messages": [{"role": "system", "content": "x"}]}},
        ),
        400,
        "messages[0].role",
        "invalid_value",
    )
    run = post(
        fake,
        "/threads/runs",
        {"assistant_id": assistant["id"], "thread": {"messages": [{"role": "user", "content": "Time?"}]}},
    ).json()
    assert run["status"] == "requires_action"
    path = f"/threads/{run['thread_id']}/runs/{run['id']}/submit_tool_outputs"
    assert_error(
        post(fake, path, {"tool_outputs": [{"tool_call_id": "call_other", "output": "x"}]}),
        400,
        "tool_outputs",
        "invalid_value",
    )
    assert_error(
        post(fake, f"/threads/{run['thread_id']}/runs/run_nope/submit_tool_outputs", {"tool_outputs": []}),
        404,
        None,
        None,
    )
    done = post(fake, path, {"tool_outputs": [{"tool_call_id": "call_fake_1", "output": "noon"}]}).json()
    assert done["status"] == "completed"
    assert_error(post(fake, path, {"tool_outputs": [{"tool_call_id": "call_fake_1", "output": "x"}]}), 400, None, None)


def test_streaming_examples_are_deterministic() -> None:
    # Two servers answer the same requests with the same bytes.
    def run_once() -> List[bytes]:
        with FakeServer() as fake:
            assistant = post(fake, "/assistants", {"model": "m", "tools": [WEATHER_TOOL]}).json()
            body = {
                "assistant_id": assistant["id"],
                "stream": True,
                "thread": {"messages": [{"role": "user", "content": "Weather?"}]},
            }
            with requests.post(fake.base_url + "/threads/runs", json=body, timeout=10) as run:
                images = post(fake, "/images/generations", {"prompt": "a", "stream": True, "partial_images": 2})
                return [run.content, images.content]

    assert run_once() == run_once()


# -- the quickstart example ---------------------------------------------------------------


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
