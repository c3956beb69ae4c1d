"""Structured outputs against the spec: the requests the parse methods send, validated by Prism.

Each schema ``json_schema`` builds (nested, recursive, described, every kind of field) goes out as a
``response_format`` / ``text.format``, tools made by ``function_tool`` / ``response_function_tool`` go out
in ``tools``, and response objects go back in ``messages`` / ``input``: Prism answers 422 to anything the
spec does not allow. Its answers are placeholders, not JSON in the requested shape, so parsing them fails
with a ValueError, which is expected here: the request was accepted.
"""

from __future__ import annotations

import enum
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Optional, Tuple, Union

import pytest

import openai_lite
from openai_lite import function_tool, response_function_tool

if sys.version_info >= (3, 11):
    from typing import Annotated, NotRequired, TypedDict
else:
    from typing_extensions import Annotated, NotRequired, TypedDict


class Sky(enum.Enum):
    """The state of the sky."""

    CLEAR = "clear"
    RAIN = "rain"


@dataclass
class Day:
    """One day."""

    high: Annotated[float, "degrees Celsius"]
    sky: Sky
    hours: Tuple[int, ...] = ()


@dataclass
class Forecast:
    """A forecast."""

    city: str = field(metadata={"description": "The city"})
    days: List[Day] = field(default_factory=list)
    today: Annotated[Optional[Day], "today, if known"] = None
    first: Annotated[Day, "the first day"] = field(default_factory=lambda: Day(0.0, Sky.CLEAR))
    kind: Literal["short", "long", 3] = "short"
    score: Union[int, str, None] = None
    flag: bool = False


@dataclass
class Node:
    label: str
    children: List[Node]


class Extra(TypedDict):
    title: str
    note: NotRequired[str]


def get_weather(city: str, unit: Literal["c", "f"] = "c", days: Optional[int] = None) -> str:
    """The weather in a city.

    Args:
        city: The city.
        unit: The unit.
    """
    return city


FORMATS = [Forecast, Node, Extra]
TOOLS = [get_weather, Forecast, Node]


def accepted(call: Any) -> Any:
    """Run ``call``; a 422 (or any other status) fails the test, a reply that cannot be parsed does not."""
    try:
        return call()
    except ValueError:
        return None  # Prism's placeholder answer is not JSON of the requested shape


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda t: t.__name__)
def test_chat_response_format(make_contract_client: Any, fmt: Any) -> None:
    client = make_contract_client()
    accepted(
        lambda: client.parse_chat_completion(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}], response_format=fmt
        )
    )


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda t: t.__name__)
def test_responses_text_format(make_contract_client: Any, fmt: Any) -> None:
    client = make_contract_client()
    accepted(lambda: client.parse_response(model="gpt-4o", input="hi", text_format=fmt, text={"verbosity": "low"}))


@pytest.mark.parametrize("target", TOOLS, ids=lambda t: t.__name__)
@pytest.mark.parametrize("strict", [True, False])
def test_chat_function_tools(make_contract_client: Any, target: Any, strict: bool) -> None:
    client = make_contract_client()
    tools = [function_tool(target, strict=strict), function_tool(get_weather, name="other", description="x")]
    accepted(
        lambda: client.parse_chat_completion(model="gpt-4o", messages=[{"role": "user", "content": "hi"}], tools=tools)
    )


@pytest.mark.parametrize("target", TOOLS, ids=lambda t: t.__name__)
@pytest.mark.parametrize("strict", [True, False])
def test_responses_function_tools(make_contract_client: Any, target: Any, strict: bool) -> None:
    client = make_contract_client()
    tools = [response_function_tool(target, strict=strict)]
    accepted(lambda: client.parse_response(model="gpt-4o", input="hi", tools=tools))


def test_a_chat_message_goes_back(make_contract_client: Any) -> None:
    client = make_contract_client()
    reply = client.create_chat_completion(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    message = reply.choices[0].message
    messages: List[Any] = [{"role": "user", "content": "hi"}, message, {"role": "user", "content": "and?"}]
    assert client.create_chat_completion(model="gpt-4o", messages=messages).choices is not None


def test_a_tool_call_message_goes_back(make_contract_client: Any) -> None:
    client = make_contract_client()
    # Prism's answer carries no tool call: parse one the way a response would come, then send it back.
    from openai_lite.types.chat import ChatCompletionResponseMessage

    message = ChatCompletionResponseMessage.from_dict(
        {
            "role": "assistant",
            "content": None,
            "refusal": None,
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
            ],
        }
    )
    messages: List[Any] = [
        {"role": "user", "content": "weather?"},
        message,
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
    ]
    accepted(
        lambda: client.parse_chat_completion(model="gpt-4o", messages=messages, tools=[function_tool(get_weather)])
    )


def test_responses_output_items_go_back(make_contract_client: Any) -> None:
    client = make_contract_client()
    from openai_lite.types.responses import FunctionToolCall

    call = FunctionToolCall.from_dict(
        {
            "type": "function_call",
            "id": "fc_1",
            "call_id": "call_1",
            "name": "get_weather",
            "arguments": "{}",
            "status": "completed",
        }
    )
    items: List[Dict[str, Any]] = [{"role": "user", "content": "weather?"}]
    accepted(
        lambda: client.parse_response(
            model="gpt-4o",
            input=[*items, call, {"type": "function_call_output", "call_id": "call_1", "output": "sunny"}],  # type: ignore[list-item]
            tools=[response_function_tool(get_weather)],
        )
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.parse_chat_completion(model="gpt-4o", messages=[], response_format={"type": "json_schema"}),
        lambda c: c.parse_response(model="gpt-4o", input="hi", text_format={"type": "json_schema"}),
        lambda c: c.parse_chat_completion(model="gpt-4o", messages=[], tools=[{"type": "function", "function": {}}]),
    ],
    ids=["chat-format-without-schema", "responses-format-without-schema", "chat-tool-without-name"],
)
def test_prism_rejects_a_wrong_shape(make_contract_client: Any, call: Any) -> None:
    # The check that this suite can fail: a format dict is sent as it is, and an incomplete one is a 422.
    with pytest.raises(openai_lite.UnprocessableEntityError):
        call(make_contract_client())
