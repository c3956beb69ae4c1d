"""function_tool / response_function_tool: entries from functions and classes, docstrings, refusals,
and the argument parsers the parse methods use."""

import copy
import json
import sys
from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional, Tuple

import pytest

from openai_lite import function_tool, response_function_tool
from openai_lite._tools import _docstring, argument_parsers

if sys.version_info >= (3, 9):
    from typing import Annotated
else:
    from typing_extensions import Annotated

STRING = {"type": "string"}
INTEGER = {"type": "integer"}


def get_weather(city: str, unit: Literal["c", "f"] = "c", days: Optional[int] = None) -> str:
    """Get the weather for a city.

    Uses the nearest station.

    Args:
        city: The city,
            for example Paris.
        unit (str): Celsius or Fahrenheit.

    Returns:
        A sentence.
    """
    return f"{city} {unit} {days}"


def search(query: Annotated[str, "what to look for"], limit: int) -> List[str]:
    """Search the catalogue.

    :param query: ignored, Annotated wins
    :param int limit: how many results
        at most
    :returns: the titles
    """
    return [query] * limit


def undocumented(x: int) -> int:
    return x


@dataclass
class Lookup:
    """Look up an order."""

    order_id: str
    verbose: bool = False


WEATHER_PARAMETERS = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "description": "The city, for example Paris."},
        "unit": {"type": "string", "enum": ["c", "f"], "description": "Celsius or Fahrenheit."},
        "days": {"anyOf": [INTEGER, {"type": "null"}]},
    },
    "required": ["city", "unit", "days"],
    "additionalProperties": False,
}


def test_a_function_tool_from_a_function() -> None:
    assert function_tool(get_weather) == {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the weather for a city.\n\nUses the nearest station.",
            "parameters": WEATHER_PARAMETERS,
            "strict": True,
        },
    }


def test_a_response_function_tool_is_flat() -> None:
    assert response_function_tool(get_weather, name="weather", description="Weather.", strict=False) == {
        "type": "function",
        "name": "weather",
        "description": "Weather.",
        "parameters": WEATHER_PARAMETERS,
        "strict": False,
    }


def test_a_function_tool_from_a_dataclass_describes_the_tool_once() -> None:
    tool: Any = function_tool(Lookup)
    assert tool["function"]["description"] == "Look up an order."
    assert tool["function"]["parameters"] == {
        "type": "object",
        "properties": {"order_id": STRING, "verbose": {"type": "boolean"}},
        "required": ["order_id", "verbose"],
        "additionalProperties": False,
    }


@dataclass
class Undocumented:
    n: int


@pytest.mark.parametrize("target", [undocumented, Undocumented])
def test_no_docstring_no_description(target: Any) -> None:
    tool: Any = function_tool(target)
    assert "description" not in tool["function"]
    assert "description" not in tool["function"]["parameters"]


def test_the_entry_is_a_dict_sent_as_it_is() -> None:
    tool = function_tool(get_weather)
    assert json.loads(json.dumps(tool)) == tool
    assert isinstance(copy.deepcopy(tool), dict)


DOCSTRINGS: List[Tuple[str, str, str, Dict[str, str]]] = [
    ("plain", "Do it.", "Do it.", {}),
    (
        "google with types and kwargs",
        "Summary.\n\nArgs:\n    a (int): First.\n    **rest: Others.\n\nRaises:\n    ValueError: never",
        "Summary.",
        {"a": "First.", "rest": "Others."},
    ),
    (
        "sphinx",
        "Summary line.\n\n:param str a: the a\n    continued\n:param b: the b\n:returns: x",
        "Summary line.",
        {"a": "the a continued", "b": "the b"},
    ),
    ("no summary", "Args:\n    a: x", "", {"a": "x"}),
    ("a Returns section only", "Summary.\n\nReturns:\n    stuff", "Summary.", {}),
]


@pytest.mark.parametrize(
    ("doc", "summary", "params"),
    [pytest.param(d, s, p, id=n) for n, d, s, p in DOCSTRINGS],
)
def test_docstring(doc: str, summary: str, params: Dict[str, str]) -> None:
    assert _docstring(doc) == (summary, params)


