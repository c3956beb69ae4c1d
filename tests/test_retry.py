"""Tests of the retry policy: the pure functions in ``openai_lite._retry`` (tables), then the same rules through
the client, counting the requests the loopback server received and measuring the waits between them.
"""

from __future__ import annotations

import email.utils
import io
import logging
import os
import re
import time
from typing import Any, Callable, Dict, List, Optional

import pytest
from _loopback import LoopbackServer, json_reply, reset_reply, stall_reply
from requests.structures import CaseInsensitiveDict

from openai_lite import APIConnectionError, APIStatusError, APITimeoutError, InternalServerError, RateLimitError
from openai_lite._retry import retry_wait, should_retry_status

MODEL = {"id": "gpt-4o-mini", "object": "model", "created": 1700000000, "owned_by": "openai"}
FAST = {"max_retries": 2, "initial_retry_delay": 0.01, "max_retry_delay": 0.02}


def error(message: str = "try again", code: Optional[str] = None) -> Dict[str, Any]:
    return {"error": {"message": message, "type": "server_error", "param": None, "code": code}}


def http_date(offset: float) -> str:
    return email.utils.formatdate(time.time() + offset, usegmt=True)


# ---------------------------------------------------------------------------
# should_retry_status
# ---------------------------------------------------------------------------

QUOTA = error("You exceeded your current quota.", code="insufficient_quota")

# (status, headers, body, retried)
SHOULD_RETRY = [
    (408, {}, None, True),
    (409, {}, error(), True),
    (429, {}, error(code="rate_limit_exceeded"), True),
    (429, {}, "Too Many Requests", True),  # non-JSON body
    (429, {}, {"error": "slow down"}, True),
    (429, {}, QUOTA, False),  # no wait brings credit back
    (500, {}, error(), True),
    (502, {}, "<html>Bad Gateway</html>", True),
    (503, {}, None, True),
    (504, {}, None, True),
    (599, {}, None, True),
    (400, {}, error(), False),
    (401, {}, error(), False),
    (403, {}, error(), False),
    (404, {}, error(), False),
    (418, {}, None, False),
    (422, {}, error(), False),
    (302, {}, None, False),
    # The server decides with x-should-retry, either way.
    (400, {"x-should-retry": "true"}, error(), True),
    (404, {"X-Should-Retry": "true"}, error(), True),
    (500, {"x-should-retry": "false"}, error(), False),
    (429, {"x-should-retry": "false"}, error(), False),
    (408, {"x-should-retry": "false"}, None, False),
    # A value that is neither true nor false is ignored.
    (400, {"x-should-retry": "maybe"}, error(), False),
    (500, {"x-should-retry": ""}, error(), True),
]


@pytest.mark.parametrize(("status", "headers", "body", "retried"), SHOULD_RETRY)
def test_should_retry_status(status: int, headers: Dict[str, str], body: Any, retried: bool) -> None:
    # Response headers are case-insensitive, as requests gives them.
    assert should_retry_status(status, CaseInsensitiveDict(headers), body) is retried


# ---------------------------------------------------------------------------
# retry_wait
# ---------------------------------------------------------------------------

BACKOFF = None  # expected: no usable server hint, so the exponential backoff applies

