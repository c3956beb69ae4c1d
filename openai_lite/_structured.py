"""The work of ``Client.parse_chat_completion``, ``parse_response`` and their ``_stream`` twins.

The methods themselves are generated (tools/codegen/overrides.py, ``PARSE_TWINS``): the
arguments, docstring and ``stream`` refusal of the method they twin, and a body that calls the
function here named like the method. Each function does what a user would: it turns a format
type into its strict JSON Schema, calls the generated ``create_*`` method, and parses the result
into the type. The module is loaded on the first such call, and loads the parsing modules then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

if TYPE_CHECKING:
    from ._api.chat import ChatAPI
    from ._api.responses import ResponsesAPI

__all__ = ["parse_chat_completion", "parse_chat_completion_stream", "parse_response", "parse_response_stream"]


def parse_chat_completion(client: ChatAPI, *, response_format: Any, tools: Any, **arguments: Any) -> Any:
    """``create_chat_completion`` with ``response_format`` sent as a format, the reply parsed into it."""
    from ._parsed_chat import parsed_chat_completion

    completion = client.create_chat_completion(response_format=_chat_format(response_format), tools=tools, **arguments)
    return parsed_chat_completion(completion, response_format, tools)


def parse_chat_completion_stream(client: ChatAPI, *, response_format: Any, tools: Any, **arguments: Any) -> Any:
    """``create_chat_completion_stream`` in an accumulator whose ``final`` is parsed (nothing is sent yet)."""
    from ._parsed_chat import ParsedChatCompletionAccumulator

    fmt = _chat_format(response_format)  # (a type strict mode cannot express fails here, not when iterated)
    events = client.create_chat_completion_stream(response_format=fmt, tools=tools, **arguments)
    return ParsedChatCompletionAccumulator(events, response_format=response_format, tools=tools)


def parse_response(client: ResponsesAPI, *, text_format: Any, text: Any, tools: Any, **arguments: Any) -> Any:
    """``create_response`` with ``text_format`` sent as ``text["format"]``, the output text parsed into it."""
    from ._parsed_response import parsed_response

    response = client.create_response(text=_text_with_format(text_format, text), tools=tools, **arguments)
    return parsed_response(response, text_format, tools)


def parse_response_stream(client: ResponsesAPI, *, text_format: Any, text: Any, tools: Any, **arguments: Any) -> Any:
    """``create_response_stream`` in an accumulator whose ``final`` is parsed (nothing is sent yet)."""
    from ._parsed_response import ParsedResponseAccumulator

    events = client.create_response_stream(text=_text_with_format(text_format, text), tools=tools, **arguments)
    return ParsedResponseAccumulator(events, text_format=text_format, tools=tools)


def _chat_format(fmt: Any) -> Any:
    """The ``response_format`` to send: a type as its strict ``json_schema`` format, a dict as it is."""
    if fmt is None or isinstance(fmt, Mapping):
        return fmt
    from ._schema import strict_format

    return {"type": "json_schema", "json_schema": strict_format(fmt)}


def _text_with_format(fmt: Any, text: Optional[Mapping[str, Any]]) -> Any:
    """The ``text`` to send: ``text`` (verbosity ...) with ``format`` set from ``text_format``."""
    if fmt is None:
        return text
    if text and "format" in text:
        raise TypeError("give the format either as text_format or as text={'format': ...}, not both")
    if not isinstance(fmt, Mapping):
        from ._schema import strict_format

        fmt = {"type": "json_schema", **strict_format(fmt)}
    return {**(text or {}), "format": fmt}
