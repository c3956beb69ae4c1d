"""Tests of openai_lite/testing/_common.py: what every area shares (multipart parsing, list pages, field checks)."""

from __future__ import annotations

from typing import Any, Dict

import pytest
import requests
from _fake import assert_error, get

from openai_lite.testing import FakeServer

BOUNDARY = "b0undary"


def raw_post(fake: FakeServer, path: str, body: bytes, content_type: str) -> requests.Response:
    return requests.post(fake.base_url + path, data=body, headers={"Content-Type": content_type}, timeout=10)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"--b0undary\r\n", f"multipart/form-data; boundary={BOUNDARY}", "no closing boundary"),
        (b"--b0undary\r\nno blank line--b0undary--\r\n", f"multipart/form-data; boundary={BOUNDARY}", "malformed"),
        (b"anything", "multipart/form-data", "expected multipart/form-data"),  # no boundary
        (b"{}", "application/json", "expected multipart/form-data"),
    ],
)
def test_malformed_multipart_is_a_400(fake: FakeServer, body: bytes, content_type: str, message: str) -> None:
    error = assert_error(raw_post(fake, "/files", body, content_type), 400, None, None)
    assert message in error["message"]


def test_repeated_multipart_fields_are_kept(fake: FakeServer) -> None:
    # timestamp_granularities[] repeats: both values count.
    files: Any = [
        ("file", ("a.wav", b"RIFF", "audio/wav")),
        ("model", (None, "whisper-1")),
        ("response_format", (None, "verbose_json")),
        ("timestamp_granularities[]", (None, "segment")),
        ("timestamp_granularities[]", (None, "word")),
    ]
    data = requests.post(fake.base_url + "/audio/transcriptions", files=files, timeout=10).json()
    assert "words" in data


def upload(fake: FakeServer, n: int) -> str:
    files = {"file": (f"{n}.txt", b"x", "text/plain")}
    file_id: str = requests.post(fake.base_url + "/files", files=files, data={"purpose": "batch"}, timeout=10).json()[
        "id"
    ]
    return file_id


@pytest.mark.parametrize(
    ("params", "expected", "has_more"),
    [
        ({}, [4, 3, 2, 1, 0], False),
        ({"order": "asc"}, [0, 1, 2, 3, 4], False),
        ({"limit": "2"}, [4, 3], True),
        ({"limit": "2", "after": 3}, [2, 1], True),
        ({"order": "asc", "after": 3}, [4], False),
        ({"before": 2}, [4, 3], False),
        ({"after": "file-nope"}, [], False),
    ],
)
def test_list_pages(fake: FakeServer, params: Dict[str, Any], expected: Any, has_more: bool) -> None:
    ids = [upload(fake, n) for n in range(5)]
    query = {k: ids[v] if k in ("after", "before") and isinstance(v, int) else v for k, v in params.items()}
    page = get(fake, "/files", **query).json()
    assert [ids.index(item["id"]) for item in page["data"]] == expected
    assert page["has_more"] is has_more
    assert (page["first_id"], page["last_id"]) == ((ids[expected[0]], ids[expected[-1]]) if expected else (None, None))


@pytest.mark.parametrize(
    ("params", "param"), [({"limit": "0"}, "limit"), ({"limit": "x"}, "limit"), ({"order": "up"}, "order")]
)
def test_list_page_errors(fake: FakeServer, params: Dict[str, str], param: str) -> None:
    assert_error(get(fake, "/batches", **params), 400, param, "invalid_value")


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        ({"model": "gpt-4o-mini", "messages": [], "n": True}, "messages", "invalid_value"),
        ({"model": 4, "messages": []}, "model", "invalid_type"),
        ({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}], "n": True}, "n", "invalid_type"),
        ({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}], "n": 0}, "n", "invalid_value"),
        (
            {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}], "stream": "yes"},
            "stream",
            "invalid_type",
        ),
    ],
)
def test_field_checks(fake: FakeServer, body: Dict[str, Any], param: str, code: str) -> None:
    assert_error(requests.post(fake.base_url + "/chat/completions", json=body, timeout=10), 400, param, code)
