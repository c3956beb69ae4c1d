"""The typed events of every ``…_stream`` method, from canned streams on the loopback server.

Payloads come from the spec's event schemas (spec/openai-openapi.json): a
minimal object with every required field, or the example in the schema's
``x-oaiMeta``. Covers the request each method sends, the class of every event
it yields (every member of the Responses unions, every Assistants event name),
unknown events, error events, ``response.failed`` / ``response.incomplete``,
streams cut before their final event, and the streaming examples.
(Transport matters, such as timing and closing, are in test_streaming.py.)
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
import os
import re
import subprocess
import sys
import typing
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Tuple

import pytest
from _loopback import LoopbackServer, Recorded, sse_event, sse_reply

import openai_lite
from openai_lite import ResponseAccumulator, UnknownEvent
from openai_lite.types import assistants as assistant_types
from openai_lite.types import responses as response_types
from openai_lite.types import responses_beta as beta_types

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC_PATH = os.path.join(REPO_ROOT, "spec", "openai-openapi.json")

DONE = "data: [DONE]\n\n"
ASSISTANT_DONE = sse_event("[DONE]", event="done")
MESSAGES: Any = [{"role": "user", "content": "Hi"}]


# ---------------------------------------------------------------------------
# Payloads from the spec
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def schemas() -> Dict[str, Any]:
    with open(SPEC_PATH, encoding="utf-8") as file:
        spec: Dict[str, Any] = json.load(file)
    return spec["components"]["schemas"]


def deref(schema: Dict[str, Any]) -> Dict[str, Any]:
    while "$ref" in schema:
        schema = schemas()[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def minimal(schema: Dict[str, Any]) -> Any:
    """The smallest value the schema allows: its required properties only, the first of enums and variants."""
    schema = deref(schema)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            variants = [v for v in schema[key] if deref(v).get("type") != "null"] or schema[key]
            return minimal(variants[0])
    if "allOf" in schema:
        parts = [minimal(part) for part in schema["allOf"]]
        if all(isinstance(part, dict) for part in parts):
            return {k: v for part in parts for k, v in part.items()}
        return parts[0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {key: minimal(properties.get(key, {})) for key in schema.get("required", [])}
    return {"array": [], "integer": 1, "number": 1.5, "boolean": True, "null": None}.get(kind, "x")


def spec_example(name: str) -> Optional[Any]:
    """The schema's example payload, if the spec has one that is valid JSON."""
    text = schemas()[name].get("x-oaiMeta", {}).get("example")
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None  # ResponseFunctionCallArgumentsDeltaEvent's example is not valid JSON


def union_members(module: Any, alias: str) -> List[type]:
    """The classes of a generated union alias, nested aliases flattened (a one-member union is a bare name)."""
    value = getattr(module, alias)
    args = typing.get_args(value) if typing.get_origin(value) is typing.Union else (value,)
    classes: List[type] = []
    for arg in args:
        name = arg.__forward_arg__ if isinstance(arg, typing.ForwardRef) else arg.__name__
        target = getattr(module, name)
        if isinstance(target, type):
            classes.append(target)
        else:
            classes += union_members(module, name)
    return classes


def literal_of(cls: type, field: str) -> str:
    """The value of a ``Literal["..."]`` field of a generated class."""
    annotation = next(f.type for f in dataclasses.fields(cls) if f.name == field)
    match = re.search(r"Literal\[['\"]([^'\"]+)['\"]\]", str(annotation))
    assert match, annotation
    return match.group(1)


def spec_union(name: str) -> List[str]:
    schema = schemas()[name]
    return [variant["$ref"].rsplit("/", 1)[1] for variant in schema.get("anyOf") or schema["oneOf"]]


def typed(event: Any) -> str:
    return type(event).__name__


# ---------------------------------------------------------------------------
# Every stream method: its request and the classes it yields
# ---------------------------------------------------------------------------


def response_events(prefix: str = "") -> List[Dict[str, Any]]:
    response = minimal({"$ref": f"#/components/schemas/{prefix}Response"})
    delta = minimal({"$ref": f"#/components/schemas/{prefix}ResponseTextDeltaEvent"})
    return [
        {"type": "response.created", "response": {**response, "status": "in_progress"}, "sequence_number": 0},
        {**delta, "delta": "Hello", "sequence_number": 1},
        {"type": "response.completed", "response": {**response, "status": "completed"}, "sequence_number": 2},
    ]


