"""Stream a reply from the Responses API: print its text as it comes, then the final Response.

    python examples/stream_responses.py ["your question"]

A Responses stream is a series of typed events (response.created,
response.output_text.delta, ..., response.completed); the ResponseAccumulator
keeps the final Response and its output text.

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

from openai_lite import ResponseAccumulator
from openai_lite.testing import FakeServer

MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")


def demo(client: openai_lite.Client) -> None:
    question = " ".join(sys.argv[1:]) or "Describe a river in one sentence."
    stream = ResponseAccumulator(client.create_response_stream(model=MODEL, input=question))
    kinds = set()
    for event in stream:
        kinds.add(event.type)  # every event passes by, an unknown one as an openai_lite.UnknownEvent
        if event.type == "response.output_text.delta":
            print(event.delta, end="", flush=True)
    print()

    # The Response of the last event: response.completed, or response.failed / response.incomplete.
    response = stream.final
    if response.status != "completed":
        print(f"[the response is {response.status}: {response.error or response.incomplete_details}]")
    tokens = response.usage.total_tokens if response.usage else "?"
    print(f"[{response.id}: {len(stream.output_text)} characters, {tokens} tokens, {len(kinds)} kinds of events]")


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
