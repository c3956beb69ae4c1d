"""Structured outputs with a plain dataclass (issue 11's API): ``mypy --strict`` and pyright accept it.

PENDING until ``Client.parse_chat_completion`` is merged (tests/test_typing.py lists it); only type-checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

import openai_lite


@dataclass
class Weather:
    city: str
    temperature_c: float
    conditions: List[str]
    wind_kph: Optional[float] = None


def chat(client: openai_lite.Client) -> Optional[float]:
    completion = client.parse_chat_completion(
        response_format=Weather,
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Weather in Paris?"}],
    )
    message = completion.choices[0].message
    parsed: Optional[Weather] = message.parsed
    if parsed is None:
        print(message.refusal)
        return None
    return parsed.temperature_c


def responses(client: openai_lite.Client) -> Optional[str]:
    resp = client.parse_response(text_format=Weather, model="gpt-4o-mini", input="Weather in Paris?")
    parsed: Optional[Weather] = resp.output_parsed
    return parsed.city if parsed is not None else resp.output_text
