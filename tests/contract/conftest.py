"""Contract tests: every operation of the pinned spec, called through ``openai_lite.Client``, checked by Prism.

One Prism mock server (https://github.com/stoplightio/prism, the ``@stainless-api/prism-cli`` build) runs
for the whole session in static mode on 127.0.0.1, serving a test-only copy of ``spec/openai-openapi.json``
(see ``contract_spec.write_prism_spec``). Prism validates every request against the spec (422 when it does
not match) and answers with the spec's example or a schema-shaped placeholder.

Environment (read once, at import, before the suite's own fixtures clear ``OPENAI_*`` variables):

``OPENAI_LITE_PRISM``
    Path of Prism's CLI entry point, ``.../node_modules/@stainless-api/prism-cli/dist/index.js``: what
    ``.ci/prism.sh`` prints. Unset: ``.ci/.prism/node_modules/...`` is used when ``.ci/prism.sh`` has
    installed it there.
``OPENAI_LITE_NODE``
    The ``node`` executable (default: ``node`` on ``PATH``).
``OPENAI_LITE_REQUIRE_PRISM=1``, or ``CI`` set to anything but ``""``/``0``/``false``
    Prism must run: if it is missing or cannot start, every contract test errors instead of skipping.
    Otherwise (a developer machine without node) the contract tests skip, saying why.

At the end of a run the suite prints ``contract: N/288 operations passed`` and fails the session when all
operations ran and N is not 288 minus the listed Prism/spec exceptions (``contract_exceptions.py``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import time
from typing import Any, Dict, Iterator, List, Optional

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # the contract_* helper modules, whatever pytest's --import-mode

from contract_exceptions import PRISM_EXCEPTIONS  # noqa: E402
from contract_spec import ROOT, operations, write_prism_spec  # noqa: E402
from contract_streams import UNDECLARED_STREAMS, canned_streams  # noqa: E402

PRISM_ENV = os.environ.get("OPENAI_LITE_PRISM", "")
NODE_ENV = os.environ.get("OPENAI_LITE_NODE", "")
REQUIRE_PRISM = os.environ.get("OPENAI_LITE_REQUIRE_PRISM", "").strip().lower() not in ("", "0", "false", "no") or (
    os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
)
DEFAULT_PRISM = os.path.join(ROOT, ".ci", ".prism", "node_modules", "@stainless-api", "prism-cli", "dist", "index.js")

STARTUP_TIMEOUT = 120.0  # seconds; ~12-16 s on a 2-core machine
HEAP_LIMIT_MB = 1024  # node's old-space cap: Prism stays far below (~300 MiB RSS for this suite)

TOTAL_OPERATIONS = len(operations())
OPERATION_TEST = "test_operation["


def _unavailable(message: str) -> None:
    """Skip the contract tests, or fail them when Prism is required (CI)."""
    if REQUIRE_PRISM:
        pytest.fail(f"Prism is required here (CI / OPENAI_LITE_REQUIRE_PRISM) but {message}", pytrace=False)
    pytest.skip(f"contract tests need the Prism mock server: {message}")


class Prism:
    """A running Prism process: its URL, PID and log."""

    def __init__(self, node: str, entry: str, spec_path: str, log_path: str) -> None:
        self.log_path = log_path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env["NODE_OPTIONS"] = f"{env.get('NODE_OPTIONS', '')} --max-old-space-size={HEAP_LIMIT_MB}".strip()
        env.pop("FORCE_COLOR", None)
        env["NO_COLOR"] = "1"
        with open(log_path, "wb") as log:
            # Default log level ("info"): the "listening" line is only printed at that level. The log
            # goes to a file, and the suite shows the part of it that belongs to a failing test.
            self.process = subprocess.Popen(
                [node, entry, "mock", spec_path, "-h", "127.0.0.1", "-p", str(self.port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=os.path.dirname(log_path),
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        self.pid = self.process.pid
        self.started = time.monotonic()
        self.startup_seconds = 0.0
        self.peak_rss_mib: Optional[float] = None
        atexit.register(self.stop)  # in case the session dies before fixture teardown

    def log(self, since: int = 0) -> str:
        with open(self.log_path, "rb") as f:
            f.seek(since)
            return f.read().decode("utf-8", "replace")

    def log_size(self) -> int:
        return os.path.getsize(self.log_path)

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, timeout: float) -> Optional[str]:
        """None once Prism listens and answers a probe; otherwise why not."""
        listening = f"Prism is listening on {self.url}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return f"Prism exited with status {self.process.returncode} while starting"
            text = self.log()
            if "fatal" in text:
                return "Prism reported a fatal error while starting"
            if listening in text:
                self.startup_seconds = time.monotonic() - self.started
                return self.probe()
            time.sleep(0.2)
        return f"Prism did not print {listening!r} within {timeout:.0f} s"

    def probe(self) -> Optional[str]:
        """GET /models must answer 200 (any bearer key is accepted)."""
        import requests

        with requests.Session() as session:
            session.trust_env = False  # no proxy from the environment for 127.0.0.1
            try:
                response = session.get(self.url + "/models", headers={"Authorization": "Bearer sk-probe"}, timeout=30)
            except requests.RequestException as exc:
                return f"probe request failed: {exc}"
        if response.status_code != 200:
            return f"probe GET /models answered {response.status_code}: {response.text[:200]}"
        return None

    def read_peak_rss(self) -> None:
        """Remember the process's peak resident memory (Linux: VmHWM), for the summary."""
        try:
            with open(f"/proc/{self.pid}/status", encoding="ascii") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        self.peak_rss_mib = int(line.split()[1]) / 1024
        except (OSError, ValueError, IndexError):
            pass

    def stop(self) -> None:
        """Stop the process by its PID (SIGTERM, then SIGKILL)."""
        if self.process.poll() is None:
            self.read_peak_rss()
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _die_with_parent() -> None:
    """In the child before exec (Linux): get SIGTERM when pytest dies without tearing down (SIGKILL, SIGTERM)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # pragma: no cover - best effort; teardown and atexit stop Prism otherwise
        pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prism]:
    """The session's Prism server (skips, or fails under CI, when it cannot run)."""
    entry = PRISM_ENV or DEFAULT_PRISM
    if not os.path.isfile(entry):
        where = (
            f"OPENAI_LITE_PRISM={PRISM_ENV!r} is not a file"
            if PRISM_ENV
            else ("OPENAI_LITE_PRISM is not set and .ci/prism.sh has not installed it (run .ci/prism.sh)")
        )
        _unavailable(where)
    node = NODE_ENV or shutil.which("node") or ""
    if not node or not os.path.isfile(node):
        _unavailable("node is not installed (set OPENAI_LITE_NODE or put node on PATH)")

    folder = tmp_path_factory.mktemp("prism")
    spec_path = str(folder / "openai-openapi.prism.json")
    write_prism_spec(spec_path, canned_streams(), UNDECLARED_STREAMS)
    server: Optional[Prism] = None
    problem = "not started"
    for _attempt in range(2):  # a second port if the first was taken meanwhile
        server = Prism(node, entry, spec_path, str(folder / "prism.log"))
        problem = server.wait_ready(STARTUP_TIMEOUT) or ""
        if not problem:
            break
        server.stop()
    assert server is not None
    if problem:
        tail = "\n".join(server.log().splitlines()[-30:])
        _unavailable(f"{problem} ({node} {entry}); log tail:\n{tail}")
    _prism_info.append(
        f"contract: Prism {_version(entry)} (pid {server.pid}) on {server.url}, ready in {server.startup_seconds:.1f} s"
    )
    try:
        yield server
    finally:
        server.stop()
        if server.peak_rss_mib is not None:
            _prism_info.append(f"contract: Prism stopped; peak RSS {server.peak_rss_mib:.0f} MiB")


