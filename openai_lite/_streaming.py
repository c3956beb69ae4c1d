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
from typing import TYPE_CHECKING, Any, Callable, FrozenSet, Iterator, Optional, TypeVar

from ._errors import APIConnectionError, APIError, connection_error
from ._logging import logger
from ._models import BaseModel, convert
from ._sse import ServerSentEvent, iter_sse
from ._transport import iter_body, release_after_drain

if TYPE_CHECKING:
    import requests

__all__ = ["UnknownEvent", "decoder", "iter_body", "iter_events"]

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


def decoder(tp: Any, named_events: bool = False) -> Callable[[ServerSentEvent, Any], Any]:
    """Decode each event's JSON into ``tp`` (a response type or a union of event types).

    With ``named_events`` (Assistants streams) the type comes from the SSE
    ``event:`` line, so the payload is decoded as ``{"event": name, "data": payload}``.
    An event no member of a union matches becomes an :class:`UnknownEvent`;
    for a single type, an event that is not a JSON object is dropped (logged).
    """
    union = typing.get_origin(tp) is typing.Union

    def decode(event: ServerSentEvent, data: Any) -> Any:
        result = convert(tp, {"event": event.event, "data": data} if named_events else data)
        if isinstance(result, BaseModel):
            return result
        if union:
            name = data.get("type") if isinstance(data, dict) and not named_events else None
            return UnknownEvent(name if isinstance(name, str) else event.event, data)
        logger.warning("dropped a streamed event that is not a JSON object: %.200r", data)
        return None

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

    Stops at ``data: [DONE]``. Raises :class:`APIError` for an error event, and
    :class:`APIConnectionError` if the connection fails or the stream ends
    early: without ``[DONE]`` when ``done_marker`` is set, or without one of
    ``final_events`` (event types, such as ``response.completed``) when given.
    The connection goes back to the pool after ``[DONE]`` (once the little
    left of the body is read) and is closed in every other case. ``limit``
    bounds the decoded size of the whole stream.
    """
    request_id = response.headers.get("x-request-id")
    finished = not final_events
    body = iter_body(response, limit, context=context)
    done = False
    try:
        for event in iter_sse(body):
            data = event.data
            if data.startswith("[DONE]"):
                done = True
                return
            try:
                payload = json.loads(data)
            except ValueError:
                payload = data  # not JSON: the decoder decides what to make of it
            error = stream_error(event, payload, request_id)
            if error is not None:
                raise error
            if not finished:
                name = payload.get("type") if isinstance(payload, dict) else None
                finished = (name if isinstance(name, str) else event.event) in final_events
            item = decode(event, payload)
            if item is not None:
                yield item
    except (APIError, GeneratorExit):
        raise
    except Exception as exc:
        error = connection_error(exc, context, request_id)
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


def stream_error(event: ServerSentEvent, payload: Any, request_id: Optional[str]) -> Optional[APIError]:
    """The error an event reports, if it reports one.

    Three shapes are in use: an ``event: error`` line, a ``{"type": "error"}``
    payload (Responses API) and an ``{"error": {...}}`` payload (chat).
    """
    if isinstance(payload, dict):
        info = payload.get("error")
        if isinstance(info, str) and info:  # {"error": "..."}, as some compatible servers send
            return APIError(info, body=payload, request_id=request_id)
        if not isinstance(info, dict):
            if event.event != "error" and payload.get("type") != "error":
                return None
            info = payload
        message = info.get("message") or "The server reported an error in the stream."
        return APIError(str(message), body=payload, request_id=request_id)
    if event.event == "error":
        return APIError(str(payload) or "The server reported an error in the stream.", request_id=request_id)
    return None
