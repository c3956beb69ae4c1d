"""Errors that teach porting from the official SDK (``_porting.py``, and the ``stream=True`` refusal of the
generated methods that have a ``_stream`` twin)."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import traceback
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
from _loopback import LoopbackServer, json_reply

import openai_lite
from openai_lite._api._official import OFFICIAL_NAMES


def attribute_error(client: Any, name: str) -> AttributeError:
    with pytest.raises(AttributeError) as info:
        getattr(client, name)
    return info.value


def shown(error: BaseException) -> str:
    """The error as a traceback prints it (with any "Did you mean" Python adds)."""
    return "".join(traceback.format_exception_only(type(error), error))


# ---------------------------------------------------------------------------
# The official SDK's namespaces
# ---------------------------------------------------------------------------

NAMESPACES = sorted({official.split(".")[0] for official in OFFICIAL_NAMES})


def test_the_namespaces() -> None:
    assert {"chat", "responses", "files", "beta", "audio", "images", "embeddings", "admin"} <= set(NAMESPACES)


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_a_namespace_names_its_flat_methods(client: Any, namespace: str) -> None:
    error = attribute_error(client, namespace)
    text = str(error)
    assert f"no client.{namespace} namespace" in text
    listed = [line.split(" -> client.")[1][: -len("(...)")] for line in text.splitlines() if " -> client." in line]
    assert listed and all(callable(getattr(openai_lite.Client, name)) for name in listed)
    if len(listed) < 25:  # (a long list is cut, pointing to API.md)
        assert len(listed) == sum(1 for official in OFFICIAL_NAMES if official.split(".")[0] == namespace)
    assert not hasattr(client, namespace)


@pytest.mark.parametrize(
    ("namespace", "line"),
    [
        ("chat", "client.chat.completions.create(...) -> client.create_chat_completion(...)"),
        ("responses", "client.responses.create(...) -> client.create_response(...)"),
        ("chat", "client.chat.completions.parse(...) -> client.parse_chat_completion(...)"),
        ("responses", "client.responses.stream(...) -> client.parse_response_stream(...)"),
        ("files", "client.files.content(...) -> client.download_file(...)"),
        ("embeddings", "client.embeddings.create(...) -> client.create_embedding(...)"),
        ("beta", "client.beta.assistants.create(...) -> client.create_assistant(...)"),
    ],
)
def test_the_common_calls(client: Any, namespace: str, line: str) -> None:
    assert line in str(attribute_error(client, namespace))


# ---------------------------------------------------------------------------
# Names close to an official call
# ---------------------------------------------------------------------------

SUGGESTIONS = [
    # Python's own guess by spelling would be list_fine_tuning_events.
    ("list_fine_tuning_jobs", "list_paginated_fine_tuning_jobs", "fine_tuning.jobs.list"),
    ("create_chat_completions", "create_chat_completion", "chat.completions.create"),
    ("chat_completions_create", "create_chat_completion", "chat.completions.create"),
    ("create_embeddings", "create_embedding", "embeddings.create"),
    ("content_files", "download_file", "files.content"),
    ("generate_images", "create_image", "images.generate"),
    ("create_assistants", "create_assistant", "beta.assistants.create"),
    ("create_speech_audio", "create_speech", "audio.speech.create"),
    ("create_response_stream_x", "create_response_stream", None),  # any method of the client, by spelling
    ("upload_files", "upload_file", None),
]


@pytest.mark.parametrize(("name", "method", "official"), SUGGESTIONS)
def test_a_close_name_suggests_the_flat_method(client: Any, name: str, method: str, official: Optional[str]) -> None:
    error = attribute_error(client, name)
    where = f" (the official SDK's client.{official}())" if official else ""
    assert str(error).endswith(f"Did you mean client.{method}(){where}?")
    # ... and only ours: Python's guess by spelling would point elsewhere.
    assert shown(error).count("Did you mean") == 1


@pytest.mark.parametrize("name", ["no_such_thing", "_private", "__deepcopy__", "xyz"])
def test_an_unrelated_name_is_a_plain_attribute_error(client: Any, name: str) -> None:
    error = attribute_error(client, name)
    assert str(error) == f"'Client' object has no attribute {name!r}"


def test_the_table_loads_only_on_such_an_error(server: LoopbackServer) -> None:
    code = f"""
