"""Tests of openai_lite/testing/_assistants.py: assistants, threads and runs on the FakeServer."""

from __future__ import annotations

from typing import Any, List

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
    # Without streaming, the run moves on as it is retrieved, to where the stream would have ended it.
    run = fake_client.create_run(thread.id, assistant_id=assistant.id)
    assert (run.status, run.usage) == ("queued", None)
    statuses = [fake_client.get_run(thread.id, run.id).status for _ in range(3)]
    assert statuses == ["in_progress", "completed", "completed"]
    done = fake_client.get_run(thread.id, run.id)
    assert done.usage is not None and done.usage.prompt_tokens == 8  # the words of the 3 messages so far


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
    assert_error(  # not yet: the run is queued
        post(fake, f"/threads/{run['thread_id']}/runs/{run['id']}/submit_tool_outputs", {"tool_outputs": []}),
        400,
        None,
        None,
    )
    for _ in range(2):
        run = requests.get(f"{fake.base_url}/threads/{run['thread_id']}/runs/{run['id']}", timeout=10).json()
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
    assert done["status"] == "queued"
    assert_error(post(fake, path, {"tool_outputs": [{"tool_call_id": "call_fake_1", "output": "x"}]}), 400, None, None)


def make_assistant(client: openai_lite.Client, **options: Any) -> Any:
    with pytest.warns(DeprecationWarning):
        return client.create_assistant(model="gpt-4o-mini", **options)


def test_a_polled_run_requires_action_then_completes(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    assistant = make_assistant(fake_client, tools=[WEATHER_TOOL])
    run = fake_client.create_thread_and_run(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "Weather in Paris?"}]}
    )
    assert run.status == "queued"
    assert fake_client.get_run(run.thread_id, run.id).status == "in_progress"
    waiting = fake_client.get_run(run.thread_id, run.id)
    assert waiting.status == "requires_action" and waiting.required_action is not None
    (call,) = waiting.required_action.submit_tool_outputs.tool_calls
    assert (call.id, call.function.name, call.function.arguments) == (
        "call_fake_1",
        "get_weather",
        '{"location":"fake location"}',
    )
    assert fake_client.get_run(run.thread_id, run.id).status == "requires_action"  # it waits for the outputs
    submitted = fake_client.submit_tool_outputs_to_run(
        run.thread_id, run.id, tool_outputs=[{"tool_call_id": call.id, "output": "22 C"}]
    )
    assert (submitted.status, submitted.required_action) == ("queued", None)
    statuses = [fake_client.get_run(run.thread_id, run.id).status for _ in range(2)]
    assert statuses == ["in_progress", "completed"]
    messages = list(fake_client.list_messages(run.thread_id))
    assert [(m.role, m.content[0].text.value) for m in messages] == [
        ("assistant", "Tool result: 22 C"),
        ("user", "Weather in Paris?"),
    ]  # newest first
    steps = list(fake_client.list_run_steps(run.thread_id, run.id))
    assert [(s.type, s.status) for s in steps] == [("message_creation", "completed"), ("tool_calls", "completed")]
    response = requests.get(f"{fake.base_url}/threads/{run.thread_id}/runs/{run.id}", timeout=10)
    assert response.headers["openai-poll-after-ms"] == "10"


def test_cancel_a_run(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    assistant = make_assistant(fake_client)
    thread = fake_client.create_thread(messages=[{"role": "user", "content": "Hi"}])
    run = fake_client.create_run(thread.id, assistant_id=assistant.id)
    assert fake_client.cancel_run(thread.id, run.id).status == "cancelling"
    assert fake_client.get_run(thread.id, run.id).status == "cancelled"
    assert fake_client.get_run(thread.id, run.id).status == "cancelled"
    assert_error(post(fake, f"/threads/{thread.id}/runs/{run.id}/cancel", {}), 400, None, None)
    assert [m.role for m in fake_client.list_messages(thread.id)] == ["user"]  # nothing written


def test_threads_and_messages(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    assistant = make_assistant(fake_client)
    thread = fake_client.create_thread()
    message = fake_client.create_message(thread.id, role="user", content="Hello there")
    assert (message.thread_id, message.role, message.content[0].text.value) == (thread.id, "user", "Hello there")
    assert fake_client.get_message(thread.id, message.id).id == message.id
    assert fake_client.get_thread(thread.id).id == thread.id
    run = fake_client.create_run(thread.id, assistant_id=assistant.id)
    assert [r.id for r in fake_client.list_runs(thread.id)] == [run.id]
    assert list(fake_client.list_messages(thread.id, run_id=run.id)) == []
    for _ in range(2):
        fake_client.get_run(thread.id, run.id)
    (reply,) = fake_client.list_messages(thread.id, run_id=run.id)
    assert reply.content[0].text.value == "You said: Hello there"
    assert fake_client.delete_thread(thread.id).deleted is True
    assert_error(requests.get(f"{fake.base_url}/threads/{thread.id}", timeout=10), 404, None, None)
