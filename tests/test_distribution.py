"""What gets published: the sdist and the wheel ``python -m build`` makes, the version, the changelog.

The distributions are built offline from a copy of the checkout, with setuptools taken from the
wheelhouse (see ``conftest.py``), the way a release is built: the sdist first, the wheel from it.
"""

from __future__ import annotations

import email.parser
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from typing import Dict, List, NamedTuple, Set

import pytest

import openai_lite

ROOT = pathlib.Path(__file__).resolve().parents[1]
VERSION = openai_lite.__version__
# Never in a distribution, and not worth copying to build one.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".ci", "build", "dist", "*.egg-info", "__pycache__", "*.py[cod]", ".venv*", ".*_cache", "tmp",
    "node_modules",
)  # fmt: skip


class Dists(NamedTuple):
    sdist: pathlib.Path
    wheel: pathlib.Path


def offline_env(wheelhouse: str, **extra: str) -> Dict[str, str]:
    """This environment, with pip (and the build front end's pip) confined to the wheelhouse."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "OPENAI_")) and k != "PYTHONPATH"}
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=wheelhouse, PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


def run(args: List[str], cwd: pathlib.Path, env: Dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(args, cwd=str(cwd), env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory, wheelhouse: str) -> Dists:
    pytest.importorskip("build", reason="the build front end (pip install build) is not installed")
    source = tmp_path_factory.mktemp("source") / "openai_lite"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE)
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], source, offline_env(wheelhouse))
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Dists(sdist, wheel)


def sdist_names(sdist: pathlib.Path) -> Set[str]:
    """The files of the sdist, relative to its top folder."""
    with tarfile.open(sdist) as archive:
        return {m.name.split("/", 1)[1] for m in archive.getmembers() if m.isfile()}


def package_files() -> Set[str]:
    """The files of this checkout's package, as paths from the checkout's root."""
    return {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "openai_lite").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


# ---------------------------------------------------------------------------
# The wheel
# ---------------------------------------------------------------------------


def test_the_names_carry_the_version(dists: Dists) -> None:
    assert dists.sdist.name == f"openai_lite-{VERSION}.tar.gz"
    assert dists.wheel.name == f"openai_lite-{VERSION}-py3-none-any.whl"


def test_the_wheel_holds_only_the_package(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as wheel:
        names = set(wheel.namelist())
    dist_info = f"openai_lite-{VERSION}.dist-info/"
    assert {n for n in names if not n.startswith(dist_info)} == package_files()
    assert "openai_lite/py.typed" in names
    metadata_files = {n[len(dist_info) :] for n in names if n.startswith(dist_info)}
    assert {"METADATA", "WHEEL", "RECORD"} <= metadata_files
    assert {"LICENSE", "licenses/LICENSE"} & metadata_files


def test_the_wheel_metadata(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as wheel:
        metadata = email.parser.Parser().parsestr(wheel.read(f"openai_lite-{VERSION}.dist-info/METADATA").decode())
    assert metadata["Name"] == "openai-lite"
    assert metadata["Version"] == VERSION
    assert metadata["Requires-Python"] == ">=3.8"
    assert metadata["Description-Content-Type"] == "text/markdown"
    requires = [r.replace(" ", "") for r in metadata.get_all("Requires-Dist") or []]
    assert {"requests>=2.31", "sseclient-py>=1.7.2"} <= set(requires)
    assert all("extra==" in r for r in requires if not r.startswith(("requests>=", "sseclient-py>=")))
    versions = {c.rsplit(" :: ", 1)[1] for c in metadata.get_all("Classifier") or [] if "Python :: 3." in c}
    assert versions == {"3.8", "3.9", "3.10", "3.11", "3.12", "3.13"}
    assert metadata.get_payload().startswith("# openai_lite")  # the README, as PyPI shows it


def test_the_wheel_installs_in_a_fresh_venv_and_runs_the_quickstart(
    dists: Dists, wheelhouse: str, tmp_path: pathlib.Path
) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path, offline_env(wheelhouse), timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # The dependencies come from the wheelhouse: nothing from this environment, nothing from the network.
    run([str(python), "-m", "pip", "install", "--quiet", str(dists.wheel)], tmp_path, offline_env(wheelhouse))
    out = run([str(python), str(ROOT / "examples" / "quickstart.py")], tmp_path, offline_env(wheelhouse))
    assert "OPENAI_API_KEY is not set: using the built-in fake server" in out
    assert "Chat reply: You said: Say hello in five words or fewer." in out
    assert "Embedding: 8 dimensions" in out
    code = (
        "import importlib.metadata, json, pathlib, openai_lite;"
        "print(json.dumps([openai_lite.__file__, openai_lite.__version__, importlib.metadata.version('openai-lite'),"
        " (pathlib.Path(openai_lite.__file__).parent / 'py.typed').is_file()]))"
    )
    where, version, metadata_version, typed = json.loads(run([str(python), "-c", code], tmp_path, offline_env("")))
    assert str(pathlib.Path(where).resolve()).startswith(str(venv.resolve()) + os.sep)
    assert version == metadata_version == VERSION
    assert typed is True


# ---------------------------------------------------------------------------
# The sdist
# ---------------------------------------------------------------------------

# What it takes to test and regenerate the package, beside the package itself.
SDIST_HOLDS = [
    "PKG-INFO", "pyproject.toml", "setup.cfg", "MANIFEST.in", "README.md", "API.md", "CHANGELOG.md", "LICENSE",
    "spec/openai-openapi.json", "spec/SOURCE.md", "tools/__init__.py", "tools/codegen/__main__.py",
    "tests/conftest.py", "tests/_loopback.py", "tests/typing/usage_ok.py", "tests/contract/conftest.py",
    "tests/contract/prism/package-lock.json", "examples/quickstart.py", "examples/lambda/build.sh",
    "examples/lambda/handler.py", "benchmarks/_server.py", "openai_lite/py.typed",
]  # fmt: skip


@pytest.mark.parametrize("name", SDIST_HOLDS)
def test_the_sdist_holds(name: str, dists: Dists) -> None:
    assert name in sdist_names(dists.sdist)


def test_the_sdist_holds_every_tracked_file_but_ci_settings(dists: Dists) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (an unpacked sdist, say): the tracked files are unknown")
    listed = subprocess.run(["git", "ls-files"], cwd=str(ROOT), capture_output=True, text=True, timeout=30)
    tracked = {n for n in listed.stdout.splitlines() if not n.startswith(".ci/") and n != ".gitignore"}
    names = sdist_names(dists.sdist)
    added_by_setuptools = {n for n in names if n == "PKG-INFO" or ".egg-info/" in n}
    assert tracked <= names  # (not equal: files not yet committed are in the copy too)
    assert not [n for n in names - added_by_setuptools if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(".ci/")]


def test_from_the_unpacked_sdist_the_generator_and_tests_run(dists: Dists, tmp_path: pathlib.Path) -> None:
    with tarfile.open(dists.sdist) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(tmp_path, filter="data")
        else:  # (Python < 3.8.17 has no extraction filters; our own archive)
            archive.extractall(tmp_path)
    unpacked = tmp_path / f"openai_lite-{VERSION}"
    env = offline_env("")
    where = run([sys.executable, "-c", "import openai_lite; print(openai_lite.__file__)"], unpacked, env)
    assert pathlib.Path(where.strip()).resolve().parent == (unpacked / "openai_lite").resolve()
    # The generator, from the sdist's spec, writes exactly the sdist's generated files.
    out = tmp_path / "regenerated"
    run([sys.executable, "-m", "tools.codegen", "--out", str(out)], unpacked, env)
    regenerated = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert len(regenerated) > 50
    different = [rel for rel in regenerated if (out / rel).read_bytes() != (unpacked / rel).read_bytes()]
    assert different == []
    # A sample of the suite (the drift check, pure code, a loopback server).
    tests = ["tests/test_codegen.py::test_generated_file_set", "tests/test_models.py", "tests/test_retry.py"]
    out_text = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], unpacked, env)
    assert re.search(r"\b\d+ passed\b", out_text) and " failed" not in out_text, out_text


# ---------------------------------------------------------------------------
# The version, in one place
# ---------------------------------------------------------------------------


def test_the_version_is_written_in_one_place() -> None:
    assigned = [
        p.relative_to(ROOT).as_posix()
        for p in [*(ROOT / "openai_lite").rglob("*.py"), ROOT / "setup.cfg", ROOT / "pyproject.toml"]
        if re.search(r"^\s*(__version__|version)\s*[=:]\s*['\"]?\d", p.read_text("utf-8"), re.MULTILINE)
    ]
    assert assigned == ["openai_lite/_version.py"]
    assert re.search(r"^version = attr: openai_lite\._version\.__version__$", (ROOT / "setup.cfg").read_text(), re.M)
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?", VERSION)


def test_the_changelog_starts_with_this_version() -> None:
    headings = re.findall(r"^## (.*)$", (ROOT / "CHANGELOG.md").read_text("utf-8"), re.MULTILINE)
    assert headings and re.match(rf"\[?{re.escape(VERSION)}\]?\b", headings[0]), headings[:1]
