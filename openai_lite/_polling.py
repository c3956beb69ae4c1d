"""The polling loop under the ``poll_*`` helpers (``_jobs.py``), and the statuses it waits through.

Batches, fine-tuning jobs, Assistants runs, vector-store files and file
batches, videos and background responses are created at once and finish
later. ``poll_until`` retrieves an object until its status leaves the
statuses that change by themselves (from the spec's enums, in ``STATES``), so
that no caller writes the sleep-and-retrieve loop or its own idea of which
statuses are final. A status this version does not know ends the wait too: a
wait that cannot end is worse than one that ends early.

Between retrieves it waits what the server asks for (``openai-poll-after-ms``),
else ``poll_interval``, else a tenth of the time waited so far (1 s at least,
at most the resource's ceiling), so that a job of hours is not retrieved every
second. The total ``timeout`` ends with :class:`PollTimeoutError` and leaves
the job running. Nothing needs undoing when the wait is interrupted: Ctrl-C
propagates from the sleep at once.

Loaded on the first poll, not by ``import openai_lite``.
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Collection, Dict, Mapping, Optional, Tuple, TypeVar

from ._errors import PollTimeoutError

__all__ = ["STATES", "check_seconds", "poll_until"]

T = TypeVar("T")

STATES: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...], float]] = {
    # kind: (statuses that change by themselves, final statuses, longest default wait in seconds)
    "batch": (
        ("validating", "in_progress", "finalizing", "cancelling"),
        ("completed", "failed", "expired", "cancelled"),
        60.0,
    ),
    "fine-tuning job": (("validating_files", "queued", "running"), ("succeeded", "failed", "cancelled"), 60.0),
    # requires_action is final here: the run waits for the caller's tool outputs.
    "run": (
        ("queued", "in_progress", "cancelling"),
        ("requires_action", "completed", "failed", "cancelled", "expired", "incomplete"),
        5.0,
    ),
    "vector store file": (("in_progress",), ("completed", "failed", "cancelled"), 5.0),
    "vector store file batch": (("in_progress",), ("completed", "failed", "cancelled"), 5.0),
    "video": (("queued", "in_progress"), ("completed", "failed"), 10.0),
    "response": (("queued", "in_progress"), ("completed", "failed", "cancelled", "incomplete"), 5.0),
}
"""For each kind of object: the statuses it is waited through, its final ones, and the longest default wait."""

POLL_AFTER_HEADER = "openai-poll-after-ms"
_FIRST_WAIT = 1.0  # seconds: the default wait until a tenth of the time waited is more


def poll_until(
    retrieve: Callable[[], T],
    *,
    what: str,
    waiting: Collection[str],
    poll_interval: Optional[float] = None,
    timeout: Optional[float] = None,
    max_wait: float = 60.0,
    first: Optional[T] = None,
    on_poll: Optional[Callable[[T], None]] = None,
) -> T:
    """Call ``retrieve()`` until the object's ``status`` is not one of ``waiting``; return that object.

    ``first``, when given, is the object as just created: it is looked at
    before anything is retrieved. ``on_poll(obj)`` is called with every object
    looked at. ``what`` names the object in the timeout error ("batch
    batch_abc"). ``poll_interval`` and ``timeout`` are seconds (see the module
    docstring for how the wait is chosen).
    """
    poll_interval = check_seconds("poll_interval", poll_interval, zero=False)
    timeout = check_seconds("timeout", timeout, zero=True)
    started = time.monotonic()
    deadline = None if timeout is None else started + timeout
    obj = first if first is not None else retrieve()
    while True:
        if on_poll is not None:
            on_poll(obj)
        status = getattr(obj, "status", None)
        if status not in waiting:
            return obj
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            raise PollTimeoutError(what, status, now - started, obj)
        wait = _server_wait(obj)
        if wait is None:
            wait = poll_interval if poll_interval is not None else min(max_wait, max(_FIRST_WAIT, (now - started) / 10))
        if deadline is not None:
            wait = min(wait, deadline - now)  # one last look at the deadline rather than a sleep past it
        time.sleep(wait)
        obj = retrieve()


def _server_wait(obj: Any) -> Optional[float]:
    """The wait the server asked for on the response that brought ``obj``, in seconds, if any."""
    headers: Optional[Mapping[str, str]] = getattr(obj, "_headers", None)
    value = headers.get(POLL_AFTER_HEADER) if headers is not None else None
    if value is None:
        return None
    try:
        milliseconds = float(value)
    except ValueError:
        return None  # a header we cannot read is no reason to stop waiting
    return milliseconds / 1000 if 0 <= milliseconds < math.inf else None


def check_seconds(name: str, value: Optional[float], zero: bool) -> Optional[float]:
    """``value`` as a float of seconds (``None`` stays ``None``); ``zero`` allows 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 <= value < math.inf):
        raise ValueError(f"{name} must be a number of seconds (or None), got {value!r}")
    if value == 0 and not zero:
        raise ValueError(f"{name} must be more than 0 seconds, got {value!r}")
    return float(value)
