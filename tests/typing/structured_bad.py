"""Mistakes mypy --strict must report in structured-output code: each marked line, nothing else."""

from __future__ import annotations

from dataclasses import dataclass

import openai_lite


@dataclass
class Forecast:
    city: str


client = openai_lite.Client(api_key="sk-test")
completion = client.parse_chat_completion(model="m", messages=[], response_format=Forecast)
forecast = completion.choices[0].message.parsed
print(forecast.city)  # E: union-attr
if forecast is not None:
    print(forecast.town)  # E: attr-defined
    number: int = forecast.city  # E: assignment

client.parse_chat_completion(model="m", messages=[], text_format=Forecast)  # E: call-arg
client.parse_response(model="m", input="hi", response_format=Forecast)  # E: call-arg
client.parse_chat_completion(model="m", messages=[], response_format=Forecast, temperatur=0.5)  # E: call-arg

response = client.parse_response(model="m", input="hi", text_format=Forecast)
city: int = response.output_parsed.city  # E: union-attr, assignment
openai_lite.function_tool(print, strict="yes")  # E: arg-type
openai_lite.json_schema(Forecast)["type"].upper(1, 2, 3)  # no error: a schema is a Dict[str, Any]
