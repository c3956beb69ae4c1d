"""Streaming chat completions through the real client against the loopback server.

Covers when events reach the caller, how a stream ends (``[DONE]``, error events,
dropped connections, stalls), that the HTTP response is always closed, retries and
status errors on stream requests, and parsing of the chunks.
"""

from __future__ import annotations

import gc
import json
import time
import zlib
from typing import Any, Callable, Dict, List, Optional

import pytest
import requests
from _loopback import LoopbackServer, Reply, bytes_reply, json_reply, reset_reply, sse_event, sse_reply

import openai_lite
from openai_lite.types.chat import CreateChatCompletionStreamResponse

MESSAGES = [{"role": "user", "content": "Hi"}]


def chunk(content: Optional[str] = None, **extra: Any) -> Dict[str, Any]:
    """A chat.completion.chunk whose only choice adds ``content``."""
    delta = {} if content is None else {"content": content}
    choice = {"index": 0, "delta": delta, "finish_reason": None}
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-test",
        "choices": [choice],
        **extra,
    }


def event(content: str) -> str:
    return sse_event(chunk(content))


DONE = "data: [DONE]\n\n"


def stream(client: Any, **kwargs: Any) -> Any:
    return client.create_chat_completion_stream(model="gpt-test", messages=MESSAGES, **kwargs)


def contents(chunks: List[Any]) -> List[Optional[str]]:
    return [c.choices[0].delta.content for c in chunks]


def open_connections(server: LoopbackServer) -> int:
    # The server's table of connections it is still serving: an entry goes away when
    # the server reads EOF, i.e. when the client closed its end.
    return len(server._active)