def chat_chunk(content: str) -> Dict[str, Any]:
    choice = {"index": 0, "delta": {"content": content}, "logprobs": None, "finish_reason": None}
    return {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [choice]}


def completion_chunk(text: str) -> Dict[str, Any]:
    choice = {"text": text, "index": 0, "logprobs": None, "finish_reason": None}
    return {"id": "cmpl-1", "object": "text_completion", "created": 1, "model": "m", "choices": [choice]}


def run_object(status: str) -> Dict[str, Any]:
    run = spec_example("RunObject")
    assert run is not None
    return {**run, "status": status}


def assistant_events() -> List[Tuple[str, Dict[str, Any]]]:
    message_delta = spec_example("MessageDeltaObject")
    step = spec_example("RunStepObject")
    assert message_delta is not None and step is not None
    return [
        ("thread.run.created", run_object("queued")),
        ("thread.run.step.created", step),
        ("thread.message.delta", message_delta),
        ("thread.run.completed", run_object("completed")),
    ]


ASSISTANT_CLASSES = [
    "RunStreamEventThreadRunCreated",
    "RunStepStreamEventThreadRunStepCreated",
    "MessageStreamEventThreadMessageDelta",
    "RunStreamEventThreadRunCompleted",
]


def unnamed(payloads: List[Any], end: Optional[str] = None) -> List[str]:
    return [sse_event(p) for p in payloads] + ([end] if end else [])


def named_by_type(payloads: List[Dict[str, Any]]) -> List[str]:
    return [sse_event(p, event=p["type"]) for p in payloads]


def json_body(request: Recorded) -> Dict[str, Any]:
    body: Dict[str, Any] = request.json()
    assert body["stream"] is True
    return body


def form_fields(request: Recorded) -> Dict[str, Any]:
    """The multipart form fields (text) and files (Part) of a request."""
    return {part.name: (part if part.filename else part.text) for part in request.multipart()}


def check_beta_request(request: Recorded) -> None:
    json_body(request)
    assert request.headers["openai-beta"] == "responses_multi_agent=v1"


def check_image_request(request: Recorded) -> None:
    assert json_body(request)["partial_images"] == 1


def check_assistants_request(request: Recorded) -> None:
    assert request.headers["OpenAI-Beta"] == "assistants=v2"
    assert json_body(request)["assistant_id"] == "asst_1"


def check_tool_outputs_request(request: Recorded) -> None:
    assert request.headers["OpenAI-Beta"] == "assistants=v2"
    assert json_body(request)["tool_outputs"] == [{"tool_call_id": "call_1", "output": "22C"}]


def check_image_edit_request(request: Recorded) -> None:
    fields = form_fields(request)
    assert fields["stream"] == "true"
    assert fields["partial_images"] == "1"
    assert fields["image"].filename == "in.png" and fields["image"].data == b"\x89PNG fake"


def check_speech_request(request: Recorded) -> None:
    body = request.json()
    assert body["stream_format"] == "sse"
    assert "stream" not in body
    assert body["input"] == "Hello"


def check_transcription_request(request: Recorded) -> None:
    fields = form_fields(request)
    assert fields["stream"] == "true"
    assert fields["model"] == "gpt-4o-mini-transcribe"
    assert fields["file"].data == b"RIFF fake"


class Case(NamedTuple):
    call: Callable[[Any], Iterator[Any]]
    target: str  # the request target, query included
    pieces: List[str]  # the SSE stream
    expected: List[str]  # the classes yielded, in order
    sent: List[Any]  # the payloads, as to_dict() must give them back
    check: Callable[[Recorded], None]  # more checks of the request


