"""Errors that teach porting from the official SDK: ``client.chat`` says which flat method to call.

The official ``openai`` package nests its methods (``client.chat.completions.create``); here
every operation is a method of the client (``client.create_chat_completion``). Code ported
from there, or typed from habit, looks up attributes the client does not have: the
AttributeError then names the flat methods instead of Python's guess by spelling (which
suggests ``list_fine_tuning_events`` for ``list_fine_tuning_jobs``).

``__getattr__`` runs only when normal lookup fails, so it costs nothing on the client's
own attributes; type checkers never see it (an unknown attribute stays a static error).
The official names come from the generated ``_api/_official.py``, loaded on such an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

__all__ = ["PortingHints", "porting_hint"]

# Official namespaces under which the SDK nests everything, left out of a guessed flat name.
_WRAPPERS = ("beta", "admin", "organization")
_SHOWN = 25  # lines of a namespace's methods an error lists before pointing to API.md


class PortingHints:
    """Mixin of :class:`~openai_lite.Client`: an attribute of the official SDK's layout fails with a hint."""

    __slots__ = ()

    if not TYPE_CHECKING:  # (an attribute mypy or pyright does not know must stay an error)

        def __getattr__(self, name: str) -> Any:
            raise porting_error(type(self), name)


def porting_error(owner: type, name: str) -> AttributeError:
    """The AttributeError for ``name`` missing on an ``owner`` instance, with a porting hint when there is one."""
    missing = f"{owner.__name__!r} object has no attribute {name!r}"
    hint = None if name.startswith("_") else porting_hint(name, [n for n in dir(owner) if not n.startswith("_")])
    if hint is None:
        return AttributeError(missing)  # (Python may still add its own "Did you mean")
    error = AttributeError(f"{missing}. {hint}")
    error.name = None  # our hint instead of Python's spelling guess, which reads the name
    return error


def porting_hint(name: str, methods: List[str]) -> Optional[str]:
    """What to call instead of ``client.<name>`` (``methods``: the client's), or None when ``name`` recalls nothing."""
    from ._api._official import OFFICIAL_NAMES

    nested = sorted((official, flat) for official, flat in OFFICIAL_NAMES.items() if official.split(".")[0] == name)
    if nested:
        lines = [f"  client.{official}(...) -> client.{flat}(...)" for official, flat in nested]
        if len(lines) > _SHOWN:
            lines[_SHOWN:] = [f"  ... and {len(lines) - _SHOWN} more: see the 'official SDK' column of API.md"]
        return (
            f"openai_lite has no client.{name} namespace: every operation is a method of the client itself.\n"
            + "\n".join(lines)
        )
    guesses = _guesses(OFFICIAL_NAMES)
    for method in methods:
        guesses.setdefault(method, (method, None))
    import difflib

    match = difflib.get_close_matches(name, sorted(guesses), n=1, cutoff=0.8)
    if not match:
        return None
    flat, official = guesses[match[0]]
    where = f" (the official SDK's client.{official}())" if official else ""
    return f"Did you mean client.{flat}(){where}?"


def _guesses(official_names: Dict[str, str]) -> Dict[str, Tuple[str, Optional[str]]]:
    """Names someone might try for each official call -> (the flat method, the official call).

    The flat method itself, and the official name flattened both ways:
    ``fine_tuning.jobs.list`` -> ``list_fine_tuning_jobs`` and ``fine_tuning_jobs_list``.
    """
    guesses: Dict[str, Tuple[str, Optional[str]]] = {}
    for official, flat in official_names.items():
        parts: List[str] = [p for p in official.split(".") if p not in _WRAPPERS]
        for guess in (flat, "_".join([parts[-1], *parts[:-1]]), "_".join(parts)):
            guesses.setdefault(guess, (flat, official))
    return guesses
