"""Assistants: assistants, threads and runs (echo replies, tool calls that wait for their outputs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ._common import (
    CREATED,
    PIECES,
    APIError,
    Area,
    Job,
    Reply,
    Request,
    count_words,
    deleted,
    echo,
    field,
    invalid_type,
    json_object,
    json_reply,
    list_page,
    lookup,
    missing,
    not_one_of,
    route,
    sse,
    stream_reply,
    text_of,
)
from ._schema import argument_pieces, chosen_tool

if TYPE_CHECKING:
    from ._server import FakeServer


class _Thread:
    """An Assistants thread: its object, and its messages oldest first."""

    def __init__(self, obj: Dict[str, Any]) -> None:
        self.obj = obj
        self.messages: List[Dict[str, Any]] = []


class _Run:
    """An Assistants run, and while it ``requires_action`` the tool call step and the calls it waits for."""

    def __init__(self, run: Dict[str, Any], thread: _Thread) -> None:
        self.run = run
        self.thread = thread
        self.step: Optional[Dict[str, Any]] = None
        self.step_tokens = 0
        self.calls: List[Dict[str, Any]] = []
        self.completion_tokens = 0
        self.steps: List[Dict[str, Any]] = []  # every step of the run, oldest first
        self.job = Job(run, [])  # the steps ahead of a run that is not streamed


class Assistants(Area):
    def __init__(self, fake: FakeServer) -> None:
        super().__init__(fake)
        self._assistants: Dict[str, Dict[str, Any]] = {}
        self._threads: Dict[str, _Thread] = {}
        self._runs: Dict[str, _Run] = {}

    @route("POST", r"/assistants")
    def create_assistant(self, request: Request) -> Reply:
        body = json_object(request)
        model = field(body, "model", str, "a string", required=True)
        self.fake._check_model(model)
        tools = field(body, "tools", list, "an array", default=[])
        chosen_tool(tools, None, nested=True)  # a function tool without a name is a 400 now, not at run time
        assistant = {
            "id": self.fake._next_id("asst_fake_"),
            "object": "assistant",
            "created_at": CREATED,
            "name": body.get("name"),
            "description": body.get("description"),
            "model": model,
            "instructions": body.get("instructions"),
            "tools": tools,
            "tool_resources": body.get("tool_resources") or {},
            "metadata": body.get("metadata") or {},
            "temperature": body.get("temperature", 1.0),
            "top_p": body.get("top_p", 1.0),
            "response_format": body.get("response_format") or "auto",
        }
        self._assistants[assistant["id"]] = assistant
        return json_reply(assistant)

    def _find_assistant(self, assistant_id: str) -> Dict[str, Any]:
        return lookup(self._assistants, assistant_id, f"No assistant found with id '{assistant_id}'.")

    @route("GET", r"/assistants/([^/]+)")
    def get_assistant(self, request: Request, assistant_id: str) -> Reply:
        return json_reply(self._find_assistant(assistant_id))

    @route("DELETE", r"/assistants/([^/]+)")
    def delete_assistant(self, request: Request, assistant_id: str) -> Reply:
        self._find_assistant(assistant_id)
        self._assistants.pop(assistant_id, None)
        return deleted(assistant_id, "assistant.deleted")

    @route("POST", r"/threads")
    def create_thread(self, request: Request) -> Reply:
        thread = self._new_thread(json_object(request) if request.body else {})
        return json_reply(thread.obj)

    def _new_thread(self, body: Dict[str, Any]) -> _Thread:
        messages = field(body, "messages", list, "an array", default=[])
        thread = _Thread(
            {
                "id": self.fake._next_id("thread_fake_"),
                "object": "thread",
                "created_at": CREATED,
                "tool_resources": body.get("tool_resources"),
                "metadata": body.get("metadata") or {},
            }
        )
        self._add_messages(thread, messages, "messages")
        self._threads[thread.obj["id"]] = thread
        return thread

    def _find_thread(self, thread_id: str) -> _Thread:
        return lookup(self._threads, thread_id, f"No thread found with id '{thread_id}'.")

    @route("GET", r"/threads/([^/]+)")
    def get_thread(self, request: Request, thread_id: str) -> Reply:
        return json_reply(self._find_thread(thread_id).obj)

    @route("DELETE", r"/threads/([^/]+)")
    def delete_thread(self, request: Request, thread_id: str) -> Reply:
        self._find_thread(thread_id)
        del self._threads[thread_id]
        return deleted(thread_id, "thread.deleted")

    @route("GET", r"/threads/([^/]+)/messages")
    def list_messages(self, request: Request, thread_id: str) -> Reply:
        messages = self._find_thread(thread_id).messages
        if "run_id" in request.query:
            messages = [m for m in messages if m["run_id"] == request.query["run_id"]]
        return list_page(messages, request.query)

    @route("POST", r"/threads/([^/]+)/messages")
    def create_message(self, request: Request, thread_id: str) -> Reply:
        thread = self._find_thread(thread_id)
        self._add_messages(thread, [json_object(request)], "message")
        return json_reply(thread.messages[-1])

    @route("GET", r"/threads/([^/]+)/messages/([^/]+)")
    def get_message(self, request: Request, thread_id: str, message_id: str) -> Reply:
        for message in self._find_thread(thread_id).messages:
            if message["id"] == message_id:
                return json_reply(message)
        raise APIError(404, f"No message found with id '{message_id}'.")

    def _add_messages(self, thread: _Thread, messages: List[Any], name: str) -> None:
        for i, entry in enumerate(messages):
            if not isinstance(entry, dict):
                raise invalid_type(f"{name}[{i}]", "an object", entry)
            role = field(entry, "role", str, "a string", required=True, name=f"{name}[{i}].role")
            if role not in ("user", "assistant"):
                raise not_one_of(f"{name}[{i}].role", role, ("user", "assistant"))
            if entry.get("content") is None:
                raise missing(f"{name}[{i}].content")
            text = text_of(entry["content"])
            thread.messages.append(self._message(thread, role, text, "completed", None, None))

    def _message(
        self, thread: _Thread, role: str, text: str, status: str, assistant_id: Optional[str], run_id: Optional[str]
    ) -> Dict[str, Any]:
        """A message object of ``thread`` (not added to it)."""
        return {
            "id": self.fake._next_id("msg_fake_"),
            "object": "thread.message",
            "created_at": CREATED,
            "thread_id": thread.obj["id"],
            "status": status,
            "incomplete_details": None,
            "completed_at": CREATED if status == "completed" else None,
            "incomplete_at": None,
            "role": role,
            "content": [{"type": "text", "text": {"value": text, "annotations": []}}] if text else [],
            "assistant_id": assistant_id,
            "run_id": run_id,
            "attachments": [],
            "metadata": {},
        }

    @route("POST", r"/threads/runs")
    def create_thread_and_run(self, request: Request) -> Reply:
        body = json_object(request)
        assistant = self._find_assistant(field(body, "assistant_id", str, "a string", required=True))
        thread = self._new_thread(field(body, "thread", dict, "an object", default={}))
        return self._start_run(body, assistant, thread, new_thread=True)

    @route("POST", r"/threads/([^/]+)/runs")
    def create_run(self, request: Request, thread_id: str) -> Reply:
        body = json_object(request)
        assistant = self._find_assistant(field(body, "assistant_id", str, "a string", required=True))
        thread = self._find_thread(thread_id)
        self._add_messages(
            thread, field(body, "additional_messages", list, "an array", default=[]), "additional_messages"
        )
        return self._start_run(body, assistant, thread, new_thread=False)

    def _start_run(self, body: Dict[str, Any], assistant: Dict[str, Any], thread: _Thread, new_thread: bool) -> Reply:
        stream = field(body, "stream", bool, "a boolean")
        tools = field(body, "tools", list, "an array", default=assistant["tools"])
        model = field(body, "model", str, "a string", default=assistant["model"])
        self.fake._check_model(model)
        run = {
            "id": self.fake._next_id("run_fake_"),
            "object": "thread.run",
            "created_at": CREATED,
            "thread_id": thread.obj["id"],
            "assistant_id": assistant["id"],
            "status": "queued",
            "required_action": None,
            "last_error": None,
            "expires_at": None,
            "started_at": None,
            "cancelled_at": None,
            "failed_at": None,
            "completed_at": None,
            "model": model,
            "instructions": body.get("instructions") or assistant["instructions"],
            "tools": tools,
            "metadata": body.get("metadata") or {},
            "usage": None,
            "incomplete_details": None,
            "temperature": body.get("temperature", assistant["temperature"]),
            "top_p": body.get("top_p", assistant["top_p"]),
            "max_prompt_tokens": body.get("max_prompt_tokens"),
            "max_completion_tokens": body.get("max_completion_tokens"),
            "truncation_strategy": body.get("truncation_strategy") or {"type": "auto", "last_messages": None},
            "tool_choice": body.get("tool_choice") or "auto",
            "parallel_tool_calls": body.get("parallel_tool_calls", True),
            "response_format": body.get("response_format") or assistant["response_format"],
        }
        state = _Run(run, thread)
        self._runs[run["id"]] = state
        # Each sse() call serializes the objects as they are then: the events show the run changing.
        events = [sse(thread.obj, "thread.created")] if new_thread else []
        events.append(sse(run, "thread.run.created"))
        return self._go(state, events, None, stream)

    def _go(self, state: _Run, events: List[bytes], tool_outputs: Optional[List[str]], stream: bool) -> Reply:
        """Run the model: at once for a stream; else over the next retrieves (in progress, then its end)."""
        if stream:
            self._advance_run(state, events, tool_outputs)
            return _run_reply(state.run, events, stream)
        run = state.run
        run.update(status="queued", required_action=None)
        self.restart(
            state.job,
            [
                lambda: run.update(status="in_progress", started_at=CREATED),
                lambda: self._advance_run(state, [], tool_outputs),
            ],
        )
        return json_reply(run)

    def _find_run(self, thread_id: str, run_id: str) -> _Run:
        state = self._runs.get(run_id)
        if state is None or state.thread.obj["id"] != thread_id:
            raise APIError(404, f"No run found with id '{run_id}'.")
        return state

    @route("GET", r"/threads/([^/]+)/runs/([^/]+)")
    def get_run(self, request: Request, thread_id: str, run_id: str) -> Reply:
        return self.polled(self._find_run(thread_id, run_id).job.advance())

    @route("GET", r"/threads/([^/]+)/runs")
    def list_runs(self, request: Request, thread_id: str) -> Reply:
        self._find_thread(thread_id)
        runs = [state.run for state in self._runs.values() if state.thread.obj["id"] == thread_id]
        return list_page(runs, request.query)

    @route("POST", r"/threads/([^/]+)/runs/([^/]+)/cancel")
    def cancel_run(self, request: Request, thread_id: str, run_id: str) -> Reply:
        state = self._find_run(thread_id, run_id)
        run = state.run
        if run["status"] not in ("queued", "in_progress", "requires_action"):
            raise APIError(400, f"Cannot cancel run with status '{run['status']}'.")
        run.update(status="cancelling", required_action=None)
        self.restart(state.job, [lambda: run.update(status="cancelled", cancelled_at=CREATED)])
        return json_reply(run)

    @route("GET", r"/threads/([^/]+)/runs/([^/]+)/steps")
    def list_run_steps(self, request: Request, thread_id: str, run_id: str) -> Reply:
        return list_page(self._find_run(thread_id, run_id).steps, request.query)

    @route("GET", r"/threads/([^/]+)/runs/([^/]+)/steps/([^/]+)")
    def get_run_step(self, request: Request, thread_id: str, run_id: str, step_id: str) -> Reply:
        for step in self._find_run(thread_id, run_id).steps:
            if step["id"] == step_id:
                return json_reply(step)
        raise APIError(404, f"No run step found with id '{step_id}'.")

    @route("POST", r"/threads/([^/]+)/runs/([^/]+)/submit_tool_outputs")
    def submit_tool_outputs(self, request: Request, thread_id: str, run_id: str) -> Reply:
        body = json_object(request)
        state = self._find_run(thread_id, run_id)
        outputs = field(body, "tool_outputs", list, "an array", required=True)
        status = state.run["status"]
        if status != "requires_action":
            raise APIError(400, f'Runs in status "{status}" do not accept tool outputs.')
        given: Dict[str, str] = {}
        for i, entry in enumerate(outputs):
            if not isinstance(entry, dict):
                raise invalid_type(f"tool_outputs[{i}]", "an object", entry)
            call_id = field(
                entry, "tool_call_id", str, "a string", required=True, name=f"tool_outputs[{i}].tool_call_id"
            )
            given[call_id] = field(entry, "output", str, "a string", default="", name=f"tool_outputs[{i}].output")
        expected = [call["id"] for call in state.calls]
        if sorted(given) != sorted(expected):
            raise APIError(
                400,
                f"Expected tool outputs for call ids {expected}, got {sorted(given)}.",
                param="tool_outputs",
                code="invalid_value",
            )
        stream = field(body, "stream", bool, "a boolean")
        return self._go(state, [], [given[call_id] for call_id in expected], stream)

    def _advance_run(self, state: _Run, events: List[bytes], tool_outputs: Optional[List[str]]) -> None:
        """Run the model once, appending the run's events: it ends ``requires_action`` (a tool call) or ``completed``.

        ``tool_outputs`` are the outputs just submitted, in the order of the calls; the reply then echoes them.
        """
        run = state.run
        run["status"] = "queued"
        run["required_action"] = None
        events.append(sse(run, "thread.run.queued"))
        run["status"] = "in_progress"
        run["started_at"] = CREATED
        events.append(sse(run, "thread.run.in_progress"))
        turns = [(m["role"], _message_text(m)) for m in state.thread.messages]
        prompt_tokens = sum(count_words(text) for _, text in turns)

        if state.step is not None:  # the tool call step, now answered
            step = state.step
            for call, output in zip(step["step_details"]["tool_calls"], tool_outputs or []):
                call["function"]["output"] = output
            self._finish_step(step, prompt_tokens, state.step_tokens)
            events.append(sse(step, "thread.run.step.completed"))
            state.step = None

        tool = None
        if tool_outputs is None and turns and turns[-1][0] == "user":
            tool = chosen_tool(run["tools"], run["tool_choice"], nested=True)
        if tool is not None:
            name, arguments = tool
            pieces = argument_pieces(arguments)
            step = self._step(state, "tool_calls", {"type": "tool_calls", "tool_calls": []})
            events += [sse(step, "thread.run.step.created"), sse(step, "thread.run.step.in_progress")]
            first = {
                "index": 0,
                "id": "call_fake_1",
                "type": "function",
                "function": {"name": name, "arguments": "", "output": None},
            }
            deltas = [first] + [{"index": 0, "type": "function", "function": {"arguments": p}} for p in pieces]
            for delta in deltas:
                details = {"step_details": {"type": "tool_calls", "tool_calls": [delta]}}
                events.append(
                    sse(
                        {"id": step["id"], "object": "thread.run.step.delta", "delta": details}, "thread.run.step.delta"
                    )
                )
            call = {"id": "call_fake_1", "type": "function", "function": {"name": name, "arguments": arguments}}
            step["step_details"]["tool_calls"] = [{**call, "function": {**call["function"], "output": None}}]
            state.step, state.step_tokens, state.calls = step, len(pieces), [call]
            state.completion_tokens += len(pieces)
            run["status"] = "requires_action"
            run["required_action"] = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [call]}}
            events.append(sse(run, "thread.run.requires_action"))
            return

        text = "Tool result: " + " ".join(tool_outputs) if tool_outputs is not None else echo(turns)
        pieces = PIECES.findall(text)
        message = self._message(state.thread, "assistant", "", "in_progress", run["assistant_id"], run["id"])
        step = self._step(
            state, "message_creation", {"type": "message_creation", "message_creation": {"message_id": message["id"]}}
        )
        events += [
            sse(step, "thread.run.step.created"),
            sse(step, "thread.run.step.in_progress"),
            sse(message, "thread.message.created"),
            sse(message, "thread.message.in_progress"),
        ]
        for piece in pieces:
            part = {"index": 0, "type": "text", "text": {"value": piece, "annotations": []}}
            events.append(
                sse(
                    {"id": message["id"], "object": "thread.message.delta", "delta": {"content": [part]}},
                    "thread.message.delta",
                )
            )
        message.update(
            status="completed",
            completed_at=CREATED,
            content=[{"type": "text", "text": {"value": text, "annotations": []}}],
        )
        state.thread.messages.append(message)
        events.append(sse(message, "thread.message.completed"))
        self._finish_step(step, prompt_tokens, len(pieces))
        events.append(sse(step, "thread.run.step.completed"))
        state.completion_tokens += len(pieces)
        run.update(
            status="completed",
            completed_at=CREATED,
            usage={
                "prompt_tokens": prompt_tokens,
                "completion_tokens": state.completion_tokens,
                "total_tokens": prompt_tokens + state.completion_tokens,
            },
        )
        events.append(sse(run, "thread.run.completed"))

    def _step(self, state: _Run, kind: str, details: Dict[str, Any]) -> Dict[str, Any]:
        """A new run step of ``state``'s run, in progress."""
        step = {
            "id": self.fake._next_id("step_fake_"),
            "object": "thread.run.step",
            "created_at": CREATED,
            "assistant_id": state.run["assistant_id"],
            "thread_id": state.thread.obj["id"],
            "run_id": state.run["id"],
            "type": kind,
            "status": "in_progress",
            "step_details": details,
            "last_error": None,
            "expired_at": None,
            "cancelled_at": None,
            "failed_at": None,
            "completed_at": None,
            "metadata": {},
            "usage": None,
        }
        state.steps.append(step)
        return step

    @staticmethod
    def _finish_step(step: Dict[str, Any], prompt_tokens: int, completion_tokens: int) -> None:
        step.update(
            status="completed",
            completed_at=CREATED,
            usage={
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        )


def _run_reply(run: Dict[str, Any], events: List[bytes], stream: bool) -> Reply:
    """An Assistants run: its events then ``done`` when streamed, else the run as it ended."""
    if stream:
        return stream_reply([*events, b"event: done\ndata: [DONE]\n\n"])
    return json_reply(run)


def _message_text(message: Dict[str, Any]) -> str:
    """The text of an Assistants message object."""
    return " ".join(part["text"]["value"] for part in message["content"] if part.get("type") == "text")
