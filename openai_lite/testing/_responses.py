"""Responses: echo replies, function calls, streams of named events."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ._common import (
    CREATED,
    PIECES,
    Area,
    Reply,
    Request,
    count_words,
    echo,
    field,
    invalid_type,
    json_object,
    json_reply,
    route,
    sse,
    stream_reply,
    text_of,
)
from ._schema import argument_pieces, chosen_tool


class Responses(Area):
    @route("POST", r"/responses")
    def create_response(self, request: Request) -> Reply:
        body = json_object(request)
        field(body, "model", str, "a string", required=True)
        raw_input = field(body, "input", (str, list), "a string or an array")
        stream = field(body, "stream", bool, "a boolean")
        if raw_input is None:
            items: List[Any] = []
        elif isinstance(raw_input, str):
            items = [{"role": "user", "content": raw_input}]
        else:
            items = raw_input
        # The items as (role, content) pairs; a function call output counts as a tool message.
        turns: List[Tuple[Any, Any]] = []
        for i, entry in enumerate(items):
            if not isinstance(entry, dict):
                raise invalid_type(f"input[{i}]", "an object", entry)
            if entry.get("type") == "function_call_output":
                turns.append(("tool", entry.get("output")))
            elif "role" in entry:
                turns.append((entry.get("role"), entry.get("content")))
        tool = None
        if turns and turns[-1][0] == "user":
            tool = chosen_tool(field(body, "tools", list, "an array"), body.get("tool_choice"), nested=False)

        response_id = self.fake._next_id("resp_fake_")
        item: Dict[str, Any]
        if tool is not None:
            name, arguments = tool
            pieces = argument_pieces(arguments)
            item = {
                "id": self.fake._next_id("fc_fake_"),
                "type": "function_call",
                "status": "completed",
                "call_id": "call_fake_1",
                "name": name,
                "arguments": arguments,
            }
        else:
            text = echo(turns)
            pieces = PIECES.findall(text)
            part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
            item = {
                "id": self.fake._next_id("msg_fake_"),
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "content": [part],
            }
        input_tokens = sum(count_words(text_of(content)) for _, content in turns)
        usage = {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": len(pieces),
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input_tokens + len(pieces),
        }
        completed = response_object(body, response_id, "completed", [item], usage)
        if not stream:
            return json_reply(completed)

        events: List[Dict[str, Any]] = [
            {"type": "response.created", "response": response_object(body, response_id, "in_progress", [], None)},
            {"type": "response.in_progress", "response": response_object(body, response_id, "in_progress", [], None)},
        ]
        where = {"item_id": item["id"], "output_index": 0}
        if tool is not None:
            events.append(
                {
                    "type": "response.output_item.added",
                    "output_index": 0,
                    "item": {**item, "status": "in_progress", "arguments": ""},
                }
            )
            for piece in pieces:
                events.append({"type": "response.function_call_arguments.delta", **where, "delta": piece})
            events.append(
                {"type": "response.function_call_arguments.done", **where, "name": name, "arguments": arguments}
            )
        else:
            where["content_index"] = 0
            empty_part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
            events += [
                {
                    "type": "response.output_item.added",
                    "output_index": 0,
                    "item": {**item, "status": "in_progress", "content": []},
                },
                {"type": "response.content_part.added", **where, "part": empty_part},
            ]
            for piece in pieces:
                events.append({"type": "response.output_text.delta", **where, "delta": piece, "logprobs": []})
            events += [
                {"type": "response.output_text.done", **where, "text": text, "logprobs": []},
                {"type": "response.content_part.done", **where, "part": part},
            ]
        events += [
            {"type": "response.output_item.done", "output_index": 0, "item": item},
            {"type": "response.completed", "response": completed},
        ]
        # Named events and no [DONE] at the end: the Responses API's stream format.
        blocks = [sse({**event, "sequence_number": n}, event["type"]) for n, event in enumerate(events)]
        return stream_reply(blocks)


def response_object(
    body: Dict[str, Any], response_id: str, status: str, output: List[Any], usage: Optional[Dict[str, Any]]
) -> Dict[str, Any]:
    """A Response object for the request ``body``, echoing its settings as the API does."""

    def setting(key: str, default: Any) -> Any:
        value = body.get(key)
        return default if value is None else value

    return {
        "id": response_id,
        "object": "response",
        "created_at": CREATED,
        "status": status,
        "completed_at": CREATED if status == "completed" else None,
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "model": body["model"],
        "output": output,
        "parallel_tool_calls": setting("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "reasoning": {"effort": None, "summary": None},
        "store": setting("store", True),
        "temperature": setting("temperature", 1.0),
        "text": setting("text", {"format": {"type": "text"}}),
        "tool_choice": setting("tool_choice", "auto"),
        "tools": setting("tools", []),
        "top_p": setting("top_p", 1.0),
        "truncation": setting("truncation", "disabled"),
        "usage": usage,
        "user": body.get("user"),
        "metadata": setting("metadata", {}),
    }
