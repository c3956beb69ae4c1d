"""Reading response bodies off the wire: bounded, on time, connections given back.

This is the one module that reaches past the public API of requests and
urllib3 (for speed, or because there is no public way). Each use is tested on
the oldest supported versions (requests 2.31, urllib3 1.26) and the newest.

requests
  - ``Response._content`` and ``Response._content_consumed``: where requests
    keeps a body it has read. We read bodies ourselves (one bounded read,
    with a deadline) and store them there, so ``response.content`` works.
  - A ``PreparedRequest`` built by setting ``method``, ``url``, ``headers``
    and ``body`` instead of calling ``prepare()``, which would re-encode and
    re-merge what never changes between our calls (most of a call's cost).
  - ``HTTPAdapter._pool_connections``, ``_pool_maxsize``, ``_pool_block`` and
    ``proxy_manager``: to give an adapter fresh pools in a forked child, the
    way requests' own ``HTTPAdapter.__setstate__`` (unpickling) does.

urllib3 (``HTTPResponse``)
  - ``_pool``: set to None while we read a body, so that urllib3 does not
    put the connection back in the pool by itself when the body ends: first
    the deadline watchdog (which may shut the socket down) must be disarmed,
    or the short drain timeout put back; then we call the public
    ``release_conn()``. (urllib3 releases on its own only if ``_pool`` is set.)
  - ``_fp``, the ``http.client.HTTPResponse`` underneath: before urllib3 2.3
    (no ``read1``) its ``read1`` reads a stream "what has arrived"; after a
    1xx interim answer it is parsed again for the final answer.
  - ``_fp`` and ``_connection`` of an interim answer's wrapper are cleared
    once the final answer has its own wrapper, so that the first one's
    clean-up (``io.IOBase`` closes on collection) leaves them alone.

http.client and socket (standard library, but not documented for this)
  - ``HTTPResponse.headers = None`` then ``begin()``: parses the next status
    line and headers from the same buffered reader (103 Early Hints, 102).
    http.client itself skips only ``100 Continue``.
  - ``HTTPResponse.fp.raw._sock``: a response that ends its connection
    (close-delimited) owns the socket alone; the watchdog finds it there.

Decompression is done here, with a bound on each output piece (zlib's
``max_length``), for the codings requests asks for (gzip, deflate): urllib3
before 2.6 inflates a whole network read at once, so a small bomb could take
gigabytes before any size check ran. Other codings (br, zstd) are left to
urllib3.
"""

from __future__ import annotations

import functools
import heapq
import http.client
import itertools
import os
import socket
import threading
import time
import weakref
import zlib
from typing import TYPE_CHECKING, Any, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

import requests
import urllib3

from ._errors import ResponseTooLargeError

if TYPE_CHECKING:
    from ._multipart import MultipartBody

__all__ = [
    "DEFAULT_MAX_RESPONSE_SIZE",
    "decoded_length",
    "iter_body",
    "prepared_request",
    "read_body",
    "release_after_drain",
    "skip_interim",
    "track_session",
]

DEFAULT_MAX_RESPONSE_SIZE = 256 * 1024 * 1024
"""The default of the ``max_response_size`` client option: 256 MiB of decoded body."""

_READ = 65536  # bytes asked of one network read, and the most one decoded piece holds

# After a stream's last event, what is left of the body (normally the 5-byte
# chunked terminator) is read for at most this long and this much; a server
# that sends more, or nothing, gets its connection closed instead.
DRAIN_SECONDS = 0.5
DRAIN_BYTES = 65536


def decoded_length(headers: Mapping[str, str]) -> Optional[int]:
    """The number of body bytes a response announces, None if unknown.

    With a Content-Encoding, Content-Length counts the compressed bytes, not
    the ones handed out, so it says nothing about them.
    """
    length = headers.get("content-length")
    if length and length.isdigit() and not headers.get("content-encoding"):
        return int(length)
    return None


# -- sending ------------------------------------------------------------------


def prepared_request(
    session: requests.Session,
    method: str,
    url: str,
    headers: Mapping[str, Optional[str]],
    data: Union[bytes, MultipartBody, None],
) -> requests.PreparedRequest:
    """The request as ``Session.prepare_request`` would build it for our calls, built directly."""
    merged = requests.structures.CaseInsensitiveDict(session.headers)
    for name, value in headers.items():
        if value is None:
            merged.pop(name, None)  # None removes a header, the session's included
        else:
            merged[name] = value
    # The framing headers requests' prepare_body would set.
    if isinstance(data, bytes):
        merged["Content-Length"] = str(len(data))
    elif data is not None:
        if data.length is not None:
            merged["Content-Length"] = str(data.length)
        else:
            merged["Transfer-Encoding"] = "chunked"
    elif method not in ("GET", "HEAD"):
        merged["Content-Length"] = "0"
    prepared = requests.PreparedRequest()
    prepared.method = method
    prepared.url = url
    prepared.headers = merged  # type: ignore[assignment]  # (session headers may hold bytes values)
    prepared.body = data  # type: ignore[assignment]  # (requests streams any object with read())
    return prepared


