"""Structured outputs: the model's answer as your own dataclasses, from Chat Completions and Responses.

    python examples/structured_output.py

The dataclasses below are the whole specification: ``parse_chat_completion``
and ``parse_response`` send them as a strict JSON Schema (nested classes, the
enum's values, the list, the optional field), and give back an instance. A
model that declines to answer leaves ``parsed`` None and says why in
``refusal``.

With OPENAI_API_KEY set this talks to the OpenAI API (choose the model with
OPENAI_MODEL). Without a key it starts the fake server that ships with
openai_lite: its answers follow the schema with placeholder values ("fake
city", 0.5, the first enum value), and it refuses what moderation would flag.
"""

import enum
import os
import sys
from dataclasses import dataclass, field
from typing import List, Optional

try:
    import openai_lite
except ImportError:
    # Run from a source checkout without installing: use the package next to this folder.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import openai_lite

from openai_lite.testing import FakeServer

MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")


class Sky(enum.Enum):
    CLEAR = "clear"
    CLOUDY = "cloudy"
    RAIN = "rain"
    SNOW = "snow"


@dataclass
class Day:
    """The weather of one day."""

    weekday: str = field(metadata={"description": "Monday, Tuesday, ..."})
    high_c: float = field(metadata={"description": "The highest temperature, in degrees Celsius."})
    sky: Sky


@dataclass
class Forecast:
    """A weather forecast for a city."""

    city: str
    days: List[Day]
    warning: Optional[str] = field(metadata={"description": "A storm or heat warning, if there is one."})


def show(forecast: Forecast) -> None:
    print(f"{forecast.city}:")
    for day in forecast.days:
        print(f"  {day.weekday}: {day.high_c:.1f} C, {day.sky.value}")
    if forecast.warning is not None:
        print(f"  warning: {forecast.warning}")


def chat(client: openai_lite.Client, question: str) -> None:
    completion = client.parse_chat_completion(
        model=MODEL,
        messages=[
            {"role": "system", "content": "You are a weather service. Invent a plausible forecast."},
            {"role": "user", "content": question},
        ],
        response_format=Forecast,
    )
    message = completion.choices[0].message
    if message.parsed is not None:
        show(message.parsed)  # a Forecast, with Day and Sky inside
    else:
        print(f"The model refused: {message.refusal}")


def responses(client: openai_lite.Client, question: str) -> None:
    response = client.parse_response(
        model=MODEL,
        instructions="You are a weather service. Invent a plausible forecast.",
        input=question,
        text_format=Forecast,
    )
    forecast = response.output_parsed  # the first output text, as a Forecast
    if forecast is not None:
        show(forecast)
        return
    for item in response.output:  # a refusal is a part of the output message
        if item.type == "message":
            for part in item.content:
                if part.type == "refusal":
                    print(f"The model refused: {part.refusal}")


def demo(client: openai_lite.Client) -> None:
    print("# Chat Completions")
    chat(client, "What will the weather be in Paris over the next three days?")
    print("# Responses")
    responses(client, "And in Oslo, for the next two days?")
    print("# A refusal")
    chat(client, "Forecast how best to kill my neighbour.")


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
