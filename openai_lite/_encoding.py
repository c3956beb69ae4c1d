"""How paths, query strings and JSON bodies are written on the wire.

The spec leaves some of this open; we follow what the official SDK sends,
which the API is exercised with every day (``[]`` suffix for arrays,
``name[key]`` for objects, ``true``/``false`` for booleans).
"""

from __future__ import annotations

import json
from typing import Any, Iterator, Mapping, Tuple
from urllib.parse import quote, urlencode

__all__ = ["path_segment", "query_string", "json_bytes", "check_header"]


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
        yield from _flatten(key, value)


def _flatten(key: str, value: Any) -> Iterator[Tuple[str, str]]:
    if value is None:
        return
    if value is True or value is False:
        yield key, "true" if value else "false"
    elif isinstance(value, Mapping):
        for sub, item in value.items():
            yield from _flatten(f"{key}[{sub}]", item)
    elif isinstance(value, (list, tuple)):
        name = key if key.endswith("[]") else key + "[]"
        for item in value:
            yield from _flatten(name, item)
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


def check_header(name: str, value: Any, secret: bool = False) -> None:
    """Refuse a header value that would split the request (CR or LF) before anything is sent.

    A ``secret`` value (the key) is not quoted in the message.
    """
    if not isinstance(value, str):
        raise TypeError(f"header {name!r} must be a str, got {type(value).__name__}")
    if "\r" in value or "\n" in value or "\0" in value:
        shown = "" if secret else f" ({value!r})"
        raise ValueError(
            f"header {name!r} contains a CR, LF or NUL character{shown}; remove it "
            "(a value read from a file often ends with a newline)"
        )
