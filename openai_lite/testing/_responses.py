"""Responses: echo replies, function calls, structured output, streams of named events, stored and background responses.

A stored response (``store`` defaults to true) can be retrieved, deleted and its input items
listed. A background response (``background: true``) is created ``queued`` and moves to
``in_progress`` then to its final state on the next retrieves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ._common import (
    CREATED,
    APIError,
    Area,
    Job,
    Reply,
    Request,
    count_words,
    deleted,
    field,
    invalid_type,
    json_object,
    json_reply,
    list_page,
    lookup,
    route,
    sse,
    stream_reply,
    text_of,
    token_limit,
)
from ._model import Answer, answer
from ._schema import chosen_tool, responses_format

if TYPE_CHECKING:
    from ._server import FakeServer


class _Stored:
    """A stored response: its object, its input items, the conversation so far, and its progress if in background."""

    def __init__(self, obj: Dict[str, Any], items: List[Dict[str, Any]], turns: List[Tuple[Any, Any]]) -> None:
        self.obj = obj
        self.items = items
        self.turns = turns
        self.job: Optional[Job] = None


class Responses(Area):
    def __init__(self, fake: FakeServer) -> None:
        super().__init__(fake)
        self._stored: Dict[str, _Stored] = {}

    @route("POST", r"/responses")
    def create_response(self, request: Request) -> Reply:
        body = json_object(request)
        model = field(body, "model", str, "a string", required=True)
        self.fake._check_model(model)
        raw_input = field(body, "input", (str, list), "a string or an array")
        stream = field(body, "stream", bool, "a boolean")
        background = field(body, "background", bool, "a boolean")
        store = field(body, "store", bool, "a boolean", default=True)
        if background and not store:
            raise APIError(400, "Background responses must be stored: 'store' cannot be false.", param="store")
        limit = token_limit(body, "max_output_tokens")
        output_format = responses_format(body)
        if raw_input is None:
            items: List[Any] = []
        elif isinstance(raw_input, str):
            items = [{"role": "user", "content": raw_input}]
        else:
            items = raw_input
        # The conversation as (role, content) pairs; a function call output counts as a tool message.
        turns: List[Tuple[Any, Any]] = []
        previous_id = field(body, "previous_response_id", str, "a string")
        if previous_id is not None:
            turns += self._find(previous_id, "previous_response_id").turns
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
        said = answer(turns, tool, output_format, limit)
        item = self._output_item(said)
        input_tokens = sum(count_words(text_of(content)) for _, content in turns)
        usage = {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": len(said.pieces),
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input_tokens + len(said.pieces),
        }
        final = response_object(body, response_id, "incomplete" if said.truncated else "completed", [item], usage)
        if said.truncated:
            final["incomplete_details"] = {"reason": "max_output_tokens"}
        said_turn = ("assistant", said.text) if said.kind == "text" else ("tool_call", said.text)
        stored = _Stored(final, [self._input_item(entry) for entry in items], [*turns, said_turn])
        if store:
            self._stored[response_id] = stored
        if stream:
            return self._stream(body, final, item, said)
        if background:
            stored.obj = response_object(body, response_id, "queued", [], None)
            stored.job = self.job(
                stored.obj, [lambda: stored.obj.update(status="in_progress"), lambda: _end(stored, final)]
            )
            return json_reply(stored.obj)
        return json_reply(final)

    def _output_item(self, said: Answer) -> Dict[str, Any]:
        status = "incomplete" if said.truncated else "completed"
        if said.kind == "tool_call":
            return {
                "id": self.fake._next_id("fc_fake_"),
                "type": "function_call",
                "status": status,
                "call_id": "call_fake_1",
                "name": said.name,
                "arguments": said.text,
            }
        part: Dict[str, Any]
        if said.kind == "refusal":
            part = {"type": "refusal", "refusal": said.text}
        else:
            part = {"type": "output_text", "text": said.text, "annotations": [], "logprobs": []}
        return {
            "id": self.fake._next_id("msg_fake_"),
            "type": "message",
            "status": status,
            "role": "assistant",
            "content": [part],
        }

    def _input_item(self, entry: Dict[str, Any]) -> Dict[str, Any]:
        """An input item as input_items lists it: with an id, and message content as parts."""
        item = {"id": self.fake._next_id("in_fake_"), **entry}
        if "role" in entry:
            item.setdefault("type", "message")
            if isinstance(entry.get("content"), str):
                kind = "output_text" if entry["role"] == "assistant" else "input_text"
                item["content"] = [{"type": kind, "text": entry["content"]}]
        return item

    def _stream(self, body: Dict[str, Any], final: Dict[str, Any], item: Dict[str, Any], said: Answer) -> Reply:
        response_id = final["id"]
        events: List[Dict[str, Any]] = [
            {"type": "response.created", "response": response_object(body, response_id, "in_progress", [], None)},
            {"type": "response.in_progress", "response": response_object(body, response_id, "in_progress", [], None)},
        ]
        where = {"item_id": item["id"], "output_index": 0}
        if said.kind == "tool_call":
            events.append(
                {
                    "type": "response.output_item.added",
                    "output_index": 0,
                    "item": {**item, "status": "in_progress", "arguments": ""},
                }
            )
            for piece in said.pieces:
                events.append({"type": "response.function_call_arguments.delta", **where, "delta": piece})
            events.append(
                {"type": "response.function_call_arguments.done", **where, "name": said.name, "arguments": said.text}
            )
        else:
            where["content_index"] = 0
            part = item["content"][0]
            # A refusal streams as refusal events; text as output_text events, with logprobs.
            kind, key = ("refusal", "refusal") if said.kind == "refusal" else ("output_text", "text")
            extra: Dict[str, Any] = {} if said.kind == "refusal" else {"logprobs": []}
            events += [
                {
                    "type": "response.output_item.added",
                    "output_index": 0,
                    "item": {**item, "status": "in_progress", "content": []},
                },
                {"type": "response.content_part.added", **where, "part": {**part, key: ""}},
            ]
            for piece in said.pieces:
                events.append({"type": f"response.{kind}.delta", **where, "delta": piece, **extra})
            events += [
                {"type": f"response.{kind}.done", **where, key: said.text, **extra},
                {"type": "response.content_part.done", **where, "part": part},
            ]
        events += [
            {"type": "response.output_item.done", "output_index": 0, "item": item},
            {"type": "response.incomplete" if said.truncated else "response.completed", "response": final},
        ]
        # Named events and no [DONE] at the end: the Responses API's stream format.
        blocks = [sse({**event, "sequence_number": n}, event["type"]) for n, event in enumerate(events)]
        return stream_reply(blocks)

    def _find(self, response_id: str, param: Optional[str] = None) -> _Stored:
        return lookup(self._stored, response_id, f"Response with id '{response_id}' not found.", param=param)

    @route("GET", r"/responses/([^/]+)")
    def get_response(self, request: Request, response_id: str) -> Reply:
        stored = self._find(response_id)
        return json_reply(stored.job.advance() if stored.job is not None else stored.obj)

    @route("DELETE", r"/responses/([^/]+)")
    def delete_response(self, request: Request, response_id: str) -> Reply:
        self._find(response_id)
        del self._stored[response_id]
        return deleted(response_id, "response")

    @route("POST", r"/responses/([^/]+)/cancel")
    def cancel_response(self, request: Request, response_id: str) -> Reply:
        stored = self._find(response_id)
        if stored.job is None:
            raise APIError(400, "Only background responses can be cancelled.")
        if stored.obj["status"] in ("queued", "in_progress"):
            stored.job.stop()
            stored.obj["status"] = "cancelled"
        return json_reply(stored.obj)

    @route("GET", r"/responses/([^/]+)/input_items")
    def list_input_items(self, request: Request, response_id: str) -> Reply:
        return list_page(self._find(response_id).items, request.query)


def _end(stored: _Stored, final: Dict[str, Any]) -> None:
    """A background response reaches its final state (kept in the same object, which clients retrieve)."""
    stored.obj.clear()
    stored.obj.update(final)


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
        "background": setting("background", False),
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
