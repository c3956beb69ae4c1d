"""The parse methods of the Client (generated; their work in ``_structured``): what goes on the wire,
what comes back, lazy loading, mypy on the examples, the examples and the README section.

The signatures and docs of the generated methods are tested with the generator (test_codegen.py),
the typing of a user's script in tests/typing (test_typing.py)."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pathlib
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import pytest
from _loopback import LoopbackServer, json_reply, sse_event, sse_reply

import openai_lite
from openai_lite import function_tool, json_schema, response_function_tool

ROOT = pathlib.Path(__file__).resolve().parent.parent
STRUCTURED_MODULES = ["_structured", "_schema", "_parsing", "_tools", "_parsed_chat", "_parsed_response"]


@dataclass
class Answer:
    """The answer, with how sure the model is."""

    value: int
    confidence: Optional[float]


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


ANSWER_FORMAT = {
    "type": "json_schema",
    "json_schema": {"name": "Answer", "schema": json_schema(Answer), "strict": True},
}


def chat_reply(message: Dict[str, Any], finish_reason: str = "stop") -> Any:
    choice = {"index": 0, "finish_reason": finish_reason, "logprobs": None, "message": message}
    body = {"id": "c1", "object": "chat.completion", "created": 1, "model": "m", "choices": [choice]}
    return json_reply(body, headers={"x-request-id": "req_parse"})


def assistant(content: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
    return {"role": "assistant", "content": content, "refusal": None, **fields}


def response_reply(*output: Dict[str, Any]) -> Any:
    return json_reply({"id": "resp_1", "object": "response", "status": "completed", "output": list(output)})


def output_text(text: str) -> Dict[str, Any]:
    part = {"type": "output_text", "text": text, "annotations": []}
    return {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed", "content": [part]}


# -- chat ---------------------------------------------------------------------------


def test_parse_chat_completion_sends_the_strict_schema(client: Any, server: LoopbackServer) -> None:
    server.reply(chat_reply(assistant('{"value": 42, "confidence": null}')))
    completion = client.parse_chat_completion(
        model="m", messages=[{"role": "user", "content": "?"}], response_format=Answer, temperature=0
    )
    assert server.last_request.json() == {
        "model": "m",
        "messages": [{"role": "user", "content": "?"}],
        "response_format": ANSWER_FORMAT,
        "temperature": 0,
    }
    assert completion.choices[0].message.parsed == Answer(42, None)
    assert completion._request_id == "req_parse"


def test_a_dict_response_format_is_sent_as_it_is(client: Any, server: LoopbackServer) -> None:
    server.reply(chat_reply(assistant('{"a": 1}')))
    fmt = {"type": "json_object"}
    completion = client.parse_chat_completion(model="m", messages=[], response_format=fmt)
    assert server.last_request.json()["response_format"] == fmt
    assert completion.choices[0].message.parsed == {"a": 1}


def test_a_tool_loop_sends_the_tools_and_the_message_back(client: Any, server: LoopbackServer) -> None:
    call = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}}
    message = assistant(None, tool_calls=[call])
    server.reply(chat_reply(message, "tool_calls"))
    server.reply(chat_reply(assistant("Sunny.")))
    tools = [function_tool(get_weather)]
    messages: List[Any] = [{"role": "user", "content": "Weather in Oslo?"}]
    reply = client.parse_chat_completion(model="m", messages=messages, tools=tools)
    assert server.last_request.json()["tools"] == json.loads(json.dumps(tools))
    tool_call = reply.choices[0].message.tool_calls[0]
    result = get_weather(**tool_call.function.parsed_arguments)
    messages += [reply.choices[0].message, {"role": "tool", "tool_call_id": tool_call.id, "content": result}]
    client.parse_chat_completion(model="m", messages=messages, tools=tools)
    sent = server.last_request.json()["messages"]
    assert sent[1] == message  # as received: no `parsed`, no `parsed_arguments`
    assert sent[2] == {"role": "tool", "tool_call_id": "call_1", "content": "sunny in Oslo"}


@pytest.mark.parametrize("method", ["parse_chat_completion", "parse_chat_completion_stream"])
def test_a_format_strict_mode_cannot_express_is_refused_before_sending(
    client: Any, server: LoopbackServer, method: str
) -> None:
    with pytest.raises(TypeError, match="a response format is a dataclass or a TypedDict"):
        getattr(client, method)(model="m", messages=[], response_format=List[Answer])
    assert server.requests == []


def test_parse_chat_completion_stream(client: Any, server: LoopbackServer) -> None:
    head = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    text = '{"value": 7, "confidence": 0.5}'
    chunks = [
        {**head, "choices": [{"index": 0, "delta": {"content": text[i : i + 6]}}]} for i in range(0, len(text), 6)
    ]
    end = {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    server.reply(sse_reply([*[sse_event(c) for c in chunks], sse_event(end), "data: [DONE]\n\n"]))
    with client.parse_chat_completion_stream(model="m", messages=[], response_format=Answer) as stream:
        assert "".join(c.choices[0].delta.content or "" for c in stream) == text
    body = server.last_request.json()
    assert body["stream"] is True and body["response_format"] == ANSWER_FORMAT
    assert stream.final.choices[0].message.parsed == Answer(7, 0.5)


# -- responses ------------------------------------------------------------------------


def test_parse_response_sets_the_text_format(client: Any, server: LoopbackServer) -> None:
    server.reply(response_reply(output_text('{"value": 1, "confidence": 1}')))
    response = client.parse_response(
        model="m", input="?", text={"verbosity": "low"}, text_format=Answer, tools=[response_function_tool(get_weather)]
    )
    body = server.last_request.json()
    assert body["text"] == {"verbosity": "low", "format": {"type": "json_schema", **ANSWER_FORMAT["json_schema"]}}
    assert body["tools"][0]["name"] == "get_weather"
    assert response.output_parsed == Answer(1, 1.0)


def test_parse_response_with_a_dict_format_and_without_one(client: Any, server: LoopbackServer) -> None:
    server.reply(response_reply(output_text('{"a": 1}')), response_reply(output_text("hello")))
    assert client.parse_response(model="m", input="?", text_format={"type": "json_object"}).output_parsed == {"a": 1}
    assert server.last_request.json()["text"] == {"format": {"type": "json_object"}}
    response = client.parse_response(model="m", input="?")
    assert "text" not in server.last_request.json() and response.output_parsed is None


@pytest.mark.parametrize("method", ["parse_response", "parse_response_stream"])
def test_text_format_and_text_format_key_conflict(client: Any, server: LoopbackServer, method: str) -> None:
    with pytest.raises(TypeError, match="either as text_format or as text="):
        getattr(client, method)(model="m", input="?", text={"format": {"type": "text"}}, text_format=Answer)
    assert server.requests == []


def test_parse_response_stream(client: Any, server: LoopbackServer) -> None:
    text = '{"value": 3, "confidence": null}'
    final = {"id": "resp_1", "object": "response", "status": "completed", "output": [output_text(text)]}
    server.reply(sse_reply([sse_event({"type": "response.completed", "response": final, "sequence_number": 1})]))
    stream = client.parse_response_stream(model="m", input="?", text_format=Answer)
    assert stream.final.output_parsed == Answer(3, None)
    assert server.last_request.json()["stream"] is True


# -- a parse method sends what the method it twins sends ------------------------------------------

CHUNK = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": []}
COMPLETED = {"type": "response.completed", "sequence_number": 1, "response": {"id": "r", "output": []}}
FORWARDED = [
    # (parse method, the method it twins, a reply to either)
    ("parse_chat_completion", "create_chat_completion", lambda: chat_reply(assistant("{}"))),
    ("parse_chat_completion_stream", "create_chat_completion_stream",
     lambda: sse_reply([sse_event(CHUNK), "data: [DONE]\n\n"])),
    ("parse_response", "create_response", lambda: response_reply(output_text("{}"))),
    ("parse_response_stream", "create_response_stream", lambda: sse_reply([sse_event(COMPLETED)])),
]  # fmt: skip


def every_argument(method: str) -> Dict[str, Any]:
    """A distinct value for every argument of ``method`` (the options included), the format left out."""
    values: Dict[str, Any] = {}
    for name in inspect.signature(getattr(openai_lite.Client, method)).parameters:
        if name not in ("self", "stream", "response_format", "text_format"):
            values[name] = f"<{name}>"
    tool = {"type": "function", "function": {"name": "f", "parameters": {}}}
    values.update(tools=[tool], extra_headers={"X-Twin": "1"}, extra_query={"q": "1"}, extra_body={"b": 1}, timeout=9)
    return values


@pytest.mark.parametrize(("method", "twinned", "reply"), FORWARDED)
def test_a_parse_method_sends_every_argument_as_its_twin_does(
    client: Any, server: LoopbackServer, method: str, twinned: str, reply: Any
) -> None:
    server.reply(reply(), reply())
    arguments = every_argument(twinned)
    for name in (twinned, method):
        result = getattr(client, name)(**arguments)
        if name.endswith("_stream"):
            list(result)  # (a stream is sent when iterated)
    theirs, ours = server.requests
    assert (ours.method, ours.target, ours.json()) == (theirs.method, theirs.target, theirs.json())
    assert ours.headers["X-Twin"] == "1" and ours.query == {"q": ["1"]} and ours.json()["b"] == 1
    options = ("extra_headers", "extra_query", "extra_body", "timeout")
    assert {k: ours.json()[k] for k in arguments if k not in options} == {
        k: json.loads(json.dumps(v)) for k, v in arguments.items() if k not in options
    }


# -- nothing is loaded before it is used ----------------------------------------------------


def run_python(code: str) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=str(ROOT),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_loads_none_of_the_structured_modules() -> None:
    loaded = run_python(
        f"""
        import json, sys
        import openai_lite
        client = openai_lite.Client(api_key="sk-test")
        before = [m for m in {STRUCTURED_MODULES!r} if "openai_lite." + m in sys.modules]
        openai_lite.json_schema
        after = [m for m in {STRUCTURED_MODULES!r} if "openai_lite." + m in sys.modules]
        print(json.dumps([before, after, "typing_extensions" in sys.modules]))
        """
    )
    assert loaded == [[], ["_schema"], False]


@pytest.mark.parametrize("name", sorted(openai_lite._LAZY))
def test_lazy_names_are_exported(name: str) -> None:
    assert name in openai_lite.__all__ and name in dir(openai_lite)
    module = importlib.import_module("openai_lite" + openai_lite._LAZY[name])
    assert getattr(openai_lite, name) is getattr(module, name)


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        openai_lite.no_such_name  # type: ignore[attr-defined]  # noqa: B018


# -- mypy --strict on the examples ----------------------------------------------------------


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    pytest.importorskip("mypy", reason="mypy is not installed for this Python")
    files = [f"examples/{e}" for e in EXAMPLES]
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--show-error-codes", "--no-color-output", "--no-error-summary",
         "--cache-dir", str(tmp_path_factory.mktemp("mypy-cache")), *files],
        cwd=str(ROOT), capture_output=True, text=True, timeout=300,
        env={**{k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}, "MYPY_FORCE_COLOR": "0"},
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.stdout


def test_mypy_accepts_the_examples(mypy_output: str) -> None:
    assert mypy_output == ""


# -- the examples and the README section run offline ------------------------------------------

EXAMPLES = {
    "structured_output.py": [
        "# Chat Completions\nfake city:\n  fake weekday: 0.5 C, clear\n  warning: fake warning\n",
        "# Responses\nfake city:\n",
        "# A refusal\nThe model refused: I'm sorry, I can't help with that.\n",
    ],
    "tool_loop.py": [
        "-> get_weather({'city': 'fake city', 'unit': 'celsius'})\n",
        "<- {'city': 'fake city', 'temperature': 21.0, 'unit': 'celsius'}\n",
        'Answer: Tool result: {"city": "fake city", "temperature": 21.0, "unit": "celsius"}\n',
    ],
    "stream_structured.py": [
        '# Chat Completions, streamed\n{"title": "fake title", "difficulty": "easy", '
        '"steps": [{"action": "fake action", "minutes": 0}]}\n'
        "fake title (easy, 0 minutes):\n  1. fake action (0 min)\n# Responses, streamed\n{",
    ],
}


def run_script(path: pathlib.Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.upper().startswith("OPENAI_")}
    environ.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run(
        [sys.executable, str(path)], cwd=str(ROOT), env=environ, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_runs_on_the_fake_server(name: str) -> None:
    result = run_script(ROOT / "examples" / name)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.startswith("OPENAI_API_KEY is not set: using the built-in fake server at http://127.0.0.1:")
    for expected in EXAMPLES[name]:
        assert expected in result.stdout, result.stdout


def test_the_readme_section_runs_on_the_fake_server(tmp_path: pathlib.Path) -> None:
    from openai_lite.testing import FakeServer

    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("\n## Structured outputs and tools\n", 1)[1].split("\n## ", 1)[0]
    snippets = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(snippets) == 4
    script = tmp_path / "readme_structured.py"
    script.write_text("\n".join(snippets), "utf-8")
    with FakeServer() as server:
        result = run_script(script, OPENAI_API_KEY="fake-key", OPENAI_BASE_URL=server.base_url)
        paths = [r.path for r in server.requests]
    assert result.returncode == 0 and result.stderr == "", result.stderr
    event = "Event(name='fake name', day='fake day', participants=['fake participants'], place='fake place')"
    assert result.stdout.splitlines() == [
        "fake name ['fake participants']",
        event,
        "Tool result: Sunny in fake city",
        '{"name": "fake name", "day": "fake day", "participants": ["fake participants"], "place": "fake place"}',
        event,
    ]
    assert paths == ["/v1/chat/completions", "/v1/responses", *["/v1/chat/completions"] * 3]
