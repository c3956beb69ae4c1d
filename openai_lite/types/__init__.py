"""Request and response types, one module per API area.

Import them from their area, e.g. ``from openai_lite.types.chat import
CreateChatCompletionResponse``. Nothing here is loaded by ``import
openai_lite``: an area's module loads when a method first needs it.
"""

from __future__ import annotations

import importlib
from typing import Any


def _lookup(name: str) -> Any:
    """The type called ``name`` in whichever area module defines it; ``Any`` if parsing needs nothing from it."""
    from ._index import AREA_OF

    area = AREA_OF.get(name)
    if area is None:
        return Any
    return getattr(importlib.import_module(f"{__name__}.{area}"), name)
