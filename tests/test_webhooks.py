"""``verify_webhook`` and ``unwrap_webhook``: Standard Webhooks signatures, checked against vectors
computed here with ``hmac`` directly (and one published by the Standard Webhooks project), so that
the tests do not merely mirror the implementation.
"""

from __future__ import annotations

import base64
import email.message
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from typing import Any, Dict, Optional, Union

import pytest
import requests.structures

import openai_lite
from openai_lite import InvalidWebhookSignatureError, OpenAIError, unwrap_webhook, verify_webhook

# The test vector published with the Standard Webhooks reference libraries.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

KEY = bytes(range(32))  # the raw key
SECRET = "whsec_" + base64.b64encode(KEY).decode()
WEBHOOK_ID = "wh_685342e6c53c8190a1be43f081506c52"
BODY = (
    b'{"id": "evt_685343a1381c819085d44c354e1b330e", "object": "event", "created_at": 1750287018,'
    b' "type": "response.completed", "data": {"id": "resp_abc123"}}'
)


def sign(body: bytes, timestamp: int, key: bytes = KEY, webhook_id: str = WEBHOOK_ID) -> str:
    """The Standard Webhooks v1 signature, written out independently of the library."""
    content = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def headers_for(
    body: bytes = BODY, timestamp: Optional[int] = None, signature: Optional[str] = None, webhook_id: str = WEBHOOK_ID
) -> Dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature if signature is not None else sign(body, timestamp, webhook_id=webhook_id),
    }


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> float:
    """Pin ``time.time()`` to the published vector's timestamp."""
    monkeypatch.setattr(time, "time", lambda: float(SPEC_TIMESTAMP))
    return float(SPEC_TIMESTAMP)


# ---------------------------------------------------------------------------
# Valid webhooks
# ---------------------------------------------------------------------------


