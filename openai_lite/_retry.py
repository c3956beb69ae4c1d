"""When to retry a request and how long to wait first.

The policy is the official SDK's, so that a program moved to this library
sees the same behaviour under rate limits and outages.
"""

from __future__ import annotations

import email.utils
import random
import time
from typing import Any, Mapping, Optional

# Statuses worth another try: request timeout, lock conflict, rate limit, server errors.
_RETRY_STATUSES = frozenset((408, 409, 429))

# A server-given wait is honoured only when it is positive and at most this long; a
# longer one (or a broken header) falls back to our own backoff.
MAX_SERVER_WAIT = 60.0


def should_retry_status(status: int, headers: Mapping[str, str], body: Any) -> bool:
    """Whether a response with this status should be retried.

    ``x-should-retry`` lets the server decide; otherwise 408, 409, 429 and 5xx
    are retried, except a 429 for ``insufficient_quota``: no wait brings credit back.
    """
    hint = headers.get("x-should-retry")
    if hint == "true":
        return True
    if hint == "false":
        return False
    if status == 429:
        return bool(_error_code(body) != "insufficient_quota")
    return status in _RETRY_STATUSES or status >= 500


def retry_wait(
    attempt: int,
    headers: Optional[Mapping[str, str]],
    initial_delay: float,
    max_delay: float,
) -> float:
    """Seconds to sleep before retry number ``attempt`` (0 for the first retry).

    ``retry-after-ms`` wins over ``retry-after`` (seconds or an HTTP date);
    without a usable hint, exponential backoff with up to 25 % jitter.
    """
    if headers is not None:
        wait = _server_wait(headers)
        if wait is not None:
            return wait
    # Jitter downwards only, so max_delay stays a true cap. (2.0**attempt overflows past attempt 1023.)
    return min(initial_delay * 2.0 ** min(attempt, 64), max_delay) * (1 - 0.25 * random.random())


def _server_wait(headers: Mapping[str, str]) -> Optional[float]:
    wait: Optional[float] = None
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            wait = float(value) / 1000
        except ValueError:
            pass
    if wait is None:
        value = headers.get("retry-after")
        if value is not None:
            try:
                wait = float(value)
            except ValueError:
                wait = _date_wait(value)
    if wait is not None and 0 < wait <= MAX_SERVER_WAIT:
        return wait
    return None


def _date_wait(value: str) -> Optional[float]:
    """Seconds until an HTTP date; None for one the standard library cannot read or represent (year 99999)."""
    try:
        date = email.utils.parsedate_tz(value)
        return None if date is None else email.utils.mktime_tz(date) - time.time()
    except (ValueError, OverflowError, TypeError, IndexError):
        return None


def _error_code(body: Any) -> Any:
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return error.get("code")
    return None
