"""ParsedChatCompletion: contents and tool arguments parsed, refusals, finish reasons, and streams."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import pytest
from _loopback import LoopbackServer, sse_event, sse_reply

from openai_lite import (
    ChatCompletionAccumulator,
    ContentFilterFinishReasonError,
    LengthFinishReasonError,
    ParsedChatCompletion,
    ParsedChatCompletionAccumulator,
    ParsedChatCompletionMessage,
    ParsedChoice,
    ParsedFunction,
    ParsedFunctionToolCall,
    function_tool,
)
from openai_lite._parsed_chat import parsed_chat_completion
from openai_lite.types.chat import CreateChatCompletionResponse


class Sky(enum.Enum):
    CLEAR = "clear"
    RAIN = "rain"


@dataclass
class Day:
    high: float
    sky: Sky


@dataclass
class Forecast:
    city: str
    days: List[Day]
    alert: Optional[str]


@dataclass
class Lookup:
    order_id: str


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


FORECAST = {"city": "Paris", "days": [{"high": 21, "sky": "clear"}, {"high": 18.5, "sky": "rain"}], "alert": None}
PARSED = Forecast("Paris", [Day(21.0, Sky.CLEAR), Day(18.5, Sky.RAIN)], None)
USAGE = {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}


def call(name: str, arguments: str, id: str = "call_1") -> Dict[str, Any]:
    return {"id": id, "type": "function", "function": {"name": name, "arguments": arguments}}


def message(content: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
    return {"role": "assistant", "content": content, "refusal": None, **fields}


def completion(*messages: Dict[str, Any], finish_reason: str = "stop") -> Dict[str, Any]:
    choices = [
        {"index": i, "finish_reason": finish_reason, "message": m, "logprobs": None} for i, m in enumerate(messages)
    ]
    return {"id": "c1", "object": "chat.completion", "created": 1, "model": "m", "choices": choices, "usage": USAGE}


def parse(data: Dict[str, Any], response_format: Any = None, tools: Any = None) -> Any:
    return parsed_chat_completion(CreateChatCompletionResponse.from_dict(data), response_format, tools)


def test_every_choice_is_parsed_into_the_type() -> None:
    result = parse(
        completion(message(json.dumps(FORECAST)), message(json.dumps({**FORECAST, "city": "Oslo"}))), Forecast
    )
    assert isinstance(result, ParsedChatCompletion) and isinstance(result, CreateChatCompletionResponse)
    assert isinstance(result.choices[0], ParsedChoice)
    assert isinstance(result.choices[0].message, ParsedChatCompletionMessage)
    assert result.choices[0].message.parsed == PARSED
    assert result.choices[1].message.parsed.city == "Oslo"
    assert result.usage.total_tokens == 12  # the rest of the completion as usual


def test_the_parsed_values_stay_out_of_to_dict() -> None:
    data = completion(message(json.dumps(FORECAST), tool_calls=[call("get_weather", '{"city": "Oslo"}')]))
    result = parse(data, Forecast, [function_tool(get_weather)])
    assert result.to_dict() == data
    assert result.choices[0].message.to_dict() == data["choices"][0]["message"]  # sent back as received
    assert "parsed=Forecast(city='Paris'" in repr(result)


def test_a_refusal_leaves_parsed_none() -> None:
    result = parse(completion(message(None, refusal="I can't help with that.")), Forecast)
    assert result.choices[0].message.parsed is None
    assert result.choices[0].message.refusal == "I can't help with that."


def test_tool_calls_get_parsed_arguments() -> None:
    calls = [
        call("get_weather", '{"city": "Oslo"}', "c1"),
        call("lookup", '{"order_id": "o-1"}', "c2"),
        call("plain", '{"a": [1]}', "c3"),
        call("loose", "not json", "c4"),
        call("unknown", "{}", "c5"),
        {"id": "c6", "type": "custom", "custom": {"name": "free", "input": "text"}},
    ]
    tools = [
        function_tool(get_weather),
        function_tool(Lookup, name="lookup"),
        {"type": "function", "function": {"name": "plain", "parameters": {}, "strict": True}},
        {"type": "function", "function": {"name": "loose", "parameters": {}}},
    ]
    result = parse(completion(message(None, tool_calls=calls), finish_reason="tool_calls"), None, tools)
    got = result.choices[0].message.tool_calls
    assert [type(c).__name__ for c in got] == [*["ParsedFunctionToolCall"] * 5, "ChatCompletionMessageCustomToolCall"]
    assert isinstance(got[0], ParsedFunctionToolCall) and isinstance(got[0].function, ParsedFunction)
    assert [c.function.parsed_arguments for c in got[:5]] == [{"city": "Oslo"}, Lookup("o-1"), {"a": [1]}, None, None]
    assert result.choices[0].message.parsed is None


def test_the_length_finish_reason_raises() -> None:
    with pytest.raises(LengthFinishReasonError) as info:
        parse(completion(message('{"city": "Par'), finish_reason="length"), Forecast)
    assert isinstance(info.value.completion, ParsedChatCompletion)
    assert str(info.value).startswith("Could not parse response content as the length limit was reached - ")
    assert "total_tokens=12" in str(info.value)


def test_the_content_filter_finish_reason_raises() -> None:
    with pytest.raises(ContentFilterFinishReasonError, match="rejected by the content filter") as info:
        parse(completion(message(None), finish_reason="content_filter"), Forecast)
    assert info.value.completion.id == "c1"


@pytest.mark.parametrize(
    ("fmt", "parsed"),
    [
        ({"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}, FORECAST),
        ({"type": "json_object"}, FORECAST),
        ({"type": "text"}, None),
        (None, None),
    ],
)
def test_a_dict_format_gives_the_decoded_json(fmt: Any, parsed: Any) -> None:
    assert parse(completion(message(json.dumps(FORECAST))), fmt).choices[0].message.parsed == parsed


def test_content_that_does_not_fit_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"the message content does not match Forecast: Forecast.days\[0\].sky"):
        parse(completion(message('{"city": "x", "days": [{"high": 1, "sky": "snow"}], "alert": null}')), Forecast)


def test_subscripting_the_types_gives_the_class_at_run_time() -> None:
    assert ParsedChatCompletion[Forecast] is ParsedChatCompletion
    assert ParsedChoice[Forecast] is ParsedChoice


# -- streams ----------------------------------------------------------------------

HEAD = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m"}


def chunk(finish_reason: Optional[str] = None, **delta: Any) -> str:
    return sse_event({**HEAD, "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]})


def text_stream(text: str, finish_reason: str = "stop") -> Any:
    pieces = [chunk(content=text[i : i + 5]) for i in range(0, len(text), 5)]
    return sse_reply([chunk(role="assistant", content=""), *pieces, chunk(finish_reason), "data: [DONE]\n\n"])


def test_a_stream_gives_a_parsed_final(client: Any, server: LoopbackServer) -> None:
    server.reply(text_stream(json.dumps(FORECAST)))
    stream = ParsedChatCompletionAccumulator(
        client.create_chat_completion_stream(model="m", messages=[]), response_format=Forecast
    )
    assert isinstance(stream, ChatCompletionAccumulator)
    seen = "".join(c.choices[0].delta.content or "" for c in stream)
    assert json.loads(seen) == FORECAST
    assert stream.final.choices[0].message.parsed == PARSED
    assert stream.final.choices[0].message.content == json.dumps(FORECAST)


def test_a_streamed_tool_call_gets_parsed_arguments(client: Any, server: LoopbackServer) -> None:
    first = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}
    pieces = [{"index": 0, "function": {"arguments": p}} for p in ('{"ci', 'ty": "Os', 'lo"}')]
    events = [chunk(role="assistant", tool_calls=[first]), *[chunk(tool_calls=[p]) for p in pieces]]
    server.reply(sse_reply([*events, chunk("tool_calls"), "data: [DONE]\n\n"]))
    stream = ParsedChatCompletionAccumulator(
        client.create_chat_completion_stream(model="m", messages=[]), tools=[function_tool(get_weather)]
    )
    calls = stream.final.choices[0].message.tool_calls
    assert calls is not None and calls[0].function.parsed_arguments == {"city": "Oslo"}


def test_a_stream_cut_at_the_length_limit_raises_at_final(client: Any, server: LoopbackServer) -> None:
    server.reply(text_stream('{"city": "Pa', finish_reason="length"))
    stream = ParsedChatCompletionAccumulator(
        client.create_chat_completion_stream(model="m", messages=[]), response_format=Forecast
    )
    with pytest.raises(LengthFinishReasonError):
        stream.final  # noqa: B018


def test_a_stream_without_format_or_tools_still_gives_a_parsed_completion(client: Any, server: LoopbackServer) -> None:
    server.reply(text_stream("plain text"))
    stream = ParsedChatCompletionAccumulator(client.create_chat_completion_stream(model="m", messages=[]))
    final = stream.final
    assert isinstance(final, ParsedChatCompletion)
    assert final.choices[0].message.parsed is None and final.choices[0].message.content == "plain text"
