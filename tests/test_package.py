"""Packaging rules: the package can be vendored, imports little, and documents its public names."""

from __future__ import annotations

import ast
import inspect
import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap
from typing import Any, Dict, List, Optional

import pytest
import requests
from _loopback import LoopbackServer, json_reply, sse_event, sse_reply

import openai_lite

PACKAGE_DIR = pathlib.Path(openai_lite.__file__).resolve().parent


def _dependency_dirs() -> List[str]:
    """The site directories holding the runtime dependencies (and what requests imports)."""
    import certifi
    import charset_normalizer
    import idna
    import sseclient
    import urllib3

    modules = (requests, urllib3, idna, certifi, charset_normalizer, sseclient)
    return sorted({os.path.dirname(os.path.dirname(os.path.abspath(m.__file__ or ""))) for m in modules})


def run_python(
    code: str, cwd: pathlib.Path, pythonpath: Optional[str] = None, isolated: bool = False, **env: str
) -> Any:
    """Run ``code`` in a fresh interpreter; it prints one JSON document, returned decoded.

    ``isolated`` hides site-packages (``-S``) except for the runtime dependencies, so that an
    installed openai_lite (an editable install in CI) cannot be found.
    """
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    paths = [pythonpath] if pythonpath is not None else []
    if isolated:
        paths += _dependency_dirs()
    if paths:
        environ["PYTHONPATH"] = os.pathsep.join(paths)
    environ.update(env)
    done = subprocess.run(
        [sys.executable, *(["-S"] if isolated else []), "-c", textwrap.dedent(code)],
        cwd=str(cwd),
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------
# Vendoring
# ---------------------------------------------------------------------------


def test_vendored_copy_works(tmp_path: pathlib.Path, server: LoopbackServer) -> None:
    vendor = tmp_path / "some_app" / "_vendor"
    shutil.copytree(PACKAGE_DIR, vendor / "openai_lite", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "some_app" / "__init__.py").write_text("")
    (vendor / "__init__.py").write_text("")

    server.reply(
        json_reply({"id": "m1", "object": "model", "created": 1, "owned_by": "me"}, headers={"x-request-id": "req_v"}),
        sse_reply([sse_event({"id": "c", "choices": [{"index": 0, "delta": {"content": "hi"}}]}), "data: [DONE]\n\n"]),
        json_reply({"object": "list", "data": [{"id": "m2", "object": "model"}], "has_more": False}),
    )
    code = f"""
        import importlib.util, json, sys
        assert {str(PACKAGE_DIR.parent)!r} not in [p for p in sys.path if p]
        top_level = importlib.util.find_spec("openai_lite")  # must be None: only the vendored copy exists

        class RecordAbsoluteImports:
            # Sees every attempt to import the top-level name, even one whose failure is caught.
            attempts = []

            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "openai_lite":
                    self.attempts.append(name)
                return None

        sys.meta_path.insert(0, RecordAbsoluteImports())

        from some_app._vendor import openai_lite
        client = openai_lite.Client(api_key="sk-vendored", base_url={server.url + "/v1"!r}, max_retries=0)
        model = client.retrieve_model("m1")
        chunks = list(client.create_chat_completion_stream(model="m", messages=[{{"role": "user", "content": "x"}}]))
        listed = [m.id for m in client.list_models()]

        # A name the annotation's module never imported is found through the types index.
        from dataclasses import dataclass
        from typing import Optional

        @dataclass
        class Custom(openai_lite.BaseModel):
            usage: "Optional[CompletionUsage]" = None

        usage = Custom.from_dict({{"usage": {{"total_tokens": 3}}}}).usage

        print(json.dumps({{
            "top_level": top_level is not None,
            "file": openai_lite.__file__,
            "model": [type(model).__module__, model.id, model._request_id],
            "chunk": [type(chunks[0]).__module__, chunks[0].choices[0].delta.content],
            "listed": listed,
            "usage": [type(usage).__module__, getattr(usage, "total_tokens", None)],
            "foreign": sorted(m for m in sys.modules if m.split(".")[0] == "openai_lite"),
            "absolute_imports": RecordAbsoluteImports.attempts,
        }}))
    """
    result = run_python(code, cwd=tmp_path, pythonpath=str(tmp_path), isolated=True)

    assert result["top_level"] is False
    assert pathlib.Path(result["file"]).resolve() == (vendor / "openai_lite" / "__init__.py").resolve()
    assert result["model"] == ["some_app._vendor.openai_lite.types.models", "m1", "req_v"]
    assert result["chunk"] == ["some_app._vendor.openai_lite.types.chat", "hi"]
    assert result["listed"] == ["m2"]
    assert result["usage"] == ["some_app._vendor.openai_lite.types.chat", 3]
    assert result["foreign"] == []  # nothing was imported under the top-level name
    assert result["absolute_imports"] == []  # nor even tried
    assert [r.path for r in server.requests] == ["/v1/models/m1", "/v1/chat/completions", "/v1/models"]
    assert server.requests[0].headers["authorization"] == "Bearer sk-vendored"


# ---------------------------------------------------------------------------
# What `import openai_lite` does
# ---------------------------------------------------------------------------

# The packages a plain `import requests` may bring in, and sseclient-py.
ALLOWED_THIRD_PARTY = {"requests", "urllib3", "idna", "charset_normalizer", "chardet", "certifi", "sseclient"}

# Runs IMPORTS in a fresh interpreter and reports what they changed.
_WHAT_IMPORTS_DO = """
import json, logging, os, sys, threading
before = set(sys.modules)
threads = threading.active_count()
root_handlers = list(logging.getLogger().handlers)
IMPORTS
new = sorted(set(sys.modules) - before)

if hasattr(sys, "stdlib_module_names"):
    def is_stdlib(name):
        return name in sys.stdlib_module_names
else:  # Python < 3.10: tell the standard library by where a module lives
    import sysconfig
    paths = sysconfig.get_paths()
    stdlib_dirs = tuple(os.path.realpath(paths[k]) for k in ("stdlib", "platstdlib"))
    site_dirs = tuple(os.path.realpath(paths[k]) for k in ("purelib", "platlib"))

    def is_stdlib(name):
        file = getattr(sys.modules.get(name), "__file__", None)
        if file is None:  # built into the interpreter
            return name in sys.builtin_module_names
        file = os.path.realpath(file)
        return file.startswith(stdlib_dirs) and not file.startswith(site_dirs)

logger = logging.getLogger("openai_lite")
print(json.dumps({
    "new": new,
    "non_stdlib": sorted({m.split(".")[0] for m in new if not is_stdlib(m.split(".")[0])}),
    "threads": threading.active_count() - threads,
    "logger_handlers": len(logger.handlers),
    "logger_level": logger.level,
    "root_handlers_same": logging.getLogger().handlers == root_handlers,
}))
"""


def what_imports_do(imports: str, **env: str) -> Dict[str, Any]:
    result: Dict[str, Any] = run_python(_WHAT_IMPORTS_DO.replace("IMPORTS", imports), cwd=PACKAGE_DIR.parent, **env)
    return result


def test_import_needs_only_stdlib_requests_and_sseclient() -> None:
    result = what_imports_do("import openai_lite")
    assert "openai_lite" in result["new"]
    unexpected = set(result["non_stdlib"]) - ALLOWED_THIRD_PARTY - {"openai_lite"}
    if unexpected:
        # An optional package that requests itself imports where installed (brotli, ...) is fine.
        unexpected -= set(what_imports_do("import requests, sseclient")["non_stdlib"])
    assert not unexpected, f"import openai_lite imported {sorted(unexpected)}"


def test_import_loads_no_type_modules_threads_or_logging() -> None:
    # Even with OPENAI_LOG set: it is read when a client is created, never at import.
    result = what_imports_do("import openai_lite", OPENAI_LOG="debug")
    assert [m for m in result["new"] if m.startswith("openai_lite.types")] == []
    assert result["threads"] == 0
    assert result["logger_handlers"] == 0
    assert result["logger_level"] == 0  # NOTSET
    assert result["root_handlers_same"] is True


# ---------------------------------------------------------------------------
# Public names
# ---------------------------------------------------------------------------


def _attribute_docstrings() -> Dict[str, str]:
    """``NAME = value`` followed by a string literal, in every module of the package."""
    found: Dict[str, str] = {}
    for path in PACKAGE_DIR.rglob("*.py"):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        for node, following in zip(body, body[1:]):
            targets: List[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign):
                targets = [node.target]
            if (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                for target in targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = following.value.value
    return found


@pytest.mark.parametrize("name", openai_lite.__all__)
def test_public_name_exists_and_is_documented(name: str) -> None:
    assert hasattr(openai_lite, name)
    value = getattr(openai_lite, name)
    if name == "__version__":
        # A plain string; _version.py exists only to hold it and its docstring says so.
        assert isinstance(value, str) and value
        assert (openai_lite._version.__doc__ or "").strip()
    elif isinstance(value, type):
        assert (vars(value).get("__doc__") or "").strip()  # its own, not one inherited from a base class
    elif inspect.isfunction(value):
        assert (value.__doc__ or "").strip()
    else:
        # Constants and type aliases cannot carry __doc__: a string literal must follow
        # their assignment in the source.
        assert _attribute_docstrings().get(name, "").strip(), f"{name} has no docstring"
