"""JSON Schema from plain Python types, in the strict form Structured Outputs needs.

Strict mode (``"strict": true`` in a response format or a function tool) makes
the model follow the schema exactly, but accepts only a subset of JSON Schema:
every object lists all its properties in ``required`` and sets
``additionalProperties: false``; no free-form objects, no ``prefixItems``, and a
``$ref`` may not have sibling keywords. :func:`json_schema` builds such a schema
from a dataclass, a TypedDict or a type expression, and refuses — when the
schema is built, naming the field — any type that strict mode cannot express,
so the mistake never becomes a 400 from the API later.

The rules, in one place:

- ``str``, ``int``, ``float``, ``bool``, ``None``: string, integer, number,
  boolean, null. ``Literal[...]`` and ``Enum`` classes: ``enum`` of their
  values. ``Optional``/``Union``: ``anyOf``. ``List[X]``, ``Sequence[X]``,
  ``Tuple[X, ...]``: arrays of X.
- Dataclasses and TypedDicts are objects. The root class is the schema itself
  (``{"$ref": "#"}`` where it recurs); every other class is defined once in
  ``$defs`` and referenced, so recursive classes work.
- Every field is required. A dataclass field's default does not change its
  schema (the model still writes the field; give it an ``Optional`` type to let
  the model leave it empty). A TypedDict key that need not be present
  (``total=False``, ``NotRequired``) is sent nullable, and a null from the model
  leaves the key out of the parsed dict (unless its type allows None itself).
- Descriptions: ``Annotated[T, "text"]`` (the first string in its metadata),
  dataclass field metadata ``{"description": ...}``, and a class's own
  docstring for the object. A described field whose schema is a ``$ref`` gets a
  copy of the definition instead (``$ref`` takes no siblings); the description
  of a field that refers back to a class still being defined (recursion) is
  dropped.
- Refused with a ``TypeError``: ``Dict``/``Mapping`` (free-form objects),
  ``Any``/``object``, sets, fixed-length tuples (``Tuple[int, str]``: strict
  mode has no ``prefixItems``), bare ``list``/``tuple``, ``bytes`` and any other
  type.

Standard library only; ``typing.Annotated`` where Python has it (3.9+), and
``typing_extensions``' variants when the program itself uses that package.
"""

from __future__ import annotations

import collections.abc
import copy
import dataclasses
import enum
import inspect
import re
import sys
import typing
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

__all__ = ["json_schema"]

_NONE = type(None)
_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}
_UNION_TYPES: Tuple[Any, ...] = (typing.Union,)
if sys.version_info >= (3, 10):
    import types

    _UNION_TYPES += (types.UnionType,)


def json_schema(tp: Any) -> Dict[str, Any]:
    """The strict JSON Schema of a dataclass, a TypedDict or a type expression.

    ``json_schema(Weather)`` gives ``{"type": "object", "properties": ...,
    "required": [...], "additionalProperties": False}`` (plus ``$defs`` for
    nested classes), ready for a ``json_schema`` response format or a strict
    function tool's ``parameters``. A type strict mode cannot express (a
    free-form ``Dict[str, X]``, ``Any``, a set, a fixed-length tuple ...) raises
    ``TypeError`` naming the field. The module docstring of
    ``openai_lite._schema`` lists every rule.
    """
    return copy.deepcopy(_schema_of(tp))  # (the cached one stays as it is)


_schemas: Dict[Any, Dict[str, Any]] = {}


def _schema_of(tp: Any) -> Dict[str, Any]:
    """The schema of ``tp``, built once per type (a request sends it, nothing changes it)."""
    try:
        return _schemas[tp]
    except (KeyError, TypeError):
        pass
    if object_kind(tp):
        builder = SchemaBuilder(root=tp)
        schema = builder.finish(builder.object(tp))
    else:
        builder = SchemaBuilder()
        schema = builder.finish(builder.schema(tp, ""))
    try:
        _schemas[tp] = schema
    except TypeError:  # unhashable: not cached
        pass
    return schema


def strict_format(tp: Any) -> Dict[str, Any]:
    """``{"name", "schema", "strict": True}``: the JSON Schema format of a response in the type ``tp``."""
    if not object_kind(tp):
        raise TypeError(
            f"a response format is a dataclass or a TypedDict (strict mode needs an object at the root), "
            f"not {type_name(tp)}; make it a field of a dataclass"
        )
    name = re.sub(r"[^a-zA-Z0-9_-]", "_", tp.__name__)[:64]  # the API's rule for format names
    return {"name": name, "schema": _schema_of(tp), "strict": True}