def skip_interim(response: requests.Response) -> None:
    """Replace a 1xx interim answer (103 Early Hints, 102) by the final answer that follows it.

    http.client skips only ``100 Continue``; any other 1xx would reach the
    caller as the answer, and the real one would be left on the connection.
    """
    status = response.status_code
    if not (100 <= status < 200) or status == 101:
        return
    raw = response.raw
    original = getattr(raw, "_fp", None)
    if original is None or getattr(original, "fp", None) is None:
        return  # not an http.client response we can read on (a mocked one): leave it to the status check
    while 100 <= original.status < 200 and original.status != 101:
        original.headers = None  # makes begin() parse the next status line and headers
        original.begin()
    final = type(raw)(
        body=original,
        headers=original.msg.items(),  # (pairs: a header sent twice stays twice)
        status=original.status,
        version=original.version,
        reason=original.reason,
        preload_content=False,
        decode_content=False,
        original_response=original,
        msg=original.msg,
        pool=getattr(raw, "_pool", None),
        connection=raw.connection,
        retries=getattr(raw, "retries", None),
        enforce_content_length=True,
        request_method=response.request.method if response.request is not None else None,
    )
    # The interim wrapper must not close what the final one now reads (io.IOBase closes on collection).
    raw._fp = None
    raw._connection = None
    response.raw = final
    response.status_code = final.status
    response.reason = final.reason  # type: ignore[assignment]  # (None is what requests sets too)
    response.headers = requests.structures.CaseInsensitiveDict(final.headers)
    response.encoding = requests.utils.get_encoding_from_headers(response.headers)


# -- reading --------------------------------------------------------------------


