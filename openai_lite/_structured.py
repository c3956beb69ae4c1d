"""``parse_chat_completion`` and ``parse_response``: structured outputs into your own types.

The mixin ``Client`` gets them from. Each method takes the arguments of the
generated method it wraps (``create_chat_completion``, ``create_response`` and
their ``_stream`` twins; a test keeps the lists equal) with one change: the
format may be a dataclass or TypedDict, sent as its strict JSON Schema and
parsed back into an instance. Nothing here is imported until a method runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Literal, Mapping, Optional, Sequence, Type, Union

from ._api.chat import ChatAPI
from ._api.responses import ResponsesAPI
from ._base_client import Timeout

if TYPE_CHECKING:
    from ._parsed_chat import ParsedChatCompletion, ParsedChatCompletionAccumulator
    from ._parsed_response import ParsedResponse, ParsedResponseAccumulator
    from ._parsing import T
    from .types.chat import ParallelToolCalls, ResponseModalities, ServiceTier, StopConfiguration
    from .types.chat_params import (
        ChatCompletionFunctionCallOption,
        ChatCompletionFunctions,
        ChatCompletionRequestMessage,
        ChatCompletionStreamOptions,
        ChatCompletionToolChoiceOption,
        ChatCompletionToolParam,
        CreateChatCompletionRequestAudio,
        CreateChatCompletionRequestWebSearchOptions,
        CustomToolChatCompletions,
        PredictionContent,
        ResponseFormatJsonSchemaParam,
    )
    from .types.responses import (
        IncludeEnum,
        Metadata,
        ModelIdsResponses,
        ModelIdsShared,
        ReasoningEffort,
        ServiceTierResponses,
        Verbosity,
    )
    from .types.responses_params import (
        ContextManagementParam,
        ConversationParam,
        InputParam,
        ModerationParam,
        PromptCacheOptionsParam,
        PromptParam,
        ReasoningParam,
        ResponseFormatJsonObjectParam,
        ResponseFormatTextParam,
        ResponseStreamOptionsParam,
        ResponseTextParam,
        TextResponseFormatConfigurationParam,
        ToolChoiceParam,
        ToolsArrayParam,
    )

__all__ = ["StructuredHelpers"]


class StructuredHelpers(ChatAPI, ResponsesAPI):
    """Chat completions and responses parsed into your own types (and their tool calls' arguments)."""

    def parse_chat_completion(
        self,
        *,
        messages: Sequence[ChatCompletionRequestMessage],
        model: ModelIdsShared,
        metadata: Optional[Metadata] = None,
        top_logprobs: Optional[int] = None,
        temperature: Optional[float] = None,
        top_p: Optional[float] = None,
        user: Optional[str] = None,
        safety_identifier: Optional[str] = None,
        prompt_cache_key: Optional[str] = None,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] = None,
        prompt_cache_options: Optional[PromptCacheOptionsParam] = None,
        service_tier: Optional[ServiceTier] = None,
        modalities: Optional[ResponseModalities] = None,
        verbosity: Optional[Verbosity] = None,
        reasoning_effort: Optional[ReasoningEffort] = None,
        max_completion_tokens: Optional[int] = None,
        frequency_penalty: Optional[float] = None,
        presence_penalty: Optional[float] = None,
        web_search_options: Optional[CreateChatCompletionRequestWebSearchOptions] = None,
        response_format: Union[
            Type[T], ResponseFormatTextParam, ResponseFormatJsonSchemaParam, ResponseFormatJsonObjectParam, None
        ] = None,
        audio: Optional[CreateChatCompletionRequestAudio] = None,
        store: Optional[bool] = None,
        moderation: Optional[ModerationParam] = None,
        stop: Optional[StopConfiguration] = None,
        logit_bias: Optional[Dict[str, int]] = None,
        logprobs: Optional[bool] = None,
        max_tokens: Optional[int] = None,
        n: Optional[int] = None,
        prediction: Optional[PredictionContent] = None,
        seed: Optional[int] = None,
        tools: Optional[Sequence[Union[ChatCompletionToolParam, CustomToolChatCompletions]]] = None,
        tool_choice: Optional[ChatCompletionToolChoiceOption] = None,
        parallel_tool_calls: Optional[ParallelToolCalls] = None,
        function_call: Optional[Union[Literal["none", "auto"], ChatCompletionFunctionCallOption]] = None,
        functions: Optional[Sequence[ChatCompletionFunctions]] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Optional[Timeout] = None,
    ) -> ParsedChatCompletion[T]:
        """``create_chat_completion`` with structured output: the reply parsed into ``response_format``.

        ``response_format`` is a dataclass or TypedDict (sent as a strict
        ``json_schema`` format; ``choices[i].message.parsed`` is an instance, a
        dict for a TypedDict), or a format dict, sent as it is (``parsed`` is
        then the decoded JSON for ``json_schema``/``json_object``). A refusal
        leaves ``parsed`` None and ``refusal`` set. Function tools made by
        ``function_tool`` (or other strict ones) give their calls
        ``function.parsed_arguments``. Raises ``LengthFinishReasonError`` or
        ``ContentFilterFinishReasonError`` when the output was cut off,
        ``ValueError`` when it does not fit the type.
        """
        arguments = _arguments(locals())  # first: locals() holds exactly the parameters
        from ._parsed_chat import parsed_chat_completion

        arguments["response_format"] = _chat_format(response_format)
        result: ParsedChatCompletion[T] = parsed_chat_completion(
            self.create_chat_completion(**arguments), response_format, tools
        )
        return result

    def parse_chat_completion_stream(
        self,
        *,
        messages: Sequence[ChatCompletionRequestMessage],
        model: ModelIdsShared,
        metadata: Optional[Metadata] = None,
        top_logprobs: Optional[int] = None,
        temperature: Optional[float] = None,
        top_p: Optional[float] = None,
        user: Optional[str] = None,
        safety_identifier: Optional[str] = None,
        prompt_cache_key: Optional[str] = None,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] = None,
        prompt_cache_options: Optional[PromptCacheOptionsParam] = None,
        service_tier: Optional[ServiceTier] = None,
        modalities: Optional[ResponseModalities] = None,
        verbosity: Optional[Verbosity] = None,
        reasoning_effort: Optional[ReasoningEffort] = None,
        max_completion_tokens: Optional[int] = None,
        frequency_penalty: Optional[float] = None,
        presence_penalty: Optional[float] = None,
        web_search_options: Optional[CreateChatCompletionRequestWebSearchOptions] = None,
        response_format: Union[
            Type[T], ResponseFormatTextParam, ResponseFormatJsonSchemaParam, ResponseFormatJsonObjectParam, None
        ] = None,
        audio: Optional[CreateChatCompletionRequestAudio] = None,
        store: Optional[bool] = None,
        moderation: Optional[ModerationParam] = None,
        stop: Optional[StopConfiguration] = None,
        logit_bias: Optional[Dict[str, int]] = None,
        logprobs: Optional[bool] = None,
        max_tokens: Optional[int] = None,
        n: Optional[int] = None,
        prediction: Optional[PredictionContent] = None,
        seed: Optional[int] = None,
        stream_options: Optional[ChatCompletionStreamOptions] = None,
        tools: Optional[Sequence[Union[ChatCompletionToolParam, CustomToolChatCompletions]]] = None,
        tool_choice: Optional[ChatCompletionToolChoiceOption] = None,
        parallel_tool_calls: Optional[ParallelToolCalls] = None,
        function_call: Optional[Union[Literal["none", "auto"], ChatCompletionFunctionCallOption]] = None,
        functions: Optional[Sequence[ChatCompletionFunctions]] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Optional[Timeout] = None,
    ) -> ParsedChatCompletionAccumulator[T]:
        """``create_chat_completion_stream`` with structured output: iterate it for the chunks as they
        come; its ``final`` is the ``ParsedChatCompletion`` (as from ``parse_chat_completion``).
        """
        arguments = _arguments(locals())  # first: locals() holds exactly the parameters
        from ._parsed_chat import ParsedChatCompletionAccumulator

        arguments["response_format"] = _chat_format(response_format)
        events = self.create_chat_completion_stream(**arguments)
        return ParsedChatCompletionAccumulator(events, response_format=response_format, tools=tools)

    def parse_response(
        self,
        *,
        metadata: Optional[Metadata] = None,
        top_logprobs: Optional[int] = None,
        temperature: Optional[float] = None,
        top_p: Optional[float] = None,
        user: Optional[str] = None,
        safety_identifier: Optional[str] = None,
        prompt_cache_key: Optional[str] = None,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] = None,
        prompt_cache_options: Optional[PromptCacheOptionsParam] = None,
        previous_response_id: Optional[str] = None,
        model: Optional[ModelIdsResponses] = None,
        background: Optional[bool] = None,
        max_tool_calls: Optional[int] = None,
        text: Optional[ResponseTextParam] = None,
        text_format: Union[Type[T], TextResponseFormatConfigurationParam, None] = None,
        tools: Optional[ToolsArrayParam] = None,
        tool_choice: Optional[ToolChoiceParam] = None,
        prompt: Optional[PromptParam] = None,
        service_tier: Optional[ServiceTierResponses] = None,
        truncation: Optional[Literal["auto", "disabled"]] = None,
        reasoning: Optional[ReasoningParam] = None,
        input: Optional[InputParam] = None,
        include: Optional[Sequence[IncludeEnum]] = None,
        parallel_tool_calls: Optional[bool] = None,
        store: Optional[bool] = None,
        instructions: Optional[str] = None,
        moderation: Optional[ModerationParam] = None,
        conversation: Optional[ConversationParam] = None,
        context_management: Optional[Sequence[ContextManagementParam]] = None,
        max_output_tokens: Optional[int] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Optional[Timeout] = None,
    ) -> ParsedResponse[T]:
        """``create_response`` with structured output: the output text parsed into ``text_format``.

        ``text_format`` is a dataclass or TypedDict (sent as the strict
        ``json_schema`` format in ``text``; ``output_parsed`` is an instance),
        or a format dict, sent as it is (``output_parsed`` is then the decoded
        JSON for ``json_schema``/``json_object``). A refusal leaves
        ``output_parsed`` None. Function tools made by
        ``response_function_tool`` (or other strict ones) give their
        ``function_call`` items ``parsed_arguments``. Raises
        ``LengthFinishReasonError`` or ``ContentFilterFinishReasonError`` for an
        output cut off, ``ValueError`` when it does not fit the type.
        """
        arguments = _arguments(locals())  # first: locals() holds exactly the parameters
        from ._parsed_response import parsed_response

        arguments["text"] = _text_with_format(arguments.pop("text_format"), text)
        result: ParsedResponse[T] = parsed_response(self.create_response(**arguments), text_format, tools)
        return result

    def parse_response_stream(
        self,
        *,
        metadata: Optional[Metadata] = None,
        top_logprobs: Optional[int] = None,
        temperature: Optional[float] = None,
        top_p: Optional[float] = None,
        user: Optional[str] = None,
        safety_identifier: Optional[str] = None,
        prompt_cache_key: Optional[str] = None,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] = None,
        prompt_cache_options: Optional[PromptCacheOptionsParam] = None,
        previous_response_id: Optional[str] = None,
        model: Optional[ModelIdsResponses] = None,
        background: Optional[bool] = None,
        max_tool_calls: Optional[int] = None,
        text: Optional[ResponseTextParam] = None,
        text_format: Union[Type[T], TextResponseFormatConfigurationParam, None] = None,
        tools: Optional[ToolsArrayParam] = None,
        tool_choice: Optional[ToolChoiceParam] = None,
        prompt: Optional[PromptParam] = None,
        service_tier: Optional[ServiceTierResponses] = None,
        truncation: Optional[Literal["auto", "disabled"]] = None,
        reasoning: Optional[ReasoningParam] = None,
        input: Optional[InputParam] = None,
        include: Optional[Sequence[IncludeEnum]] = None,
        parallel_tool_calls: Optional[bool] = None,
        store: Optional[bool] = None,
        instructions: Optional[str] = None,
        moderation: Optional[ModerationParam] = None,
        stream_options: Optional[ResponseStreamOptionsParam] = None,
        conversation: Optional[ConversationParam] = None,
        context_management: Optional[Sequence[ContextManagementParam]] = None,
        max_output_tokens: Optional[int] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Optional[Timeout] = None,
    ) -> ParsedResponseAccumulator[T]:
        """``create_response_stream`` with structured output: iterate it for the events as they come;
        its ``final`` is the ``ParsedResponse`` (as from ``parse_response``).
        """
        arguments = _arguments(locals())  # first: locals() holds exactly the parameters
        from ._parsed_response import ParsedResponseAccumulator

        arguments["text"] = _text_with_format(arguments.pop("text_format"), text)
        events = self.create_response_stream(**arguments)
        return ParsedResponseAccumulator(events, text_format=text_format, tools=tools)


def _arguments(arguments: Dict[str, Any]) -> Dict[str, Any]:
    """A method's ``locals()`` (taken first thing) as keyword arguments for the method it wraps."""
    return {name: value for name, value in arguments.items() if name != "self"}


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
