"""A small, correctly typed program using openai_lite: ``mypy --strict`` must accept it.

It is only type-checked (tests/test_api_surface.py), never run.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import openai_lite
from openai_lite.types.chat import CreateChatCompletionResponse
from openai_lite.types.chat_params import ChatCompletionRequestMessage, ChatCompletionToolParam
from openai_lite.types.files import OpenAIFile
from openai_lite.types.models import Model


def chat(client: openai_lite.Client) -> Optional[str]:
    messages: List[ChatCompletionRequestMessage] = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "What is the weather in Paris?"},
    ]
    tools: List[ChatCompletionToolParam] = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
        }
    ]
    reply: CreateChatCompletionResponse = client.create_chat_completion(
        model="gpt-4o-mini", messages=messages, tools=tools, temperature=0.2, timeout=30
    )
    choice = reply.choices[0]
    calls = choice.message.tool_calls or []
    print(len(calls), choice.finish_reason, reply.usage.total_tokens if reply.usage else None)
    return choice.message.content


def stream(client: openai_lite.Client) -> str:
    parts: List[str] = []
    for chunk in client.create_chat_completion_stream(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Count to three."}]
    ):
        for choice in chunk.choices:
            if choice.delta.content is not None:
                parts.append(choice.delta.content)
    return "".join(parts)


def files(client: openai_lite.Client, path: Path) -> List[str]:
    uploaded: OpenAIFile = client.create_file(file=path, purpose="fine-tune")
    names = [uploaded.filename]
    page = client.list_files(limit=10, order="desc")
    for item in page:  # every page, fetched as needed
        names.append(item.filename)
    first: List[OpenAIFile] = page.data
    print(page.has_more, len(first))
    return names


def model_owner(client: openai_lite.Client) -> str:
    model: Model = client.retrieve_model("gpt-4o-mini")
    created: int = model.created
    print(created)
    return model.owned_by


def download(client: openai_lite.Client, file_id: str) -> bytes:
    with client.download_file(file_id) as body:  # a BinaryResponse
        content: bytes = body.content
    return content


def main() -> None:
    with openai_lite.Client(api_key="sk-...", timeout=(5, 60), max_retries=3) as client:
        print(chat(client), stream(client), model_owner(client))
        print(files(client, Path("train.jsonl")), len(download(client, "file-abc")))
