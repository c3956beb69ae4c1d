"""Embeddings: deterministic unit vectors, as floats or base64."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import struct
from typing import List, Union

from ._common import (
    APIError,
    Area,
    Reply,
    Request,
    bounded,
    choice,
    count_words,
    field,
    is_int,
    json_object,
    json_reply,
    route,
)


class Embeddings(Area):
    @route("POST", r"/embeddings")
    def create_embedding(self, request: Request) -> Reply:
        body = json_object(request)
        model = field(body, "model", str, "a string", required=True)
        self.fake._check_model(model)
        raw_input = field(body, "input", (str, list), "a string or an array", required=True)
        dimensions = bounded(body, "dimensions", 1, 4096, 8)
        encoding = choice(body, "encoding_format", ("float", "base64"), "float")

        # A string, a list of strings, a list of tokens or a list of token lists.
        if isinstance(raw_input, str) or (raw_input and all(is_int(t) for t in raw_input)):
            inputs = [raw_input]
        else:
            inputs = raw_input
        if not inputs or not all(
            (isinstance(x, str) and x) or (isinstance(x, list) and x and all(is_int(t) for t in x)) for x in inputs
        ):
            raise APIError(
                400,
                "'input' must be a non-empty string, array of strings, array of tokens or array of token arrays.",
                param="input",
                code="invalid_value",
            )

        data = []
        tokens = 0
        for index, value in enumerate(inputs):
            tokens += count_words(value) if isinstance(value, str) else len(value)
            packed = embedding_bytes(value, dimensions)
            vector: Union[str, List[float]]
            if encoding == "base64":
                vector = base64.b64encode(packed).decode("ascii")
            else:
                vector = list(struct.unpack(f"<{dimensions}f", packed))
            data.append({"object": "embedding", "index": index, "embedding": vector})
        return json_reply(
            {"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
        )


def embedding_bytes(value: Union[str, List[int]], dimensions: int) -> bytes:
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
