"""Function tools from Python functions, dataclasses and TypedDicts.

``function_tool(get_weather)`` reads the function's signature and docstring
and gives the Chat Completions ``tools`` entry; ``response_function_tool`` the
Responses API's flat one. The parameters' schema follows the rules of
``json_schema`` (strict by default). The entry is a dict, sent as it is; it
also remembers what the arguments parse into, so that ``parse_chat_completion``
and ``parse_response`` give each call ``parsed_arguments``: an instance of the
dataclass, a dict for a TypedDict, or for a function the keyword arguments to
call it with (``get_weather(**call.function.parsed_arguments)``).
"""

from __future__ import annotations

import inspect
import re
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple, cast

from ._parsing import build_arguments, parse_json
from ._schema import Field, SchemaBuilder, class_doc, json_schema, object_kind, type_hints, unwrap

if TYPE_CHECKING:
    from .types.chat_params import ChatCompletionToolParam
    from .types.responses_params import FunctionToolParam2

__all__ = ["function_tool", "response_function_tool", "argument_parsers"]

_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
# Docstring sections that end the summary; Google style ("Args:") and Sphinx fields (":param x:").
_SECTION = re.compile(r"^(Args|Arguments|Parameters|Params|Keyword Args|Returns?|Yields?|Raises|Examples?|Notes?):\s*$")
_GOOGLE_ARG = re.compile(r"^(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_SPHINX_ARG = re.compile(r"^:param\s+(?:[^:]*\s)?(\w+)\s*:\s*(.*)$")
_ARG_HEADERS = ("Args", "Arguments", "Parameters", "Params", "Keyword Args")


def function_tool(
    fn_or_type: Any, *, name: Optional[str] = None, description: Optional[str] = None, strict: bool = True
) -> ChatCompletionToolParam:
    """A Chat Completions function tool: ``{"type": "function", "function": {"name", "description",
    "parameters", "strict"}}``.

    ``fn_or_type`` is a function (its parameters, their annotations and the
    docstring: the summary describes the tool, an ``Args:`` section or
    ``:param x:`` lines describe the parameters) or a dataclass/TypedDict
    describing the arguments (its docstring describes the tool). ``name``
    defaults to the function's or class's name. Give the tool to
    ``parse_chat_completion`` to get ``parsed_arguments`` on its calls.
    """
    tool = _Tool(fn_or_type, name, description)
    function: Dict[str, Any] = {"name": tool.name}
    if tool.description:
        function["description"] = tool.description
    function.update(parameters=tool.parameters, strict=strict)
    return cast("ChatCompletionToolParam", _entry({"type": "function", "function": function}, tool.parse))


def response_function_tool(
    fn_or_type: Any, *, name: Optional[str] = None, description: Optional[str] = None, strict: bool = True
) -> FunctionToolParam2:
    """The Responses API's function tool: ``{"type": "function", "name", "description", "parameters",
    "strict"}``, built like :func:`function_tool`. Give it to ``parse_response`` to get
    ``parsed_arguments`` on the ``function_call`` items."""
    tool = _Tool(fn_or_type, name, description)
    entry: Dict[str, Any] = {"type": "function", "name": tool.name}
    if tool.description:
        entry["description"] = tool.description
    entry.update(parameters=tool.parameters, strict=strict)
    return cast("FunctionToolParam2", _entry(entry, tool.parse))


class FunctionToolEntry(Dict[str, Any]):
    """A ``tools`` entry made by :func:`function_tool`: the dict that is sent, plus ``parse_arguments``."""

    parse_arguments: Callable[[str], Any]


def _entry(data: Dict[str, Any], parse: Callable[[str], Any]) -> FunctionToolEntry:
    entry = FunctionToolEntry(data)
    entry.parse_arguments = parse
    return entry


def argument_parsers(tools: Optional[Iterable[Any]]) -> Dict[str, Callable[[str], Any]]:
    """Function name -> parser of its calls' arguments, for the function tools among ``tools``.

    Tools made here parse into their type; another strict function tool into the
    decoded JSON; a non-strict one is not parsed (its arguments need not be JSON).
    Both the nested (Chat Completions) and the flat (Responses) forms are read.
    """
    parsers: Dict[str, Callable[[str], Any]] = {}
    for tool in tools or ():
        if not isinstance(tool, Mapping) or tool.get("type") != "function":
            continue
        function = tool.get("function", tool)
        name = function.get("name") if isinstance(function, Mapping) else None
        if not isinstance(name, str):
            continue
        parse = getattr(tool, "parse_arguments", None)
        if parse is None and function.get("strict"):
            parse = _json_parser(name)
        if parse is not None:
            parsers[name] = parse
    return parsers


def _json_parser(name: str) -> Callable[[str], Any]:
    return lambda text: parse_json(Any, text, f"the arguments of {name}")


class _Tool:
    """What a function or class says about a tool: name, description, parameters, how to parse."""

    def __init__(self, fn_or_type: Any, name: Optional[str], description: Optional[str]) -> None:
        self.name: str = name or getattr(fn_or_type, "__name__", None) or ""
        if not _NAME.match(self.name):
            raise ValueError(
                f"tool name {self.name!r}: use 1 to 64 letters, digits, underscores or dashes (pass name=...)"
            )
        what = f"the arguments of {self.name}"
        if object_kind(fn_or_type):
            cls = fn_or_type
            self.description = description or class_doc(cls)
            self.parameters = json_schema(cls)
            if self.description and self.parameters.get("description") == self.description:
                del self.parameters["description"]  # said once, on the tool
            self.parse: Callable[[str], Any] = lambda text: parse_json(cls, text, what)
        elif callable(fn_or_type) and not isinstance(fn_or_type, type):
            summary, documented = _docstring(inspect.getdoc(fn_or_type) or "")
            fields = _parameters(fn_or_type, self.name, documented)
            self.description = description or summary
            builder = SchemaBuilder()
            self.parameters = builder.finish(builder.object_of(fields, None, self.name))

            self.parse = lambda text: build_arguments(fields, parse_json(Any, text, what), what, self.name)
        else:
            raise TypeError(f"a tool is made from a function, a dataclass or a TypedDict, not {fn_or_type!r}")


def _parameters(fn: Callable[..., Any], name: str, documented: Dict[str, str]) -> List[Field]:
    hints = type_hints(fn, f"{name}()")
    fields: List[Field] = []
    for param in inspect.signature(fn).parameters.values():
        where = f"{name}({param.name})"
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"{where}: *args and **kwargs cannot be tool parameters (the model passes named ones)")
        if param.kind is param.POSITIONAL_ONLY:
            raise TypeError(f"{where}: a positional-only parameter cannot be passed by name")
        if param.name not in hints:
            raise TypeError(f"{where}: give the parameter a type annotation (the model needs its type)")
        tp, text, _ = unwrap(hints[param.name])
        has_default = param.default is not param.empty
        fields.append(Field(param.name, tp, text or documented.get(param.name), False, has_default))
    return fields


