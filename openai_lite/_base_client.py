"""The request pipeline every endpoint method goes through.

``BaseClient._request`` is the one place where a call becomes an HTTP
request: URL, query, headers and body are built, the request is sent with
retries, error statuses become exceptions and the body is parsed. The
endpoint methods (generated, in ``_api``) only describe their operation.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
import typing
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterator,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)
from urllib.parse import urlsplit

import requests

from ._encoding import check_header, json_bytes, path_segment, query_string
from ._errors import (
    APIResponseValidationError,
    BodyError,
    OpenAIError,
    connection_error,
    decode_body,
    decode_error_body,
    excerpt,
    sent_secrets,
    status_error,
)
from ._files import BinaryResponse, ProgressCallback
from ._logging import configure_from_env, log_body, logger
from ._models import BaseModel, convert
from ._pagination import Page
from ._retry import retry_wait, should_retry_status
from ._sse import ServerSentEvent
from ._streaming import iter_events
from ._transport import (
    DEFAULT_MAX_RESPONSE_SIZE,
    prepared_request,
    read_body,
    skip_interim,
    track_session,
)
from ._version import __version__

if TYPE_CHECKING:
    from ._multipart import MultipartBody

__all__ = ["BaseClient", "Timeout", "DEFAULT_TIMEOUT"]

T = TypeVar("T")
C = TypeVar("C", bound="BaseClient")

Timeout = Union[float, Tuple[float, float]]
"""Seconds: one number for both, or ``(connect, read)``.

The connect timeout bounds opening a connection. For a call that is not
streamed, the read timeout bounds the whole response, from the request sent
to its last byte (so one attempt lasts at most connect + read seconds,
however slowly the server sends). For a stream, it bounds each wait for
data, not the whole stream. At most a week.
"""

DEFAULT_TIMEOUT: Tuple[float, float] = (5.0, 600.0)
"""The client's default timeout: 5 s to connect, 600 s for the response (each read, for streams)."""
DEFAULT_BASE_URL = "https://api.openai.com/v1"

# Longer than any real call, shorter than what sockets and sleeps accept on every platform.
_MAX_SECONDS = 7 * 24 * 3600.0

# Pooled connections kept alive per host, as the official SDK keeps (100).
POOL_SIZE = 100

_user_agent: Optional[str] = None
_IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalVM"}


def _default_user_agent() -> str:
    global _user_agent
    if _user_agent is None:
        _user_agent = (
            # (platform.python_implementation() would cost a millisecond of import time)
            f"openai-lite/{__version__} {_IMPLEMENTATIONS.get(sys.implementation.name, sys.implementation.name)}/"
            f"{'.'.join(map(str, sys.version_info[:3]))} "
            f"requests/{requests.__version__}"
        )
    return _user_agent


