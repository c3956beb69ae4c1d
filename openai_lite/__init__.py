"""openai_lite: a small synchronous client for the OpenAI API and compatible servers.

import openai_lite

client = openai_lite.Client()  # reads OPENAI_API_KEY
reply = client.create_chat_completion(
    model="gpt-4o-mini", messages=[{"role": "user", "content": "Hello"}]
)
print(reply.choices[0].message.content)
"""

from ._accumulate import Accumulator, ChatCompletionAccumulator, ResponseAccumulator, RunAccumulator, RunResult
from ._azure import AzureClient
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
    ConflictError,
    InternalServerError,
    InvalidWebhookSignatureError,
    NotFoundError,
    OpenAIError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._files import BinaryResponse, ProgressCallback
from ._models import BaseModel
from ._multipart import FileInput
from ._pagination import Page
from ._sse import ServerSentEvent, iter_sse
from ._streaming import UnknownEvent
from ._version import __version__
from ._webhooks import unwrap_webhook, verify_webhook

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
    "verify_webhook",
    "unwrap_webhook",
]
