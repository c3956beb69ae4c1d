"""The canonical stream loops, narrowed by each event's discriminator: ``mypy --strict`` and pyright accept them.

Only type-checked (tests/test_api_surface.py runs mypy; .ci/run and tests run pyright), never run.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import List, Optional

import openai_lite
from openai_lite import ChatCompletionAccumulator, ResponseAccumulator, RunAccumulator
from openai_lite.types.responses import Response


def responses_events(client: openai_lite.Client) -> str:
    parts: List[str] = []
    for ev in client.create_response_stream(model="gpt-4o-mini", input="Say hi"):
        if ev.type == "response.output_text.delta":
            parts.append(ev.delta)
        elif ev.type == "response.function_call_arguments.done":
            print(ev.name, ev.arguments)
        elif ev.type == "response.completed":
            print(ev.response.id, ev.response.status)
        elif ev.type == "error":
            print(ev.message)
    return "".join(parts)


def responses_accumulated(client: openai_lite.Client) -> Response:
    stream = ResponseAccumulator(client.create_response_stream(model="gpt-4o-mini", input="Say hi"))
    for ev in stream:  # the stream's own events, not Any
        if ev.type == "response.output_text.delta":
            print(ev.delta, end="")
    final: Response = stream.final
    return final


def response_error(client: openai_lite.Client) -> Optional[str]:
    resp = client.create_response(model="gpt-4o-mini", input="Say hi")
    if resp.error is not None:  # null unless the response failed
        return resp.error.message
    return None


def assistants_events(client: openai_lite.Client) -> None:
    for ev in client.create_run_stream("thread_abc", assistant_id="asst_abc"):
        if ev.event == "thread.message.delta":
            for part in ev.data.delta.content or []:
                if part.type == "text" and part.text is not None:
                    print(part.text.value or "", end="")
        elif ev.event == "thread.run.requires_action":
            action = ev.data.required_action
            if action is not None:
                print([call.id for call in action.submit_tool_outputs.tool_calls])
        elif ev.event == "thread.run.completed":
            usage = ev.data.usage  # null until the run ends
            if usage is not None:
                print(usage.total_tokens)
        elif ev.event == "error":
            print(ev.data.message)


def assistants_accumulated(client: openai_lite.Client) -> int:
    run = RunAccumulator(client.create_run_stream("thread_abc", assistant_id="asst_abc"))
    for ev in run:
        if ev.event == "thread.run.step.completed":
            print(ev.data.id, ev.data.status)
    result = run.final
    if result.run is not None and result.run.usage is not None:
        return result.run.usage.total_tokens
    return 0


def chat_chunks(client: openai_lite.Client) -> Optional[str]:
    stream = ChatCompletionAccumulator(
        client.create_chat_completion_stream(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    )
    for chunk in stream:
        for choice in chunk.choices:
            print(choice.delta.content or "", end="")
    return stream.final.choices[0].message.content


def image_events(client: openai_lite.Client, out: Path) -> None:
    for ev in client.create_image_stream(prompt="a lighthouse", model="gpt-image-1", partial_images=2):
        if ev.type == "image_generation.partial_image":
            print(ev.partial_image_index)
        elif ev.type == "image_generation.completed":
            out.write_bytes(base64.b64decode(ev.b64_json))


def audio_events(client: openai_lite.Client, recording: Path) -> str:
    for speech in client.create_speech_stream(model="gpt-4o-mini-tts", input="Hello", voice="alloy"):
        if speech.type == "speech.audio.delta":
            print(len(speech.audio))
    text = ""
    for ev in client.create_transcription_stream(file=recording, model="gpt-4o-mini-transcribe"):
        if ev.type == "transcript.text.delta":
            text += ev.delta
        elif ev.type == "transcript.text.done":
            text = ev.text
    return text
