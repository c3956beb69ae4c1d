"""A tiny programmable HTTP/1.1 server on 127.0.0.1 for the test-suite.

Tests talk to a real socket instead of mocking ``requests``: every reply is written
byte for byte as the test describes it (status line, headers, framing, delays,
resets), so the client is exercised through the real ``requests``/``urllib3`` stack.

Typical use (the ``server`` fixture in ``conftest.py`` builds and closes one)::

    server.reply(json_reply({"id": "m"}), chunked_reply([b'{"a":', (b"1}", 0.2)]))
    resp = requests.get(server.url + "/v1/models/m")
    assert server.requests[0].path == "/v1/models/m"

Design notes:

* One accept thread plus one daemon thread per TCP connection; each connection
  serves requests in a keep-alive loop through a buffered reader, so a request costs
  a few ``readline`` calls and one ``sendall`` (no thread per request).
* Replies are queued FIFO with :meth:`LoopbackServer.reply` (one per request, in
  arrival order) and fall back to :meth:`LoopbackServer.handler` when the queue is empty.
* Every wait (piece delays, stalls) uses an :class:`threading.Event`, so
  :meth:`LoopbackServer.close` never hangs on a stalled connection.

Standard library only.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
import traceback
from collections import deque
from http import HTTPStatus
from typing import Any, Callable, Deque, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union
from urllib.parse import parse_qs, unquote

__all__ = [
    "Headers",
    "LoopbackServer",
    "Part",
    "Recorded",
    "Reply",
    "bytes_reply",
    "chunked_reply",
    "close_delimited_reply",
    "json_reply",
    "raw_reply",
    "reset_reply",
    "sse_event",
    "sse_reply",
    "stall_reply",
]

#: Headers for reply helpers: a dict or a list of (name, value) pairs. A name given
#: here replaces the helper's default of the same name (case-insensitively); a value
#: of ``None`` removes that default header altogether.
HeadersArg = Optional[Union[Mapping[str, Any], Sequence[Tuple[str, Any]]]]
#: A piece of a streamed body: bytes/str, or ``(data, delay_seconds)``.
Piece = Union[bytes, str, Tuple[Union[bytes, str], float]]
Handler = Callable[["Recorded"], "Reply"]

_MAX_LINE = 65536  # longest accepted request line / header line / chunk-size line
_MAX_HEADERS = 256
_REQUEST_ID = "req_test"


# ---------------------------------------------------------------------------
# Received requests
# ---------------------------------------------------------------------------


class Headers(Mapping[str, str]):
    """Read-only, case-insensitive header mapping; for repeated names the last value wins.

    Iterating yields names as spelled by the last occurrence. The full ordered list,
    repeats included, is kept by the owner (``raw_headers``).
    """

    def __init__(self, pairs: Iterable[Tuple[str, str]] = ()) -> None:
        self._items: Dict[str, Tuple[str, str]] = {}
        for name, value in pairs:
            self._items[name.lower()] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


class Part:
    """One part of a ``multipart/form-data`` body (see :meth:`Recorded.multipart`)."""

    def __init__(self, headers: Headers, data: bytes) -> None:
        self.headers = headers
        self.data = data
        params = _header_params(headers.get("content-disposition", ""))
        self.name: Optional[str] = params.get("name")
        self.filename: Optional[str] = params.get("filename")
        if self.filename is None and "filename*" in params:  # RFC 2231/5987: utf-8''%E2%82%AC.txt
            charset, _, encoded = params["filename*"].partition("''")
            self.filename = unquote(encoded, encoding=charset or "utf-8")
        self.content_type: Optional[str] = headers.get("content-type")

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")

    def __repr__(self) -> str:
        return f"Part(name={self.name!r}, filename={self.filename!r}, {len(self.data)} bytes)"


class Recorded:
    """One request as received by the server."""

    def __init__(
        self,
        method: str,
        target: str,
        http_version: str,
        raw_headers: List[Tuple[str, str]],
        body: bytes,
        connection_id: int,
    ) -> None:
        self.method = method
        #: The request target exactly as sent, e.g. ``/v1/files/a%2Fb?limit=1``.
        self.target = target
        self.http_version = http_version
        path, _, query_string = target.partition("?")
        #: ``target`` without the query string, still percent-encoded.
        self.path = path
        self.query_string = query_string
        self.query: Dict[str, List[str]] = parse_qs(query_string, keep_blank_values=True)
        self.raw_headers = raw_headers
        self.headers = Headers(raw_headers)
        #: The body; de-chunked if it was sent with ``Transfer-Encoding: chunked``.
        self.body = body
        #: 1-based index of the accepted TCP connection that carried this request.
        self.connection_id = connection_id
        #: ``time.monotonic()`` when the request was fully read (for backoff assertions).
        self.received_at = time.monotonic()

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def multipart(self) -> List[Part]:
        """Split a ``multipart/form-data`` body into its parts (exact bytes, no decoding)."""
        match = re.search(r'boundary=(?:"([^"]+)"|([^;\s]+))', self.headers.get("content-type", ""))
        if match is None:
            raise ValueError(f"not a multipart request: {self.headers.get('content-type')!r}")
        boundary = (match.group(1) or match.group(2)).encode("latin-1")
        # Every delimiter, the first one included once we prepend CRLF, is CRLF "--" boundary.
        segments = (b"\r\n" + self.body).split(b"\r\n--" + boundary)
        parts = []
        for segment in segments[1:]:
            if segment.startswith(b"--"):  # close delimiter
                break
            segment = segment.split(b"\r\n", 1)[1]  # drop the rest of the delimiter line
            if segment.startswith(b"\r\n"):  # a part without headers
                head, data = b"", segment[2:]
            else:
                head, _, data = segment.partition(b"\r\n\r\n")
            pairs = []
            for line in head.decode("utf-8", "surrogateescape").split("\r\n"):
                if line:
                    name, _, value = line.partition(":")
                    pairs.append((name.strip(), value.strip()))
            parts.append(Part(Headers(pairs), data))
        return parts

    def __repr__(self) -> str:
        return f"<Recorded {self.method} {self.target} conn={self.connection_id} body={len(self.body)}B>"


def _header_params(value: str) -> Dict[str, str]:
    """Parameters of a header like ``form-data; name="file"; filename="a.txt"``."""
    params = {}
    for key, raw in re.findall(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', value):
        raw = raw.strip()
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        params[key.lower()] = raw
    return params


# ---------------------------------------------------------------------------
# Replies
# ---------------------------------------------------------------------------


class Reply:
    """What to send for one request: a script of ``(delay, data)`` steps and an ending.

    Each step waits ``delay`` seconds (interruptible by ``close()``), then writes
    ``data`` with one ``sendall``. ``end`` is ``"keep"`` (serve the next request on
    this connection), ``"close"`` (FIN) or ``"reset"`` (RST). Build with the helpers.
    """

    __slots__ = ("end", "steps")

    def __init__(self, steps: Sequence[Tuple[float, bytes]], end: str = "keep") -> None:
        if end not in ("keep", "close", "reset"):
            raise ValueError(f"bad end {end!r}")
        self.steps: List[Tuple[float, bytes]] = list(steps)
        self.end = end

    @property
    def data(self) -> bytes:
        """All bytes this reply writes, concatenated (handy for assertions)."""
        return b"".join(data for _, data in self.steps)

    def __repr__(self) -> str:
        return f"<Reply {self.data[:60]!r} steps={len(self.steps)} end={self.end}>"


def _to_bytes(data: Union[bytes, str]) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _merge_headers(defaults: Sequence[Tuple[str, Any]], headers: HeadersArg) -> List[Tuple[str, Any]]:
    """Defaults not named in ``headers``, then ``headers``; ``None`` values are kept (as removals)."""
    user = list(headers.items()) if isinstance(headers, Mapping) else list(headers or ())
    overridden = {name.lower() for name, _ in user}
    return [(name, value) for name, value in defaults if name.lower() not in overridden] + user


def _head(status: int, defaults: Sequence[Tuple[str, Any]], headers: HeadersArg) -> Tuple[bytes, bool]:
    """Status line + headers + blank line, and whether the headers say ``Connection: close``."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    merged = [(name, str(value)) for name, value in _merge_headers(defaults, headers) if value is not None]
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{name}: {value}" for name, value in merged]
    closes = any(name.lower() == "connection" and "close" in value.lower() for name, value in merged)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"), closes


