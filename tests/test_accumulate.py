"""The accumulators: ChatCompletionAccumulator, ResponseAccumulator and RunAccumulator.

Chat accumulation is table-driven: chunks in, and the completion a
non-streamed call would have returned, written out by hand, to compare with.
The rest runs streams through the real client, from the loopback server
(canned events) or the FakeServer (whole conversations).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Dict, Iterator, List, NamedTuple, Optional

import pytest
import requests
from _loopback import LoopbackServer, sse_event, sse_reply

import openai_lite
from openai_lite import ChatCompletionAccumulator, ResponseAccumulator, RunAccumulator, RunResult
from openai_lite.testing import FakeServer
from openai_lite.types.chat import CreateChatCompletionResponse, CreateChatCompletionStreamResponse

DONE = "data: [DONE]\n\n"
HEAD = {"id": "chatcmpl-1", "created": 1700000000, "model": "gpt-4o-mini", "system_fingerprint": "fp_1"}


# ---------------------------------------------------------------------------
# Chat: chunks in, the completion out
# ---------------------------------------------------------------------------


def chunk(*choices: Dict[str, Any], **top: Any) -> Dict[str, Any]:
    return {**HEAD, "object": "chat.completion.chunk", "choices": list(choices), **top}


def delta(index: int = 0, finish_reason: Optional[str] = None, logprobs: Any = None, **fields: Any) -> Dict[str, Any]:
    """One choice of a chunk, adding ``fields`` to the message."""
    return {"index": index, "delta": fields, "logprobs": logprobs, "finish_reason": finish_reason}


def completion(*choices: Dict[str, Any], **top: Any) -> Dict[str, Any]:
    return {**HEAD, "object": "chat.completion", "choices": list(choices), **top}


def choice(
    index: int = 0, finish_reason: Optional[str] = "stop", logprobs: Any = None, **message: Any
) -> Dict[str, Any]:
    """One choice of a completion; the message's content and refusal are null unless given."""
    full = {"role": "assistant", "content": None, "refusal": None, **message}
    return {"index": index, "message": full, "finish_reason": finish_reason, "logprobs": logprobs}


