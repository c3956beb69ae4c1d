"""Chat completions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Mapping, Optional, Union

from .._base_client import BaseClient, Timeout

if TYPE_CHECKING:
    from ..types.chat import (
        ChatCompletionRequestMessage,
        ChatCompletionTool,
        CreateChatCompletionResponse,
        CreateChatCompletionStreamResponse,
    )


class ChatAPI(BaseClient):
    """Chat completion methods."""

    def create_chat_completion(
        self,
        *,
        messages: Iterable[ChatCompletionRequestMessage],
        model: str,
        frequency_penalty: Optional[float] = None,
        logit_bias: Optional[Dict[str, int]] = None,
        logprobs: Optional[bool] = None,
        max_completion_tokens: Optional[int] = None,
        n: Optional[int] = None,
        parallel_tool_calls: Optional[bool] = None,
        presence_penalty: Optional[float] = None,
        response_format: Optional[Dict[str, Any]] = None,
        seed: Optional[int] = None,
        stop: Union[str, List[str], None] = None,
        temperature: Optional[float] = None,
        tool_choice: Union[str, Dict[str, Any], None] = None,
        tools: Optional[Iterable[ChatCompletionTool]] = None,
        top_logprobs: Optional[int] = None,
        top_p: Optional[float] = None,
        user: Optional[str] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Optional[Timeout] = None,
    ) -> CreateChatCompletionResponse:
        """Create a model response for the given chat conversation.

        ``POST /chat/completions``
        """
        from ..types.chat import CreateChatCompletionResponse

        result: CreateChatCompletionResponse = self._request(
            "POST",
            "/chat/completions",
            body={
                "messages": list(messages),
                "model": model,
                "frequency_penalty": frequency_penalty,
                "logit_bias": logit_bias,
                "logprobs": logprobs,
                "max_completion_tokens": max_completion_tokens,
                "n": n,
                "parallel_tool_calls": parallel_tool_calls,
                "presence_penalty": presence_penalty,
                "response_format": response_format,
                "seed": seed,
                "stop": stop,
                "temperature": temperature,
                "tool_choice": tool_choice,
                "tools": None if tools is None else list(tools),
                "top_logprobs": top_logprobs,
                "top_p": top_p,
                "user": user,
            },
            cast_to=CreateChatCompletionResponse,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return result

    def create_chat_completion_stream(
        self,
        *,
        messages: Iterable[ChatCompletionRequestMessage],
        model: str,
        max_completion_tokens: Optional[int] = None,
        n: Optional[int] = None,
        stream_options: Optional[Dict[str, Any]] = None,
        temperature: Optional[float] = None,
        tool_choice: Union[str, Dict[str, Any], None] = None,
        tools: Optional[Iterable[ChatCompletionTool]] = None,
        user: Optional[str] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Optional[Timeout] = None,
    ) -> Iterator[CreateChatCompletionStreamResponse]:
        """Stream a chat completion as chunks (``"stream": true``); stops at ``data: [DONE]``.

        ``POST /chat/completions``. The request is sent when iteration starts.
        """
        from ..types.chat import CreateChatCompletionStreamResponse

        return self._stream(
            "POST",
            "/chat/completions",
            lambda event, data: CreateChatCompletionStreamResponse.from_dict(data),
            done_marker=True,
            body={
                "messages": list(messages),
                "model": model,
                "max_completion_tokens": max_completion_tokens,
                "n": n,
                "stream": True,
                "stream_options": stream_options,
                "temperature": temperature,
                "tool_choice": tool_choice,
                "tools": None if tools is None else list(tools),
                "user": user,
            },
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