def _pieces(pieces: Iterable[Piece], delay: float) -> List[Tuple[float, bytes]]:
    steps = []
    for piece in pieces:
        if isinstance(piece, tuple):
            data, piece_delay = piece
            steps.append((float(piece_delay), _to_bytes(data)))
        else:
            steps.append((delay, _to_bytes(piece)))
    return steps


def _sniff_type(body: bytes) -> str:
    try:
        json.loads(body.decode("utf-8"))
    except ValueError:  # includes UnicodeDecodeError and JSONDecodeError
        return "application/octet-stream"
    return "application/json"


def bytes_reply(
    body: Union[bytes, str], status: int = 200, headers: HeadersArg = None, content_type: Optional[str] = None
) -> Reply:
    """A ``Content-Length`` framed reply with an arbitrary body (e.g. invalid JSON, file content).

    ``content_type`` defaults to ``text/plain; charset=utf-8`` for str, else ``application/octet-stream``.
    """
    if content_type is None:
        content_type = "text/plain; charset=utf-8" if isinstance(body, str) else "application/octet-stream"
    data = _to_bytes(body)
    defaults: List[Tuple[str, Any]] = [("Content-Type", content_type)]
    if status >= 200 and status not in (204, 304):  # these must not carry a body length
        defaults.append(("Content-Length", len(data)))
    defaults.append(("x-request-id", _REQUEST_ID))
    head, closes = _head(status, defaults, headers)
    # Head and body in one write: a normal response arrives as one segment.
    return Reply([(0.0, head + data)], "close" if closes else "keep")


