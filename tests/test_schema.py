"""json_schema: every supported type, every refused one, and the strict-mode shape of all results.

The classes are defined at module level (annotations are resolved in their module); most use real
annotations, a few string ones (forward references), as ``from __future__ import annotations`` gives.
"""

import collections.abc
import dataclasses
import enum
import json
import os
import subprocess
import sys
import textwrap
import typing
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Literal, Mapping, NewType, Optional, Sequence, Set, Tuple, Union

import pytest

from openai_lite import json_schema
from openai_lite._schema import strict_format

if sys.version_info >= (3, 11):
    from typing import Annotated, NotRequired, Required, TypedDict
else:  # the test environments have typing_extensions; the library never imports it
    from typing_extensions import Annotated, NotRequired, Required, TypedDict


# -- the classes ----------------------------------------------------------------


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Level(enum.IntEnum):
    """How loud."""

    LOW = 1
    HIGH = 2


class Mixed(enum.Enum):
    A = "a"
    ONE = 1


class Bad(enum.Enum):
    PAIR = (1, 2)


@dataclass
class Point:
    x: float
    y: float


@dataclass
class Shape:
    """A shape made of points."""

    name: str
    points: List[Point]
    center: Optional[Point] = None
    color: Color = Color.RED


@dataclass
class Node:
    value: int
    children: "List[Node]" = field(default_factory=list)


@dataclass
class Tree:
    root: "Node"
    tops: "List[Node]"


@dataclass
class Ping:
    pong: "Optional[Pong]"


@dataclass
class Pong:
    ping: Optional[Ping]


@dataclass
class Described:
    a: Annotated[int, "an a"]
    b: int = field(metadata={"description": "a b"})
    c: Annotated[Optional[Point], {"unit": "cm"}, "a c"] = None
    d: Annotated[Point, "a d"] = dataclasses.field(default_factory=lambda: Point(0, 0))
    e: Annotated[Level, "loudness"] = Level.LOW


@dataclass
class DescribedLoop:
    """A list that refers to itself."""

    item: str
    rest: Annotated[Optional["DescribedLoop"], "the others"] = None
    next: Annotated["DescribedLoop", "the next one"] = None  # type: ignore[assignment]


@dataclass
class Computed:
    a: int
    b: int = field(init=False, default=0)


@dataclass
class Child(Point):
    pass


class Movie(TypedDict):
    """A film."""

    title: str
    year: int


class PartialMovie(TypedDict, total=False):
    title: str
    year: Optional[int]


class MixedKeys(TypedDict, total=False):
    must: Required[str]
    may: NotRequired[int]
    maybe: int


class NotRequiredKeys(TypedDict):
    title: str
    note: NotRequired[str]


UserId = NewType("UserId", str)


def another_point() -> type:
    """Another class called Point (as two modules may each have one)."""

    @dataclass
    class Point:
        z: int

    return Point


PointElsewhere = another_point()


@dataclass
class TwoPoints:
    here: Point
    there: PointElsewhere  # type: ignore[valid-type]


T = typing.TypeVar("T")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# -- supported types --------------------------------------------------------------

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
NULL = {"type": "null"}


def obj(properties: Dict[str, Any], description: Optional[str] = None) -> Dict[str, Any]:
    result: Dict[str, Any] = {"type": "object"}
    if description:
        result["description"] = description
    result.update(properties=properties, required=list(properties), additionalProperties=False)
    return result


POINT = obj({"x": NUMBER, "y": NUMBER})