def _version(entry: str) -> str:
    """The version in the package.json next to Prism's dist/ folder."""
    import json

    try:
        with open(os.path.join(os.path.dirname(os.path.dirname(entry)), "package.json"), encoding="utf-8") as f:
            return str(json.load(f).get("version", "?"))
    except (OSError, ValueError):
        return "?"


@pytest.fixture
def make_contract_client(prism: Prism) -> Iterator[Any]:
    """``make(**options)``: an ``openai_lite.Client`` for Prism (user key; ``admin=True`` for the admin key)."""
    import openai_lite

    made: List[Any] = []

    def make(admin: bool = False, **options: Any) -> Any:
        settings: Dict[str, Any] = {"base_url": prism.url, "max_retries": 0, "timeout": (10, 120)}
        settings["admin_api_key" if admin else "api_key"] = "sk-admin-contract" if admin else "sk-contract"
        settings.update(options)
        client = openai_lite.Client(**settings)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


# ---------------------------------------------------------------------------
# The summary line and the N == 288 - exceptions rule
# ---------------------------------------------------------------------------

_outcomes: Dict[str, str] = {}  # operationId -> passed / failed / xfailed / skipped
_verdict: List[str] = []
_prism_info: List[str] = []
_LOG_START = pytest.StashKey[int]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    server = getattr(item, "funcargs", {}).get("prism")
    if isinstance(server, Prism):
        item.stash[_LOG_START] = server.log_size()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    """A failing test that talked to Prism shows what Prism logged meanwhile (its validation messages)."""
    outcome = yield
    report = outcome.get_result()
    server = getattr(item, "funcargs", {}).get("prism")
    if report.when == "call" and report.failed and isinstance(server, Prism) and _LOG_START in item.stash:
        lines = [line for line in server.log(item.stash[_LOG_START]).splitlines() if line.strip()]
        report.sections.append(("prism log", "\n".join(lines[-60:])))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    name = report.nodeid.rsplit("::", 1)[-1]
    if not name.startswith(OPERATION_TEST) or "test_contract.py" not in report.nodeid:
        return
    op_id = name[len(OPERATION_TEST) : -1]
    if hasattr(report, "wasxfail"):
        state = "xfailed" if report.skipped else "failed"  # a strict XPASS is a failure
    elif report.skipped:
        state = "skipped"
    elif report.failed:
        state = "failed"
    else:
        state = "passed"
    previous = _outcomes.get(op_id)
    # setup, call and teardown each report: any failure sticks, "passed" needs the call phase.
    if previous in ("failed", "skipped", "xfailed") and state == "passed":
        return
    if state == "passed" and report.when != "call":
        return
    _outcomes[op_id] = state


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _outcomes:
        return
    passed = sum(1 for state in _outcomes.values() if state == "passed")
    expected = TOTAL_OPERATIONS - len(PRISM_EXCEPTIONS)
    line = f"contract: {passed}/{TOTAL_OPERATIONS} operations passed"
    if all(state == "skipped" for state in _outcomes.values()):
        _verdict.append(f"contract: skipped ({len(_outcomes)} operations; Prism not available)")
        return
    _verdict.append(f"{line} ({len(PRISM_EXCEPTIONS)} listed Prism/spec exceptions; expected {expected})")
    if len(_outcomes) < TOTAL_OPERATIONS:
        _verdict.append(f"contract: only {len(_outcomes)} of {TOTAL_OPERATIONS} operations ran: count not enforced")
        return
    if passed != expected:
        failing = sorted(op for op, state in _outcomes.items() if state != "passed" and op not in PRISM_EXCEPTIONS)
        _verdict.append(
            f"contract: FAILED: {passed} != {TOTAL_OPERATIONS} - {len(PRISM_EXCEPTIONS)}; not passing: "
            + ", ".join(failing)
        )
        if session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in _prism_info:
        terminalreporter.write_line(line)
    for line in _verdict:
        terminalreporter.write_line(line, bold=True, red="FAILED" in line)
