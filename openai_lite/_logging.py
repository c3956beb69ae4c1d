"""The ``openai_lite`` logger and the ``OPENAI_LOG`` switch.

Nothing is configured at import time: ``OPENAI_LOG`` is read when a client is
created. It sets the logger's level, and adds a handler printing to stderr
only when no handler would print the log otherwise (the application's own,
on this logger or on a parent such as the root logger, is used as it is).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    import requests

logger = logging.getLogger("openai_lite")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}

# The most of a body a debug line shows.
_BODY_LIMIT = 2000


def configure_from_env() -> None:
    """Honour ``OPENAI_LOG=info|debug``: set this library's log level, and send it to stderr if nothing else does."""
    level = _LEVELS.get(os.environ.get("OPENAI_LOG", "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if not logger.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


def log_body(label: str, content: Any, request: Optional[requests.PreparedRequest]) -> None:
    """At debug level, log the start of a body, with the credentials ``request`` carried masked."""
    if content is None or not logger.isEnabledFor(logging.DEBUG):
        return
    from ._errors import excerpt, sent_secrets

    if isinstance(content, (bytes, bytearray)):
        text = excerpt(bytes(content), sent_secrets(request), _BODY_LIMIT)
    else:  # a multipart body: what it is made of, not the files' bytes
        text = repr(content)
    logger.debug("%s: %s", label, text)