class Field(NamedTuple):
    """One field of an object: a dataclass field, a TypedDict key or a function parameter."""

    name: str
    tp: Any  # its type, without Annotated / Required / NotRequired
    description: Optional[str]
    nullable: bool  # a TypedDict key that may be absent: sent nullable, a null leaves it out
    has_default: bool  # may be left out when the instance is built


class SchemaBuilder:
    """Builds one schema: the classes it meets go to ``$defs`` (the root class is ``#``)."""

    def __init__(self, root: Any = None) -> None:
        self.root = root
        self.defs: Dict[str, Dict[str, Any]] = {}
        self.names: Dict[Any, str] = {}  # class -> its $defs name
        self.described_refs: List[Tuple[Dict[str, Any], str]] = []  # ({"$ref": ...}, description)
        self.building: List[Any] = []  # classes whose definition is not complete yet

    def schema(self, tp: Any, where: str) -> Dict[str, Any]:
        """The schema of ``tp``; ``where`` names the field for error messages (``Order.items[]``)."""
        kind, detail = classify(tp)
        if kind == "annotated":
            inner, description = detail
            return self.described(self.schema(inner, where), description, inner)
        if kind == "null":
            return {"type": "null"}
        if kind == "scalar":
            return {"type": detail}
        if kind == "newtype":
            return self.schema(detail, where)
        if kind in ("literal", "enum"):
            values = [m.value for m in detail] if kind == "enum" else list(detail)
            schema = enum_schema(values, where, tp)
            doc = class_doc(detail) if kind == "enum" else None
            return self.described(schema, doc, None)
        if kind == "union":
            members: List[Dict[str, Any]] = []
            for member in detail:
                sub = self.schema(member, where)
                # A nested union adds its members (Optional[Union[A, B]]), unless it carries a description.
                members += sub["anyOf"] if list(sub) == ["anyOf"] else [sub]
            return {"anyOf": members}
        if kind == "array":
            return {"type": "array", "items": self.schema(detail[0], where + "[]")}
        if kind == "object":
            return self.reference(detail)
        raise TypeError(f"{where + ': ' if where else ''}{type_name(tp)} is not supported: {detail}")

    def reference(self, cls: Any) -> Dict[str, Any]:
        """``{"$ref": ...}`` to the definition of ``cls``, made on first use."""
        if cls is self.root:
            return {"$ref": "#"}
        name = self.names.get(cls)
        if name is None:
            name = cls.__name__
            while name in self.defs:  # two classes of the same name (from two modules)
                name += "_"
            self.names[cls] = name
            self.defs[name] = {}  # reserved: a recursive reference finds the name
            self.defs[name].update(self.object(cls))
        return {"$ref": f"#/$defs/{name}"}

    def object(self, cls: Any) -> Dict[str, Any]:
        """The object schema of a dataclass or TypedDict."""
        self.building.append(cls)
        try:
            return self.object_of(object_fields(cls), class_doc(cls), cls.__name__)
        finally:
            self.building.pop()

    def object_of(self, fields: List[Field], doc: Optional[str], owner: str) -> Dict[str, Any]:
        """An object schema with one required property per field."""
        properties: Dict[str, Any] = {}
        for field in fields:
            schema = self.schema(field.tp, f"{owner}.{field.name}")
            if field.nullable and not allows_none(field.tp):
                schema = {"anyOf": [schema, {"type": "null"}]}
            properties[field.name] = self.described(schema, field.description, field.tp)
        result: Dict[str, Any] = {"type": "object"}
        if doc:
            result["description"] = doc
        result.update(properties=properties, required=list(properties), additionalProperties=False)
        return result

    def described(self, schema: Dict[str, Any], description: Optional[str], tp: Any) -> Dict[str, Any]:
        """``schema`` with a description (a field's text wins over an enum's docstring)."""
        if not description:
            return schema
        if "$ref" in schema:
            # `$ref` takes no siblings in strict mode: the definition is copied in at the end (finish),
            # except into a class still being defined (a recursion), where the text is dropped.
            if tp in self.building or tp is self.root:
                return schema
            self.described_refs.append((schema, description))
            return schema
        return {**schema, "description": description}

    def finish(self, schema: Dict[str, Any]) -> Dict[str, Any]:
        """The complete schema: described references copied in, ``$defs`` attached."""
        for node, description in self.described_refs:  # (never "#": the root is always being built)
            target = self.defs[node.pop("$ref")[len("#/$defs/") :]]
            node.update(copy.deepcopy(target))
            node["description"] = description
        if self.defs:
            schema = {**schema, "$defs": self.defs}
        return schema


