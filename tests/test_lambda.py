"""The AWS Lambda example (examples/lambda/): the zip build.sh makes, and its handler run as Lambda runs it.

The zip is built offline from the wheelhouse (see ``conftest.py``) and unpacked with ``zipfile``,
which, like a deployment, keeps no file times. Then

* its handler runs under ``awslambdaric``, AWS's own runtime interface client, talking to
  :class:`RuntimeAPI`, an emulator of the Lambda Runtime API (2018-06-01) on 127.0.0.1, while the
  handler's client talks to a :class:`LoopbackServer`;
* a fresh interpreter that sees only the unpacked zip and the standard library (``-S``) imports the
  handler and makes a call, recording every module it compiles from source: none, when every
  ``.pyc`` is valid.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import pathlib
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Tuple

import pytest
from _loopback import LoopbackServer, Reply, json_reply, stall_reply

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "lambda"
KEY = "sk-lambda-test-0123456789"
DEFAULT_PROMPT = "Say hello in five words or fewer."
CACHE_TAG = sys.implementation.cache_tag
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="build.sh needs bash")


# ---------------------------------------------------------------------------
# The Lambda Runtime API, emulated
# ---------------------------------------------------------------------------

NEXT = "/2018-06-01/runtime/invocation/next"
INIT_ERROR = "/2018-06-01/runtime/init/error"
_INVOCATION = re.compile(r"/2018-06-01/runtime/invocation/(?P<id>[^/]+)/(?P<kind>response|error)")


class Outcome(NamedTuple):
    """What the runtime posted for an invocation (or for the function's initialisation)."""

    kind: str  # "response", "error" or "init/error"
    body: Any  # the posted JSON, decoded
    headers: Dict[str, str]  # names in lower case
    at: float  # time.time() when it arrived


class RuntimeAPI:
    """The endpoints a runtime uses, as AWS documents them, on 127.0.0.1; one function instance.

    ``GET /runtime/invocation/next`` hands out the events given to :meth:`invoke`, one at a time
    (it waits while there is none, as Lambda does), with the ``Lambda-Runtime-Aws-Request-Id``,
    ``-Deadline-Ms`` (Unix milliseconds), ``-Invoked-Function-Arn`` and ``-Trace-Id`` headers; the
    runtime posts each result to ``/runtime/invocation/{id}/response`` or ``/error`` (202), or an
    initialisation failure to ``/runtime/init/error``.
    """

    def __init__(self) -> None:
        self._pending: queue.Queue[Optional[Tuple[str, bytes, int]]] = queue.Queue()
        self._outcomes: Dict[str, Outcome] = {}
        self._changed = threading.Condition()
        self.unexpected: List[str] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path != NEXT:
                    return self._unexpected()
                item = api._pending.get()
                if item is None:  # closing
                    return self._send(500, b'{"errorType": "ShuttingDown"}')
                request_id, event, deadline_ms = item
                self._send(
                    200,
                    event,
                    {
                        "Lambda-Runtime-Aws-Request-Id": request_id,
                        "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                        "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:test",
                        "Lambda-Runtime-Trace-Id": "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=0",
                    },
                )

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                match = _INVOCATION.fullmatch(self.path)
                if match:
                    key, kind = match["id"], match["kind"]
                elif self.path == INIT_ERROR:
                    key = kind = "init/error"
                else:
                    return self._unexpected()
                with api._changed:
                    if key in api._outcomes:
                        return self._send(400, b'{"errorType": "InvalidStateTransition"}')
                    headers = {name.lower(): value for name, value in self.headers.items()}
                    api._outcomes[key] = Outcome(kind, json.loads(body or b"null"), headers, time.time())
                    api._changed.notify_all()
                self._send(202, b'{"status": "OK"}')

            def _unexpected(self) -> None:
                api.unexpected.append(f"{self.command} {self.path}")
                self._send(404, b'{"errorType": "NotFound"}')

            def _send(self, status: int, body: bytes, headers: Optional[Dict[str, str]] = None) -> None:
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.address = f"127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def invoke(self, event: Any, seconds: float = 30.0) -> Tuple[str, int]:
        """Queue an invocation that has ``seconds`` to run; its request id and deadline (Unix ms)."""
        request_id = str(uuid.uuid4())
        deadline_ms = int((time.time() + seconds) * 1000)
        self._pending.put((request_id, json.dumps(event).encode(), deadline_ms))
        return request_id, deadline_ms

    def outcome(self, key: str, timeout: float = 30.0) -> Outcome:
        """What was posted for request ``key`` (or ``"init/error"``), waiting for it."""
        with self._changed:
            if not self._changed.wait_for(lambda: key in self._outcomes, timeout):
                raise AssertionError(f"nothing posted for {key} within {timeout} s")
            return self._outcomes[key]

    def close(self) -> None:
        self._pending.put(None)
        self._server.shutdown()
        self._server.server_close()


# ---------------------------------------------------------------------------
# Building and unpacking the zip
# ---------------------------------------------------------------------------


def build(out: pathlib.Path, wheelhouse: str) -> str:
    """Run build.sh offline (pip finds everything in the wheelhouse); return what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=wheelhouse)
    done = subprocess.run(
        ["bash", str(EXAMPLE / "build.sh"), str(out), sys.executable],
        cwd=str(out.parent), env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory: pytest.TempPathFactory, wheelhouse: str) -> Tuple[pathlib.Path, str]:
    """The zip build.sh makes, and what it printed."""
    out = tmp_path_factory.mktemp("build") / "function.zip"
    return out, build(out, wheelhouse)


def unpack(archive: pathlib.Path, into: pathlib.Path) -> pathlib.Path:
    """Extract with zipfile, as a deployment does: every file gets the current time."""
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(into)
    return into


@pytest.fixture(scope="module")
def task_root(built_zip: Tuple[pathlib.Path, str], tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """The zip unpacked: what Lambda puts in /var/task."""
    return unpack(built_zip[0], tmp_path_factory.mktemp("task"))


def clean_env(**extra: str) -> Dict[str, str]:
    """The environment without this machine's OpenAI, proxy and Python path settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith(("OPENAI_", "AZURE_OPENAI_", "AWS_")) and k.upper() not in PROXY_VARS
    }
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # Lambda's file system is read-only: nothing may be written back
    env.update(extra)
    return env