def json_reply(obj: Any, status: int = 200, headers: HeadersArg = None) -> Reply:
    """``obj`` as a ``Content-Length`` framed ``application/json`` body."""
    return bytes_reply(json.dumps(obj).encode("utf-8"), status, headers, "application/json")


def raw_reply(data: bytes, close: bool = True) -> Reply:
    """Write exactly ``data`` (status line, headers and body), then close unless ``close=False``."""
    return Reply([(0.0, data)], "close" if close else "keep")


def chunked_reply(pieces: Iterable[Piece], status: int = 200, headers: HeadersArg = None, delay: float = 0.0) -> Reply:
    """``Transfer-Encoding: chunked``: one HTTP chunk per piece, each written after its delay.

    A piece is bytes/str (waits ``delay`` first) or ``(data, delay)``. Empty pieces write
    nothing (an empty chunk would end the body) but still wait. The terminating
    ``0\\r\\n\\r\\n`` follows the last piece without delay. Content-Type defaults to
    ``application/json`` if the joined pieces parse as JSON, else ``application/octet-stream``.
    """
    steps = _pieces(pieces, delay)
    content_type = _sniff_type(b"".join(data for _, data in steps))
    defaults = [("Content-Type", content_type), ("Transfer-Encoding", "chunked"), ("x-request-id", _REQUEST_ID)]
    head, closes = _head(status, defaults, headers)
    framed = [(d, b"%x\r\n%s\r\n" % (len(data), data) if data else b"") for d, data in steps]
    return Reply([(0.0, head), *framed, (0.0, b"0\r\n\r\n")], "close" if closes else "keep")


def close_delimited_reply(
    pieces: Iterable[Piece], status: int = 200, headers: HeadersArg = None, delay: float = 0.0
) -> Reply:
    """No Content-Length, no chunking, ``Connection: close``: the body ends when the socket closes.

    Pieces and Content-Type default as for :func:`chunked_reply`.
    """
    steps = _pieces(pieces, delay)
    content_type = _sniff_type(b"".join(data for _, data in steps))
    defaults = [("Content-Type", content_type), ("Connection", "close"), ("x-request-id", _REQUEST_ID)]
    head, _ = _head(status, defaults, headers)
    return Reply([(0.0, head), *steps], "close")


def reset_reply(after: bytes = b"") -> Reply:
    """Write ``after`` (may be empty), then abort the connection with a TCP RST.

    The client may or may not get to read ``after`` before it sees the reset.
    """
    return Reply([(0.0, after)], "reset")


def stall_reply(seconds: float, then: Optional[Reply] = None) -> Reply:
    """Send nothing for ``seconds``, then play ``then`` (or close the connection if None)."""
    if then is None:
        return Reply([(seconds, b"")], "close")
    return Reply([(seconds, b""), *then.steps], then.end)


def sse_event(data: Any, event: Optional[str] = None, id: Optional[str] = None) -> str:
    """Format one server-sent event; non-str ``data`` is JSON-encoded. Ends with a blank line."""
    text = data if isinstance(data, str) else json.dumps(data)
    lines = [f"event: {event}"] if event is not None else []
    if id is not None:
        lines.append(f"id: {id}")
    lines.extend(f"data: {line}" for line in text.split("\n"))
    return "\n".join(lines) + "\n\n"


def sse_reply(
    events: Iterable[Piece], chunked: bool = True, delay: float = 0.0, headers: HeadersArg = None, status: int = 200
) -> Reply:
    """A ``text/event-stream`` reply; each item is written verbatim as one piece.

    Items are pieces as in :func:`chunked_reply` (use :func:`sse_event` to format them).
    ``chunked=False`` sends a close-delimited stream instead.
    """
    merged = _merge_headers([("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")], headers)
    make = chunked_reply if chunked else close_delimited_reply
    return make(events, status=status, headers=merged, delay=delay)


