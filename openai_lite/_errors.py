"""Exception hierarchy.

The class names are those of the official ``openai`` SDK on purpose, so that
``except openai.RateLimitError`` ported to ``except openai_lite.RateLimitError``
keeps its meaning.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Type

import requests
import urllib3.exceptions

__all__ = [
    "OpenAIError",
    "APIError",
    "APIStatusError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "ResponseTooLargeError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "InvalidWebhookSignatureError",
]


class OpenAIError(Exception):
    """Base class of every error this library raises on purpose."""


class APIError(OpenAIError):
    """An error reported by, or while talking to, the API.

    ``message`` is the server's (or our) explanation; ``type``, ``code`` and
    ``param`` come from the ``{"error": {...}}`` object when the server sent one.
    """

    message: str
    body: Any
    type: Optional[str]
    code: Optional[str]
    param: Optional[str]
    request_id: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        body: Any = None,
        request_id: Optional[str] = None,
        type: Optional[str] = None,
        code: Optional[str] = None,
        param: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.body = body
        self.request_id = request_id
        info = _error_object(body)
        self.type = type if type is not None else _str_or_none(info.get("type"))
        self.code = code if code is not None else _str_or_none(info.get("code"))
        self.param = param if param is not None else _str_or_none(info.get("param"))

    def __str__(self) -> str:
        if self.request_id:
            return f"{self.message} (request id: {self.request_id})"
        return self.message


class APIStatusError(APIError):
    """The server answered with a non-2xx status; ``response`` is the ``requests.Response``.

    ``body`` is the reply's ``error`` object when it has one (``e.body["message"]``, as in
    the official SDK), otherwise the whole decoded reply; ``response.json()`` is the whole reply.
    """

    status_code: int
    response: requests.Response

    def __init__(self, message: str, *, response: requests.Response, body: Any = None) -> None:
        super().__init__(message, body=body, request_id=response.headers.get("x-request-id"))
        self.response = response
        self.status_code = response.status_code

    def __str__(self) -> str:
        reason = self.response.reason or ""
        text = f"{self.status_code} {reason}".rstrip() + f": {self.message}"
        if self.request_id:
            text += f" (request id: {self.request_id})"
        return text


class BadRequestError(APIStatusError):
    """400: the request is malformed or names an invalid parameter."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not use this resource (organization, project or region)."""


class NotFoundError(APIStatusError):
    """404: no such resource, or no such endpoint on this server."""


class ConflictError(APIStatusError):
    """409: the resource changed concurrently; retried automatically."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well-formed but its content is not acceptable."""


class RateLimitError(APIStatusError):
    """429: too many requests or tokens, or (code ``insufficient_quota``) no credit left."""


class InternalServerError(APIStatusError):
    """A 5xx answer: the server failed; retried automatically."""


class APIConnectionError(APIError):
    """The request did not get a complete answer: DNS, refused or dropped connection, TLS, proxy."""

    def __init__(self, message: str = "Connection error.", *, request_id: Optional[str] = None) -> None:
        super().__init__(message, request_id=request_id)


class APITimeoutError(APIConnectionError):
    """The connect or read timeout expired."""

    def __init__(self, message: str = "Request timed out.", *, request_id: Optional[str] = None) -> None:
        super().__init__(message, request_id=request_id)


class APIResponseValidationError(APIError):
    """A 2xx answer whose body is not what the operation returns (not JSON, or not an object)."""

    def __init__(self, message: str, *, response: requests.Response, body: Any = None) -> None:
        super().__init__(message, body=body, request_id=response.headers.get("x-request-id"))
        self.response = response
        self.status_code = response.status_code


class ResponseTooLargeError(APIError):
    """A response body decoded (decompressed) to more than the ``max_response_size`` client option allows."""

    def __init__(self, limit: int, context: str = "", request_id: Optional[str] = None) -> None:
        where = f" ({context})" if context else ""
        super().__init__(
            f"The response body{where} is larger than max_response_size ({limit} bytes once decompressed): "
            "raise the client's max_response_size option if this answer is expected, or stream it "
            "(iter_bytes()/write_to_file() of a binary response are not bounded).",
            request_id=request_id,
        )
        self.limit = limit


class InvalidWebhookSignatureError(OpenAIError, ValueError):
    """A webhook not proven to come from OpenAI: a signature header is missing,
    no signature matches, or the timestamp is outside the tolerance. Answer such
    a request with a 400 and do not act on it. (A ValueError too, as in the
    official SDK.)
    """