def pieces(text: str, size: int = 3) -> List[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def token(text: str) -> Dict[str, Any]:
    """A log probability entry for one token."""
    return {"token": text, "logprob": -0.5, "bytes": list(text.encode()), "top_logprobs": []}


def call_chunks(index: int, call_id: str, name: str, arguments: str, kind: str = "function") -> List[Dict[str, Any]]:
    """A streamed tool call: id, type and name first, then the arguments (or custom input) in small pieces."""
    field = "arguments" if kind == "function" else "input"
    first = {"index": index, "id": call_id, "type": kind, kind: {"name": name, field: ""}}
    rest = [{"index": index, kind: {field: piece}} for piece in pieces(arguments)]
    return [first, *rest]


def interleave(*lists: List[Any]) -> List[Any]:
    out = []
    for i in range(max(map(len, lists))):
        out += [items[i] for items in lists if i < len(items)]
    return out


WEATHER_ARGS = '{"city": "Paris", "unit": "celsius"}'
TIME_ARGS = '{"timezone": "Europe/Paris"}'
SQL = "SELECT name FROM users WHERE id = 1"
USAGE = {
    "prompt_tokens": 9,
    "completion_tokens": 12,
    "total_tokens": 21,
    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
}
ANNOTATION = {
    "type": "url_citation",
    "url_citation": {"url": "https://example.com", "title": "Example", "start_index": 0, "end_index": 5},
}


class ChatCase(NamedTuple):
    chunks: List[Dict[str, Any]]
    expected: Dict[str, Any]


CHAT_CASES = {
    "content": ChatCase(
        [
            chunk(delta(role="assistant", content="")),
            chunk(delta(content="Hel")),
            chunk(delta(content="lo!")),
            chunk(delta(finish_reason="stop")),
        ],
        completion(choice(content="Hello!")),
    ),
    "refusal": ChatCase(
        [
            chunk(delta(role="assistant", refusal="")),
            *[chunk(delta(refusal=p)) for p in pieces("I can't help.")],
            chunk(delta(finish_reason="stop")),
        ],
        completion(choice(refusal="I can't help.")),
    ),
    "tool-calls-over-many-pieces-and-indexes": ChatCase(
        [
            chunk(delta(role="assistant", content=None)),
            *[
                chunk(delta(tool_calls=[call]))
                for call in interleave(
                    call_chunks(0, "call_a", "get_weather", WEATHER_ARGS),
                    call_chunks(1, "call_b", "get_time", TIME_ARGS),
                )
            ],
            chunk(delta(finish_reason="tool_calls")),
        ],
        completion(
            choice(
                finish_reason="tool_calls",
                tool_calls=[
                    {
                        "id": "call_a",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": WEATHER_ARGS},
                    },
                    {"id": "call_b", "type": "function", "function": {"name": "get_time", "arguments": TIME_ARGS}},
                ],
            )
        ),
    ),
    "several-calls-in-one-chunk": ChatCase(
        [
            chunk(
                delta(
                    role="assistant",
                    tool_calls=[call_chunks(0, "call_a", "f", "{}")[0], call_chunks(1, "call_b", "g", "{}")[0]],
                )
            ),
            chunk(
                delta(
                    tool_calls=[
                        {"index": 1, "function": {"arguments": "{}"}},
                        {"index": 0, "function": {"arguments": '{"x"'}},
                    ]
                )
            ),
            chunk(delta(tool_calls=[{"index": 0, "function": {"arguments": ": 1}"}}])),
            chunk(delta(finish_reason="tool_calls")),
        ],
        completion(
            choice(
                finish_reason="tool_calls",
                tool_calls=[
                    {"id": "call_a", "type": "function", "function": {"name": "f", "arguments": '{"x": 1}'}},
                    {"id": "call_b", "type": "function", "function": {"name": "g", "arguments": "{}"}},
                ],
            )
        ),
    ),
    "custom-tool-call": ChatCase(
        [
            chunk(delta(role="assistant")),
            *[chunk(delta(tool_calls=[c])) for c in call_chunks(0, "call_sql", "run_sql", SQL, kind="custom")],
            chunk(delta(finish_reason="tool_calls")),
        ],
        completion(
            choice(
                finish_reason="tool_calls",
                tool_calls=[
                    {"id": "call_sql", "type": "custom", "custom": {"name": "run_sql", "input": SQL}},
                ],
            )
        ),
    ),
    "content-then-tool-call": ChatCase(
        [
            chunk(delta(role="assistant", content="Let me check.")),
            *[chunk(delta(tool_calls=[c])) for c in call_chunks(0, "call_a", "get_weather", WEATHER_ARGS)],
            chunk(delta(finish_reason="tool_calls")),
        ],
        completion(
            choice(
                finish_reason="tool_calls",
                content="Let me check.",
                tool_calls=[
                    {
                        "id": "call_a",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": WEATHER_ARGS},
                    },
                ],
            )
        ),
    ),
    "legacy-function-call": ChatCase(
        [
            chunk(delta(role="assistant", function_call={"name": "get_weather", "arguments": ""})),
            *[chunk(delta(function_call={"arguments": p})) for p in pieces(WEATHER_ARGS)],
            chunk(delta(finish_reason="function_call")),
        ],
        completion(
            choice(finish_reason="function_call", function_call={"name": "get_weather", "arguments": WEATHER_ARGS})
        ),
    ),
    "content-logprobs": ChatCase(
        [
            chunk(delta(role="assistant", content="", logprobs={"content": [], "refusal": None})),
            chunk(delta(content="Hi", logprobs={"content": [token("Hi")], "refusal": None})),
            chunk(delta(content=" there", logprobs={"content": [token(" there")], "refusal": None})),
            chunk(delta(finish_reason="stop")),
        ],
        completion(choice(content="Hi there", logprobs={"content": [token("Hi"), token(" there")], "refusal": None})),
    ),
    "refusal-logprobs": ChatCase(
        [
            chunk(delta(role="assistant", refusal="No", logprobs={"content": None, "refusal": [token("No")]})),
            chunk(delta(refusal=".", logprobs={"content": None, "refusal": [token(".")]})),
            chunk(delta(finish_reason="stop")),
        ],
        completion(choice(refusal="No.", logprobs={"content": None, "refusal": [token("No"), token(".")]})),
    ),
    "finish-reasons": ChatCase(
        [
            chunk(delta(0, content="a"), delta(1, content="b"), delta(2, content="c")),
            chunk(delta(0, finish_reason="length"), delta(1, finish_reason="content_filter"), delta(2)),
        ],
        completion(
            choice(0, "length", content="a"), choice(1, "content_filter", content="b"), choice(2, None, content="c")
        ),
    ),
    "usage-chunk-with-empty-choices": ChatCase(
        [
            chunk(delta(role="assistant", content="Hi"), usage=None),
            chunk(delta(finish_reason="stop"), usage=None),
            chunk(usage=USAGE),
        ],
        completion(choice(content="Hi"), usage=USAGE),
    ),
    "n=3-interleaved": ChatCase(
        [
            chunk(delta(2, role="assistant", content=""), delta(0, role="assistant", content="")),
            chunk(delta(1, role="assistant", content="One")),
            *[chunk(delta(i, content=f" {word}{i}")) for word in ("two", "three") for i in (1, 2, 0)],
            chunk(delta(0, content=" four", finish_reason="stop")),
            chunk(delta(2, finish_reason="length"), delta(1, finish_reason="stop")),
            chunk(usage=USAGE),
        ],
        completion(
            choice(0, "stop", content=" two0 three0 four"),
            choice(1, "stop", content="One two1 three1"),
            choice(2, "length", content=" two2 three2"),
            usage=USAGE,
        ),
    ),
    "unknown-fields-are-kept": ChatCase(
        [
            chunk(delta(role="assistant", content="See"), service_tier="default", provider="acme"),
            chunk(delta(content=" this", annotations=[ANNOTATION], brand_new={"x": 1})),
            chunk(delta(finish_reason="stop"), service_tier="flex"),
        ],
        completion(
            choice(content="See this", annotations=[ANNOTATION], brand_new={"x": 1}),
            service_tier="flex",
            provider="acme",
        ),
    ),
    "no-chunks": ChatCase([], {"object": "chat.completion", "choices": []}),
}


def prune(value: Any) -> Any:
    """``value`` without null object members: the library reads a missing field as None, so they are the same."""
    if isinstance(value, dict):
        return {k: prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


def accumulate(chunks: List[Dict[str, Any]]) -> ChatCompletionAccumulator:
    return ChatCompletionAccumulator(CreateChatCompletionStreamResponse.from_dict(c) for c in chunks)


@pytest.mark.parametrize("name", list(CHAT_CASES))
def test_chat_accumulation(name: str) -> None:
    case = CHAT_CASES[name]
    sent = copy.deepcopy(case.chunks)
    stream = accumulate(case.chunks)
    assert [c.to_dict() for c in stream] == sent  # the chunks pass through unchanged
    final = stream.final
    assert isinstance(final, CreateChatCompletionResponse)
    assert prune(final.to_dict()) == prune(case.expected)
    assert case.chunks == sent  # and were not modified
    # The typed view agrees with the dict.
    for got, want in zip(final.choices, case.expected["choices"]):
        assert got.index == want["index"]
        assert got.finish_reason == want["finish_reason"]
        assert got.message.content == want["message"]["content"]
        assert got.message.refusal == want["message"]["refusal"]
        assert got.message.role == "assistant"


def test_typed_tool_calls_of_the_final_completion() -> None:
    final = accumulate(CHAT_CASES["tool-calls-over-many-pieces-and-indexes"].chunks).final
    calls = final.choices[0].message.tool_calls
    assert [(c.id, c.type, c.function.name) for c in calls] == [
        ("call_a", "function", "get_weather"),
        ("call_b", "function", "get_time"),
    ]
    assert json.loads(calls[0].function.arguments) == {"city": "Paris", "unit": "celsius"}
    custom = accumulate(CHAT_CASES["custom-tool-call"].chunks).final.choices[0].message.tool_calls[0]
    assert (custom.type, custom.custom.name, custom.custom.input) == ("custom", "run_sql", SQL)


def test_final_to_dict_round_trips() -> None:
    final = accumulate(CHAT_CASES["n=3-interleaved"].chunks).final
    data = json.loads(json.dumps(final.to_dict()))  # plain JSON
    again = CreateChatCompletionResponse.from_dict(data)
    assert again == final
    assert again.usage.total_tokens == 21
    assert [c.message.content for c in again.choices] == [" two0 three0 four", "One two1 three1", " two2 three2"]


def test_obfuscation_padding_is_not_part_of_the_completion() -> None:
    chunks = [chunk(delta(content="Hi"), obfuscation="xY3k9q"), chunk(delta(finish_reason="stop"), obfuscation="")]
    assert "obfuscation" not in accumulate(chunks).final.to_dict()


def test_unknown_streamed_text_fields_are_joined() -> None:
    chunks = [
        chunk(delta(role="assistant", reasoning_content="Let me ")),
        chunk(delta(reasoning_content="think.")),
        chunk(delta(audio={"id": "audio_1", "transcript": "Hel"})),
        chunk(delta(audio={"transcript": "lo"})),
        chunk(delta(content="Hello", finish_reason="stop")),
    ]
    message = accumulate(chunks).final.choices[0].message
    assert message.reasoning_content == "Let me think."
    assert message.audio.id == "audio_1"
    assert message.audio.transcript == "Hello"


def test_tool_calls_without_an_index_are_told_apart_by_their_id() -> None:
    # Some compatible servers leave out the index: an id starts a call, pieces without one continue it.
    def call(**fields: Any) -> Dict[str, Any]:
        return {k: v for k, v in fields.items() if v is not None}

    chunks = [
        chunk(delta(tool_calls=[call(id="call_a", type="function", function={"name": "f", "arguments": "{"})])),
        chunk(delta(tool_calls=[call(function={"arguments": "}"})])),
        chunk(delta(tool_calls=[call(id="call_b", type="function", function={"name": "g", "arguments": "[]"})])),
        chunk(delta(finish_reason="tool_calls")),
    ]
    calls = accumulate(chunks).final.choices[0].message.tool_calls
    got = [(c.id, c.function.name, c.function.arguments) for c in calls]
    assert got == [("call_a", "f", "{}"), ("call_b", "g", "[]")]


# Chunks off the schema that the parser keeps as they came: never a TypeError or AttributeError. Each goes between
# two good chunks, whose content must come through.
TOOL = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
OFF_SCHEMA = {
    "chunk-not-an-object": ["just a string"],
    "choices-a-string": [{**HEAD, "choices": "x"}],
    "choices-an-object": [{**HEAD, "choices": {"0": {"delta": {}}}}],
    "choice-a-string": [chunk("x")],
    "index-a-string": [chunk({"index": "1", "delta": {"refusal": "r"}})],
    "index-a-list": [chunk({"index": [0], "delta": {}})],
    "index-a-bool": [chunk({"index": True, "delta": {}})],
    "delta-a-string": [chunk({"index": 0, "delta": "x"})],
    "content-a-number": [chunk(delta(content=5))],
    "content-a-list": [chunk(delta(content=[{"type": "text", "text": "t"}]))],
    "tool_calls-an-object": [chunk(delta(tool_calls={"a": 1}))],
    "tool_call-a-string": [chunk(delta(tool_calls=["x"]))],
    "tool_call-index-and-id-lists": [chunk(delta(tool_calls=[{"index": [1], "id": ["x"], "function": {"name": "f"}}]))],
    "function-object-then-string": [
        chunk(delta(tool_calls=[TOOL])),
        chunk(delta(tool_calls=[{**TOOL, "function": "s"}])),
    ],
    "function-string-then-object": [
        chunk(delta(tool_calls=[{**TOOL, "function": "s"}])),
        chunk(delta(tool_calls=[TOOL])),
    ],
    "function_call-a-string": [chunk(delta(function_call="x"))],
    "logprobs-a-list": [chunk(delta(logprobs=[1]))],
    "logprobs-string-then-list": [chunk(delta(logprobs={"content": "x"})), chunk(delta(logprobs={"content": [1]}))],
    "audio-object-then-string": [chunk(delta(audio={"id": "a", "data": "AA"})), chunk(delta(audio="BB"))],
    "audio-string-then-object": [chunk(delta(audio="BB")), chunk(delta(audio={"id": "a", "data": "AA"}))],
}


@pytest.mark.parametrize("odd", list(OFF_SCHEMA.values()), ids=list(OFF_SCHEMA))
def test_chunks_off_the_schema_never_break_the_accumulator(odd: List[Any]) -> None:
    chunks = [chunk(delta(content="a")), *odd, chunk(delta(content="b", finish_reason="stop"))]
    parsed = [CreateChatCompletionStreamResponse.from_dict(c) for c in chunks]  # what the stream yields
    stream = ChatCompletionAccumulator(parsed)
    assert list(stream) == parsed
    final = stream.final
    assert isinstance(final, CreateChatCompletionResponse)
    assert final.choices[0].message.content == "ab"
    assert final.choices[0].finish_reason == "stop"
    json.dumps(final.to_dict())


def test_response_and_run_events_off_the_schema_never_break_the_accumulators() -> None:
    from openai_lite.types.assistants import RunStreamEventThreadRunCreated
    from openai_lite.types.responses import ResponseCompletedEvent, ResponseTextDeltaEvent

    text = ResponseAccumulator(
        [
            ResponseTextDeltaEvent.from_dict({"type": "response.output_text.delta", "delta": 5}),
            ResponseTextDeltaEvent.from_dict({"type": "response.output_text.delta", "delta": "ok"}),
        ]
    )
    list(text)
    assert text.output_text == "ok"
    for output in ("x", 3, [{"content": 7}], [{"content": [{"type": "output_text", "text": 1}]}]):
        completed = ResponseCompletedEvent.from_dict({"type": "response.completed", "response": {"output": output}})
        responses = ResponseAccumulator([completed])
        list(responses)
        assert responses.output_text == ""
    for data in ({"id": ["x"]}, {"id": {"a": 1}}, "a string", {"required_action": {"submit_tool_outputs": 5}}):
        event = RunStreamEventThreadRunCreated.from_dict({"event": "thread.run.created", "data": data})
        runs = RunAccumulator([event])
        list(runs)
        assert runs.final.tool_calls == []


# ---------------------------------------------------------------------------
# Using an accumulator: final, close, with
# ---------------------------------------------------------------------------

CONTENT = CHAT_CASES["content"].chunks


def chat_stream(server: LoopbackServer, client: Any, chunks: List[Dict[str, Any]] = CONTENT) -> Any:
    server.reply(sse_reply([*[sse_event(c) for c in chunks], DONE]))
    return client.create_chat_completion_stream(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])


def keep_responses(client: Any) -> List[requests.Response]:
    """Every response the client receives (to see whether it was closed)."""
    kept: List[requests.Response] = []
    client.session.hooks["response"].append(lambda r, **kwargs: kept.append(r))
    return kept


def test_final_after_the_loop(server: LoopbackServer, client: Any) -> None:
    stream = ChatCompletionAccumulator(chat_stream(server, client))
    printed = "".join(c.choices[0].delta.content or "" for c in stream)
    assert printed == "Hello!"
    assert stream.final.choices[0].message.content == "Hello!"
    assert stream.final is not None and list(stream) == []  # reading it again costs nothing, reads nothing


def test_final_before_the_loop_reads_the_whole_stream(server: LoopbackServer, client: Any) -> None:
    stream = ChatCompletionAccumulator(chat_stream(server, client))
    assert len(server.requests) == 0  # nothing is sent before the stream is used
    assert stream.final.choices[0].message.content == "Hello!"
    assert list(stream) == []  # the stream was used up by final


def test_final_inside_the_loop_reads_the_rest(server: LoopbackServer, client: Any) -> None:
    stream = ChatCompletionAccumulator(chat_stream(server, client))
    seen = []
    for c in stream:
        seen.append(c)
        assert stream.final.choices[0].message.content == "Hello!"
    assert len(seen) == 1


def test_final_after_a_break_reads_the_rest(server: LoopbackServer, client: Any) -> None:
    stream = ChatCompletionAccumulator(chat_stream(server, client))
    for _ in stream:
        break
    assert stream.final.choices[0].finish_reason == "stop"


def test_close_releases_the_connection(server: LoopbackServer, client: Any) -> None:
    kept = keep_responses(client)
    stream = ChatCompletionAccumulator(chat_stream(server, client))
    for _ in stream:
        break
    stream.close()
    assert kept[0].raw.closed
    assert list(stream) == []
    stream.close()  # twice is fine


def test_with_block_closes(server: LoopbackServer, client: Any) -> None:
    kept = keep_responses(client)
    with ChatCompletionAccumulator(chat_stream(server, client)) as stream:
        assert next(iter(stream)).choices[0].delta.role == "assistant"
    assert kept[0].raw.closed


def test_close_on_a_plain_iterable() -> None:
    stream = accumulate(CONTENT)
    stream.close()  # a generator: closed
    assert list(stream) == []
    ChatCompletionAccumulator(iter([])).close()  # an iterator without close(): nothing to do


def test_chat_stream_through_the_client(server: LoopbackServer, client: Any) -> None:
    case = CHAT_CASES["n=3-interleaved"]
    stream = ChatCompletionAccumulator(chat_stream(server, client, case.chunks))
    assert len(list(stream)) == len(case.chunks)
    assert prune(stream.final.to_dict()) == prune(case.expected)


@pytest.fixture
def fake_client() -> Iterator[openai_lite.Client]:
    with FakeServer() as fake, openai_lite.Client(api_key="k", base_url=fake.base_url, max_retries=0) as client:
        yield client


WEATHER_TOOL: Any = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


@pytest.mark.parametrize("tools", [None, [WEATHER_TOOL]], ids=["text", "tool-call"])
def test_accumulated_stream_equals_the_completion(fake_client: openai_lite.Client, tools: Any) -> None:
    # The FakeServer answers the same request alike with and without streaming.
    request: Any = {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "Weather in Paris?"}],
        "n": 3,
        "tools": tools,
    }
    stream = ChatCompletionAccumulator(
        fake_client.create_chat_completion_stream(**request, stream_options={"include_usage": True})
    )
    streamed = stream.final.to_dict()
    whole = fake_client.create_chat_completion(**request).to_dict()
    for data in (streamed, whole):
        del data["id"]  # ids count up
        for c in data["choices"]:
            c["message"].pop("annotations", None)  # not streamed
    assert prune(streamed) == prune(whole)


