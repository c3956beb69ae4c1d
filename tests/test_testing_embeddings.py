"""Tests of openai_lite/testing/_embeddings.py: embeddings on the FakeServer."""

from __future__ import annotations

import base64
import math
import struct
from typing import Any, Dict

import pytest
import requests
from _fake import assert_error, post

import openai_lite
from openai_lite.testing import FakeServer


def test_embedding(fake_client: openai_lite.Client) -> None:
    result = fake_client.create_embedding(model="text-embedding-3-small", input="The quick brown fox")
    assert (result.object, result.model) == ("list", "text-embedding-3-small")
    (item,) = result.data
    assert (item.object, item.index) == ("embedding", 0)
    assert isinstance(item.embedding, list) and len(item.embedding) == 8
    assert math.isclose(math.sqrt(sum(x * x for x in item.embedding)), 1.0, rel_tol=1e-6)
    assert (result.usage.prompt_tokens, result.usage.total_tokens) == (4, 4)


def test_embeddings_are_deterministic(fake_client: openai_lite.Client) -> None:
    first = fake_client.create_embedding(model="text-embedding-3-small", input=["alpha", "beta", "alpha"])
    vectors = [item.embedding for item in first.data]
    assert [item.index for item in first.data] == [0, 1, 2]
    assert vectors[0] == vectors[2] != vectors[1]
    with FakeServer() as other:
        again = requests.post(
            other.base_url + "/embeddings", json={"model": "text-embedding-3-small", "input": "alpha"}, timeout=10
        )
        assert again.json()["data"][0]["embedding"] == vectors[0]


def test_embedding_dimensions_and_tokens(fake_client: openai_lite.Client) -> None:
    result = fake_client.create_embedding(model="text-embedding-3-small", input="hi", dimensions=20)
    assert len(result.data[0].embedding) == 20
    tokens = fake_client.create_embedding(model="text-embedding-3-small", input=[1, 2, 3])
    assert len(tokens.data) == 1 and tokens.usage.prompt_tokens == 3
    token_lists = fake_client.create_embedding(model="text-embedding-3-small", input=[[1, 2], [3]])
    assert len(token_lists.data) == 2 and token_lists.usage.prompt_tokens == 3


def test_embedding_base64_decodes_to_the_floats(fake_client: openai_lite.Client) -> None:
    inputs = ["one", "two words", "three little words"]
    floats = fake_client.create_embedding(model="text-embedding-3-small", input=inputs, dimensions=12)
    encoded = fake_client.create_embedding(
        model="text-embedding-3-small", input=inputs, dimensions=12, encoding_format="base64"
    )
    for as_floats, as_base64 in zip(floats.data, encoded.data):
        assert isinstance(as_base64.embedding, str)
        raw = base64.b64decode(as_base64.embedding)
        assert len(raw) == 12 * 4
        assert list(struct.unpack("<12f", raw)) == as_floats.embedding


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"model": "text-embedding-3-small", "input": ""}, "input"),
        ({"model": "text-embedding-3-small", "input": []}, "input"),
        ({"model": "text-embedding-3-small", "input": ["ok", 3.5]}, "input"),
        ({"model": "text-embedding-3-small", "input": "x", "encoding_format": "hex"}, "encoding_format"),
        ({"model": "text-embedding-3-small", "input": "x", "dimensions": 0}, "dimensions"),
    ],
)
def test_embedding_invalid_values(fake: FakeServer, body: Dict[str, Any], param: str) -> None:
    assert_error(post(fake, "/embeddings", body), 400, param, "invalid_value")
