"""The pytest fixtures ``fake_server`` and ``fake_client``, for ``pytest -p openai_lite.testing``.

``openai_lite.testing`` registers this module when pytest loads it as a plugin (``-p
openai_lite.testing`` on the command line, ``addopts``, or ``pytest_plugins =
["openai_lite.testing"]`` in a conftest.py); nothing else imports it, so the fake itself
needs no pytest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

from ._server import FakeServer

if TYPE_CHECKING:
    from .. import Client


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """A started :class:`FakeServer` of its own for the test, stopped after it.

    To change its options, define a ``fake_server`` fixture of your own (``fake_client`` uses it).
    """
    with FakeServer() as server:
        yield server


@pytest.fixture
def fake_client(fake_server: FakeServer) -> Iterator[Client]:
    """An ``openai_lite.Client`` pointed at ``fake_server``; its retries wait milliseconds, not seconds."""
    from .. import Client

    with Client(
        api_key="sk-fake", base_url=fake_server.base_url, initial_retry_delay=0.001, max_retry_delay=0.01
    ) as client:
        yield client
