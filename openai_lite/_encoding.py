"""How paths, query strings and JSON bodies are written on the wire.

The spec leaves some of this open; we follow what the official SDK sends,
which the API is exercised with every day (``[]`` suffix for arrays,
``name[key]`` for objects, ``true``/``false`` for booleans).
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator, Mapping, Tuple
from urllib.parse import quote, urlencode

__all__ = ["path_segment", "query_string", "flatten", "json_bytes", "check_header"]


def path_segment(name: str, value: Any) -> str:
    """``value`` percent-encoded as exactly one path segment.

    ``/``, ``?``, ``#``, ``%`` and spaces are escaped so that an ID can never
    reach another endpoint (``"../files"`` stays inside ``/models/``); ``:``
    and ``@`` stay as they are, so fine-tuned model names go out readable.
    """
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    segment = quote(value, safe=":@")
    if segment in (".", ".."):
        # A dot segment would be resolved away by URL normalisation.
        segment = segment.replace(".", "%2E")
    return segment


def query_string(params: Mapping[str, Any]) -> str:
    """Encode query parameters; ``None`` values are left out."""
    return urlencode(list(_pairs(params)))


def _pairs(params: Mapping[str, Any]) -> Iterator[Tuple[str, str]]:
    for key, value in params.items():
        yield from flatten(key, value)


def flatten(key: str, value: Any) -> Iterator[Tuple[str, str]]:
    """Spread a value into (name, text) pairs, for a query string or a form.

    Lists become repeated ``name[]`` pairs (``name`` once if it ends in
    ``[]`` already), objects ``name[key]`` pairs, booleans ``true``/``false``;
    ``None`` gives nothing.
    """
    if value is None:
        return
    if value is True or value is False:
        yield key, "true" if value else "false"
    elif isinstance(value, Mapping):
        for sub, item in value.items():
            yield from flatten(f"{key}[{sub}]", item)
    elif isinstance(value, (list, tuple)):
        name = key if key.endswith("[]") else key + "[]"
        for item in value:
            yield from flatten(name, item)
    else:
        yield key, str(value)


def json_bytes(body: Any) -> bytes:
    """The compact UTF-8 JSON of a request body.

    NaN and infinities are refused (``ValueError`` naming where they are):
    JSON has no such numbers, and a server would reject the request or, worse,
    read it differently.
    """
    try:
        return json.dumps(
            body, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_response_object
        ).encode("utf-8")
    except ValueError as exc:
        if "JSON compliant" not in str(exc):  # (a circular reference, say: json's own message says it)
            raise

    def find(value: Any, where: str) -> Iterator[str]:
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            yield f"{where} = {value!r}"
        elif isinstance(value, Mapping):
            for key, item in value.items():
                yield from find(item, f"{where}[{key!r}]")
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                yield from find(item, f"{where}[{index}]")

    found = next(find(body, "body"), "a value")
    raise ValueError(
        f"the request body holds a number JSON cannot represent ({found}): NaN and infinities are not "
        "valid JSON; replace them (with None, or a finite number) before sending"
    ) from None


def _response_object(value: Any) -> Any:
    """A response object passed back in a request (``messages.append(reply.choices[0].message)``)
    is sent as the JSON it was parsed from; anything else is not JSON."""
    from ._models import BaseModel

    if isinstance(value, BaseModel):
        return value.to_dict()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# A header name is an RFC 9110 token. (Given to re as text: re caches it, and nothing is compiled at import time.)
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
# Headers whose values are credentials, whoever sets them: never quoted in a message.
_SECRET_HEADERS = frozenset(("authorization", "proxy-authorization", "api-key", "x-api-key", "cookie"))


def check_header(name: Any, value: Any, secret: bool = False) -> None:
    """Refuse, before anything is sent, a header that HTTP cannot carry or that would split the request.

    The name must be a token (no spaces, colons, NUL ...). The value must not
    hold CR, LF, NUL or other control characters, nor characters beyond
    Latin-1 (http.client would fail on them while sending, quoting the whole
    value); a ``secret`` (a key, a token) must be ASCII. A secret, and the
    value of a credential header such as Authorization, is never quoted in
    the message.
    """
    if not isinstance(name, str) or not re.fullmatch(_TOKEN, name):
        raise ValueError(
            f"invalid header name {name!r}: a name is letters, digits and !#$%&'*+-.^_`|~ only "
            "(no spaces, colons or control characters)"
        )
    if not isinstance(value, str):
        raise TypeError(f"header {name!r} must be a str, got {type(value).__name__}")
    if value.isascii() and value.isprintable():
        return  # (the usual case, checked in C)
    secret = secret or name.lower() in _SECRET_HEADERS
    for position, char in enumerate(value):
        code = ord(char)
        if char in "\r\n\0":
            problem, why = "a CR, LF or NUL character", ""
            advice = "remove it (a value read from a file often ends with a newline)"
        elif (code < 32 and char != "\t") or code == 127:
            problem, why, advice = f"a control character ({_describe(char)})", "", "remove it"
        elif code > 255 or (secret and code > 127):
            problem = _describe(char)
            why = ", which a key cannot hold" if secret else ", which HTTP headers cannot hold (only Latin-1)"
            advice = "remove it (a zero-width or non-breaking space often comes along when a key is pasted)"
        else:
            continue
        shown = "" if secret else f" ({value!r})"
        raise ValueError(f"header {name!r} contains {problem} at position {position}{why}{shown}; {advice}")


def _describe(char: str) -> str:
    import unicodedata  # only for this message

    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"