class BaseClient:
    """Settings, session and the request pipeline shared by every endpoint method."""

    # Where unset arguments come from. A client for another host (AzureClient)
    # has its own variables and must not pick up the ones meant for api.openai.com.
    ENVIRONMENT: Dict[str, str] = {
        "api_key": "OPENAI_API_KEY",
        "admin_api_key": "OPENAI_ADMIN_KEY",
        "organization": "OPENAI_ORG_ID",
        "project": "OPENAI_PROJECT_ID",
        "base_url": "OPENAI_BASE_URL",
    }

    def __init__(
        self,
        api_key: Union[str, Callable[[], str], None] = None,
        *,
        organization: Optional[str] = None,
        project: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        max_retries: int = 2,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, Any]] = None,
        session: Optional[requests.Session] = None,
        initial_retry_delay: float = 0.5,
        max_retry_delay: float = 8.0,
        admin_api_key: Union[str, Callable[[], str], None] = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        # Every argument is an option: each is resolved into the local of its name
        # (the environment is read here, once), and with_options() starts from them all.
        if api_key is None:
            api_key = self._environ("api_key")
        if admin_api_key is None:
            admin_api_key = self._environ("admin_api_key")
        if api_key is None and admin_api_key is None:
            raise OpenAIError(
                "No API key: pass api_key=... to the client or set the OPENAI_API_KEY environment variable "
                "(a server that needs no key accepts any placeholder, such as api_key='none')."
            )
        for name, key in (("api_key", api_key), ("admin_api_key", admin_api_key)):
            if isinstance(key, str):
                check_header(name, key, secret=True)
            elif key is not None and not callable(key):
                raise TypeError(f"{name} must be a str or a callable returning the key")
        self._api_key = api_key
        self._admin_api_key = admin_api_key
        self.organization = organization = organization if organization is not None else self._environ("organization")
        self.project = project = project if project is not None else self._environ("project")
        self.base_url = base_url = (base_url or self._environ("base_url") or DEFAULT_BASE_URL).rstrip("/")
        self._base_url = _normalized_url(base_url)
        self._host = urlsplit(self._base_url).netloc.rpartition("@")[2]  # (never a user:password@)
        self.timeout = timeout = _check_timeout(timeout) if timeout is not None else DEFAULT_TIMEOUT
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise ValueError(f"max_retries must be a non-negative int, got {max_retries!r}")
        self.max_retries = max_retries
        self.initial_retry_delay = initial_retry_delay = _check_delay("initial_retry_delay", initial_retry_delay)
        self.max_retry_delay = max_retry_delay = _check_delay("max_retry_delay", max_retry_delay)
        if not isinstance(max_response_size, int) or isinstance(max_response_size, bool) or max_response_size <= 0:
            raise ValueError(f"max_response_size must be a positive number of bytes, got {max_response_size!r}")
        self.max_response_size = max_response_size
        self.default_headers: Dict[str, str] = dict(default_headers or {})
        self.default_query: Dict[str, Any] = dict(default_query or {})
        default_headers, default_query = self.default_headers, self.default_query
        self._owns_session = session is None
        self._session = session if session is not None else self._new_session()
        track_session(self._session)  # a forked child gets fresh connections, never the parent's
        # What requests would work out for every request from the environment
        # (HTTP(S)_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE, unless trust_env is off)
        # and the session (proxies, verify, cert). Every call goes to the same
        # host, so it is resolved once, here, instead of on each call.
        self._transport = {
            k: v
            for k, v in self._session.merge_environment_settings(self._base_url, {}, None, None, None).items()
            if k != "stream"
        }

        self._static_headers = self._build_static_headers()
        # What with_options() starts from: every argument, as resolved above.
        self._options: Dict[str, Any] = _arguments(BaseClient.__init__, locals())
        configure_from_env()

    # -- settings ---------------------------------------------------------

    def _environ(self, option: str) -> Optional[str]:
        variable = self.ENVIRONMENT.get(option)
        return os.environ.get(variable) if variable else None

    @staticmethod
    def _new_session() -> requests.Session:
        session = requests.Session()
        # More pooled connections than requests' 10, so that a client shared by
        # many threads keeps its connections alive instead of discarding them.
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    def _build_static_headers(self) -> Dict[str, str]:
        headers = {"User-Agent": _default_user_agent(), "Accept": "application/json"}
        if self.organization:
            headers["OpenAI-Organization"] = self.organization
        if self.project:
            headers["OpenAI-Project"] = self.project
        headers.update(self.default_headers)
        for name, value in headers.items():
            check_header(name, value)
        return headers

    @property
    def session(self) -> requests.Session:
        """The ``requests.Session`` this client sends with (yours if you passed one)."""
        return self._session

    @property
    def api_key(self) -> str:
        """The API key for the next request (a callable key is called)."""
        return _key(self._api_key, "api_key", "OPENAI_API_KEY")

    @property
    def admin_api_key(self) -> str:
        """The admin API key for the next administration request (a callable key is called)."""
        return _key(self._admin_api_key, "admin_api_key", "OPENAI_ADMIN_KEY")

    def with_options(self: C, **overrides: Any) -> C:
        """A copy of this client with some settings changed, sharing its session.

        Takes the constructor's keyword arguments, e.g.
        ``client.with_options(timeout=10, max_retries=5)``. A copy for another
        ``base_url`` works out its proxy, ``NO_PROXY`` and certificate settings
        for that URL, as a new client would.
        """
        options = {**self._options, **overrides}
        if "session" not in overrides:
            options["session"] = self._session
        copy = type(self)(**options)
        if "session" not in overrides:
            copy._owns_session = False  # the original closes it
            if copy._base_url == self._base_url:
                copy._transport = self._transport  # the environment was read once, for the original
        return copy

    def close(self) -> None:
        """Close the session, if this client created it (a session you passed stays open)."""
        if self._owns_session:
            self._session.close()

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        # Never the key.
        return (
            f"<{type(self).__module__.split('.')[0]}.{type(self).__name__} base_url={self.base_url!r} "
            f"organization={self.organization!r} project={self.project!r}>"
        )

    # -- hooks a host-specific client overrides ---------------------------

    def _auth(self, admin: bool) -> Dict[str, str]:
        """The authentication headers of one request (errors and logs mask their values, see ``sent_secrets``)."""
        key = self.admin_api_key if admin else self.api_key
        if callable(self._admin_api_key if admin else self._api_key):
            # (a string key was checked once, when the client was built)
            check_header("admin_api_key" if admin else "api_key", key, secret=True)
        return {"Authorization": f"Bearer {key}"}

    def _url(self, path: str, body: Optional[Mapping[str, Any]]) -> str:
        return self._base_url + path

    # -- the pipeline -----------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        cast_to: Any = None,
        path_params: Optional[Mapping[str, Any]] = None,
        query: Optional[Mapping[str, Any]] = None,
        body: Optional[Mapping[str, Any]] = None,
        files: Optional[Tuple[str, ...]] = None,
        json_if_no_files: bool = False,
        headers: Optional[Mapping[str, str]] = None,
        admin: bool = False,
        progress: Optional[ProgressCallback] = None,
        part_types: Optional[Mapping[str, str]] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Optional[Timeout] = None,
        stream: bool = False,
    ) -> Any:
        """Send one API call and return its result.

        ``path`` is a template such as ``/models/{model}`` filled from
        ``path_params``. ``body`` entries that are ``None`` are not sent;
        ``extra_body`` entries are sent as given. ``files`` names the body
        entries holding file inputs: the body then goes out as multipart form
        data (as JSON when ``json_if_no_files`` and no file is given).
        ``cast_to`` says what to return: a type to parse the JSON into (a
        :class:`BaseModel` subclass, a ``Union`` ...), ``str`` for a text body,
        :class:`BinaryResponse` for a raw body, or None when the body does not
        matter. With ``stream`` the open ``requests.Response`` is returned.
        ``admin`` authenticates with the admin key. ``progress`` is called as a
        multipart body is sent. ``part_types`` names form fields sent as parts of
        their own media type (JSON-encoded for a JSON type) instead of text fields.
        """
        if path_params:
            path = path.format(**{k: path_segment(k, v) for k, v in path_params.items()})
        payload: Optional[Dict[str, Any]] = None
        if body is not None or extra_body:
            payload = {k: v for k, v in (body or {}).items() if v is not None}
            if extra_body:
                payload.update(extra_body)

        url = self._url(path, payload)
        params = {**self.default_query, **(query or {}), **(extra_query or {})}
        if params:
            encoded = query_string(params)
            if encoded:
                url += ("&" if "?" in url else "?") + encoded

        all_headers: Dict[str, Optional[str]] = {**self._static_headers, **self._auth(admin)}
        if headers:
            all_headers.update(headers)
        if extra_headers:
            for name, value in extra_headers.items():
                check_header(name, "" if value is None else value)
                # Header names are case-insensitive: drop ours under any spelling.
                for ours in [k for k in all_headers if k.lower() == name.lower()]:
                    del all_headers[ours]
                # None makes requests drop the header, its own defaults and the session's included.
                all_headers[name] = value

        data: Union[bytes, MultipartBody, None] = None
        if files is not None and payload is not None:
            # (Imported here: only the operations with a file field need it, and a cold start pays for imports.)
            from ._multipart import is_file_input, multipart_body

            # Some operations take a file or a reference to one ({"file_id": ...} in JSON).
            if not json_if_no_files or any(is_file_input(payload.get(name)) for name in files):
                data = multipart_body(payload, files, progress, part_types)
                all_headers["Content-Type"] = data.content_type
        if data is None and payload is not None:
            data = json_bytes(payload)
            all_headers["Content-Type"] = "application/json"
        if cast_to is BinaryResponse:
            stream = True
        try:
            timeout = _check_timeout(timeout) if timeout is not None else self.timeout
            response = self._send(method, url, path, all_headers, data, timeout, stream)
        except BodyError as exc:
            # A file that cannot be read, or the progress callback, failed while the body was sent: the
            # caller's error, never a connection error to retry.
            raise exc.error from None
        finally:
            if data is not None and not isinstance(data, bytes):  # (a MultipartBody)
                data.close()
        if stream:
            return BinaryResponse(response, self.max_response_size) if cast_to is BinaryResponse else response
        return self._parse(response, cast_to)

    def _send(
        self,
        method: str,
        url: str,
        path: str,
        headers: Dict[str, Optional[str]],
        data: Union[bytes, MultipartBody, None],
        timeout: Timeout,
        stream: bool,
    ) -> requests.Response:
        """Send with retries; return a 2xx response or raise.

        The body of anything but a successful stream is read here (so that a
        failure on the way is retried), bounded by ``max_response_size`` and,
        from the moment the request goes out, by the read timeout.
        """
        prepared, send = self._prepare(method, url, headers, data)
        log_body("request body", data, prepared)
        context = f"{method} {path}"
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        attempt = 0
        while True:
            started = time.monotonic()
            try:
                # Sent as a stream even when it is not one: the body is read by read_body, not requests.
                response = send(prepared, stream=True, timeout=timeout, **self._transport)
                skip_interim(response)
                status = response.status_code
                if not (stream and 200 <= status < 300):
                    # (The connect timeout is counted in: when the request went out is not known here.)
                    read_body(response, self.max_response_size, started + connect + read, context)
                if not 200 <= status < 300:
                    body = decode_error_body(response)
                    log_body("error body", response.content, prepared)
            except Exception as exc:
                error = connection_error(exc, f"{context} to {self._host}", secrets=sent_secrets(prepared))
                if error is None:
                    raise
                if attempt < self.max_retries and _rewind(data):
                    self._sleep_before_retry(attempt, None, context, type(error).__name__)
                    attempt += 1
                    continue
                raise error from exc
            elapsed = (time.monotonic() - started) * 1000
            request_id = response.headers.get("x-request-id")
            logger.info("%s -> %d (request id %s) in %.0f ms", context, status, request_id, elapsed)
            if 200 <= status < 300:
                return response
            if attempt < self.max_retries and should_retry_status(status, response.headers, body) and _rewind(data):
                self._sleep_before_retry(attempt, response.headers, context, f"{status} {response.reason}")
                attempt += 1
                continue
            raise status_error(response, body)

    def _prepare(
        self, method: str, url: str, headers: Dict[str, Optional[str]], data: Union[bytes, MultipartBody, None]
    ) -> Tuple[requests.PreparedRequest, Callable[..., requests.Response]]:
        """The request to send, and the function to send it with.

        Usually the request is built here and handed straight to the adapter
        the session has mounted for the URL: ``Session.prepare_request`` and
        ``Session.send`` would merge settings that never change between our
        calls, which costs more than the rest of a call. A session with
        ``auth``, response hooks or cookies goes the whole way through
        ``Session.send`` so that they take effect. Redirects are never followed
        (the API does not redirect, and a key must not follow one elsewhere).
        """
        session = self._session
        if session.auth is not None or session.hooks.get("response") or session.cookies:
            auth = _ExactURL(url, session.auth)
            prepared = session.prepare_request(requests.Request(method, url, headers=headers, data=data, auth=auth))
            return prepared, functools.partial(session.send, allow_redirects=False)
        return prepared_request(session, method, url, headers, data), session.get_adapter(url).send

    def _sleep_before_retry(
        self, attempt: int, headers: Optional[Mapping[str, str]], context: str, reason: str
    ) -> None:
        wait = retry_wait(attempt, headers, self.initial_retry_delay, self.max_retry_delay)
        left = self.max_retries - attempt
        logger.info(
            "retrying %s in %.2f s after %s (%d %s left)",
            context,
            wait,
            reason,
            left,
            "retry" if left == 1 else "retries",
        )
        time.sleep(wait)

    def _parse(self, response: requests.Response, cast_to: Any) -> Any:
        content = response.content
        if cast_to is None:
            return None
        if not _is_json(response) and _accepts_text(cast_to):
            return _text(content, response.headers.get("content-type", ""))
        if not content.strip():
            raise _invalid(response, "got an empty body")
        log_body("response body", content, response.request)
        try:
            data = json.loads(content)
        except ValueError:
            kind = response.headers.get("content-type") or "no content type"
            raise _invalid(response, f"got {kind}") from None
        except RecursionError:
            raise _invalid(response, "got JSON nested too deeply to decode") from None
        if isinstance(cast_to, type) and issubclass(cast_to, BaseModel):
            if type(data) is not dict:
                raise _invalid(response, f"got a JSON {type(data).__name__} where {cast_to.__name__} is an object")
            result = cast_to.from_dict(data)
            attrs = result.__dict__
            attrs["_request_id"] = response.headers.get("x-request-id")
            attrs["_headers"] = response.headers
            return result
        return convert(cast_to, data)

    def _stream(
        self,
        method: str,
        path: str,
        decode: Callable[[ServerSentEvent, Any], Optional[T]],
        *,
        done_marker: bool = False,
        final_events: FrozenSet[str] = frozenset(),
        **request: Any,
    ) -> Iterator[T]:
        """A generator of decoded events; the request is sent when iteration starts.

        The stream must end with ``[DONE]`` (``done_marker``) or after one of
        ``final_events``; ending otherwise means it was cut short.
        """
        # Ask for the event stream: some servers (and mocks) choose the form of the answer by Accept.
        request["headers"] = {**(request.get("headers") or {}), "Accept": "text/event-stream"}
        response = self._request(method, path, stream=True, **request)
        yield from iter_events(
            response,
            decode,
            done_marker=done_marker,
            final_events=final_events,
            context=f"{method} {path} to {self._host}",
            limit=self.max_response_size,
        )

    def _page(
        self,
        path: str,
        *,
        cast_to: Type[Any],
        paging: Tuple[str, str],
        query: Optional[Dict[str, Any]] = None,
        **request: Any,
    ) -> Any:
        """The first page of a list operation, as a :class:`Page` that fetches the rest lazily."""
        base_query = {k: v for k, v in (query or {}).items() if v is not None}

        def fetch(page_query: Dict[str, Any]) -> Any:
            return self._request("GET", path, cast_to=cast_to, query=page_query, **request)

        return Page(fetch(base_query), fetch, base_query, paging)


