"""Stream a chat completion: print the reply as it is written, then the completion the chunks add up to.

    python examples/stream_chat.py ["your question"]

With OPENAI_API_KEY set this talks to the OpenAI API (choose the model with
OPENAI_MODEL). Without a key it starts the fake server that ships with
openai_lite, so it also runs offline; the fake's replies just echo you.
"""

import os
import sys

try:
    import openai_lite
except ImportError:
    # Run from a source checkout without installing: use the package next to this folder.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import openai_lite

from openai_lite import ChatCompletionAccumulator
from openai_lite.testing import FakeServer

MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")


def demo(client: openai_lite.Client) -> None:
    question = " ".join(sys.argv[1:]) or "Write a haiku about rivers."
    # The accumulator wraps the stream: loop over it exactly as over the stream itself.
    stream = ChatCompletionAccumulator(
        client.create_chat_completion_stream(
            model=MODEL,
            messages=[{"role": "user", "content": question}],
            stream_options={"include_usage": True},  # ask for a last chunk with the token counts
        )
    )
    for chunk in stream:
        for choice in chunk.choices:  # (the usage chunk has no choices)
            print(choice.delta.content or "", end="", flush=True)
    print()

    # Once the loop is over, `final` is the whole completion, as a non-streamed call would return it.
    completion = stream.final
    answer = completion.choices[0]
    tokens = completion.usage.total_tokens if completion.usage else "?"  # (some servers ignore include_usage)
    print(f"[{len(answer.message.content or '')} characters, finish reason {answer.finish_reason}, {tokens} tokens]")


def main() -> None:
    try:
        if os.environ.get("OPENAI_API_KEY"):
            with openai_lite.Client() as client:  # reads OPENAI_API_KEY (and OPENAI_BASE_URL, if set)
                demo(client)
        else:
            with FakeServer() as server:
                print(f"OPENAI_API_KEY is not set: using the built-in fake server at {server.base_url}")
                with openai_lite.Client(api_key="fake-key", base_url=server.base_url) as client:
                    demo(client)
    except openai_lite.APIError as exc:
        sys.exit(f"The API call failed: {exc}")


if __name__ == "__main__":
    main()