import sys
import openai_lite
client = openai_lite.Client(api_key="sk-test", base_url="{server.url}/v1", max_retries=0)
client.list_models
client.create_embedding
assert "openai_lite._api._official" not in sys.modules
try:
    client.chat
except AttributeError:
    pass
assert "openai_lite._api._official" in sys.modules
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------------------
# stream=True on a method with a _stream twin
# ---------------------------------------------------------------------------

TWINNED = sorted(
    name
    for name in dir(openai_lite.Client)
    if hasattr(openai_lite.Client, name + "_stream") and not name.startswith("_") and name != "create_speech"
)


def test_the_methods_that_refuse_stream() -> None:
    assert len(TWINNED) == 12
    assert {"create_chat_completion", "create_response", "create_run", "create_transcription"} <= set(TWINNED)
    assert {"parse_chat_completion", "parse_response"} <= set(TWINNED)  # (generated like the others)


def minimal_arguments(name: str) -> Dict[str, Any]:
    import inspect

    params = list(inspect.signature(getattr(openai_lite.Client, name)).parameters.values())[1:]
    args: Dict[str, Any] = {}
    for p in params:
        if p.default is p.empty:
            args[p.name] = ("a.txt", b"x", "text/plain") if p.name == "file" else "x"
    return args


@pytest.mark.parametrize("name", TWINNED)
def test_stream_true_names_the_twin(server: LoopbackServer, client: Any, name: str) -> None:
    with pytest.raises(TypeError) as info:
        getattr(client, name)(**minimal_arguments(name), stream=True)
    assert f"{name}() does not stream: call {name}_stream(...)" in str(info.value)
    assert not server.requests  # refused before anything is sent


def test_stream_false_is_accepted_and_not_sent(server: LoopbackServer, client: Any) -> None:
    server.reply(json_reply({"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": []}))
    client.create_chat_completion(model="m", messages=[{"role": "user", "content": "hi"}], stream=False)
    assert "stream" not in server.last_request.json()


def test_positional_use_is_not_affected(make_client: Callable[..., Any]) -> None:
    # (Nothing else changed: the official-style call fails on its first attribute, with the hint.)
    client = make_client()
    calls: List[str] = []
    with pytest.raises(AttributeError, match="create_chat_completion"):
        calls.append(client.chat.completions.create)
    assert not calls


# ---------------------------------------------------------------------------
# The README's porting table says what the code does
# ---------------------------------------------------------------------------

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
ROW = re.compile(r"^\| `client\.([\w.]+)\((.*?)\)`.*? \| `client\.(\w+)\(")


def porting_rows() -> List[Tuple[str, str, str]]:
    section = README.read_text("utf-8").split("## Coming from the official SDK", 1)[1].split("\n## ", 1)[0]
    return [m.groups() for m in map(ROW.match, section.splitlines()) if m]  # type: ignore[misc]


def test_the_readme_table_has_the_20_calls() -> None:
    assert len(porting_rows()) == 20


@pytest.mark.parametrize(("official", "arguments", "method"), porting_rows())
def test_the_readme_table_row(official: str, arguments: str, method: str) -> None:
    if official.endswith(".parse"):  # structured outputs: helpers of their own (issue 11), not operations
        if not hasattr(openai_lite.Client, method):
            pytest.skip(f"{method} comes with the structured-outputs branch")
        return
    flat = OFFICIAL_NAMES[official]
    assert method == (flat + "_stream" if "stream=True" in arguments else flat)
    assert callable(getattr(openai_lite.Client, method))
