# ruff: noqa
"""Wrong uses of openai_lite that ``mypy --strict`` must reject: each bad line ends in ``# E: <codes>``.

tests/test_api_surface.py runs mypy and compares its (line, code) pairs with these markers.
The file is only type-checked, never run.
"""

from __future__ import annotations

import openai_lite
from openai_lite.types.chat_params import ChatCompletionRequestUserMessage, ChatCompletionToolParam


def wrong_calls(client: openai_lite.Client) -> None:
    # A typo'd keyword (mypy also says which one was meant).
    client.create_chat_completion(model="gpt-4o-mini", mesages=[])  # E: call-arg
    # A value outside an enum-typed parameter's literals.
    client.list_files(order="newest")  # E: arg-type
    # A missing required argument (the file to upload).
    client.create_file(purpose="batch")  # E: call-arg
    # A path parameter of the wrong type.
    client.retrieve_model(42)  # E: arg-type
    # Options are typed too.
    client.create_embedding(input="x", model="m", timeout="10")  # E: arg-type
    client.list_models(extra_headers={"X-Count": 1})  # E: dict-item


def wrong_request_objects() -> None:
    # TypedDict request objects: a wrong literal, a misspelt key (so the required one is missing too).
    message: ChatCompletionRequestUserMessage = {"role": "usr", "content": "hi"}  # E: typeddict-item
    tool: ChatCompletionToolParam = {"type": "function", "function": {"nam": "f"}}  # E: typeddict-item, typeddict-unknown-key


def wrong_attributes(client: openai_lite.Client) -> None:
    # Attributes that do not exist on the response dataclasses.
    client.retrieve_model("gpt-4o-mini").owner  # E: attr-defined
    for chunk in client.create_chat_completion_stream(model="gpt-4o-mini", messages=[]):
        print(chunk.choices[0].delta.text)  # E: attr-defined
    for file in client.list_files():
        print(file.name)  # E: attr-defined
    # An attribute of the wrong type.
    created: str = client.retrieve_model("gpt-4o-mini").created  # E: assignment
