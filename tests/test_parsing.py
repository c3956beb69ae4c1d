"""Parsing JSON into the user's types: round-trips for every supported type, and every mismatch named."""

import dataclasses
import enum
import json
import sys
from dataclasses import dataclass, field
from typing import Any, List, Literal, Optional, Sequence, Tuple, Union

import pytest

from openai_lite._parsing import build, content_parser, parse_json

if sys.version_info >= (3, 11):
    from typing import Annotated, NotRequired, TypedDict
else:
    from typing_extensions import Annotated, NotRequired, TypedDict


class Sky(enum.Enum):
    CLEAR = "clear"
    RAIN = "rain"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Shade(str, enum.Enum):
    DARK = "dark"


@dataclass
class Day:
    high: float
    sky: Sky


@dataclass
class Forecast:
    city: str
    days: List[Day]
    alert: Optional[str] = None
    tags: Tuple[str, ...] = ()


@dataclass
class Node:
    value: int
    children: "List[Node]" = field(default_factory=list)


class Movie(TypedDict):
    title: str
    rating: Annotated[float, "out of 10"]


class Partial(TypedDict, total=False):
    title: str
    year: Optional[int]


class WithNote(TypedDict):
    title: str
    note: NotRequired[str]


@dataclass
class Checked:
    n: int

    def __post_init__(self) -> None:
        if self.n < 0:
            raise ValueError("n must not be negative")


def to_json(value: Any) -> Any:
    """What the model would write for ``value`` (the inverse of parsing)."""
    if dataclasses.is_dataclass(value):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


ROUND_TRIPS: List[Tuple[str, Any, Any]] = [
    ("str", str, "hello"),
    ("int", int, 3),
    ("float", float, 2.5),
    ("bool", bool, False),
    ("None", None, None),
    ("Optional set", Optional[int], 4),
    ("Optional null", Optional[int], None),
    ("Union first", Union[int, str], 5),
    ("Union second", Union[int, str], "five"),
    ("Literal", Literal["a", "b"], "b"),
    ("Literal int", Literal[1, 2], 2),
    ("Enum", Sky, Sky.RAIN),
    ("IntEnum", Level, Level.HIGH),
    ("str Enum", Shade, Shade.DARK),
    ("List", List[int], [1, 2, 3]),
    ("Sequence", Sequence[str], ["a"]),
    ("Tuple", Tuple[int, ...], (1, 2)),
    ("Annotated", Annotated[int, "n"], 7),
    ("nested dataclasses", Forecast, Forecast("Paris", [Day(21.5, Sky.CLEAR), Day(18.0, Sky.RAIN)], None, ("a",))),
    ("recursive", Node, Node(1, [Node(2, [Node(3)]), Node(4)])),
    ("TypedDict", Movie, {"title": "Up", "rating": 8.5}),
    ("TypedDict total=False", Partial, {"title": "Up", "year": None}),
    ("list of dataclasses", List[Day], [Day(1.0, Sky.CLEAR)]),
]


@pytest.mark.parametrize(("tp", "value"), [pytest.param(tp, v, id=name) for name, tp, v in ROUND_TRIPS])
def test_round_trip(tp: Any, value: Any) -> None:
    parsed = parse_json(tp, json.dumps(to_json(value)), "the content")
    assert parsed == value
    assert type(parsed) is type(value)


def test_integers_become_floats_where_a_number_is_expected() -> None:
    day = build(Day, {"high": 21, "sky": "clear"})
    assert day.high == 21.0 and type(day.high) is float


def test_a_union_prefers_the_member_of_the_values_own_type() -> None:
    assert type(build(Union[float, int], 1)) is int
    assert type(build(Union[float, int], 1.5)) is float


def test_a_null_for_a_key_that_may_be_absent_leaves_it_out() -> None:
    assert build(WithNote, {"title": "Up", "note": None}) == {"title": "Up"}
    assert build(Partial, {"title": None, "year": None}) == {"year": None}  # year's type allows None


def test_missing_keys_with_defaults_and_unknown_keys() -> None:
    assert build(Forecast, {"city": "Oslo", "days": [], "extra": 1}) == Forecast("Oslo", [])


def test_a_dict_format_gives_the_decoded_json() -> None:
    parse = content_parser({"type": "json_object"}, "the content")
    assert parse is not None and parse('{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}
    assert content_parser({"type": "text"}, "the content") is None
    assert content_parser(None, "the content") is None


MISMATCHES: List[Tuple[str, Any, Any, str]] = [
    ("a string for an int", Forecast, {"city": 1, "days": []}, "Forecast.city: expected a string, got 1"),
    ("bool is not an int", int, True, "$: expected an integer, got True"),
    ("int is not a bool", bool, 1, "$: expected a boolean, got 1"),
    ("missing key", Forecast, {"city": "x"}, "Forecast.days: missing"),
    ("not an object", Forecast, [], "Forecast: expected an object, got []"),
    ("not an array", Forecast, {"city": "x", "days": {}}, "Forecast.days: expected an array, got {}"),
    (
        "deep",
        Forecast,
        {"city": "x", "days": [{"high": 1, "sky": "clear"}, {"high": "warm", "sky": "clear"}]},
        "Forecast.days[1].high: expected a number, got 'warm'",
    ),
    ("enum value", Day, {"high": 1, "sky": "snow"}, "Day.sky: expected one of ['clear', 'rain'], got 'snow'"),
    ("literal", Literal["a"], "b", "$: expected one of ['a'], got 'b'"),
    ("literal type", Literal[5], 5.0, "$: expected one of [5], got 5.0"),  # (not Literal[1]: 3.8 caches it as [True])
    ("null", Optional[int], "x", "$: expected"),
    ("TypedDict", Movie, {"title": "Up"}, "Movie.rating: missing"),
    ("recursive", Node, {"value": 1, "children": [{"value": "2"}]}, "Node.children[0].value: expected an integer"),
]


@pytest.mark.parametrize(("tp", "data", "message"), [pytest.param(tp, d, m, id=name) for name, tp, d, m in MISMATCHES])
def test_mismatch(tp: Any, data: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        build(tp, data, "the content")
    assert str(info.value).startswith("the content does not match ")
    assert message in str(info.value)


def test_invalid_json_is_a_value_error_showing_the_text() -> None:
    with pytest.raises(ValueError, match=r"the content is not valid JSON \(.*\): '\{\"city\": \"Par'"):
        parse_json(Forecast, '{"city": "Par', "the content")


def test_the_classes_own_checks_still_run() -> None:
    with pytest.raises(ValueError, match="n must not be negative"):
        build(Checked, {"n": -1})
