"""Server-sent events (the ``text/event-stream`` format of streamed responses).

sseclient-py parses the fields; this module frames its input so that the result follows the WHATWG HTML standard
("Server-sent events", 9.2.5 and 9.2.6), which sseclient-py alone does not: it handles CR, LF and CRLF line ends
(mixed, and split across chunks), strips a leading BOM, replaces invalid UTF-8, keeps the last event id across
events, checks ``id`` and ``retry`` values, and discards an unterminated final block. It also keeps parsing linear in
the size of the stream, where sseclient-py on its own is quadratic in the size of an event.
"""

from __future__ import annotations

import json
import re
from itertools import chain
from typing import Any, Iterable, Iterator, List, Optional

from sseclient import SSEClient  # type: ignore[import-untyped,import-not-found,unused-ignore]

__all__ = ["ServerSentEvent", "iter_sse"]

_BOM = b"\xef\xbb\xbf"
_CR = 13
_LF = 10

# sseclient-py silently skips a block without data and reads on. Queued behind each block, this block (with data)
# makes sure it has something to read then and still returns an event; if the marker is still queued afterwards,
# the event is the block's.
_MARKER = b"data\n\n"

# Ends slices of a block given to sseclient-py one at a time: an empty ``data`` line makes it return an event even
# when the slice has no data of its own (and we need the slice's ``id``), then the blank line that dispatches.
_DISPATCH = b"data\n\n"

# sseclient-py copies its whole buffer for every line it adds (``bytes +=`` and ``str +=``), so one call costs about
# lines x size. A block goes to it whole if all its lines but the last fit in this many bytes, else in slices of whole
# lines of about this size.
_SLICE_SIZE = 1024

# The lines of a slice that set a field sseclient-py keeps the last value of (its name, then ":" or the line's end).
# (Given to re as text: re caches it, and nothing is compiled at import time.)
_SET_FIELDS = rb"^(event|id|retry)(?::|$)"


class ServerSentEvent:
    """One dispatched event.

    ``id`` is the stream's last event id when the event was dispatched (it carries over from earlier events), or None
    if no event has set one. ``retry`` is the event's ``retry`` field in milliseconds if it had a valid one.
    """

    __slots__ = ("data", "event", "id", "retry")

    def __init__(
        self, event: str = "message", data: str = "", id: Optional[str] = None, retry: Optional[int] = None
    ) -> None:
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry

    def json(self) -> Any:
        """Decode ``data`` as JSON."""
        return json.loads(self.data)

    def __repr__(self) -> str:
        return f"ServerSentEvent(event={self.event!r}, data={self.data!r}, id={self.id!r}, retry={self.retry!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (self.event, self.data, self.id, self.retry) == (other.event, other.data, other.id, other.retry)


