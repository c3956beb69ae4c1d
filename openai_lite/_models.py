"""Turning JSON into the response dataclasses, leniently.

Every response type is a plain ``@dataclass`` deriving from :class:`BaseModel`.
One generic converter fills them from decoded JSON: it reads each class's
annotations once (they are strings, resolved lazily so that type modules load
only when first used) and compiles a small per-class plan. Parsing never
raises: unknown fields are kept as attributes, missing ones read ``None``, an
unknown enum string stays a string, a value of an unexpected JSON type is
kept as it came, and an unknown variant of a union stays a plain ``dict``.
An object's attributes are its only data; ``to_dict()`` is made from them.
"""

from __future__ import annotations

import sys
import typing
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
)

if TYPE_CHECKING:
    import dataclasses

# dataclasses (which imports inspect, ast and dis) loads with the first types
# module, not with `import openai_lite`: it is a third of our import time.

__all__ = ["BaseModel", "convert"]

M = TypeVar("M", bound="BaseModel")
Converter = Callable[[Any], Any]


class BaseModel:
    """Base class of the response dataclasses.

    The attributes are the object's only data: ``to_dict()`` is built from
    them as they are now. Fields the API added after this library was
    generated are kept as attributes too (and in ``to_dict()``); a declared
    field the JSON left out reads ``None`` and is left out of ``to_dict()``. On
    the object a method returned, ``_request_id`` and ``_headers`` hold the
    response's ``x-request-id`` and headers (``None`` on nested objects). A
    field declared with ``metadata={"json": None}`` holds a value of this
    library's making (``parsed``): it is never read from JSON nor part of
    ``to_dict()``.
    """

    _request_id: Optional[str] = None
    _headers: Optional[Mapping[str, str]] = None
    # JSON keys named like a member of the class (to_dict, from_dict, _headers ...): as attributes they would
    # replace the member, so they are kept here, for to_dict(), instead.
    _shadowed: Optional[Dict[str, Any]] = None

    def __init__(self, **fields: Any) -> None:
        # One generic __init__ instead of one generated per class by @dataclass:
        # types modules import in half the time. Fields not given read None.
        unknown = fields.keys() - _plan(type(self)).attributes
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
        self.__dict__.update(fields)

    if not TYPE_CHECKING:  # (type checkers must still see a misspelt attribute as an error)

        def __getattr__(self, name: str) -> Any:
            # Only called when an attribute is not found: a declared field that was never set reads None.
            if name in _plan(type(self)).attributes:
                return None
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _plan(type(self)).fields)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _plan(type(self)).fields)

    __hash__ = None  # type: ignore[assignment]  # mutable, like a dataclass with eq

    @classmethod
    def from_dict(cls: Type[M], data: Mapping[str, Any]) -> M:
        """Build an instance from decoded JSON, as the client does for responses."""
        result: M = _build(cls, data)
        return result

    def to_dict(self) -> Dict[str, Any]:
        """This object as JSON-ready data, as it is now.

        Its fields under their JSON names, and the fields the API sent that
        this version does not declare; nested objects become dicts too, lists
        and dicts are copies. A field never set (absent from the JSON, or not
        given to the constructor) is left out; one set to ``None`` is ``null``.
        """
        result: Dict[str, Any] = _dump(self)
        return result


class _Plan:
    """What ``_build`` must do for one class, computed once from its annotations."""

    __slots__ = (
        "attributes",
        "converters",
        "fields",
        "json_names",
        "keys",
        "literals",
        "renames",
        "required",
        "reserved",
        "types",
    )

    def __init__(self) -> None:
        self.fields: Tuple[str, ...] = ()  # attribute names of the declared fields, in order
        self.attributes: FrozenSet[str] = frozenset()  # the same, as a set
        self.renames: Tuple[Tuple[str, str], ...] = ()  # (attribute, json key) where they differ
        self.json_names: Dict[str, str] = {}  # attribute -> json key, where they differ
        self.converters: Tuple[Tuple[str, str, Converter], ...] = ()  # (attribute, json key, converter)
        self.literals: Dict[str, Tuple[Any, ...]] = {}  # json key -> allowed values, for union dispatch
        self.keys: FrozenSet[str] = frozenset()  # every json key the class declares
        self.required: FrozenSet[str] = frozenset()  # json keys of fields without a default
        # Names a JSON key must not take as an attribute: the class's members (methods, _headers ...) and the
        # attributes of renamed fields. Such keys are kept in _shadowed.
        self.reserved: FrozenSet[str] = frozenset()
        self.types: Tuple[Tuple[str, Any], ...] = ()  # (json key, resolved type) of every field