def _cases() -> Dict[str, Case]:
    chats = [chat_chunk("Hel"), chat_chunk("lo")]
    completions = [completion_chunk("Hel"), completion_chunk("lo")]
    responses, beta = response_events(), response_events("Beta")
    runs = assistant_events()
    run_pieces = [sse_event(data, event=name) for name, data in runs] + [ASSISTANT_DONE]
    run_sent = [{"event": name, "data": data} for name, data in runs]
    image = [spec_example("ImageGenPartialImageEvent"), spec_example("ImageGenCompletedEvent")]
    edit = [spec_example("ImageEditPartialImageEvent"), spec_example("ImageEditCompletedEvent")]
    speech = [spec_example("SpeechAudioDeltaEvent"), spec_example("SpeechAudioDoneEvent")]
    transcript = [
        spec_example("TranscriptTextDeltaEvent"),
        spec_example("TranscriptTextSegmentEvent"),
        spec_example("TranscriptTextDoneEvent"),
    ]
    return {
        "create_chat_completion_stream": Case(
            lambda c: c.create_chat_completion_stream(model="gpt-4o-mini", messages=MESSAGES),
            "/v1/chat/completions",
            unnamed(chats, DONE),
            ["CreateChatCompletionStreamResponse"] * 2,
            chats,
            lambda r: json_body(r),
        ),
        "create_completion_stream": Case(
            lambda c: c.create_completion_stream(model="gpt-3.5-turbo-instruct", prompt="Say hi"),
            "/v1/completions",
            unnamed(completions, DONE),
            ["CreateCompletionResponse"] * 2,
            completions,
            lambda r: json_body(r),
        ),
        "create_response_stream": Case(
            lambda c: c.create_response_stream(model="gpt-4o-mini", input="Hi"),
            "/v1/responses",
            named_by_type(responses),
            ["ResponseCreatedEvent", "ResponseTextDeltaEvent", "ResponseCompletedEvent"],
            responses,
            lambda r: json_body(r),
        ),
        "beta_create_response_stream": Case(
            lambda c: c.beta_create_response_stream(model="gpt-4o-mini", input="Hi"),
            "/v1/responses?beta=true",
            named_by_type(beta),
            ["BetaResponseCreatedEvent", "BetaResponseTextDeltaEvent", "BetaResponseCompletedEvent"],
            beta,
            check_beta_request,
        ),
        "create_run_stream": Case(
            lambda c: c.create_run_stream("thread_1", assistant_id="asst_1"),
            "/v1/threads/thread_1/runs",
            run_pieces,
            ASSISTANT_CLASSES,
            run_sent,
            check_assistants_request,
        ),
        "create_thread_and_run_stream": Case(
            lambda c: c.create_thread_and_run_stream(assistant_id="asst_1"),
            "/v1/threads/runs",
            run_pieces,
            ASSISTANT_CLASSES,
            run_sent,
            check_assistants_request,
        ),
        "submit_tool_outputs_to_run_stream": Case(
            lambda c: c.submit_tool_outputs_to_run_stream(
                "thread_1", "run_1", tool_outputs=[{"tool_call_id": "call_1", "output": "22C"}]
            ),
            "/v1/threads/thread_1/runs/run_1/submit_tool_outputs",
            run_pieces,
            ASSISTANT_CLASSES,
            run_sent,
            check_tool_outputs_request,
        ),
        "create_image_stream": Case(
            lambda c: c.create_image_stream(prompt="a dot", model="gpt-image-1", partial_images=1),
            "/v1/images/generations",
            named_by_type(image),
            ["ImageGenPartialImageEvent", "ImageGenCompletedEvent"],
            image,
            check_image_request,
        ),
        "create_image_edit_stream": Case(
            lambda c: c.create_image_edit_stream(
                prompt="a dot", image=("in.png", b"\x89PNG fake", "image/png"), partial_images=1
            ),
            "/v1/images/edits",
            named_by_type(edit),
            ["ImageEditPartialImageEvent", "ImageEditCompletedEvent"],
            edit,
            check_image_edit_request,
        ),
        "create_speech_stream": Case(
            lambda c: c.create_speech_stream(model="gpt-4o-mini-tts", input="Hello", voice="alloy"),
            "/v1/audio/speech",
            unnamed(speech),
            ["SpeechAudioDeltaEvent", "SpeechAudioDoneEvent"],
            speech,
            check_speech_request,
        ),
        "create_transcription_stream": Case(
            lambda c: c.create_transcription_stream(file=("a.wav", b"RIFF fake"), model="gpt-4o-mini-transcribe"),
            "/v1/audio/transcriptions",
            unnamed(transcript),
            ["TranscriptTextDeltaEvent", "TranscriptTextSegmentEvent", "TranscriptTextDoneEvent"],
            transcript,
            check_transcription_request,
        ),
    }


CASES = _cases()


def test_every_stream_method_has_a_case() -> None:
    methods = {
        name
        for name in dir(openai_lite.Client)
        if name.endswith("_stream")
        and not name.startswith(("_", "parse_"))  # (parse_*_stream: an accumulator, test_structured.py)
        and getattr(openai_lite.Client, name).__module__.startswith("openai_lite._api.")
    }
    assert methods == set(CASES)
    assert len(methods) == 11


