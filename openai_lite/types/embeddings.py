"""Embeddings: response types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Literal, Union

from .._models import BaseModel


@dataclass
class Embedding(BaseModel):
    """One input's embedding vector (a base64 string when ``encoding_format="base64"``)."""

    embedding: Union[List[float], str]
    index: int
    object: Literal["embedding"]


@dataclass
class EmbeddingUsage(BaseModel):
    """Token counts of an embeddings request."""

    prompt_tokens: int
    total_tokens: int


@dataclass
class CreateEmbeddingResponse(BaseModel):
    """The embeddings of every input, in input order."""

    data: List[Embedding]
    model: str
    object: Literal["list"]
    usage: EmbeddingUsage
