"""Reading server-sent event streams off a live ``requests.Response``.

Two things matter here. Each event must reach the caller as soon as its last
byte arrives, so the body is read "what has arrived" rather than in fixed-size
blocks (a fixed-size read waits for more bytes on a close-delimited stream).
And the HTTP response must be closed however iteration ends: at the end, on
``break``, on an exception, or when the generator is garbage-collected.
"""

from __future__ import annotations

import json
import typing
from itertools import chain
from typing import TYPE_CHECKING, Any, Callable, FrozenSet, Iterator, List, Optional, TypeVar

from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    connection_error,
    decode_body,
    error_message,
    excerpt,
    mask,
    sent_secrets,
)
from ._models import BaseModel, convert
from ._sse import ServerSentEvent, iter_sse
from ._transport import iter_body, release_after_drain

if TYPE_CHECKING:
    import requests

__all__ = ["UnknownEvent", "decoder", "iter_events"]

T = TypeVar("T")


class UnknownEvent:
    """A streamed event of a type this version of the library does not know.

    A server may add event types at any time; they arrive as this instead of
    breaking the loop. ``type`` (also ``event``) is the event's name, from its
    ``type`` field or its SSE ``event:`` line; ``data`` is its decoded JSON.
    """

    __slots__ = ("data", "type")

    def __init__(self, type: str, data: Any) -> None:
        self.type = type
        self.data = data

    @property
    def event(self) -> str:
        """The event's name (as ``type``)."""
        return self.type

    def to_dict(self) -> Any:
        """The event's JSON, as received."""
        return self.data

    def __repr__(self) -> str:
        return f"UnknownEvent(type={self.type!r}, data={self.data!r})"


class _InvalidEvent(Exception):
    """An event the decoder cannot use; iter_events turns it into an APIResponseValidationError."""


def decoder(tp: Any, named_events: bool = False) -> Callable[[ServerSentEvent, Any], Any]:
    """Decode each event's JSON into ``tp`` (a response type or a union of event types).

    With ``named_events`` (Assistants streams) the type comes from the SSE
    ``event:`` line, so the payload is decoded as ``{"event": name, "data": payload}``.
    An event no member of a union matches becomes an :class:`UnknownEvent`;
    for a single type, an event that is not a JSON object is an error.
    """
    union = typing.get_origin(tp) is typing.Union

    def decode(event: ServerSentEvent, data: Any) -> Any:
        result = convert(tp, {"event": event.event, "data": data} if named_events else data)
        if isinstance(result, BaseModel):
            return result
        if union:
            name = data.get("type") if isinstance(data, dict) and not named_events else None
            return UnknownEvent(name if isinstance(name, str) else event.event, data)
        raise _InvalidEvent(f"is JSON but not an object ({type(data).__name__})")

    return decode


def iter_events(
    response: requests.Response,
    decode: Callable[[ServerSentEvent, Any], Optional[T]],
    *,
    done_marker: bool = False,
    final_events: FrozenSet[str] = frozenset(),
    context: str = "",
    limit: Optional[int] = None,
) -> Iterator[T]:
    """Yield ``decode(event, parsed_json)`` for each event of a streaming response (None: skipped).

    Stops at ``data: [DONE]``. Raises :class:`APIError` for an error event,
    :class:`APIResponseValidationError` for a body that is not an event stream
    or an event whose data is not JSON, and :class:`APIConnectionError` if the
    connection fails or the stream ends early: without ``[DONE]`` when
    ``done_marker`` is set, or without one of ``final_events`` (event types,
    such as ``response.completed``) when given. The connection goes back to
    the pool after ``[DONE]`` (once the little left of the body is read) and
    is closed in every other case. ``limit`` bounds the decoded size of the
    whole stream.
    """
    request_id = response.headers.get("x-request-id")
    finished = not final_events
    body = iter_body(response, limit, context=context)
    done = False
    try:
        for event in iter_sse(_event_stream(response, body)):
            data = event.data
            if data.startswith("[DONE]"):
                done = True
                return
            try:
                payload = json.loads(data)
            except ValueError:
                payload = _NOT_JSON
            except RecursionError:
                raise _invalid_event(response, event, "carries JSON nested too deeply to decode") from None
            error = stream_error(event, payload, response)
            if error is not None:
                raise error
            if payload is _NOT_JSON:
                if not data.strip():
                    continue  # "data:" alone, which some servers send to keep the connection open
                raise _invalid_event(response, event, "carries data that is not JSON")
            if not finished:
                name = payload.get("type") if isinstance(payload, dict) else None
                finished = (name if isinstance(name, str) else event.event) in final_events
            try:
                item = decode(event, payload)
            except _InvalidEvent as exc:
                raise _invalid_event(response, event, str(exc)) from None
            if item is not None:
                yield item
    except (APIError, GeneratorExit):
        raise
    except Exception as exc:
        error = connection_error(exc, context, request_id, sent_secrets(response.request))
        if error is None:
            raise
        raise error from exc
    finally:
        if done:
            release_after_drain(response, body)
        response.close()  # (after a release, this leaves the pooled connection alone)
    if done_marker or not finished:
        what = "[DONE]" if done_marker else "final"
        raise APIConnectionError(
            f"The stream ended before its {what} event ({context}): the connection was cut short.",
            request_id=request_id,
        )


