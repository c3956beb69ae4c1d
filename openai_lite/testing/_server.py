"""The FakeServer itself: its life, the knobs that script faults, the request log and the routing table.

The API areas (``_chat.py``, ``_files.py``, ...) hold the endpoints; ``_http.py`` the socket side.
One lock guards everything the server keeps: the areas' state, the scripted faults and the request
log. Handlers run under it one at a time. Every answer is computed in microseconds to milliseconds,
so serializing them costs a test suite nothing and makes every endpoint thread-safe without
reasoning endpoint by endpoint; waits (stalls) happen outside it.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections import deque
from http import HTTPStatus
from typing import Any, Callable, Deque, Dict, Iterable, List, NamedTuple, Optional, Set, Tuple, Union
from urllib.parse import unquote

from ._common import APIError, Area, Reply, Request

__all__ = ["FakeServer", "RecordedRequest"]


class RecordedRequest(NamedTuple):
    """One request the server received."""

    method: str
    path: str
    """The request target as sent, query string included (``/v1/files?limit=2``)."""
    headers: Dict[str, str]
    """Header names in lower case."""
    body: Any
    """A JSON body decoded; any other body as bytes; None when there was no body."""


class _Scripted(NamedTuple):
    """A scripted answer waiting for its request: ``kind`` is "reply", "stall" or "reset"."""

    kind: str
    path: Optional[str]  # only for a request to this path (without the query); None: the next request
    method: Optional[str]
    reply: Optional[Reply] = None
    seconds: float = 0.0


# The error bodies fail_next sends: the API's message, type and code for the statuses it answers.
_FAULTS: Dict[int, Tuple[str, str, Optional[str]]] = {
    400: ("Bad request (scripted by FakeServer.fail_next).", "invalid_request_error", None),
    401: ("Incorrect API key provided (scripted by FakeServer.fail_next).", "invalid_request_error", "invalid_api_key"),
    403: ("You are not allowed to do this (scripted by FakeServer.fail_next).", "invalid_request_error", None),
    404: ("Not found (scripted by FakeServer.fail_next).", "invalid_request_error", None),
    408: ("Request timed out (scripted by FakeServer.fail_next).", "timeout", None),
    409: ("Conflict (scripted by FakeServer.fail_next).", "invalid_request_error", None),
    422: ("Unprocessable entity (scripted by FakeServer.fail_next).", "invalid_request_error", None),
    429: (
        "Rate limit reached for requests (scripted by FakeServer.fail_next). Please try again shortly.",
        "requests",
        "rate_limit_exceeded",
    ),
    500: (
        "The server had an error while processing your request. Sorry about that! (scripted by FakeServer.fail_next)",
        "server_error",
        None,
    ),
    502: ("Bad gateway (scripted by FakeServer.fail_next).", "server_error", None),
    503: (
        "The engine is currently overloaded, please try again later (scripted by FakeServer.fail_next).",
        "server_error",
        None,
    ),
}


class FakeServer:
    """A deterministic OpenAI-compatible server on 127.0.0.1, in a background thread.

    Use it in a ``with`` block, or call ``start()`` and ``stop()``; ``base_url`` is what to give a
    client. Options:

    * ``port``: 0 picks a free port.
    * ``api_key``: when set, requests without ``Authorization: Bearer <api_key>`` get a 401.
    * ``models``: the model ids it knows (default :attr:`MODELS`); a request naming another model
      gets a 404 ``model_not_found``, unless ``accept_any_model`` is true (a stand-in for a
      compatible server that serves anything).
    * ``finish_at_once``: long-running resources (batches, fine-tuning jobs, runs, vector-store
      files and file batches, videos, background responses) are created already finished, instead
      of moving one status further on each retrieve.
    * ``poll_after_ms``: the ``openai-poll-after-ms`` header sent where the API sends one (the
      retrieves of runs, vector-store files and file batches); None sends none.

    Scripted faults, for the next request(s): :meth:`fail_next`, :meth:`stall_next`,
    :meth:`reset_next`, :meth:`cut_stream_next`, :meth:`queue_reply`. ``requests`` records every
    request received, as :class:`RecordedRequest` ``(method, path, headers, body)``. Everything it
    creates is kept in memory, per server. All methods are thread-safe.
    """

    MODELS = (
        "gpt-4o-mini",
        "gpt-4o",
        "gpt-4.1",
        "gpt-4.1-mini",
        "gpt-4.1-nano",
        "gpt-5",
        "gpt-5-mini",
        "gpt-5-nano",
        "o4-mini",
        "gpt-3.5-turbo",
        "gpt-3.5-turbo-instruct",
        "davinci-002",
        "text-embedding-3-small",
        "text-embedding-3-large",
        "text-embedding-ada-002",
        "omni-moderation-latest",
        "text-moderation-latest",
        "gpt-4o-mini-tts",
        "tts-1",
        "whisper-1",
        "gpt-4o-transcribe",
        "gpt-4o-mini-transcribe",
        "gpt-image-1",
        "dall-e-3",
        "sora-2",
        "sora-2-pro",
        "fake-model",
    )
    """The models a server knows by default (``list_models`` lists them)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: Optional[str] = None,
        *,
        models: Optional[Iterable[str]] = None,
        accept_any_model: bool = False,
        finish_at_once: bool = False,
        poll_after_ms: Optional[int] = 10,
    ) -> None:
        from ._assistants import Assistants
        from ._audio import Audio
        from ._batches import Batches
        from ._chat import Chat
        from ._embeddings import Embeddings
        from ._files import Files
        from ._fine_tuning import FineTuning
        from ._images import Images
        from ._models import Models
        from ._moderations import Moderations
        from ._responses import Responses
        from ._uploads import Uploads
        from ._vector_stores import VectorStores
        from ._videos import Videos

        self.host = host
        self.port = port
        self.api_key = api_key
        self.accept_any_model = accept_any_model
        self.finish_at_once = finish_at_once
        self.poll_after_ms = poll_after_ms
        self.requests: List[RecordedRequest] = []
        """Every request received, in order of arrival."""
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._counters: Dict[str, int] = {}
        self._script: List[_Scripted] = []
        self._cuts: Deque[int] = deque()
        self._connections: Set[socket.socket] = set()
        self._httpd: Any = None
        self._thread: Optional[threading.Thread] = None

        self._models = Models(self, self.MODELS if models is None else models)
        self._files = Files(self)
        areas: List[Area] = [
            self._models,
            self._files,
            Chat(self),
            Responses(self),
            Embeddings(self),
            Moderations(self),
            Audio(self),
            Images(self),
            Assistants(self),
            Batches(self),
            FineTuning(self),
            VectorStores(self),
            Videos(self),
            Uploads(self),
        ]
        self._routes: List[Tuple[str, re.Pattern[str], Callable[..., Reply]]] = [
            (method, re.compile(path), handler) for area in areas for method, path, handler in area.routes()
        ]

    # -- lifecycle ----------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The URL to give a client, e.g. ``http://127.0.0.1:54321/v1``."""
        if self._httpd is None:
            raise RuntimeError("the FakeServer is not running: call start() or use it in a with block")
        return f"http://{self.host}:{self._httpd.server_address[1]}/v1"

    def start(self) -> FakeServer:
        """Start serving in a background thread (if not already); return the server."""
        from ._http import HTTPServer

        if self._httpd is None:
            self._stopping.clear()
            httpd = HTTPServer((self.host, self.port), self)
            # A short poll interval makes stop() quick: shutdown() waits for the loop to look at its flag.
            self._thread = threading.Thread(
                target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, name="FakeServer", daemon=True
            )
            self._thread.start()
            self._httpd = httpd
        return self

    def stop(self) -> None:
        """Stop serving and close every connection (ending any stall); does nothing if not running."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        self._httpd = self._thread = None
        self._stopping.set()
        httpd.shutdown()
        # Handler threads wait for a client's next request on kept-alive connections; end those waits.
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client
        httpd.server_close()
        thread.join()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self._httpd is not None else "stopped"
        return f"<FakeServer {where}>"

    # -- scripted faults --------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        body: Union[bytes, str, Dict[str, Any], List[Any], None] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        """Answer the next ``times`` requests with ``status``, whatever they ask.

        The body is an error in the API's format for that status (``{"error": {"message", "type",
        "param", "code"}}``, e.g. code ``rate_limit_exceeded`` for a 429) unless ``body`` is given:
        a dict or list is sent as JSON, bytes or a str as they are. ``headers`` are added, e.g.
        ``{"retry-after-ms": "10"}`` for a client to wait 10 ms before its retry.
        """
        if body is None:
            message, kind, code = _FAULTS.get(status) or _generic_fault(status)
            body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
        self._enqueue("reply", _reply(status, body, headers), times=times)

    def queue_reply(
        self,
        path: str,
        body: Union[bytes, str, Dict[str, Any], List[Any]],
        *,
        status: int = 200,
        headers: Optional[Dict[str, str]] = None,
        method: Optional[str] = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests to ``path`` (and ``method``, if given) with exactly this reply.

        ``path`` is the request's path without its query, with or without the ``/v1`` prefix
        (``"/chat/completions"``). A dict or list body is sent as JSON; bytes or a str as they are,
        with Content-Type ``application/json`` unless ``headers`` says otherwise. Requests to
        other paths are answered as usual meanwhile.
        """
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/', got {path!r}")
        if not path.startswith("/v1/"):
            path = "/v1" + path
        self._enqueue("reply", _reply(status, body, headers), path=path, method=method, times=times)

    def stall_next(self, seconds: float) -> None:
        """Wait ``seconds`` before answering the next request (as usual): for testing timeouts.

        A client that gives up meanwhile finds its connection answered by nothing; stopping the
        server ends the wait.
        """
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0:
            raise ValueError(f"seconds must be a number >= 0, got {seconds!r}")
        self._enqueue("stall", None, seconds=float(seconds))

    def reset_next(self) -> None:
        """Reset the connection of the next request (a TCP RST) after reading it, without answering."""
        self._enqueue("reset", None)

    def cut_stream_next(self, after_events: int) -> None:
        """End the next streamed answer after ``after_events`` events by closing the connection.

        The stream stops without its final event and without the chunked encoding's last chunk,
        as a dropped connection would leave it. Answers that are not streams do not use it up.
        """
        if not isinstance(after_events, int) or isinstance(after_events, bool) or after_events < 0:
            raise ValueError(f"after_events must be an int >= 0, got {after_events!r}")
        with self._lock:
            self._cuts.append(after_events)

    def _enqueue(
        self,
        kind: str,
        reply: Optional[Reply],
        *,
        path: Optional[str] = None,
        method: Optional[str] = None,
        times: int = 1,
        seconds: float = 0.0,
    ) -> None:
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise ValueError(f"times must be an int >= 1, got {times!r}")
        entry = _Scripted(kind, path, method.upper() if method else None, reply, seconds)
        with self._lock:
            self._script.extend([entry] * times)

    def _scripted(self, request: Request) -> Optional[_Scripted]:
        """The first scripted answer waiting for ``request``, taken off the script."""
        with self._lock:
            for index, entry in enumerate(self._script):
                if entry.path in (None, request.path) and entry.method in (None, request.method):
                    return self._script.pop(index)
        return None

    def _take_cut(self) -> Optional[int]:
        """The event count after which to cut the stream being sent, if one is scripted."""
        with self._lock:
            return self._cuts.popleft() if self._cuts else None

    def _wait(self, seconds: float) -> bool:
        """Sleep ``seconds``; False if the server is stopping meanwhile."""
        return not self._stopping.wait(seconds)

    # -- bookkeeping ----------------------------------------------------------

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            n = self._counters.get(prefix, 0) + 1
            self._counters[prefix] = n
        return f"{prefix}{n}"

    def _record(self, method: str, target: str, headers: Dict[str, str], body: bytes) -> str:
        """Record a request; return its request id."""
        recorded: Any = body or None
        if body and "json" in headers.get("content-type", ""):
            try:
                recorded = json.loads(body)
            except ValueError:
                pass  # recorded as bytes; the endpoint answers 400
        with self._lock:
            self.requests.append(RecordedRequest(method, target, headers, recorded))
            return self._next_id("req_fake_")

    def _check_model(self, model: str, param: Optional[str] = None) -> None:
        """A 404 ``model_not_found`` unless the server knows ``model`` (or accepts any)."""
        if not self.accept_any_model and not self._models.knows(model):
            raise APIError(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                param=param,
                code="model_not_found",
            )

    # -- routing --------------------------------------------------------------

    def _answer(self, request: Request) -> Reply:
        """The server's own answer to ``request`` (no scripted fault), errors included."""
        try:
            self._check_key(request)
        except APIError as exc:
            return exc.reply()
        return self._dispatch(request)

    def _dispatch(self, request: Request) -> Reply:
        """The answer of the endpoint ``request`` is for; also how a batch runs its lines."""
        try:
            if request.path.startswith("/v1/"):
                for method, pattern, handler in self._routes:
                    match = pattern.fullmatch(request.path[3:])
                    if match and method == request.method:
                        with self._lock:
                            return handler(request, *[unquote(arg) for arg in match.groups()])
            raise APIError(404, f"Invalid URL ({request.method} {request.path})", code="unknown_url")
        except APIError as exc:
            return exc.reply()
        except Exception as exc:  # a bug in the fake: answer as the API does, and say what it was
            return APIError(500, f"FakeServer error: {exc!r}", type="server_error").reply()

    def _check_key(self, request: Request) -> None:
        if self.api_key is None:
            return
        auth = request.headers.get("authorization")
        if auth is None:
            raise APIError(
                401,
                "You didn't provide an API key. You need to provide your API key in an Authorization header "
                "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        if auth != f"Bearer {self.api_key}":
            raise APIError(401, "Incorrect API key provided.", code="invalid_api_key")


def _generic_fault(status: int) -> Tuple[str, str, Optional[str]]:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = f"HTTP {status}"
    kind = "server_error" if status >= 500 else "invalid_request_error"
    return f"{phrase} (scripted by FakeServer.fail_next).", kind, None


def _reply(status: int, body: Union[bytes, str, Dict[str, Any], List[Any]], headers: Optional[Dict[str, str]]) -> Reply:
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise ValueError(f"status must be an HTTP status code (100-599), got {status!r}")
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode("utf-8")
    elif isinstance(body, str):
        data = body.encode("utf-8")
    elif isinstance(body, bytes):
        data = body
    else:
        raise TypeError(f"body must be bytes, a str, a dict or a list, got {type(body).__name__}")
    given = {name.lower(): str(value) for name, value in (headers or {}).items()}
    content_type = given.pop("content-type", "application/json")
    return Reply(status, content_type, data, given)