SUPPORTED: List[Tuple[str, Any, Dict[str, Any]]] = [
    ("str", str, STRING),
    ("int", int, INTEGER),
    ("float", float, NUMBER),
    ("bool", bool, {"type": "boolean"}),
    ("None", None, NULL),
    ("NoneType", type(None), NULL),
    ("Optional", Optional[int], {"anyOf": [INTEGER, NULL]}),
    ("Union", Union[int, str], {"anyOf": [INTEGER, STRING]}),
    ("nested Union flattened", Union[int, Optional[str]], {"anyOf": [INTEGER, STRING, NULL]}),
    ("Literal strings", Literal["a", "b"], {"type": "string", "enum": ["a", "b"]}),
    ("Literal ints", Literal[1, 2], {"type": "integer", "enum": [1, 2]}),
    ("Literal bool", Literal[True], {"type": "boolean", "enum": [True]}),
    (
        "Literal mixed",
        Literal["a", 1],
        {"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "integer", "enum": [1]}]},
    ),
    ("Literal None", Literal["a", None], {"anyOf": [{"type": "string", "enum": ["a"]}, NULL]}),
    ("Literal enum member", Literal[Color.RED], {"type": "string", "enum": ["red"]}),
    ("Enum", Color, {"type": "string", "enum": ["red", "blue"]}),
    ("IntEnum with docstring", Level, {"type": "integer", "enum": [1, 2], "description": "How loud."}),
    ("Enum mixed", Mixed, {"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "integer", "enum": [1]}]}),
    ("List", List[int], {"type": "array", "items": INTEGER}),
    ("Sequence", Sequence[str], {"type": "array", "items": STRING}),
    ("abc Sequence", collections.abc.Sequence, None),  # placeholder, replaced below when subscriptable
    ("Tuple variadic", Tuple[int, ...], {"type": "array", "items": INTEGER}),
    ("List of List", List[List[bool]], {"type": "array", "items": {"type": "array", "items": {"type": "boolean"}}}),
    ("Optional List", Optional[List[int]], {"anyOf": [{"type": "array", "items": INTEGER}, NULL]}),
    ("NewType", UserId, STRING),
    ("Annotated", Annotated[int, "a count"], {"type": "integer", "description": "a count"}),
    ("Annotated non-str first", Annotated[int, 3, "n"], {"type": "integer", "description": "n"}),
    ("Annotated without text", Annotated[int, 3], INTEGER),
    ("dataclass", Point, POINT),
    (
        "nested dataclasses in $defs",
        Shape,
        {
            **obj(
                {
                    "name": STRING,
                    "points": {"type": "array", "items": {"$ref": "#/$defs/Point"}},
                    "center": {"anyOf": [{"$ref": "#/$defs/Point"}, NULL]},
                    "color": {"type": "string", "enum": ["red", "blue"]},
                },
                "A shape made of points.",
            ),
            "$defs": {"Point": POINT},
        },
    ),
    (
        "recursive root",
        Node,
        obj({"value": INTEGER, "children": {"type": "array", "items": {"$ref": "#"}}}),
    ),
    (
        "recursive class below the root",
        Tree,
        {
            **obj({"root": {"$ref": "#/$defs/Node"}, "tops": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}),
            "$defs": {
                "Node": obj({"value": INTEGER, "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}})
            },
        },
    ),
    (
        "mutually recursive",
        Ping,
        {
            **obj({"pong": {"anyOf": [{"$ref": "#/$defs/Pong"}, NULL]}}),
            "$defs": {"Pong": obj({"ping": {"anyOf": [{"$ref": "#"}, NULL]}})},
        },
    ),
    (
        "descriptions: Annotated, field metadata, a described $ref copied in",
        Described,
        {
            **obj(
                {
                    "a": {"type": "integer", "description": "an a"},
                    "b": {"type": "integer", "description": "a b"},
                    "c": {"anyOf": [{"$ref": "#/$defs/Point"}, NULL], "description": "a c"},
                    "d": {**POINT, "description": "a d"},
                    "e": {"type": "integer", "enum": [1, 2], "description": "loudness"},
                }
            ),
            "$defs": {"Point": POINT},
        },
    ),
    (
        "a described reference back into its own class keeps the $ref, drops the text",
        DescribedLoop,
        obj(
            {
                "item": STRING,
                "rest": {"anyOf": [{"$ref": "#"}, NULL], "description": "the others"},
                "next": {"$ref": "#"},
            },
            "A list that refers to itself.",
        ),
    ),
    ("init=False fields are left out", Computed, obj({"a": INTEGER})),
    ("a subclass without its own docstring", Child, POINT),
    ("TypedDict with docstring", Movie, obj({"title": STRING, "year": INTEGER}, "A film.")),
    (
        "TypedDict total=False: keys nullable",
        PartialMovie,
        obj({"title": {"anyOf": [STRING, NULL]}, "year": {"anyOf": [INTEGER, NULL]}}),
    ),
    (
        "Required / NotRequired",
        MixedKeys,
        obj({"must": STRING, "may": {"anyOf": [INTEGER, NULL]}, "maybe": {"anyOf": [INTEGER, NULL]}}),
    ),
    ("NotRequired in a total TypedDict", NotRequiredKeys, obj({"title": STRING, "note": {"anyOf": [STRING, NULL]}})),
    (
        "two classes of one name",
        TwoPoints,
        {
            **obj({"here": {"$ref": "#/$defs/Point"}, "there": {"$ref": "#/$defs/Point_"}}),
            "$defs": {"Point": POINT, "Point_": obj({"z": INTEGER})},
        },
    ),
    (
        "a list of classes at the root",
        List[Point],
        {"type": "array", "items": {"$ref": "#/$defs/Point"}, "$defs": {"Point": POINT}},
    ),
]
if sys.version_info >= (3, 9):
    SUPPORTED[[c[0] for c in SUPPORTED].index("abc Sequence")] = (
        "abc Sequence",
        collections.abc.Sequence[int],  # type: ignore[misc]
        {"type": "array", "items": INTEGER},
    )
    SUPPORTED.append(("list[int]", list[int], {"type": "array", "items": INTEGER}))  # type: ignore[misc]
    SUPPORTED.append(("tuple[int, ...]", tuple[int, ...], {"type": "array", "items": INTEGER}))  # type: ignore[misc]
else:
    SUPPORTED = [c for c in SUPPORTED if c[0] != "abc Sequence"]
if sys.version_info >= (3, 10):
    SUPPORTED.append(("X | None", eval("int | None"), {"anyOf": [INTEGER, NULL]}))


@pytest.mark.parametrize(("tp", "expected"), [pytest.param(tp, exp, id=name) for name, tp, exp in SUPPORTED])
def test_supported_type(tp: Any, expected: Dict[str, Any]) -> None:
    schema = json_schema(tp)
    assert schema == expected
    assert_strict(schema)


def assert_strict(schema: Dict[str, Any]) -> None:
    """The strict-mode rules: objects closed and fully required, no $ref siblings, every $ref resolves."""
    defs = schema.get("$defs", {})

    def walk(node: Any, where: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")
            return
        if not isinstance(node, dict):
            return
        if node.get("type") == "object":
            assert node["additionalProperties"] is False, where
            assert node["required"] == list(node["properties"]), where
        if "$ref" in node:
            assert list(node) == ["$ref"], f"{where}: $ref with siblings"
            ref = node["$ref"]
            assert ref == "#" or (ref.startswith("#/$defs/") and ref[len("#/$defs/") :] in defs), ref
        assert "prefixItems" not in node and "oneOf" not in node and "allOf" not in node, where
        for key, value in node.items():
            if key not in ("enum", "required"):
                walk(value, f"{where}.{key}")

    walk(schema, "$")


def test_json_schema_returns_a_new_dict_each_time() -> None:
    first = json_schema(Shape)
    first["properties"]["name"]["type"] = "changed"
    assert json_schema(Shape)["properties"]["name"] == STRING


# -- refused types ------------------------------------------------------------------


@dataclass
class WithDict:
    meta: Dict[str, int]


@dataclass
class WithMapping:
    meta: Mapping[str, str]


@dataclass
class WithBareDict:
    meta: dict  # type: ignore[type-arg]


@dataclass
class WithAny:
    extra: Any


@dataclass
class WithObject:
    extra: object


@dataclass
class WithSet:
    tags: Set[str]


@dataclass
class WithFrozenSet:
    tags: FrozenSet[str]


@dataclass
class WithPair:
    pair: Tuple[int, str]


@dataclass
class WithBareTuple:
    pair: tuple  # type: ignore[type-arg]


@dataclass
class WithBareList:
    items: list  # type: ignore[type-arg]


@dataclass
class WithBytes:
    data: bytes


@dataclass
class WithTypeVar:
    value: T  # type: ignore[valid-type]


@dataclass
class WithUnresolved:
    thing: "NoSuchClass"  # type: ignore[name-defined]  # noqa: F821


@dataclass
class WithOther:
    when: complex


@dataclass
class WithDeepDict:
    rows: List[Optional[Dict[str, int]]]


@dataclass
class Outer:
    inner: WithSet


@dataclass
class WithBadEnum:
    value: Bad


REFUSED: List[Tuple[str, Any, List[str]]] = [
    ("Dict field", WithDict, ["WithDict.meta", "Dict[str, int]", "free-form"]),
    ("Mapping field", WithMapping, ["WithMapping.meta", "Mapping[str, str]", "dataclass or TypedDict"]),
    ("bare dict", WithBareDict, ["WithBareDict.meta", "dict"]),
    ("Dict at the root", Dict[str, int], ["Dict[str, int] is not supported"]),
    ("Any field", WithAny, ["WithAny.extra", "Any", "concrete type"]),
    ("object field", WithObject, ["WithObject.extra", "object"]),
    ("Any at the root", Any, ["Any is not supported"]),
    ("Optional[Any]", Optional[Any], ["Any is not supported"]),
    ("Set field", WithSet, ["WithSet.tags", "Set[str]", "List[X]"]),
    ("FrozenSet field", WithFrozenSet, ["WithFrozenSet.tags", "FrozenSet[str]"]),
    ("set at the root", set, ["set is not supported", "no sets"]),
    ("fixed-length tuple", WithPair, ["WithPair.pair", "Tuple[int, str]", "prefixItems", "Tuple[X, ...]"]),
    ("bare tuple", WithBareTuple, ["WithBareTuple.pair", "item type"]),
    ("bare list", WithBareList, ["WithBareList.items", "List[X]"]),
    ("bytes", WithBytes, ["WithBytes.data", "bytes"]),
    ("a type variable", WithTypeVar, ["WithTypeVar.value", "type variable"]),
    ("an unresolvable annotation", WithUnresolved, ["WithUnresolved", "cannot resolve", "NoSuchClass"]),
    ("another type", WithOther, ["WithOther.when", "complex"]),
    ("deep inside a list", WithDeepDict, ["WithDeepDict.rows[]", "Dict[str, int]"]),
    ("in a nested class", Outer, ["WithSet.tags"]),
    ("an Enum with a non-JSON value", WithBadEnum, ["WithBadEnum.value", "(1, 2)"]),
]


@pytest.mark.parametrize(("tp", "fragments"), [pytest.param(tp, f, id=name) for name, tp, f in REFUSED])
def test_refused_type(tp: Any, fragments: List[str]) -> None:
    with pytest.raises(TypeError) as info:
        json_schema(tp)
    for fragment in fragments:
        assert fragment in str(info.value)


# -- the response format -------------------------------------------------------------


@dataclass
class Weird_Näme:
    a: int


def test_strict_format_names_the_schema_after_the_class() -> None:
    assert strict_format(Point) == {"name": "Point", "schema": POINT, "strict": True}
    assert strict_format(Weird_Näme)["name"] == "Weird_N_me"  # the API allows [a-zA-Z0-9_-]


@pytest.mark.parametrize("tp", [List[Point], int, Optional[Point], Color])
def test_strict_format_needs_an_object_at_the_root(tp: Any) -> None:
    with pytest.raises(TypeError, match="dataclass or a TypedDict"):
        strict_format(tp)


def test_works_without_typing_extensions_and_never_imports_it() -> None:
    # (The test process has typing_extensions loaded; a plain program on 3.8 does not: typing.get_type_hints.)
    code = textwrap.dedent(
        """
        import json, sys
        from dataclasses import dataclass
        from typing import List, Optional, TypedDict
        from openai_lite import json_schema
        from openai_lite._parsing import build

        class Keys(TypedDict, total=False):
            a: int

        @dataclass
        class Row:
            keys: Keys
            tags: "List[str]"
            note: Optional[str] = None

        schema = json_schema(Row)
        row = build(Row, {"keys": {"a": None}, "tags": ["x"], "note": None})
        print(json.dumps([schema["$defs"]["Keys"]["properties"], row.keys, "typing_extensions" in sys.modules]))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"a": {"anyOf": [INTEGER, NULL]}}, {}, False]