def test_annotated_text_wins_over_the_docstring() -> None:
    tool: Any = function_tool(search)
    assert tool["function"]["description"] == "Search the catalogue."
    assert tool["function"]["parameters"]["properties"] == {
        "query": {"type": "string", "description": "what to look for"},
        "limit": {"type": "integer", "description": "how many results at most"},
    }


def star_args(*names: str) -> None: ...


def star_kwargs(**options: str) -> None: ...


def no_annotation(x) -> None:  # type: ignore[no-untyped-def]
    ...


def free_form(options: Dict[str, str]) -> None: ...


def positional(x: int, /) -> None: ...


REFUSED: List[Tuple[str, Any, Dict[str, Any], type, str]] = [
    ("*args", star_args, {}, TypeError, "star_args(names): *args and **kwargs"),
    ("**kwargs", star_kwargs, {}, TypeError, "star_kwargs(options): *args and **kwargs"),
    ("no annotation", no_annotation, {}, TypeError, "no_annotation(x): give the parameter a type annotation"),
    ("free-form dict", free_form, {}, TypeError, "free_form.options: Dict[str, str] is not supported"),
    ("positional-only", positional, {}, TypeError, "positional(x): a positional-only parameter"),
    ("a lambda's name", lambda x: x, {}, ValueError, "tool name '<lambda>'"),
    ("a bad name", get_weather, {"name": "get weather"}, ValueError, "tool name 'get weather'"),
    ("a long name", get_weather, {"name": "x" * 65}, ValueError, "1 to 64"),
    ("not a function", 42, {"name": "n"}, TypeError, "a function, a dataclass or a TypedDict"),
    ("a plain class", str, {}, TypeError, "a function, a dataclass or a TypedDict"),
]


@pytest.mark.parametrize(
    ("target", "options", "error", "message"),
    [pytest.param(t, o, e, m, id=n) for n, t, o, e, m in REFUSED],
)
@pytest.mark.parametrize("make", [function_tool, response_function_tool])
def test_refused(make: Any, target: Any, options: Dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error) as info:
        make(target, **options)
    assert message in str(info.value)


def test_argument_parsers() -> None:
    parsers = argument_parsers(
        [
            function_tool(get_weather),
            response_function_tool(Lookup, name="lookup"),
            {"type": "function", "function": {"name": "plain_strict", "parameters": {}, "strict": True}},
            {"type": "function", "name": "flat_strict", "parameters": {}, "strict": True},
            {"type": "function", "function": {"name": "not_strict", "parameters": {}}},
            {"type": "custom", "custom": {"name": "free"}},
            {"type": "web_search"},
            "not a tool",
        ]
    )
    assert sorted(parsers) == ["flat_strict", "get_weather", "lookup", "plain_strict"]
    assert parsers["get_weather"]('{"city": "Paris", "unit": "f", "days": 2}') == {
        "city": "Paris",
        "unit": "f",
        "days": 2,
    }
    assert parsers["lookup"]('{"order_id": "o1", "verbose": true}') == Lookup("o1", True)
    assert parsers["plain_strict"]('{"a": [1]}') == {"a": [1]}
    assert argument_parsers(None) == {}


def test_parsed_function_arguments_call_the_function() -> None:
    arguments = argument_parsers([function_tool(get_weather)])["get_weather"](
        '{"city": "Oslo", "unit": "c", "days": null}'
    )
    assert get_weather(**arguments) == "Oslo c None"


def test_arguments_that_do_not_fit_name_the_tool_and_the_parameter() -> None:
    parse = argument_parsers([function_tool(get_weather)])["get_weather"]
    with pytest.raises(ValueError, match=r"the arguments of get_weather do not match get_weather\(\): .*unit"):
        parse('{"city": "Oslo", "unit": "kelvin", "days": null}')
    with pytest.raises(ValueError, match="not valid JSON"):
        parse('{"city": ')
