"""Embeddings fetched as base64 and decoded to floats with the standard library.

When the caller does not choose an ``encoding_format``, ``create_embedding``
asks for base64 (a quarter of the bytes of JSON floats) and hands back lists of
floats; an explicit ``"float"`` or ``"base64"`` is sent and returned as is.
The loopback server answers with vectors packed here with ``struct``.
"""

from __future__ import annotations

import base64
import math
import struct
from typing import Any, Dict, List, Union

import pytest
from _loopback import LoopbackServer, json_reply

import openai_lite
from openai_lite.testing import FakeServer

# Values exactly representable as float32, so packing them loses nothing.
VECTOR = [0.5, -1.25, 3.0, 0.0, 1024.0, -0.0009765625]


def float32(values: List[float]) -> List[float]:
    """``values`` rounded to float32, as the API computes them."""
    return list(struct.unpack(f"<{len(values)}f", struct.pack(f"<{len(values)}f", *values)))


def b64(values: List[float]) -> str:
    """The API's base64 encoding: little-endian float32s."""
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode("ascii")


def answer(*embeddings: Union[str, List[float]]) -> Dict[str, Any]:
    return {
        "object": "list",
        "data": [{"object": "embedding", "index": i, "embedding": e} for i, e in enumerate(embeddings)],
        "model": "text-embedding-3-small",
        "usage": {"prompt_tokens": 2, "total_tokens": 2},
    }


def same_bits(a: List[float], b: List[float]) -> bool:
    """Equal as float32 bit patterns (nan == nan, -0.0 != 0.0)."""
    return struct.pack(f"<{len(a)}f", *a) == struct.pack(f"<{len(b)}f", *b)


def test_default_asks_for_base64_and_returns_floats(server: LoopbackServer, client: Any) -> None:
    server.reply(json_reply(answer(b64(VECTOR))))
    result = client.create_embedding(model="text-embedding-3-small", input="hello")
    assert server.last_request.json() == {
        "model": "text-embedding-3-small",
        "input": "hello",
        "encoding_format": "base64",
    }
    embedding = result.data[0].embedding
    assert embedding == VECTOR
    assert all(type(x) is float for x in embedding)
    # to_dict() gives the floats too, on the response and on the item.
    assert result.to_dict()["data"][0]["embedding"] == VECTOR
    assert result.data[0].to_dict()["embedding"] == VECTOR
    assert (result.data[0].index, result.model, result.usage.total_tokens) == (0, "text-embedding-3-small", 2)


def test_float32_rounding_is_the_servers(server: LoopbackServer, client: Any) -> None:
    """Values that are not float32 come back as the float32 the server packed, widened exactly."""
    values = [0.1, 1 / 3, -2.718281828459045, 1e-7, 123456.789]
    server.reply(json_reply(answer(b64(values))))
    embedding = client.create_embedding(model="m", input="x").data[0].embedding
    assert embedding == float32(values)
    assert embedding != values  # (the test would prove nothing if float32 kept them)


def test_explicit_float_is_sent_and_returned_as_is(server: LoopbackServer, client: Any) -> None:
    server.reply(json_reply(answer([0.1, -0.2, 0.3])))
    result = client.create_embedding(model="m", input="x", encoding_format="float")
    assert server.last_request.json()["encoding_format"] == "float"
    assert result.data[0].embedding == [0.1, -0.2, 0.3]  # doubles, untouched
    assert result.to_dict()["data"][0]["embedding"] == [0.1, -0.2, 0.3]


def test_explicit_base64_is_returned_untouched(server: LoopbackServer, client: Any) -> None:
    encoded = b64(VECTOR)
    server.reply(json_reply(answer(encoded)))
    result = client.create_embedding(model="m", input="x", encoding_format="base64")
    assert server.last_request.json()["encoding_format"] == "base64"
    assert result.data[0].embedding == encoded
    assert result.to_dict()["data"][0]["embedding"] == encoded


