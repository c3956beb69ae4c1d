"""The chat completion of ``parse_chat_completion``: the response types with ``parsed`` values.

``ParsedChatCompletion[T]`` is a ``CreateChatCompletionResponse`` whose
messages carry ``parsed`` (an instance of the requested type ``T``, or None for
a refusal) and whose function tool calls carry ``function.parsed_arguments``.
The classes are the generated ones with those fields added, so everything else
(``to_dict()``, sending a message back) works as on any response object; the
added values never appear in ``to_dict()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, List, Mapping, Optional, Type, Union

from ._accumulate import ChatCompletionAccumulator
from ._errors import ContentFilterFinishReasonError, LengthFinishReasonError
from ._parsing import T, TypedBy, content_parser
from ._tools import argument_parsers
from .types.chat import (
    ChatCompletionMessageCustomToolCall,
    ChatCompletionMessageToolCall,
    ChatCompletionMessageToolCallFunction,
    ChatCompletionResponseMessage,
    CreateChatCompletionResponse,
    CreateChatCompletionResponseChoicesItem,
    CreateChatCompletionStreamResponse,
)

__all__ = [
    "ParsedChatCompletion",
    "ParsedChoice",
    "ParsedChatCompletionMessage",
    "ParsedFunctionToolCall",
    "ParsedFunction",
    "ParsedChatCompletionAccumulator",
    "parsed_chat_completion",
]


# Values of our own making, not the API's: left out of to_dict() and of what is sent back.
_LOCAL = {"json": None}


@dataclass(init=False, repr=False, eq=False)
class ParsedFunction(ChatCompletionMessageToolCallFunction):
    """The function of a tool call, with its arguments parsed."""

    parsed_arguments: Any = field(default=None, metadata=_LOCAL)
    """The arguments as the tool's type (a dataclass instance, a TypedDict's dict, a function's
    keyword arguments); the decoded JSON for another strict tool; None otherwise."""


@dataclass(init=False, repr=False, eq=False)
class ParsedFunctionToolCall(ChatCompletionMessageToolCall):
    """A function tool call whose ``function`` has ``parsed_arguments``."""

    function: ParsedFunction


@dataclass(init=False, repr=False, eq=False)
class ParsedChatCompletionMessage(ChatCompletionResponseMessage, TypedBy[T]):
    """An assistant message with its content parsed into the requested type."""

    # (List is invariant: narrowing an inherited field's item type is sound here, the lists are ours.)
    tool_calls: Optional[List[Union[ParsedFunctionToolCall, ChatCompletionMessageCustomToolCall]]] = None  # type: ignore[assignment]

    parsed: Optional[T] = field(default=None, metadata=_LOCAL)
    """The content as the ``response_format`` type; None when the model refused (see ``refusal``)
    or wrote no content (tool calls)."""


@dataclass(init=False, repr=False, eq=False)
class ParsedChoice(CreateChatCompletionResponseChoicesItem, TypedBy[T]):
    """A choice whose message has ``parsed``."""

    message: ParsedChatCompletionMessage[T]


@dataclass(init=False, repr=False, eq=False)
class ParsedChatCompletion(CreateChatCompletionResponse, TypedBy[T]):
    """What ``parse_chat_completion`` returns: ``choices[i].message.parsed`` is the content as ``T``."""

    choices: List[ParsedChoice[T]]  # type: ignore[assignment]


def parsed_chat_completion(completion: CreateChatCompletionResponse, response_format: Any, tools: Any) -> Any:
    """``completion`` as a ParsedChatCompletion: contents and tool arguments parsed.

    Raises ``LengthFinishReasonError`` / ``ContentFilterFinishReasonError`` when a
    choice stopped for that reason (its content is cut off), ``ValueError`` when
    the content does not fit the type.
    """
    result = ParsedChatCompletion.from_dict(completion.to_dict())
    result.__dict__["_request_id"] = completion._request_id
    result.__dict__["_headers"] = completion._headers
    content = content_parser(response_format, "the message content")
    arguments = argument_parsers(tools)
    for choice in result.choices or []:
        if choice.finish_reason == "length":
            raise LengthFinishReasonError(completion=result)
        if choice.finish_reason == "content_filter":
            raise ContentFilterFinishReasonError(completion=result)
        message = choice.message
        if content is not None and message.content is not None and not message.refusal:
            message.parsed = content(message.content)
        for call in message.tool_calls or []:
            if isinstance(call, ParsedFunctionToolCall) and call.function.name in arguments:
                call.function.parsed_arguments = arguments[call.function.name](call.function.arguments)
    return result


class ParsedChatCompletionAccumulator(ChatCompletionAccumulator, TypedBy[T]):
    """A :class:`ChatCompletionAccumulator` whose ``final`` is a ``ParsedChatCompletion``.

    ``parse_chat_completion_stream`` returns one; to wrap a stream yourself, give
    it the ``response_format`` type (and ``tools``) the request was made with.
    ``final`` raises as ``parse_chat_completion`` does.
    """

    def __init__(
        self,
        events: Iterable[CreateChatCompletionStreamResponse],
        *,
        response_format: Union[Type[T], Mapping[str, Any], None] = None,
        tools: Optional[Iterable[Any]] = None,
    ) -> None:
        super().__init__(events)
        self._format = response_format
        self._tools = list(tools or ())

    @property
    def final(self) -> ParsedChatCompletion[T]:
        """The parsed chat completion, once the stream has ended (the rest is read first)."""
        result: ParsedChatCompletion[T] = super().final  # type: ignore[assignment]  # from _result
        return result

    def _result(self) -> ParsedChatCompletion[T]:
        result: ParsedChatCompletion[T] = parsed_chat_completion(super()._result(), self._format, self._tools)
        return result