def _invalid(response: requests.Response, what: str) -> APIResponseValidationError:
    """The error for a 2xx body that is not what the operation returns: ``what`` it is, then its start, masked."""
    secrets = sent_secrets(response.request)
    content = response.content
    message = f"expected a JSON body from {response.request.method} {response.request.path_url}, {what}"
    if content.strip():
        message += f": {excerpt(content, secrets, 200)!r}"
    return APIResponseValidationError(message, response=response, body=decode_body(content, secrets))


def _accepts_text(cast_to: Any) -> bool:
    return cast_to is str or str in typing.get_args(cast_to)


def _text(content: bytes, content_type: str) -> str:
    """A text answer, decoded by its declared charset; UTF-8 (what the API speaks) when none is usable.

    (Not requests' ``response.encoding``: it says ISO-8859-1 for any ``text/*`` without a charset.)
    """
    charset = "utf-8"
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or charset
    try:
        return content.decode(charset, "replace")
    except LookupError:  # a charset Python does not know, or not a text encoding (zlib_codec, rot13)
        return content.decode("utf-8", "replace")


def _is_json(response: requests.Response) -> bool:
    content_type = response.headers.get("content-type", "")
    return "json" in content_type or not content_type


def _key(key: Union[str, Callable[[], str], None], name: str, env: str) -> str:
    if key is None:
        raise OpenAIError(f"This operation needs the {name} client option or the {env} environment variable.")
    return key() if callable(key) else key


