"""Models: response types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Literal

from .._models import BaseModel


@dataclass
class Model(BaseModel):
    """A model the API offers."""

    id: str
    created: int
    object: Literal["model"]
    owned_by: str


@dataclass
class ListModelsResponse(BaseModel):
    """Every model the key may use."""

    object: Literal["list"]
    data: List[Model]


@dataclass
class DeleteModelResponse(BaseModel):
    """The outcome of deleting a fine-tuned model."""

    id: str
    deleted: bool
    object: str
