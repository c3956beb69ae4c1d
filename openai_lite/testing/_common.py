"""What every area of the fake shares: the request and reply shapes, the API's error format, field checks.

Each API area is an :class:`Area` whose handler methods are marked with :func:`route`; the server
collects the routes of all its areas into one table. Handlers raise :class:`APIError` for any answer
in the API's ``{"error": {...}}`` format and return a :class:`Reply` otherwise.
"""

from __future__ import annotations

import json
import re
from email.message import Message
from typing import TYPE_CHECKING, Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple, TypeVar, Union

if TYPE_CHECKING:
    from ._server import FakeServer

CREATED = 1700000000
"""The timestamp of everything the server creates."""

# Word pieces that join back into the text: leading whitespace goes with the word after it, as in real tokens.
PIECES = re.compile(r"\s*\S+|\s+")


class Request(NamedTuple):
    """A request as the handlers see it."""

    method: str
    path: str  # decoded, without the query
    query: Dict[str, str]
    headers: Dict[str, str]  # names in lower case
    body: bytes


class Reply(NamedTuple):
    """An answer: a list body goes out as a chunked stream, one HTTP chunk per item."""

    status: int
    content_type: str
    body: Union[bytes, List[bytes]]
    headers: Optional[Dict[str, str]] = None


class APIError(Exception):
    """An error answer in the API's format."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: Optional[str] = None,
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = {"message": message, "type": type, "param": param, "code": code}

    def reply(self) -> Reply:
        return json_reply({"error": self.error}, self.status)


_Handler = TypeVar("_Handler", bound=Callable[..., Reply])


def route(method: str, path: str) -> Callable[[_Handler], _Handler]:
    """Mark an :class:`Area` method as the handler of ``method`` ``path`` (a regex after ``/v1``).

    The groups of the path become the handler's arguments after the request.
    """

    def mark(handler: _Handler) -> _Handler:
        handler._fake_route = (method, path)  # type: ignore[attr-defined]
        return handler

    return mark


class Area:
    """One API area of the fake: its handlers, and the state they keep (guarded by the server's lock)."""

    def __init__(self, fake: FakeServer) -> None:
        self.fake = fake

    def routes(self) -> List[Tuple[str, str, Callable[..., Reply]]]:
        """(method, path regex, bound handler) for every handler marked with :func:`route`."""
        found = []
        for name in dir(type(self)):
            marked = getattr(getattr(type(self), name), "_fake_route", None)
            if marked is not None:
                found.append((marked[0], marked[1], getattr(self, name)))
        return found

    def polled(self, obj: Dict[str, Any]) -> Reply:
        """``obj`` as the answer to a retrieve the API marks with an ``openai-poll-after-ms`` header."""
        wait = self.fake.poll_after_ms
        return json_reply(obj, headers=None if wait is None else {"openai-poll-after-ms": str(wait)})

    def job(self, obj: Dict[str, Any], steps: Sequence[Callable[[], Optional[bool]]]) -> Job:
        """A long-running resource moving through ``steps``: already finished if the server finishes jobs at once."""
        return self.restart(Job(obj, []), steps)

    def restart(self, job: Job, steps: Sequence[Callable[[], Optional[bool]]]) -> Job:
        """Give ``job`` new steps (a cancellation ...): taken at once if the server finishes jobs at once."""
        job.steps = list(steps)
        if self.fake.finish_at_once:
            job.finish()
        return job


class Job:
    """A long-running resource (a batch, a fine-tuning job, a run ...): its object and the steps ahead of it.

    Each step moves the object one status further; a step that returns False ends the job there (it
    failed). A retrieve takes one step, so a client that polls sees every status in turn; a server
    made with ``finish_at_once`` takes them all on creation.
    """

    def __init__(self, obj: Dict[str, Any], steps: Sequence[Callable[[], Optional[bool]]]) -> None:
        self.obj = obj
        self.steps = list(steps)

    def advance(self) -> Dict[str, Any]:
        """Take the next step, if any; return the object."""
        if self.steps and self.steps.pop(0)() is False:
            self.steps = []
        return self.obj

    def finish(self) -> Dict[str, Any]:
        """Take every step left; return the object."""
        while self.steps:
            self.advance()
        return self.obj

    def stop(self) -> None:
        """Drop the steps left (the job was cancelled, or failed)."""
        self.steps = []


# -- replies -------------------------------------------------------------------


def json_reply(data: Any, status: int = 200, headers: Optional[Dict[str, str]] = None) -> Reply:
    return Reply(status, "application/json", json.dumps(data).encode("utf-8"), headers)


def stream_reply(blocks: List[bytes]) -> Reply:
    return Reply(200, "text/event-stream; charset=utf-8", blocks)


def sse(data: Any, event: Optional[str] = None) -> bytes:
    """One server-sent event; ``event`` names it (the API's named events) or not (``message``)."""
    line = b"data: " + json.dumps(data, separators=(",", ":")).encode("utf-8") + b"\n\n"
    return b"event: " + event.encode("utf-8") + b"\n" + line if event else line


def list_page(items: Sequence[Dict[str, Any]], query: Dict[str, str], *, limit: int = 20, top: int = 100) -> Reply:
    """A cursor page of ``items`` (oldest first) as the API lists them: ``limit``, ``order``, ``after``, ``before``."""
    try:
        size = int(query.get("limit", str(limit)))
    except ValueError:
        size = 0
    if not 1 <= size <= top:
        raise invalid_value("limit", f"expected an integer between 1 and {top}")
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise invalid_value("order", "expected 'asc' or 'desc'")
    # Everything shares created_at: creation order stands in for it.
    ordered = list(items) if order == "asc" else list(reversed(items))
    ids = [item["id"] for item in ordered]
    if "after" in query:
        ordered = ordered[ids.index(query["after"]) + 1 :] if query["after"] in ids else []
    elif "before" in query:
        ordered = ordered[: ids.index(query["before"])] if query["before"] in ids else []
    page = ordered[:size]
    return json_reply(
        {
            "object": "list",
            "data": page,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
            "has_more": len(ordered) > size,
        }
    )


# -- errors ----------------------------------------------------------------------


def missing(name: str) -> APIError:
    return APIError(400, f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter")


def invalid_value(name: str, why: str) -> APIError:
    return APIError(400, f"Invalid '{name}': {why}.", param=name, code="invalid_value")


def not_one_of(name: str, value: Any, allowed: Sequence[str]) -> APIError:
    return invalid_value(name, f"{value!r} is not one of {', '.join(repr(a) for a in allowed)}")


_Value = TypeVar("_Value")


def lookup(table: Dict[str, _Value], key: str, message: str, param: Optional[str] = None) -> _Value:
    """``table[key]``, or a 404 with ``message``."""
    value = table.get(key)
    if value is None:
        raise APIError(404, message, param=param)
    return value


def deleted(object_id: str, kind: str) -> Reply:
    """The answer to a DELETE: ``{"id", "object": kind, "deleted": true}``."""
    return json_reply({"id": object_id, "object": kind, "deleted": True})


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def invalid_type(name: str, expected: str, value: Any) -> APIError:
    return APIError(
        400,
        f"Invalid type for '{name}': expected {expected}, but got {json_type(value)} instead.",
        param=name,
        code="invalid_type",
    )


# -- request bodies ----------------------------------------------------------------


def json_object(request: Request) -> Dict[str, Any]:
    """The JSON object body of ``request`` (a 400 in the API's words if it is not one)."""
    try:
        body = json.loads(request.body)
    except ValueError:
        raise APIError(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP "
            "library correctly. The OpenAI API expects a JSON payload.)",
        ) from None
    if not isinstance(body, dict):
        raise APIError(400, "The request body must be a JSON object.")
    return body


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def field(
    body: Dict[str, Any],
    key: str,
    types: Union[type, Tuple[type, ...]],
    expected: str,
    *,
    required: bool = False,
    default: Any = None,
    name: Optional[str] = None,
) -> Any:
    """``body[key]`` checked against ``types``; ``default`` if absent or null (a 400 if ``required``)."""
    value = body.get(key)
    if value is None:
        if required:
            raise missing(name or key)
        return default
    # bool is a subclass of int, but true is not an integer in JSON.
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
        raise invalid_type(name or key, expected, value)
    return value


def _as_tuple(types: Union[type, Tuple[type, ...]]) -> Tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def token_limit(body: Dict[str, Any], key: str) -> Optional[int]:
    """The token limit ``body[key]`` (a positive integer), or None."""
    limit: Optional[int] = field(body, key, int, "an integer")
    if limit is not None and limit < 1:
        raise invalid_value(key, f"{limit} is less than the minimum of 1")
    return limit


def bounded(body: Dict[str, Any], key: str, low: int, high: int, default: int) -> int:
    """``body[key]``, an integer from ``low`` to ``high``; ``default`` if absent."""
    value: int = field(body, key, int, "an integer", default=default)
    if not low <= value <= high:
        raise invalid_value(key, f"{value} is not between {low} and {high}")
    return value


def choice(body: Dict[str, Any], key: str, allowed: Sequence[str], default: str) -> str:
    """``body[key]``, a string among ``allowed``; ``default`` if absent."""
    value: str = field(body, key, str, "a string", default=default)
    if value not in allowed:
        raise not_one_of(key, value, allowed)
    return value


class Part(NamedTuple):
    """One part of a multipart/form-data body."""

    headers: Dict[str, str]  # names in lower case
    filename: Optional[str]
    content: bytes

    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


def multipart(request: Request) -> Dict[str, List[Part]]:
    """The parts of a multipart/form-data body by field name (a name can repeat, as ``include[]`` does)."""
    content_type = request.headers.get("content-type", "")
    header = Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if header.get_content_type() != "multipart/form-data" or not isinstance(boundary, str):
        raise APIError(400, f"Invalid Content-Type header ({content_type or 'none'}), expected multipart/form-data.")
    delimiter = b"--" + boundary.encode("latin-1")
    sections = request.body.split(delimiter)
    # sections[0] is the preamble; the last section starts with "--" (the closing delimiter).
    if len(sections) < 2 or not sections[-1].startswith(b"--"):
        raise APIError(400, "The multipart/form-data body is malformed (no closing boundary).")
    parts: Dict[str, List[Part]] = {}
    for section in sections[1:-1]:
        head, sep, content = section.partition(b"\r\n\r\n")
        if not sep or not content.endswith(b"\r\n"):
            raise APIError(400, "The multipart/form-data body is malformed.")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        disposition = Message()
        disposition["content-disposition"] = headers.get("content-disposition", "")
        key = disposition.get_param("name", header="content-disposition")
        if isinstance(key, str):
            parts.setdefault(key, []).append(Part(headers, disposition.get_filename(), content[:-2]))
    return parts


def form_file(parts: Dict[str, List[Part]], name: str) -> Part:
    """The file upload ``name`` of a form: present, with a filename."""
    if name not in parts:
        raise missing(name)
    part = parts[name][0]
    if part.filename is None:
        raise invalid_value(name, "expected a file upload (a part with a filename)")
    return part


def form_text(parts: Dict[str, List[Part]], name: str, default: Optional[str] = None) -> Optional[str]:
    """The text field ``name`` of a form, or ``default``."""
    return parts[name][0].text() if name in parts else default


# -- conversations -------------------------------------------------------------------


def text_of(content: Any) -> str:
    """The text of message content: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)]
        return " ".join(texts)
    return ""


def count_words(text: str) -> int:
    return len(text.split())


def echo(turns: List[Tuple[Any, Any]]) -> str:
    """The reply to a conversation of (role, content): an echo of its last user or tool message."""
    for role, content in reversed(turns):
        if role == "tool":
            return "Tool result: " + text_of(content)
        if role == "user":
            return "You said: " + text_of(content)
    return "You said: "