def test_the_published_standard_webhooks_vector(frozen_clock: float) -> None:
    headers = {"webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TIMESTAMP), "webhook-signature": SPEC_SIGNATURE}
    verify_webhook(SPEC_BODY, headers, SPEC_SECRET)
    # ... and our independent signer agrees with it, so the other vectors rest on solid ground.
    assert sign(SPEC_BODY, SPEC_TIMESTAMP, base64.b64decode(SPEC_SECRET[6:]), SPEC_ID) == SPEC_SIGNATURE


def test_a_valid_webhook_passes() -> None:
    assert verify_webhook(BODY, headers_for(), SECRET) is None


def test_payload_may_be_bytes_or_str() -> None:
    body = '{"type": "batch.completed", "data": {"id": "batch_\u00e9"}}'  # non-ASCII: signed as UTF-8
    headers = headers_for(body.encode("utf-8"))
    verify_webhook(body, headers, SECRET)
    verify_webhook(body.encode("utf-8"), headers, SECRET)
    verify_webhook(bytearray(body.encode("utf-8")), headers, SECRET)  # type: ignore[arg-type]


def test_any_one_of_several_signatures_is_enough() -> None:
    now = int(time.time())
    old_key_signature = sign(BODY, now, key=b"the previous secret, being rotated")
    asymmetric = "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg=="
    signature = f"{old_key_signature} {asymmetric} v1,not*base64 {sign(BODY, now)}"
    verify_webhook(BODY, headers_for(timestamp=now, signature=signature), SECRET)


def test_a_secret_without_the_prefix_is_the_key_itself() -> None:
    raw = "plainSecret1"  # also valid base64, which makes the prefix's meaning visible below
    now = int(time.time())
    headers = headers_for(timestamp=now, signature=sign(BODY, now, key=raw.encode()))
    verify_webhook(BODY, headers, raw)
    verify_webhook(BODY, headers, raw.encode())  # bytes: the key as is
    verify_webhook(BODY, headers, "whsec_" + base64.b64encode(raw.encode()).decode())  # the same key, encoded
    with pytest.raises(InvalidWebhookSignatureError):
        verify_webhook(BODY, headers, "whsec_" + raw)  # "whsec_" means base64 follows: another key


def test_the_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", SECRET)
    verify_webhook(BODY, headers_for())
    assert unwrap_webhook(BODY, headers_for()).type == "response.completed"


def test_timestamps_within_the_tolerance_pass(frozen_clock: float) -> None:
    for offset in (-300, -1, 0, 1, 300):
        ts = SPEC_TIMESTAMP + offset
        verify_webhook(BODY, headers_for(timestamp=ts), SECRET)
    ts = SPEC_TIMESTAMP - 3000
    verify_webhook(BODY, headers_for(timestamp=ts), SECRET, tolerance=3600)


# ---------------------------------------------------------------------------
# Header objects
# ---------------------------------------------------------------------------


def _message(pairs: Dict[str, str]) -> email.message.Message:
    message = email.message.Message()  # what http.server's self.headers is
    for name, value in pairs.items():
        message[name] = value
    return message


@pytest.mark.parametrize(
    "wrap",
    [
        lambda h: h,
        lambda h: {k.title(): v for k, v in h.items()},
        lambda h: {k.upper(): v for k, v in h.items()},
        lambda h: requests.structures.CaseInsensitiveDict({k.title(): v for k, v in h.items()}),
        lambda h: _message({k.title(): v for k, v in h.items()}),
        lambda h: {k.encode(): v.encode() for k, v in h.items()},  # raw header bytes (ASGI servers)
        lambda h: {k: [v] for k, v in h.items()},  # frameworks that keep every value in a list
    ],
    ids=["dict", "title-case", "upper-case", "requests", "http.server", "bytes", "lists"],
)
def test_headers_in_any_case_and_any_mapping(wrap: Any) -> None:
    verify_webhook(BODY, wrap(headers_for()), SECRET)


# ---------------------------------------------------------------------------
# Rejected webhooks
# ---------------------------------------------------------------------------


def expect_rejected(match: str, payload: Union[bytes, str], headers: Any, secret: Any = SECRET) -> None:
    with pytest.raises(InvalidWebhookSignatureError, match=match) as caught:
        verify_webhook(payload, headers, secret)
    assert isinstance(caught.value, OpenAIError)
    assert isinstance(caught.value, ValueError)  # what the official SDK's class derives from
    assert base64.b64encode(KEY).decode() not in str(caught.value)


def test_a_tampered_payload_is_rejected() -> None:
    headers = headers_for()
    expect_rejected("no webhook signature matches", BODY.replace(b"resp_abc123", b"resp_evil"), headers)
    expect_rejected("no webhook signature matches", BODY + b" ", headers)  # even re-serialised JSON fails
    parsed_and_dumped = json.dumps(json.loads(BODY))
    if parsed_and_dumped.encode() != BODY:
        expect_rejected("no webhook signature matches", parsed_and_dumped, headers)


def test_a_tampered_id_or_timestamp_is_rejected() -> None:
    now = int(time.time())
    headers = headers_for(timestamp=now)
    expect_rejected("no webhook signature matches", BODY, dict(headers, **{"webhook-id": "wh_other"}))
    expect_rejected("no webhook signature matches", BODY, dict(headers, **{"webhook-timestamp": str(now - 1)}))


def test_a_wrong_secret_is_rejected() -> None:
    other = "whsec_" + base64.b64encode(b"x" * 32).decode()
    expect_rejected("no webhook signature matches", BODY, headers_for(), other)


def test_stale_and_future_timestamps_are_rejected(frozen_clock: float) -> None:
    stale = SPEC_TIMESTAMP - 301
    expect_rejected(r"301 s old, more than the tolerance of 300 s", BODY, headers_for(timestamp=stale))
    future = SPEC_TIMESTAMP + 301
    expect_rejected(r"301 s in the future", BODY, headers_for(timestamp=future))
    with pytest.raises(InvalidWebhookSignatureError, match="old"):
        verify_webhook(BODY, headers_for(timestamp=SPEC_TIMESTAMP - 11), SECRET, tolerance=10)


def test_a_signature_that_matches_does_not_excuse_a_stale_timestamp(frozen_clock: float) -> None:
    # The published vector itself, replayed a day later.
    headers = {"webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TIMESTAMP), "webhook-signature": SPEC_SIGNATURE}
    frozen = SPEC_TIMESTAMP + 86400
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: float(frozen))
        with pytest.raises(InvalidWebhookSignatureError, match="old"):
            verify_webhook(SPEC_BODY, headers, SPEC_SECRET)


@pytest.mark.parametrize("timestamp", ["", "abc", "1e9", "-5", "1_700_000_000", "\uff11\uff12\uff13", "9" * 40])
def test_malformed_timestamps_are_rejected(timestamp: str) -> None:
    headers = dict(headers_for(), **{"webhook-timestamp": timestamp})
    expect_rejected("invalid webhook-timestamp", BODY, headers)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_headers_are_rejected(missing: str) -> None:
    headers = {k: v for k, v in headers_for().items() if k != missing}
    expect_rejected(f"the {missing} header is missing", BODY, headers)


def test_no_headers_at_all() -> None:
    expect_rejected("header is missing", BODY, {})


@pytest.mark.parametrize(
    "signature",
    ["", "   ", "v1a,abc", "v2,abc", "K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="],
    ids=["empty", "blank", "asymmetric-only", "unknown-version", "no-prefix"],
)
def test_signature_headers_without_a_v1_signature_are_rejected(signature: str) -> None:
    expect_rejected("holds no v1 signature", BODY, headers_for(signature=signature))


def test_bad_base64_signatures_are_rejected() -> None:
    expect_rejected("no webhook signature matches", BODY, headers_for(signature="v1,!!! v1,"))


def test_a_signature_of_the_right_digest_but_truncated_is_rejected() -> None:
    now = int(time.time())
    good = sign(BODY, now)
    digest = base64.b64decode(good[3:])
    truncated = "v1," + base64.b64encode(digest[:16]).decode()
    expect_rejected("no webhook signature matches", BODY, headers_for(timestamp=now, signature=truncated))


# ---------------------------------------------------------------------------
# Secret problems are configuration errors, not signature errors
# ---------------------------------------------------------------------------


def test_a_missing_secret_is_a_clear_error() -> None:
    with pytest.raises(OpenAIError, match=r"secret=.*OPENAI_WEBHOOK_SECRET") as caught:
        verify_webhook(BODY, headers_for())
    assert not isinstance(caught.value, InvalidWebhookSignatureError)
    with pytest.raises(OpenAIError, match="No webhook secret"):
        verify_webhook(BODY, headers_for(), "")


def test_a_whsec_secret_that_is_not_base64_is_a_clear_error() -> None:
    with pytest.raises(OpenAIError, match="not valid base64") as caught:
        verify_webhook(BODY, headers_for(), "whsec_not*base64*secret")
    assert not isinstance(caught.value, InvalidWebhookSignatureError)
    assert "not*base64*secret" not in str(caught.value)


@pytest.mark.parametrize("tolerance", [-1, "300", None, True])
def test_tolerance_must_be_a_non_negative_number(tolerance: Any) -> None:
    with pytest.raises(ValueError, match="tolerance"):
        verify_webhook(BODY, headers_for(), SECRET, tolerance=tolerance)


# ---------------------------------------------------------------------------
# unwrap_webhook
# ---------------------------------------------------------------------------


def signed(event: Dict[str, Any]) -> Any:
    body = json.dumps(event).encode()
    return body, headers_for(body)


@pytest.mark.parametrize(
    "type_, class_name",
    [
        ("response.completed", "WebhookResponseCompleted"),
        ("batch.failed", "WebhookBatchFailed"),
        ("fine_tuning.job.succeeded", "WebhookFineTuningJobSucceeded"),
        ("eval.run.canceled", "WebhookEvalRunCanceled"),
    ],
)
def test_unwrap_returns_the_dataclass_the_type_names(type_: str, class_name: str) -> None:
    from openai_lite.types import webhooks

    event = {"id": "evt_1", "object": "event", "created_at": 1750287018, "type": type_, "data": {"id": "x_1"}}
    body, headers = signed(event)

    result = unwrap_webhook(body, headers, SECRET)

    assert type(result) is getattr(webhooks, class_name)
    assert result.type == type_
    assert result.data.id == "x_1"
    assert type(result.data).__name__ == class_name + "Data"
    assert result.to_dict() == event


def test_unwrap_an_incoming_call_with_nested_items() -> None:
    from openai_lite.types.webhooks import WebhookRealtimeCallIncoming, WebhookRealtimeCallIncomingDataSipHeadersItem

    event = {
        "id": "evt_2",
        "object": "event",
        "created_at": 1,
        "type": "realtime.call.incoming",
        "data": {"call_id": "rtc_1", "sip_headers": [{"name": "From", "value": "sip:+1@example.com"}]},
    }
    body, headers = signed(event)
    result = unwrap_webhook(body.decode(), headers, SECRET)  # str payload too

    assert isinstance(result, WebhookRealtimeCallIncoming)
    assert isinstance(result.data.sip_headers[0], WebhookRealtimeCallIncomingDataSipHeadersItem)
    assert result.data.sip_headers[0].value == "sip:+1@example.com"


def test_unwrap_keeps_an_unknown_event_type_as_a_dict() -> None:
    event = {"id": "evt_3", "object": "event", "created_at": 1, "type": "video.completed", "data": {"id": "v"}}
    body, headers = signed(event)
    result = unwrap_webhook(body, headers, SECRET)
    assert result == event
    assert type(result) is dict


def test_unwrap_verifies_first() -> None:
    body, headers = signed({"type": "batch.completed", "data": {"id": "b"}})
    with pytest.raises(InvalidWebhookSignatureError):
        unwrap_webhook(body.replace(b'"b"', b'"c"'), headers, SECRET)


def test_unwrap_of_a_signed_body_that_is_not_json() -> None:
    body = b"not json"
    with pytest.raises(OpenAIError, match="not JSON"):
        unwrap_webhook(body, headers_for(body), SECRET)


def test_exports() -> None:
    for name in ("verify_webhook", "unwrap_webhook", "InvalidWebhookSignatureError"):
        assert name in openai_lite.__all__


def test_the_webhook_server_example_demo() -> None:
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("OPENAI_") and k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, os.path.join(repo, "examples", "webhook_server.py"), "--demo"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "received response.completed (webhook-id wh_demo_1)" in lines
    assert "signed request -> 200" in lines
    assert "forged request -> 400" in lines
    assert any(line.startswith("rejected: no webhook signature matches") for line in lines)
