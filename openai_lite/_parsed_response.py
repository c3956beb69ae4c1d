"""The response of ``parse_response``: the Responses types with parsed values.

``ParsedResponse[T]`` is a ``Response`` whose ``output_text`` parts carry
``parsed`` (``output_parsed`` is the first of them) and whose ``function_call``
items carry ``parsed_arguments``. Its ``output`` lists the generated output item
types with those two replaced, so that ``item.type == "function_call"`` narrows
to an item with ``parsed_arguments`` for type checkers too (a test keeps the
list equal to the generated ``OutputItem``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, List, Mapping, Optional, Type, Union

from ._accumulate import ResponseAccumulator
from ._errors import ContentFilterFinishReasonError, LengthFinishReasonError
from ._parsing import T, TypedBy, content_parser
from ._tools import argument_parsers
from .types.responses import (
    AdditionalTools,
    ApplyPatchToolCall,
    ApplyPatchToolCallOutput,
    CodeInterpreterToolCall,
    CompactionBody,
    ComputerToolCall,
    ComputerToolCallOutputResource,
    CustomToolCall,
    CustomToolCallOutputResource,
    FileSearchToolCall,
    FunctionShellCall,
    FunctionShellCallOutput,
    FunctionToolCall,
    FunctionToolCallOutputResource,
    ImageGenToolCall,
    LocalShellToolCall,
    LocalShellToolCallOutput,
    MCPApprovalRequest,
    MCPApprovalResponseResource,
    MCPListTools,
    MCPToolCall,
    OutputMessage,
    OutputTextContent,
    Program,
    ProgramOutput,
    ReasoningItem,
    RefusalContent,
    Response,
    ToolSearchCall,
    ToolSearchOutput,
    WebSearchToolCall,
)

__all__ = [
    "ParsedResponse",
    "ParsedResponseOutputMessage",
    "ParsedResponseOutputText",
    "ParsedResponseFunctionToolCall",
    "ParsedResponseAccumulator",
    "parsed_response",
]


# Values of our own making, not the API's: left out of to_dict() and of what is sent back.
_LOCAL = {"json": None}


@dataclass(init=False, repr=False, eq=False)
class ParsedResponseOutputText(OutputTextContent, TypedBy[T]):
    """An ``output_text`` part with its text parsed into the requested type."""

    parsed: Optional[T] = field(default=None, metadata=_LOCAL)
    """The text as the ``text_format`` type (None without one)."""


@dataclass(init=False, repr=False, eq=False)
class ParsedResponseOutputMessage(OutputMessage, TypedBy[T]):
    """An output message whose text parts have ``parsed``."""

    content: List[Union[ParsedResponseOutputText[T], RefusalContent]]  # type: ignore[assignment]


@dataclass(init=False, repr=False, eq=False)
class ParsedResponseFunctionToolCall(FunctionToolCall):
    """A ``function_call`` item with its arguments parsed."""

    parsed_arguments: Any = field(default=None, metadata=_LOCAL)
    """The arguments as the tool's type (a dataclass instance, a TypedDict's dict, a function's
    keyword arguments); the decoded JSON for another strict tool; None otherwise."""


@dataclass(init=False, repr=False, eq=False)
class ParsedResponse(Response, TypedBy[T]):
    """What ``parse_response`` returns: ``output_parsed`` is the output text as ``T``."""

    output: List[  # type: ignore[assignment]
        Union[
            ParsedResponseOutputMessage[T],
            FileSearchToolCall,
            ParsedResponseFunctionToolCall,
            FunctionToolCallOutputResource,
            WebSearchToolCall,
            ComputerToolCall,
            ComputerToolCallOutputResource,
            ReasoningItem,
            Program,
            ProgramOutput,
            ToolSearchCall,
            ToolSearchOutput,
            AdditionalTools,
            CompactionBody,
            ImageGenToolCall,
            CodeInterpreterToolCall,
            LocalShellToolCall,
            LocalShellToolCallOutput,
            FunctionShellCall,
            FunctionShellCallOutput,
            ApplyPatchToolCall,
            ApplyPatchToolCallOutput,
            MCPToolCall,
            MCPListTools,
            MCPApprovalRequest,
            MCPApprovalResponseResource,
            CustomToolCall,
            CustomToolCallOutputResource,
        ]
    ]

    @property
    def output_parsed(self) -> Optional[T]:
        """The first parsed ``output_text`` part: the answer as the ``text_format`` type.

        None when the model refused (the message holds a ``refusal`` part) or wrote no text.
        """
        for item in self.output or []:
            if isinstance(item, ParsedResponseOutputMessage):
                for part in item.content or []:
                    if isinstance(part, ParsedResponseOutputText) and part.parsed is not None:
                        return part.parsed
        return None


def parsed_response(response: Response, text_format: Any, tools: Any) -> Any:
    """``response`` as a ParsedResponse: text parts and function call arguments parsed.

    Raises ``LengthFinishReasonError`` / ``ContentFilterFinishReasonError`` for a
    response left incomplete for that reason, ``ValueError`` when the text does
    not fit the type.
    """
    reason = getattr(response.incomplete_details, "reason", None) if response.status == "incomplete" else None
    if reason == "max_output_tokens":
        raise LengthFinishReasonError(completion=response)
    if reason == "content_filter":
        raise ContentFilterFinishReasonError(completion=response)
    result = ParsedResponse.from_dict(response.to_dict())
    result.__dict__["_request_id"] = response._request_id
    result.__dict__["_headers"] = response._headers
    text = content_parser(text_format, "the output text")
    arguments = argument_parsers(tools)
    for item in result.output or []:
        if isinstance(item, ParsedResponseOutputMessage) and text is not None:
            for part in item.content or []:
                if isinstance(part, ParsedResponseOutputText):
                    part.parsed = text(part.text)
        elif isinstance(item, ParsedResponseFunctionToolCall) and item.name in arguments:
            item.parsed_arguments = arguments[item.name](item.arguments)
    return result


class ParsedResponseAccumulator(ResponseAccumulator, TypedBy[T]):
    """A :class:`ResponseAccumulator` whose ``final`` is a ``ParsedResponse``.

    ``parse_response_stream`` returns one; to wrap a stream yourself, give it
    the ``text_format`` type (and ``tools``) the request was made with.
    ``final`` raises as ``parse_response`` does.
    """

    def __init__(
        self,
        events: Iterable[Any],
        *,
        text_format: Union[Type[T], Mapping[str, Any], None] = None,
        tools: Optional[Iterable[Any]] = None,
    ) -> None:
        super().__init__(events)
        self._format = text_format
        self._tools = list(tools or ())
        self._parsed: Optional[ParsedResponse[T]] = None

    @property
    def final(self) -> ParsedResponse[T]:
        """The parsed response, once the stream has ended (the rest is read first)."""
        result: ParsedResponse[T] = super().final  # type: ignore[assignment]  # from _result
        return result

    def _result(self) -> ParsedResponse[T]:
        if self._parsed is None:  # parsed once: `final` may be read again
            self._parsed = parsed_response(super()._result(), self._format, self._tools)
        return self._parsed
