"""Tests of openai_lite/testing/_responses.py: the Responses API on the FakeServer."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
import requests
from _fake import WEATHER_TOOL, assert_error, post

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
    data = post(fake, "/responses", {"model": "gpt-4o-mini", "input": items}).json()
    assert data["output"][0]["content"][0]["text"] == "You said: What is up?"

    items += [
        {"type": "function_call", "call_id": "call_fake_1", "name": "get_weather", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "call_fake_1", "output": "22 C"},
    ]
    data = post(fake, "/responses", {"model": "gpt-4o-mini", "input": items}).json()
    assert data["output"][0]["content"][0]["text"] == "Tool result: 22 C"


def test_response_function_call(fake: FakeServer) -> None:
    tool = {"type": "function", "name": "get_weather", "parameters": WEATHER_TOOL["function"]["parameters"]}
    data = post(fake, "/responses", {"model": "gpt-4o-mini", "input": "Weather?", "tools": [tool]}).json()
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
    events = stream_events(fake, {"model": "gpt-4o-mini", "input": "Hello there"})
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
    non_streamed = post(fake, "/responses", {"model": "gpt-4o-mini", "input": "Hello there"}).json()
    assert completed["status"] == "completed"
    assert completed["output"] == [payloads[10]["item"]]
    assert completed["output"][0]["content"][0]["text"] == non_streamed["output"][0]["content"][0]["text"]
    assert completed["usage"] == non_streamed["usage"]


def test_response_stream_function_call(fake: FakeServer) -> None:
    tool = {"type": "function", "name": "get_weather", "parameters": WEATHER_TOOL["function"]["parameters"]}
    payloads = [e.json() for e in stream_events(fake, {"model": "gpt-4o-mini", "input": "Weather?", "tools": [tool]})]
    names = [p["type"] for p in payloads]
    assert names[:3] == ["response.created", "response.in_progress", "response.output_item.added"]
    assert names[-3:] == ["response.function_call_arguments.done", "response.output_item.done", "response.completed"]
    assert set(names[3:-3]) == {"response.function_call_arguments.delta"}
    arguments = "".join(p["delta"] for p in payloads[3:-3])
    assert arguments == payloads[-3]["arguments"] == '{"location":"fake location"}'
    assert payloads[-2]["item"]["call_id"] == "call_fake_1"


CITY_TEXT: Any = {
    "format": {
        "type": "json_schema",
        "name": "city",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"name": {"type": "string"}},
            "required": ["name"],
            "additionalProperties": False,
        },
    }
}


def test_structured_output(fake: FakeServer) -> None:
    data = post(fake, "/responses", {"model": "gpt-4o-mini", "input": "Hi", "text": CITY_TEXT}).json()
    assert json.loads(data["output"][0]["content"][0]["text"]) == {"name": "fake name"}
    assert data["text"] == CITY_TEXT
    events = [e.json() for e in stream_events(fake, {"model": "gpt-4o-mini", "input": "Hi", "text": CITY_TEXT})]
    deltas = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    assert deltas == data["output"][0]["content"][0]["text"]


def test_structured_output_refusal(fake: FakeServer) -> None:
    body = {"model": "gpt-4o-mini", "input": "kill it", "text": CITY_TEXT}
    data = post(fake, "/responses", body).json()
    assert data["output"][0]["content"] == [{"type": "refusal", "refusal": "I'm sorry, I can't help with that."}]
    events = [e.json() for e in stream_events(fake, body)]
    names = [e["type"] for e in events]
    assert "response.refusal.delta" in names and "response.output_text.delta" not in names
    (done,) = [e for e in events if e["type"] == "response.refusal.done"]
    assert done["refusal"] == "I'm sorry, I can't help with that."
    (added,) = [e for e in events if e["type"] == "response.content_part.added"]
    assert added["part"] == {"type": "refusal", "refusal": ""}


def test_max_output_tokens_leaves_the_response_incomplete(fake: FakeServer) -> None:
    body = {"model": "gpt-4o-mini", "input": "Hello there", "max_output_tokens": 2}
    data = post(fake, "/responses", body).json()
    assert (data["status"], data["incomplete_details"]) == ("incomplete", {"reason": "max_output_tokens"})
    assert data["output"][0]["status"] == "incomplete"
    assert data["output"][0]["content"][0]["text"] == "You said:"
    assert data["usage"]["output_tokens"] == 2
    events = [e.json() for e in stream_events(fake, body)]
    assert events[-1]["type"] == "response.incomplete"
    assert events[-1]["response"]["status"] == "incomplete"


def test_stored_responses(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    first = fake_client.create_response(model="gpt-4o-mini", input=[{"role": "user", "content": "Hello there"}])
    assert fake_client.get_response(first.id).to_dict() == first.to_dict()
    items = list(fake_client.list_input_items(first.id))
    assert [(i.type, i.role, i.content[0].text) for i in items] == [("message", "user", "Hello there")]
    # A follow-up continues the conversation: a tool output answered, or the last user message echoed.
    follow = fake_client.create_response(model="gpt-4o-mini", input="And now?", previous_response_id=first.id)
    assert follow.output[0].content[0].text == "You said: And now?"
    assert follow.usage is not None and follow.usage.input_tokens == 2 + 4 + 2  # both turns and the reply in between
    fake_client.delete_response(first.id)
    with pytest.raises(openai_lite.NotFoundError):
        fake_client.get_response(first.id)
    assert_error(
        post(fake, "/responses", {"model": "gpt-4o-mini", "input": "x", "previous_response_id": first.id}),
        404,
        "previous_response_id",
        None,
    )
    unstored = post(fake, "/responses", {"model": "gpt-4o-mini", "input": "x", "store": False}).json()
    assert_error(requests.get(fake.base_url + "/responses/" + unstored["id"], timeout=10), 404, None, None)


def test_only_background_responses_can_be_cancelled(fake: FakeServer) -> None:
    data = post(fake, "/responses", {"model": "gpt-4o-mini", "input": "x"}).json()
    assert_error(post(fake, f"/responses/{data['id']}/cancel", {}), 400, None, None)


def test_background_response(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    created = fake_client.create_response(model="gpt-4o-mini", input="Hello there", background=True)
    assert (created.status, created.output, created.usage, created.background) == ("queued", [], None, True)
    statuses = [fake_client.get_response(created.id).status for _ in range(3)]
    assert statuses == ["in_progress", "completed", "completed"]
    done = fake_client.get_response(created.id)
    assert done.output[0].content[0].text == "You said: Hello there"
    assert done.usage is not None and done.background is True


def test_cancel_a_background_response(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    created = fake_client.create_response(model="gpt-4o-mini", input="Hello there", background=True)
    assert fake_client.cancel_response(created.id).status == "cancelled"
    assert fake_client.get_response(created.id).status == "cancelled"
    done = fake_client.create_response(model="gpt-4o-mini", input="x", background=True)
    for _ in range(2):
        fake_client.get_response(done.id)
    assert fake_client.cancel_response(done.id).status == "completed"  # too late: unchanged
    assert_error(
        post(fake, "/responses", {"model": "gpt-4o-mini", "background": True, "store": False}), 400, "store", None
    )
