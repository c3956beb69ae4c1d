"""Verifying the webhooks OpenAI sends, and turning them into typed events.

OpenAI signs webhooks the Standard Webhooks way (https://www.standardwebhooks.com):
the ``webhook-signature`` header holds one or more space-separated ``v1,<base64>``
signatures, each an HMAC-SHA256 of ``{webhook-id}.{webhook-timestamp}.{body}``
keyed with the endpoint's secret (``whsec_`` followed by the key in base64).
Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import time
from typing import TYPE_CHECKING, Any, Dict, Union

from ._errors import InvalidWebhookSignatureError, OpenAIError
from ._models import convert

if TYPE_CHECKING:
    from .types.webhooks import WebhookEvent

__all__ = ["unwrap_webhook", "verify_webhook"]

DEFAULT_TOLERANCE = 300
"""Seconds a webhook's timestamp may be away from now, either way: five minutes."""

_SECRET_PREFIX = "whsec_"


def verify_webhook(
    payload: Union[bytes, str],
    headers: Any,
    secret: Union[str, bytes, None] = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> None:
    """Check that a webhook request was signed with ``secret``; raise
    :class:`InvalidWebhookSignatureError` if not.

    ``payload`` is the raw request body, exactly as received (bytes, or the
    str it decodes to) - not JSON parsed and serialised again. ``headers`` is
    the request's headers: any mapping (a dict, ``requests``' or a web
    framework's header object, ``http.server``'s ``self.headers``); names are
    matched in any case. ``secret`` is the endpoint's signing secret
    (``whsec_...``; a value without that prefix is used as the key itself),
    default ``OPENAI_WEBHOOK_SECRET``. The ``webhook-timestamp`` may be at
    most ``tolerance`` seconds in the past or the future, which stops an old
    request from being replayed. Any one matching ``v1`` signature of the
    several a secret rotation brings is enough.
    """
    key = _key(secret)
    if not (isinstance(tolerance, (int, float)) and not isinstance(tolerance, bool) and tolerance >= 0):
        raise ValueError(f"tolerance must be a non-negative number of seconds, got {tolerance!r}")
    webhook_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")

    # The timestamp is signed exactly as sent, but checked as a plain integer.
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 15):
        raise InvalidWebhookSignatureError(f"invalid webhook-timestamp header: {timestamp[:40]!r}")
    age = time.time() - int(timestamp)
    if age > tolerance:
        raise InvalidWebhookSignatureError(
            f"webhook timestamp is {age:.0f} s old, more than the tolerance of {tolerance} s (a replay?)"
        )
    if -age > tolerance:
        raise InvalidWebhookSignatureError(
            f"webhook timestamp is {-age:.0f} s in the future, more than the tolerance of {tolerance} s"
        )

    body = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
    signed = b"%s.%s.%s" % (webhook_id.encode("utf-8"), timestamp.encode("ascii"), body)
    expected = hmac.new(key, signed, hashlib.sha256).digest()
    # Other schemes (v1a: asymmetric) may be listed too; only v1 is HMAC-SHA256.
    candidates = [s[3:] for s in signatures.split() if s.startswith("v1,")]
    if not candidates:
        raise InvalidWebhookSignatureError("the webhook-signature header holds no v1 signature")
    # Every candidate is compared, in constant time, so that timing tells nothing about which was close.
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(expected, _decode(candidate))
    if not matched:
        raise InvalidWebhookSignatureError(
            "no webhook signature matches: the body, webhook-id or webhook-timestamp was changed, "
            "or the secret is not this endpoint's"
        )


def unwrap_webhook(
    payload: Union[bytes, str],
    headers: Any,
    secret: Union[str, bytes, None] = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Union[WebhookEvent, Dict[str, Any]]:
    """Verify a webhook (see :func:`verify_webhook`), then return its event.

    The event is the ``openai_lite.types.webhooks`` dataclass its ``type``
    names (``WebhookResponseCompleted`` for ``response.completed`` ...). An
    event type this library does not know yet is returned as the decoded
    JSON ``dict``, so check ``isinstance`` (or ``event["type"]``) before
    reading attributes.
    """
    verify_webhook(payload, headers, secret, tolerance)
    try:
        data = json.loads(payload)
    except ValueError:
        raise OpenAIError("the webhook's body is signed but is not JSON") from None
    from .types.webhooks import WebhookEvent  # loaded on first use, not with the package

    event: Union[WebhookEvent, Dict[str, Any]] = convert(WebhookEvent, data)
    return event


def _key(secret: Union[str, bytes, None]) -> bytes:
    if secret is None:
        secret = os.environ.get("OPENAI_WEBHOOK_SECRET")
    if not secret:
        raise OpenAIError(
            "No webhook secret: pass secret='whsec_...' or set the OPENAI_WEBHOOK_SECRET environment variable "
            "(the secret is shown when you create the webhook endpoint in the OpenAI dashboard)."
        )
    if isinstance(secret, bytes):
        return secret
    if secret.startswith(_SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(_SECRET_PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            # The message must not quote the secret.
            raise OpenAIError("the webhook secret starts with 'whsec_' but the rest is not valid base64") from None
    return secret.encode("utf-8")


def _header(headers: Any, name: str) -> str:
    """The value of header ``name`` (lower case) from any mapping-like object, in any case."""
    value = headers.get(name)  # a case-insensitive header object answers this directly
    if value is None:
        for key in headers.keys():
            if isinstance(key, (str, bytes)) and _text(key).lower() == name:
                value = headers[key]
                break
    if value is None:
        raise InvalidWebhookSignatureError(f"the {name} header is missing: this is not a signed webhook request")
    if isinstance(value, (list, tuple)):  # frameworks that keep repeated headers as lists
        value = " ".join(_text(v) for v in value)
    return _text(value).strip()


def _text(value: Any) -> str:
    # Header bytes are Latin-1 by HTTP's rules (servers such as ASGI ones hand them over undecoded).
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _decode(signature: str) -> bytes:
    try:
        return base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return b""  # matches nothing, and compare_digest still runs