_STATUS_ERRORS: Dict[int, Type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error(response: requests.Response, body: Any) -> APIStatusError:
    """Build the error for a non-2xx ``response`` from its body as :func:`decode_error_body` gave it."""
    message = error_message(
        body, response.content, response.headers.get("content-type", ""), sent_secrets(response.request)
    )
    status = response.status_code
    cls = _STATUS_ERRORS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    error = cls(message, response=response, body=body)  # (type, code and param read from the whole reply)
    if isinstance(body, dict) and "error" in body:
        error.body = body["error"]  # the official SDK's shape; the whole reply stays in error.response
    return error


def decode_error_body(response: requests.Response) -> Any:
    """The parsed JSON of an error body, or its text when it is not JSON, with the credential sent masked."""
    return decode_body(response.content, sent_secrets(response.request))


def decode_body(content: bytes, secrets: Sequence[str] = ()) -> Any:
    """``content`` as JSON, or as text when it is not JSON, with each of ``secrets`` masked.

    JSON nested too deeply for the decoder is kept as text too: a body an
    error is made of must never raise while the error is being made.
    """
    content = mask_bytes(content, secrets)
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return content.decode("utf-8", "replace")


# -- secrets ----------------------------------------------------------------
#
# Some compatible servers echo a wrong key back in full ("Incorrect API key
# provided: sk-..."). Whatever a server sends is masked where it goes into an
# error (message, args, body) or a log line: the credentials masked are those
# the request carried, read back from the request itself.

_MASK = "***"
# Shorter values are placeholders ("none", "EMPTY", "x") for servers that need
# no key: masking them would garble messages and protect nothing.
_MIN_SECRET = 8


def sent_secrets(request: Optional[requests.PreparedRequest]) -> Tuple[str, ...]:
    """The credentials ``request`` carried: its Authorization token and ``api-key`` header."""
    headers = getattr(request, "headers", None)
    if not headers:
        return ()
    found = []
    for name in ("Authorization", "api-key"):
        value = headers.get(name)
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if isinstance(value, str):
            token = value.partition(" ")[2] if name == "Authorization" and " " in value else value
            for secret in (token, value):
                if len(secret) >= _MIN_SECRET and secret not in found:
                    found.append(secret)
    # The longest first: a token inside its "Bearer ..." header value is masked with it.
    return tuple(sorted(found, key=len, reverse=True))


def mask(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every occurrence of each of ``secrets`` replaced by ``***``."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, _MASK)
    return text


def mask_bytes(content: bytes, secrets: Sequence[str]) -> bytes:
    """Like :func:`mask`, on the UTF-8 bytes of a body."""
    for secret in secrets:
        raw = secret.encode("utf-8", "replace")
        if raw in content:
            content = content.replace(raw, _MASK.encode())
    return content


def excerpt(content: bytes, secrets: Sequence[str], limit: int) -> str:
    """The first ``limit`` characters of a body, decoded, with ``secrets`` masked.

    Masked before it is cut, so that a key straddling the limit cannot leave
    its first half behind; decoded only as far as needed.
    """
    longest = max(map(len, secrets), default=0)
    text = mask(content[: 4 * (limit + longest)].decode("utf-8", "replace"), secrets)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error_object(body: Any) -> Mapping[str, Any]:
    # OpenAI nests details under "error"; some compatible servers put them at the top level.
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict):
            return inner
        return body
    return {}


def error_message(body: Any, content: bytes, content_type: str, secrets: Sequence[str]) -> str:
    """A one-line message for an error body of any shape (JSON with or without a message, text, HTML).

    ``body`` is ``content`` as :func:`decode_body` gave it.
    """
    info = _error_object(body)
    message = info.get("message")
    if isinstance(message, str) and message:
        return message
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, str) and error:  # e.g. {"error": "model not found"} from Ollama
            return error
        detail = body.get("detail")
        if isinstance(detail, str) and detail:  # FastAPI-based servers such as vLLM
            return detail
    if isinstance(body, str):
        return _readable_text(body, content_type) or "(empty body)"
    # Any other JSON: the start of the body as the server wrote it (not serialized again, which could be large).
    return _one_line(excerpt(content, secrets, 600), 500)


# (Patterns are given to re.search/re.sub as text: re caches them, and
# nothing is compiled at import time for the rare HTML error page.)
_TITLE = r"<title[^>]*>(.*?)</title>"
_TAGS = r"<[^>]+>"


