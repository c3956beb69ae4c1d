# ruff: noqa
"""Wrong uses of streams and nullable fields: each bad line ends in ``# E: <mypy codes>``.

Only type-checked (tests/test_api_surface.py), never run. pyright must report an error on the same lines.
"""

from __future__ import annotations

import openai_lite
from openai_lite import ResponseAccumulator, RunAccumulator


def not_narrowed(client: openai_lite.Client) -> None:
    for ev in client.create_response_stream(model="gpt-4o-mini", input="hi"):
        print(ev.delta)  # E: union-attr
        if ev.type == "response.completed":
            print(ev.delta)  # E: attr-defined
    for step in client.create_run_stream("thread_abc", assistant_id="asst_abc"):
        print(step.data.usage)  # E: union-attr


def accumulators_yield_the_stream_events(client: openai_lite.Client) -> None:
    for ev in ResponseAccumulator(client.create_response_stream(model="gpt-4o-mini", input="hi")):
        print(ev.delta)  # E: union-attr
    for step in RunAccumulator(client.create_run_stream("thread_abc", assistant_id="asst_abc")):
        if step.event == "thread.message.delta":
            print(step.data.status)  # E: attr-defined


def nullable_fields_unguarded(client: openai_lite.Client) -> None:
    resp = client.create_response(model="gpt-4o-mini", input="hi")
    print(resp.error.message)  # E: union-attr
    run = client.get_run("thread_abc", "run_abc")
    print(run.usage.total_tokens)  # E: union-attr


def output_text_is_a_str(client: openai_lite.Client) -> None:
    resp = client.create_response(model="gpt-4o-mini", input="hi")
    resp.output_text = "changed"  # E: misc
    count: int = resp.output_text  # E: assignment
