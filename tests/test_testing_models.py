"""Tests of openai_lite/testing/_models.py: the models the FakeServer knows."""

from __future__ import annotations

from typing import Any, Dict

import pytest
import requests
from _fake import USER_HELLO, assert_error, post

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


# Every endpoint that takes a model, with the rest of a valid body.
MODEL_ENDPOINTS = [
    ("/chat/completions", {"messages": USER_HELLO}),
    ("/completions", {"prompt": "Hi"}),
    ("/responses", {"input": "Hi"}),
    ("/embeddings", {"input": "Hi"}),
    ("/moderations", {"input": "Hi"}),
    ("/audio/speech", {"input": "Hi", "voice": "alloy"}),
    ("/images/generations", {"prompt": "a dot"}),
    ("/assistants", {}),
]


@pytest.mark.parametrize(("path", "body"), MODEL_ENDPOINTS, ids=[path for path, _ in MODEL_ENDPOINTS])
def test_an_unknown_model_is_not_found_everywhere(fake: FakeServer, path: str, body: Dict[str, Any]) -> None:
    error = assert_error(post(fake, path, {**body, "model": "gpt-9"}), 404, None, "model_not_found")
    assert error["message"] == "The model `gpt-9` does not exist or you do not have access to it."
    assert post(
        fake, path, body if path in ("/moderations", "/images/generations") else {**body, "model": "fake-model"}
    ).ok


@pytest.mark.parametrize(("path", "body"), MODEL_ENDPOINTS, ids=[path for path, _ in MODEL_ENDPOINTS])
def test_accept_any_model(path: str, body: Dict[str, Any]) -> None:
    with FakeServer(accept_any_model=True) as fake:
        assert post(fake, path, {**body, "model": "my-local-llama"}).status_code == 200


def test_a_run_with_an_unknown_model(fake: FakeServer) -> None:
    assistant = post(fake, "/assistants", {"model": "gpt-4o-mini"}).json()
    body = {"assistant_id": assistant["id"], "model": "gpt-9", "thread": {"messages": USER_HELLO}}
    assert_error(post(fake, "/threads/runs", body), 404, None, "model_not_found")


def test_the_models_a_server_knows_are_configurable(fake_client: openai_lite.Client) -> None:
    with FakeServer(models=["mine-1", "mine-2"]) as fake:
        with openai_lite.Client(api_key="k", base_url=fake.base_url, max_retries=0) as client:
            assert [m.id for m in client.list_models()] == ["mine-1", "mine-2"]
            assert client.create_chat_completion(model="mine-1", messages=USER_HELLO).model == "mine-1"
            with pytest.raises(openai_lite.NotFoundError) as info:
                client.create_chat_completion(model="gpt-4o-mini", messages=USER_HELLO)
            assert info.value.code == "model_not_found"
    assert [m.id for m in fake_client.list_models()] == list(FakeServer.MODELS)


def test_a_deleted_model_is_not_found(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    fake_client.delete_model("fake-model")
    with pytest.raises(openai_lite.NotFoundError):
        fake_client.create_chat_completion(model="fake-model", messages=USER_HELLO)