def _codings(headers: Mapping[str, str]) -> Optional[List[str]]:
    """The content codings to undo, in the order applied; None if one is not gzip or deflate."""
    value = headers.get("content-encoding")
    if not value:
        return []
    codings = [c.strip().lower() for c in value.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    return codings if all(c in ("gzip", "x-gzip", "deflate") for c in codings) else None


def _wire(raw: Any, size: int, decode: bool, arrival: bool) -> Iterator[bytes]:
    """The body as urllib3 reads it: still content-coded unless ``decode``.

    With ``arrival`` (streams) each piece is what one network read brought,
    so an event is handed on as soon as it is in; otherwise pieces of ``size``.
    """
    if getattr(raw, "chunked", False) and raw.supports_chunked_reads():
        # One HTTP chunk at a time, but never more than ``size`` at once (a hostile chunk size can be huge).
        return raw.read_chunked(size, decode_content=decode)  # type: ignore[no-any-return]
    if arrival:
        read1 = getattr(raw, "read1", None)  # urllib3 >= 2.3
        if read1 is not None:
            return iter(functools.partial(read1, size, decode_content=decode), b"")
        fp_read1 = getattr(getattr(raw, "_fp", None), "read1", None)
        if fp_read1 is not None and not decode:
            return iter(functools.partial(fp_read1, size), b"")
    return raw.stream(size, decode_content=decode)  # type: ignore[no-any-return]


def _inflate(pieces: Iterable[bytes], coding: str, size: int) -> Iterator[bytes]:
    """Undo one gzip or deflate coding, yielding at most ``size`` bytes at a time."""
    decompressor: Any = None
    head = b""  # (deflate) bytes kept until the first two tell zlib-wrapped from raw
    members = 0
    swallow = False  # after the data: trailing bytes are ignored, as urllib3 and browsers do
    for data in pieces:
        if swallow or not data:
            continue
        while True:
            if decompressor is None:
                if coding == "deflate":
                    data = head + data
                    if len(data) < 2:
                        head = data
                        break
                    head = b""
                    # RFC 9110 says zlib-wrapped; many servers send raw deflate (urllib3 takes both).
                    zlib_wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
                    wbits = zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS
                else:
                    wbits = 16 + zlib.MAX_WBITS
                decompressor = zlib.decompressobj(wbits)
            try:
                out = decompressor.decompress(data, size)
            except zlib.error as exc:
                if members:  # garbage after a complete gzip member
                    swallow = True
                    break
                raise urllib3.exceptions.DecodeError(f"the {coding} body cannot be decompressed: {exc}") from None
            if out:
                yield out
            if decompressor.eof:
                data = decompressor.unused_data
                decompressor = None
                members += 1
                swallow = coding == "deflate"
                if swallow or not data:
                    break
                continue  # the next gzip member, in the same piece
            data = decompressor.unconsumed_tail
            if not data and len(out) < size:
                break  # all input taken and no output held back (a full piece may hide more: go round)
    if decompressor is not None and not decompressor.eof:
        out = decompressor.flush()  # a body that ends mid-stream: hand on what there is, as urllib3 does
        if out:
            yield out


def iter_body(
    response: requests.Response,
    limit: Optional[int] = None,
    *,
    arrival: bool = True,
    size: int = _READ,
    context: str = "",
) -> Iterator[bytes]:
    """Yield the decoded body as it arrives; raise :class:`ResponseTooLargeError` past ``limit`` bytes.

    ``arrival`` (for streams): each piece is what one network read brought. A
    chunked body (what the OpenAI API sends) is read one HTTP chunk at a time
    with urllib3's chunked reader; any other with ``read1``, which returns what
    the socket has rather than waiting to fill a buffer.
    """
    raw = response.raw
    codings = _codings(response.headers)
    pieces = _wire(raw, size, codings is None, arrival)
    for coding in reversed(codings or ()):
        pieces = _inflate(pieces, coding, size)
    if limit is None:
        yield from pieces
        return
    total = 0
    for piece in pieces:
        total += len(piece)
        if total > limit:
            raise ResponseTooLargeError(limit, context, response.headers.get("x-request-id"))
        yield piece


def read_body(response: requests.Response, limit: int, deadline: Optional[float] = None, context: str = "") -> None:
    """Read the whole body into ``response.content``, at most ``limit`` decoded bytes, by ``deadline``.

    ``deadline`` (a ``time.monotonic()`` value) bounds the read however the
    server trickles: when it passes, the socket is shut down and
    ``socket.timeout`` raised. The connection goes back to the pool only
    after a complete, timely read; it is closed otherwise.
    """
    state = vars(response)
    if state.get("_content_consumed"):  # read already (a response hook read it)
        return
    raw = response.raw
    length = decoded_length(response.headers)
    if length is not None and length > limit:
        response.close()
        raise ResponseTooLargeError(limit, context, response.headers.get("x-request-id"))
    if deadline is not None and time.monotonic() >= deadline:
        response.close()  # the status line and headers alone took the whole read timeout
        raise socket.timeout("the response took longer than the read timeout")
    pool = _hold(raw)
    alarm = _WATCHDOG.arm(deadline, _socket(raw)) if deadline is not None else None
    complete = False
    try:
        if length is not None:
            # An identity body of known, allowed size: one read (cheaper than any loop for small answers).
            content = raw.read(decode_content=False)
            if len(content) < length:  # (urllib3 1.x does not check)
                raise http.client.IncompleteRead(content, length - len(content))
        else:
            content = b"".join(iter_body(response, limit, arrival=False, context=context))
        complete = True
    except Exception:
        if not _WATCHDOG.disarm(alarm):
            raise
    finally:
        # Once the socket was shut down, however the read ended, the body cannot be trusted
        # (a close-delimited one would look complete).
        fired = _WATCHDOG.disarm(alarm)
        _let_go(raw, pool, complete and not fired)
    if fired:
        raise socket.timeout("the whole response took longer than the read timeout")
    state["_content"] = content
    state["_content_consumed"] = True


def release_after_drain(response: requests.Response, rest: Iterator[bytes]) -> None:
    """After a stream's last event: read what is left of ``rest`` within a small bound, then pool the connection.

    The rest is normally the chunked terminator; reading it lets the
    connection be used again instead of opening a new TCP (and TLS)
    connection for the next stream. A server that sends more, or keeps the
    stream open, has its connection closed after :data:`DRAIN_SECONDS`.
    """
    raw = response.raw
    sock = _socket(raw)
    if sock is None:
        return
    pool = _hold(raw)
    complete = False
    try:
        previous = sock.gettimeout()
        sock.settimeout(DRAIN_SECONDS)  # each read; the loop bounds the whole
        try:
            give_up = time.monotonic() + DRAIN_SECONDS
            left = DRAIN_BYTES
            for piece in rest:
                left -= len(piece)
                if left < 0 or time.monotonic() > give_up:
                    break
            else:
                complete = True
        finally:
            sock.settimeout(previous)
    except Exception:
        pass  # (a broken connection is simply not reused)
    _let_go(raw, pool, complete)


_HELD = object()


def _hold(raw: Any) -> Any:
    """Keep urllib3 from pooling the connection by itself at the end of the body; see the module docstring."""
    if not hasattr(raw, "_pool"):
        return _HELD
    pool = raw._pool
    raw._pool = None
    return pool


def _let_go(raw: Any, pool: Any, reuse: bool) -> None:
    if pool is _HELD:
        return
    if reuse:
        raw._pool = pool
        raw.release_conn()
    else:
        raw.close()  # closes the connection too; it is not pooled again


def _socket(raw: Any) -> Optional[socket.socket]:
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is None:
        # A response that ends the connection (close-delimited) owns the socket alone: http.client
        # dropped it from the connection and reads it through its buffered reader's SocketIO.
        sock = getattr(getattr(getattr(getattr(raw, "_fp", None), "fp", None), "raw", None), "_sock", None)
    # Through an HTTPS proxy urllib3 2 wraps the socket in an SSLTransport; the socket is inside.
    while sock is not None and not isinstance(sock, socket.socket):
        sock = getattr(sock, "socket", None)
    return sock


# -- the deadline watchdog ------------------------------------------------------


class _Alarm:
    __slots__ = ("cancelled", "fired", "sock")

    def __init__(self, sock: Optional[socket.socket]) -> None:
        self.sock = sock
        self.fired = False
        self.cancelled = False


class _Watchdog:
    """One daemon thread that shuts a socket down when its read is past its deadline.

    A socket timeout bounds each read, not the whole: a server trickling a
    byte at a time would hold a call for ever. Shutting the socket down wakes
    the blocked read, from any thread, for plain and TLS sockets alike.
    Started on first use; arming and disarming cost a lock and a heap push.
    """

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._heap: List[Tuple[float, int, _Alarm]] = []
        self._count = itertools.count()
        self._cancelled = 0
        self._thread: Optional[threading.Thread] = None

    def arm(self, deadline: float, sock: Optional[socket.socket]) -> Optional[_Alarm]:
        if sock is None:
            return None  # nothing to wait on (a mocked response)
        alarm = _Alarm(sock)
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="openai_lite-deadlines", daemon=True)
                self._thread.start()
            heapq.heappush(self._heap, (deadline, next(self._count), alarm))
            if self._heap[0][2] is alarm:
                self._wake.notify()
        return alarm

    def disarm(self, alarm: Optional[_Alarm]) -> bool:
        """Cancel ``alarm``; whether it went off first."""
        if alarm is None:
            return False
        with self._lock:
            if alarm.fired or alarm.cancelled:
                return alarm.fired
            alarm.cancelled = True
            alarm.sock = None
            self._cancelled += 1
            if self._cancelled > 64 and self._cancelled * 2 > len(self._heap):
                # Most entries are done with: drop them so the heap stays as small as the calls in flight.
                self._heap = [entry for entry in self._heap if not entry[2].cancelled]
                heapq.heapify(self._heap)
                self._cancelled = 0
        return False

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                heap = self._heap
                while heap and (heap[0][2].cancelled or heap[0][0] <= now):
                    _, _, alarm = heapq.heappop(heap)
                    if alarm.cancelled:
                        self._cancelled -= 1
                        continue
                    alarm.fired = True
                    if alarm.sock is not None:
                        try:  # wakes the blocked read with an end of file; the reader raises the timeout
                            socket.socket.shutdown(alarm.sock, socket.SHUT_RDWR)
                        except OSError:
                            pass
                        alarm.sock = None
                wait = min(heap[0][0] - now, threading.TIMEOUT_MAX) if heap else None
                self._wake.wait(wait)


_WATCHDOG = _Watchdog()


# -- fork ---------------------------------------------------------------------------

_sessions: weakref.WeakSet[requests.Session] = weakref.WeakSet()
_fork_hook_registered = False


def track_session(session: requests.Session) -> None:
    """Give ``session`` fresh connection pools in any child process forked from now on.

    After ``os.fork()`` parent and child hold the same sockets: a child
    sending on a pooled connection would read the parent's answers as its
    own (and the other way round). The child keeps none of them.
    """
    global _fork_hook_registered
    if not _fork_hook_registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork_in_child)
        _fork_hook_registered = True
    _sessions.add(session)


def _after_fork_in_child() -> None:
    # The child has one thread: locks another thread of the parent held are never released.
    _WATCHDOG._reset()
    for session in list(_sessions):
        for adapter in list(session.adapters.values()):
            if isinstance(adapter, requests.adapters.HTTPAdapter):
                # What HTTPAdapter.__setstate__ does. The parent's connections are dropped
                # without being closed in any way the parent (or the server) could notice.
                adapter.proxy_manager = {}
                adapter.init_poolmanager(adapter._pool_connections, adapter._pool_maxsize, block=adapter._pool_block)  # type: ignore[attr-defined]
