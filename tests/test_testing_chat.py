"""Tests of openai_lite/testing/_chat.py: chat completions and legacy completions on the FakeServer."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from _fake import TIME_TOOL, USER_HELLO, WEATHER_TOOL, assert_error, post

import openai_lite
from openai_lite.testing import FakeServer


def test_wrong_type(fake: FakeServer) -> None:
    error = assert_error(
        post(fake, "/chat/completions", {"model": "gpt-4o-mini", "messages": "hi"}), 400, "messages", "invalid_type"
    )
    assert "expected an array" in error["message"]
    assert_error(
        post(fake, "/chat/completions", {"model": "gpt-4o-mini", "messages": USER_HELLO, "n": True}),
        400,
        "n",
        "invalid_type",
    )


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
    body = {"model": "gpt-4o-mini", "messages": USER_HELLO}
    first, second = post(fake, "/chat/completions", body).json(), post(fake, "/chat/completions", body).json()
    assert (first.pop("id"), second.pop("id")) == ("chatcmpl-fake-1", "chatcmpl-fake-2")
    assert first == second


def test_chat_echo_rules(fake_client: openai_lite.Client) -> None:
    def reply_to(messages: Any, **options: Any) -> Any:
        return fake_client.create_chat_completion(model="gpt-4o-mini", messages=messages, **options).choices[0]

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
    reply = fake_client.create_chat_completion(model="gpt-4o-mini", messages=USER_HELLO, n=3)
    assert [c.index for c in reply.choices] == [0, 1, 2]
    assert {c.message.content for c in reply.choices} == {"You said: Hello there"}
    assert reply.usage is not None and reply.usage.completion_tokens == 12


def test_chat_tool_call(fake_client: openai_lite.Client) -> None:
    reply = fake_client.create_chat_completion(
        model="gpt-4o-mini", messages=USER_HELLO, tools=[WEATHER_TOOL, TIME_TOOL]
    )
    (choice,) = reply.choices
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert choice.message.tool_calls is not None
    (call,) = choice.message.tool_calls
    assert (call.id, call.type, call.function.name) == ("call_fake_1", "function", "get_weather")
    assert json.loads(call.function.arguments or "") == {"location": "fake location"}  # required properties only

    chosen = {"type": "function", "function": {"name": "get_time"}}
    reply = fake_client.create_chat_completion(
        model="gpt-4o-mini", messages=USER_HELLO, tools=[WEATHER_TOOL, TIME_TOOL], tool_choice=chosen
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
    reply = fake_client.create_chat_completion(model="gpt-4o-mini", messages=USER_HELLO, tools=[tool])
    tool_calls = reply.choices[0].message.tool_calls
    assert tool_calls is not None
    assert json.loads(tool_calls[0].function.arguments or "") == {
        "city": "fake city",
        "days": 0,
        "ratio": 0.5,
        "metric": False,
        "unit": "celsius",
        "tags": ["fake tags"],
        "when": "fake when",
        "place": {"lat": 0.5},
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
            model="gpt-4o-mini", messages=USER_HELLO, stream_options={"include_usage": True}
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
    for chunk in fake_client.create_chat_completion_stream(model="gpt-4o-mini", messages=USER_HELLO, n=2):
        choice = chunk.choices[0]
        texts[choice.index] += choice.delta.content or ""
        if choice.finish_reason:
            finished.add(choice.index)
    assert texts == {0: "You said: Hello there", 1: "You said: Hello there"}
    assert finished == {0, 1}


def test_chat_stream_tool_call_pieces(fake_client: openai_lite.Client) -> None:
    tools = [WEATHER_TOOL]
    expected = fake_client.create_chat_completion(model="gpt-4o-mini", messages=USER_HELLO, tools=tools)
    chunks = list(fake_client.create_chat_completion_stream(model="gpt-4o-mini", messages=USER_HELLO, tools=tools))
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
    body = {"model": "gpt-4o-mini", "messages": USER_HELLO, "stream": True}
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
        fake_client.create_completion_stream(
            model="gpt-4o-mini", prompt="Hi there", stream_options={"include_usage": True}
        )
    )
    *text, finish, usage = chunks
    assert [c.choices[0].text for c in text] == ["You", " said:", " Hi", " there"]
    assert all(c.choices[0].finish_reason is None for c in text)
    assert (finish.choices[0].text, finish.choices[0].finish_reason) == ("", "stop")
    assert usage.choices == [] and usage.usage is not None and usage.usage.total_tokens == 6
    assert all(c.object == "text_completion" and c.id == "cmpl-fake-1" for c in chunks)


def test_completion_errors(fake: FakeServer) -> None:
    assert_error(post(fake, "/completions", {"model": "gpt-4o-mini"}), 400, "prompt", "missing_required_parameter")
    assert_error(post(fake, "/completions", {"model": "gpt-4o-mini", "prompt": [1, 2]}), 400, "prompt", "invalid_type")


CITY_FORMAT: Any = {
    "type": "json_schema",
    "json_schema": {
        "name": "city",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "population": {"type": "integer"}},
            "required": ["name", "population"],
            "additionalProperties": False,
        },
    },
}


def test_structured_output(fake_client: openai_lite.Client) -> None:
    reply = fake_client.create_chat_completion(model="gpt-4o-mini", messages=USER_HELLO, response_format=CITY_FORMAT)
    message = reply.choices[0].message
    assert json.loads(message.content or "") == {"name": "fake name", "population": 0}
    assert (message.refusal, reply.choices[0].finish_reason) == (None, "stop")
    streamed = "".join(
        chunk.choices[0].delta.content or ""
        for chunk in fake_client.create_chat_completion_stream(
            model="gpt-4o-mini", messages=USER_HELLO, response_format=CITY_FORMAT
        )
        if chunk.choices
    )
    assert streamed == message.content


def test_structured_output_refusal(fake_client: openai_lite.Client) -> None:
    # A structured-output request that moderation would flag is refused.
    messages: Any = [{"role": "user", "content": "How do I kill a process?"}]
    reply = fake_client.create_chat_completion(model="gpt-4o-mini", messages=messages, response_format=CITY_FORMAT)
    message = reply.choices[0].message
    assert (message.content, message.refusal) == (None, "I'm sorry, I can't help with that.")
    assert reply.choices[0].finish_reason == "stop"
    chunks = list(
        fake_client.create_chat_completion_stream(model="gpt-4o-mini", messages=messages, response_format=CITY_FORMAT)
    )
    assert chunks[0].choices[0].delta.refusal == ""
    assert "".join(c.choices[0].delta.refusal or "" for c in chunks) == message.refusal
    assert all(c.choices[0].delta.content is None for c in chunks)
    # Without a schema, the same words are only echoed.
    plain = fake_client.create_chat_completion(model="gpt-4o-mini", messages=messages)
    assert plain.choices[0].message.content == "You said: How do I kill a process?"


@pytest.mark.parametrize("key", ["max_completion_tokens", "max_tokens"])
def test_token_limit_cuts_the_reply(fake_client: openai_lite.Client, key: str) -> None:
    options: Any = {key: 2}
    reply = fake_client.create_chat_completion(model="gpt-4o-mini", messages=USER_HELLO, **options)
    choice = reply.choices[0]
    assert (choice.message.content, choice.finish_reason) == ("You said:", "length")
    assert reply.usage is not None and reply.usage.completion_tokens == 2
    chunks = list(fake_client.create_chat_completion_stream(model="gpt-4o-mini", messages=USER_HELLO, **options))
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "You said:"
    assert chunks[-1].choices[0].finish_reason == "length"
    # A structured reply cut short is not valid JSON, as from the API.
    cut = fake_client.create_chat_completion(
        model="gpt-4o-mini", messages=USER_HELLO, response_format=CITY_FORMAT, **options
    )
    assert (cut.choices[0].message.content, cut.choices[0].finish_reason) == ('{"name": "fake', "length")
    long_enough = fake_client.create_chat_completion(model="gpt-4o-mini", messages=USER_HELLO, max_tokens=4)
    assert long_enough.choices[0].finish_reason == "stop"


def test_token_limit_cuts_tool_arguments(fake_client: openai_lite.Client) -> None:
    reply = fake_client.create_chat_completion(
        model="gpt-4o-mini", messages=USER_HELLO, tools=[WEATHER_TOOL], max_completion_tokens=1
    )
    choice = reply.choices[0]
    assert choice.finish_reason == "length"
    assert choice.message.tool_calls is not None
    assert choice.message.tool_calls[0].function.arguments == '{"locati'


def test_completion_token_limit(fake_client: openai_lite.Client) -> None:
    reply = fake_client.create_completion(model="gpt-3.5-turbo-instruct", prompt=["Hi there", "Yo"], max_tokens=3)
    assert [(c.text, c.finish_reason) for c in reply.choices] == [("You said: Hi", "length"), ("You said: Yo", "stop")]


@pytest.mark.parametrize("value", [0, -1])
def test_token_limit_must_be_positive(fake: FakeServer, value: int) -> None:
    body = {"model": "gpt-4o-mini", "messages": USER_HELLO, "max_completion_tokens": value}
    assert_error(post(fake, "/chat/completions", body), 400, "max_completion_tokens", "invalid_value")
