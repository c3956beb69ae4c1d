"""openai_lite quickstart: a chat completion, a streamed chat completion and an embedding.

    python examples/quickstart.py

With OPENAI_API_KEY set, this talks to the OpenAI API (or to OPENAI_BASE_URL,
if you set that too); choose the models with OPENAI_MODEL and
OPENAI_EMBEDDING_MODEL. Without a key it starts the fake server that ships
with openai_lite, so it also runs offline; the fake's replies just echo you.
"""

import os
import sys

try:
    import openai_lite
except ImportError:
    # Run from a source checkout without installing: use the package next to this folder.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import openai_lite

from openai_lite.testing import FakeServer

CHAT_MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
EMBEDDING_MODEL = os.environ.get("OPENAI_EMBEDDING_MODEL", "text-embedding-3-small")


def demo(client: openai_lite.Client) -> None:
    # 1. A chat completion: send the conversation, get the whole reply back.
    reply = client.create_chat_completion(
        model=CHAT_MODEL,
        messages=[{"role": "user", "content": "Say hello in five words or fewer."}],
    )
    print("Chat reply:", reply.choices[0].message.content)

    # 2. The same, streamed: print each piece of text as soon as it arrives.
    print("Streamed reply: ", end="", flush=True)
    for chunk in client.create_chat_completion_stream(
        model=CHAT_MODEL,
        messages=[{"role": "user", "content": "Count from one to five."}],
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            print(chunk.choices[0].delta.content, end="", flush=True)
    print()

    # 3. An embedding: a vector of floats that represents the text.
    result = client.create_embedding(model=EMBEDDING_MODEL, input="The quick brown fox")
    vector = result.data[0].embedding
    print(f"Embedding: {len(vector)} dimensions, starting {vector[:3]}")


def main() -> None:
    try:
        if os.environ.get("OPENAI_API_KEY"):
            # Client() reads OPENAI_API_KEY (and OPENAI_BASE_URL, if set) from the environment.
            with openai_lite.Client() as client:
                demo(client)
        else:
            with FakeServer() as server:
                print(f"OPENAI_API_KEY is not set: using the built-in fake server at {server.base_url}")
                # The fake server accepts any key.
                with openai_lite.Client(api_key="fake-key", base_url=server.base_url) as client:
                    demo(client)
    except openai_lite.APIError as exc:
        sys.exit(f"The API call failed: {exc}")


if __name__ == "__main__":
    main()
