"""Rebuilding the final result of a stream while its events are used as they come.

Wrap a ``…_stream`` generator, loop over the wrapper exactly as over the
generator (printing tokens, say), and read ``final`` when the loop is done::

    stream = ChatCompletionAccumulator(client.create_chat_completion_stream(...))
    for chunk in stream:
        print(chunk.choices[0].delta.content or "", end="")
    completion = stream.final  # a CreateChatCompletionResponse

Reading ``final`` before the loop is over consumes the rest of the stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Generic, Iterable, Iterator, List, Optional, Tuple, TypeVar

from ._errors import APIError
from ._models import BaseModel, model_items

if TYPE_CHECKING:
    from .types.assistants import AssistantStreamEvent, MessageObject, RunObject, RunStepObject
    from .types.chat import CreateChatCompletionResponse, CreateChatCompletionStreamResponse
    from .types.responses import Response, ResponseStreamEvent

__all__ = ["Accumulator", "ChatCompletionAccumulator", "ResponseAccumulator", "RunAccumulator", "RunResult"]

E = TypeVar("E")  # one event of the stream
R = TypeVar("R")  # the final result


class Accumulator(Generic[E, R]):
    """Base of the accumulators: iterate it like the stream; ``final`` is the result."""

    def __init__(self, events: Iterable[E]) -> None:
        self._events = iter(events)
        self._done = False

    def __iter__(self) -> Iterator[E]:
        for event in self._events:
            self._add(event)
            yield event
        self._done = True

    @property
    def final(self) -> R:
        """The result, once the stream has ended (the rest of the stream is read first)."""
        if not self._done:
            for _ in self:
                pass
        return self._result()

    def close(self) -> None:
        """Stop early and release the connection (as breaking out of the loop does)."""
        close = getattr(self._events, "close", None)
        if close is not None:
            close()

    def __enter__(self: A) -> A:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _add(self, event: E) -> None:
        raise NotImplementedError

    def _result(self) -> R:
        raise NotImplementedError


A = TypeVar("A", bound=Accumulator[Any, Any])


class ChatCompletionAccumulator(Accumulator["CreateChatCompletionStreamResponse", "CreateChatCompletionResponse"]):
    """Rebuilds the chat completion from its chunks, for any ``n``.

    Content and refusal are concatenated, tool calls are merged by index with
    their arguments concatenated, log probabilities are appended, the last
    finish reason and the usage chunk (``stream_options={"include_usage":
    True}``) are kept.
    """

    def __init__(self, events: Iterable[CreateChatCompletionStreamResponse]) -> None:
        super().__init__(events)
        self._top: Dict[str, Any] = {}
        self._choices: Dict[int, _Choice] = {}

    def _add(self, chunk: CreateChatCompletionStreamResponse) -> None:
        # The parser keeps whatever a server sends; a value of an unexpected JSON type is skipped here,
        # never a reason to break the loop (each check below is for such a value).
        choices = None
        for key, value in _items(chunk):
            if key == "choices":
                choices = value
            # (obfuscation: random padding each chunk carries, not part of a completion)
            elif key != "obfuscation" and value is not None:
                self._top[key] = value  # id, created, model, usage, ... the last one wins
        for choice in choices if isinstance(choices, list) else ():
            if not isinstance(choice, (BaseModel, dict)):
                continue
            index = _get(choice, "index")
            index = index if type(index) is int else 0
            state = self._choices.get(index)
            if state is None:
                state = self._choices[index] = _Choice(index)
            state.add(choice)

    def _result(self) -> CreateChatCompletionResponse:
        from .types.chat import CreateChatCompletionResponse

        data = dict(self._top)
        data["object"] = "chat.completion"
        data["choices"] = [self._choices[i].result() for i in sorted(self._choices)]
        return CreateChatCompletionResponse.from_dict(data)


class _Choice:
    """One choice being rebuilt. Text is kept as lists of pieces, joined once at the end."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.message: Dict[str, Any] = {"role": "assistant"}
        self.text: Dict[str, List[str]] = {}  # "content", "refusal", other streamed text -> pieces
        self.tool_calls: Dict[int, Dict[str, Any]] = {}
        self.pieces: Dict[Tuple[int, str, str], List[str]] = {}  # (call index or -1, part, field) -> pieces
        self.function_call: Dict[str, List[str]] = {}
        self.logprobs: Optional[Dict[str, Any]] = None
        self.finish_reason: Optional[str] = None

    def add(self, choice: Any) -> None:
        for key, value in _items(_get(choice, "delta")):
            if value is None:
                continue
            if isinstance(value, BaseModel):
                value = _fields(value)
            if key == "tool_calls":
                for item in value if isinstance(value, list) else ():
                    call = _fields(item)
                    if call is not None:
                        self._add_tool_call(call)
            elif key == "function_call" and isinstance(value, dict):  # the deprecated single function call
                for field, piece in value.items():
                    if isinstance(piece, str):
                        self.function_call.setdefault(field, []).append(piece)
            elif key == "role" or not isinstance(value, (str, dict)):
                self.message[key] = value  # the last one wins
            elif isinstance(value, str):
                # Content, refusal, and text a server streams in pieces (reasoning_content from vLLM or DeepSeek ...).
                self.text.setdefault(key, []).append(value)
            else:
                # An object streamed in pieces (audio: data and transcript): its text is joined,
                # ids and other values are the last ones seen.
                merged = _dict_at(self.message, key)
                for field, piece in value.items():
                    if isinstance(piece, str) and field != "id" and not field.endswith("_id"):
                        self.pieces.setdefault((-1, key, field), []).append(piece)
                    else:
                        merged[field] = piece
        logprobs = _get(choice, "logprobs")
        if logprobs:
            if self.logprobs is None:
                self.logprobs = {}
            for key, value in _items(logprobs):
                if isinstance(value, list):
                    kept = self.logprobs.get(key)
                    if isinstance(kept, list):
                        kept.extend(value)
                    else:
                        self.logprobs[key] = list(value)
                elif value is not None:
                    self.logprobs[key] = value
        finish_reason = _get(choice, "finish_reason")
        if finish_reason is not None:
            self.finish_reason = finish_reason

    def _add_tool_call(self, call: Dict[str, Any]) -> None:
        index = call.get("index")
        if type(index) is not int:
            # Some compatible servers leave out the index: a new id starts a call, pieces
            # without one continue the last.
            call_id = call.get("id")
            if isinstance(call_id, str):
                ids = {c.get("id"): i for i, c in self.tool_calls.items()}
                index = ids.get(call_id, len(self.tool_calls))
            else:
                index = max(self.tool_calls, default=0)
        merged = self.tool_calls.setdefault(index, {})
        for key, value in call.items():
            if key == "index" or value is None:
                continue
            if isinstance(value, BaseModel):
                value = _fields(value)
            if isinstance(value, dict):  # "function" (name, arguments) or "custom" (name, input)
                part = _dict_at(merged, key)
                for field, piece in value.items():
                    if isinstance(piece, str):
                        self.pieces.setdefault((index, key, field), []).append(piece)
                    elif piece is not None:
                        part[field] = piece
            else:
                merged[key] = value  # id, type

    def result(self) -> Dict[str, Any]:
        message = {key: dict(value) if isinstance(value, dict) else value for key, value in self.message.items()}
        message.setdefault("content", None)  # (set already if a server sent one that is not text)
        message.setdefault("refusal", None)
        for key, pieces in self.text.items():
            message[key] = "".join(pieces)
        calls = {i: dict(call) for i, call in self.tool_calls.items()}
        for (index, part, field), pieces in self.pieces.items():
            # index -1: a field of the message itself (audio); otherwise of tool call `index`
            _dict_at(message if index < 0 else calls[index], part)[field] = "".join(pieces)
        if calls:
            message["tool_calls"] = [calls[i] for i in sorted(calls)]
        if self.function_call:
            message["function_call"] = {k: "".join(v) for k, v in self.function_call.items()}
        return {
            "index": self.index,
            "message": message,
            "finish_reason": self.finish_reason,
            "logprobs": self.logprobs,
        }


