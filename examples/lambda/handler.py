"""An AWS Lambda function that answers a prompt with a chat completion.

Build the deployment zip with ``examples/lambda/build.sh function.zip python3.12`` (the Python
version of your Lambda runtime), upload it, and configure the function with

* handler ``handler.handler``;
* environment variable ``OPENAI_API_KEY`` (and, if you like, ``OPENAI_BASE_URL`` for another
  server, ``OPENAI_MODEL`` for another model);
* a timeout long enough for a reply, such as 30 s (API Gateway stops waiting at 29 s by default).

Invoked with ``{"prompt": "..."}``, it returns ``{"statusCode": 200, "body": "<the reply>"}``: the
shape API Gateway and function URLs turn into an HTTP response. A failed API call raises the
library's error, so that Lambda marks the invocation failed (and retries it, if it was asynchronous)
with the error's type and message in the function's log.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Protocol, Tuple

import openai_lite

MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
DEFAULT_PROMPT = "Say hello in five words or fewer."

# Timeouts and retries, fitted to Lambda. The client's defaults (600 s per read, 2 retries) suit a
# long-running process; Lambda ends an invocation at the function's timeout (3 s unless raised,
# 15 minutes at most) and logs only "Task timed out", not what the call was waiting for. So:
# - 2 s to connect: from Lambda to the API it takes milliseconds, longer means the network is broken;
# - one retry, not two, for the failures a second try fixes (429, 5xx, a dropped connection), after
#   at most 1 s of backoff;
# - each attempt gets an equal share of the time the invocation has left, less that backoff and a
#   margin (see call_timeout), so that even the retry ends before Lambda's deadline and the handler
#   fails with the library's own error (APITimeoutError, RateLimitError, ...). For a non-streamed
#   call the read timeout bounds the whole response. Replies that need more than half of the
#   function's time need a longer function timeout, or max_retries=0 (the one attempt then gets all
#   of it). A server's Retry-After hint is honoured even beyond max_retry_delay (up to 60 s): keep
#   the function's timeout well above the waits your rate limits ask for.
CONNECT_TIMEOUT = 2.0
SAFETY_MARGIN = 0.5  # seconds left to report an error before Lambda's deadline

# Created once per execution environment, when Lambda imports this module (the cold start), and
# reused by every invocation that environment serves: its HTTPS connection to the API stays open
# between invocations, which saves a connection and TLS handshake on each warm one. The key comes
# from the OPENAI_API_KEY environment variable (without it the import fails with a clear error).
# The 25 s read timeout only bounds calls made without call_timeout().
client = openai_lite.Client(timeout=(CONNECT_TIMEOUT, 25.0), max_retries=1, max_retry_delay=1.0)


class LambdaContext(Protocol):
    """What this handler uses of the context object Lambda passes."""

    def get_remaining_time_in_millis(self) -> int: ...


def call_timeout(context: LambdaContext) -> Tuple[float, float]:
    """The ``(connect, read)`` timeout for one attempt, such that all attempts end in time."""
    left = context.get_remaining_time_in_millis() / 1000 - SAFETY_MARGIN
    share = (left - client.max_retries * client.max_retry_delay) / (client.max_retries + 1)
    share = max(share, 0.1)  # (no time left: fail at once with APITimeoutError)
    return (min(CONNECT_TIMEOUT, share), share)


def handler(event: Any, context: LambdaContext) -> Dict[str, Any]:
    """Reply to ``event["prompt"]`` (a short greeting by default)."""
    prompt = event.get("prompt", DEFAULT_PROMPT) if isinstance(event, dict) else None
    if not isinstance(prompt, str) or not prompt.strip():
        return {"statusCode": 400, "body": 'The event must be a JSON object whose "prompt" is a non-empty string.'}
    reply = client.create_chat_completion(
        model=MODEL,
        messages=[{"role": "user", "content": prompt}],
        timeout=call_timeout(context),
    )
    message = reply.choices[0].message
    return {"statusCode": 200, "body": message.content or message.refusal or ""}