def iter_sse(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    """Parse an event stream given as chunks of bytes, split anywhere, and yield its events.

    Each event is yielded as soon as the chunk holding its final blank line has been consumed, before the next chunk
    is requested, so ``chunks`` can be live network reads. A block not ended by a blank line when ``chunks`` runs out
    is discarded, as the standard says.
    """
    chunks = iter(chunks)

    # A BOM can only come first, and may arrive split over several chunks.
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= 3 or not _BOM.startswith(head):
            break
    else:
        return
    if head.startswith(_BOM):
        head = head[3:]

    parser = _BlockParser()
    # The block received so far, with LF line ends only. It never holds a blank line, and its pieces are never empty.
    pending: List[bytes] = []
    # The previous chunk ended in CR: an LF starting this one is the second half of a CRLF, not a line end.
    skip_lf = False

    for chunk in chain((head,), chunks):
        if not chunk:
            continue
        if skip_lf:
            skip_lf = False
            if chunk[0] == _LF:
                chunk = chunk[1:]
                if not chunk:
                    continue
        # (_CR is an int: "in" is then a plain memchr, several times faster than with b"\r" on short chunks.)
        if _CR in chunk:
            # A CR ending the chunk is a line end now, so a blank line made of it dispatches without waiting for the
            # next chunk; only a following LF has to be dropped.
            skip_lf = chunk[-1] == _CR
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")

        pos = 0
        size = len(chunk)
        if chunk[0] == _LF and (not pending or pending[-1][-1] == _LF):
            # A blank line: it ends the pending block (or, if there is none, dispatches nothing).
            if pending:
                event = parser.parse(b"".join(pending))
                pending = []
                if event is not None:
                    yield event
            pos = 1
        while pos < size:
            # Looking for one LF first is much faster over a long line: find() of a single byte is a memchr().
            end = chunk.find(b"\n", pos)
            if end >= 0:
                end = chunk.find(b"\n\n", end)
            if end < 0:
                pending.append(chunk[pos:] if pos else chunk)
                break
            if pending:
                pending.append(chunk[pos : end + 1])
                block = b"".join(pending)
                pending = []
            else:
                block = chunk[pos : end + 1]
            event = parser.parse(block)
            if event is not None:
                yield event
            pos = end + 2


class _BlockState:
    """The field values of a block being fed to sseclient-py in slices."""

    __slots__ = ("data", "event", "id", "retry")

    def __init__(self, id: Optional[str]) -> None:
        self.event = "message"
        self.id = id
        self.retry: Optional[str] = None
        self.data: List[str] = []


class _BlockParser:
    """Turns complete blocks into events with sseclient-py, adding the rules of the standard that it lacks."""

    __slots__ = ("_events", "_queue", "last_id")

    def __init__(self) -> None:
        # One client for the whole stream. Its generator reads from the queue only when asked for an event, and we
        # queue its input just before asking, so it never finds the queue empty. pop() takes from the end: what is
        # to be read first is appended last.
        self._queue: List[bytes] = []
        self._events = SSEClient(iter(self._queue.pop, None)).events()
        self.last_id: Optional[str] = None

    def parse(self, block: bytes) -> Optional[ServerSentEvent]:
        """Return the event of a block, or None if it has no data.

        ``block`` is the block's lines, each ending in LF, without the blank line that ended it (maybe with blank
        lines before it).
        """
        if block[0] == _LF:
            block = block.lstrip(b"\n")
            if not block:
                return None
        if not block.isascii():
            block = _valid_utf8(block)
        if len(block) > _SLICE_SIZE and block.find(b"\n", _SLICE_SIZE - 1) < len(block) - 1:
            # Many lines: sseclient-py would take quadratic time over them all at once.
            return self._parse_slices(block)

        queue = self._queue
        queue.append(_MARKER)
        if len(block) <= _SLICE_SIZE:
            queue.append(block + b"\n")
        else:
            # A long line: pass the blank line separately rather than copy the line to append it. (sseclient-py
            # then also gets to keep the line as it is, instead of splitting it from the blank line.)
            queue.append(b"\n")
            queue.append(block)
        parsed = next(self._events)
        if not queue:
            # The block had no data, so the event is the marker's. Only the block's id can matter.
            if b"id" in block:
                self._parse_slices(block)
            return None
        queue.pop()

        event_id: Optional[str] = parsed.id
        retry: Optional[int] = None
        if event_id is not None or parsed.retry is not None:
            # sseclient-py keeps the last value of a field, but an id with NUL or a retry that is not a number must
            # be ignored, keeping any earlier value: the slow path can drop such a line on its own.
            if parsed.retry is not None:
                retry = _retry_ms(parsed.retry)
            if (event_id is not None and "\0" in event_id) or (retry is None and parsed.retry is not None):
                return self._parse_slices(block)
            if event_id is not None:
                self.last_id = event_id
        return ServerSentEvent(parsed.event, parsed.data, self.last_id, retry)

    def _parse_slices(self, block: bytes) -> Optional[ServerSentEvent]:
        """Like parse, but give sseclient-py one slice of the block's lines at a time, each about _SLICE_SIZE."""
        state = _BlockState(self.last_id)
        start = 0
        size = len(block)
        while start < size:
            end = block.find(b"\n", min(start + _SLICE_SIZE, size) - 1) + 1
            self._feed(block[start:end], state)
            start = end
        self.last_id = state.id
        data = "".join(state.data)
        if not data:
            return None
        return ServerSentEvent(state.event, data[:-1], state.id, None if state.retry is None else int(state.retry))

    def _feed(self, lines: bytes, state: _BlockState) -> None:
        """Parse some lines of a block, and update ``state`` with the fields they set.

        Each slice is parsed on its own: the values of earlier slices are merged here rather than given to
        sseclient-py again with every slice, which would make a long ``event`` or ``id`` value cost its length
        once per slice (quadratic time).
        """
        self._queue.append(lines + _DISPATCH)
        parsed = next(self._events)

        if (parsed.id is not None and "\0" in parsed.id) or (
            parsed.retry is not None and _retry_ms(parsed.retry) is None
        ):
            # A value to ignore, and maybe a good one before it in these lines: go line by line, so the bad line
            # can be left out. (A single line that is bad is the bad field itself.)
            if lines.count(b"\n") > 1:
                for line in lines.splitlines(True):
                    self._feed(line, state)
            return
        # sseclient-py gives defaults for the fields a slice does not set: only those it does set count.
        for name in set(re.findall(_SET_FIELDS, lines, re.MULTILINE)):
            if name == b"event":
                state.event = parsed.event
            elif name == b"id":
                state.id = parsed.id
            else:
                state.retry = parsed.retry
        # With the extra empty data line, this is the slice's data lines, each followed by "\n".
        state.data.append(parsed.data)


def _valid_utf8(block: bytes) -> bytes:
    """Replace invalid UTF-8 with U+FFFD: sseclient-py decodes strictly and would stop on it."""
    try:
        block.decode("utf-8")
    except UnicodeDecodeError:
        return block.decode("utf-8", "replace").encode("utf-8")
    return block


def _retry_ms(value: str) -> Optional[int]:
    """The standard's ``retry`` value: only ASCII digits, else ignored."""
    if value.isascii() and value.isdigit():
        try:
            return int(value)
        except ValueError:
            # More digits than int() accepts from a string (the limit of Python 3.11 and security releases since).
            return None
    return None