class _ExactURL(requests.auth.AuthBase):
    """Runs first among the auth of a request sent through ``Session.send``.

    It puts back our URL, already encoded (requests re-quotes it and would turn
    an escaped dot segment, ``%2E%2E``, into ``..``, which servers resolve),
    before the session's own auth, which may sign or change it. Being an
    auth, it also keeps requests from taking credentials from ``~/.netrc``
    in place of the API key.
    """

    def __init__(self, url: str, auth: Any) -> None:
        self.url = url
        self.auth = requests.auth.HTTPBasicAuth(*auth) if isinstance(auth, tuple) and len(auth) == 2 else auth

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.url = self.url
        result: requests.PreparedRequest = self.auth(request) if self.auth is not None else request
        return result


def _arguments(init: Callable[..., None], values: Mapping[str, Any]) -> Dict[str, Any]:
    """A constructor's arguments by name, taken from its ``locals()``: the one list of a client's options."""
    code = init.__code__
    names = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]  # (after self)
    return {name: values[name] for name in names if name != "session"}


def _normalized_url(url: str) -> str:
    """``url`` as requests would send it (IDNA host, percent-encoding), checked once."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"base_url must be an absolute http:// or https:// URL, such as 'https://api.openai.com/v1'; got {url!r}"
        )
    if "?" in url or "#" in url:
        raise ValueError(
            f"base_url must not have a query string or a #fragment (got {url!r}): every path is appended "
            "to it; pass query parameters as default_query={...}"
        )
    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(url, None)
    except requests.RequestException as exc:
        raise ValueError(f"invalid base_url {url!r}: {exc}") from None
    assert prepared.url is not None
    # prepare_url adds "/" to a bare host; paths are appended to this.
    return prepared.url[:-1] if prepared.url.endswith("/") and not url.endswith("/") else prepared.url


def _rewind(data: Union[bytes, MultipartBody, None]) -> bool:
    """Whether the body can be sent again (a file object that cannot seek back cannot)."""
    return data.rewind() if data is not None and not isinstance(data, bytes) else True


def _number(value: Any) -> bool:
    # (NaN fails every comparison, so the range checks below refuse it too)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _seconds(value: Any) -> bool:
    return _number(value) and 0 < value <= _MAX_SECONDS


def _check_timeout(timeout: Any) -> Timeout:
    if _seconds(timeout):
        return float(timeout)
    if isinstance(timeout, tuple) and len(timeout) == 2 and all(_seconds(t) for t in timeout):
        return (float(timeout[0]), float(timeout[1]))
    raise ValueError(
        "timeout must be a number of seconds (more than 0, at most a week) or a (connect, read) pair of them, "
        f"got {timeout!r}"
    )


def _check_delay(name: str, value: Any) -> float:
    if _number(value) and 0 <= value <= _MAX_SECONDS:
        return float(value)
    raise ValueError(f"{name} must be a number of seconds from 0 to a week, got {value!r}")