def wait_for_open_connections(server: LoopbackServer, at_most: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while open_connections(server) > at_most:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def keep_responses(client: Any) -> List[requests.Response]:
    """Hold every response the client receives, so that only an explicit close() can close it
    (without this, dropping the last reference would close the socket anyway)."""
    kept: List[requests.Response] = []
    client.session.hooks["response"].append(lambda r, **kwargs: kept.append(r))
    return kept


# ---------------------------------------------------------------------------
# Events reach the caller as soon as they are complete
# ---------------------------------------------------------------------------


def gzip_pieces(texts: List[str]) -> List[bytes]:
    """``texts`` gzip-compressed as one stream, flushed after each so that each piece decodes alone."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    pieces = [compressor.compress(t.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH) for t in texts]
    pieces[-1] += compressor.flush()
    return pieces


# urllib3 before 2.3 has no read1() that decodes: a compressed close-delimited body is
# read in fixed-size blocks, which wait for more bytes.


@pytest.mark.parametrize(
    ("chunked", "gzip"),
    [
        (True, False),
        (False, False),
        (True, True),
        (False, True),
    ],
    ids=["chunked", "close-delimited", "chunked-gzip", "close-delimited-gzip"],
)
def test_each_event_is_yielded_as_soon_as_it_arrives(
    server: LoopbackServer, client: Any, chunked: bool, gzip: bool
) -> None:
    # The second event is sent 0.6 s after the first: a client that waits for more
    # bytes (a fixed-size read, or one event behind) would hand over the first late.
    texts = [event("a"), event("b"), DONE]
    pieces: List[Any] = gzip_pieces(texts) if gzip else texts
    headers = {"Content-Encoding": "gzip"} if gzip else None
    server.reply(sse_reply([pieces[0], (pieces[1], 0.6), pieces[2]], chunked=chunked, headers=headers))
    start = time.monotonic()
    arrivals = []
    received = []
    for c in stream(client):
        arrivals.append(time.monotonic() - start)
        received.append(c.choices[0].delta.content)
    assert received == ["a", "b"]
    assert arrivals[1] >= 0.45, arrivals  # the server really waited between the two
    assert arrivals[0] < 0.35, arrivals


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "close-delimited"])
def test_gzip_encoded_stream_is_decoded(server: LoopbackServer, client: Any, chunked: bool) -> None:
    texts = [event("a"), event("b" * 70_000), event("c"), DONE]
    server.reply(sse_reply(gzip_pieces(texts), chunked=chunked, headers={"Content-Encoding": "gzip"}))
    assert contents(list(stream(client))) == ["a", "b" * 70_000, "c"]


def test_the_request_is_sent_when_iteration_starts(server: LoopbackServer, client: Any) -> None:
    server.reply(sse_reply([event("a"), DONE]))
    chunks = stream(client, stream_options={"include_usage": True})
    time.sleep(0.05)
    assert server.requests == []
    assert contents(list(chunks)) == ["a"]
    request = server.last_request
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    body = request.json()
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["messages"] == MESSAGES


# ---------------------------------------------------------------------------
# How a stream ends
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "close-delimited"])
def test_stops_at_done_without_reading_further(server: LoopbackServer, client: Any, chunked: bool) -> None:
    # After [DONE] the server would send another event, but only 3 s later: reading on
    # would both block and yield it.
    server.reply(sse_reply([event("a"), DONE, (event("after done"), 3.0), DONE], chunked=chunked))
    start = time.monotonic()
    assert contents(list(stream(client))) == ["a"]
    assert time.monotonic() - start < 2.0


ERROR_EVENTS = {
    "event-error-nested": sse_event(
        {"error": {"message": "The model crashed", "type": "server_error", "code": "model_error"}}, event="error"
    ),
    "event-error-flat": sse_event({"message": "The model crashed", "code": "model_error"}, event="error"),
    "error-payload": sse_event({"error": {"message": "The model crashed", "code": "model_error", "param": None}}),
}


@pytest.mark.parametrize("error_event", list(ERROR_EVENTS.values()), ids=list(ERROR_EVENTS))
def test_error_event_raises_api_error(server: LoopbackServer, client: Any, error_event: str) -> None:
    server.reply(sse_reply([event("a"), error_event, event("never"), DONE], headers={"x-request-id": "req_stream"}))
    received = []
    with pytest.raises(openai_lite.APIError) as info:
        for c in stream(client):
            received.append(c.choices[0].delta.content)
    assert received == ["a"]  # events before the error are delivered
    error = info.value
    assert type(error) is openai_lite.APIError  # not a status or connection error
    assert error.message == "The model crashed"
    assert error.code == "model_error"
    assert error.request_id == "req_stream"
    assert "req_stream" in str(error)


@pytest.mark.parametrize(
    "error_event",
    [sse_event("overloaded, try later", event="error"), sse_event({"error": "overloaded, try later"})],
    ids=["event-error-text", "error-string-payload"],
)
def test_error_without_error_object(server: LoopbackServer, client: Any, error_event: str) -> None:
    server.reply(sse_reply([error_event, event("never"), DONE]))
    with pytest.raises(openai_lite.APIError) as info:
        list(stream(client))
    assert type(info.value) is openai_lite.APIError
    assert info.value.message == "overloaded, try later"
    assert info.value.code is None
    assert info.value.request_id == "req_test"


@pytest.mark.parametrize("payload", [{"error": None}, {"error": ""}, {"type": "message"}], ids=repr)
def test_payload_without_error_is_a_chunk(server: LoopbackServer, client: Any, payload: Dict[str, Any]) -> None:
    server.reply(sse_reply([sse_event(chunk("a", **payload)), DONE]))
    assert contents(list(stream(client))) == ["a"]


def _chunked_head_and_first_event() -> List[Any]:
    """The steps of a chunked SSE reply up to (not including) its terminating empty chunk."""
    return sse_reply([event("a")]).steps[:-1]


DROPPED = {
    # RST after the first event
    "chunked-reset": Reply([*_chunked_head_and_first_event(), (0.2, b"")], "reset"),
    "close-delimited-reset": Reply([*sse_reply([event("a")], chunked=False).steps, (0.2, b"")], "reset"),
    # a clean end of the body, but no [DONE]
    "chunked-ends-without-done": sse_reply([event("a")]),
    "close-delimited-ends-without-done": sse_reply([event("a")], chunked=False),
    "close-delimited-ends-mid-event": sse_reply([event("a"), (b'data: {"id": "x"', 0.1)], chunked=False),
    # the connection closes inside the chunked framing
    "chunked-truncated-before-last-chunk": Reply([*_chunked_head_and_first_event(), (0.2, b"")], "close"),
    "chunked-truncated-inside-chunk": Reply([*_chunked_head_and_first_event(), (0.2, b'100\r\ndata: {"id"')], "close"),
}


@pytest.mark.parametrize("reply", list(DROPPED.values()), ids=list(DROPPED))
def test_dropped_connection_becomes_api_connection_error(server: LoopbackServer, client: Any, reply: Reply) -> None:
    server.reply(reply)
    received = []
    with pytest.raises(openai_lite.APIConnectionError) as info:
        for c in stream(client):
            received.append(c.choices[0].delta.content)
    assert received == ["a"]
    assert type(info.value) is openai_lite.APIConnectionError
    assert info.value.request_id == "req_test"


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "close-delimited"])
def test_stall_longer_than_read_timeout_becomes_timeout_error(
    server: LoopbackServer, client: Any, chunked: bool
) -> None:
    server.reply(sse_reply([event("a"), (event("late"), 5.0), DONE], chunked=chunked))
    chunks = stream(client, timeout=(5.0, 0.3))
    assert next(chunks).choices[0].delta.content == "a"
    start = time.monotonic()
    with pytest.raises(openai_lite.APITimeoutError):
        next(chunks)
    assert 0.2 < time.monotonic() - start < 3.0


# ---------------------------------------------------------------------------
# The response is closed however iteration ends
# ---------------------------------------------------------------------------


def _stop_by_break(client: Any) -> None:
    for _ in stream(client):
        break


def _stop_by_exception_in_loop(client: Any) -> None:
    with pytest.raises(KeyError):
        for _ in stream(client):
            raise KeyError("caller failed")


def _stop_by_garbage_collection(client: Any) -> None:
    chunks = stream(client)
    next(chunks)
    del chunks
    gc.collect()


def _stop_by_explicit_close(client: Any) -> None:
    chunks = stream(client)
    next(chunks)
    chunks.close()


def _closing_reply(chunked: bool, *events: str) -> Reply:
    if chunked:
        # The whole reply is on the wire at once and the server then waits for the next
        # request on the connection: it sees EOF only if the client closes the connection.
        return sse_reply([*events, DONE])
    # Close-delimited: the server keeps the connection open (a stall before [DONE]).
    return sse_reply([*events, (DONE, 5.0)], chunked=False)


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "close-delimited"])
@pytest.mark.parametrize(
    "stop",
    [_stop_by_break, _stop_by_exception_in_loop, _stop_by_garbage_collection, _stop_by_explicit_close],
    ids=["break", "exception-in-loop", "garbage-collected", "close"],
)
def test_half_read_stream_closes_its_response(
    server: LoopbackServer, client: Any, stop: Callable[[Any], None], chunked: bool
) -> None:
    server.reply(_closing_reply(chunked, event("a"), event("b"), event("c")))
    kept = keep_responses(client)
    stop(client)
    assert len(kept) == 1
    assert kept[0].raw.closed
    if chunked:
        assert wait_for_open_connections(server, 0), "the client kept the connection open"


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "close-delimited"])
def test_error_event_closes_the_response(server: LoopbackServer, client: Any, chunked: bool) -> None:
    server.reply(_closing_reply(chunked, event("a"), ERROR_EVENTS["error-payload"], event("b")))
    kept = keep_responses(client)
    with pytest.raises(openai_lite.APIError):
        list(stream(client))
    assert kept[0].raw.closed
    if chunked:
        assert wait_for_open_connections(server, 0)


def test_many_streams_broken_off_early_leave_the_pool_healthy(server: LoopbackServer, client: Any) -> None:
    n = 200
    server.reply(*[sse_reply([event(str(i)), event("more"), event("more"), DONE]) for i in range(n)])
    most_open = 0
    for i in range(n):
        for c in stream(client):
            assert c.choices[0].delta.content == str(i)
            break
        most_open = max(most_open, open_connections(server))
    # Each broken-off stream's connection was closed, not left open nor handed back
    # half-read (which would garble the calls below).
    assert most_open <= 10
    assert wait_for_open_connections(server, 0)
    assert server.connections <= n + 1
    server.reply(
        json_reply({"id": "m1", "object": "model", "created": 1, "owned_by": "me"}),
        json_reply({"id": "m2", "object": "model", "created": 2, "owned_by": "me"}),
    )
    assert client.retrieve_model("m1").id == "m1"
    assert client.retrieve_model("m2").id == "m2"
    assert [r.path for r in server.requests[-2:]] == ["/v1/models/m1", "/v1/models/m2"]
    assert open_connections(server) <= 1  # the two normal calls shared one kept-alive connection


# ---------------------------------------------------------------------------
# Status errors and retries
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, openai_lite.BadRequestError),
        (401, openai_lite.AuthenticationError),
        (429, openai_lite.RateLimitError),
        (500, openai_lite.InternalServerError),
    ],
)
def test_status_error_raises_at_first_next(server: LoopbackServer, client: Any, status: int, error_type: type) -> None:
    body = {"error": {"message": f"failed with {status}", "type": "t", "code": f"code_{status}"}}
    server.reply(json_reply(body, status=status, headers={"x-request-id": "req_err"}))
    chunks = stream(client)  # nothing is sent yet, so nothing can fail yet
    with pytest.raises(error_type) as info:
        next(chunks)
    error = info.value
    assert error.status_code == status
    assert error.message == f"failed with {status}"
    assert error.code == f"code_{status}"
    assert error.request_id == "req_err"
    assert len(server.requests) == 1


def test_retries_happen_before_the_first_event(server: LoopbackServer, make_client: Any) -> None:
    server.reply(
        json_reply({"error": {"message": "busy"}}, status=500),
        reset_reply(),  # the connection drops before any response
        json_reply({"error": {"message": "slow down"}}, status=429),
        sse_reply([event("a"), event("b"), DONE]),
    )
    client = make_client(max_retries=3, initial_retry_delay=0.01)
    assert contents(list(stream(client))) == ["a", "b"]
    assert len(server.requests) == 4
    assert server.requests[0].body == server.requests[3].body


def test_status_error_after_all_retries(server: LoopbackServer, make_client: Any) -> None:
    client = make_client(max_retries=2, initial_retry_delay=0.01)
    server.reply(*[json_reply({"error": {"message": "down"}}, status=503) for _ in range(3)])
    with pytest.raises(openai_lite.InternalServerError):
        next(stream(client))
    assert len(server.requests) == 3


def test_no_retry_once_an_event_was_delivered(server: LoopbackServer, make_client: Any) -> None:
    client = make_client(max_retries=2, initial_retry_delay=0.01)
    server.reply(DROPPED["chunked-reset"], sse_reply([event("retried"), DONE]))
    received = []
    with pytest.raises(openai_lite.APIConnectionError):
        for c in stream(client):
            received.append(c.choices[0].delta.content)
    time.sleep(0.1)  # a retry in the background would show up as a second request
    assert received == ["a"]
    assert len(server.requests) == 1


# ---------------------------------------------------------------------------
# Parsing the chunks
# ---------------------------------------------------------------------------


def test_chunks_parse_into_the_chunk_dataclass(server: LoopbackServer, client: Any) -> None:
    def tool_chunk(**call: Any) -> Dict[str, Any]:
        c = chunk()
        c["choices"][0]["delta"] = {"tool_calls": [call]}
        return c

    first = chunk()
    first["choices"][0]["delta"] = {"role": "assistant", "content": ""}
    last = chunk()
    last["choices"][0]["finish_reason"] = "tool_calls"
    usage = chunk(usage={"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21})
    usage["choices"] = []
    events = [
        first,
        chunk("Hel"),
        chunk("lo", brand_new_field={"x": 1}),
        tool_chunk(index=0, id="call_1", type="function", function={"name": "get_weather", "arguments": ""}),
        tool_chunk(index=0, function={"arguments": '{"city":'}),
        tool_chunk(index=0, function={"arguments": '"Paris"}'}),
        last,
        usage,
    ]
    server.reply(sse_reply([sse_event(e) for e in events] + [DONE]))
    chunks = list(stream(client, stream_options={"include_usage": True}))

    assert len(chunks) == len(events)
    assert all(isinstance(c, CreateChatCompletionStreamResponse) for c in chunks)
    assert [c.to_dict() for c in chunks] == events
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hello"
    assert chunks[2].brand_new_field == {"x": 1}

    calls = [call for c in chunks if c.choices for call in c.choices[0].delta.tool_calls or []]
    assert [call.index for call in calls] == [0, 0, 0]
    assert calls[0].id == "call_1" and calls[0].type == "function"
    assert calls[0].function.name == "get_weather"
    assert "".join(call.function.arguments for call in calls) == '{"city":"Paris"}'
    assert json.loads("".join(call.function.arguments for call in calls)) == {"city": "Paris"}
    assert calls[1].id is None

    assert chunks[-2].choices[0].finish_reason == "tool_calls"
    assert chunks[-1].choices == []
    assert chunks[-1].usage.total_tokens == 21
    assert chunks[-1].usage.prompt_tokens == 9
    assert chunks[1].usage is None


# ---------------------------------------------------------------------------
# A stream request answered with a plain body (a proxy's error, even with status 200)
# ---------------------------------------------------------------------------

PROXY_ERROR = {"error": {"message": "Upstream quota exceeded", "type": "proxy_error", "code": "quota"}}

# (id, reply, text the message must hold, code)
PLAIN_BODIES = [
    ("json-error", json_reply(PROXY_ERROR), "Upstream quota exceeded", "quota"),
    ("json-error-chunked", Reply(sse_reply([json.dumps(PROXY_ERROR)]).steps), "Upstream quota exceeded", "quota"),
    (
        "json-error-close-delimited",
        sse_reply(["\r\n", json.dumps(PROXY_ERROR)], chunked=False, headers={"Content-Type": "application/json"}),
        "Upstream quota exceeded",
        "quota",
    ),
    (
        "bom-and-blank-lines-then-json",
        bytes_reply(b"\xef\xbb\xbf \r\n" + json.dumps(PROXY_ERROR).encode(), content_type="text/event-stream"),
        "Upstream quota exceeded",
        "quota",
    ),
    ("string-error", json_reply({"error": "model is loading"}), "model is loading", None),
    ("html-page", Reply(sse_reply(["<html><title>Gateway says no</title></html>"]).steps), "Gateway says no", None),
    ("a-completion", json_reply({"id": "chatcmpl-1", "object": "chat.completion", "choices": []}), "chatcmpl-1", None),
]


@pytest.mark.parametrize(("reply", "text", "code"), [p[1:] for p in PLAIN_BODIES], ids=[p[0] for p in PLAIN_BODIES])
def test_a_plain_body_instead_of_an_event_stream_is_reported_with_its_message(
    server: LoopbackServer, client: Any, reply: Reply, text: str, code: Optional[str]
) -> None:
    server.reply(reply)
    with pytest.raises(openai_lite.APIError) as info:
        list(stream(client))
    error = info.value
    assert type(error) is openai_lite.APIResponseValidationError  # not a connection "cut short"
    assert text in error.message
    assert "event stream" in error.message
    assert error.code == code
    assert error.request_id == "req_test"


# ---------------------------------------------------------------------------
# The key, echoed in a stream, is in no error
# ---------------------------------------------------------------------------

SECRET = "sk-proj-STREAMSECRET-0123456789"

STREAM_ECHOES = {
    "event-error": sse_event({"error": {"message": f"bad key {SECRET}", "param": SECRET}}, event="error"),
    "event-error-text": sse_event(f"bad key {SECRET}", event="error"),
    "inline-error": sse_event({"error": {"message": f"bad key {SECRET}", "code": SECRET}}),
    "inline-string-error": sse_event({"error": f"bad key {SECRET}"}),
    "type-error": sse_event({"type": "error", "message": f"bad key {SECRET}", "extra": [SECRET]}),
    "data-not-json": sse_event(f"hello {SECRET}"),
    "long-data-not-json": sse_event("x" * 190 + SECRET),
}


@pytest.mark.parametrize("odd", list(STREAM_ECHOES.values()), ids=list(STREAM_ECHOES))
def test_key_echoed_in_a_stream_is_in_no_error(
    make_client: Callable[..., Any], server: LoopbackServer, odd: str
) -> None:
    server.reply(sse_reply([event("a"), odd, DONE]))
    with pytest.raises(openai_lite.APIError) as info:
        list(stream(make_client(api_key=SECRET)))
    error = info.value
    for text in (str(error), repr(error), error.message, *map(str, error.args)):
        assert SECRET not in text
    for value in (error.body, error.code, error.param, error.type):
        assert SECRET not in json.dumps(value)
    assert "***" in error.message + json.dumps(error.body)


def test_key_echoed_in_a_plain_body_answering_a_stream_is_in_no_error(
    make_client: Callable[..., Any], server: LoopbackServer
) -> None:
    server.reply(json_reply({"error": {"message": f"Incorrect API key provided: {SECRET}", "param": SECRET}}))
    with pytest.raises(openai_lite.APIError) as info:
        list(stream(make_client(api_key=SECRET)))
    error = info.value
    assert "Incorrect API key provided: ***" in error.message
    for text in (str(error), repr(error), *map(str, error.args), json.dumps(error.body)):
        assert SECRET not in text