def completion(content: Optional[str], refusal: Optional[str] = None) -> Dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }


# ---------------------------------------------------------------------------
# build.sh and the zip
# ---------------------------------------------------------------------------


def test_the_zip_holds_what_lambda_runs_and_nothing_else(built_zip: Tuple[pathlib.Path, str]) -> None:
    archive, printed = built_zip
    with zipfile.ZipFile(archive) as opened:
        infos = opened.infolist()
        names = [info.filename for info in infos]
        top = {name.split("/")[0] for name in names}
        packages = {name for name in top if not name.endswith(".dist-info")}
        assert packages == {
            "handler.py", "__pycache__", "openai_lite", "requests", "urllib3", "idna", "certifi",
            "charset_normalizer", "sseclient",
        }  # fmt: skip
        # No console scripts, tests, bytecode for other Pythons; of the dist-info only METADATA and licences.
        assert not [n for n in names if n.startswith("bin/") or "/tests/" in n or "/test/" in n]
        sources = [n for n in names if n.endswith(".py")]
        compiled = sorted(n for n in names if n.endswith(".pyc"))
        assert compiled == sorted(importlib.util.cache_from_source(n) for n in sources)
        dist_info = {n.split("/", 1)[1] for n in names if ".dist-info/" in n}
        assert "METADATA" in dist_info and all(n == "METADATA" or "LICEN" in n or "NOTICE" in n for n in dist_info)
        # Reproducible entries: sorted, no times, the same permissions.
        assert names == sorted(names)
        assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.external_attr >> 16 for info in infos} == {0o100644}
        # The handler and openai_lite are this checkout's (but for the fake server, openai_lite.testing).
        assert opened.read("handler.py") == (EXAMPLE / "handler.py").read_bytes()
        ours = sorted(n for n in sources if n.startswith("openai_lite/"))
        checkout = sorted(
            p.relative_to(ROOT).as_posix()
            for p in (ROOT / "openai_lite").rglob("*.py")
            if not p.relative_to(ROOT).as_posix().startswith("openai_lite/testing/")
        )
        assert ours == checkout
    size = archive.stat().st_size
    assert size <= 2.5 * 1024 * 1024, f"{size / 1024 / 1024:.2f} MB"
    assert f"{size / 1024 / 1024:.2f} MB, {len(names)} files, sha256 " in printed


def test_every_pyc_is_hash_based_for_this_python(built_zip: Tuple[pathlib.Path, str]) -> None:
    # Header: magic, flags (bit 0: hash-based, bit 1: check the source), then the source's hash.
    wrong = []
    with zipfile.ZipFile(built_zip[0]) as opened:
        for name in opened.namelist():
            if not name.endswith(".py"):
                continue
            source = opened.read(name)
            header = opened.read(importlib.util.cache_from_source(name))[:16]
            flags = 0b11 if name == "handler.py" else 0b01  # the handler checked, the libraries not
            expected = importlib.util.MAGIC_NUMBER + flags.to_bytes(4, "little") + importlib.util.source_hash(source)
            if header != expected:
                wrong.append(name)
    assert wrong == []