# ---------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------


def response(status: str, output: List[Any]) -> Dict[str, Any]:
    usage = {
        "input_tokens": 3,
        "output_tokens": 4,
        "total_tokens": 7,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens_details": {"reasoning_tokens": 0},
    }
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1700000000,
        "status": status,
        "model": "gpt-4o-mini",
        "output": output,
        "usage": usage if status == "completed" else None,
        "error": None,
        "incomplete_details": None,
    }


def text_part(text: str) -> Dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


def message_item(item_id: str, *parts: Dict[str, Any]) -> Dict[str, Any]:
    return {"id": item_id, "type": "message", "status": "completed", "role": "assistant", "content": list(parts)}


def text_delta(text: str, item_id: str = "msg_1", n: int = 0) -> Dict[str, Any]:
    return {
        "type": "response.output_text.delta",
        "item_id": item_id,
        "output_index": 0,
        "content_index": 0,
        "delta": text,
        "logprobs": [],
        "sequence_number": n,
    }


FINAL_OUTPUT = [
    {"id": "rs_1", "type": "reasoning", "summary": []},
    message_item("msg_1", text_part("Hello"), {"type": "refusal", "refusal": "no"}, text_part(" world")),
    message_item("msg_2", text_part("!")),
]


def response_stream(server: LoopbackServer, client: Any, events: List[Dict[str, Any]]) -> ResponseAccumulator:
    server.reply(sse_reply([sse_event(e, event=e["type"]) for e in events]))
    return ResponseAccumulator(client.create_response_stream(model="gpt-4o-mini", input="Hi"))


