"""Tests of openai_lite/testing/_models.py: the models the FakeServer knows."""

from __future__ import annotations

import pytest
import requests

import openai_lite
from openai_lite.testing import FakeServer


def test_models(fake_client: openai_lite.Client) -> None:
    models = list(fake_client.list_models())
    ids = [model.id for model in models]
    assert {"gpt-4o-mini", "text-embedding-3-small", "fake-model"} <= set(ids)
    assert all(model.object == "model" and model.created == 1700000000 for model in models)

    model = fake_client.retrieve_model("fake-model")
    assert (model.id, model.owned_by) == ("fake-model", "openai-lite")

    deleted = fake_client.delete_model("fake-model")
    assert (deleted.id, deleted.deleted, deleted.object) == ("fake-model", True, "model")
    assert "fake-model" not in [m.id for m in fake_client.list_models()]
    with pytest.raises(openai_lite.NotFoundError):
        fake_client.delete_model("fake-model")


def test_models_are_per_server(fake_client: openai_lite.Client) -> None:
    fake_client.delete_model("gpt-4o-mini")
    with FakeServer() as other:
        assert requests.get(other.base_url + "/models/gpt-4o-mini", timeout=10).json()["id"] == "gpt-4o-mini"