@pytest.mark.parametrize("name", list(CASES))
def test_stream_method_request_and_event_classes(server: LoopbackServer, client: Any, name: str) -> None:
    case = CASES[name]
    server.reply(sse_reply(case.pieces))
    events = list(case.call(client))
    assert [typed(e) for e in events] == case.expected
    assert [e.to_dict() for e in events] == case.sent
    request = server.last_request
    assert (request.method, request.target) == ("POST", case.target)
    case.check(request)


@pytest.mark.parametrize("name", list(CASES))
def test_stream_requests_accept_event_streams(server: LoopbackServer, client: Any, name: str) -> None:
    case = CASES[name]
    server.reply(sse_reply(case.pieces))
    list(case.call(client))
    assert "text/event-stream" in server.last_request.headers["Accept"]


def test_image_edit_stream_without_a_file_sends_json(server: LoopbackServer, client: Any) -> None:
    server.reply(sse_reply(named_by_type([spec_example("ImageEditCompletedEvent")])))
    events = list(client.create_image_edit_stream(prompt="a dot", images=[{"image_url": "https://example.com/a.png"}]))
    assert [typed(e) for e in events] == ["ImageEditCompletedEvent"]
    body = json_body(server.last_request)
    assert body["images"] == [{"image_url": "https://example.com/a.png"}]


def test_nested_objects_are_typed(server: LoopbackServer, client: Any) -> None:
    server.reply(sse_reply(CASES["create_run_stream"].pieces))
    created, step, delta, completed = list(CASES["create_run_stream"].call(client))
    assert typed(created.data) == "RunObject" and created.data.status == "queued"
    assert typed(step.data) == "RunStepObject"
    assert step.data.step_details.message_creation.message_id == "msg_abc123"
    assert typed(delta.data) == "MessageDeltaObject"
    assert delta.data.delta.content[0].text.value == "Hello"
    assert completed.data.usage.total_tokens == 579


# ---------------------------------------------------------------------------
# Responses: every member of the event unions
# ---------------------------------------------------------------------------

# method -> (the module of its types, its union of events, the prefix of their names)
RESPONSE_UNIONS = {
    "create_response_stream": (response_types, "ResponseStreamEvent", ""),
    "beta_create_response_stream": (beta_types, "BetaResponseStreamEvent", "Beta"),
}
FINAL_TYPES = ("response.completed", "response.failed", "response.incomplete")


def response_members() -> List[Any]:
    params = []
    for method, (module, alias, _) in RESPONSE_UNIONS.items():
        for cls in union_members(module, alias):
            params.append(pytest.param(method, cls.__name__, id=f"{method}-{cls.__name__}"))
    return params


def response_stream(client: Any, method: str) -> Iterator[Any]:
    return getattr(client, method)(model="gpt-4o-mini", input="Hi")


def completed_event(prefix: str) -> Dict[str, Any]:
    return response_events(prefix)[-1]


def test_the_generated_unions_match_the_spec() -> None:
    for module, alias, _ in RESPONSE_UNIONS.values():
        names = [cls.__name__ for cls in union_members(module, alias)]
        assert names == spec_union(alias)
        # Each member has its own "type" literal: the events can be told apart by it.
        types = [literal_of(cls, "type") for cls in union_members(module, alias)]
        assert len(set(types)) == len(types) == 58


@pytest.mark.parametrize(("method", "member"), response_members())
def test_every_responses_event_is_decoded_into_its_class(
    server: LoopbackServer, client: Any, method: str, member: str
) -> None:
    payload = minimal({"$ref": f"#/components/schemas/{member}"})
    prefix = RESPONSE_UNIONS[method][2]
    pieces = [sse_event(payload, event=payload["type"])]
    if payload["type"] not in FINAL_TYPES:
        pieces.append(sse_event(completed_event(prefix), event="response.completed"))
    server.reply(sse_reply(pieces, headers={"x-request-id": "req_member"}))

    if payload["type"] == "error":
        # The error event is not yielded: it raises, with the server's message and code.
        with pytest.raises(openai_lite.APIError) as info:
            list(response_stream(client, method))
        assert type(info.value) is openai_lite.APIError
        assert (info.value.message, info.value.code, info.value.request_id) == ("x", "x", "req_member")
        return
    events = list(response_stream(client, method))
    event = events[0]
    assert typed(event) == member
    assert event.type == payload["type"]
    assert event.to_dict() == payload
    for key, value in payload.items():
        if isinstance(value, dict):  # nested objects are typed too
            assert isinstance(getattr(event, key), openai_lite.BaseModel), key
    assert len(events) == len(pieces)


