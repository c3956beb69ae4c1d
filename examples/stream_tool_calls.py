"""Streamed tool calls: watch the model call a function, run it, and stream the answer that uses its result.

    python examples/stream_tool_calls.py

The chunks of a streamed tool call carry its arguments in pieces; the
ChatCompletionAccumulator merges them (by call index) into whole calls.

With OPENAI_API_KEY set this talks to the OpenAI API (choose the model with
OPENAI_MODEL). Without a key it starts the fake server that ships with
openai_lite: it calls the tool with placeholder arguments, then echoes the result.
"""

import json
import os
import sys
from typing import Any, Dict, List

try:
    import openai_lite
except ImportError:
    # Run from a source checkout without installing: use the package next to this folder.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import openai_lite

from openai_lite import ChatCompletionAccumulator
from openai_lite.testing import FakeServer
from openai_lite.types.chat import ChatCompletionMessageToolCall

MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")

TOOLS: List[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The current weather in a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
                "additionalProperties": False,
            },
        },
    }
]


def get_weather(city: str) -> Dict[str, Any]:
    """Our side of the tool (a real one would ask a weather service)."""
    return {"city": city, "temperature_c": 21, "sky": "clear"}


FUNCTIONS = {"get_weather": get_weather}


def demo(client: openai_lite.Client) -> None:
    messages: List[Any] = [{"role": "user", "content": "What is the weather like in Paris?"}]
    for _ in range(3):  # a few rounds at most: model -> tools -> model ...
        stream = ChatCompletionAccumulator(
            client.create_chat_completion_stream(model=MODEL, messages=messages, tools=TOOLS)
        )
        calling = False
        for chunk in stream:
            for choice in chunk.choices:
                print(choice.delta.content or "", end="", flush=True)
                # A call's first piece has its name, the next ones pieces of its JSON arguments.
                for piece in choice.delta.tool_calls or []:
                    if piece.function is None:
                        continue
                    if piece.function.name:  # a new call
                        print(")\n" if calling else "", end="")
                        print(f"-> calling {piece.function.name}(", end="")
                        calling = True
                    print(piece.function.arguments or "", end="", flush=True)
        print(")" if calling else "")

        message = stream.final.choices[0].message  # the calls, merged from their pieces
        if not message.tool_calls:
            return
        # Send back the assistant's turn with its calls, then one tool message per call.
        messages.append(
            {"role": "assistant", "content": message.content, "tool_calls": [c.to_dict() for c in message.tool_calls]}
        )
        for call in message.tool_calls:
            assert isinstance(call, ChatCompletionMessageToolCall)  # a function call: we offer no custom tools
            result = FUNCTIONS[call.function.name](**json.loads(call.function.arguments))
            print(f"<- {call.function.name} returned {result}")
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})


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
