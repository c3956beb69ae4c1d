"""Chat completions: request and response types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

from .._models import BaseModel


class ChatCompletionRequestMessage(TypedDict, total=False):
    """One message of the conversation sent to the model."""

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: Union[str, List[Dict[str, Any]], None]
    name: str
    tool_calls: List[Dict[str, Any]]
    tool_call_id: str


class ChatCompletionTool(TypedDict, total=False):
    """A tool the model may call."""

    type: Literal["function"]
    function: Dict[str, Any]


@dataclass
class FunctionCall(BaseModel):
    """The function a tool call invokes, with JSON-encoded arguments."""

    name: Optional[str] = None
    arguments: Optional[str] = None


@dataclass
class ChatCompletionMessageToolCall(BaseModel):
    """A tool call the model made."""

    id: str
    type: Literal["function"]
    function: FunctionCall


@dataclass
class ChatCompletionMessageToolCallChunk(BaseModel):
    """A piece of a tool call in a stream; pieces with the same index belong together."""

    index: int
    id: Optional[str] = None
    type: Optional[Literal["function"]] = None
    function: Optional[FunctionCall] = None


@dataclass
class ChatCompletionResponseMessage(BaseModel):
    """The message the model produced."""

    content: Optional[str]
    refusal: Optional[str]
    role: Literal["assistant"]
    tool_calls: Optional[List[ChatCompletionMessageToolCall]] = None
    annotations: Optional[List[Dict[str, Any]]] = None
    audio: Optional[Dict[str, Any]] = None


@dataclass
class CompletionUsage(BaseModel):
    """Token counts of a request."""

    completion_tokens: int
    prompt_tokens: int
    total_tokens: int
    completion_tokens_details: Optional[Dict[str, Any]] = None
    prompt_tokens_details: Optional[Dict[str, Any]] = None


@dataclass
class CreateChatCompletionResponseChoice(BaseModel):
    """One of the ``n`` completions."""

    finish_reason: Literal["stop", "length", "tool_calls", "content_filter", "function_call"]
    index: int
    message: ChatCompletionResponseMessage
    logprobs: Optional[Dict[str, Any]] = None


@dataclass
class CreateChatCompletionResponse(BaseModel):
    """A chat completion."""

    id: str
    choices: List[CreateChatCompletionResponseChoice]
    created: int
    model: str
    object: Literal["chat.completion"]
    service_tier: Optional[str] = None
    system_fingerprint: Optional[str] = None
    usage: Optional[CompletionUsage] = None


@dataclass
class ChatCompletionStreamResponseDelta(BaseModel):
    """What a stream chunk adds to a choice's message."""

    content: Optional[str] = None
    refusal: Optional[str] = None
    role: Optional[Literal["developer", "system", "user", "assistant", "tool"]] = None
    tool_calls: Optional[List[ChatCompletionMessageToolCallChunk]] = None


@dataclass
class CreateChatCompletionStreamResponseChoice(BaseModel):
    """One choice's piece of a stream chunk."""

    delta: ChatCompletionStreamResponseDelta
    finish_reason: Optional[Literal["stop", "length", "tool_calls", "content_filter", "function_call"]]
    index: int
    logprobs: Optional[Dict[str, Any]] = None


@dataclass
class CreateChatCompletionStreamResponse(BaseModel):
    """One chunk of a streamed chat completion."""

    id: str
    choices: List[CreateChatCompletionStreamResponseChoice]
    created: int
    model: str
    object: Literal["chat.completion.chunk"]
    service_tier: Optional[str] = None
    system_fingerprint: Optional[str] = None
    usage: Optional[CompletionUsage] = None