def _plan(cls: Type[Any]) -> _Plan:
    plan: Optional[_Plan] = cls.__dict__.get("__plan__")
    return plan if plan is not None else _compile(cls)


def _build(cls: Type[Any], data: Any) -> Any:
    if type(data) is not dict:
        return data  # not an object: keep what the server sent
    plan = cls.__dict__.get("__plan__") or _compile(cls)
    obj = object.__new__(cls)
    attrs = obj.__dict__
    # Copying every key keeps fields the API added after this library was generated.
    attrs.update(data)
    if not plan.reserved.isdisjoint(data):
        attrs["_shadowed"] = {key: attrs.pop(key) for key in data if key in plan.reserved}
    for name, key in plan.renames:
        if key in attrs:
            attrs[name] = attrs.pop(key)
    for name, key, conv in plan.converters:
        value = data.get(key)
        if value is not None:
            attrs[name] = conv(value)
    return obj


def _compile(cls: Type[Any]) -> _Plan:
    import dataclasses

    plan = _Plan()
    renames: List[Tuple[str, str]] = []
    converters: List[Tuple[str, str, Converter]] = []
    keys: List[str] = []
    required: List[str] = []
    local: List[str] = []
    types: List[Tuple[str, Any]] = []
    fields = dataclasses.fields(cls)
    for field in fields:
        key = field.metadata.get("json", field.name)
        if key is None:
            # A value of our own making (``parsed``), not the API's: never read from JSON nor written back.
            local.append(field.name)
            continue
        keys.append(key)
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            required.append(key)
        if key != field.name:
            renames.append((field.name, key))
        tp = _resolve(cls, field)
        types.append((key, tp))
        conv = _converter(tp)
        if conv is not None:
            converters.append((field.name, key, conv))
        values = _literal_values(tp)
        if values:
            plan.literals[key] = values
    plan.fields = tuple(field.name for field in fields)
    plan.attributes = frozenset(plan.fields)
    plan.renames, plan.converters = tuple(renames), tuple(converters)
    plan.json_names = dict(renames)
    plan.keys, plan.required = frozenset(keys), frozenset(required)
    plan.types = tuple(types)
    members = set(dir(cls)) | {"__plan__", "__dict__", "_shadowed"}
    plan.reserved = frozenset((members | {name for name, _ in renames} | set(local)) - set(keys))
    # Published only when complete: another thread may be parsing the same type. (No
    # recursion needs it earlier: nested types are compiled when first built.)
    cls.__plan__ = plan
    return plan


_BUILTINS = {"str": str, "int": int, "float": float, "bool": bool, "bytes": bytes, "object": object}


class _Namespace(Dict[str, Any]):
    """Names visible to an annotation: its module's, then every generated type (through the index)."""

    def __init__(self, module_vars: Mapping[str, Any]) -> None:
        super().__init__()
        self.module_vars = module_vars

    def __missing__(self, name: str) -> Any:
        if name in self.module_vars:
            return self.module_vars[name]
        if name in _BUILTINS:
            return _BUILTINS[name]
        # Type modules import each other only for type checkers; at run time a
        # name from another API area is found through the generated index.
        return _lookup(name)


def _resolve(cls: Type[Any], field: dataclasses.Field[Any]) -> Any:
    tp = field.type
    if not isinstance(tp, str):
        return tp
    # The annotation is evaluated where it was written (a base class may come from another module).
    # (Each class's own __annotations__, from __dict__: on 3.8 the attribute may be a base's.)
    owner = next((c for c in cls.__mro__ if field.name in c.__dict__.get("__annotations__", {})), cls)  # noqa: RUF063
    module_vars = vars(sys.modules[owner.__module__])
    try:
        code = _compiled.get(tp)
        if code is None:
            code = _compiled[tp] = compile(tp, "<annotation>", "eval")
        return eval(code, {"__builtins__": {}}, _Namespace(module_vars))
    except Exception:
        # An annotation we cannot resolve must not break parsing: keep the raw value.
        return Any


# Annotation text -> its compiled expression. Most fields share a few annotations ("Optional[str]"), and
# compiling is most of what evaluating one costs: this shortens the first call of a cold process.
_compiled: Dict[str, Any] = {}

_NONE = type(None)
_converters: Dict[Any, Optional[Converter]] = {}


def _converter(tp: Any) -> Optional[Converter]:
    """A function turning JSON into ``tp``, or None when the JSON value is already right."""
    try:
        return _converters[tp]
    except KeyError:
        pass
    except TypeError:  # an unhashable annotation
        return _make_converter(tp)
    conv = _converters[tp] = _make_converter(tp)
    return conv


def _lookup(name: str) -> Any:
    """A generated type by name, or Any for names parsing need not resolve (enum aliases ...)."""
    from .types import _lookup as lookup  # the generated index, loaded on first use

    return lookup(name)


