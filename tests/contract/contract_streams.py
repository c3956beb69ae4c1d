"""Canned server-sent event streams for the streaming operations, served by Prism from the test-only spec.

Prism cannot produce ``text/event-stream`` bodies itself (see ``contract_spec.replace_event_streams``), so
each streaming operation's event stream is a string example in the spec copy Prism serves. The streams
are the spec's own "Streaming" examples (``x-oaiMeta``), normalised into well-formed SSE; the two
operations without a usable example (``createSpeech`` has none, ``createCompletion``'s is not valid
JSON) get hand-written ones.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

from contract_spec import load_spec, operations

# operationId -> title of its streaming example in x-oaiMeta
_SPEC_EXAMPLES = {
    "createChatCompletion": "Streaming",
    "createResponse": "Streaming",
    "beta_createResponse": "Streaming",
    "createTranscription": "Streaming",
    "createImage": "Streaming",
    "createImageEdit": "Streaming",
    "createRun": "Streaming",
    "createThreadAndRun": "Streaming",
    "submitToolOuputsToRun": "Streaming",
}

_HAND_WRITTEN = {
    # No SSE example in the spec.
    "createSpeech": [
        (None, {"type": "speech.audio.delta", "audio": "SUQzAwAAAAAA"}),
        (None, {"type": "speech.audio.delta", "audio": "AAAAAAAAAAAA"}),
        (None, {"type": "speech.audio.done", "usage": {"input_tokens": 9, "output_tokens": 120, "total_tokens": 129}}),
    ],
    # The spec's example is not valid JSON (a missing comma).
    "createCompletion": [
        (
            None,
            {
                "id": "cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe",
                "object": "text_completion",
                "created": 1690759702,
                "model": "gpt-3.5-turbo-instruct",
                "system_fingerprint": "fp_44709d6fcb",
                "choices": [{"text": "This", "index": 0, "logprobs": None, "finish_reason": None}],
            },
        ),
        (
            None,
            {
                "id": "cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe",
                "object": "text_completion",
                "created": 1690759702,
                "model": "gpt-3.5-turbo-instruct",
                "system_fingerprint": "fp_44709d6fcb",
                "choices": [{"text": " is a test.", "index": 0, "logprobs": None, "finish_reason": "stop"}],
            },
        ),
    ],
}

# Streams that end with a ``data: [DONE]`` line (the Assistants streams have their own ``event: done``).
_DONE_MARKER = {"createChatCompletion", "createCompletion"}

#: The streaming operations whose 200 response in the spec lacks the ``text/event-stream`` media type
#: although the API streams them (``stream: true``); the test-only spec copy adds it.
UNDECLARED_STREAMS = ("createCompletion", "createRun", "createThreadAndRun", "submitToolOuputsToRun")

Event = Tuple[Optional[str], Any]  # (event name or None, JSON payload)


def _example(op: Any, title: str) -> str:
    for example in op.op.get("x-oaiMeta", {}).get("examples", []):
        if example.get("title") == title and isinstance(example.get("response"), str):
            return str(example["response"])
    raise LookupError(f"{op.operation_id}: no {title!r} example")


def parse_example(text: str) -> List[Event]:
    """The events of a spec example, leniently: the examples are prose-grade, not SSE-grade.

    Blocks are separated by blank lines; a block holds ``event:``/``data:`` lines or a bare JSON object.
    Elisions (``...``) are dropped, and so is a final ``[DONE]`` (``render`` adds the right ending back).
    Known slips in the examples are repaired: a JSON line without its ``data:`` prefix, and a stray
    closing brace after an object (only the first JSON value of each event is read).
    """
    events: List[Event] = []
    decoder = json.JSONDecoder()
    for block in text.replace("\r\n", "\n").split("\n\n"):
        block = block.strip()
        if not block or set(block) == {"."}:
            continue
        name: Optional[str] = None
        data_lines = []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data_lines.append(line[5:].strip())
            else:
                data_lines.append(line)
        data = "\n".join(data_lines).strip()
        if data == "[DONE]":
            continue
        payload, _end = decoder.raw_decode(data)
        events.append((name, payload))
    return events


def render(events: List[Event], done_marker: bool, done_event: bool) -> str:
    out = []
    for name, payload in events:
        head = f"event: {name}\n" if name else ""
        out.append(f"{head}data: {json.dumps(payload, separators=(',', ':'))}\n\n")
    if done_event:
        out.append("event: done\ndata: [DONE]\n\n")
    elif done_marker:
        out.append("data: [DONE]\n\n")
    return "".join(out)


def canned_events() -> Dict[str, List[Event]]:
    """operationId -> the events its canned stream carries (what the client must yield, in order)."""
    by_id = {op.operation_id: op for op in operations(load_spec())}
    events: Dict[str, List[Event]] = {}
    for op_id, title in _SPEC_EXAMPLES.items():
        events[op_id] = parse_example(_example(by_id[op_id], title))
    for op_id, hand in _HAND_WRITTEN.items():
        events[op_id] = list(hand)
    return events


def canned_streams() -> Dict[str, str]:
    """operationId -> the SSE text Prism sends for it."""
    streams = {}
    for op_id, events in canned_events().items():
        assistants = op_id in ("createRun", "createThreadAndRun", "submitToolOuputsToRun")
        streams[op_id] = render(events, done_marker=op_id in _DONE_MARKER, done_event=assistants)
    return streams