def _items(value: Any) -> Iterable[Tuple[str, Any]]:
    """The (JSON key, value) pairs of a parsed object, one level deep; none if it is not an object."""
    if isinstance(value, BaseModel):
        return model_items(value)
    return value.items() if isinstance(value, dict) else ()


def _get(value: Any, key: str) -> Any:
    """A field of a parsed object (a declared field, not renamed), None if absent or not an object."""
    if isinstance(value, BaseModel):
        return getattr(value, key, None)
    return value.get(key) if isinstance(value, dict) else None


def _fields(value: Any) -> Optional[Dict[str, Any]]:
    """The fields of a parsed object as a dict, one level deep; None if it is not an object."""
    return dict(_items(value)) if isinstance(value, (BaseModel, dict)) else None


def _dict_at(container: Dict[str, Any], key: str) -> Dict[str, Any]:
    """``container[key]``, made a dict if it is not one (a server sent another JSON type there before)."""
    value = container.get(key)
    if not isinstance(value, dict):
        value = container[key] = {}
    return value


_RESPONSE_DONE = ("response.completed", "response.failed", "response.incomplete")


class ResponseAccumulator(Accumulator["ResponseStreamEvent", "Response"]):
    """Keeps the final ``Response`` of a Responses stream (``response.completed``, or
    ``response.failed`` / ``response.incomplete``, whose status says so).

    ``output_text`` joins the text the model wrote, also while streaming.
    """

    def __init__(self, events: Iterable[ResponseStreamEvent]) -> None:
        super().__init__(events)
        self._response: Optional[Response] = None  # from response.completed / failed / incomplete
        self._deltas: List[str] = []

    def _add(self, event: ResponseStreamEvent) -> None:
        kind = getattr(event, "type", None)
        if kind == "response.output_text.delta":
            delta = getattr(event, "delta", None)
            if isinstance(delta, str):
                self._deltas.append(delta)
        elif kind in _RESPONSE_DONE:
            response = getattr(event, "response", None)
            if response is not None:
                self._response = response

    @property
    def output_text(self) -> str:
        """The text of every ``output_text`` part of the final response (the deltas so far before it)."""
        response = self._response
        if response is None:
            return "".join(self._deltas)
        texts = []
        for item in _list(getattr(response, "output", None)):
            for part in _list(getattr(item, "content", None)):
                text = getattr(part, "text", None)
                if getattr(part, "type", None) == "output_text" and isinstance(text, str):
                    texts.append(text)
        return "".join(texts)

    def _result(self) -> Response:
        if self._response is None:
            raise APIError("The stream ended before its final response (response.completed, failed or incomplete).")
        return self._response


