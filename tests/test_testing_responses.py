"""Tests of openai_lite/testing/_responses.py: the Responses API on the FakeServer."""

from __future__ import annotations

from typing import Any, Dict, List

import requests
from _fake import WEATHER_TOOL, post

import openai_lite
from openai_lite.testing import FakeServer


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
