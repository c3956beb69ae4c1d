"""The ``openai_lite`` logger and the ``OPENAI_LOG`` switch.

Nothing is configured at import time: ``OPENAI_LOG`` is read when a client is
created, and only adds a handler if the application has not set one up itself.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("openai_lite")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


def configure_from_env() -> None:
    """Honour ``OPENAI_LOG=info|debug`` by sending this library's log to stderr."""
    level = _LEVELS.get(os.environ.get("OPENAI_LOG", "").strip().lower())
    if level is None or logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