class RunResult:
    """What an Assistants run stream produced: the run as it last was, and its messages and steps."""

    def __init__(self, run: Optional[RunObject], messages: List[MessageObject], steps: List[RunStepObject]) -> None:
        self.run = run
        self.messages = messages
        self.steps = steps

    @property
    def tool_calls(self) -> List[Any]:
        """The tool calls to answer with ``submit_tool_outputs_to_run_stream`` (when the run requires action)."""
        action = getattr(self.run, "required_action", None)
        outputs = getattr(action, "submit_tool_outputs", None)
        return _list(getattr(outputs, "tool_calls", None))

    def __repr__(self) -> str:
        status = getattr(self.run, "status", None)
        return f"<RunResult run={getattr(self.run, 'id', None)!r} status={status!r} messages={len(self.messages)}>"


class RunAccumulator(Accumulator["AssistantStreamEvent", RunResult]):
    """Follows an Assistants run stream: the latest run object, and the messages and run steps
    it created (each in its latest state, in order of creation)."""

    def __init__(self, events: Iterable[AssistantStreamEvent]) -> None:
        super().__init__(events)
        self._run: Optional[RunObject] = None
        self._messages: Dict[str, MessageObject] = {}
        self._steps: Dict[str, RunStepObject] = {}

    def _add(self, event: AssistantStreamEvent) -> None:
        name = getattr(event, "event", None)
        data: Any = getattr(event, "data", None)
        if isinstance(name, str) and not name.endswith(".delta") and isinstance(getattr(data, "id", None), str):
            if name.startswith("thread.run.step."):
                self._steps[data.id] = data
            elif name.startswith("thread.run."):
                self._run = data
            elif name.startswith("thread.message."):
                self._messages[data.id] = data

    def _result(self) -> RunResult:
        return RunResult(self._run, list(self._messages.values()), list(self._steps.values()))


def _list(value: Any) -> List[Any]:
    """``value`` if it is a list, else an empty one (a server sent another JSON type where a list belongs)."""
    return value if isinstance(value, list) else []
