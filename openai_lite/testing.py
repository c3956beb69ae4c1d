"""A fake OpenAI server for demos and unit tests.

::

    import openai_lite
    from openai_lite.testing import FakeServer

    with FakeServer() as server:
        client = openai_lite.Client(api_key="fake", base_url=server.base_url)
        reply = client.create_chat_completion(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "Hello"}]
        )
        assert reply.choices[0].message.content == "You said: Hello"
        assert server.requests[-1].path == "/v1/chat/completions"

The server answers in the wire format of the OpenAI API (as its OpenAPI
description defines it), on a real socket, so a client is exercised through
its whole HTTP stack. Answers are deterministic, so tests can compare exact
values:

* Chat completions, legacy completions, responses and Assistants runs echo
  the conversation: the reply to a user message (or prompt) is ``"You said:
  <its text>"``, to a tool result ``"Tool result: <its content>"``. When
  function tools are offered and the last message is from the user, the model
  instead calls the first tool (or the one ``tool_choice`` names) with call id
  ``"call_fake_1"`` and arguments built from the tool's required parameters
  (strings become ``"fake <name>"``); an Assistants run then stops with status
  ``requires_action`` until its tool outputs are submitted.
* Token counts are words: the prompt's words in, one token per streamed
  piece out (a word of text, or up to 8 characters of tool arguments).
* Embeddings are unit vectors of 8 numbers (or ``dimensions``), derived from
  a hash of each input and exactly representable as float32.
* Moderation flags an input (category ``violence``) when it contains a word
  starting with "kill".
* Images are tiny PNGs: 1x1 without streaming; with ``"stream": true``,
  ``partial_images`` (0 to 3) 8x8 grey partial images getting lighter, then
  the final 8x8 checkerboard.
* Timestamps are ``1700000000``; ids count up per server (``chatcmpl-fake-1``,
  ``file-fake-1``, ...); every response has an ``x-request-id`` of
  ``req_fake_<n>``, n counting the requests the server received.

Endpoints, all under ``/v1``: ``GET /models``, ``GET``/``DELETE
/models/{id}``, ``POST /chat/completions``, ``POST /completions`` and ``POST
/responses`` (all also with ``"stream": true``), ``POST /embeddings``, ``POST
/moderations``, ``POST``/``GET /files``, ``GET``/``DELETE /files/{id}``,
``GET /files/{id}/content``, ``POST /audio/speech`` (also with
``"stream_format": "sse"``), ``POST /images/generations`` (also with
``"stream": true``), and the Assistants API's ``POST /assistants``,
``GET``/``DELETE /assistants/{id}``, ``POST /threads``, ``POST
/threads/runs``, ``POST /threads/{id}/runs`` and ``POST
/threads/{id}/runs/{id}/submit_tool_outputs`` (runs also with ``"stream":
true``, sending the API's named events: ``thread.run.created`` ...
``thread.message.delta`` ... ``done``; without streaming, a run is returned
already in the state the stream would end in). Anything else gets a 404, bad
input a 400, both in the API's ``{"error": {...}}`` format.

This module uses the standard library only and nothing else from
openai_lite, so it can serve to test any OpenAI client; ``import
openai_lite`` does not load it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import socket
import socketserver
import struct
import sys
import threading
import zlib
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, NamedTuple, Optional, Set, Tuple, Union, cast
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["FakeServer", "RecordedRequest"]

CREATED = 1700000000
"""The timestamp of everything the server creates."""

_MODELS = (
    ("gpt-4o-mini", "system"),
    ("text-embedding-3-small", "system"),
    ("omni-moderation-latest", "system"),
    ("gpt-4o-mini-tts", "system"),
    ("gpt-image-1", "system"),
    ("fake-model", "openai-lite"),
)

_FILE_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")

_MODERATION_CATEGORIES = (
    "hate",
    "hate/threatening",
    "harassment",
    "harassment/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)
# The categories the API also applies to images.
_IMAGE_CATEGORIES = {
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "violence",
    "violence/graphic",
}
_FLAG_WORD = re.compile(r"\bkill", re.IGNORECASE)

# A 1x1 transparent PNG.
_PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="

# Word pieces that join back into the text: leading whitespace goes with the word after it, as in real tokens.
_PIECES = re.compile(r"\s*\S+|\s+")
_ARGUMENT_PIECE = 8


class RecordedRequest(NamedTuple):
    """One request the server received."""

    method: str
    path: str
    """The request target as sent, query string included (``/v1/files?limit=2``)."""
    headers: Dict[str, str]
    """Header names in lower case."""
    body: Any
    """A JSON body decoded; any other body as bytes; None when there was no body."""


class _Request(NamedTuple):
    method: str
    path: str  # decoded, without the query
    query: Dict[str, str]
    headers: Dict[str, str]
    body: bytes


class _Reply(NamedTuple):
    status: int
    content_type: str
    body: Union[bytes, List[bytes]]  # a list goes out as a chunked stream, one HTTP chunk per item


class _Thread:
    """An Assistants thread: its object, and its messages oldest first."""

    def __init__(self, obj: Dict[str, Any]) -> None:
        self.obj = obj
        self.messages: List[Dict[str, Any]] = []


class _Run:
    """An Assistants run, and while it ``requires_action`` the tool call step and the calls it waits for."""

    def __init__(self, run: Dict[str, Any], thread: _Thread) -> None:
        self.run = run
        self.thread = thread
        self.step: Optional[Dict[str, Any]] = None
        self.step_tokens = 0
        self.calls: List[Dict[str, Any]] = []
        self.completion_tokens = 0


class _APIError(Exception):
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

    def reply(self) -> _Reply:
        return _json_reply({"error": self.error}, self.status)


class FakeServer:
    """A deterministic OpenAI-compatible server on 127.0.0.1, in a background thread.

    ``FakeServer(host="127.0.0.1", port=0, api_key=None)``: port 0 picks a
    free port. With ``api_key`` set, requests without ``Authorization: Bearer
    <api_key>`` get a 401. Use it in a ``with`` block, or call ``start()`` and
    ``stop()``; ``base_url`` is what to give a client. ``requests`` lists
    every request received, as :class:`RecordedRequest` ``(method, path,
    headers, body)``. Uploaded files, deleted models, assistants, threads and
    runs are kept in memory, per server.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, api_key: Optional[str] = None) -> None:
        self.host = host
        self.port = port
        self.api_key = api_key
        self.requests: List[RecordedRequest] = []
        """Every request received, in order of arrival (appended by the server's threads)."""
        self._lock = threading.Lock()
        self._counters: Dict[str, int] = {}
        self._models = [
            {"id": name, "object": "model", "created": CREATED, "owned_by": owner} for name, owner in _MODELS
        ]
        self._files: Dict[str, Tuple[Dict[str, Any], bytes]] = {}
        self._assistants: Dict[str, Dict[str, Any]] = {}
        self._threads: Dict[str, _Thread] = {}
        self._runs: Dict[str, _Run] = {}
        self._httpd: Optional[_HTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        self._connections: Set[socket.socket] = set()

    # -- lifecycle ----------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The URL to give a client, e.g. ``http://127.0.0.1:54321/v1``."""
        if self._httpd is None:
            raise RuntimeError("the FakeServer is not running: call start() or use it in a with block")
        return f"http://{self.host}:{self._httpd.server_address[1]}/v1"

    def start(self) -> FakeServer:
        """Start serving in a background thread (if not already); return the server."""
        if self._httpd is None:
            httpd = _HTTPServer((self.host, self.port), _Handler)
            httpd.fake = self
            # A short poll interval makes stop() quick: shutdown() waits for the loop to look at its flag.
            self._thread = threading.Thread(
                target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, name="FakeServer", daemon=True
            )
            self._thread.start()
            self._httpd = httpd
        return self

    def stop(self) -> None:
        """Stop serving and close every connection; does nothing if not running."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        self._httpd = self._thread = None
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

    # -- routing --------------------------------------------------------------

    def _dispatch(self, request: _Request) -> _Reply:
        if self.api_key is not None:
            auth = request.headers.get("authorization")
            if auth is None:
                raise _APIError(
                    401,
                    "You didn't provide an API key. You need to provide your API key in an Authorization header "
                    "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                )
            if auth != f"Bearer {self.api_key}":
                raise _APIError(401, "Incorrect API key provided.", code="invalid_api_key")
        path = request.path
        if path.startswith("/v1/"):
            for method, pattern, endpoint in _ROUTES:
                match = pattern.fullmatch(path[3:])
                if match and method == request.method:
                    args = [unquote(arg) for arg in match.groups()]
                    return endpoint(self, request, *args)
        raise _APIError(404, f"Invalid URL ({request.method} {path})", code="unknown_url")

    # -- models ---------------------------------------------------------------

    def _list_models(self, request: _Request) -> _Reply:
        with self._lock:
            models = list(self._models)
        return _json_reply({"object": "list", "data": models})

    def _find_model(self, model_id: str) -> Dict[str, Any]:
        with self._lock:
            for model in self._models:
                if model["id"] == model_id:
                    return model
        raise _APIError(404, f"The model '{model_id}' does not exist", param="model", code="model_not_found")

    def _retrieve_model(self, request: _Request, model_id: str) -> _Reply:
        return _json_reply(self._find_model(model_id))

    def _delete_model(self, request: _Request, model_id: str) -> _Reply:
        model = self._find_model(model_id)
        with self._lock:
            if model in self._models:
                self._models.remove(model)
        return _json_reply({"id": model_id, "object": "model", "deleted": True})

    # -- chat completions -----------------------------------------------------

    def _chat_completions(self, request: _Request) -> _Reply:
        body = _json_object(request)
        model = _field(body, "model", str, "a string", required=True)
        messages = _field(body, "messages", list, "an array", required=True)
        if not messages:
            raise _APIError(
                400, "'messages' must contain at least one message.", param="messages", code="invalid_value"
            )
        for i, entry in enumerate(messages):
            if not isinstance(entry, dict):
                raise _invalid_type(f"messages[{i}]", "an object", entry)
            _field(entry, "role", str, "a string", required=True, name=f"messages[{i}].role")
        n = _field(body, "n", int, "an integer", default=1)
        if not 1 <= n <= 128:
            raise _APIError(400, f"Invalid 'n': {n} is not between 1 and 128.", param="n", code="invalid_value")
        stream = _field(body, "stream", bool, "a boolean")
        stream_options = _field(body, "stream_options", dict, "an object", default={})

        last = messages[-1]
        tool = None
        if last.get("role") == "user":
            tool = _chosen_tool(_field(body, "tools", list, "an array"), body.get("tool_choice"), nested=True)
        if tool is not None:
            name, arguments = tool
            pieces = _argument_pieces(arguments)
            finish_reason = "tool_calls"
        else:
            text = _echo([(m.get("role"), m.get("content")) for m in messages])
            pieces = _PIECES.findall(text)
            finish_reason = "stop"
        prompt_tokens = sum(_count_words(_text_of(m.get("content"))) for m in messages)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(pieces) * n,
            "total_tokens": prompt_tokens + len(pieces) * n,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }
        head = {
            "id": self._next_id("chatcmpl-fake-"),
            "object": "chat.completion.chunk" if stream else "chat.completion",
            "created": CREATED,
            "model": model,
            "service_tier": "default",
            "system_fingerprint": "fp_fake",
        }

        if not stream:
            message: Dict[str, Any] = {"role": "assistant", "content": None, "refusal": None, "annotations": []}
            if tool is not None:
                message["tool_calls"] = [
                    {"id": "call_fake_1", "type": "function", "function": {"name": name, "arguments": arguments}}
                ]
            else:
                message["content"] = text
            choices = [
                {"index": i, "message": message, "logprobs": None, "finish_reason": finish_reason} for i in range(n)
            ]
            return _json_reply({**head, "choices": choices, "usage": usage})

        include_usage = stream_options.get("include_usage") is True

        def chunk(index: int, delta: Dict[str, Any], finish: Optional[str] = None) -> bytes:
            data = {**head, "choices": [{"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}]}
            if include_usage:
                data["usage"] = None  # on every chunk but the last, as the API does
            return _sse(data)

        blocks = []
        for i in range(n):
            if tool is not None:
                call = {
                    "index": 0,
                    "id": "call_fake_1",
                    "type": "function",
                    "function": {"name": name, "arguments": ""},
                }
                blocks.append(chunk(i, {"role": "assistant", "content": None, "refusal": None, "tool_calls": [call]}))
                for piece in pieces:
                    blocks.append(chunk(i, {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
            else:
                blocks.append(chunk(i, {"role": "assistant", "content": "", "refusal": None}))
                for piece in pieces:
                    blocks.append(chunk(i, {"content": piece}))
            blocks.append(chunk(i, {}, finish_reason))
        if include_usage:
            blocks.append(_sse({**head, "choices": [], "usage": usage}))
        blocks.append(b"data: [DONE]\n\n")
        return _stream_reply(blocks)

    # -- responses ------------------------------------------------------------

    def _responses(self, request: _Request) -> _Reply:
        body = _json_object(request)
        _field(body, "model", str, "a string", required=True)
        raw_input = _field(body, "input", (str, list), "a string or an array")
        stream = _field(body, "stream", bool, "a boolean")
        if raw_input is None:
            items: List[Any] = []
        elif isinstance(raw_input, str):
            items = [{"role": "user", "content": raw_input}]
        else:
            items = raw_input
        # The items as (role, content) pairs; a function call output counts as a tool message.
        turns: List[Tuple[Any, Any]] = []
        for i, entry in enumerate(items):
            if not isinstance(entry, dict):
                raise _invalid_type(f"input[{i}]", "an object", entry)
            if entry.get("type") == "function_call_output":
                turns.append(("tool", entry.get("output")))
            elif "role" in entry:
                turns.append((entry.get("role"), entry.get("content")))
        tool = None
        if turns and turns[-1][0] == "user":
            tool = _chosen_tool(_field(body, "tools", list, "an array"), body.get("tool_choice"), nested=False)

        response_id = self._next_id("resp_fake_")
        item: Dict[str, Any]
        if tool is not None:
            name, arguments = tool
            pieces = _argument_pieces(arguments)
            item = {
                "id": self._next_id("fc_fake_"),
                "type": "function_call",
                "status": "completed",
                "call_id": "call_fake_1",
                "name": name,
                "arguments": arguments,
            }
        else:
            text = _echo(turns)
            pieces = _PIECES.findall(text)
            part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
            item = {
                "id": self._next_id("msg_fake_"),
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "content": [part],
            }
        input_tokens = sum(_count_words(_text_of(content)) for _, content in turns)
        usage = {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": len(pieces),
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input_tokens + len(pieces),
        }
        completed = _response_object(body, response_id, "completed", [item], usage)
        if not stream:
            return _json_reply(completed)

        events: List[Dict[str, Any]] = [
            {"type": "response.created", "response": _response_object(body, response_id, "in_progress", [], None)},
            {"type": "response.in_progress", "response": _response_object(body, response_id, "in_progress", [], None)},
        ]
        where = {"item_id": item["id"], "output_index": 0}
        if tool is not None:
            events.append(
                {
                    "type": "response.output_item.added",
                    "output_index": 0,
                    "item": {**item, "status": "in_progress", "arguments": ""},
                }
            )
            for piece in pieces:
                events.append({"type": "response.function_call_arguments.delta", **where, "delta": piece})
            events.append(
                {"type": "response.function_call_arguments.done", **where, "name": name, "arguments": arguments}
            )
        else:
            where["content_index"] = 0
            empty_part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
            events += [
                {
                    "type": "response.output_item.added",
                    "output_index": 0,
                    "item": {**item, "status": "in_progress", "content": []},
                },
                {"type": "response.content_part.added", **where, "part": empty_part},
            ]
            for piece in pieces:
                events.append({"type": "response.output_text.delta", **where, "delta": piece, "logprobs": []})
            events += [
                {"type": "response.output_text.done", **where, "text": text, "logprobs": []},
                {"type": "response.content_part.done", **where, "part": part},
            ]
        events += [
            {"type": "response.output_item.done", "output_index": 0, "item": item},
            {"type": "response.completed", "response": completed},
        ]
        # Named events and no [DONE] at the end: the Responses API's stream format.
        blocks = [_sse({**event, "sequence_number": n}, event["type"]) for n, event in enumerate(events)]
        return _stream_reply(blocks)

    # -- embeddings -----------------------------------------------------------

    def _embeddings(self, request: _Request) -> _Reply:
        body = _json_object(request)
        model = _field(body, "model", str, "a string", required=True)
        raw_input = _field(body, "input", (str, list), "a string or an array", required=True)
        dimensions = _field(body, "dimensions", int, "an integer", default=8)
        if not 1 <= dimensions <= 4096:
            raise _APIError(
                400,
                f"Invalid 'dimensions': {dimensions} is not between 1 and 4096.",
                param="dimensions",
                code="invalid_value",
            )
        encoding = _field(body, "encoding_format", str, "a string", default="float")
        if encoding not in ("float", "base64"):
            raise _APIError(
                400,
                f"Invalid 'encoding_format': {encoding!r} is not one of 'float', 'base64'.",
                param="encoding_format",
                code="invalid_value",
            )

        # A string, a list of strings, a list of tokens or a list of token lists.
        if isinstance(raw_input, str) or (raw_input and all(_is_int(t) for t in raw_input)):
            inputs = [raw_input]
        else:
            inputs = raw_input
        if not inputs or not all(
            (isinstance(x, str) and x) or (isinstance(x, list) and x and all(_is_int(t) for t in x)) for x in inputs
        ):
            raise _APIError(
                400,
                "'input' must be a non-empty string, array of strings, array of tokens or array of token arrays.",
                param="input",
                code="invalid_value",
            )

        data = []
        tokens = 0
        for index, value in enumerate(inputs):
            tokens += _count_words(value) if isinstance(value, str) else len(value)
            packed = _embedding_bytes(value, dimensions)
            vector: Union[str, List[float]]
            if encoding == "base64":
                vector = base64.b64encode(packed).decode("ascii")
            else:
                vector = list(struct.unpack(f"<{dimensions}f", packed))
            data.append({"object": "embedding", "index": index, "embedding": vector})
        return _json_reply(
            {"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
        )

    # -- moderations ----------------------------------------------------------

    def _moderations(self, request: _Request) -> _Reply:
        body = _json_object(request)
        raw_input = _field(body, "input", (str, list), "a string or an array", required=True)
        model = _field(body, "model", str, "a string", default="omni-moderation-latest")
        if isinstance(raw_input, str):
            inputs: List[Tuple[str, bool]] = [(raw_input, False)]
        elif all(isinstance(x, str) for x in raw_input):
            inputs = [(x, False) for x in raw_input]
        elif all(isinstance(x, dict) for x in raw_input):
            # Multi-modal input: text and image parts, judged together as one input.
            has_image = any(x.get("type") == "image_url" for x in raw_input)
            inputs = [(_text_of(raw_input), has_image)]
        else:
            raise _invalid_type("input", "a string, an array of strings or an array of objects", raw_input)

        results = []
        for text, has_image in inputs:
            flagged = bool(_FLAG_WORD.search(text))
            results.append(
                {
                    "flagged": flagged,
                    "categories": {c: flagged and c == "violence" for c in _MODERATION_CATEGORIES},
                    "category_scores": {
                        c: 0.97 if flagged and c == "violence" else 0.0001 for c in _MODERATION_CATEGORIES
                    },
                    "category_applied_input_types": {
                        c: ["text", "image"] if has_image and c in _IMAGE_CATEGORIES else ["text"]
                        for c in _MODERATION_CATEGORIES
                    },
                }
            )
        return _json_reply({"id": self._next_id("modr-fake-"), "model": model, "results": results})

    # -- files ----------------------------------------------------------------

    def _upload_file(self, request: _Request) -> _Reply:
        parts = _multipart(request)
        if "file" not in parts:
            raise _missing("file")
        if "purpose" not in parts:
            raise _missing("purpose")
        file_headers, filename, content = parts["file"]
        if filename is None:
            raise _APIError(
                400, "The 'file' part must be a file upload (with a filename).", param="file", code="invalid_value"
            )
        if not file_headers.get("content-type"):
            raise _APIError(400, "The 'file' part has no Content-Type header.", param="file", code="invalid_value")
        purpose = parts["purpose"][2].decode("utf-8", "replace")
        if purpose not in _FILE_PURPOSES:
            raise _APIError(
                400,
                f"Invalid 'purpose': {purpose!r} is not one of {', '.join(_FILE_PURPOSES)}.",
                param="purpose",
                code="invalid_value",
            )
        file: Dict[str, Any] = {
            "id": self._next_id("file-fake-"),
            "object": "file",
            "bytes": len(content),
            "created_at": CREATED,
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
        }
        with self._lock:
            self._files[file["id"]] = (file, content)
        return _json_reply(file)

    def _list_files(self, request: _Request) -> _Reply:
        query = request.query
        try:
            limit = int(query.get("limit", "10000"))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 10000:
            raise _APIError(
                400, "Invalid 'limit': expected an integer between 1 and 10000.", param="limit", code="invalid_value"
            )
        order = query.get("order", "desc")
        if order not in ("asc", "desc"):
            raise _APIError(400, "Invalid 'order': expected 'asc' or 'desc'.", param="order", code="invalid_value")
        with self._lock:
            files = [file for file, _ in self._files.values()]
        # All files share created_at; upload order stands in for it.
        if order == "desc":
            files.reverse()
        if "purpose" in query:
            files = [f for f in files if f["purpose"] == query["purpose"]]
        if "after" in query:
            ids = [f["id"] for f in files]
            files = files[ids.index(query["after"]) + 1 :] if query["after"] in ids else []
        page = files[:limit]
        return _json_reply(
            {
                "object": "list",
                "data": page,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None,
                "has_more": len(files) > limit,
            }
        )

    def _find_file(self, file_id: str) -> Tuple[Dict[str, Any], bytes]:
        with self._lock:
            found = self._files.get(file_id)
        if found is None:
            raise _APIError(404, f"No such File object: {file_id}", param="id")
        return found

    def _retrieve_file(self, request: _Request, file_id: str) -> _Reply:
        return _json_reply(self._find_file(file_id)[0])

    def _delete_file(self, request: _Request, file_id: str) -> _Reply:
        self._find_file(file_id)
        with self._lock:
            self._files.pop(file_id, None)
        return _json_reply({"id": file_id, "object": "file", "deleted": True})

    def _file_content(self, request: _Request, file_id: str) -> _Reply:
        return _Reply(200, "application/octet-stream", self._find_file(file_id)[1])

    # -- audio and images -----------------------------------------------------

    def _speech(self, request: _Request) -> _Reply:
        body = _json_object(request)
        _field(body, "model", str, "a string", required=True)
        text = _field(body, "input", str, "a string", required=True)
        _field(body, "voice", (str, dict), "a string or an object", required=True)
        audio_format = _field(body, "response_format", str, "a string", default="mp3")
        if audio_format not in _AUDIO:
            raise _APIError(
                400,
                f"Invalid 'response_format': {audio_format!r} is not one of {', '.join(_AUDIO)}.",
                param="response_format",
                code="invalid_value",
            )
        stream_format = _field(body, "stream_format", str, "a string", default="audio")
        if stream_format not in ("audio", "sse"):
            raise _APIError(
                400,
                f"Invalid 'stream_format': {stream_format!r} is not one of 'audio', 'sse'.",
                param="stream_format",
                code="invalid_value",
            )
        content_type, data = _AUDIO[audio_format]
        if stream_format == "audio":
            return _Reply(200, content_type, data)
        # The same audio as base64 in two delta events, then the usage.
        half = len(data) // 2
        events = [
            _sse({"type": "speech.audio.delta", "audio": base64.b64encode(piece).decode("ascii")})
            for piece in (data[:half], data[half:])
        ]
        words = _count_words(text)
        usage = {"input_tokens": words, "output_tokens": 2, "total_tokens": words + 2}
        events.append(_sse({"type": "speech.audio.done", "usage": usage}))
        return _stream_reply(events)

    def _images(self, request: _Request) -> _Reply:
        body = _json_object(request)
        prompt = _field(body, "prompt", str, "a string", required=True)
        n = _field(body, "n", int, "an integer", default=1)
        if not 1 <= n <= 10:
            raise _APIError(400, f"Invalid 'n': {n} is not between 1 and 10.", param="n", code="invalid_value")
        if _field(body, "stream", bool, "a boolean"):
            return self._image_stream(body, prompt)
        if body.get("response_format") == "url":
            image = {"url": "data:image/png;base64," + _PNG_B64}
        else:
            image = {"b64_json": _PNG_B64}
        return _json_reply({"created": CREATED, "data": [dict(image) for _ in range(n)]})

    def _image_stream(self, body: Dict[str, Any], prompt: str) -> _Reply:
        """``partial_images`` partial image events, then the completed one (always one PNG image)."""
        partials = _field(body, "partial_images", int, "an integer", default=0)
        if not 0 <= partials <= 3:
            raise _APIError(
                400,
                f"Invalid 'partial_images': {partials} is not between 0 and 3.",
                param="partial_images",
                code="invalid_value",
            )

        def setting(key: str, default: str) -> str:
            value = body.get(key)
            return default if value in (None, "auto") else str(value)

        common = {
            "created_at": CREATED,
            "size": setting("size", "1024x1024"),
            "quality": setting("quality", "high"),
            "background": setting("background", "opaque"),
            "output_format": "png",
        }
        events = []
        for index in range(partials):
            # Grey, lighter with each partial image: a stand-in for an image getting sharper.
            grey = _png([[64 * (index + 1)] * 8] * 8)
            event = {"type": "image_generation.partial_image", "b64_json": grey, **common, "partial_image_index": index}
            events.append(_sse(event, "image_generation.partial_image"))
        words = _count_words(prompt)
        usage = {
            "total_tokens": words + 64,
            "input_tokens": words,
            "output_tokens": 64,
            "input_tokens_details": {"text_tokens": words, "image_tokens": 0},
        }
        final = _png([[255 if (x + y) % 2 else 0 for x in range(8)] for y in range(8)])
        events.append(
            _sse(
                {"type": "image_generation.completed", "b64_json": final, **common, "usage": usage},
                "image_generation.completed",
            )
        )
        return _stream_reply(events)

    # -- legacy completions ---------------------------------------------------

    def _completions(self, request: _Request) -> _Reply:
        body = _json_object(request)
        model = _field(body, "model", str, "a string", required=True)
        prompt = _field(body, "prompt", (str, list), "a string or an array", required=True)
        prompts = [prompt] if isinstance(prompt, str) else prompt
        if not prompts or not all(isinstance(p, str) for p in prompts):
            raise _invalid_type("prompt", "a string or an array of strings", prompt)
        n = _field(body, "n", int, "an integer", default=1)
        if not 1 <= n <= 128:
            raise _APIError(400, f"Invalid 'n': {n} is not between 1 and 128.", param="n", code="invalid_value")
        stream = _field(body, "stream", bool, "a boolean")
        stream_options = _field(body, "stream_options", dict, "an object", default={})

        # Choice k answers prompt k // n, as the API numbers them.
        texts = ["You said: " + p for p in prompts for _ in range(n)]
        pieces = [_PIECES.findall(text) for text in texts]
        prompt_tokens = sum(_count_words(p) for p in prompts)
        completion_tokens = sum(len(p) for p in pieces)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        head = {
            "id": self._next_id("cmpl-fake-"),
            "object": "text_completion",
            "created": CREATED,
            "model": model,
            "system_fingerprint": "fp_fake",
        }
        if not stream:
            choices = [
                {"text": text, "index": k, "logprobs": None, "finish_reason": "stop"} for k, text in enumerate(texts)
            ]
            return _json_reply({**head, "choices": choices, "usage": usage})

        def chunk(index: int, text: str, finish: Optional[str] = None) -> bytes:
            choice = {"text": text, "index": index, "logprobs": None, "finish_reason": finish}
            return _sse({**head, "choices": [choice]})

        blocks = []
        for index, choice_pieces in enumerate(pieces):
            blocks += [chunk(index, piece) for piece in choice_pieces]
            blocks.append(chunk(index, "", "stop"))
        if stream_options.get("include_usage") is True:
            blocks.append(_sse({**head, "choices": [], "usage": usage}))
        blocks.append(b"data: [DONE]\n\n")
        return _stream_reply(blocks)

    # -- assistants -------------------------------------------------------------

    def _create_assistant(self, request: _Request) -> _Reply:
        body = _json_object(request)
        model = _field(body, "model", str, "a string", required=True)
        tools = _field(body, "tools", list, "an array", default=[])
        _chosen_tool(tools, None, nested=True)  # a function tool without a name is a 400 now, not at run time
        assistant = {
            "id": self._next_id("asst_fake_"),
            "object": "assistant",
            "created_at": CREATED,
            "name": body.get("name"),
            "description": body.get("description"),
            "model": model,
            "instructions": body.get("instructions"),
            "tools": tools,
            "tool_resources": body.get("tool_resources") or {},
            "metadata": body.get("metadata") or {},
            "temperature": body.get("temperature", 1.0),
            "top_p": body.get("top_p", 1.0),
            "response_format": body.get("response_format") or "auto",
        }
        with self._lock:
            self._assistants[assistant["id"]] = assistant
        return _json_reply(assistant)

    def _find_assistant(self, assistant_id: str) -> Dict[str, Any]:
        with self._lock:
            assistant = self._assistants.get(assistant_id)
        if assistant is None:
            raise _APIError(404, f"No assistant found with id '{assistant_id}'.")
        return assistant

    def _retrieve_assistant(self, request: _Request, assistant_id: str) -> _Reply:
        return _json_reply(self._find_assistant(assistant_id))

    def _delete_assistant(self, request: _Request, assistant_id: str) -> _Reply:
        self._find_assistant(assistant_id)
        with self._lock:
            self._assistants.pop(assistant_id, None)
        return _json_reply({"id": assistant_id, "object": "assistant.deleted", "deleted": True})

    def _create_thread(self, request: _Request) -> _Reply:
        thread = self._new_thread(_json_object(request) if request.body else {})
        return _json_reply(thread.obj)

    def _new_thread(self, body: Dict[str, Any]) -> _Thread:
        messages = _field(body, "messages", list, "an array", default=[])
        thread = _Thread(
            {
                "id": self._next_id("thread_fake_"),
                "object": "thread",
                "created_at": CREATED,
                "tool_resources": body.get("tool_resources"),
                "metadata": body.get("metadata") or {},
            }
        )
        self._add_messages(thread, messages, "messages")
        with self._lock:
            self._threads[thread.obj["id"]] = thread
        return thread

    def _find_thread(self, thread_id: str) -> _Thread:
        with self._lock:
            thread = self._threads.get(thread_id)
        if thread is None:
            raise _APIError(404, f"No thread found with id '{thread_id}'.")
        return thread

    def _add_messages(self, thread: _Thread, messages: List[Any], name: str) -> None:
        for i, entry in enumerate(messages):
            if not isinstance(entry, dict):
                raise _invalid_type(f"{name}[{i}]", "an object", entry)
            role = _field(entry, "role", str, "a string", required=True, name=f"{name}[{i}].role")
            if role not in ("user", "assistant"):
                raise _APIError(
                    400,
                    f"Invalid '{name}[{i}].role': {role!r} is not one of 'user', 'assistant'.",
                    param=f"{name}[{i}].role",
                    code="invalid_value",
                )
            if entry.get("content") is None:
                raise _missing(f"{name}[{i}].content")
            text = _text_of(entry["content"])
            thread.messages.append(self._message(thread, role, text, "completed", None, None))

    def _message(
        self, thread: _Thread, role: str, text: str, status: str, assistant_id: Optional[str], run_id: Optional[str]
    ) -> Dict[str, Any]:
        """A message object of ``thread`` (not added to it)."""
        return {
            "id": self._next_id("msg_fake_"),
            "object": "thread.message",
            "created_at": CREATED,
            "thread_id": thread.obj["id"],
            "status": status,
            "incomplete_details": None,
            "completed_at": CREATED if status == "completed" else None,
            "incomplete_at": None,
            "role": role,
            "content": [{"type": "text", "text": {"value": text, "annotations": []}}] if text else [],
            "assistant_id": assistant_id,
            "run_id": run_id,
            "attachments": [],
            "metadata": {},
        }

    def _create_thread_and_run(self, request: _Request) -> _Reply:
        body = _json_object(request)
        assistant = self._find_assistant(_field(body, "assistant_id", str, "a string", required=True))
        thread = self._new_thread(_field(body, "thread", dict, "an object", default={}))
        return self._start_run(body, assistant, thread, new_thread=True)

    def _create_run(self, request: _Request, thread_id: str) -> _Reply:
        body = _json_object(request)
        assistant = self._find_assistant(_field(body, "assistant_id", str, "a string", required=True))
        thread = self._find_thread(thread_id)
        self._add_messages(
            thread, _field(body, "additional_messages", list, "an array", default=[]), "additional_messages"
        )
        return self._start_run(body, assistant, thread, new_thread=False)

    def _start_run(self, body: Dict[str, Any], assistant: Dict[str, Any], thread: _Thread, new_thread: bool) -> _Reply:
        stream = _field(body, "stream", bool, "a boolean")
        tools = _field(body, "tools", list, "an array", default=assistant["tools"])
        run = {
            "id": self._next_id("run_fake_"),
            "object": "thread.run",
            "created_at": CREATED,
            "thread_id": thread.obj["id"],
            "assistant_id": assistant["id"],
            "status": "queued",
            "required_action": None,
            "last_error": None,
            "expires_at": None,
            "started_at": None,
            "cancelled_at": None,
            "failed_at": None,
            "completed_at": None,
            "model": body.get("model") or assistant["model"],
            "instructions": body.get("instructions") or assistant["instructions"],
            "tools": tools,
            "metadata": body.get("metadata") or {},
            "usage": None,
            "incomplete_details": None,
            "temperature": body.get("temperature", assistant["temperature"]),
            "top_p": body.get("top_p", assistant["top_p"]),
            "max_prompt_tokens": body.get("max_prompt_tokens"),
            "max_completion_tokens": body.get("max_completion_tokens"),
            "truncation_strategy": body.get("truncation_strategy") or {"type": "auto", "last_messages": None},
            "tool_choice": body.get("tool_choice") or "auto",
            "parallel_tool_calls": body.get("parallel_tool_calls", True),
            "response_format": body.get("response_format") or assistant["response_format"],
        }
        state = _Run(run, thread)
        with self._lock:
            self._runs[run["id"]] = state
        # Each _sse() call serializes the objects as they are then: the events show the run changing.
        events = [_sse(thread.obj, "thread.created")] if new_thread else []
        events.append(_sse(run, "thread.run.created"))
        self._advance_run(state, events, None)
        return _run_reply(run, events, stream)

    def _submit_tool_outputs(self, request: _Request, thread_id: str, run_id: str) -> _Reply:
        body = _json_object(request)
        with self._lock:
            state = self._runs.get(run_id)
        if state is None or state.thread.obj["id"] != thread_id:
            raise _APIError(404, f"No run found with id '{run_id}'.")
        outputs = _field(body, "tool_outputs", list, "an array", required=True)
        status = state.run["status"]
        if status != "requires_action":
            raise _APIError(400, f'Runs in status "{status}" do not accept tool outputs.')
        given: Dict[str, str] = {}
        for i, entry in enumerate(outputs):
            if not isinstance(entry, dict):
                raise _invalid_type(f"tool_outputs[{i}]", "an object", entry)
            call_id = _field(
                entry, "tool_call_id", str, "a string", required=True, name=f"tool_outputs[{i}].tool_call_id"
            )
            given[call_id] = _field(entry, "output", str, "a string", default="", name=f"tool_outputs[{i}].output")
        expected = [call["id"] for call in state.calls]
        if sorted(given) != sorted(expected):
            raise _APIError(
                400,
                f"Expected tool outputs for call ids {expected}, got {sorted(given)}.",
                param="tool_outputs",
                code="invalid_value",
            )
        stream = _field(body, "stream", bool, "a boolean")
        events: List[bytes] = []
        self._advance_run(state, events, [given[call_id] for call_id in expected])
        return _run_reply(state.run, events, stream)

    def _advance_run(self, state: _Run, events: List[bytes], tool_outputs: Optional[List[str]]) -> None:
        """Run the model once, appending the run's events: it ends ``requires_action`` (a tool call) or ``completed``.

        ``tool_outputs`` are the outputs just submitted, in the order of the calls; the reply then echoes them.
        """
        run = state.run
        run["status"] = "queued"
        run["required_action"] = None
        events.append(_sse(run, "thread.run.queued"))
        run["status"] = "in_progress"
        run["started_at"] = CREATED
        events.append(_sse(run, "thread.run.in_progress"))
        turns = [(m["role"], _message_text(m)) for m in state.thread.messages]
        prompt_tokens = sum(_count_words(text) for _, text in turns)

        if state.step is not None:  # the tool call step, now answered
            step = state.step
            for call, output in zip(step["step_details"]["tool_calls"], tool_outputs or []):
                call["function"]["output"] = output
            self._finish_step(step, prompt_tokens, state.step_tokens)
            events.append(_sse(step, "thread.run.step.completed"))
            state.step = None

        tool = None
        if tool_outputs is None and turns and turns[-1][0] == "user":
            tool = _chosen_tool(run["tools"], run["tool_choice"], nested=True)
        if tool is not None:
            name, arguments = tool
            pieces = _argument_pieces(arguments)
            step = self._step(state, "tool_calls", {"type": "tool_calls", "tool_calls": []})
            events += [_sse(step, "thread.run.step.created"), _sse(step, "thread.run.step.in_progress")]
            first = {
                "index": 0,
                "id": "call_fake_1",
                "type": "function",
                "function": {"name": name, "arguments": "", "output": None},
            }
            deltas = [first] + [{"index": 0, "type": "function", "function": {"arguments": p}} for p in pieces]
            for delta in deltas:
                details = {"step_details": {"type": "tool_calls", "tool_calls": [delta]}}
                events.append(
                    _sse(
                        {"id": step["id"], "object": "thread.run.step.delta", "delta": details}, "thread.run.step.delta"
                    )
                )
            call = {"id": "call_fake_1", "type": "function", "function": {"name": name, "arguments": arguments}}
            step["step_details"]["tool_calls"] = [{**call, "function": {**call["function"], "output": None}}]
            state.step, state.step_tokens, state.calls = step, len(pieces), [call]
            state.completion_tokens += len(pieces)
            run["status"] = "requires_action"
            run["required_action"] = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [call]}}
            events.append(_sse(run, "thread.run.requires_action"))
            return

        text = "Tool result: " + " ".join(tool_outputs) if tool_outputs is not None else _echo(turns)
        pieces = _PIECES.findall(text)
        message = self._message(state.thread, "assistant", "", "in_progress", run["assistant_id"], run["id"])
        step = self._step(
            state, "message_creation", {"type": "message_creation", "message_creation": {"message_id": message["id"]}}
        )
        events += [
            _sse(step, "thread.run.step.created"),
            _sse(step, "thread.run.step.in_progress"),
            _sse(message, "thread.message.created"),
            _sse(message, "thread.message.in_progress"),
        ]
        for piece in pieces:
            part = {"index": 0, "type": "text", "text": {"value": piece, "annotations": []}}
            events.append(
                _sse(
                    {"id": message["id"], "object": "thread.message.delta", "delta": {"content": [part]}},
                    "thread.message.delta",
                )
            )
        message.update(
            status="completed",
            completed_at=CREATED,
            content=[{"type": "text", "text": {"value": text, "annotations": []}}],
        )
        state.thread.messages.append(message)
        events.append(_sse(message, "thread.message.completed"))
        self._finish_step(step, prompt_tokens, len(pieces))
        events.append(_sse(step, "thread.run.step.completed"))
        state.completion_tokens += len(pieces)
        run.update(
            status="completed",
            completed_at=CREATED,
            usage={
                "prompt_tokens": prompt_tokens,
                "completion_tokens": state.completion_tokens,
                "total_tokens": prompt_tokens + state.completion_tokens,
            },
        )
        events.append(_sse(run, "thread.run.completed"))

    def _step(self, state: _Run, kind: str, details: Dict[str, Any]) -> Dict[str, Any]:
        """A new run step of ``state``'s run, in progress."""
        return {
            "id": self._next_id("step_fake_"),
            "object": "thread.run.step",
            "created_at": CREATED,
            "assistant_id": state.run["assistant_id"],
            "thread_id": state.thread.obj["id"],
            "run_id": state.run["id"],
            "type": kind,
            "status": "in_progress",
            "step_details": details,
            "last_error": None,
            "expired_at": None,
            "cancelled_at": None,
            "failed_at": None,
            "completed_at": None,
            "metadata": {},
            "usage": None,
        }

    @staticmethod
    def _finish_step(step: Dict[str, Any], prompt_tokens: int, completion_tokens: int) -> None:
        step.update(
            status="completed",
            completed_at=CREATED,
            usage={
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        )


# (method, path after /v1, endpoint); the groups of a path become the endpoint's arguments.
_ROUTES = [
    (method, re.compile(path), endpoint)
    for method, path, endpoint in (
        ("GET", r"/models", FakeServer._list_models),
        ("GET", r"/models/([^/]+)", FakeServer._retrieve_model),
        ("DELETE", r"/models/([^/]+)", FakeServer._delete_model),
        ("POST", r"/chat/completions", FakeServer._chat_completions),
        ("POST", r"/responses", FakeServer._responses),
        ("POST", r"/embeddings", FakeServer._embeddings),
        ("POST", r"/moderations", FakeServer._moderations),
        ("POST", r"/files", FakeServer._upload_file),
        ("GET", r"/files", FakeServer._list_files),
        ("GET", r"/files/([^/]+)", FakeServer._retrieve_file),
        ("DELETE", r"/files/([^/]+)", FakeServer._delete_file),
        ("GET", r"/files/([^/]+)/content", FakeServer._file_content),
        ("POST", r"/audio/speech", FakeServer._speech),
        ("POST", r"/images/generations", FakeServer._images),
        ("POST", r"/completions", FakeServer._completions),
        ("POST", r"/assistants", FakeServer._create_assistant),
        ("GET", r"/assistants/([^/]+)", FakeServer._retrieve_assistant),
        ("DELETE", r"/assistants/([^/]+)", FakeServer._delete_assistant),
        ("POST", r"/threads", FakeServer._create_thread),
        ("POST", r"/threads/runs", FakeServer._create_thread_and_run),
        ("POST", r"/threads/([^/]+)/runs", FakeServer._create_run),
        ("POST", r"/threads/([^/]+)/runs/([^/]+)/submit_tool_outputs", FakeServer._submit_tool_outputs),
    )
]


# -- HTTP ---------------------------------------------------------------------


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeServer

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host's name up with socket.getfqdn(), which can take seconds on a
        # machine with slow reverse DNS; the name is only used in CGI variables.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.socket.getsockname()[:2]

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up (or stop() closing its connection) is normal; anything else is a bug worth seeing.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "openai-lite-FakeServer"

    @property
    def fake(self) -> FakeServer:
        return cast(_HTTPServer, self.server).fake

    def setup(self) -> None:
        super().setup()
        with self.fake._lock:
            self.fake._connections.add(self.connection)

    def finish(self) -> None:
        with self.fake._lock:
            self.fake._connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and demos do not want a line per request on stderr

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def _handle(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        body = self._read_body(headers)
        if body is None:
            self.close_connection = True  # the framing is broken: the rest of the connection cannot be trusted
            reply = _APIError(400, "Could not read the request body.").reply()
            request_id = self.fake._record(self.command, self.path, headers, b"")
        else:
            request_id = self.fake._record(self.command, self.path, headers, body)
            split = urlsplit(self.path)
            request = _Request(self.command, split.path, dict(parse_qsl(split.query)), headers, body)
            try:
                reply = self.fake._dispatch(request)
            except _APIError as exc:
                reply = exc.reply()
            except Exception as exc:  # a bug in the fake: answer as the API does, and say what it was
                reply = _APIError(500, f"FakeServer error: {exc!r}", type="server_error").reply()
        self._send(reply, request_id)

    def _read_body(self, headers: Dict[str, str]) -> Optional[bytes]:
        """The request body, or None if it is not framed correctly."""
        try:
            if "chunked" in headers.get("transfer-encoding", "").lower():
                chunks: List[bytes] = []
                while True:
                    size = int(self.rfile.readline(65537).split(b";")[0], 16)
                    if size == 0:
                        while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline(65537)
            length = int(headers.get("content-length", "0"))
            if length < 0:
                return None
            return self.rfile.read(length)
        except ValueError:
            return None

    def _send(self, reply: _Reply, request_id: str) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("x-request-id", request_id)
        if isinstance(reply.body, bytes):
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
            return
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for block in reply.body:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
        self.wfile.write(b"0\r\n\r\n")


# -- helpers ------------------------------------------------------------------


def _json_reply(data: Any, status: int = 200) -> _Reply:
    return _Reply(status, "application/json", json.dumps(data).encode("utf-8"))


def _stream_reply(blocks: List[bytes]) -> _Reply:
    return _Reply(200, "text/event-stream; charset=utf-8", blocks)


def _sse(data: Any, event: Optional[str] = None) -> bytes:
    line = b"data: " + json.dumps(data, separators=(",", ":")).encode("utf-8") + b"\n\n"
    return b"event: " + event.encode("utf-8") + b"\n" + line if event else line


def _run_reply(run: Dict[str, Any], events: List[bytes], stream: bool) -> _Reply:
    """An Assistants run: its events then ``done`` when streamed, else the run as it ended."""
    if stream:
        return _stream_reply([*events, b"event: done\ndata: [DONE]\n\n"])
    return _json_reply(run)


def _message_text(message: Dict[str, Any]) -> str:
    """The text of an Assistants message object."""
    return " ".join(part["text"]["value"] for part in message["content"] if part.get("type") == "text")


def _png(rows: List[List[int]]) -> str:
    """A greyscale PNG of ``rows`` of pixel levels (0-255), base64-encoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    data = b"".join(b"\0" + bytes(row) for row in rows)  # each row: filter type 0, then its pixels
    header = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 8, 0, 0, 0, 0)  # 8-bit greyscale
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(data)) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode("ascii")


def _json_object(request: _Request) -> Dict[str, Any]:
    try:
        body = json.loads(request.body)
    except ValueError:
        raise _APIError(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP "
            "library correctly. The OpenAI API expects a JSON payload.)",
        ) from None
    if not isinstance(body, dict):
        raise _APIError(400, "The request body must be a JSON object.")
    return body


def _json_type(value: Any) -> str:
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


def _missing(name: str) -> _APIError:
    return _APIError(400, f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter")


def _invalid_type(name: str, expected: str, value: Any) -> _APIError:
    return _APIError(
        400,
        f"Invalid type for '{name}': expected {expected}, but got {_json_type(value)} instead.",
        param=name,
        code="invalid_type",
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _field(
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
            raise _missing(name or key)
        return default
    # bool is a subclass of int, but true is not an integer in JSON.
    if not isinstance(value, types) or (isinstance(value, bool) and types is int):
        raise _invalid_type(name or key, expected, value)
    return value


def _text_of(content: Any) -> str:
    """The text of message content: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)]
        return " ".join(texts)
    return ""


def _count_words(text: str) -> int:
    return len(text.split())


def _echo(turns: List[Tuple[Any, Any]]) -> str:
    """The reply to a conversation of (role, content): an echo of its last user or tool message."""
    for role, content in reversed(turns):
        if role == "tool":
            return "Tool result: " + _text_of(content)
        if role == "user":
            return "You said: " + _text_of(content)
    return "You said: "


def _chosen_tool(tools: Optional[List[Any]], tool_choice: Any, *, nested: bool) -> Optional[Tuple[str, str]]:
    """The (name, JSON arguments) of the function tool the model calls, or None.

    ``nested``: chat puts a function's name and parameters under ``"function"``,
    the Responses API at the top level of the tool.
    """
    if not tools or tool_choice == "none":
        return None
    functions = []
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or tool.get("type") != "function":
            continue  # built-in tools (web search ...) are never called
        spec = tool.get("function") if nested else tool
        where = f"tools[{i}].function" if nested else f"tools[{i}]"
        if not isinstance(spec, dict):
            raise _missing(where)
        name = _field(spec, "name", str, "a string", required=True, name=f"{where}.name")
        functions.append((name, spec.get("parameters")))
    if not functions:
        return None
    name, parameters = functions[0]
    if isinstance(tool_choice, dict):
        wanted = tool_choice.get("function", {}).get("name") if nested else tool_choice.get("name")
        for candidate in functions:
            if candidate[0] == wanted:
                name, parameters = candidate
    return name, json.dumps(_placeholder(name, parameters), separators=(",", ":"))


def _placeholder(name: str, schema: Any) -> Any:
    """A value fitting the JSON schema ``schema``: its required properties only, strings ``"fake <name>"``."""
    if not isinstance(schema, dict):
        return f"fake {name}"
    if "const" in schema:
        return schema["const"]
    if "default" in schema:
        return schema["default"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return _placeholder(name, schema[key][0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties") or {}
        return {key: _placeholder(key, properties.get(key)) for key in schema.get("required") or []}
    if kind == "array":
        return [_placeholder(name, schema.get("items"))]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return f"fake {name}"


def _argument_pieces(arguments: str) -> List[str]:
    return [arguments[i : i + _ARGUMENT_PIECE] for i in range(0, len(arguments), _ARGUMENT_PIECE)]


def _response_object(
    body: Dict[str, Any], response_id: str, status: str, output: List[Any], usage: Optional[Dict[str, Any]]
) -> Dict[str, Any]:
    """A Response object for the request ``body``, echoing its settings as the API does."""

    def setting(key: str, default: Any) -> Any:
        value = body.get(key)
        return default if value is None else value

    return {
        "id": response_id,
        "object": "response",
        "created_at": CREATED,
        "status": status,
        "completed_at": CREATED if status == "completed" else None,
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "model": body["model"],
        "output": output,
        "parallel_tool_calls": setting("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "reasoning": {"effort": None, "summary": None},
        "store": setting("store", True),
        "temperature": setting("temperature", 1.0),
        "text": setting("text", {"format": {"type": "text"}}),
        "tool_choice": setting("tool_choice", "auto"),
        "tools": setting("tools", []),
        "top_p": setting("top_p", 1.0),
        "truncation": setting("truncation", "disabled"),
        "usage": usage,
        "user": body.get("user"),
        "metadata": setting("metadata", {}),
    }


def _embedding_bytes(value: Union[str, List[int]], dimensions: int) -> bytes:
    """A unit vector derived from a hash of ``value``, as little-endian float32 (the API's base64 payload)."""
    key = (value if isinstance(value, str) else json.dumps(value)).encode("utf-8")
    numbers: List[float] = []
    block = 0
    while len(numbers) < dimensions:
        digest = hashlib.sha256(key + b"\0" + str(block).encode("ascii")).digest()
        numbers += [n / 2**31 - 1.0 for n in struct.unpack("<8I", digest)]
        block += 1
    numbers = numbers[:dimensions]
    norm = math.sqrt(sum(x * x for x in numbers)) or 1.0
    # Packing rounds to float32, so the float list sent (read back from these bytes) and the base64 agree exactly.
    return struct.pack(f"<{dimensions}f", *(x / norm for x in numbers))


def _multipart(request: _Request) -> Dict[str, Tuple[Dict[str, str], Optional[str], bytes]]:
    """The parts of a multipart/form-data body: name -> (headers in lower case, filename, content)."""
    content_type = request.headers.get("content-type", "")
    header = Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if header.get_content_type() != "multipart/form-data" or not isinstance(boundary, str):
        raise _APIError(400, f"Invalid Content-Type header ({content_type or 'none'}), expected multipart/form-data.")
    delimiter = b"--" + boundary.encode("latin-1")
    sections = request.body.split(delimiter)
    # sections[0] is the preamble; the last section starts with "--" (the closing delimiter).
    if len(sections) < 2 or not sections[-1].startswith(b"--"):
        raise _APIError(400, "The multipart/form-data body is malformed (no closing boundary).")
    parts: Dict[str, Tuple[Dict[str, str], Optional[str], bytes]] = {}
    for section in sections[1:-1]:
        head, sep, content = section.partition(b"\r\n\r\n")
        if not sep or not content.endswith(b"\r\n"):
            raise _APIError(400, "The multipart/form-data body is malformed.")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        disposition = Message()
        disposition["content-disposition"] = headers.get("content-disposition", "")
        field = disposition.get_param("name", header="content-disposition")
        if isinstance(field, str):
            parts[field] = (headers, disposition.get_filename(), content[:-2])
    return parts


def _wav(samples: int, rate: int = 24000) -> bytes:
    """A mono 16-bit WAV file of ``samples`` samples of silence."""
    data = b"\0\0" * samples
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(data),
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        rate,
        rate * 2,
        2,
        16,
        b"data",
        len(data),
    )
    return header + data


# One MPEG-1 Layer III frame (128 kbit/s, 44.1 kHz, mono) of silence: 417 bytes.
_MP3 = b"\xff\xfb\x90\xc0" + b"\0" * 413

# What /audio/speech answers for each response_format: 10 ms of silence where the format is simple enough to
# build here (mp3, wav, pcm); for opus, aac and flac only the format's magic number, then zeros.
_AUDIO = {
    "mp3": ("audio/mpeg", _MP3),
    "opus": ("audio/opus", b"OggS" + b"\0" * 60),
    "aac": ("audio/aac", b"\xff\xf1" + b"\0" * 62),
    "flac": ("audio/flac", b"fLaC" + b"\0" * 60),
    "wav": ("audio/wav", _wav(240)),
    "pcm": ("audio/pcm", b"\0\0" * 240),
}
