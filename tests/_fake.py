"""Helpers shared by the tests of openai_lite.testing (one test module per module of the package).

``tests/conftest.py`` loads this module as a plugin, so its fixtures (``fake``, ``fake_client``) are
available to every test.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List

import pytest
import requests

import openai_lite
from openai_lite.testing import FakeServer

USER_HELLO: Any = [{"role": "user", "content": "Hello there"}]
WEATHER_TOOL: Any = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
            "required": ["location"],
        },
    },
}
TIME_TOOL: Any = {
    "type": "function",
    "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}},
}


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server


@pytest.fixture
def fake_client(fake: FakeServer) -> Iterator[openai_lite.Client]:
    with openai_lite.Client(api_key="sk-fake", base_url=fake.base_url, max_retries=0) as client:
        yield client


def post(fake: FakeServer, path: str, body: Any) -> requests.Response:
    return requests.post(fake.base_url + path, json=body, timeout=10)


def get(fake: FakeServer, path: str, **params: Any) -> requests.Response:
    return requests.get(fake.base_url + path, params=params, timeout=10)


def assert_error(response: requests.Response, status: int, param: Any, code: Any) -> Dict[str, Any]:
    """Check an error answer's status and exact shape; return its error object."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["error"]
    error: Dict[str, Any] = body["error"]
    assert sorted(error) == ["code", "message", "param", "type"]
    assert isinstance(error["message"], str) and error["message"]
    assert error["type"] == "invalid_request_error"
    assert (error["param"], error["code"]) == (param, code)
    return error


def sse_events(fake: FakeServer, path: str, body: Dict[str, Any]) -> List[openai_lite.ServerSentEvent]:
    """The events of a streamed answer, read with plain requests."""
    with requests.post(fake.base_url + path, json=body, stream=True, timeout=10) as response:
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert response.headers["Transfer-Encoding"] == "chunked"
        return list(openai_lite.iter_sse(response.iter_content(chunk_size=None)))
