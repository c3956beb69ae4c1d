"""Members of the generated types beyond their fields (``_mixins.py``): ``output_text`` and ``to_param()``.

The generator gives them to the classes tools/codegen/overrides.py names; tests/test_types.py checks
that every property the spec marks as computed by the SDKs became such a member.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
from _loopback import LoopbackServer, json_reply, sse_event, sse_reply

from openai_lite import ResponseAccumulator
from openai_lite.types.chat import ChatCompletionResponseMessage, CreateChatCompletionResponse
from openai_lite.types.responses import Response
from openai_lite.types.responses_beta import BetaResponse


def text_part(text: str) -> Dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": []}


def message(*parts: Dict[str, Any]) -> Dict[str, Any]:
    return {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed", "content": list(parts)}


def response(*output: Dict[str, Any], **more: Any) -> Dict[str, Any]:
    return {"id": "resp_1", "object": "response", "status": "completed", "output": list(output), **more}


# ---------------------------------------------------------------------------
# output_text
# ---------------------------------------------------------------------------

OUTPUT_TEXT_CASES = [
    ("no output", response(), ""),
    ("one part", response(message(text_part("Hello"))), "Hello"),
    ("parts and messages joined", response(message(text_part("a"), text_part("b")), message(text_part("c"))), "abc"),
    ("refusal parts left out", response(message({"type": "refusal", "refusal": "no"}, text_part("ok"))), "ok"),
    (
        "other items left out",
        response({"type": "reasoning", "id": "rs_1", "summary": []}, message(text_part("x"))),
        "x",
    ),
    (
        "an unknown item (kept as a dict)",
        response({"type": "from_the_future", "text": "?"}, message(text_part("y"))),
        "y",
    ),
    ("output null", {"id": "resp_1", "output": None}, ""),
    ("what a server sends is ignored", response(message(text_part("real")), output_text="stale"), "real"),
]


@pytest.mark.parametrize("cls", [Response, BetaResponse])
@pytest.mark.parametrize(("case", "data", "expected"), OUTPUT_TEXT_CASES, ids=[c[0] for c in OUTPUT_TEXT_CASES])
def test_output_text(cls: Any, case: str, data: Dict[str, Any], expected: str) -> None:
    parsed = cls.from_dict(data)
    assert parsed.output_text == expected
    assert parsed.to_dict() == data  # a property, not a field: never sent back


def test_output_text_is_not_a_field() -> None:
    import dataclasses

    assert "output_text" not in {f.name for f in dataclasses.fields(Response)}
    assert "output_text=" not in repr(Response.from_dict(response(message(text_part("hi")))))


def test_output_text_of_a_call_and_of_a_stream(server: LoopbackServer, client: Any) -> None:
    done = response(message(text_part("Hi "), text_part("there")))
    server.reply(json_reply(done))
    assert client.create_response(model="m", input="hi").output_text == "Hi there"

    events = [
        {"type": "response.output_text.delta", "delta": "Hi ", "item_id": "msg_1", "output_index": 0},
        {"type": "response.completed", "response": done, "sequence_number": 2},
    ]
    server.reply(sse_reply([sse_event(e) for e in events]))
    stream = ResponseAccumulator(client.create_response_stream(model="m", input="hi"))
    assert stream.final.output_text == "Hi there"


# ---------------------------------------------------------------------------
# to_param() of a chat completion's message
# ---------------------------------------------------------------------------

FUNCTION_CALL = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
}
CUSTOM_CALL = {"id": "call_2", "type": "custom", "custom": {"name": "shell", "input": "ls"}}

TO_PARAM_CASES = [
    (
        "text",
        {"role": "assistant", "content": "Hello", "refusal": None, "annotations": []},
        {"role": "assistant", "content": "Hello", "refusal": None},
    ),
    (
        "refusal",
        {"role": "assistant", "content": None, "refusal": "I can't."},
        {"role": "assistant", "content": None, "refusal": "I can't."},
    ),
    (
        "tool calls, function and custom",
        {"role": "assistant", "content": None, "refusal": None, "tool_calls": [FUNCTION_CALL, CUSTOM_CALL]},
        {"role": "assistant", "content": None, "refusal": None, "tool_calls": [FUNCTION_CALL, CUSTOM_CALL]},
    ),
    (
        "deprecated function call",
        {"role": "assistant", "content": None, "refusal": None, "function_call": {"name": "f", "arguments": "{}"}},
        {"role": "assistant", "content": None, "refusal": None, "function_call": {"name": "f", "arguments": "{}"}},
    ),
    (
        "audio: only its id goes back",
        {
            "role": "assistant",
            "content": None,
            "refusal": None,
            "audio": {"id": "audio_1", "data": "UklGR", "transcript": "Hi", "expires_at": 1},
        },
        {"role": "assistant", "content": None, "refusal": None, "audio": {"id": "audio_1"}},
    ),
    (
        "response-only keys are left out",
        {"role": "assistant", "content": "x", "refusal": None, "annotations": [{"type": "url_citation"}], "extra": 1},
        {"role": "assistant", "content": "x", "refusal": None},
    ),
    (
        "an empty tool call list is left out",
        {"role": "assistant", "content": "x", "refusal": None, "tool_calls": []},
        {"role": "assistant", "content": "x", "refusal": None},
    ),
]


@pytest.mark.parametrize(("case", "data", "expected"), TO_PARAM_CASES, ids=[c[0] for c in TO_PARAM_CASES])
def test_to_param(case: str, data: Dict[str, Any], expected: Dict[str, Any]) -> None:
    param = ChatCompletionResponseMessage.from_dict(data).to_param()
    assert param == expected
    json.dumps(param)  # plain JSON: sendable as it is


def test_a_tool_loop_sends_the_message_back(server: LoopbackServer, client: Any) -> None:
    first = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {"role": "assistant", "content": None, "refusal": None, "tool_calls": [FUNCTION_CALL]},
            }
        ],
    }
    server.reply(json_reply(first), json_reply({**first, "choices": []}))
    messages: List[Any] = [{"role": "user", "content": "Weather in Paris?"}]
    reply: CreateChatCompletionResponse = client.create_chat_completion(model="m", messages=messages)
    messages.append(reply.choices[0].message.to_param())
    messages.append({"role": "tool", "tool_call_id": "call_1", "content": "18C"})
    client.create_chat_completion(model="m", messages=messages)
    sent = server.last_request.json()["messages"]
    assert sent[1] == {"role": "assistant", "content": None, "refusal": None, "tool_calls": [FUNCTION_CALL]}
    assert sent[2]["role"] == "tool"