# -- what a type is -----------------------------------------------------------


_kinds: Dict[Any, Tuple[str, Any]] = {}


def classify(tp: Any) -> Tuple[str, Any]:
    """What ``tp`` is, as (kind, detail); shared by the schema builder and the parser (and cached:
    parsing asks for every value)."""
    try:
        return _kinds[tp]
    except KeyError:
        kind = _kinds[tp] = _classify(tp)
        return kind
    except TypeError:  # an unhashable annotation (Annotated with a dict in it ...)
        return _classify(tp)


def _classify(tp: Any) -> Tuple[str, Any]:
    """What ``tp`` is, as (kind, detail).

    Kinds: ``annotated`` (inner type, description), ``null``, ``scalar`` (JSON
    type name), ``newtype`` (supertype), ``literal`` (values), ``enum`` (class),
    ``union`` (members), ``array`` ((item type, list or tuple)), ``object``
    (class), ``unsupported`` (why, and what to use instead).
    """
    if getattr(tp, "__metadata__", None) is not None and hasattr(tp, "__origin__"):  # Annotated[T, ...]
        return "annotated", (tp.__origin__, next((m for m in tp.__metadata__ if isinstance(m, str)), None))
    if tp is None or tp is _NONE:
        return "null", None
    if tp in _SCALARS:
        return "scalar", _SCALARS[tp]
    if callable(tp) and hasattr(tp, "__supertype__"):  # typing.NewType
        return "newtype", tp.__supertype__
    if object_kind(tp):
        return "object", tp
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "enum", tp
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Literal:
        return "literal", args
    if origin in _UNION_TYPES:
        return "union", args
    if getattr(origin, "_name", None) in ("Required", "NotRequired", "ReadOnly"):  # outside a TypedDict
        return "annotated", (args[0], None)
    return _container(tp, origin, args)


def _container(tp: Any, origin: Any, args: Tuple[Any, ...]) -> Tuple[str, Any]:
    """An array kind, or why a type cannot be expressed in strict mode (with what to use instead)."""
    cls = origin if isinstance(origin, type) else tp if isinstance(tp, type) else None
    if cls is not None and issubclass(cls, tuple):
        if len(args) == 2 and args[1] is Ellipsis:
            return "array", (args[0], tuple)
        if args:
            why = "strict mode has no fixed-length arrays (prefixItems); use Tuple[X, ...], List[X] or a dataclass"
        else:
            why = "a tuple needs an item type: use Tuple[X, ...]"
    elif cls is not None and issubclass(cls, collections.abc.Mapping):
        why = (
            "strict mode needs every key of an object named in advance (a free-form Dict cannot be strict); "
            "use a dataclass or TypedDict with those keys, or a List of key/value objects"
        )
    elif cls is not None and issubclass(cls, collections.abc.Set):
        why = "JSON has no sets; use List[X] (or Tuple[X, ...])"
    elif cls is not None and issubclass(cls, (bytes, bytearray)):
        why = "JSON has no bytes; use str (base64 text, say)"
    elif cls is not None and issubclass(cls, collections.abc.Sequence):
        if args:
            return "array", (args[0], list)
        why = "a list needs an item type: use List[X]"
    elif tp is Any or tp is object:
        why = "strict mode needs a type for every value; give it a concrete type"
    elif isinstance(tp, (str, typing.ForwardRef)):
        why = "an annotation that could not be resolved; define the class at module level"
    elif isinstance(tp, typing.TypeVar):
        why = "a type variable; generic classes are not supported, use concrete types"
    else:
        why = "use str, int, float, bool, None, Literal, an Enum, Optional/Union, List, a dataclass or a TypedDict"
    return "unsupported", why


def object_kind(tp: Any) -> Optional[str]:
    """``"dataclass"`` or ``"typeddict"`` for the classes that become objects, else None."""
    if not isinstance(tp, type):
        return None
    if dataclasses.is_dataclass(tp):
        return "dataclass"
    if issubclass(tp, dict) and hasattr(tp, "__total__") and hasattr(tp, "__annotations__"):
        return "typeddict"
    return None


def allows_none(tp: Any) -> bool:
    """Whether None is a valid value of ``tp`` (Optional, a Union with None, Literal[None] ...)."""
    kind, detail = classify(tp)
    if kind == "annotated":
        return allows_none(detail[0])
    if kind == "null":
        return True
    if kind == "literal":
        return None in detail
    if kind == "union":
        return any(allows_none(m) for m in detail)
    return False


