"""Embedding vectors fetched as base64 and decoded with the standard library.

A vector of 1,536 floats is about 33 KB as JSON numbers but 8 KB as base64 of
its float32 bytes, which also parses much faster. When the caller does not
choose an ``encoding_format``, ``create_embedding`` asks for base64 and hands
back lists of floats, as the official SDK does.
"""

from __future__ import annotations

import array
import base64
import binascii
import sys
from typing import Any, List

from ._errors import APIError

__all__ = ["decode_embeddings", "floats_from_base64"]


def floats_from_base64(text: str) -> List[float]:
    """The float32 little-endian values encoded in ``text``, as Python floats."""
    values = array.array("f")
    values.frombytes(base64.b64decode(text, validate=True))
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist()


def decode_embeddings(result: Any) -> None:
    """Replace each base64 ``embedding`` of a response by its floats, in ``to_dict()`` too."""
    for item in getattr(result, "data", None) or []:
        encoded = getattr(item, "embedding", None)
        if isinstance(encoded, str):  # a server that ignored encoding_format sent floats already
            try:
                floats = floats_from_base64(encoded)
            except (binascii.Error, ValueError) as exc:
                raise APIError(
                    f"The server sent an embedding that is not base64 of float32 values: {exc}",
                    request_id=getattr(result, "_request_id", None),
                ) from exc
            item.embedding = floats
