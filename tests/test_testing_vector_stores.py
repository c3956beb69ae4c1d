"""Tests of openai_lite/testing/_vector_stores.py: vector stores, their files and file batches, search."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from _fake import assert_error, post

import openai_lite
from openai_lite.testing import FakeServer

RIVERS = b"The Nile is the longest river.\n\nThe Amazon carries the most water of any river."
MOUNTAINS = b"Everest is the highest mountain."


def upload(client: openai_lite.Client, name: str, content: bytes) -> str:
    return client.create_file(file=(name, content), purpose="assistants").id


def test_a_file_is_processed_on_its_next_retrieve(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    store = fake_client.create_vector_store(name="docs", metadata={"team": "a"})
    assert (store.object, store.name, store.status, store.file_counts.total) == ("vector_store", "docs", "completed", 0)
    file_id = upload(fake_client, "rivers.txt", RIVERS)
    added = fake_client.create_vector_store_file(store.id, file_id=file_id, attributes={"topic": "rivers"})
    assert (added.id, added.status, added.usage_bytes, added.vector_store_id) == (file_id, "in_progress", 0, store.id)
    assert [f.status for f in fake_client.list_vector_store_files(store.id)] == ["in_progress"]  # listing: no change
    response = requests.get(f"{fake.base_url}/vector_stores/{store.id}/files/{file_id}", timeout=10)
    assert response.headers["openai-poll-after-ms"] == "10"
    assert (response.json()["status"], response.json()["usage_bytes"]) == ("completed", len(RIVERS))
    refreshed = fake_client.get_vector_store(store.id)
    assert (refreshed.status, refreshed.usage_bytes, refreshed.file_counts.completed) == ("completed", len(RIVERS), 1)
    content = fake_client.retrieve_vector_store_file_content(store.id, file_id)
    assert content.data[0].text == RIVERS.decode()
    updated = fake_client.update_vector_store_file_attributes(store.id, file_id, attributes={"topic": "water"})
    assert updated.attributes == {"topic": "water"}
    assert [f.id for f in fake_client.list_vector_store_files(store.id, filter="completed")] == [file_id]
    assert list(fake_client.list_vector_store_files(store.id, filter="failed")) == []
    assert fake_client.delete_vector_store_file(store.id, file_id).deleted is True
    assert fake_client.get_vector_store(store.id).file_counts.total == 0


def test_a_binary_file_fails(fake_client: openai_lite.Client) -> None:
    store = fake_client.create_vector_store(name="docs")
    file_id = upload(fake_client, "image.png", b"\x89PNG\r\n\x1a\n\xff\xfe")
    fake_client.create_vector_store_file(store.id, file_id=file_id)
    failed = fake_client.get_vector_store_file(store.id, file_id)
    assert failed.status == "failed"
    assert failed.last_error is not None and failed.last_error.code == "unsupported_file"
    assert fake_client.get_vector_store(store.id).file_counts.failed == 1


def test_a_store_created_with_files_completes_as_it_is_polled(fake_client: openai_lite.Client) -> None:
    ids = [upload(fake_client, "rivers.txt", RIVERS), upload(fake_client, "mountains.txt", MOUNTAINS)]
    store = fake_client.create_vector_store(name="docs", file_ids=ids)
    assert (store.status, store.file_counts.in_progress, store.file_counts.total) == ("in_progress", 2, 2)
    polled = fake_client.get_vector_store(store.id)
    assert (polled.status, polled.file_counts.completed) == ("completed", 2)


def test_file_batches(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    store = fake_client.create_vector_store(name="docs")
    ids = [upload(fake_client, "rivers.txt", RIVERS), upload(fake_client, "bin", b"\xff")]
    batch = fake_client.create_vector_store_file_batch(store.id, file_ids=ids, attributes={"source": "test"})
    assert (batch.object, batch.status, batch.file_counts.in_progress) == ("vector_store.files_batch", "in_progress", 2)
    response = requests.get(f"{fake.base_url}/vector_stores/{store.id}/file_batches/{batch.id}", timeout=10)
    assert response.headers["openai-poll-after-ms"] == "10"
    done = response.json()
    assert (done["status"], done["file_counts"]["completed"], done["file_counts"]["failed"]) == ("completed", 1, 1)
    files = list(fake_client.list_files_in_vector_store_batch(store.id, batch.id))
    assert sorted(f.id for f in files) == sorted(ids)
    assert all(f.attributes == {"source": "test"} for f in files)
    per_file = fake_client.create_vector_store_file_batch(
        store.id, files=[{"file_id": ids[0], "attributes": {"own": True}}]
    )
    assert fake_client.get_vector_store_file(store.id, ids[0]).attributes == {"own": True}
    assert per_file.file_counts.total == 1


def test_cancel_a_file_batch(fake_client: openai_lite.Client) -> None:
    store = fake_client.create_vector_store(name="docs")
    batch = fake_client.create_vector_store_file_batch(store.id, file_ids=[upload(fake_client, "a.txt", RIVERS)])
    cancelled = fake_client.cancel_vector_store_file_batch(store.id, batch.id)
    assert (cancelled.status, cancelled.file_counts.cancelled) == ("cancelled", 1)
    assert fake_client.get_vector_store_file_batch(store.id, batch.id).status == "cancelled"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("longest river", [("rivers.txt", 1.0, "The Nile is the longest river."), ("rivers.txt", 0.5, "The Amazon")]),
        (["highest", "mountain"], [("mountains.txt", 1.0, "Everest is the highest mountain.")]),
        ("volcano", []),
    ],
)
def test_search(fake_client: openai_lite.Client, query: Any, expected: Any) -> None:
    store = fake_client.create_vector_store(name="docs")
    for name, content in (("rivers.txt", RIVERS), ("mountains.txt", MOUNTAINS)):
        fake_client.create_vector_store_file(store.id, file_id=upload(fake_client, name, content))
    fake_client.get_vector_store(store.id)  # the files are processed
    page = fake_client.search_vector_store(store.id, query=query)
    assert page.search_query == ([query] if isinstance(query, str) else query)
    found = [(r.filename, r.score, r.content[0].text) for r in page.data]
    assert [(name, score) for name, score, _ in found] == [(name, score) for name, score, _ in expected]
    assert all(text.startswith(start) for (_, _, text), (_, _, start) in zip(found, expected))


def test_stores_list_modify_delete(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    ids = [fake_client.create_vector_store(name=f"s{n}").id for n in range(3)]
    assert [s.id for s in fake_client.list_vector_stores()] == ids[::-1]
    modified = fake_client.modify_vector_store(
        ids[0], name="renamed", expires_after={"anchor": "last_active_at", "days": 2}
    )
    assert (modified.name, modified.expires_at) == ("renamed", 1700000000 + 2 * 86400)
    assert fake_client.delete_vector_store(ids[0]).deleted is True
    assert_error(requests.get(f"{fake.base_url}/vector_stores/{ids[0]}", timeout=10), 404, None, None)


def test_errors(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    store = fake_client.create_vector_store(name="docs")
    base = f"/vector_stores/{store.id}"
    assert_error(post(fake, base + "/files", {}), 400, "file_id", "missing_required_parameter")
    assert_error(post(fake, base + "/files", {"file_id": "file-nope"}), 404, "file_id", None)
    assert_error(post(fake, "/vector_stores", {"file_ids": ["file-nope"]}), 404, "file_ids[0]", None)
    assert_error(post(fake, base + "/file_batches", {}), 400, "file_ids", "missing_required_parameter")
    assert_error(post(fake, base + "/file_batches", {"file_ids": [3]}), 400, "file_ids[0]", "invalid_type")
    assert_error(requests.get(fake.base_url + base + "/files/file-nope", timeout=10), 404, None, None)
    assert_error(post(fake, base + "/search", {}), 400, "query", "missing_required_parameter")
