"""Chat completions and legacy completions: echo replies, tool calls, streams."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ._common import (
    CREATED,
    PIECES,
    APIError,
    Area,
    Reply,
    Request,
    bounded,
    count_words,
    field,
    invalid_type,
    json_object,
    json_reply,
    route,
    sse,
    stream_reply,
    text_of,
    token_limit,
)
from ._model import answer, finish_reason
from ._schema import chat_format, chosen_tool


class Chat(Area):
    @route("POST", r"/chat/completions")
    def chat_completions(self, request: Request) -> Reply:
        body = json_object(request)
        model = field(body, "model", str, "a string", required=True)
        self.fake._check_model(model)
        messages = field(body, "messages", list, "an array", required=True)
        if not messages:
            raise APIError(400, "'messages' must contain at least one message.", param="messages", code="invalid_value")
        for i, entry in enumerate(messages):
            if not isinstance(entry, dict):
                raise invalid_type(f"messages[{i}]", "an object", entry)
            field(entry, "role", str, "a string", required=True, name=f"messages[{i}].role")
        n = bounded(body, "n", 1, 128, 1)
        stream = field(body, "stream", bool, "a boolean")
        stream_options = field(body, "stream_options", dict, "an object", default={})
        limit = token_limit(body, "max_completion_tokens") or token_limit(body, "max_tokens")
        output_format = chat_format(body)

        tool = None
        if messages[-1].get("role") == "user":
            tool = chosen_tool(field(body, "tools", list, "an array"), body.get("tool_choice"), nested=True)
        said = answer([(m.get("role"), m.get("content")) for m in messages], tool, output_format, limit)
        finish = finish_reason(said)
        prompt_tokens = sum(count_words(text_of(m.get("content"))) for m in messages)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(said.pieces) * n,
            "total_tokens": prompt_tokens + len(said.pieces) * n,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }
        head = {
            "id": self.fake._next_id("chatcmpl-fake-"),
            "object": "chat.completion.chunk" if stream else "chat.completion",
            "created": CREATED,
            "model": model,
            "service_tier": "default",
            "system_fingerprint": "fp_fake",
        }

        if not stream:
            message: Dict[str, Any] = {"role": "assistant", "content": None, "refusal": None, "annotations": []}
            if said.kind == "tool_call":
                message["tool_calls"] = [
                    {"id": "call_fake_1", "type": "function", "function": {"name": said.name, "arguments": said.text}}
                ]
            else:
                message["refusal" if said.kind == "refusal" else "content"] = said.text
            choices = [{"index": i, "message": message, "logprobs": None, "finish_reason": finish} for i in range(n)]
            return json_reply({**head, "choices": choices, "usage": usage})

        include_usage = stream_options.get("include_usage") is True

        def chunk(index: int, delta: Dict[str, Any], finish: Optional[str] = None) -> bytes:
            data = {**head, "choices": [{"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}]}
            if include_usage:
                data["usage"] = None  # on every chunk but the last, as the API does
            return sse(data)

        blocks = []
        for i in range(n):
            if said.kind == "tool_call":
                call = {
                    "index": 0,
                    "id": "call_fake_1",
                    "type": "function",
                    "function": {"name": said.name, "arguments": ""},
                }
                blocks.append(chunk(i, {"role": "assistant", "content": None, "refusal": None, "tool_calls": [call]}))
                for piece in said.pieces:
                    blocks.append(chunk(i, {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
            elif said.kind == "refusal":
                blocks.append(chunk(i, {"role": "assistant", "content": None, "refusal": ""}))
                for piece in said.pieces:
                    blocks.append(chunk(i, {"refusal": piece}))
            else:
                blocks.append(chunk(i, {"role": "assistant", "content": "", "refusal": None}))
                for piece in said.pieces:
                    blocks.append(chunk(i, {"content": piece}))
            blocks.append(chunk(i, {}, finish))
        if include_usage:
            blocks.append(sse({**head, "choices": [], "usage": usage}))
        blocks.append(b"data: [DONE]\n\n")
        return stream_reply(blocks)

    @route("POST", r"/completions")
    def completions(self, request: Request) -> Reply:
        body = json_object(request)
        model = field(body, "model", str, "a string", required=True)
        self.fake._check_model(model)
        prompt = field(body, "prompt", (str, list), "a string or an array", required=True)
        prompts = [prompt] if isinstance(prompt, str) else prompt
        if not prompts or not all(isinstance(p, str) for p in prompts):
            raise invalid_type("prompt", "a string or an array of strings", prompt)
        n = bounded(body, "n", 1, 128, 1)
        stream = field(body, "stream", bool, "a boolean")
        stream_options = field(body, "stream_options", dict, "an object", default={})

        limit = token_limit(body, "max_tokens")

        # Choice k answers prompt k // n, as the API numbers them.
        whole = [PIECES.findall("You said: " + p) for p in prompts for _ in range(n)]
        pieces = [p[:limit] for p in whole]
        finish = ["length" if len(w) > len(p) else "stop" for w, p in zip(whole, pieces)]
        texts = ["".join(p) for p in pieces]
        prompt_tokens = sum(count_words(p) for p in prompts)
        completion_tokens = sum(len(p) for p in pieces)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        head = {
            "id": self.fake._next_id("cmpl-fake-"),
            "object": "text_completion",
            "created": CREATED,
            "model": model,
            "system_fingerprint": "fp_fake",
        }
        if not stream:
            choices = [
                {"text": text, "index": k, "logprobs": None, "finish_reason": finish[k]} for k, text in enumerate(texts)
            ]
            return json_reply({**head, "choices": choices, "usage": usage})

        def chunk(index: int, text: str, finish: Optional[str] = None) -> bytes:
            choice = {"text": text, "index": index, "logprobs": None, "finish_reason": finish}
            return sse({**head, "choices": [choice]})

        blocks = []
        for index, choice_pieces in enumerate(pieces):
            blocks += [chunk(index, piece) for piece in choice_pieces]
            blocks.append(chunk(index, "", finish[index]))
        if stream_options.get("include_usage") is True:
            blocks.append(sse({**head, "choices": [], "usage": usage}))
        blocks.append(b"data: [DONE]\n\n")
        return stream_reply(blocks)