def test_server_that_ignores_the_format(server: LoopbackServer, client: Any) -> None:
    """A server that answers floats to a base64 request (some compatible servers do) still works."""
    server.reply(json_reply(answer([0.1, 0.2], [0.3, 0.4])))
    result = client.create_embedding(model="m", input=["a", "b"])
    assert server.last_request.json()["encoding_format"] == "base64"
    assert [d.embedding for d in result.data] == [[0.1, 0.2], [0.3, 0.4]]


def test_several_inputs(server: LoopbackServer, client: Any) -> None:
    vectors = [float32([i + j / 8 for j in range(1536)]) for i in range(5)]
    server.reply(json_reply(answer(*(b64(v) for v in vectors))))
    result = client.create_embedding(model="m", input=["a", "b", "c", "d", "e"], dimensions=1536)
    assert [d.index for d in result.data] == [0, 1, 2, 3, 4]
    assert [d.embedding for d in result.data] == vectors
    assert [d["embedding"] for d in result.to_dict()["data"]] == vectors


def test_token_inputs(server: LoopbackServer, client: Any) -> None:
    server.reply(json_reply(answer(b64(VECTOR), b64(VECTOR[::-1]))))
    result = client.create_embedding(model="m", input=[[1, 2, 3], [4, 5]])
    assert server.last_request.json()["input"] == [[1, 2, 3], [4, 5]]
    assert [d.embedding for d in result.data] == [VECTOR, VECTOR[::-1]]


F32_MIN_SUBNORMAL = struct.unpack("<f", struct.pack("<I", 1))[0]  # 1.4e-45
F32_MAX_SUBNORMAL = struct.unpack("<f", struct.pack("<I", 0x007FFFFF))[0]
F32_MAX = struct.unpack("<f", struct.pack("<I", 0x7F7FFFFF))[0]


def test_special_values(server: LoopbackServer, client: Any) -> None:
    values = [math.inf, -math.inf, math.nan, -0.0, 0.0, F32_MIN_SUBNORMAL, -F32_MAX_SUBNORMAL, F32_MAX, -F32_MAX]
    server.reply(json_reply(answer(b64(values))))
    embedding = client.create_embedding(model="m", input="x").data[0].embedding
    assert same_bits(embedding, values)
    assert embedding[:2] == [math.inf, -math.inf]
    assert math.isnan(embedding[2])
    assert math.copysign(1, embedding[3]) == -1 and math.copysign(1, embedding[4]) == 1
    assert embedding[5] == 2.0**-149 and embedding[5] > 0
    assert embedding[7] == F32_MAX > 3.4e38


def test_empty_vector(server: LoopbackServer, client: Any) -> None:
    server.reply(json_reply(answer("")))
    assert client.create_embedding(model="m", input="x").data[0].embedding == []


@pytest.mark.parametrize("encoded", ["AAAA", "AAA", "!!!!"])
def test_malformed_base64_is_a_response_error(server: LoopbackServer, client: Any, encoded: str) -> None:
    server.reply(json_reply(answer(encoded)))
    with pytest.raises(openai_lite.OpenAIError):  # not a bare ValueError
        client.create_embedding(model="m", input="x")


def test_same_result_as_floats_against_the_fake_server() -> None:
    """End to end: the default (base64 on the wire) equals encoding_format="float" for the same inputs."""
    with FakeServer() as fake:
        client = openai_lite.Client(api_key="fake", base_url=fake.base_url, max_retries=0)
        inputs = ["The quick brown fox", "jumps over", "the lazy dog"]
        default = client.create_embedding(model="text-embedding-3-small", input=inputs, dimensions=64)
        floats = client.create_embedding(
            model="text-embedding-3-small", input=inputs, dimensions=64, encoding_format="float"
        )
        client.close()
        sent = [r.body["encoding_format"] for r in fake.requests[-2:]]
    assert sent == ["base64", "float"]
    assert [d.embedding for d in default.data] == [d.embedding for d in floats.data]
    assert all(len(d.embedding) == 64 for d in default.data)