def _readable_text(text: str, content_type: str) -> str:
    """A one-line summary of a non-JSON error body, such as a proxy's HTML page."""
    if "html" in content_type or text.lstrip().startswith("<"):
        match = re.search(_TITLE, text, re.IGNORECASE | re.DOTALL)
        summary = match.group(1) if match else re.sub(_TAGS, " ", text)
        return "non-JSON error page: " + _one_line(summary, 200)
    return _one_line(text, 500)


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _str_or_none(value: Any) -> Optional[str]:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


_TIMEOUTS = (requests.Timeout, urllib3.exceptions.TimeoutError, socket.timeout)
_TRANSPORT = (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)


def connection_error(
    exc: BaseException, context: str = "", request_id: Optional[str] = None, secrets: Sequence[str] = ()
) -> Optional[APIConnectionError]:
    """Our error for a transport failure raised by requests, urllib3 or a socket; None for anything else.

    ``context`` (such as ``POST /v1/files``) is put in the message; the
    request's headers, which hold the key, never are. ``secrets`` are masked
    in what the failure says (urllib3 quotes the bytes of a bad chunk header).
    """
    where = f" ({context})" if context else ""
    if isinstance(exc, _TIMEOUTS):
        return APITimeoutError(mask(f"Request timed out{where}: {_cause(exc)}", secrets), request_id=request_id)
    if isinstance(exc, _TRANSPORT):
        return APIConnectionError(mask(f"Connection error{where}: {_cause(exc)}", secrets), request_id=request_id)
    return None


def _cause(exc: BaseException) -> str:
    # requests wraps urllib3 wraps socket errors; the innermost message is the informative one.
    while True:
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        # (__context__ only when not suppressed: "raise X from None" hides an unrelated error)
        context = exc.__context__ if not exc.__suppress_context__ else None
        inner = inner or getattr(exc, "reason", None) or exc.__cause__ or context
        if not isinstance(inner, BaseException) or inner is exc:
            break
        exc = inner
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class LengthFinishReasonError(OpenAIError):
    """``parse_chat_completion`` / ``parse_response``: the output was cut off at the token limit
    (``finish_reason == "length"``, or an incomplete response for ``max_output_tokens``), so it
    cannot be parsed. ``completion`` is what came back (its ``usage`` shows the count); raise the limit.
    """

    def __init__(self, *, completion: Any) -> None:
        message = "Could not parse response content as the length limit was reached"
        usage = getattr(completion, "usage", None)
        if usage is not None:
            message += f" - {usage!r}"
        super().__init__(message)
        self.completion = completion


class ContentFilterFinishReasonError(OpenAIError):
    """``parse_chat_completion`` / ``parse_response``: the content filter stopped the output
    (``finish_reason == "content_filter"``), so there is nothing to parse. ``completion`` is what came back.
    """

    def __init__(self, *, completion: Any = None) -> None:
        super().__init__("Could not parse response content as the request was rejected by the content filter")
        self.completion = completion


class PollTimeoutError(OpenAIError):
    """A ``poll_*`` helper's ``timeout`` ran out before the object reached a final status.

    ``what`` names the object ("batch batch_abc"), ``status`` is its last
    status, ``last`` the object last retrieved, ``waited`` the seconds spent.
    The job itself was not cancelled: poll it again, or cancel it.
    """

    def __init__(self, what: str, status: Optional[str], waited: float, last: Any) -> None:
        super().__init__(
            f"Gave up waiting for {what} after {waited:.1f} s: its last status was {status!r}. "
            "It was not cancelled; poll it again later, or cancel it."
        )
        self.what = what
        self.status = status
        self.waited = waited
        self.last = last


class BatchIncompleteError(OpenAIError):
    """``run_batch``: a batch ended ``failed``, ``expired`` or ``cancelled`` instead of ``completed``.

    ``results`` holds a result for every request, in the order given: the
    answers the batch produced before it ended, and for the others the error
    the batch reported (or ``code="missing_result"``). ``batches`` are the
    batch objects as they ended, ``status`` the first status that was not
    ``completed``.
    """

    def __init__(self, message: str, *, status: str, batches: Any, results: Any) -> None:
        super().__init__(message)
        self.status = status
        self.batches = batches
        self.results = results


class BodyError(Exception):
    """Carries an exception raised while a body was produced past requests and urllib3; ``error`` is it.

    The pipeline raises ``error`` itself to the caller.
    """

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error