def _docstring(doc: str) -> Tuple[str, Dict[str, str]]:
    """A docstring's summary (the text before its first section) and its parameter descriptions.

    Parameters are read from a Google-style ``Args:`` section (``name (type): text``,
    continued on more indented lines) or Sphinx fields (``:param name: text``).
    """
    summary: List[str] = []
    params: Dict[str, str] = {}
    section: Optional[str] = None  # None (the summary), "args", "sphinx" or "other"
    current: Optional[str] = None  # the parameter whose description continues
    entry_indent = -1  # the indentation of the entries of an Args: section
    for line in doc.splitlines():
        stripped = line.strip()
        indent = len(line) - len(stripped)
        header = _SECTION.match(stripped)
        sphinx = _SPHINX_ARG.match(stripped)
        if header and indent == 0:
            section = "args" if header.group(1) in _ARG_HEADERS else "other"
            current, entry_indent = None, -1
        elif sphinx:
            section, current = "sphinx", sphinx.group(1)
            params[current] = sphinx.group(2).strip()
        elif stripped.startswith(":") and indent == 0:  # :returns:, :raises X:, :type x: ...
            section, current = "other", None
        elif section is None:
            summary.append(line)
        elif section == "args" and indent > 0 and (entry_indent < 0 or indent == entry_indent):
            entry = _GOOGLE_ARG.match(stripped)
            if entry:
                entry_indent, current = indent, entry.group(1).lstrip("*")
                params[current] = entry.group(2).strip()
            elif current is not None:
                params[current] += " " + stripped
        elif section in ("args", "sphinx") and current is not None and stripped:
            params[current] = f"{params[current]} {stripped}".strip()  # a continuation line
    return "\n".join(summary).strip(), params
