"""Tests of logging: the ``openai_lite`` logger, the ``OPENAI_LOG`` switch, what is logged at INFO and DEBUG, and
that the API key never is.

The switch is also checked in a fresh interpreter (a subprocess talking to the loopback server), since whether
importing the package configures logging can only be seen before anything else imported it.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import textwrap
from typing import Any, Callable, Iterator, List

import pytest
from _loopback import LoopbackServer, json_reply, reset_reply

import openai_lite

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = "sk-proj-LOGSECRET-5a4b3c2d1e"
BODY_MARKER = "owner-marker-7f3a"  # only ever in the response body
MODEL = {"id": "gpt-log", "object": "model", "created": 1, "owned_by": BODY_MARKER}
ELAPSED = re.compile(r"\b\d+(\.\d+)? ?(ms|s)\b")


@pytest.fixture
def library_logger() -> Iterator[logging.Logger]:
    """The ``openai_lite`` logger, given back at teardown exactly as it was (handlers, level, propagation), as are
    the root logger's handlers (pytest's own included), which a test may remove to see what happens without them."""
    log = logging.getLogger("openai_lite")
    root = logging.getLogger()
    handlers, level, propagate, root_handlers = log.handlers[:], log.level, log.propagate, root.handlers[:]
    yield log
    for handler in log.handlers:
        if handler not in handlers:
            handler.close()
    log.handlers[:] = handlers
    log.setLevel(level)
    log.propagate = propagate
    root.handlers[:] = root_handlers


def messages(caplog: pytest.LogCaptureFixture) -> List[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("openai_lite")]


# ---------------------------------------------------------------------------
# The OPENAI_LOG switch
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "level"),
    [("info", logging.INFO), ("debug", logging.DEBUG), ("DEBUG", logging.DEBUG), (" Info ", logging.INFO)],
)
def test_openai_log_adds_a_handler_when_a_client_is_created(
    library_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch, value: str, level: int
) -> None:
    library_logger.handlers[:] = []
    logging.getLogger().handlers[:] = []  # (pytest's capture handlers included)
    monkeypatch.setenv("OPENAI_LOG", value)
    assert library_logger.handlers == []  # setting the variable does nothing by itself
    openai_lite.Client(api_key="sk-x").close()
    assert len(library_logger.handlers) == 1
    assert library_logger.level == level
    openai_lite.Client(api_key="sk-x").close()
    assert len(library_logger.handlers) == 1  # not one more per client


@pytest.mark.parametrize("value", [None, "", "warning", "verbose", "1"])
def test_nothing_is_configured_without_openai_log(
    library_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch, value: Any
) -> None:
    library_logger.handlers[:] = []
    library_logger.setLevel(logging.NOTSET)
    if value is not None:
        monkeypatch.setenv("OPENAI_LOG", value)
    openai_lite.Client(api_key="sk-x").close()
    assert library_logger.handlers == []
    assert library_logger.level == logging.NOTSET


# Where the application put a handler of its own -> whether OPENAI_LOG must add one (the level is set in every case).
APPLICATION_HANDLERS = [
    ("on-the-library-logger", "library", True, False),
    ("on-the-root-logger", "root", True, False),
    ("on-the-root-logger-not-propagated-to", "root", False, True),
    ("none", None, True, True),
]


@pytest.mark.parametrize(
    ("where", "propagate", "adds"), [a[1:] for a in APPLICATION_HANDLERS], ids=[a[0] for a in APPLICATION_HANDLERS]
)
@pytest.mark.parametrize(("value", "level"), [("info", logging.INFO), ("debug", logging.DEBUG)])
def test_openai_log_sets_the_level_and_adds_a_handler_only_when_none_would_print(
    library_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
    where: Any,
    propagate: bool,
    adds: bool,
    value: str,
    level: int,
) -> None:
    own = logging.NullHandler()
    root = logging.getLogger()
    root.handlers[:] = [own] if where == "root" else []
    library_logger.handlers[:] = [own] if where == "library" else []
    library_logger.propagate = propagate
    library_logger.setLevel(logging.WARNING)
    monkeypatch.setenv("OPENAI_LOG", value)
    openai_lite.Client(api_key="sk-x").close()
    assert library_logger.level == level
    added = [h for h in library_logger.handlers if h is not own]
    assert len(added) == (1 if adds else 0)
    if where is not None:
        assert own in (library_logger.handlers if where == "library" else root.handlers)  # the application's stays


SCRIPT = textwrap.dedent(
    """
    import logging
    import openai_lite

    log = logging.getLogger("openai_lite")
    print("after import:", len(log.handlers), logging.getLevelName(log.level), flush=True)
    client = openai_lite.Client()
    print("after Client():", len(log.handlers), logging.getLevelName(log.level), flush=True)
    client.retrieve_model("gpt-log")
    """
)


def run_script(server: LoopbackServer, openai_log: Any) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_LOG"}  # conftest already cleared OPENAI_*
    # PYTHONWARNINGS: an unrelated warning on stderr (such as urllib3's about old OpenSSL builds) is not our log.
    env.update(PYTHONPATH=ROOT, PYTHONWARNINGS="ignore", OPENAI_API_KEY=SECRET, OPENAI_BASE_URL=server.url + "/v1")
    if openai_log is not None:
        env["OPENAI_LOG"] = openai_log
    server.reply(json_reply(MODEL, headers={"x-request-id": "req_sub_1"}))
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60, check=True
    )


@pytest.mark.parametrize("openai_log", ["info", "debug"])
def test_openai_log_in_a_fresh_interpreter(server: LoopbackServer, openai_log: str) -> None:
    result = run_script(server, openai_log)
    level = openai_log.upper()
    assert result.stdout.splitlines() == ["after import: 0 NOTSET", f"after Client(): 1 {level}"]
    log = result.stderr
    assert "GET" in log and "/models/gpt-log" in log and "200" in log and "req_sub_1" in log
    assert SECRET not in log
    # The body only at debug.
    assert (BODY_MARKER in log) is (openai_log == "debug")


def test_no_output_without_openai_log(server: LoopbackServer) -> None:
    result = run_script(server, None)
    assert result.stdout.splitlines() == ["after import: 0 NOTSET", "after Client(): 0 NOTSET"]
    assert result.stderr == ""


# ---------------------------------------------------------------------------
# What is logged
# ---------------------------------------------------------------------------


def test_each_call_is_logged_at_info(client: Any, server: LoopbackServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="openai_lite")
    chat = {"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": []}
    server.reply(
        json_reply(MODEL, headers={"x-request-id": "req_log_1"}),
        json_reply(chat, headers={"x-request-id": "req_log_2"}),
        json_reply({"error": {"message": "nope"}}, 404, headers={"x-request-id": "req_log_3"}),
    )
    client.retrieve_model("gpt-log")
    client.create_chat_completion(model="m", messages=[])
    with pytest.raises(openai_lite.NotFoundError):
        client.delete_model("gone")
    records = [r for r in caplog.records if r.name == "openai_lite"]
    assert len(records) == 3
    assert all(r.levelno == logging.INFO for r in records)
    expected = [
        ("GET", "/models/gpt-log", "200", "req_log_1"),
        ("POST", "/chat/completions", "200", "req_log_2"),
        ("DELETE", "/models/gone", "404", "req_log_3"),
    ]
    for record, words in zip(records, expected):
        message = record.getMessage()
        assert all(word in message for word in words), message
        assert ELAPSED.search(message), f"no elapsed time in {message!r}"


def test_retries_are_logged_at_info(
    make_client: Callable[..., Any], server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="openai_lite")
    server.reply(json_reply({"error": {"message": "busy"}}, 503), json_reply(MODEL))
    make_client(max_retries=2, initial_retry_delay=0.01).retrieve_model("gpt-log")
    retries = [r for r in caplog.records if "retry" in r.getMessage().lower()]
    assert len(retries) == 1
    assert retries[0].levelno == logging.INFO
    assert "503" in retries[0].getMessage()


def test_bodies_are_not_logged_at_info(client: Any, server: LoopbackServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="openai_lite")
    chat = {"id": "c", "object": "chat.completion", "created": 1, "model": BODY_MARKER, "choices": []}
    server.reply(json_reply(MODEL), json_reply(chat))
    client.retrieve_model("gpt-log")
    client.create_chat_completion(model="m", messages=[{"role": "user", "content": "request-marker-91"}])
    assert messages(caplog)
    for message in messages(caplog):
        assert BODY_MARKER not in message
        assert "request-marker-91" not in message


def test_bodies_are_logged_at_debug(client: Any, server: LoopbackServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="openai_lite")
    server.reply(json_reply(MODEL), json_reply({"error": {"message": "error-marker-3c"}}, 400))
    client.retrieve_model("gpt-log")
    with pytest.raises(openai_lite.BadRequestError):
        client.create_chat_completion(model="m", messages=[{"role": "user", "content": "request-marker-91"}])
    # The response body, the request body and the error body each in a debug line of its own.
    for marker in (BODY_MARKER, "request-marker-91", "error-marker-3c"):
        records = [r for r in caplog.records if marker in r.getMessage()]
        assert records, marker
        assert all(r.levelno == logging.DEBUG for r in records)


@pytest.mark.parametrize("callable_key", [False, True], ids=["str-key", "callable-key"])
def test_key_never_logged(
    make_client: Callable[..., Any], server: LoopbackServer, caplog: pytest.LogCaptureFixture, callable_key: bool
) -> None:
    caplog.set_level(logging.DEBUG, logger="openai_lite")
    echo = {"error": {"message": f"Incorrect API key provided: {SECRET}", "code": "invalid_api_key"}}
    server.reply(
        json_reply(MODEL),  # a succeeding call
        json_reply(echo, 401),  # a failing call whose body echoes the key
        json_reply(echo, 500),  # a call that is retried: after a failure echoing the key,
        reset_reply(),  # a connection error,
        json_reply(MODEL),  # then success
    )
    client = make_client(api_key=(lambda: SECRET) if callable_key else SECRET, max_retries=2, initial_retry_delay=0.01)
    client.retrieve_model("gpt-log")
    with pytest.raises(openai_lite.AuthenticationError):
        client.retrieve_model("gpt-log")
    client.retrieve_model("gpt-log")
    assert len(server.requests) == 5
    assert any("Incorrect API key provided: ***" in m for m in messages(caplog))  # the error body, masked
    assert len(messages(caplog)) >= 6  # responses, retries and bodies were logged ...
    assert SECRET not in caplog.text  # ... and the key in none of them
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in repr(record.args)
