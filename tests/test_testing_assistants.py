"""Tests of openai_lite/testing/_assistants.py: assistants, threads and runs on the FakeServer."""

from __future__ import annotations

from typing import List

import pytest
import requests
from _fake import TIME_TOOL, WEATHER_TOOL, assert_error, post, sse_events

import openai_lite
from openai_lite.testing import FakeServer


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
        post(fake, "/assistants", {"model": "gpt-4o-mini", "tools": [{"type": "function", "function": {}}]}),
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
    assistant = post(fake, "/assistants", {"model": "gpt-4o-mini", "tools": [TIME_TOOL]}).json()
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
