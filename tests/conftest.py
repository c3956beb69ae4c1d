"""Shared fixtures: a real loopback HTTP server per test and clients pointed at it."""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Dict, Iterator, List

import pytest

# Make `import _loopback` work whatever pytest's --import-mode (prepend already does this).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _loopback import LoopbackServer

# The fixtures of the FakeServer's tests (tests/test_testing_*.py): fake, fake_client.
pytest_plugins = ["_fake"]

# Variables that would otherwise leak the developer's configuration into the client
# under test. Proxy variables are cleared too: requests honours them even for
# 127.0.0.1 unless NO_PROXY happens to cover it.
_ENV_PREFIXES = ("OPENAI_", "AZURE_OPENAI_")
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith(_ENV_PREFIXES) or name.upper() in _PROXY_VARS:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A fresh :class:`LoopbackServer`; the test fails at teardown if it recorded errors."""
    srv = LoopbackServer()
    yield srv
    srv.close()
    if srv.errors:
        pytest.fail("loopback server errors:\n" + "\n".join(srv.errors), pytrace=False)


@pytest.fixture
def make_client(server: LoopbackServer) -> Iterator[Callable[..., Any]]:
    """Factory ``make_client(**kwargs)`` for ``openai_lite.Client`` pointed at ``server``.

    Defaults: ``api_key="sk-test-key"``, ``base_url=server.url + "/v1"``, ``max_retries=0``;
    any of them can be overridden. Every client made is closed at teardown.
    """
    made: List[Any] = []

    def make(**kwargs: Any) -> Any:
        import openai_lite  # lazily: the fixture must not break collection if the client is broken

        options: Dict[str, Any] = {"api_key": "sk-test-key", "base_url": server.url + "/v1", "max_retries": 0}
        options.update(kwargs)
        client = openai_lite.Client(**options)
        made.append(client)
        return client

    yield make
    for client in reversed(made):
        client.close()


@pytest.fixture
def client(make_client: Callable[..., Any]) -> Any:
    """``openai_lite.Client`` with the ``make_client`` defaults (closed at teardown)."""
    return make_client()


_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="session")
def wheelhouse() -> str:
    """A folder of pure-Python wheels (the runtime dependencies, setuptools) to build and install from offline.

    ``$OPENAI_LITE_WHEELHOUSE``, else ``.ci/.wheelhouse`` (``.ci/wheelhouse.sh`` downloads it). Without
    one the test skips, or fails where it must run (``CI`` or ``OPENAI_LITE_REQUIRE_WHEELHOUSE`` set).
    """
    folder = os.environ.get("OPENAI_LITE_WHEELHOUSE") or os.path.join(_ROOT, ".ci", ".wheelhouse")
    if os.path.isdir(folder) and any(name.endswith(".whl") for name in os.listdir(folder)):
        return folder
    message = f"no wheels in {folder}: run .ci/wheelhouse.sh (needs PyPI) or set OPENAI_LITE_WHEELHOUSE"
    required = (os.environ.get(name, "").strip().lower() for name in ("CI", "OPENAI_LITE_REQUIRE_WHEELHOUSE"))
    if any(value not in ("", "0", "false", "no") for value in required):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
