"""The ``_stream`` methods against Prism: the request (with ``stream: true``) is validated by Prism, and the
canned event stream it answers (the spec's own streaming examples: ``contract_streams``) must come back as
the declared event types, in order, each with the JSON it arrived with.

Prism only sends the canned stream to a request that asks for ``text/event-stream``; the client's default
``Accept: application/json`` (what the official SDK sends too) would get the JSON response, so these tests
ask for the stream with ``extra_headers``.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any, Dict, List

import pytest
from contract_calls import REALISTIC, build_call, evaluate, is_instance, stream_twins
from contract_exceptions import CLIENT_BUGS, STREAM_BUGS
from contract_spec import ValueGenerator, load_spec, operations
from contract_streams import canned_events

import openai_lite
from openai_lite import BaseModel

SPEC = load_spec()
GEN = ValueGenerator(SPEC)
TWINS = stream_twins(openai_lite.Client)
STREAM_OPS = [op for op in operations(SPEC) if (op.method, op.path) in TWINS]
EVENTS = canned_events()
NAMED_EVENTS = ("createRun", "createThreadAndRun", "submitToolOuputsToRun")

# The streaming request bodies that differ from the plain method's realistic one.
_STREAM_OVERRIDES: Dict[str, Dict[str, Any]] = {
    "createChatCompletion": {"stream_options": {"include_usage": True}},
    "createSpeech": {},  # the twin sends stream_format="sse" itself
    "createImage": {"partial_images": 1},
}


def _param(op: Any) -> Any:
    method = TWINS[(op.method, op.path)]
    marks = []
    reason = STREAM_BUGS.get(method) or CLIENT_BUGS.get(op.operation_id)
    if reason:
        marks.append(pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason))
    return pytest.param(op, id=method, marks=marks)


def test_every_streaming_operation_has_a_canned_stream() -> None:
    assert len(STREAM_OPS) == 11
    assert sorted(op.operation_id for op in STREAM_OPS) == sorted(EVENTS)


@pytest.mark.parametrize("op", [_param(op) for op in STREAM_OPS])
def test_stream(op: Any, make_contract_client: Any) -> None:
    method = TWINS[(op.method, op.path)]
    func = getattr(openai_lite.Client, method)
    realistic = REALISTIC[op.operation_id]() if op.operation_id in REALISTIC else None
    if realistic is not None:  # (fields such as stream_format are the stream method's own business)
        realistic = {k: v for k, v in realistic.items() if k in inspect.signature(func).parameters}
    call = build_call(op, method, func, GEN, realistic=realistic)
    call.kwargs.update(_STREAM_OVERRIDES.get(op.operation_id, {}))
    call.kwargs["extra_headers"] = {"Accept": "text/event-stream"}
    client = make_contract_client(admin=op.admin)

    stream = call(client)
    assert inspect.isgenerator(stream) or hasattr(stream, "__next__")
    events: List[Any] = list(stream)

    expected = EVENTS[op.operation_id]
    annotation = inspect.signature(func).return_annotation
    item_type = typing.get_args(evaluate(annotation))[0]
    assert len(events) == len(expected), [type(e).__name__ for e in events]
    for event, (name, payload) in zip(events, expected):
        assert isinstance(event, BaseModel), f"{event!r} is not a known event type ({annotation})"
        assert is_instance(event, item_type), f"{type(event).__name__} is not {annotation}"
        if op.operation_id in NAMED_EVENTS:  # Assistants: the type is the SSE event name
            assert event.to_dict() == {"event": name, "data": payload}
            assert event.event == name
        else:
            assert event.to_dict() == payload
            if isinstance(payload, dict) and "type" in payload:
                assert event.type == payload["type"]


def test_stream_request_is_validated(make_contract_client: Any) -> None:
    """A streaming request that breaks the spec gets Prism's 422 when iteration starts."""
    client = make_contract_client()
    stream = client.create_chat_completion_stream(
        model="gpt-4o-mini", messages=[], extra_headers={"Accept": "text/event-stream"}
    )
    with pytest.raises(openai_lite.UnprocessableEntityError):
        next(iter(stream))


def test_chat_stream_text(make_contract_client: Any) -> None:
    """The deltas of the canned chat stream add up to the message."""
    client = make_contract_client()
    chunks = client.create_chat_completion_stream(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Hello!"}],
        extra_headers={"Accept": "text/event-stream"},
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello"
