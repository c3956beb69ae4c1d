"""Streamed structured output: watch the JSON arrive, then use it as your own dataclass.

    python examples/stream_structured.py

``parse_chat_completion_stream`` and ``parse_response_stream`` take the same
arguments as their non-streamed twins. Iterate them for the chunks or events
as they come (here: the JSON text, piece by piece); ``final`` is then the
whole result, parsed: ``final.choices[0].message.parsed`` for chat,
``final.output_parsed`` for Responses.

With OPENAI_API_KEY set this talks to the OpenAI API (choose the model with
OPENAI_MODEL). Without a key it starts the fake server that ships with
openai_lite, whose answers follow the schema with placeholder values.
"""

import os
import sys
from dataclasses import dataclass
from typing import List, Literal

try:
    import openai_lite
except ImportError:
    # Run from a source checkout without installing: use the package next to this folder.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import openai_lite

from openai_lite.testing import FakeServer
from openai_lite.types.chat_params import ChatCompletionRequestMessage

MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")


@dataclass
class Step:
    action: str
    minutes: int


@dataclass
class Recipe:
    """A recipe, step by step."""

    title: str
    difficulty: Literal["easy", "medium", "hard"]
    steps: List[Step]


def show(recipe: Recipe) -> None:
    print(f"{recipe.title} ({recipe.difficulty}, {sum(s.minutes for s in recipe.steps)} minutes):")
    for number, step in enumerate(recipe.steps, 1):
        print(f"  {number}. {step.action} ({step.minutes} min)")


def demo(client: openai_lite.Client) -> None:
    print("# Chat Completions, streamed")
    question = "A quick pancake recipe."
    messages: List[ChatCompletionRequestMessage] = [{"role": "user", "content": question}]
    with client.parse_chat_completion_stream(model=MODEL, messages=messages, response_format=Recipe) as stream:
        for chunk in stream:
            for choice in chunk.choices:
                print(choice.delta.content or "", end="", flush=True)  # the JSON, as it is written
    print()
    recipe = stream.final.choices[0].message.parsed
    if recipe is not None:
        show(recipe)
    else:
        print(f"The model refused: {stream.final.choices[0].message.refusal}")

    print("# Responses, streamed")
    with client.parse_response_stream(model=MODEL, input="A simple bread recipe.", text_format=Recipe) as events:
        for event in events:
            if event.type == "response.output_text.delta":
                print(event.delta, end="", flush=True)
    print()
    parsed = events.final.output_parsed
    if parsed is not None:
        show(parsed)
    else:
        print("The model refused.")


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
