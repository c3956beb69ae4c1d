"""ParsedResponse: output text and function call arguments parsed, refusals, incomplete responses, streams."""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import pytest
from _loopback import LoopbackServer, sse_event, sse_reply

from openai_lite import (
    ContentFilterFinishReasonError,
    LengthFinishReasonError,
    ParsedResponse,
    ParsedResponseAccumulator,
    ParsedResponseFunctionToolCall,
    ParsedResponseOutputMessage,
    ParsedResponseOutputText,
    ResponseAccumulator,
    _parsed_response,
    response_function_tool,
)
from openai_lite._parsed_response import parsed_response
from openai_lite.types import responses as generated
from openai_lite.types.responses import Response


@dataclass
class Answer:
    value: int
    reasons: List[str]


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


ANSWER = {"value": 42, "reasons": ["because"]}


def text_message(*texts: str, refusal: Optional[str] = None) -> Dict[str, Any]:
    content: List[Dict[str, Any]] = [{"type": "output_text", "text": t, "annotations": []} for t in texts]
    if refusal is not None:
        content = [{"type": "refusal", "refusal": refusal}]
    return {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed", "content": content}


def function_call(name: str, arguments: str) -> Dict[str, Any]:
    return {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": name, "arguments": arguments}


def response(*output: Dict[str, Any], status: str = "completed", reason: Optional[str] = None) -> Dict[str, Any]:
    details = {"reason": reason} if reason else None
    return {
        "id": "resp_1",
        "object": "response",
        "status": status,
        "incomplete_details": details,
        "output": list(output),
    }


def parse(data: Dict[str, Any], text_format: Any = None, tools: Any = None) -> Any:
    return parsed_response(Response.from_dict(data), text_format, tools)


def test_the_output_text_is_parsed() -> None:
    data = response({"type": "reasoning", "id": "rs_1", "summary": []}, text_message(json.dumps(ANSWER)))
    result = parse(data, Answer)
    assert isinstance(result, ParsedResponse) and isinstance(result, Response)
    assert result.output_parsed == Answer(42, ["because"])
    message = result.output[1]
    assert isinstance(message, ParsedResponseOutputMessage)
    assert isinstance(message.content[0], ParsedResponseOutputText)
    assert message.content[0].parsed == Answer(42, ["because"])
    assert type(result.output[0]).__name__ == "ReasoningItem"
    assert result.to_dict() == data


def test_a_refusal_leaves_output_parsed_none() -> None:
    result = parse(response(text_message(refusal="I can't.")), Answer)
    assert result.output_parsed is None
    assert result.output[0].content[0].refusal == "I can't."


def test_function_calls_get_parsed_arguments() -> None:
    tools = [response_function_tool(get_weather), {"type": "function", "name": "plain", "strict": True}]
    data = response(
        function_call("get_weather", '{"city": "Oslo"}'), function_call("plain", "[1]"), function_call("other", "{}")
    )
    result = parse(data, None, tools)
    assert all(isinstance(item, ParsedResponseFunctionToolCall) for item in result.output)
    assert [item.parsed_arguments for item in result.output] == [{"city": "Oslo"}, [1], None]
    assert result.output_parsed is None


@pytest.mark.parametrize(
    ("reason", "error"),
    [("max_output_tokens", LengthFinishReasonError), ("content_filter", ContentFilterFinishReasonError)],
)
def test_an_incomplete_response_raises(reason: str, error: type) -> None:
    with pytest.raises(error) as info:
        parse(response(text_message('{"value": 4'), status="incomplete", reason=reason), Answer)
    assert info.value.completion.id == "resp_1"  # type: ignore[attr-defined]


def test_a_dict_format_gives_the_decoded_json() -> None:
    assert parse(response(text_message(json.dumps(ANSWER))), {"type": "json_object"}).output_parsed == ANSWER
    assert parse(response(text_message(json.dumps(ANSWER))), None).output_parsed is None


def test_text_that_does_not_fit_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"the output text does not match Answer: Answer\.reasons: missing"):
        parse(response(text_message('{"value": 1}')), Answer)


def test_the_output_items_are_the_generated_ones_with_two_replaced() -> None:
    # ParsedResponse.output names every OutputItem type (for type checkers): it must follow the generator.
    annotation = eval(vars(ParsedResponse)["__annotations__"]["output"], vars(_parsed_response))
    parsed = {m.__name__ for m in typing.get_args(typing.get_args(annotation)[0])}
    expected = {a.__forward_arg__ for a in typing.get_args(generated.OutputItem)}
    expected = expected - {"OutputMessage", "FunctionToolCall"} | {
        "ParsedResponseOutputMessage",
        "ParsedResponseFunctionToolCall",
    }
    assert parsed == expected


# -- streams ----------------------------------------------------------------------


def stream_of(final: Dict[str, Any], text: str) -> Any:
    deltas = [
        sse_event({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0,
                   "delta": text[i : i + 4], "sequence_number": i, "logprobs": []})
        for i in range(0, len(text), 4)
    ]  # fmt: skip
    kind = "response.completed" if final["status"] == "completed" else "response.incomplete"
    return sse_reply([*deltas, sse_event({"type": kind, "response": final, "sequence_number": 99})])


def test_a_stream_gives_a_parsed_final(client: Any, server: LoopbackServer) -> None:
    text = json.dumps(ANSWER)
    server.reply(stream_of(response(text_message(text)), text))
    stream = ParsedResponseAccumulator(client.create_response_stream(model="m", input="hi"), text_format=Answer)
    assert isinstance(stream, ResponseAccumulator)
    for _ in stream:
        pass
    assert stream.output_text == text
    assert stream.final.output_parsed == Answer(42, ["because"])
    assert stream.final is stream.final  # parsed once


def test_a_streamed_function_call_gets_parsed_arguments(client: Any, server: LoopbackServer) -> None:
    server.reply(stream_of(response(function_call("get_weather", '{"city": "Rome"}')), ""))
    stream = ParsedResponseAccumulator(
        client.create_response_stream(model="m", input="hi"), tools=[response_function_tool(get_weather)]
    )
    assert stream.final.output[0].parsed_arguments == {"city": "Rome"}


def test_an_incomplete_stream_raises_at_final(client: Any, server: LoopbackServer) -> None:
    server.reply(stream_of(response(text_message('{"va'), status="incomplete", reason="max_output_tokens"), '{"va'))
    stream = ParsedResponseAccumulator(client.create_response_stream(model="m", input="hi"), text_format=Answer)
    with pytest.raises(LengthFinishReasonError):
        stream.final  # noqa: B018
