"""Stream an Assistants run that calls a function: answer the call, and stream the rest of the run.

    python examples/stream_assistant_run.py

The run stream's events are named by their SSE ``event:`` line (thread.run.created,
thread.message.delta, thread.run.requires_action, ...), each with its typed
``data``. A RunAccumulator follows the run: when the stream ends, ``final`` holds
the run as it last was and the messages it wrote. A run that needs a tool's output
stops in status ``requires_action``; submitting the outputs streams the rest.

With OPENAI_API_KEY set this talks to the OpenAI API (choose the model with
OPENAI_MODEL): it creates an assistant and deletes it at the end. Without a key
it starts the fake server that ships with openai_lite, so it also runs offline.
(OpenAI has deprecated the Assistants API in favour of the Responses API.)
"""

import json
import os
import sys
import warnings
from typing import Any, Dict, List

try:
    import openai_lite
except ImportError:
    # Run from a source checkout without installing: use the package next to this folder.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import openai_lite

from openai_lite import RunAccumulator, RunResult
from openai_lite.testing import FakeServer
from openai_lite.types.assistants_params import SubmitToolOutputsRunRequestToolOutputsItem

MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")

TOOLS: List[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The current weather in a city.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
    }
]

# The API marks the Assistants operations as deprecated; this example knows, and does not need the warnings.
warnings.filterwarnings("ignore", message=r".* is deprecated by the API", category=DeprecationWarning)


def get_weather(city: str) -> Dict[str, Any]:
    """Our side of the tool (a real one would ask a weather service)."""
    return {"city": city, "temperature_c": 21, "sky": "clear"}


def follow(run: RunAccumulator) -> RunResult:
    """Print the run's text as it is written; return what the run came to when its stream ends."""
    for event in run:
        if event.event == "thread.message.delta":
            for part in event.data.delta.content or []:
                if part.type == "text" and part.text is not None:
                    print(part.text.value or "", end="", flush=True)
        elif event.event == "thread.message.completed":
            print()
        elif event.event.startswith("thread.run.") and not event.event.startswith("thread.run.step."):
            print(f"[{event.event}]")
    return run.final


def demo(client: openai_lite.Client) -> None:
    assistant = client.create_assistant(
        model=MODEL, name="Weather helper", instructions="Answer with the weather tool.", tools=TOOLS
    )
    try:
        result = follow(
            RunAccumulator(
                client.create_thread_and_run_stream(
                    assistant_id=assistant.id,
                    thread={"messages": [{"role": "user", "content": "What is the weather like in Paris?"}]},
                )
            )
        )
        while result.run is not None and result.tool_calls:  # the run is in status requires_action
            outputs: List[SubmitToolOutputsRunRequestToolOutputsItem] = []
            for call in result.tool_calls:
                output = get_weather(**json.loads(call.function.arguments))
                print(f"<- {call.function.name}({call.function.arguments}) returned {output}")
                outputs.append({"tool_call_id": call.id, "output": json.dumps(output)})
            result = follow(
                RunAccumulator(
                    client.submit_tool_outputs_to_run_stream(result.run.thread_id, result.run.id, tool_outputs=outputs)
                )
            )
        run = result.run
        if run is not None:
            print(f"[run {run.id} {run.status}, {len(result.messages)} message(s) written]")
    finally:
        client.delete_assistant(assistant.id)


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
