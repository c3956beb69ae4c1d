"""Response objects going back into the next request, and ``output_text``: mypy --strict and pyright accept it.

Only type-checked (tests/test_typing.py), never run.
"""

from __future__ import annotations

import json
from typing import List

import openai_lite
from openai_lite import ResponseAccumulator
from openai_lite.types.chat_params import ChatCompletionRequestMessage, ChatCompletionToolParam


def chat_tool_loop(client: openai_lite.Client, tools: List[ChatCompletionToolParam]) -> str:
    messages: List[ChatCompletionRequestMessage] = [{"role": "user", "content": "Weather in Paris?"}]
    while True:
        reply = client.create_chat_completion(model="gpt-4o-mini", messages=messages, tools=tools)
        message = reply.choices[0].message
        messages.append(message.to_param())
        if not message.tool_calls:
            return message.content or ""
        for call in message.tool_calls:
            if call.type == "function":
                arguments = json.loads(call.function.arguments)
                messages.append({"role": "tool", "tool_call_id": call.id, "content": str(arguments)})


def responses_follow_up(client: openai_lite.Client) -> str:
    first = client.create_response(model="gpt-4o-mini", input="Pick a number.")
    print(first.output_text)
    second = client.create_response(
        model="gpt-4o-mini",
        input=[*first.output, {"role": "user", "content": "Double it."}],
    )
    return second.output_text


def streamed_output_text(client: openai_lite.Client) -> str:
    stream = ResponseAccumulator(client.create_response_stream(model="gpt-4o-mini", input="Hi"))
    for _ in stream:
        print(stream.output_text)  # the text so far
    return stream.final.output_text
