"""Decoded JSON into the user's classes: the other half of ``_schema``.

A reply that follows a schema built by ``json_schema`` becomes an instance of
the type the schema came from: dataclasses (nested ones too) are constructed,
enums looked up by value, lists and tuples built, TypedDicts stay dicts. Values
are checked against the type on the way, so a server that does not enforce
strict mode (or a truncated reply) gives a ``ValueError`` that names the place
(``Weather.days[2].high: expected a number, got 'warm'``) instead of a
half-built object. Unknown keys are ignored, as in the response types.
"""

from __future__ import annotations

import enum
import json
import typing
from typing import TYPE_CHECKING, Any, Callable, Dict, Generic, List, Mapping, Optional

from ._schema import Field, allows_none, classify, object_fields, object_kind, type_name

if TYPE_CHECKING:
    # A default keeps `ParsedChatCompletion` usable without a parameter, and makes it
    # ParsedChatCompletion[Any] when the format is a dict. (Type checkers read
    # typing_extensions' stubs; it is never imported at run time.)
    from typing_extensions import TypeVar

    T = TypeVar("T", default=Any)
else:
    T = typing.TypeVar("T")

__all__ = ["parse_json", "build", "build_arguments", "content_parser", "TypedBy", "T"]


class TypedBy(Generic[T]):
    """Base of the parsed result types: generic for type checkers only.

    At run time ``ParsedChoice[Weather]`` is just ``ParsedChoice``: the
    response parser reads the classes' annotations and needs plain classes.
    """

    if not TYPE_CHECKING:

        def __class_getitem__(cls, item: Any) -> Any:
            return cls


def parse_json(tp: Any, text: str, what: str) -> Any:
    """``text`` decoded and built into ``tp``; ``what`` names it in errors ("the message content")."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        shown = text if len(text) <= 200 else text[:200] + "…"
        raise ValueError(f"{what} is not valid JSON ({exc}): {shown!r}") from None
    return build(tp, data, what)


def build(tp: Any, data: Any, what: str = "the value") -> Any:
    """Decoded JSON built into ``tp`` (a type ``json_schema`` accepts); ``ValueError`` if it does not fit."""
    root = type_name(tp) if object_kind(tp) else "$"
    try:
        return _build(tp, data, root)
    except _Mismatch as exc:
        raise ValueError(f"{what} does not match {type_name(tp)}: {exc.args[0]}") from None


def build_arguments(fields: List[Field], data: Any, what: str, owner: str) -> Dict[str, Any]:
    """A function's keyword arguments from a JSON object (``fields`` are its parameters)."""
    try:
        return _build_fields(fields, data, owner)
    except _Mismatch as exc:
        raise ValueError(f"{what} do not match {owner}(): {exc.args[0]}") from None


def _build_fields(fields: List[Field], data: Any, path: str) -> Dict[str, Any]:
    """The values of ``fields`` from a JSON object, as keyword arguments (absent ones left out)."""
    if type(data) is not dict:
        raise _Mismatch(f"{path}: expected an object, got {_shown(data)}")
    values: Dict[str, Any] = {}
    for field in fields:
        where = f"{path}.{field.name}"
        if field.name not in data:
            if field.has_default:
                continue
            raise _Mismatch(f"{where}: missing")
        value = data[field.name]
        if value is None and field.nullable and not allows_none(field.tp):
            continue  # a key that may be absent, sent as null: left out
        values[field.name] = _build(field.tp, value, where)
    return values


def content_parser(fmt: Any, what: str) -> Optional[Callable[[str], Any]]:
    """How to parse text written in the format ``fmt``: a type (built into it), a dict format (JSON, or
    nothing for text), or None."""
    if fmt is None:
        return None
    if isinstance(fmt, Mapping):
        if fmt.get("type") in ("json_schema", "json_object"):
            return lambda text: parse_json(Any, text, what)
        return None
    return lambda text: parse_json(fmt, text, what)


class _Mismatch(Exception):
    """Where and how a value does not fit its type (turned into a ValueError by ``build``)."""


_JSON_NAMES: Dict[str, Any] = {"string": str, "integer": int, "number": (int, float), "boolean": bool}
_ARTICLES = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean"}


def _build(tp: Any, value: Any, path: str) -> Any:
    if tp is Any:  # a dict format: the JSON as it is
        return value
    kind, detail = classify(tp)
    if kind == "annotated":
        return _build(detail[0], value, path)
    if kind == "newtype":
        return _build(detail, value, path)
    if kind == "null":
        if value is None:
            return None
        raise _Mismatch(f"{path}: expected null, got {_shown(value)}")
    if kind == "scalar":
        # bool is an int in Python but not in JSON; an integer is a valid number (made a float).
        if detail == "boolean":
            fits = type(value) is bool
        else:
            fits = type(value) is not bool and isinstance(value, _JSON_NAMES[detail])
        if fits:
            return float(value) if detail == "number" else value
        raise _Mismatch(f"{path}: expected {_ARTICLES[detail]}, got {_shown(value)}")
    if kind == "literal" or kind == "enum":
        for option in detail:
            raw = option.value if isinstance(option, enum.Enum) else option  # (also Literal[Color.RED])
            if raw == value and type(raw) is type(value):
                return option
        values = [o.value if isinstance(o, enum.Enum) else o for o in detail]
        raise _Mismatch(f"{path}: expected one of {values!r}, got {_shown(value)}")
    if kind == "union":
        return _build_union(detail, value, path)
    if kind == "array":
        item, container = detail
        if type(value) is not list:
            raise _Mismatch(f"{path}: expected an array, got {_shown(value)}")
        items = [_build(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if container is tuple else items
    if kind == "object":
        fields = _build_fields(object_fields(detail), value, path)
        return fields if object_kind(detail) == "typeddict" else detail(**fields)
    raise _Mismatch(f"{path}: {type_name(tp)} cannot be parsed ({detail})")


def _build_union(members: Any, value: Any, path: str) -> Any:
    # A member of the value's own JSON type first: 1 stays an int in Union[float, int].
    ordered = sorted(members, key=lambda m: 0 if classify(m) == ("scalar", _json_type(value)) else 1)
    errors: List[str] = []
    for member in ordered:
        try:
            return _build(member, value, path)
        except _Mismatch as exc:
            errors.append(exc.args[0])
    # The most telling error is the one that got deepest into the value.
    raise _Mismatch(max(errors, key=lambda e: len(e.split(":", 1)[0])))


def _json_type(value: Any) -> Optional[str]:
    for name, types in (("boolean", bool), ("integer", int), ("number", float), ("string", str)):
        if type(value) is types:
            return name
    return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