def test_response_output_text_during_and_after(server: LoopbackServer, client: Any) -> None:
    events = [
        {"type": "response.created", "response": response("in_progress", []), "sequence_number": 0},
        {"type": "response.in_progress", "response": response("in_progress", []), "sequence_number": 1},
        text_delta("Hel", n=2),
        text_delta("lo", n=3),
        {"type": "response.brand_new", "sequence_number": 4},  # unknown: passes by
        text_delta(" world!", n=5),
        {"type": "response.completed", "response": response("completed", FINAL_OUTPUT), "sequence_number": 6},
    ]
    stream = response_stream(server, client, events)
    during = []
    for event in stream:
        during.append((event.type, stream.output_text))
    assert during == [
        ("response.created", ""),
        ("response.in_progress", ""),
        ("response.output_text.delta", "Hel"),
        ("response.output_text.delta", "Hello"),
        ("response.brand_new", "Hello"),
        ("response.output_text.delta", "Hello world!"),
        ("response.completed", "Hello world!"),  # now from the final response's output_text parts
    ]
    final = stream.final
    assert (final.id, final.status, final.usage.total_tokens) == ("resp_1", "completed", 7)
    assert stream.output_text == "Hello world!"
    assert [item.type for item in final.output] == ["reasoning", "message", "message"]


