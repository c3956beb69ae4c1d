"""Members the generated response types have beyond their fields.

The types in ``openai_lite/types/`` are generated; what a type needs besides
its fields is written here, once, and tools/codegen/overrides.py names the
mixin each generated class derives from (by schema name, or by a property the
spec marks as computed by the SDKs, such as ``Response.output_text``). A
mixin reads only attributes the class's fields define, declares no fields of
its own, and costs nothing at import (the types modules import this module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List

if TYPE_CHECKING:
    from .types.chat_params import ChatCompletionRequestAssistantMessageParam

__all__ = ["AssistantMessageMixin", "OutputTextMixin"]


class OutputTextMixin:
    """``output_text`` of a Responses API response (``Response``, ``BetaResponse``)."""

    __slots__ = ()

    @property
    def output_text(self) -> str:
        """The text of every ``output_text`` part of every message in ``output``, joined ("" when none).

        Computed from the object, as the official SDKs do: the server never sends it.
        """
        texts: List[str] = []
        for item in getattr(self, "output", None) or ():
            if getattr(item, "type", None) == "message":
                for part in getattr(item, "content", None) or ():
                    if getattr(part, "type", None) == "output_text":
                        texts.append(getattr(part, "text", None) or "")
        return "".join(texts)


class AssistantMessageMixin:
    """``to_param()`` of a chat completion's message, to send it back in the next request."""

    __slots__ = ()

    def to_param(self) -> ChatCompletionRequestAssistantMessageParam:
        """This message as an assistant message of a request's ``messages``.

        Keeps what a request accepts (content, refusal, tool calls, the deprecated
        function call, and the id of an audio reply) and leaves out what only a
        response carries (annotations, the audio data and transcript)::

            messages.append(reply.choices[0].message.to_param())
        """
        param: Dict[str, Any] = {
            "role": "assistant",
            "content": getattr(self, "content", None),
            "refusal": getattr(self, "refusal", None),
        }
        calls = getattr(self, "tool_calls", None)
        if calls:
            param["tool_calls"] = [_tool_call(call) for call in calls]
        function_call = getattr(self, "function_call", None)
        if function_call is not None:
            param["function_call"] = _pick(function_call, "name", "arguments")
        audio = getattr(self, "audio", None)
        if audio is not None:
            param["audio"] = _pick(audio, "id")
        return param  # type: ignore[return-value]  # (built key by key from the typed fields)


def _tool_call(call: Any) -> Dict[str, Any]:
    kind = _get(call, "type")
    out = {"id": _get(call, "id"), "type": kind}
    if kind == "custom":
        out["custom"] = _pick(_get(call, "custom"), "name", "input")
    else:
        out["function"] = _pick(_get(call, "function"), "name", "arguments")
    return out


def _pick(value: Any, *keys: str) -> Dict[str, Any]:
    return {key: _get(value, key) for key in keys}


def _get(value: Any, key: str) -> Any:
    # A part the parser could not match to a type stays a dict.
    return value.get(key) if isinstance(value, dict) else getattr(value, key, None)
