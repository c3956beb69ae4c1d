"""Structured outputs and tools as a user writes them: mypy --strict and pyright (strict) accept every line.

Only type-checked (tests/test_typing.py), never run.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, TypedDict

import openai_lite
from openai_lite import (
    ContentFilterFinishReasonError,
    LengthFinishReasonError,
    ParsedChatCompletion,
    ParsedChatCompletionAccumulator,
    ParsedChatCompletionMessage,
    ParsedChoice,
    ParsedFunction,
    ParsedFunctionToolCall,
    ParsedResponse,
    ParsedResponseAccumulator,
    ParsedResponseFunctionToolCall,
    ParsedResponseOutputMessage,
    ParsedResponseOutputText,
    function_tool,
    json_schema,
    response_function_tool,
)
from openai_lite.types.chat_params import ChatCompletionRequestMessage


class Sky(enum.Enum):
    CLEAR = "clear"
    CLOUDY = "cloudy"


@dataclass
class Day:
    high: float
    sky: Sky


@dataclass
class Forecast:
    """A weather forecast."""

    city: str
    days: List[Day] = field(default_factory=lambda: [])  # (pyright strict: `list` alone is list[Unknown])
    note: Optional[str] = None


class Point(TypedDict):
    x: int
    y: int


def get_weather(city: str, unit: str = "c") -> str:
    """Get the weather.

    Args:
        city: The city.
        unit: c or f.
    """
    return f"sunny in {city}"


schema: Dict[str, Any] = json_schema(Forecast)
tool = function_tool(get_weather)
tool_from_class = function_tool(Point, name="point", description="A point.", strict=True)
response_tool = response_function_tool(get_weather)

client = openai_lite.Client(api_key="sk-test")

# Chat: parsed is Optional[Forecast]
completion: ParsedChatCompletion[Forecast] = client.parse_chat_completion(
    model="gpt-4o-mini", messages=[{"role": "user", "content": "Forecast?"}], response_format=Forecast
)
choice: ParsedChoice[Forecast] = completion.choices[0]
message: ParsedChatCompletionMessage[Forecast] = choice.message
forecast = message.parsed
if forecast is not None:
    first_high: float = forecast.days[0].high
    sky: Sky = forecast.days[0].sky
elif message.refusal:
    refusal_text: str = message.refusal

# A TypedDict format: parsed is the dict
points = client.parse_chat_completion(model="m", messages=[], response_format=Point)
point = points.choices[0].message.parsed
if point is not None:
    total: int = point["x"] + point["y"]

# A dict format: parsed is Any
raw = client.parse_chat_completion(model="m", messages=[], response_format={"type": "json_object"})
anything: Any = raw.choices[0].message.parsed

# A tool loop
messages: List[ChatCompletionRequestMessage] = [{"role": "user", "content": "Weather in Paris?"}]
reply = client.parse_chat_completion(model="gpt-4o-mini", messages=messages, tools=[tool])
messages.append(reply.choices[0].message.to_param())  # (a parsed message is still a response message)
for call in reply.choices[0].message.tool_calls or []:
    if call.type == "function":
        function: ParsedFunction = call.function
        arguments: Dict[str, Any] = function.parsed_arguments
        result = get_weather(**arguments)
        messages.append({"role": "tool", "tool_call_id": call.id, "content": result})
    if isinstance(call, ParsedFunctionToolCall):
        name: str = call.function.name

# Streams
with client.parse_chat_completion_stream(model="m", messages=[], response_format=Forecast) as chat_stream:
    for chunk in chat_stream:
        print(chunk.choices[0].delta.content or "", end="")
streamed: Optional[Forecast] = chat_stream.final.choices[0].message.parsed
wrapped: ParsedChatCompletionAccumulator[Forecast] = ParsedChatCompletionAccumulator(
    client.create_chat_completion_stream(model="m", messages=[]), response_format=Forecast
)

# Responses
response: ParsedResponse[Forecast] = client.parse_response(
    model="gpt-4o-mini", input="Forecast?", text_format=Forecast, tools=[response_tool]
)
parsed_output: Optional[Forecast] = response.output_parsed
all_text: str = response.output_text
for item in response.output:
    if item.type == "function_call":
        call_arguments: Any = item.parsed_arguments
        tool_call: ParsedResponseFunctionToolCall = item
    elif isinstance(item, ParsedResponseOutputMessage):
        for part in item.content:
            if isinstance(part, ParsedResponseOutputText):
                part_parsed: Optional[Forecast] = part.parsed

with client.parse_response_stream(model="m", input="hi", text_format=Forecast) as response_stream:
    for event in response_stream:
        print(event.type)
    text_so_far: str = response_stream.output_text
final_forecast: Optional[Forecast] = response_stream.final.output_parsed
own: ParsedResponseAccumulator[Forecast] = ParsedResponseAccumulator(
    client.create_response_stream(model="m", input="hi"), text_format=Forecast
)


# In a function, the format given first (keyword order does not matter)
def high_of_today(client: openai_lite.Client) -> Optional[float]:
    completion = client.parse_chat_completion(
        response_format=Forecast, model="gpt-4o-mini", messages=[{"role": "user", "content": "Forecast?"}]
    )
    message = completion.choices[0].message
    if message.parsed is None:
        print(message.refusal)
        return None
    return message.parsed.days[0].high if message.parsed.days else None


try:
    client.parse_chat_completion(model="m", messages=[], response_format=Forecast)
except LengthFinishReasonError as exc:
    print(exc.completion)
except ContentFilterFinishReasonError:
    pass

print(json.dumps(schema), tool, tool_from_class)
