"""openai_lite: a small synchronous client for the OpenAI API and compatible servers.

import openai_lite

client = openai_lite.Client()  # reads OPENAI_API_KEY
reply = client.create_chat_completion(
    model="gpt-4o-mini", messages=[{"role": "user", "content": "Hello"}]
)
print(reply.choices[0].message.content)
"""

from typing import TYPE_CHECKING, Any

from ._base_client import DEFAULT_TIMEOUT, Timeout
from ._client import Client
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BatchIncompleteError,
    ConflictError,
    ContentFilterFinishReasonError,
    InternalServerError,
    InvalidWebhookSignatureError,
    LengthFinishReasonError,
    NotFoundError,
    OpenAIError,
    PermissionDeniedError,
    PollTimeoutError,
    RateLimitError,
    ResponseTooLargeError,
    UnprocessableEntityError,
)
from ._files import BinaryResponse, ProgressCallback
from ._models import BaseModel
from ._pagination import Page
from ._sse import ServerSentEvent, iter_sse
from ._streaming import UnknownEvent
from ._version import __version__

if TYPE_CHECKING:
    from ._accumulate import Accumulator, ChatCompletionAccumulator, ResponseAccumulator, RunAccumulator, RunResult
    from ._azure import AzureClient
    from ._batch import BatchProgress, BatchResult
    from ._multipart import FileInput
    from ._parsed_chat import (
        ParsedChatCompletion,
        ParsedChatCompletionAccumulator,
        ParsedChatCompletionMessage,
        ParsedChoice,
        ParsedFunction,
        ParsedFunctionToolCall,
    )
    from ._parsed_response import (
        ParsedResponse,
        ParsedResponseAccumulator,
        ParsedResponseFunctionToolCall,
        ParsedResponseOutputMessage,
        ParsedResponseOutputText,
    )
    from ._schema import json_schema
    from ._tools import function_tool, response_function_tool
    from ._webhooks import unwrap_webhook, verify_webhook

# Loaded on first use, so that `import openai_lite` stays light (a Lambda function's cold start pays
# for every module imported): name -> module.
_LAZY = {
    "FileInput": "._multipart",
    "AzureClient": "._azure",
    "Accumulator": "._accumulate",
    "ChatCompletionAccumulator": "._accumulate",
    "ResponseAccumulator": "._accumulate",
    "RunAccumulator": "._accumulate",
    "RunResult": "._accumulate",
    "verify_webhook": "._webhooks",
    "unwrap_webhook": "._webhooks",
    "BatchResult": "._batch",
    "BatchProgress": "._batch",
    "json_schema": "._schema",
    "function_tool": "._tools",
    "response_function_tool": "._tools",
    "ParsedChatCompletion": "._parsed_chat",
    "ParsedChoice": "._parsed_chat",
    "ParsedChatCompletionMessage": "._parsed_chat",
    "ParsedFunctionToolCall": "._parsed_chat",
    "ParsedFunction": "._parsed_chat",
    "ParsedChatCompletionAccumulator": "._parsed_chat",
    "ParsedResponse": "._parsed_response",
    "ParsedResponseOutputMessage": "._parsed_response",
    "ParsedResponseOutputText": "._parsed_response",
    "ParsedResponseFunctionToolCall": "._parsed_response",
    "ParsedResponseAccumulator": "._parsed_response",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # found directly next time
    return value


def __dir__() -> "list[str]":
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "__version__",
    "Client",
    "AzureClient",
    "Timeout",
    "DEFAULT_TIMEOUT",
    "BaseModel",
    "Page",
    "BinaryResponse",
    "FileInput",
    "ProgressCallback",
    "ServerSentEvent",
    "iter_sse",
    "UnknownEvent",
    "Accumulator",
    "ChatCompletionAccumulator",
    "ResponseAccumulator",
    "RunAccumulator",
    "RunResult",
    "OpenAIError",
    "APIError",
    "APIStatusError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "InvalidWebhookSignatureError",
    "PollTimeoutError",
    "BatchIncompleteError",
    "BatchResult",
    "BatchProgress",
    "ResponseTooLargeError",
    "verify_webhook",
    "unwrap_webhook",
    "LengthFinishReasonError",
    "ContentFilterFinishReasonError",
    "json_schema",
    "function_tool",
    "response_function_tool",
    "ParsedChatCompletion",
    "ParsedChoice",
    "ParsedChatCompletionMessage",
    "ParsedFunctionToolCall",
    "ParsedFunction",
    "ParsedChatCompletionAccumulator",
    "ParsedResponse",
    "ParsedResponseOutputMessage",
    "ParsedResponseOutputText",
    "ParsedResponseFunctionToolCall",
    "ParsedResponseAccumulator",
]
