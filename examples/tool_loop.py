"""A tool loop: the model calls your Python functions until it can answer.

    python examples/tool_loop.py

``function_tool`` turns a function (its parameters, their types and its
docstring) or a dataclass into a strict tool. ``parse_chat_completion`` then
gives each call ``parsed_arguments``: the keyword arguments for the function,
an instance for the dataclass. The loop sends the assistant's message back
(``message.to_param()``), adds one tool message per call, and asks again.

With OPENAI_API_KEY set this talks to the OpenAI API (choose the model with
OPENAI_MODEL). Without a key it starts the fake server that ships with
openai_lite: it calls the first tool with placeholder arguments ("fake
city"), then echoes the tool's result.
"""

import json
import os
import sys
from dataclasses import dataclass
from typing import Any, Dict, List, Literal

try:
    import openai_lite
except ImportError:
    # Run from a source checkout without installing: use the package next to this folder.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import openai_lite

from openai_lite import function_tool
from openai_lite.testing import FakeServer
from openai_lite.types.chat_params import ChatCompletionRequestMessage

MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")


def get_weather(city: str, unit: Literal["celsius", "fahrenheit"]) -> Dict[str, Any]:
    """The current weather in a city.

    Args:
        city: The city's name, for example Paris.
        unit: The unit of the temperature.
    """
    celsius = 21.0  # a real tool would ask a weather service
    return {"city": city, "temperature": celsius if unit == "celsius" else celsius * 9 / 5 + 32, "unit": unit}


@dataclass
class ConvertCurrency:
    """Convert an amount of money from one currency to another."""

    amount: float
    from_currency: str
    to_currency: str


def convert_currency(request: ConvertCurrency) -> Dict[str, Any]:
    rate = 1.08 if (request.from_currency, request.to_currency) == ("EUR", "USD") else 1.0
    return {"amount": round(request.amount * rate, 2), "currency": request.to_currency}


TOOLS = [function_tool(get_weather), function_tool(ConvertCurrency, name="convert_currency")]


def run(name: str, arguments: Any) -> Dict[str, Any]:
    """Call our side of a tool with the arguments the model chose (already parsed and checked)."""
    if name == "get_weather":
        return get_weather(**arguments)
    if name == "convert_currency":
        return convert_currency(arguments)  # a ConvertCurrency instance
    return {"error": f"no tool called {name}"}


def demo(client: openai_lite.Client) -> None:
    messages: List[ChatCompletionRequestMessage] = [
        {"role": "user", "content": "What is the weather in Paris, and how much is 100 EUR in USD?"}
    ]
    for _ in range(5):  # a few rounds at most: model -> tools -> model ...
        completion = client.parse_chat_completion(model=MODEL, messages=messages, tools=TOOLS)
        message = completion.choices[0].message
        if not message.tool_calls:
            print(f"Answer: {message.content}")
            return
        messages.append(message.to_param())  # the assistant's turn, as a request message
        for call in message.tool_calls:
            if call.type != "function":
                continue  # (custom tools: none offered here)
            print(f"-> {call.function.name}({call.function.parsed_arguments})")
            result = run(call.function.name, call.function.parsed_arguments)
            print(f"<- {result}")
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
    print("No answer after 5 rounds.")


def main() -> None:
    try:
        if os.environ.get("OPENAI_API_KEY"):
            with openai_lite.Client() as client:  # reads OPENAI_API_KEY (and OPENAI_BASE_URL, if set)
                demo(client)
        else:
            with FakeServer() as server:
                print(f"OPENAI_API_KEY is not set: using the built-in fake server at {server.base_url}")
                with openai_lite.Client(api_key="fake-key", base_url=server.base_url) as client:
                    demo(client)
    except openai_lite.APIError as exc:
        sys.exit(f"The API call failed: {exc}")


if __name__ == "__main__":
    main()
