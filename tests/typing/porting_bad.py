# ruff: noqa
"""Code written for the official SDK's layout stays a static error (the run-time hints are in _porting.py).

Each bad line ends in ``# E: <mypy codes>``; only type-checked (tests/test_typing.py), never run.
"""

from __future__ import annotations

import openai_lite


def official_layout(client: openai_lite.Client) -> None:
    client.chat.completions.create(model="gpt-4o-mini", messages=[])  # E: attr-defined
    client.list_fine_tuning_jobs()  # E: attr-defined
    client.files  # E: attr-defined
    # The JSON method takes stream=False only; streaming is its _stream twin.
    client.create_chat_completion(model="gpt-4o-mini", messages=[], stream=True)  # E: arg-type
    client.create_response(model="gpt-4o-mini", input="hi", stream=False)