# (id, headers factory, expected seconds or BACKOFF). Factories, because HTTP dates depend on the clock.
SERVER_WAITS: List[Any] = [
    ("ms", lambda: {"retry-after-ms": "1500"}, 1.5),
    ("ms-fraction", lambda: {"retry-after-ms": "12.5"}, 0.0125),
    ("ms-wins-over-seconds", lambda: {"retry-after-ms": "250", "retry-after": "7"}, 0.25),
    ("seconds", lambda: {"retry-after": "7"}, 7.0),
    ("seconds-fraction", lambda: {"retry-after": "2.5"}, 2.5),
    ("capitalised-name", lambda: {"Retry-After": "3"}, 3.0),
    ("sixty-is-allowed", lambda: {"retry-after": "60"}, 60.0),
    ("ms-sixty-is-allowed", lambda: {"retry-after-ms": "60000"}, 60.0),
    ("bad-ms-falls-back-to-seconds", lambda: {"retry-after-ms": "soon", "retry-after": "3"}, 3.0),
    ("http-date", lambda: {"retry-after": http_date(10)}, 10.0),
    ("over-sixty", lambda: {"retry-after": "61"}, BACKOFF),
    ("ms-over-sixty", lambda: {"retry-after-ms": "60001"}, BACKOFF),
    ("hour", lambda: {"retry-after": "3600"}, BACKOFF),
    ("zero", lambda: {"retry-after": "0"}, BACKOFF),
    ("ms-zero", lambda: {"retry-after-ms": "0"}, BACKOFF),
    ("negative", lambda: {"retry-after": "-5"}, BACKOFF),
    ("ms-negative", lambda: {"retry-after-ms": "-100"}, BACKOFF),
    ("nan", lambda: {"retry-after": "nan"}, BACKOFF),
    ("ms-nan", lambda: {"retry-after-ms": "NaN"}, BACKOFF),
    ("inf", lambda: {"retry-after": "inf"}, BACKOFF),
    ("ms-inf", lambda: {"retry-after-ms": "Infinity"}, BACKOFF),
    ("garbage", lambda: {"retry-after": "soon"}, BACKOFF),
    ("empty", lambda: {"retry-after": ""}, BACKOFF),
    ("ms-garbage-only", lambda: {"retry-after-ms": "1,5"}, BACKOFF),
    ("http-date-past", lambda: {"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, BACKOFF),
    ("http-date-now", lambda: {"retry-after": http_date(-1)}, BACKOFF),
    ("http-date-too-far", lambda: {"retry-after": http_date(120)}, BACKOFF),
    # Dates the standard library cannot represent: ignored, never a ValueError or OverflowError.
    ("http-date-year-99999", lambda: {"retry-after": "Fri, 31 Dec 99999 23:59:59 GMT"}, BACKOFF),
    ("http-date-huge-year", lambda: {"retry-after": "Fri, 31 Dec 99999999999999999999 23:59:59 GMT"}, BACKOFF),
    ("http-date-huge-offset", lambda: {"retry-after": "Wed, 21 Oct 2015 07:28:00 +99999999999999999999"}, BACKOFF),
    ("http-date-year-0", lambda: {"retry-after": "Sat, 01 Jan 0000 00:00:00 GMT"}, BACKOFF),
    ("no-headers", lambda: {}, BACKOFF),
    ("headers-none", lambda: None, BACKOFF),
]


@pytest.mark.parametrize(("headers", "expected"), [w[1:] for w in SERVER_WAITS], ids=[w[0] for w in SERVER_WAITS])
def test_retry_wait_server_hints(headers: Callable[[], Optional[Dict[str, str]]], expected: Optional[float]) -> None:
    given = headers()
    wait = retry_wait(0, None if given is None else CaseInsensitiveDict(given), 0.5, 8.0)
    if expected is BACKOFF:
        assert 0.375 <= wait <= 0.5  # 0.5 s minus up to 25 % jitter
    elif given and given.get("retry-after", "").endswith("GMT"):
        assert expected - 1.5 <= wait <= expected  # an HTTP date has whole seconds
    else:
        assert wait == pytest.approx(expected)


# (attempt, initial delay, max delay, nominal wait before jitter)
BACKOFFS = [
    (0, 0.5, 8.0, 0.5),
    (1, 0.5, 8.0, 1.0),
    (2, 0.5, 8.0, 2.0),
    (3, 0.5, 8.0, 4.0),
    (4, 0.5, 8.0, 8.0),
    (10, 0.5, 8.0, 8.0),  # capped
    (0, 0.01, 0.02, 0.01),
    (1, 0.01, 0.02, 0.02),
    (5, 0.01, 0.02, 0.02),
    (3, 2.0, 3.0, 3.0),
    (2000, 0.5, 8.0, 8.0),  # (2.0**2000 would overflow)
]


@pytest.mark.parametrize(("attempt", "initial", "cap", "nominal"), BACKOFFS)
def test_retry_wait_exponential_backoff_with_jitter(attempt: int, initial: float, cap: float, nominal: float) -> None:
    waits = [retry_wait(attempt, {}, initial, cap) for _ in range(300)]
    # min(initial * 2**attempt, cap) times (1 - 0.25 * random): jitter only shortens, so the cap holds.
    assert all(0.75 * nominal <= w <= nominal for w in waits)
    # The jitter really is random over the whole range (chance of a false failure: about 1e-29).
    assert min(waits) < 0.8 * nominal
    assert max(waits) > 0.95 * nominal


# ---------------------------------------------------------------------------
# Through the client: how many requests the server got
# ---------------------------------------------------------------------------


def always(server: LoopbackServer, status: int, body: Any = None, headers: Optional[Dict[str, str]] = None) -> None:
    server.handler(lambda request: json_reply(error() if body is None else body, status, headers))


STATUS_ATTEMPTS = [
    (408, 3),
    (409, 3),
    (429, 3),
    (500, 3),
    (502, 3),
    (503, 3),
    (504, 3),
    (400, 1),
    (401, 1),
    (403, 1),
    (404, 1),
    (418, 1),
    (422, 1),
]


@pytest.mark.parametrize(("status", "requests_made"), STATUS_ATTEMPTS)
def test_statuses_retried_at_most_max_retries_times(
    make_client: Callable[..., Any], server: LoopbackServer, status: int, requests_made: int
) -> None:
    always(server, status)
    with pytest.raises(APIStatusError) as info:
        make_client(**FAST).retrieve_model("gpt-4o-mini")
    assert info.value.status_code == status
    assert len(server.requests) == requests_made


def test_default_max_retries_is_two(server: LoopbackServer) -> None:
    import openai_lite

    always(server, 503)
    with openai_lite.Client(api_key="sk-x", base_url=server.url + "/v1", initial_retry_delay=0.01) as client:
        assert client.max_retries == 2
        with pytest.raises(InternalServerError):
            client.retrieve_model("gpt-4o-mini")
    assert len(server.requests) == 3


@pytest.mark.parametrize("max_retries", [0, 1, 4])
def test_max_retries_setting(make_client: Callable[..., Any], server: LoopbackServer, max_retries: int) -> None:
    always(server, 500)
    client = make_client(max_retries=max_retries, initial_retry_delay=0.01, max_retry_delay=0.01)
    with pytest.raises(InternalServerError):
        client.retrieve_model("gpt-4o-mini")
    assert len(server.requests) == max_retries + 1


def test_per_client_max_retries_via_with_options(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    always(server, 500)
    with pytest.raises(InternalServerError):
        make_client(**FAST).with_options(max_retries=0).retrieve_model("gpt-4o-mini")
    assert len(server.requests) == 1


def test_success_after_retries_returns_the_result(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    server.reply(json_reply(error(), 500), json_reply(error(), 429), json_reply(MODEL))
    model = make_client(**FAST).retrieve_model("gpt-4o-mini")
    assert model.id == "gpt-4o-mini"
    assert len(server.requests) == 3
    # Each retry sends the same request again.
    assert len({(r.method, r.target, r.headers["Authorization"]) for r in server.requests}) == 1


def test_post_body_is_sent_again_on_retry(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    chat = {"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": []}
    server.reply(json_reply(error(), 503), json_reply(chat))
    make_client(**FAST).create_chat_completion(model="m", messages=[{"role": "user", "content": "é"}])
    first, second = server.requests
    assert first.body == second.body
    assert second.json()["messages"][0]["content"] == "é"


@pytest.mark.parametrize(
    ("status", "hint", "requests_made"),
    [(400, "true", 3), (404, "true", 3), (500, "false", 1), (429, "false", 1), (503, "true", 3)],
)
def test_x_should_retry_header_overrides(
    make_client: Callable[..., Any], server: LoopbackServer, status: int, hint: str, requests_made: int
) -> None:
    always(server, status, headers={"x-should-retry": hint})
    with pytest.raises(APIStatusError):
        make_client(**FAST).retrieve_model("gpt-4o-mini")
    assert len(server.requests) == requests_made


def test_insufficient_quota_is_not_retried(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    always(server, 429, QUOTA)
    with pytest.raises(RateLimitError) as info:
        make_client(**FAST).retrieve_model("gpt-4o-mini")
    assert info.value.code == "insufficient_quota"
    assert len(server.requests) == 1


def test_connection_errors_are_retried(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    server.reply(reset_reply(), reset_reply(), json_reply(MODEL))
    assert make_client(**FAST).retrieve_model("gpt-4o-mini").id == "gpt-4o-mini"
    assert len(server.requests) == 3


def test_connection_errors_give_up_after_max_retries(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    server.handler(lambda request: reset_reply())
    with pytest.raises(APIConnectionError):
        make_client(**FAST).retrieve_model("gpt-4o-mini")
    assert len(server.requests) == 3


def test_timeouts_are_retried(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    server.reply(stall_reply(10), stall_reply(10), json_reply(MODEL))
    assert make_client(timeout=0.15, **FAST).retrieve_model("gpt-4o-mini").id == "gpt-4o-mini"
    assert len(server.requests) == 3


def test_timeouts_give_up_after_max_retries(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    server.handler(lambda request: stall_reply(10))
    with pytest.raises(APITimeoutError):
        make_client(timeout=0.15, max_retries=1, initial_retry_delay=0.01).retrieve_model("gpt-4o-mini")
    assert len(server.requests) == 2


def test_unrewindable_body_is_not_retried(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    # No endpoint method uploads files yet, so this goes through the pipeline (`_request`) directly. A pipe
    # cannot seek back: once sent, the body is gone, and a retry would send an empty or partial file.
    read_end, write_end = os.pipe()
    os.write(write_end, b"training data")
    os.close(write_end)
    server.reply(json_reply(error(), 500), json_reply({"id": "file-1"}))
    with os.fdopen(read_end, "rb") as pipe, pytest.raises(InternalServerError):
        make_client(**FAST)._request(
            "POST", "/files", body={"file": ("data.jsonl", pipe), "purpose": "fine-tune"}, files=("file",)
        )
    assert len(server.requests) == 1
    assert b"training data" in server.requests[0].body


def test_rewindable_file_body_is_retried_in_full(make_client: Callable[..., Any], server: LoopbackServer) -> None:
    server.reply(json_reply(error(), 500), json_reply({"id": "file-1"}))
    make_client(**FAST)._request(
        "POST",
        "/files",
        body={"file": ("data.jsonl", io.BytesIO(b"training data")), "purpose": "fine-tune"},
        files=("file",),
    )
    first, second = server.requests
    assert [p.data for p in second.multipart() if p.name == "file"] == [b"training data"]
    assert first.body.count(b"training data") == second.body.count(b"training data") == 1


# ---------------------------------------------------------------------------
# Through the client: how long it waits, and what it logs
# ---------------------------------------------------------------------------


def gaps(server: LoopbackServer) -> List[float]:
    times = [r.received_at for r in server.requests]
    return [b - a for a, b in zip(times, times[1:])]


@pytest.mark.parametrize(
    "headers",
    [{"retry-after-ms": "200"}, {"retry-after": "0.2"}, {"retry-after-ms": "200", "retry-after": "30"}],
    ids=["retry-after-ms", "retry-after", "ms-wins"],
)
def test_server_retry_hint_is_waited(
    make_client: Callable[..., Any], server: LoopbackServer, headers: Dict[str, str]
) -> None:
    server.reply(json_reply(error(), 429, headers), json_reply(MODEL))
    started = time.monotonic()
    make_client(**FAST).retrieve_model("gpt-4o-mini")
    assert 0.19 <= gaps(server)[0]
    assert time.monotonic() - started < 5  # not the 30 s of the ignored retry-after


def test_server_wait_over_sixty_seconds_falls_back_to_backoff(
    make_client: Callable[..., Any], server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="openai_lite")
    server.reply(json_reply(error(), 503, {"retry-after": "61"}), json_reply(MODEL))
    started = time.monotonic()
    make_client(**FAST).retrieve_model("gpt-4o-mini")
    assert time.monotonic() - started < 5
    assert logged_waits(caplog) == [pytest.approx(0.01, abs=0.006)]


@pytest.mark.parametrize(
    "date", ["Fri, 31 Dec 99999 23:59:59 GMT", "Fri, 31 Dec 99999999999999999999 23:59:59 GMT"], ids=["5", "20"]
)
def test_a_retry_after_date_out_of_range_is_ignored_and_the_call_retried(
    make_client: Callable[..., Any], server: LoopbackServer, date: str
) -> None:
    server.reply(json_reply(error(), 429, {"retry-after": date}), json_reply(MODEL))
    assert make_client(**FAST).retrieve_model("gpt-4o-mini").id == MODEL["id"]
    assert len(server.requests) == 2


WAIT = re.compile(r"(\d+(?:\.\d+)?) ?s\b")


def logged_waits(caplog: pytest.LogCaptureFixture) -> List[float]:
    messages = [r.getMessage() for r in caplog.records if "retry" in r.getMessage().lower()]
    waits = []
    for message in messages:
        match = WAIT.search(message)
        assert match, f"no wait in {message!r}"
        waits.append(float(match.group(1)))
    return waits


def test_backoff_doubles_up_to_the_cap(
    make_client: Callable[..., Any], server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="openai_lite")
    always(server, 500)
    client = make_client(max_retries=3, initial_retry_delay=0.05, max_retry_delay=0.08)
    with pytest.raises(InternalServerError):
        client.retrieve_model("gpt-4o-mini")
    waits = logged_waits(caplog)
    assert len(waits) == 3
    # Nominal 0.05, then 0.1 and 0.2 capped at 0.08; minus up to 25 % jitter; logged to 2 decimals.
    assert 0.03 <= waits[0] <= 0.05
    assert 0.06 <= waits[1] <= 0.08
    assert 0.06 <= waits[2] <= 0.08
    # And it really waited that long between the requests.
    for gap, wait in zip(gaps(server), waits):
        assert gap >= wait - 0.006


def test_every_retry_is_logged_with_reason_and_wait(
    make_client: Callable[..., Any], server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="openai_lite")
    server.reply(json_reply(error(), 503), reset_reply(), json_reply(MODEL))
    make_client(**FAST).retrieve_model("gpt-4o-mini")
    retries = [r for r in caplog.records if r.name == "openai_lite" and "retry" in r.getMessage().lower()]
    assert len(retries) == 2
    assert all(r.levelno == logging.INFO for r in retries)
    first, second = (r.getMessage() for r in retries)
    assert "503" in first
    assert "Connection" in second  # the reason: a connection error
    assert all("/models/gpt-4o-mini" in r.getMessage() for r in retries)
    assert len(logged_waits(caplog)) == 2


def test_no_retry_no_wait_when_not_retried(
    make_client: Callable[..., Any], server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="openai_lite")
    always(server, 400)
    started = time.monotonic()
    with pytest.raises(APIStatusError):
        make_client(max_retries=2, initial_retry_delay=5).retrieve_model("gpt-4o-mini")
    assert time.monotonic() - started < 2.5  # no 5 s backoff was slept
    assert logged_waits(caplog) == []