def test_response_output_text_comes_from_the_final_response(server: LoopbackServer, client: Any) -> None:
    # The final response is what counts, even where it differs from the deltas.
    events = [
        text_delta("draft"),
        {"type": "response.completed", "response": response("completed", [message_item("m", text_part("final"))])},
    ]
    stream = response_stream(server, client, events)
    assert stream.final.status == "completed"
    assert stream.output_text == "final"


def test_response_final_before_the_loop(server: LoopbackServer, client: Any) -> None:
    events = [
        text_delta("Hi"),
        {"type": "response.completed", "response": response("completed", [message_item("m", text_part("Hi"))])},
    ]
    stream = response_stream(server, client, events)
    assert stream.final.status == "completed"
    assert stream.output_text == "Hi"


def test_response_final_of_a_cut_stream_is_not_the_in_progress_response(server: LoopbackServer, client: Any) -> None:
    events = [{"type": "response.created", "response": response("in_progress", [])}, text_delta("Hel")]
    stream = response_stream(server, client, events)
    with pytest.raises(openai_lite.APIConnectionError):
        for _ in stream:
            pass
    with pytest.raises(openai_lite.APIError, match="before its final response"):
        stream.final  # noqa: B018
    assert stream.output_text == "Hel"  # the text that did arrive


def test_response_final_without_any_response(server: LoopbackServer, client: Any) -> None:
    # A stream that ends well but never sent a response object (a non-conforming server).
    server.reply(sse_reply([sse_event(text_delta("Hi")), sse_event({"type": "response.completed"})]))
    stream = ResponseAccumulator(client.create_response_stream(model="gpt-4o-mini", input="Hi"))
    with pytest.raises(openai_lite.APIError, match="before its final response"):
        stream.final  # noqa: B018
    assert stream.output_text == "Hi"