def test_the_build_is_reproducible(
    built_zip: Tuple[pathlib.Path, str], tmp_path: pathlib.Path, wheelhouse: str
) -> None:
    again = tmp_path / "again.zip"
    printed = build(again, wheelhouse)
    assert again.read_bytes() == built_zip[0].read_bytes()
    assert printed.split("sha256 ")[1] == built_zip[1].split("sha256 ")[1]


@pytest.mark.parametrize(
    "args",
    [[], ["out.tar"], ["out.zip", sys.executable, "extra"]],
    ids=["no output", "not a zip", "too many"],
)
def test_build_usage_errors(args: List[str], tmp_path: pathlib.Path) -> None:
    done = subprocess.run(
        ["bash", str(EXAMPLE / "build.sh"), *args], cwd=str(tmp_path), capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert "usage: " in done.stderr and "OUT.zip [PYTHON]" in done.stderr
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------
# No .pyc goes stale in the zip round trip
# ---------------------------------------------------------------------------

# Imports the handler and makes one call, in an interpreter that sees only the task root and the
# standard library, and reports every module of the task root compiled from source.
_IMPORT_AND_CALL = """
import importlib.machinery, json, os, sys

compiled = []
source_to_code = importlib.machinery.SourceFileLoader.source_to_code

def recording(self, data, path, *args, **kwargs):
    compiled.append(os.path.relpath(path))
    return source_to_code(self, data, path, *args, **kwargs)

importlib.machinery.SourceFileLoader.source_to_code = recording

class Context:
    def get_remaining_time_in_millis(self):
        return 30000

import handler
result = handler.handler(EVENT, Context())
here = os.getcwd() + os.sep
print(json.dumps({
    "result": result,
    "compiled": sorted(p for p in compiled if not os.path.isabs(p) and not p.startswith("..")),
    "loaded": sorted(os.path.relpath(m.__file__) for m in list(sys.modules.values())
                     if (getattr(m, "__file__", None) or "").startswith(here)),
}))
"""


def import_and_call(task: pathlib.Path, server: LoopbackServer, event: Any) -> Dict[str, Any]:
    server.reply(json_reply(completion("Hello!")))
    done = subprocess.run(
        [sys.executable, "-S", "-c", _IMPORT_AND_CALL.replace("EVENT", repr(event))],
        cwd=str(task), capture_output=True, text=True, timeout=60,
        env=clean_env(PYTHONPATH=str(task), OPENAI_API_KEY=KEY, OPENAI_BASE_URL=server.url + "/v1"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: Dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    assert result["result"] == {"statusCode": 200, "body": "Hello!"}
    return result


def timestamp_pycs_zipped(task: pathlib.Path, tmp_path: pathlib.Path) -> pathlib.Path:
    """The control: the task root with timestamp .pyc (what plain compileall makes), zipped, unpacked."""
    import compileall

    copy = tmp_path / "timestamp-build"
    shutil.copytree(task, copy)
    assert compileall.compile_dir(str(copy), quiet=1, force=True)  # (the default mode: timestamp)
    archive = tmp_path / "timestamp.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(copy.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(copy).as_posix())  # (with the file's time, in 2 s steps)
    return unpack(archive, tmp_path / "timestamp-task")


@pytest.mark.parametrize("pycs", ["built by build.sh", "timestamp (control)"])
def test_no_pyc_goes_stale_in_a_zip_round_trip(
    pycs: str, task_root: pathlib.Path, server: LoopbackServer, tmp_path: pathlib.Path
) -> None:
    task = task_root if pycs == "built by build.sh" else timestamp_pycs_zipped(task_root, tmp_path)
    result = import_and_call(task, server, {})
    # Not a vacuous check: the call loaded the client, requests and the chat types from the task root.
    loaded = set(result["loaded"])
    assert {"handler.py", "openai_lite/types/chat.py", "requests/sessions.py", "urllib3/__init__.py"} <= loaded
    if pycs == "built by build.sh":
        assert result["compiled"] == []
    else:  # the file times changed on the way: every module was compiled again
        assert loaded <= set(result["compiled"])


def test_an_edited_handler_runs_its_new_source(
    task_root: pathlib.Path, server: LoopbackServer, tmp_path: pathlib.Path
) -> None:
    # As after editing handler.py in the Lambda console: its .pyc is checked against the source.
    task = tmp_path / "task"
    shutil.copytree(task_root, task)
    source = (task / "handler.py").read_text("utf-8")
    (task / "handler.py").write_text(source.replace(DEFAULT_PROMPT, "Edited greeting."), "utf-8")
    result = import_and_call(task, server, {})
    assert result["compiled"] == ["handler.py"]  # only the edited module
    assert server.requests[-1].json()["messages"] == [{"role": "user", "content": "Edited greeting."}]


# ---------------------------------------------------------------------------
# The handler under awslambdaric
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api() -> Iterator[LoopbackServer]:
    """The OpenAI API the function's client talks to."""
    server = LoopbackServer()
    yield server
    server.close()
    assert not server.errors, server.errors


@pytest.fixture(scope="module")
def runtime_api() -> Iterator[RuntimeAPI]:
    emulator = RuntimeAPI()
    yield emulator
    emulator.close()
    assert emulator.unexpected == []


def start_function(
    task: pathlib.Path, runtime_api: RuntimeAPI, api: LoopbackServer, log: pathlib.Path, **env: str
) -> subprocess.Popen[bytes]:
    """Start the function's runtime process as Lambda does: awslambdaric with the handler's name.

    It sees the task root first, then the folder awslambdaric is installed in (``-S``: nothing else).
    """
    awslambdaric = pytest.importorskip("awslambdaric", reason="awslambdaric (AWS's runtime client) is not installed")
    site_dir = os.path.dirname(os.path.dirname(os.path.abspath(awslambdaric.__file__ or "")))
    environ = clean_env(
        AWS_LAMBDA_RUNTIME_API=runtime_api.address,
        LAMBDA_TASK_ROOT=str(task),
        AWS_LAMBDA_FUNCTION_NAME="openai-lite-example",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
        PYTHONPATH=os.pathsep.join([str(task), site_dir]),
        OPENAI_BASE_URL=api.url + "/v1",
        **env,
    )
    with open(log, "wb") as output:
        return subprocess.Popen(
            [sys.executable, "-S", "-m", "awslambdaric", "handler.handler"],
            cwd=str(task), env=environ, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def function(
    task_root: pathlib.Path, runtime_api: RuntimeAPI, api: LoopbackServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[pathlib.Path]:
    """The function, started once and invoked by every test (its log file is yielded)."""
    log = tmp_path_factory.mktemp("function") / "log.txt"
    process = start_function(task_root, runtime_api, api, log, OPENAI_API_KEY=KEY)
    yield log
    stop(process)


API_ERROR = {"error": {"message": f"Incorrect API key provided: {KEY}.", "type": "invalid_request_error"}}
OVERLOADED = {"error": {"message": "The server is overloaded.", "type": "server_error"}}


class Invocation(NamedTuple):
    event: Any
    replies: List[Reply]  # what the API answers, in order
    seconds: float  # the time the invocation has
    kind: str  # what the runtime posts: "response" or "error"
    expected: Any  # the response, or the error's type
    prompts: List[str]  # what reached the API


INVOCATIONS = {
    "prompt": Invocation(
        {"prompt": "Hi there"}, [json_reply(completion("Hello!"))], 30, "response",
        {"statusCode": 200, "body": "Hello!"}, ["Hi there"],
    ),
    "default prompt": Invocation(
        {"other": 1}, [json_reply(completion("Hi."))], 30, "response",
        {"statusCode": 200, "body": "Hi."}, [DEFAULT_PROMPT],
    ),
    "refusal": Invocation(
        {"prompt": "x"}, [json_reply(completion(None, refusal="I can't help with that."))], 30, "response",
        {"statusCode": 200, "body": "I can't help with that."}, ["x"],
    ),
    "prompt not a string": Invocation(
        {"prompt": 5}, [], 30, "response",
        {"statusCode": 400, "body": 'The event must be a JSON object whose "prompt" is a non-empty string.'}, [],
    ),
    "event not an object": Invocation(
        "Hi", [], 30, "response",
        {"statusCode": 400, "body": 'The event must be a JSON object whose "prompt" is a non-empty string.'}, [],
    ),
    "retried once": Invocation(
        {"prompt": "x"}, [json_reply(OVERLOADED, status=503), json_reply(completion("Hello!"))], 30, "response",
        {"statusCode": 200, "body": "Hello!"}, ["x", "x"],
    ),
    "API error": Invocation(
        {"prompt": "x"}, [json_reply(API_ERROR, status=401)], 30, "error", "AuthenticationError", ["x"],
    ),
    "retries spent": Invocation(
        {"prompt": "x"}, [json_reply(OVERLOADED, status=503)] * 2, 30, "error", "InternalServerError", ["x", "x"],
    ),
    # 2.5 s left: each attempt may wait (2.5 - 0.5 margin - 1 backoff) / 2 = 0.5 s.
    "API too slow for the deadline": Invocation(
        {"prompt": "x"}, [stall_reply(10), stall_reply(10)], 2.5, "error", "APITimeoutError", ["x", "x"],
    ),
    "no time left": Invocation({"prompt": "x"}, [stall_reply(10)] * 2, 0, "error", "APITimeoutError", ["x", "x"]),
}  # fmt: skip


@pytest.mark.parametrize("case", INVOCATIONS.values(), ids=INVOCATIONS.keys())
def test_invocation_under_awslambdaric(
    case: Invocation, function: pathlib.Path, runtime_api: RuntimeAPI, api: LoopbackServer
) -> None:
    seen = len(api.requests)
    api.reply(*case.replies)
    started = time.time()
    request_id, deadline_ms = runtime_api.invoke(case.event, case.seconds)
    outcome = runtime_api.outcome(request_id)
    assert outcome.kind == case.kind, (outcome, function.read_text("utf-8", "replace"))
    if case.kind == "response":
        assert outcome.body == case.expected
    else:
        assert outcome.body["errorType"] == case.expected
        assert KEY not in json.dumps(outcome.body)  # the key is in the API's message, never in ours
        # Failed with our error before Lambda's deadline, instead of being cut off at it (and at
        # once when no time was left: 0.1 s per attempt, at most 1 s of backoff).
        assert outcome.at * 1000 < (deadline_ms if case.seconds else (started + 2) * 1000)
    requests = api.requests[seen:]
    assert [r.json()["messages"][0]["content"] for r in requests] == case.prompts
    assert all(r.path == "/v1/chat/completions" for r in requests)
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in requests)


def test_invocations_share_the_client_and_its_connection(
    function: pathlib.Path, runtime_api: RuntimeAPI, api: LoopbackServer
) -> None:
    api.reply(json_reply(completion("one")), json_reply(completion("two")))
    seen = len(api.requests)
    bodies = [runtime_api.outcome(runtime_api.invoke({"prompt": p})[0]).body["body"] for p in ("1", "2")]
    assert bodies == ["one", "two"]
    first, second = api.requests[seen:]
    assert first.connection_id == second.connection_id


def test_without_a_key_the_function_fails_to_start_saying_why(
    task_root: pathlib.Path, api: LoopbackServer, tmp_path: pathlib.Path
) -> None:
    emulator = RuntimeAPI()
    try:
        process = start_function(task_root, emulator, api, tmp_path / "log.txt")
        try:
            outcome = emulator.outcome("init/error")
            assert process.wait(timeout=30) != 0
        finally:
            stop(process)
    finally:
        emulator.close()
    assert outcome.body["errorType"] == outcome.headers["lambda-runtime-function-error-type"] == "OpenAIError"
    assert "OPENAI_API_KEY" in outcome.body["errorMessage"]


def test_the_handler_passes_mypy_strict(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("mypy", reason="mypy is not installed for this Python")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-color-output", "--cache-dir", str(tmp_path),
         "examples/lambda/handler.py"],
        cwd=str(ROOT), capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_example_documents_how_to_build_and_deploy() -> None:
    doc = ast.get_docstring(ast.parse((EXAMPLE / "handler.py").read_text("utf-8"))) or ""
    assert "build.sh function.zip python3.12" in doc and "handler.handler" in doc and "OPENAI_API_KEY" in doc


def test_the_readme_snippet_runs(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("\n## AWS Lambda\n") :]
    snippet = section[section.index("```python\n") + 10 : section.index("\n```\n")]
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")
    namespace: Dict[str, Any] = {}
    exec(compile(snippet, "README.md", "exec"), namespace)
    spec = importlib.util.spec_from_file_location("lambda_example", EXAMPLE / "handler.py")
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)

    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 30000

    server.reply(json_reply(completion("Hello!")))
    try:
        assert namespace["handler"]({"prompt": "Hi"}, Context()) == {"statusCode": 200, "body": "Hello!"}
        # The snippet is the example's core: the same client settings, the same timeouts.
        for name in ("timeout", "max_retries", "max_retry_delay"):
            assert getattr(namespace["client"], name) == getattr(example.client, name)
        assert namespace["call_timeout"](Context()) == example.call_timeout(Context()) == (2.0, 14.25)
    finally:
        namespace["client"].close()
        example.client.close()
    assert server.requests[0].json()["messages"] == [{"role": "user", "content": "Hi"}]