@pytest.mark.parametrize("method", list(RESPONSE_UNIONS))
def test_the_spec_examples_of_responses_events(server: LoopbackServer, client: Any, method: str) -> None:
    _, alias, prefix = RESPONSE_UNIONS[method]
    examples = [(name, spec_example(name)) for name in spec_union(alias)]
    sent = [(name, ex) for name, ex in examples if ex is not None and ex["type"] not in ("error", *FINAL_TYPES)]
    assert len(sent) >= 45
    pieces = [sse_event(ex, event=ex["type"]) for _, ex in sent]
    server.reply(sse_reply([*pieces, sse_event(completed_event(prefix), event="response.completed")]))
    events = list(response_stream(client, method))
    assert [typed(e) for e in events[:-1]] == [name for name, _ in sent]
    assert [e.to_dict() for e in events[:-1]] == [ex for _, ex in sent]


# ---------------------------------------------------------------------------
# Assistants: every event name
# ---------------------------------------------------------------------------


def assistant_event_params() -> List[Any]:
    """(event name, spec name of its data) for every event of the spec's AssistantStreamEvent."""
    params = []
    for group in spec_union("AssistantStreamEvent"):
        schema = schemas()[group]
        for variant in schema.get("oneOf", [schema]):
            name = variant["properties"]["event"]["enum"][0]
            if name in ("error", "done"):
                continue  # not events to yield: tested below
            data_ref = variant["properties"]["data"]["$ref"].rsplit("/", 1)[1]
            params.append(pytest.param(name, data_ref, id=name))
    return params


def assistant_class_by_event() -> Dict[str, type]:
    return {literal_of(cls, "event"): cls for cls in union_members(assistant_types, "AssistantStreamEvent")}


def test_every_assistants_event_name_is_known() -> None:
    names = {p.values[0] for p in assistant_event_params()} | {"error", "done"}
    assert len(names) == 25
    assert set(assistant_class_by_event()) == names


@pytest.mark.parametrize(("name", "data_ref"), assistant_event_params())
def test_every_assistants_event_is_decoded_with_typed_data(
    server: LoopbackServer, client: Any, name: str, data_ref: str
) -> None:
    data = spec_example(data_ref) or minimal({"$ref": f"#/components/schemas/{data_ref}"})
    server.reply(sse_reply([sse_event(data, event=name), ASSISTANT_DONE]))
    events = list(client.create_run_stream("thread_1", assistant_id="asst_1"))
    assert len(events) == 1
    event = events[0]
    assert typed(event) == assistant_class_by_event()[name].__name__
    assert event.event == name
    assert typed(event.data) == data_ref
    assert event.data.to_dict() == data
    assert event.to_dict() == {"event": name, "data": data}


def test_assistants_done_ends_the_stream(server: LoopbackServer, client: Any) -> None:
    # After "done" the server would send more, and never end the body: reading on would hang or yield it.
    never = sse_event(run_object("failed"), event="thread.run.failed")
    server.reply(sse_reply([sse_event(run_object("queued"), event="thread.run.created"), ASSISTANT_DONE, (never, 5.0)]))
    events = list(client.create_run_stream("thread_1", assistant_id="asst_1", timeout=(5, 2)))
    assert [e.event for e in events] == ["thread.run.created"]


def test_assistants_error_event_raises(server: LoopbackServer, client: Any) -> None:
    error = {"code": "server_error", "message": "Sorry, something went wrong.", "param": None, "type": "server_error"}
    created = sse_event(run_object("queued"), event="thread.run.created")
    pieces = [created, sse_event(error, event="error"), ASSISTANT_DONE]
    server.reply(sse_reply(pieces, headers={"x-request-id": "req_run"}))
    received = []
    with pytest.raises(openai_lite.APIError) as info:
        for event in client.create_run_stream("thread_1", assistant_id="asst_1"):
            received.append(event.event)
    assert received == ["thread.run.created"]
    assert type(info.value) is openai_lite.APIError
    assert info.value.message == "Sorry, something went wrong."
    assert info.value.code == "server_error"
    assert info.value.type == "server_error"
    assert info.value.request_id == "req_run"


# ---------------------------------------------------------------------------
# Unknown events never break a stream
# ---------------------------------------------------------------------------


class UnionStream(NamedTuple):
    call: Callable[[Any], Iterator[Any]]
    unknown: str  # an SSE event of a kind the library does not know
    name: str  # its name, as UnknownEvent reports it
    known: List[str]  # known events that follow, the final one last
    known_classes: List[str]