def test_response_stream_on_the_fake_server(fake_client: openai_lite.Client) -> None:
    stream = ResponseAccumulator(fake_client.create_response_stream(model="gpt-4o-mini", input="Tell me a story"))
    texts = [stream.output_text for event in stream if event.type == "response.output_text.delta"]
    assert texts[-1] == stream.output_text == "You said: Tell me a story"
    assert stream.final.status == "completed"


# ---------------------------------------------------------------------------
# Assistants runs
# ---------------------------------------------------------------------------


def run(status: str, **fields: Any) -> Dict[str, Any]:
    return {
        "id": "run_1",
        "object": "thread.run",
        "created_at": 1,
        "thread_id": "thread_1",
        "assistant_id": "asst_1",
        "status": status,
        "required_action": None,
        "usage": None,
        **fields,
    }


def step(step_id: str, status: str, kind: str) -> Dict[str, Any]:
    return {
        "id": step_id,
        "object": "thread.run.step",
        "run_id": "run_1",
        "thread_id": "thread_1",
        "type": kind,
        "status": status,
        "step_details": {"type": kind},
    }


def message(message_id: str, status: str, text: str) -> Dict[str, Any]:
    content = [{"type": "text", "text": {"value": text, "annotations": []}}] if text else []
    return {
        "id": message_id,
        "object": "thread.message",
        "thread_id": "thread_1",
        "run_id": "run_1",
        "role": "assistant",
        "status": status,
        "content": content,
    }


