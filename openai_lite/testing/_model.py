"""What the fake model says: an echo, a tool call, a structured reply or a refusal, cut at the token limit."""

from __future__ import annotations

from typing import Any, List, NamedTuple, Optional, Tuple

from ._common import PIECES, echo, text_of
from ._moderations import FLAG_WORD
from ._schema import Format, argument_pieces

REFUSAL = "I'm sorry, I can't help with that."
"""The refusal of a structured-output request whose last user message moderation would flag."""


class Answer(NamedTuple):
    """The model's turn: ``kind`` is "text", "tool_call" or "refusal"; ``text`` the text, JSON arguments or refusal."""

    kind: str
    text: str
    pieces: List[str]  # the text in streamed pieces, one token each
    truncated: bool  # cut at the token limit
    name: Optional[str] = None  # the function called


def answer(
    turns: List[Tuple[Any, Any]],
    tool: Optional[Tuple[str, str]],
    output_format: Optional[Format],
    limit: Optional[int],
) -> Answer:
    """The answer to a conversation of (role, content) turns.

    ``tool``: the (name, arguments) of the function to call, if the model calls one;
    ``output_format``: the structured output asked for; ``limit``: the most tokens to write.
    """
    name = None
    if tool is not None:
        kind, (name, text) = "tool_call", tool
        pieces = argument_pieces(text)
    else:
        said = echo(turns)
        last_user = next((text_of(content) for role, content in reversed(turns) if role == "user"), "")
        if output_format is not None and output_format.kind == "json_schema" and FLAG_WORD.search(last_user):
            kind, text = "refusal", REFUSAL
        else:
            kind, text = "text", said if output_format is None else output_format.reply(said)
        pieces = PIECES.findall(text)
    truncated = limit is not None and len(pieces) > limit
    if truncated:
        pieces = pieces[:limit]
        text = "".join(pieces)
    return Answer(kind, text, pieces, truncated, name)


def finish_reason(said: Answer) -> str:
    """The chat ``finish_reason`` of an answer."""
    if said.truncated:
        return "length"
    return "tool_calls" if said.kind == "tool_call" else "stop"