NEW_PAYLOAD = {"type": "x.brand_new", "answer": 42, "nested": {"a": [1, 2]}}


def _union_streams() -> Dict[str, UnionStream]:
    responses = response_events()
    run = [sse_event(run_object("completed"), event="thread.run.completed"), ASSISTANT_DONE]
    return {
        "responses": UnionStream(
            CASES["create_response_stream"].call,
            sse_event({**NEW_PAYLOAD, "type": "response.brand_new"}, event="response.brand_new"),
            "response.brand_new",
            named_by_type(responses[1:]),
            ["ResponseTextDeltaEvent", "ResponseCompletedEvent"],
        ),
        "responses-beta": UnionStream(
            CASES["beta_create_response_stream"].call,
            sse_event({**NEW_PAYLOAD, "type": "response.brand_new"}, event="response.brand_new"),
            "response.brand_new",
            named_by_type(response_events("Beta")[2:]),
            ["BetaResponseCompletedEvent"],
        ),
        "assistants": UnionStream(
            CASES["create_run_stream"].call,
            sse_event(NEW_PAYLOAD, event="thread.brand_new"),
            "thread.brand_new",
            run,
            ["RunStreamEventThreadRunCompleted"],
        ),
        "images": UnionStream(
            CASES["create_image_stream"].call,
            sse_event({**NEW_PAYLOAD, "type": "image_generation.brand_new"}),
            "image_generation.brand_new",
            named_by_type([spec_example("ImageGenCompletedEvent")]),
            ["ImageGenCompletedEvent"],
        ),
        "image-edits": UnionStream(
            CASES["create_image_edit_stream"].call,
            sse_event({**NEW_PAYLOAD, "type": "image_edit.brand_new"}),
            "image_edit.brand_new",
            named_by_type([spec_example("ImageEditCompletedEvent")]),
            ["ImageEditCompletedEvent"],
        ),
        "speech": UnionStream(
            CASES["create_speech_stream"].call,
            sse_event({**NEW_PAYLOAD, "type": "speech.brand_new"}),
            "speech.brand_new",
            unnamed([spec_example("SpeechAudioDoneEvent")]),
            ["SpeechAudioDoneEvent"],
        ),
        "transcription": UnionStream(
            CASES["create_transcription_stream"].call,
            sse_event({**NEW_PAYLOAD, "type": "transcript.brand_new"}),
            "transcript.brand_new",
            unnamed([spec_example("TranscriptTextDoneEvent")]),
            ["TranscriptTextDoneEvent"],
        ),
    }


UNION_STREAMS = _union_streams()


@pytest.mark.parametrize("kind", list(UNION_STREAMS))
def test_unknown_event_becomes_unknown_event(server: LoopbackServer, client: Any, kind: str) -> None:
    stream = UNION_STREAMS[kind]
    server.reply(sse_reply([stream.unknown, *stream.known]))
    events = list(stream.call(client))
    unknown = events[0]
    assert isinstance(unknown, UnknownEvent)
    assert unknown.type == unknown.event == stream.name
    expected = NEW_PAYLOAD if kind == "assistants" else {**NEW_PAYLOAD, "type": stream.name}
    assert unknown.data == unknown.to_dict() == expected
    assert stream.name in repr(unknown)
    assert [typed(e) for e in events[1:]] == stream.known_classes  # the loop went on


@pytest.mark.parametrize("kind", list(UNION_STREAMS))
def test_event_that_is_not_an_object_becomes_unknown_event(server: LoopbackServer, client: Any, kind: str) -> None:
    stream = UNION_STREAMS[kind]
    odd = [sse_event([1, 2], event="list"), sse_event({"type": [1]})]
    server.reply(sse_reply([*odd, *stream.known]))
    events = list(stream.call(client))
    assert [(typed(e), e.type, e.data) for e in events[:2]] == [
        ("UnknownEvent", "list", [1, 2]),
        ("UnknownEvent", "message", {"type": [1]}),
    ]
    assert [typed(e) for e in events[2:]] == stream.known_classes


# Events no stream can use: an error, after the events before them (never dropped in silence).
UNUSABLE = {
    "not-json": (sse_event("not json at all", event="ping"), "not JSON"),
    "cut-json": (sse_event('{"type": "response.created", "respo'), "not JSON"),
    "nested-too-deeply": ("data: " + "[" * 100_000 + "]" * 100_000 + "\n\n", "nested too deeply"),
}