_fields_cache: Dict[Any, List[Field]] = {}


def object_fields(cls: Any) -> List[Field]:
    """The fields of a dataclass (those ``__init__`` takes) or the keys of a TypedDict, in order."""
    try:
        return _fields_cache[cls]
    except KeyError:
        pass
    hints = type_hints(cls, cls.__name__)
    fields: List[Field] = []
    if object_kind(cls) == "dataclass":
        for f in dataclasses.fields(cls):
            if not f.init:
                continue  # computed by the class itself: not the model's to write
            tp, description, _ = unwrap(hints.get(f.name, f.type))
            description = f.metadata.get("description") or description
            has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
            fields.append(Field(f.name, tp, description, False, has_default))
    else:
        optional_keys = getattr(cls, "__optional_keys__", None)
        for name, hint in hints.items():
            tp, description, not_required = unwrap(hint)
            if not_required is None:
                not_required = name in optional_keys if optional_keys is not None else not cls.__total__
            fields.append(Field(name, tp, description, not_required, not_required))
    _fields_cache[cls] = fields
    return fields


def unwrap(hint: Any) -> Tuple[Any, Optional[str], Optional[bool]]:
    """(type, description, not-required) of an annotation: Annotated and (Not)Required taken off."""
    description: Optional[str] = None
    not_required: Optional[bool] = None
    while True:
        kind, detail = classify(hint)
        origin_name = getattr(typing.get_origin(hint) or getattr(hint, "__origin__", None), "_name", None)
        if kind == "annotated" and origin_name in ("Required", "NotRequired", "ReadOnly"):
            if origin_name != "ReadOnly":
                not_required = origin_name == "NotRequired"
            hint = detail[0]
        elif kind == "annotated":
            hint, text = detail
            description = description or text
        else:
            return hint, description, not_required


def type_hints(obj: Any, owner: str) -> Dict[str, Any]:
    """``get_type_hints`` with Annotated kept, or a TypeError saying which annotation failed."""
    # A program using typing_extensions (Annotated or NotRequired on an old Python) gets its
    # get_type_hints, which understands them; we never import the package ourselves.
    extensions = sys.modules.get("typing_extensions")
    get: Callable[..., Dict[str, Any]] = getattr(extensions, "get_type_hints", typing.get_type_hints)
    try:
        if get is typing.get_type_hints and sys.version_info < (3, 9):
            return get(obj)  # (3.8 has no include_extras, and no typing.Annotated to strip)
        return get(obj, include_extras=True)
    except Exception as exc:
        raise TypeError(
            f"{owner}: cannot resolve its annotations ({type(exc).__name__}: {exc}); "
            "the classes they name must be importable from the module that defines it"
        ) from None


def class_doc(cls: Any) -> Optional[str]:
    """A class's own docstring, or None (not an inherited one, nor the one dataclass or Enum invent)."""
    doc = cls.__dict__.get("__doc__")
    if not doc or not isinstance(doc, str):
        return None
    if object_kind(cls) == "dataclass":
        try:
            generated = cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
        except (TypeError, ValueError):
            generated = cls.__name__
        if doc == generated:
            return None
    if isinstance(cls, type) and issubclass(cls, enum.Enum) and doc == "An enumeration.":
        return None
    return inspect.cleandoc(doc)


def enum_schema(values: List[Any], where: str, tp: Any) -> Dict[str, Any]:
    """``{"type": ..., "enum": [...]}`` for JSON scalar values, an ``anyOf`` of those when types are mixed."""
    groups: Dict[str, List[Any]] = {}
    for value in values:
        value = value.value if isinstance(value, enum.Enum) else value  # Literal[Color.RED]
        json_type = "null" if value is None else _SCALARS.get(type(value))
        if json_type is None:
            raise TypeError(f"{where}: {type_name(tp)} has the value {value!r}, which is not a JSON string or number")
        groups.setdefault(json_type, []).append(value)
    schemas = [{"type": t} if t == "null" else {"type": t, "enum": vs} for t, vs in groups.items()]
    return schemas[0] if len(schemas) == 1 else {"anyOf": schemas}


def type_name(tp: Any) -> str:
    """``Order``, ``List[int]``, ``Optional[str]``: a type as a user wrote it."""
    if isinstance(tp, type) and not typing.get_args(tp):
        return tp.__name__
    return repr(tp).replace("typing.", "").replace("typing_extensions.", "")
