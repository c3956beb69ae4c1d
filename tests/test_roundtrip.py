"""Response objects passed back into the next request, end to end against the FakeServer.

A response object goes back as the JSON it came as (``_encoding``: a ``BaseModel`` in a request
body), a chat message also as ``to_param()`` (``_mixins``); the values the parse methods add
(``parsed``, ``parsed_arguments``) never go back. Each first reply is scripted with exact JSON, so
that the test can say what the server must receive next.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Dict, List

import pytest

import openai_lite
from openai_lite import function_tool, response_function_tool
from openai_lite.testing import FakeServer


@dataclass
class City:
    name: str


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


# -- Responses: input=[*previous.output, {...}] ----------------------------------------------

OUTPUT = [
    {"id": "rs_1", "type": "reasoning", "summary": [], "encrypted_content": None},
    {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": '{"name": "Paris"}', "annotations": [], "logprobs": []}],
    },
    {
        "id": "fc_1",
        "type": "function_call",
        "call_id": "call_1",
        "name": "get_weather",
        "arguments": '{"city": "Paris"}',
        "status": "completed",
    },
]
RESPONSE = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1,
    "status": "completed",
    "model": "gpt-4o-mini",
    "output": OUTPUT,
    "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2},
}
FOLLOW_UP = {"type": "function_call_output", "call_id": "call_1", "output": "sunny in Paris"}


def first_response(client: openai_lite.Client, how: str) -> Any:
    if how == "create_response":
        return client.create_response(model="gpt-4o-mini", input="Weather in Paris?")
    tools = [response_function_tool(get_weather)]
    parsed = client.parse_response(model="gpt-4o-mini", input="Weather in Paris?", text_format=City, tools=tools)
    assert parsed.output_parsed == City("Paris")  # (the values that must not go back are there)
    return parsed


@pytest.mark.parametrize("how", ["create_response", "parse_response"])
def test_previous_output_goes_back_as_received(fake: FakeServer, fake_client: openai_lite.Client, how: str) -> None:
    fake.queue_reply("/responses", copy.deepcopy(RESPONSE))
    previous = first_response(fake_client, how)
    fake_client.create_response(model="gpt-4o-mini", input=[*previous.output, FOLLOW_UP])
    assert fake.requests[-1].body["input"] == [*OUTPUT, FOLLOW_UP]


# -- Chat: messages.append(reply.choices[0].message) -------------------------------------------

CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}
MESSAGE = {"role": "assistant", "content": None, "refusal": None, "annotations": [], "tool_calls": [CALL]}
COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "finish_reason": "tool_calls", "logprobs": None, "message": MESSAGE}],
}
AS_PARAM = {"role": "assistant", "content": None, "refusal": None, "tool_calls": [CALL]}

CHAT_CASES = [
    # (how the first reply is asked for, how its message goes back, what the server must receive)
    ("create_chat_completion", "the object", MESSAGE),
    ("create_chat_completion", "to_param()", AS_PARAM),
    ("parse_chat_completion", "the object", MESSAGE),
    ("parse_chat_completion", "to_param()", AS_PARAM),
]


@pytest.mark.parametrize(("how", "back", "expected"), CHAT_CASES)
def test_the_assistant_message_goes_back(
    fake: FakeServer, fake_client: openai_lite.Client, how: str, back: str, expected: Dict[str, Any]
) -> None:
    fake.queue_reply("/chat/completions", copy.deepcopy(COMPLETION))
    messages: List[Any] = [{"role": "user", "content": "Weather in Paris?"}]
    if how == "parse_chat_completion":
        reply: Any = fake_client.parse_chat_completion(
            model="gpt-4o-mini", messages=messages, tools=[function_tool(get_weather)]
        )
        assert reply.choices[0].message.tool_calls[0].function.parsed_arguments == {"city": "Paris"}
    else:
        reply = fake_client.create_chat_completion(model="gpt-4o-mini", messages=messages)
    message = reply.choices[0].message
    messages.append(message if back == "the object" else message.to_param())
    messages.append({"role": "tool", "tool_call_id": "call_1", "content": "sunny in Paris"})
    answer = fake_client.create_chat_completion(model="gpt-4o-mini", messages=messages)
    sent = fake.requests[-1].body["messages"]
    assert sent == [messages[0], expected, messages[2]]
    assert answer.choices[0].message.content  # (the fake answered the follow-up as usual)