@pytest.mark.parametrize(("odd", "expected"), list(UNUSABLE.values()), ids=list(UNUSABLE))
@pytest.mark.parametrize("method", list(CASES))
def test_event_whose_data_is_not_json_is_an_error(
    server: LoopbackServer, client: Any, method: str, odd: str, expected: str
) -> None:
    case = CASES[method]
    server.reply(sse_reply([case.pieces[0], odd, *case.pieces[1:]]))
    received = []
    with pytest.raises(openai_lite.APIResponseValidationError) as info:
        for event in case.call(client):
            received.append(typed(event))
    assert received == case.expected[:1]
    assert expected in info.value.message
    assert info.value.status_code == 200


def test_keep_alive_events_without_data_are_skipped(server: LoopbackServer, client: Any) -> None:
    case = CASES["create_chat_completion_stream"]
    server.reply(sse_reply(["data:\n\n", "data: \n\n", *case.pieces]))
    assert [typed(e) for e in case.call(client)] == case.expected


@pytest.mark.parametrize("odd", [sse_event([1]), sse_event(7), 'data: "a string"\n\n'], ids=["list", "number", "str"])
@pytest.mark.parametrize("method", ["create_chat_completion_stream", "create_completion_stream"])
def test_chunk_stream_refuses_events_that_are_not_objects(
    server: LoopbackServer, client: Any, method: str, odd: str
) -> None:
    case = CASES[method]
    server.reply(sse_reply([odd, *case.pieces]))
    with pytest.raises(openai_lite.APIResponseValidationError) as info:
        list(case.call(client))
    assert "not an object" in info.value.message


# ---------------------------------------------------------------------------
# Error events
# ---------------------------------------------------------------------------

ERROR = {"message": "The server had an error", "code": "server_error", "param": None, "type": "server_error"}
ERROR_SHAPES = {
    # Responses: the flat error event of the spec (ResponseErrorEvent) ...
    "type-error-flat": sse_event(
        {"type": "error", **{k: v for k, v in ERROR.items() if k != "type"}, "sequence_number": 3}, event="error"
    ),
    # ... and the nested form the API also sends (ResponseWsError)
    "type-error-nested": sse_event({"type": "error", "error": ERROR, "sequence_number": 3}, event="error"),
    # an "error" event line with the error object as its data (Assistants' ErrorEvent)
    "event-error": sse_event(ERROR, event="error"),
    # an {"error": {...}} payload without a name, as chat streams send it
    "error-payload": sse_event({"error": ERROR}),
}


@pytest.mark.parametrize("shape", list(ERROR_SHAPES))
@pytest.mark.parametrize("kind", list(UNION_STREAMS))
def test_error_event_raises_api_error(server: LoopbackServer, client: Any, kind: str, shape: str) -> None:
    stream = UNION_STREAMS[kind]
    server.reply(sse_reply([stream.unknown, ERROR_SHAPES[shape], *stream.known], headers={"x-request-id": "req_e"}))
    received = []
    with pytest.raises(openai_lite.APIError) as info:
        for event in stream.call(client):
            received.append(event)
    assert [typed(e) for e in received] == ["UnknownEvent"]  # the events before the error were delivered
    error = info.value
    assert type(error) is openai_lite.APIError
    assert (error.message, error.code, error.request_id) == ("The server had an error", "server_error", "req_e")
    assert "req_e" in str(error)


# ---------------------------------------------------------------------------
# response.failed / response.incomplete
# ---------------------------------------------------------------------------

ENDINGS = {
    "response.failed": (
        "failed",
        {"error": {"code": "server_error", "message": "The model failed"}},
    ),
    "response.incomplete": (
        "incomplete",
        {"incomplete_details": {"reason": "max_output_tokens"}},
    ),
}


@pytest.mark.parametrize("method", list(RESPONSE_UNIONS))
@pytest.mark.parametrize("ending", list(ENDINGS))
def test_failed_and_incomplete_are_delivered_and_final(
    server: LoopbackServer, client: Any, method: str, ending: str
) -> None:
    prefix = RESPONSE_UNIONS[method][2]
    status, details = ENDINGS[ending]
    created, delta, completed = response_events(prefix)
    last = {"type": ending, "response": {**completed["response"], "status": status, **details}, "sequence_number": 2}
    server.reply(sse_reply(named_by_type([created, delta, last])))
    stream = ResponseAccumulator(response_stream(client, method))
    kinds = [event.type for event in stream]  # no exception: the stream ended as it should
    assert kinds == ["response.created", "response.output_text.delta", ending]
    final = stream.final
    assert typed(final) == f"{prefix}Response"
    assert final.status == status
    if status == "failed":
        assert (final.error.code, final.error.message) == ("server_error", "The model failed")
    else:
        assert final.incomplete_details.reason == "max_output_tokens"