def _error_reply(status: int, message: str, code: str, close: bool = False) -> Reply:
    body = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}
    return json_reply(body, status, {"Connection": "close"} if close else None)


def _default_handler(request: Recorded) -> Reply:
    message = f"loopback: no reply queued for {request.method} {request.target}"
    return _error_reply(404, message, "unknown_url")


# ---------------------------------------------------------------------------
# Server
# ---------------------------------------------------------------------------


class _BadRequest(Exception):
    pass


class LoopbackServer:
    """A programmable HTTP/1.1 server on an ephemeral 127.0.0.1 port, started on creation.

    Attributes: ``url`` (``http://127.0.0.1:PORT``), ``requests`` (every
    :class:`Recorded`, in arrival order), ``connections`` (TCP connections accepted so
    far) and ``errors`` (tracebacks of handler exceptions and malformed requests; the
    ``server`` fixture fails the test if any are left).
    """

    def __init__(self) -> None:
        self.requests: List[Recorded] = []
        self.errors: List[str] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._queue: Deque[Union[Reply, Handler]] = deque()
        self._handler: Handler = _default_handler
        self._stop = threading.Event()
        self._closed = False
        # Open connections by id. A socket is only shut down/closed while holding
        # _lock, so close() can never touch a descriptor the kernel already reused.
        self._active: Dict[int, Tuple[socket.socket, threading.Thread]] = {}
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            self._listener.bind(("127.0.0.1", 0))
            self._listener.listen(128)  # bursts of concurrent clients must not hit a full backlog
        except OSError:
            self._listener.close()
            raise
        self.host, self.port = self._listener.getsockname()[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name=f"loopback-accept-{self.port}", daemon=True
        )
        self._accept_thread.start()

    # -- programming the server ---------------------------------------------

    def reply(self, *replies: Union[Reply, Handler]) -> None:
        """Queue replies, used first-in first-out, one per request.

        An item may also be a callable ``fn(recorded) -> Reply`` evaluated when its turn comes.
        """
        with self._lock:
            self._queue.extend(replies)

    def handler(self, fn: Handler) -> Handler:
        """Set the fallback ``fn(recorded) -> Reply`` for when the queue is empty.

        It may run concurrently on several connection threads. Usable as a decorator.
        The default answers 404 with an OpenAI-style ``{"error": {...}}`` body.
        """
        self._handler = fn
        return fn

    @property
    def queued(self) -> int:
        """Number of queued replies not used yet."""
        with self._lock:
            return len(self._queue)

    @property
    def last_request(self) -> Recorded:
        with self._lock:
            if not self.requests:
                raise AssertionError("the loopback server has received no request")
            return self.requests[-1]

    def wait_for_requests(self, n: int, timeout: float = 5) -> None:
        """Block until at least ``n`` requests were received; AssertionError after ``timeout`` s."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.requests) >= n, timeout):
                raise AssertionError(f"expected {n} requests within {timeout}s, got {self.requests!r}")

    # -- lifecycle --------------------------------------------------------------

    def close(self) -> None:
        """Stop accepting, abort waits, close every socket and join the threads. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._stop.set()  # wakes every stall/delay wait
        try:  # a blocking accept() is not woken by close() on every platform; a connection does it
            socket.create_connection((self.host, self.port), timeout=1).close()
        except OSError:
            pass
        self._accept_thread.join(5)
        self._listener.close()
        with self._lock:
            active = list(self._active.values())
            for sock, _ in active:
                try:  # wakes a thread blocked in recv()/sendall(); it then closes its socket itself
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        deadline = time.monotonic() + 5
        for _, thread in active:
            thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<LoopbackServer {self.url} requests={len(self.requests)} connections={self.connections}>"

    # -- internals ----------------------------------------------------------------

    def _record_error(self, text: str) -> None:
        with self._lock:
            self.errors.append(text)

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                if self._stop.is_set():
                    return
                time.sleep(0.01)  # e.g. EMFILE: back off instead of spinning
                continue
            if self._stop.is_set():
                sock.close()
                return
            # Small pieces must leave immediately so tests can observe real chunk timing.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self.connections += 1
                conn_id = self.connections
                thread = threading.Thread(
                    target=self._serve, args=(sock, conn_id), name=f"loopback-{self.port}-conn-{conn_id}", daemon=True
                )
                self._active[conn_id] = (sock, thread)
                thread.start()

    def _serve(self, sock: socket.socket, conn_id: int) -> None:
        reader = sock.makefile("rb")
        end = "close"
        try:
            while not self._stop.is_set():
                try:
                    request = self._read_request(reader, sock, conn_id)
                except _BadRequest as exc:
                    self._record_error(f"malformed request on connection {conn_id}: {exc}")
                    sock.sendall(_error_reply(400, f"loopback: {exc}", "bad_request", close=True).data)
                    break
                if request is None:  # the client closed the connection
                    break
                with self._changed:
                    self.requests.append(request)
                    self._changed.notify_all()
                end = self._play(sock, self._pick_reply(request))
                if end != "keep" or _wants_close(request):
                    break
        except (OSError, ValueError):
            pass  # the client went away, or close() shut the socket down under us
        except Exception:
            self._record_error(traceback.format_exc())
        finally:
            with self._lock:
                del self._active[conn_id]
                try:
                    if end == "reset":  # linger on with timeout 0: close() sends RST instead of FIN
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    reader.close()
                    sock.close()
                except OSError:
                    pass

    def _pick_reply(self, request: Recorded) -> Reply:
        with self._lock:
            item = self._queue.popleft() if self._queue else self._handler
        if isinstance(item, Reply):
            return item
        try:
            reply = item(request)
            if not isinstance(reply, Reply):
                raise TypeError(f"handler returned {reply!r}, not a Reply")
            return reply
        except Exception:
            self._record_error(f"handler failed for {request!r}:\n{traceback.format_exc()}")
            return _error_reply(500, "loopback: handler raised, see server.errors", "handler_error", close=True)

    def _play(self, sock: socket.socket, reply: Reply) -> str:
        for delay, data in reply.steps:
            if delay > 0 and self._stop.wait(delay):
                return "close"
            if data:
                sock.sendall(data)
        return reply.end

    def _read_request(self, reader: Any, sock: socket.socket, conn_id: int) -> Optional[Recorded]:
        """Read one request; None if the connection ended before a complete request."""
        line = reader.readline(_MAX_LINE + 1)
        while line in (b"\r\n", b"\n"):  # RFC 9112 2.2: ignore empty lines before a request line
            line = reader.readline(_MAX_LINE + 1)
        if len(line) > _MAX_LINE:
            raise _BadRequest("request line too long")
        if not line.endswith(b"\n"):
            return None
        parts = line.decode("latin-1").rstrip("\r\n").split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _BadRequest(f"bad request line {line!r}")
        method, target, version = parts

        raw_headers: List[Tuple[str, str]] = []
        while True:
            line = reader.readline(_MAX_LINE + 1)
            if len(line) > _MAX_LINE or len(raw_headers) > _MAX_HEADERS:
                raise _BadRequest("headers too large")
            if not line.endswith(b"\n"):
                return None
            if line in (b"\r\n", b"\n"):
                break
            name, sep, value = line.decode("latin-1").partition(":")
            if not sep or not name or name != name.strip():
                raise _BadRequest(f"bad header line {line!r}")
            raw_headers.append((name, value.strip()))
        headers = Headers(raw_headers)

        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            raise _BadRequest("bad Content-Length") from None
        if headers.get("expect", "").lower() == "100-continue" and (chunked or length > 0):
            # The client holds the body back until we agree; always agree.
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        if chunked:
            body = self._read_chunked(reader)
            if body is None:
                return None
        else:
            body = reader.read(length) if length > 0 else b""
            if len(body) < length:
                return None
        return Recorded(method, target, version, raw_headers, body, conn_id)

    @staticmethod
    def _read_chunked(reader: Any) -> Optional[bytes]:
        chunks = []
        while True:
            line = reader.readline(_MAX_LINE + 1)
            if not line.endswith(b"\n"):
                return None
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)  # ignore chunk extensions
            except ValueError:
                raise _BadRequest(f"bad chunk size line {line!r}") from None
            if size == 0:
                break
            data = reader.read(size)
            if len(data) < size:
                return None
            if reader.readline(_MAX_LINE + 1) not in (b"\r\n", b"\n"):
                raise _BadRequest("chunk not followed by CRLF")
            chunks.append(data)
        while True:  # trailer section (discarded), up to the blank line
            line = reader.readline(_MAX_LINE + 1)
            if not line.endswith(b"\n"):
                return None
            if line in (b"\r\n", b"\n"):
                return b"".join(chunks)


def _wants_close(request: Recorded) -> bool:
    connection = request.headers.get("connection", "").lower()
    # HTTP/1.0 connections always close: we never announce keep-alive to 1.0 clients.
    return request.http_version == "HTTP/1.0" or "close" in connection