def _deref(tp: Any) -> Any:
    """The type a quoted name in a generated alias (``Union["A", "B"]``) stands for.

    (An alias of one member, ``Union["X"]``, is itself just the quoted name: hence the loop.)
    """
    while isinstance(tp, typing.ForwardRef):
        tp = _lookup(tp.__forward_arg__)
    return tp


def _make_converter(tp: Any) -> Optional[Converter]:
    if isinstance(tp, typing.ForwardRef):
        return _converter(_deref(tp))
    if isinstance(tp, type):
        if issubclass(tp, BaseModel):
            return lambda value: _build(tp, value)
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is list and args:
        item = _converter(args[0])
        if item is None:
            return None
        return lambda value: [item(v) for v in value] if type(value) is list else value
    if origin is dict and len(args) == 2:
        value_conv = _converter(args[1])
        if value_conv is None:
            return None
        return lambda value: {k: value_conv(v) for k, v in value.items()} if type(value) is dict else value
    if origin is typing.Union:
        members = [m for m in _union_members(args) if m is not _NONE]
        if len(members) == 1:
            return _converter(members[0])
        return _union_converter(members)
    return None  # str, int, float, bool, Any, Literal[...]: nothing to do


def _union_members(args: Tuple[Any, ...]) -> List[Any]:
    """The members of a union, with quoted names resolved and nested unions flattened.

    Generated aliases name their members in quotes (``Union["A", "B"]``), and
    a member may itself be a union alias, which typing cannot flatten then.
    """
    members: List[Any] = []
    for arg in map(_deref, args):
        if typing.get_origin(arg) is typing.Union:
            members += [m for m in _union_members(typing.get_args(arg)) if m not in members]
        elif arg not in members:
            members.append(arg)
    return members


def _union_converter(members: List[Any]) -> Optional[Converter]:
    models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    # Among the other members only a list of models needs work (List[Part] in Union[str, List[Part]]).
    lists = [_converter(m) for m in members if typing.get_origin(m) is list]
    list_conv = next((c for c in lists if c is not None), None)
    if not models and list_conv is None:
        return None
    chooser: List[Callable[[Dict[str, Any]], Any]] = []  # made on first use: members' modules load lazily

    def convert(value: Any) -> Any:
        if type(value) is dict and models:
            if not chooser:
                chooser.append(_chooser(models))
            cls = chooser[0](value)
            return value if cls is None else _build(cls, value)
        if type(value) is list and list_conv is not None:
            return list_conv(value)
        return value

    return convert


def _chooser(models: List[Type[Any]]) -> Callable[[Dict[str, Any]], Any]:
    """Pick the union member an object belongs to.

    With a discriminator (a field every member types as a distinct ``Literal``,
    such as ``type``) the choice is a dict lookup, and an unknown value gives
    None (the object is kept as a dict); an object without the key goes to the
    best fit among the members that do not require it. Without one, the best
    fit wins among the members whose required fields are present and whose
    literals match: first one whose nested objects fit too (their required
    fields and literals, two levels down, the first item of a list), then the
    one sharing the most keys with the object, then the first listed. (The
    generated docs name the unions whose members the JSON cannot tell apart.)
    """
    plans = [_plan(m) for m in models]
    key = _discriminator(plans)

    def best(obj: Dict[str, Any], candidates: List[int]) -> Any:
        present = obj.keys()
        # (Nested objects only rank the members: a server's odd nested object must not lose the whole reply.)
        scored = [
            (_fits(models[i], obj, 2), len(plans[i].keys & present), -i) for i in candidates if _fits(models[i], obj, 0)
        ]
        return models[-max(scored)[2]] if scored else None

    everyone = list(range(len(models)))
    if key is None:
        return lambda obj: best(obj, everyone)
    table = {value: model for model, plan in zip(models, plans) for value in plan.literals[key]}
    optional = [i for i, plan in enumerate(plans) if key not in plan.required]

    def pick(obj: Dict[str, Any]) -> Any:
        if key not in obj:
            return best(obj, optional) if optional else None
        value = obj[key]
        # A list or object there names no member (and cannot be looked up).
        return table.get(value) if not isinstance(value, (list, dict)) else None

    return pick


def _fits(model: Type[Any], obj: Dict[str, Any], depth: int) -> bool:
    """Whether an object can be a ``model``: required keys, literal values, and nested objects ``depth`` down."""
    plan = _plan(model)
    if not plan.required <= obj.keys():
        return False
    if not all(obj.get(k, v[0]) in v for k, v in plan.literals.items()):
        return False
    if depth:
        for key, members in _nested(model):
            value = obj.get(key)
            if type(value) is list:
                value = value[0] if value else None
            if type(value) is dict and not any(_fits(m, value, depth - 1) for m in members):
                return False
    return True


