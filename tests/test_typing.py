"""Static typing of user code (tests/typing/): mypy --strict and pyright (strict) accept the good
programs and reject each marked line of the bad ones.

A file named ``*_bad.py`` marks each line that must fail with ``# E: <mypy error codes>``; every
other file must check clean. pyright must report errors on exactly the marked lines (its rule
names differ from mypy's codes). The files are only type-checked, never run.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
from typing import Dict, List, Set, Tuple

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
TYPING_DIR = ROOT / "tests" / "typing"

FILES = sorted(p.name for p in TYPING_DIR.glob("*.py"))
BAD_FILES = [name for name in FILES if name.endswith("_bad.py")]
GOOD_FILES = [name for name in FILES if not name.endswith("_bad.py")]
MYPY_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.*?)\s+\[(?P<code>[\w-]+)\]$")


def markers(name: str) -> Set[Tuple[int, str]]:
    """(line, mypy code) for every ``# E: code, code`` marker of a bad file."""
    expected = set()
    for number, line in enumerate((TYPING_DIR / name).read_text("utf-8").splitlines(), 1):
        marker = re.search(r"# E: ([\w\-, ]+)$", line)
        if marker:
            expected |= {(number, code.strip()) for code in marker.group(1).split(",")}
    return expected


def test_the_file_lists() -> None:
    assert {"usage_ok.py", "streams_ok.py", "structured_ok.py", "roundtrip_ok.py"} <= set(GOOD_FILES)
    assert {"usage_bad.py", "streams_bad.py", "structured_bad.py"} <= set(BAD_FILES)
    assert all(len(markers(name)) >= 4 for name in BAD_FILES)


# ---------------------------------------------------------------------------
# mypy --strict
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, List[Tuple[int, str, str]]]:
    """mypy's errors for every file, from one run: file name -> [(line, code, message)]."""
    pytest.importorskip("mypy", reason="mypy is not installed for this Python")
    cache = tmp_path_factory.mktemp("mypy-cache")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--show-error-codes", "--no-color-output", "--no-error-summary",
         "--cache-dir", str(cache), *(f"tests/typing/{name}" for name in FILES)],
        cwd=str(ROOT), capture_output=True, text=True, timeout=300,
        env={**{k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}, "MYPY_FORCE_COLOR": "0"},
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 2 would be a crash or a usage error
    errors: Dict[str, List[Tuple[int, str, str]]] = {}
    for line in done.stdout.splitlines():
        match = MYPY_LINE.match(line)
        if match:
            errors.setdefault(pathlib.Path(match["file"]).name, []).append(
                (int(match["line"]), match["code"], match["message"])
            )
        elif ": error:" in line:
            pytest.fail(f"unparsed mypy error: {line}")
    return errors


@pytest.mark.parametrize("name", GOOD_FILES)
def test_mypy_accepts_the_good_program(mypy_errors: Dict[str, List[Tuple[int, str, str]]], name: str) -> None:
    assert mypy_errors.get(name, []) == []


@pytest.mark.parametrize("name", BAD_FILES)
def test_mypy_reports_exactly_the_marked_errors(mypy_errors: Dict[str, List[Tuple[int, str, str]]], name: str) -> None:
    # (A union reports one error per member that lacks the attribute: the same (line, code) repeats.)
    got = {(line, code) for line, code, _ in mypy_errors.get(name, [])}
    said = "\n".join(f"{line}: {message} [{code}]" for line, code, message in mypy_errors.get(name, []))
    assert got == markers(name), f"mypy said:\n{said[:5000]}"


# ---------------------------------------------------------------------------
# pyright (strict mode: tests/typing/pyrightconfig.json)
# ---------------------------------------------------------------------------


def pyright_command() -> List[str]:
    found = shutil.which("pyright") or shutil.which("pyright", path=str(pathlib.Path(sys.executable).parent))
    if found is None:
        if os.environ.get("OPENAI_LITE_REQUIRE_PYRIGHT"):
            pytest.fail("pyright is not installed (OPENAI_LITE_REQUIRE_PYRIGHT is set)")
        pytest.skip("pyright is not installed")
    return [found]


@pytest.fixture(scope="module")
def pyright_errors() -> Dict[str, Set[int]]:
    """Lines pyright reports an error on, per file, from one run."""
    done = subprocess.run(
        [*pyright_command(), "--outputjson", "-p", str(TYPING_DIR), *(str(TYPING_DIR / name) for name in FILES)],
        cwd=str(ROOT), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(done.stdout)
    errors: Dict[str, Set[int]] = {}
    for item in report["generalDiagnostics"]:
        if item["severity"] == "error":
            errors.setdefault(pathlib.Path(item["file"]).name, set()).add(item["range"]["start"]["line"] + 1)
    return errors


@pytest.mark.parametrize("name", GOOD_FILES)
def test_pyright_accepts_the_good_program(pyright_errors: Dict[str, Set[int]], name: str) -> None:
    assert sorted(pyright_errors.get(name, ())) == []


@pytest.mark.parametrize("name", BAD_FILES)
def test_pyright_rejects_exactly_the_marked_lines(pyright_errors: Dict[str, Set[int]], name: str) -> None:
    assert sorted(pyright_errors.get(name, ())) == sorted({line for line, _ in markers(name)})