def message_delta(message_id: str, text: str) -> Dict[str, Any]:
    part = {"index": 0, "type": "text", "text": {"value": text, "annotations": []}}
    return {"id": message_id, "object": "thread.message.delta", "delta": {"content": [part]}}


CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}
REQUIRES_ACTION = run(
    "requires_action", required_action={"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [CALL]}}
)

FIRST_PART = [
    ("thread.run.created", run("queued")),
    ("thread.run.queued", run("queued")),
    ("thread.run.in_progress", run("in_progress")),
    ("thread.run.step.created", step("step_1", "in_progress", "tool_calls")),
    ("thread.run.step.delta", {"id": "step_1", "object": "thread.run.step.delta", "delta": {}}),
    ("thread.run.requires_action", REQUIRES_ACTION),
]
SECOND_PART = [
    ("thread.run.queued", run("queued")),
    ("thread.run.in_progress", run("in_progress")),
    ("thread.run.step.completed", step("step_1", "completed", "tool_calls")),
    ("thread.run.step.created", step("step_2", "in_progress", "message_creation")),
    ("thread.message.created", message("msg_1", "in_progress", "")),
    ("thread.message.in_progress", message("msg_1", "in_progress", "")),
    ("thread.message.delta", message_delta("msg_1", "It is ")),
    ("thread.message.delta", message_delta("msg_1", "sunny.")),
    ("thread.message.completed", message("msg_1", "completed", "It is sunny.")),
    ("thread.message.created", message("msg_2", "completed", "Anything else?")),
    ("thread.run.step.completed", step("step_2", "completed", "message_creation")),
    ("thread.run.completed", run("completed", usage={"prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9})),
]


def run_reply(events: List[Any]) -> Any:
    return sse_reply([*[sse_event(data, event=name) for name, data in events], sse_event("[DONE]", event="done")])


def test_run_requires_action_then_submitted_outputs_complete_it(server: LoopbackServer, client: Any) -> None:
    server.reply(run_reply(FIRST_PART), run_reply(SECOND_PART))

    first = RunAccumulator(client.create_run_stream("thread_1", assistant_id="asst_1"))
    assert [event.event for event in first] == [name for name, _ in FIRST_PART]
    result = first.final
    assert isinstance(result, RunResult)
    assert result.run.status == "requires_action"
    assert [(c.id, c.function.name, c.function.arguments) for c in result.tool_calls] == [
        ("call_1", "get_weather", '{"city":"Paris"}')
    ]
    assert result.messages == []
    assert [(s.id, s.status) for s in result.steps] == [("step_1", "in_progress")]
    assert "requires_action" in repr(result)

    outputs = [{"tool_call_id": call.id, "output": "22C, sunny"} for call in result.tool_calls]
    second = RunAccumulator(
        client.submit_tool_outputs_to_run_stream(result.run.thread_id, result.run.id, tool_outputs=outputs)
    )
    written = "".join(
        part.text.value
        for event in second
        if event.event == "thread.message.delta"
        for part in event.data.delta.content
    )
    assert written == "It is sunny."
    done = second.final
    assert done.run.status == "completed"
    assert done.run.usage.total_tokens == 9
    assert done.tool_calls == []
    # Each message and step once, in its latest state, in order of creation.
    assert [(m.id, m.status, m.content[0].text.value) for m in done.messages] == [
        ("msg_1", "completed", "It is sunny."),
        ("msg_2", "completed", "Anything else?"),
    ]
    assert [(s.id, s.status) for s in done.steps] == [("step_1", "completed"), ("step_2", "completed")]
    assert server.requests[1].path == "/v1/threads/thread_1/runs/run_1/submit_tool_outputs"
    assert server.requests[1].json()["tool_outputs"] == outputs


def test_run_result_before_any_run_event() -> None:
    result = RunAccumulator(iter([])).final
    assert (result.run, result.messages, result.steps, result.tool_calls) == (None, [], [], [])
    assert repr(result) == "<RunResult run=None status=None messages=0>"


def test_run_on_the_fake_server(fake_client: openai_lite.Client) -> None:
    with pytest.warns(DeprecationWarning):
        assistant = fake_client.create_assistant(model="gpt-4o-mini", tools=[WEATHER_TOOL])
    thread: Any = {"messages": [{"role": "user", "content": "Weather in Paris?"}]}
    first = RunAccumulator(fake_client.create_thread_and_run_stream(assistant_id=assistant.id, thread=thread))
    result = first.final
    assert result.run.status == "requires_action"
    assert [c.function.arguments for c in result.tool_calls] == ['{"city":"fake city"}']

    outputs: Any = [{"tool_call_id": result.tool_calls[0].id, "output": "22C"}]
    second = RunAccumulator(
        fake_client.submit_tool_outputs_to_run_stream(result.run.thread_id, result.run.id, tool_outputs=outputs)
    )
    pieces_seen = [p.text.value for e in second if e.event == "thread.message.delta" for p in e.data.delta.content]
    done = second.final
    assert done.run.status == "completed"
    assert [m.content[0].text.value for m in done.messages] == ["Tool result: 22C"] == ["".join(pieces_seen)]
    assert [s.type for s in done.steps] == ["tool_calls", "message_creation"]