_NOT_JSON = object()

# Bytes that may come before the first line of an event stream: blank lines and a byte order mark.
_BLANK = b" \t\r\n\xef\xbb\xbf"
# The most of a body that is not an event stream read to report it (an error object, a proxy's page).
_PLAIN_BODY_LIMIT = 1024 * 1024


def _event_stream(response: requests.Response, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks``, once their start shows them to be an event stream at all.

    A server or proxy may answer a stream request with a plain body, even
    with status 200: a JSON error object, an HTML page. Such a body starts
    with ``{``, ``[`` or ``<``, as no event stream does; it is reported with
    the server's message instead of being parsed as events (and found to
    have none).
    """
    head: List[bytes] = []
    for chunk in chunks:
        head.append(chunk)
        start = chunk.lstrip(_BLANK)
        if start:
            if start[:1] in (b"{", b"[", b"<"):
                raise _plain_body(response, head, chunks)
            break
        if len(head) > 8:
            break  # a long blank start: an event stream, as far as one can tell
    return chain(head, chunks)


def _plain_body(response: requests.Response, head: List[bytes], chunks: Iterator[bytes]) -> APIError:
    size = sum(map(len, head))
    for chunk in chunks:
        if size >= _PLAIN_BODY_LIMIT:
            break
        head.append(chunk)
        size += len(chunk)
    content = b"".join(head)
    secrets = sent_secrets(response.request)
    body = decode_body(content, secrets)
    kind = response.headers.get("content-type") or "no content type"
    message = error_message(body, content, kind, secrets)
    return APIResponseValidationError(f"expected an event stream, got {kind}: {message}", response=response, body=body)


def _invalid_event(response: requests.Response, event: ServerSentEvent, what: str) -> APIError:
    secrets = sent_secrets(response.request)
    data = excerpt(event.data.encode("utf-8"), secrets, 200)
    message = f"A streamed event ({event.event!r}) {what}: {data!r}"
    return APIResponseValidationError(mask(message, secrets), response=response, body=mask(event.data, secrets))


def stream_error(event: ServerSentEvent, payload: Any, response: requests.Response) -> Optional[APIError]:
    """The error an event reports, if it reports one, with the credential sent masked.

    Three shapes are in use: an ``event: error`` line, a ``{"type": "error"}``
    payload (Responses API) and an ``{"error": {...}}`` payload (chat).
    ``payload`` is the event's decoded JSON (``_NOT_JSON`` if it is not JSON).
    """
    if isinstance(payload, dict):
        info = payload.get("error")
        if not (
            isinstance(info, dict)
            or (isinstance(info, str) and info)  # {"error": "..."}, as some compatible servers send
            or event.event == "error"
            or payload.get("type") == "error"
        ):
            return None
    elif event.event != "error":
        return None
    # Made from the event's data with the credential masked, should the server have echoed it.
    secrets = sent_secrets(response.request)
    request_id = response.headers.get("x-request-id")
    text = mask(event.data, secrets)
    if isinstance(payload, dict):
        if text is not event.data:
            try:
                payload = json.loads(text)
            except ValueError:  # the key was not inside a JSON string: keep the masked text
                return APIError(" ".join(text.split())[:500], body=text, request_id=request_id)
        info = payload.get("error")
        if isinstance(info, str) and info:
            return APIError(info, body=payload, request_id=request_id)
        if not isinstance(info, dict):
            info = payload
        message = info.get("message") or "The server reported an error in the stream."
        return APIError(str(message), body=payload, request_id=request_id)
    message = " ".join(text.split())[:500] if payload is _NOT_JSON else mask(str(payload), secrets)
    return APIError(message or "The server reported an error in the stream.", body=text, request_id=request_id)
