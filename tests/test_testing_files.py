"""Tests of openai_lite/testing/_files.py: files on the FakeServer."""

from __future__ import annotations

from typing import Any, Dict

import requests
from _fake import assert_error, post

from openai_lite.testing import FakeServer


def upload(fake: FakeServer, name: str, content: bytes, purpose: str = "batch") -> Dict[str, Any]:
    response = requests.post(
        fake.base_url + "/files",
        files={"file": (name, content, "application/jsonl")},
        data={"purpose": purpose},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    result: Dict[str, Any] = response.json()
    return result


def test_files_round_trip(fake: FakeServer) -> None:
    content = b'{"custom_id": "1"}\r\n{"custom_id": "2"}\n\xff\x00binary--'
    file = upload(fake, "a.jsonl", content)
    assert file == {
        "id": "file-fake-1",
        "object": "file",
        "bytes": len(content),
        "created_at": 1700000000,
        "filename": "a.jsonl",
        "purpose": "batch",
        "status": "processed",
    }
    assert isinstance(fake.requests[0].body, bytes)  # multipart is recorded raw
    base = fake.base_url + "/files/file-fake-1"
    assert requests.get(base, timeout=10).json() == file
    downloaded = requests.get(base + "/content", timeout=10)
    assert downloaded.content == content
    assert downloaded.headers["Content-Type"] == "application/octet-stream"
    listed = requests.get(fake.base_url + "/files", timeout=10).json()
    assert listed == {
        "object": "list",
        "data": [file],
        "first_id": "file-fake-1",
        "last_id": "file-fake-1",
        "has_more": False,
    }

    assert requests.delete(base, timeout=10).json() == {"id": "file-fake-1", "object": "file", "deleted": True}
    error = assert_error(requests.get(base, timeout=10), 404, "id", None)
    assert error["message"] == "No such File object: file-fake-1"
    assert_error(requests.get(base + "/content", timeout=10), 404, "id", None)
    assert_error(requests.delete(base, timeout=10), 404, "id", None)
    assert requests.get(fake.base_url + "/files", timeout=10).json()["data"] == []


def test_files_list_paging(fake: FakeServer) -> None:
    ids = [upload(fake, f"{n}.jsonl", b"{}\n", "fine-tune" if n == 2 else "batch")["id"] for n in range(4)]
    url = fake.base_url + "/files"
    page = requests.get(url, params={"limit": 2}, timeout=10).json()
    assert [f["id"] for f in page["data"]] == ids[::-1][:2]  # newest first
    assert (page["first_id"], page["last_id"], page["has_more"]) == (ids[3], ids[2], True)
    rest = requests.get(url, params={"limit": 2, "after": page["last_id"]}, timeout=10).json()
    assert [f["id"] for f in rest["data"]] == [ids[1], ids[0]]
    assert rest["has_more"] is False
    ascending = requests.get(url, params={"order": "asc"}, timeout=10).json()
    assert [f["id"] for f in ascending["data"]] == ids
    fine_tune = requests.get(url, params={"purpose": "fine-tune"}, timeout=10).json()
    assert [f["id"] for f in fine_tune["data"]] == [ids[2]]
    assert_error(requests.get(url, params={"limit": 0}, timeout=10), 400, "limit", "invalid_value")


def test_file_upload_errors(fake: FakeServer) -> None:
    url = fake.base_url + "/files"
    no_type = requests.post(url, files={"file": ("a.jsonl", b"{}")}, data={"purpose": "batch"}, timeout=10)
    assert_error(no_type, 400, "file", "invalid_value")
    no_purpose = requests.post(url, files={"file": ("a.jsonl", b"{}", "application/jsonl")}, timeout=10)
    assert_error(no_purpose, 400, "purpose", "missing_required_parameter")
    no_file = requests.post(url, files={"other": ("a", b"x", "text/plain")}, data={"purpose": "batch"}, timeout=10)
    assert_error(no_file, 400, "file", "missing_required_parameter")
    bad_purpose = requests.post(url, files={"file": ("a", b"x", "text/plain")}, data={"purpose": "fun"}, timeout=10)
    assert_error(bad_purpose, 400, "purpose", "invalid_value")
    assert_error(post(fake, "/files", {"purpose": "batch"}), 400, None, None)  # JSON, not multipart