_NESTED: Dict[Type[Any], Tuple[Tuple[str, Tuple[Type[Any], ...]], ...]] = {}


def _nested(model: Type[Any]) -> Tuple[Tuple[str, Tuple[Type[Any], ...]], ...]:
    """(json key, the models an object there must be) for each field holding objects, alone or in a list."""
    nested = _NESTED.get(model)
    if nested is None:
        pairs = ((key, _object_types(tp)) for key, tp in _plan(model).types)
        nested = _NESTED[model] = tuple((key, models) for key, models in pairs if models)
    return nested


def _object_types(tp: Any) -> Tuple[Type[Any], ...]:
    """The models an object in a field of type ``tp`` must be; () where any object is allowed (Any, a dict)."""
    kinds: List[Any] = []
    for member in _flat(tp):
        if typing.get_origin(member) is list:
            args = typing.get_args(member)
            kinds += _flat(args[0]) if args else [Any]
        else:
            kinds.append(member)
    if any(k is Any or k is dict or typing.get_origin(k) is dict for k in kinds):
        return ()
    return tuple(k for k in kinds if isinstance(k, type) and issubclass(k, BaseModel))


def _flat(tp: Any) -> List[Any]:
    tp = _deref(tp)
    return _union_members(typing.get_args(tp)) if typing.get_origin(tp) is typing.Union else [tp]


def _discriminator(plans: List[_Plan]) -> Optional[str]:
    """A key all members type as Literal with no value shared between members ("type" first)."""
    common = set(plans[0].literals).intersection(*(plan.literals for plan in plans[1:]))
    for key in sorted(common, key=lambda k: (k != "type", k)):
        values = [v for plan in plans for v in plan.literals[key]]
        if len(values) == len(set(values)):
            return key
    return None


def _literal_values(tp: Any) -> Tuple[Any, ...]:
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return typing.get_args(tp)
    if origin is typing.Union:
        members = [a for a in typing.get_args(tp) if a is not _NONE]
        if len(members) == 1:
            return _literal_values(members[0])
    return ()


def convert(tp: Any, data: Any) -> Any:
    """Turn decoded JSON into ``tp`` (a BaseModel subclass, ``List[...]``, a ``Union``, ...)."""
    conv = _converter(tp)
    return data if conv is None or data is None else conv(data)


# Deeper than any JSON the decoder returns (about 1,000 levels): only an object that contains itself goes further.
_MAX_DEPTH = 10_000


def _dump(value: Any) -> Any:
    """``value`` as JSON-ready data: models become dicts under their JSON names, lists and dicts are copied.

    Iterative rather than recursive, so that data nested as deep as the JSON
    decoder allows can be dumped from any depth of the caller's stack.
    """
    top = _container(value)
    if top is None:
        return value
    stack = [(value, top, 0)]
    while stack:
        source, target, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise ValueError(f"cannot make JSON of an object nested over {_MAX_DEPTH} levels deep (or in itself)")
        if isinstance(source, BaseModel):
            items: Any = model_items(source)
        else:
            items = source.items() if isinstance(source, dict) else enumerate(source)
        into_list = type(target) is list
        for key, item in items:
            if type(item) in _SCALARS:
                copy = item
            else:
                copy = _container(item)
                if copy is None:
                    copy = item
                else:
                    stack.append((item, copy, depth + 1))
            if into_list:
                target.append(copy)
            else:
                target[key] = copy
    return top


_SCALARS = frozenset((str, int, float, bool, type(None)))


def _container(value: Any) -> Any:
    """An empty dict or list to copy ``value`` into, or None when it is not a container."""
    if isinstance(value, (dict, BaseModel)):
        return {}
    if isinstance(value, (list, tuple)):
        return []
    return None


def model_items(model: BaseModel) -> Iterable[Tuple[str, Any]]:
    """The (JSON key, value) pairs a model holds, one level deep: its attributes (renamed back to their JSON
    keys) and its shadowed keys."""
    plan = _plan(type(model))
    attrs = model.__dict__
    if not plan.json_names and plan.reserved.isdisjoint(attrs):
        return attrs.items()  # (the usual case)
    json_names, reserved = plan.json_names, plan.reserved
    items = []
    for name, value in attrs.items():
        key = json_names.get(name)
        if key is not None:
            items.append((key, value))
        elif name not in reserved:  # (_request_id, _headers, _shadowed: not data)
            items.append((name, value))
    shadowed = attrs.get("_shadowed")
    if shadowed:
        items += shadowed.items()
    return items
