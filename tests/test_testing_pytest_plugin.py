"""Tests of openai_lite/testing/_pytest_plugin.py: the fixtures, and the README's "Testing your code" snippets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any, Dict

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_pytest(folder: Any, files: Dict[str, str], *options: str) -> subprocess.CompletedProcess[str]:
    """Run pytest on ``files`` (name -> source) written to ``folder``, with this checkout importable."""
    for name, source in files.items():
        (folder / name).write_text(source)
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("OPENAI_") and k != "PYTHONPATH"}
    env["PYTHONPATH"] = REPO_ROOT
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options],
        cwd=str(folder),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


FIXTURE_TEST = """
from openai_lite.testing import FakeServer

def test_fixtures(fake_server, fake_client):
    assert isinstance(fake_server, FakeServer)
    assert fake_client.base_url == fake_server.base_url
    fake_server.fail_next(500, times=2)
    reply = fake_client.create_chat_completion(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    assert reply.choices[0].message.content == "You said: Hi"
    assert len(fake_server.requests) == 3  # two failures, retried at once

servers = []

def test_each_test_gets_its_own_server(fake_server):
    servers.append(fake_server.base_url)
    assert not fake_server.requests

def test_and_another(fake_server):
    servers.append(fake_server.base_url)
    assert len(set(servers)) == 2
"""


@pytest.mark.parametrize(
    ("how", "files", "options"),
    [
        ("-p", {"test_it.py": FIXTURE_TEST}, ["-p", "openai_lite.testing"]),
        ("conftest", {"conftest.py": 'pytest_plugins = ["openai_lite.testing"]\n', "test_it.py": FIXTURE_TEST}, []),
        (
            "both",
            {"conftest.py": 'pytest_plugins = ["openai_lite.testing"]\n', "test_it.py": FIXTURE_TEST},
            ["-p", "openai_lite.testing"],
        ),
    ],
)
def test_the_plugin_gives_the_fixtures(tmp_path: Any, how: str, files: Dict[str, str], options: Any) -> None:
    result = run_pytest(tmp_path, files, *options)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_without_the_plugin_there_are_no_fixtures(tmp_path: Any) -> None:
    result = run_pytest(tmp_path, {"test_it.py": FIXTURE_TEST})
    assert result.returncode != 0 and "fixture 'fake_server' not found" in result.stdout


def test_a_fake_server_fixture_of_your_own_is_used_by_fake_client(tmp_path: Any) -> None:
    conftest = """
import pytest
from openai_lite.testing import FakeServer

pytest_plugins = ["openai_lite.testing"]

@pytest.fixture
def fake_server():
    with FakeServer(accept_any_model=True) as server:
        yield server
"""
    test = """
def test_any_model(fake_client):
    assert fake_client.create_embedding(model="my-local-model", input="x").model == "my-local-model"
"""
    result = run_pytest(tmp_path, {"conftest.py": conftest, "test_it.py": test})
    assert result.returncode == 0, result.stdout + result.stderr


def test_importing_the_fake_does_not_import_pytest() -> None:
    code = "import sys, openai_lite.testing; assert 'pytest' not in sys.modules and '_pytest' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT, timeout=60)


def readme_section() -> str:
    with open(os.path.join(REPO_ROOT, "README.md"), encoding="utf-8") as readme:
        text = readme.read()
    return text.split("## Testing your code", 1)[1].split("\n## ", 1)[0]


def test_the_readme_snippets_run(tmp_path: Any) -> None:
    blocks = re.findall(r"```python\n(.*?)```", readme_section(), re.DOTALL)
    conftest = "\n".join(b for b in blocks if b.startswith("# conftest.py"))
    tests = "\n".join(b for b in blocks if not b.startswith("# conftest.py"))
    assert conftest.count("# conftest.py") == 2 and tests.count("\ndef test_") >= 4
    result = run_pytest(tmp_path, {"conftest.py": conftest, "test_readme.py": tests}, "-W", "error")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{tests.count('def test_')} passed" in result.stdout


TYPED_TEST = """
from __future__ import annotations

import openai_lite
from openai_lite.testing import FakeServer, RecordedRequest


def test_typed(fake_server: FakeServer, fake_client: openai_lite.Client) -> None:
    fake_server.fail_next(429, times=1, body=None, headers={"retry-after-ms": "1"})
    fake_server.stall_next(0.01)
    fake_server.reset_next()
    fake_server.cut_stream_next(2)
    fake_server.queue_reply("/models", {"object": "list", "data": []}, status=200, headers=None, method="GET", times=1)
    reply = fake_client.create_chat_completion(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    first: RecordedRequest = fake_server.requests[0]
    assert first.method == "POST" and isinstance(first.body, dict)
    assert reply.choices[0].message.content == "You said: Hi"  # the 429 retried; the retry stalled, then answered


def test_options() -> None:
    with FakeServer(models=["m"], accept_any_model=False, finish_at_once=True, poll_after_ms=None) as server:
        assert server.base_url.endswith("/v1")
"""


def test_mypy_strict_accepts_a_typed_test(tmp_path: Any) -> None:
    pytest.importorskip("mypy", reason="mypy is not installed for this Python")
    (tmp_path / "test_typed.py").write_text(TYPED_TEST)
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    env["MYPYPATH"] = REPO_ROOT
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(tmp_path / "cache"),
         str(tmp_path / "test_typed.py")],
        cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = run_pytest(tmp_path, {}, "-p", "openai_lite.testing", "test_typed.py")
    assert result.returncode == 0 and "2 passed" in result.stdout, result.stdout + result.stderr