# ---------------------------------------------------------------------------
# Streams cut before their final event
# ---------------------------------------------------------------------------


def _cut_streams() -> Dict[str, Tuple[Callable[[Any], Iterator[Any]], List[str], List[str]]]:
    """Each stream method's stream without its final event: (call, pieces sent, classes delivered)."""
    cut = {}
    for name, case in CASES.items():
        # Everything but the last event (and, for the streams that have one, the end marker).
        keep = len(case.expected) - 1
        if name == "create_transcription_stream":
            keep = 2  # the delta and the segment: transcript.text.done is the final one
        cut[name] = (case.call, case.pieces[:keep], case.expected[:keep])
    return cut


CUT_STREAMS = _cut_streams()


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "close-delimited"])
@pytest.mark.parametrize("name", list(CUT_STREAMS))
def test_stream_cut_before_its_final_event(server: LoopbackServer, client: Any, name: str, chunked: bool) -> None:
    call, pieces, delivered = CUT_STREAMS[name]
    server.reply(sse_reply(pieces, chunked=chunked))
    received = []
    with pytest.raises(openai_lite.APIConnectionError) as info:
        for event in call(client):
            received.append(typed(event))
    assert received == delivered
    assert type(info.value) is openai_lite.APIConnectionError
    assert info.value.request_id == "req_test"
    assert "ended before its" in info.value.message


def test_response_stream_cut_leaves_the_accumulator_without_a_final_response(
    server: LoopbackServer, client: Any
) -> None:
    server.reply(sse_reply(named_by_type(response_events()[:2])))
    stream = ResponseAccumulator(response_stream(client, "create_response_stream"))
    with pytest.raises(openai_lite.APIConnectionError):
        for _ in stream:
            pass
    assert stream.output_text == "Hello"  # what did arrive is still there


# ---------------------------------------------------------------------------
# The streaming examples run offline
# ---------------------------------------------------------------------------

EXAMPLES = {
    "stream_chat.py": ["You said: Write a haiku about rivers.", "[37 characters, finish reason stop, "],
    "stream_tool_calls.py": [
        '-> calling get_weather({"city":"fake city"})',
        "<- get_weather returned",
        'Tool result: {"city": "fake city", "temperature_c": 21, "sky": "clear"}',
    ],
    "stream_responses.py": ["You said: Describe a river in one sentence.", "[resp_fake_1: 43 characters, "],
    "stream_assistant_run.py": [
        "[thread.run.requires_action]",
        "<- get_weather",
        "[thread.run.completed]",
        "[run run_fake_1 completed, 1 message(s) written]",
    ],
    "stream_images.py": ["partial-0.png", "partial-1.png", "final.png"],
}


def run_example(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("OPENAI_")}
    env["PYTHONPATH"] = REPO_ROOT
    return subprocess.run(
        [sys.executable, os.path.join(REPO_ROOT, "examples", name), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_runs_on_the_fake_server(name: str, tmp_path: Any) -> None:
    args = [str(tmp_path / "images")] if name == "stream_images.py" else []
    result = run_example(name, *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("OPENAI_API_KEY is not set: using the built-in fake server at http://127.0.0.1:")
    for expected in EXAMPLES[name]:
        assert expected in result.stdout, result.stdout
    if name == "stream_images.py":
        saved = sorted(os.listdir(tmp_path / "images"))
        assert saved == ["final.png", "partial-0.png", "partial-1.png"]
        for file_name in saved:
            with open(tmp_path / "images" / file_name, "rb") as file:
                assert file.read(8) == b"\x89PNG\r\n\x1a\n"


def test_image_example_uses_a_temporary_folder_by_default() -> None:
    result = run_example("stream_images.py")
    assert result.returncode == 0, result.stderr
    paths = [line.split(" ", 1)[1] for line in result.stdout.splitlines() if line.startswith("saved ")]
    assert len(paths) == 3
    folder = os.path.dirname(paths[0])
    try:
        assert os.path.basename(folder).startswith("openai-lite-images-")
        with open(paths[-1], "rb") as file:
            assert base64.b64encode(file.read(8)) == base64.b64encode(b"\x89PNG\r\n\x1a\n")
    finally:
        for path in paths:
            os.remove(path)
        os.rmdir(folder)
