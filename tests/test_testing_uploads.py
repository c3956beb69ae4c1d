"""Tests of openai_lite/testing/_uploads.py: the Uploads API on the FakeServer."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from typing import Any

import pytest
import requests
from _fake import assert_error, post

import openai_lite
from openai_lite.testing import FakeServer

CONTENT = b'{"custom_id": "1"}\n' * 1000


def add_part(fake: FakeServer, upload_id: str, data: bytes) -> requests.Response:
    return requests.post(
        f"{fake.base_url}/uploads/{upload_id}/parts",
        files={"data": ("blob", data, "application/octet-stream")},
        timeout=10,
    )


def create(fake: FakeServer, size: int = len(CONTENT)) -> Any:
    body = {"filename": "big.jsonl", "purpose": "batch", "bytes": size, "mime_type": "application/jsonl"}
    return post(fake, "/uploads", body).json()


def test_parts_complete_into_a_file(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    upload = create(fake)
    assert (upload["object"], upload["status"], upload["file"], upload["bytes"]) == (
        "upload",
        "pending",
        None,
        len(CONTENT),
    )
    half = len(CONTENT) // 2
    second = add_part(fake, upload["id"], CONTENT[half:]).json()
    first = add_part(fake, upload["id"], CONTENT[:half]).json()
    assert (first["object"], first["upload_id"]) == ("upload.part", upload["id"])
    md5 = hashlib.md5(CONTENT).hexdigest()
    done = post(fake, f"/uploads/{upload['id']}/complete", {"part_ids": [first["id"], second["id"]], "md5": md5}).json()
    assert done["status"] == "completed"
    file = done["file"]
    assert (file["filename"], file["purpose"], file["bytes"]) == ("big.jsonl", "batch", len(CONTENT))
    assert fake_client.download_file(file["id"]).content == CONTENT  # the parts in the order given
    assert_error(post(fake, f"/uploads/{upload['id']}/cancel", {}), 400, None, None)  # completed: final


def test_the_clients_upload_file_helper(fake_client: openai_lite.Client) -> None:
    file = fake_client.upload_file(io.BytesIO(CONTENT), purpose="batch", filename="big.jsonl", part_size=4096)
    assert (file.bytes, file.filename) == (len(CONTENT), "big.jsonl")
    assert fake_client.download_file(file.id).content == CONTENT


def test_a_failed_part_cancels_the_upload(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    fake.queue_reply("/uploads/upload_fake_1/parts", {"error": {"message": "boom"}}, status=400)
    with pytest.raises(openai_lite.BadRequestError):
        fake_client.upload_file(io.BytesIO(CONTENT), purpose="batch", filename="big.jsonl", part_size=4096)
    assert [r.path for r in fake.requests][-1] == "/v1/uploads/upload_fake_1/cancel"
    assert_error(add_part(fake, "upload_fake_1", b"x"), 400, None, None)  # cancelled


@pytest.mark.parametrize(
    ("body", "status", "param", "code"),
    [
        ({"part_ids": ["part_fake_1"]}, 400, "part_ids", "invalid_value"),  # too few bytes
        ({"part_ids": ["part_nope"]}, 400, "part_ids[0]", "invalid_value"),
        ({"part_ids": [1]}, 400, "part_ids[0]", "invalid_type"),
        ({}, 400, "part_ids", "missing_required_parameter"),
        ({"part_ids": ["part_fake_1", "part_fake_1"], "md5": "0" * 32}, 400, "md5", "invalid_value"),
    ],
)
def test_complete_errors(fake: FakeServer, body: Any, status: int, param: str, code: str) -> None:
    upload = create(fake, size=4)
    add_part(fake, upload["id"], b"ab")
    assert_error(post(fake, f"/uploads/{upload['id']}/complete", body), status, param, code)


def test_create_errors(fake: FakeServer) -> None:
    good = {"filename": "a", "purpose": "batch", "bytes": 1, "mime_type": "text/plain"}
    for key in good:
        assert_error(
            post(fake, "/uploads", {k: v for k, v in good.items() if k != key}), 400, key, "missing_required_parameter"
        )
    assert_error(post(fake, "/uploads", {**good, "purpose": "fun"}), 400, "purpose", "invalid_value")
    assert_error(post(fake, "/uploads", {**good, "bytes": 9 * 1024**3}), 400, "bytes", "invalid_value")
    assert_error(add_part(fake, "upload_nope", b"x"), 404, "upload_id", None)


def test_the_upload_example_runs_on_the_fake_server() -> None:
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("OPENAI_")}
    env["PYTHONPATH"] = repo
    result = subprocess.run(
        [sys.executable, os.path.join(repo, "examples", "upload_progress.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Uploaded as file-fake-1" in result.stdout and ": identical" in result.stdout
