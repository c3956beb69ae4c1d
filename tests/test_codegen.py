"""tools/codegen: the committed API matches the generator, output is deterministic, names follow the rules."""

from __future__ import annotations

import ast
import json
import os
import pathlib
import re
import subprocess
import sys
from typing import Dict, List

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # tools/ is not installed with the package: import it from the checkout
    sys.path.insert(0, str(ROOT))

import openai_lite  # noqa: E402
from openai_lite._base_client import BaseClient  # noqa: E402
from tools.codegen import overrides  # noqa: E402
from tools.codegen.__main__ import GENERATED_MARK, generate  # noqa: E402
from tools.codegen.naming import identifier, method_name, param_name, snake  # noqa: E402

SPEC = json.loads((ROOT / "spec" / "openai-openapi.json").read_text("utf-8"))
_PINNED = re.search(r"\| commit \| `([0-9a-f]{40})`", (ROOT / "spec" / "SOURCE.md").read_text("utf-8"))
SPEC_COMMIT = _PINNED.group(1) if _PINNED else "(no commit in spec/SOURCE.md)"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
OPERATION_IDS = [op["operationId"] for item in SPEC["paths"].values() for m, op in item.items() if m in HTTP_METHODS]
REGENERATE = "run `python -m tools.codegen` and commit the result"


@pytest.fixture(scope="module")
def generated() -> Dict[str, str]:
    """Every generated file (path relative to the repo root -> content), from this checkout's spec."""
    return generate(ROOT)


def committed_generated_files() -> Dict[str, str]:
    """The files in the tree that say they are generated (Python modules by their header, plus API.md)."""
    files = {}
    for path in sorted((ROOT / "openai_lite").rglob("*.py")):
        text = path.read_text("utf-8")
        if text.startswith(GENERATED_MARK):
            files[path.relative_to(ROOT).as_posix()] = text
    api_md = ROOT / "API.md"
    if api_md.exists():
        files["API.md"] = api_md.read_text("utf-8")
    return files


def run_codegen(*args: str, seed: str = "0", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONHASHSEED"] = seed
    return subprocess.run(
        [sys.executable, "-m", "tools.codegen", *args],
        cwd=str(ROOT),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def read_tree(folder: pathlib.Path) -> Dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text("utf-8") for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------
# Drift and determinism
# ---------------------------------------------------------------------------


def test_committed_files_match_the_generator(generated: Dict[str, str]) -> None:
    committed = committed_generated_files()
    differ = sorted(rel for rel in generated.keys() & committed.keys() if generated[rel] != committed[rel])
    missing = sorted(generated.keys() - committed.keys())  # the generator makes it; the tree lacks it
    extra = sorted(committed.keys() - generated.keys())  # marked generated, but the generator no longer makes it
    problems = [f"differs: {rel}" for rel in differ] + [f"missing: {rel}" for rel in missing]
    problems += [f"stale (no longer generated): {rel}" for rel in extra]
    assert not problems, f"generated files are out of date; {REGENERATE}:\n  " + "\n  ".join(problems)


def test_generated_file_set(generated: Dict[str, str]) -> None:
    # Every file lands in one of the three places the README documents.
    assert all(re.fullmatch(r"openai_lite/(_api|types)/\w+\.py|API\.md", rel) for rel in generated), sorted(generated)
    assert "openai_lite/_api/__init__.py" in generated
    assert "openai_lite/types/_index.py" in generated
    # types/__init__.py is hand-written (the lazy lookup): the generator must not own it.
    assert "openai_lite/types/__init__.py" not in generated


def test_generation_is_deterministic_in_process(generated: Dict[str, str]) -> None:
    assert generate(ROOT) == generated


@pytest.mark.parametrize("seed", ["1", "4242"])
def test_cli_output_is_identical_under_any_hash_seed(
    generated: Dict[str, str], tmp_path: pathlib.Path, seed: str
) -> None:
    # A set or dict iterated in hash order would show up as a diff between seeds.
    done = run_codegen("--out", str(tmp_path), seed=seed)
    assert done.returncode == 0, done.stderr
    assert f"wrote {len(generated)} files" in done.stdout
    written = read_tree(tmp_path)
    assert sorted(written) == sorted(generated)
    different = [rel for rel in generated if written[rel] != generated[rel]]
    assert not different, f"PYTHONHASHSEED={seed} changed: {different}"


def test_cli_writes_unix_newlines_and_utf8(tmp_path: pathlib.Path) -> None:
    done = run_codegen("--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            assert b"\r\n" not in data, path
            data.decode("utf-8")
            assert data.endswith(b"\n"), path


def test_cli_help() -> None:
    done = run_codegen("--help", timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--out" in done.stdout and "python -m tools.codegen" in done.stdout


def test_cli_rejects_an_unknown_option() -> None:
    done = run_codegen("--no-such-option", timeout=60)
    assert done.returncode == 2
    assert "unrecognized arguments" in done.stderr


# ---------------------------------------------------------------------------
# What generated modules look like
# ---------------------------------------------------------------------------

GENERATED_MODULES = sorted(rel for rel in committed_generated_files() if rel.endswith(".py"))


@pytest.mark.parametrize("rel", GENERATED_MODULES)
def test_generated_module_has_header_and_docstring(generated: Dict[str, str], rel: str) -> None:
    text = generated.get(rel, "")
    lines = text.split("\n")
    # The header names the spec and the pinned commit it came from (spec/SOURCE.md).
    source = f"spec/openai-openapi.json (openai/openai-openapi@{SPEC_COMMIT[:12]})"
    assert lines[0] == f"{GENERATED_MARK} from {source}.", rel
    assert lines[1] == "# Do not edit: change the generator and rerun it.", rel
    module = ast.parse(text, filename=rel)
    docstring = ast.get_docstring(module)
    assert docstring and docstring.strip(), f"{rel} has no module docstring"


def test_api_md_names_the_spec_and_every_method(generated: Dict[str, str]) -> None:
    text = generated["API.md"]
    assert f"openai/openai-openapi@{SPEC_COMMIT[:12]}" in text
    assert f"({len(OPERATION_IDS)} in the pinned spec)" in text
    listed = set(re.findall(r"^\| `(\w+)` \|", text, re.M))
    methods = {n for n in dir(openai_lite.Client) if not n.startswith("_")}
    assert listed <= methods
    # every operation, the 11 streaming twins, and the parse twins of two operations and their streams
    assert len(listed) == len(OPERATION_IDS) + 11 + 4
    parse_twins = {rule.name + suffix for rule in overrides.PARSE_TWINS.values() for suffix in ("", "_stream")}
    assert parse_twins == {
        "parse_chat_completion",
        "parse_chat_completion_stream",
        "parse_response",
        "parse_response_stream",
    }
    assert parse_twins <= listed


# ---------------------------------------------------------------------------
# Naming
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation_id", "expected"),
    [
        # The rule: snake_case of camelCase, PascalCase and kebab-case.
        ("createChatCompletion", "create_chat_completion"),
        ("listModels", "list_models"),
        ("CreateContainerFile", "create_container_file"),
        ("RetrieveContainerFileContent", "retrieve_container_file_content"),
        ("ListVideos", "list_videos"),
        ("create-realtime-call", "create_realtime_call"),
        ("list-audit-logs", "list_audit_logs"),
        ("admin-api-keys-list", "admin_api_keys_list"),
        ("usage-costs", "usage_costs"),
        ("beta_createResponse", "beta_create_response"),
        ("beta_listInputItems", "beta_list_input_items"),
        ("getThread", "get_thread"),
        # The override table: words run together, a typo, and ChatKit names that would collide.
        ("Createcontentprovenancecheck", "create_content_provenance_check"),
        ("CreateanAPIkeyforaserviceaccount", "create_service_account_api_key"),
        ("submitToolOuputsToRun", "submit_tool_outputs_to_run"),
        ("Getinputtokencounts", "get_input_token_counts"),
        ("beta_Getinputtokencounts", "beta_get_input_token_counts"),
        ("Compactconversation", "compact_conversation"),
        ("Getorganizationspendlimit", "get_organization_spend_limit"),
        ("Deleteprojectspendlimit", "delete_project_spend_limit"),
        ("GetThreadMethod", "get_chatkit_thread"),
        ("ListThreadItemsMethod", "list_chatkit_thread_items"),
    ],
)
def test_method_name_of_operation(operation_id: str, expected: str) -> None:
    assert operation_id in OPERATION_IDS, f"{operation_id} is not in the spec any more"
    assert method_name(operation_id) == expected
    assert callable(getattr(openai_lite.Client, expected, None)), f"Client has no {expected}()"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("createChatCompletion", "create_chat_completion"),
        ("list-audit-logs", "list_audit_logs"),
        ("APIKey", "api_key"),
        ("getAPIKeys", "get_api_keys"),
        ("v2Thing", "v2_thing"),
        ("already_snake", "already_snake"),
        ("__odd--name__", "odd_name"),
    ],
)
def test_snake(name: str, expected: str) -> None:
    assert snake(name) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("model", "model"),
        ("from", "from_"),  # a keyword
        ("self-harm/intent", "self_harm_intent"),
        ("1024x1024", "_1024x1024"),
        ("to_dict", "to_dict_"),  # would shadow BaseModel.to_dict
    ],
)
def test_identifier(key: str, expected: str) -> None:
    assert identifier(key) == expected
    assert expected.isidentifier()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("after", "after"),
        ("include[]", "include"),  # array query parameters
        ("timeout", "timeout_"),  # the per-call options every method has
        ("extra_body", "extra_body_"),
        ("self", "self_"),
    ],
)
def test_param_name(name: str, expected: str) -> None:
    assert param_name(name) == expected


def test_method_name_overrides_change_the_rule() -> None:
    redundant = sorted(k for k, v in overrides.METHOD_NAMES.items() if snake(k) == v)
    assert not redundant, f"overrides equal to the general rule: {redundant}"


OPERATION_TABLES = [
    "METHOD_NAMES",
    "STREAM_EVENTS",
    "ADMIN_BY_DESCRIPTION",
    "BINARY_RESPONSES",
    "FINAL_EVENTS",
    "DONE_MARKER",
    "WIRE_DEFAULTS",
    "PARSE_TWINS",
]


@pytest.mark.parametrize("table", OPERATION_TABLES)
def test_operation_override_tables_name_operations_of_the_spec(table: str) -> None:
    stale = sorted(k for k in getattr(overrides, table) if k not in OPERATION_IDS)
    assert not stale, f"overrides.{table} names operations the spec no longer has: {stale}"


def test_area_and_schema_override_tables_are_live(generated: Dict[str, str]) -> None:
    areas = {rel.split("/")[-1][: -len(".py")] for rel in generated if rel.startswith("openai_lite/types/")}
    assert set(overrides.AREA_TITLES) <= areas | {"shared"}
    assert set(overrides.BETA_HEADERS) <= set(overrides.AREAS.values())
    assert set(overrides.OWNERS) <= areas | {"shared"}
    schemas = SPEC["components"]["schemas"]
    assert set(overrides.STREAM_EVENTS.values()) <= set(schemas)
    unused = [prefix for prefix, _ in overrides.ORPHAN_AREAS if not any(n.startswith(prefix) for n in schemas)]
    assert not unused, f"orphan-area prefixes no schema has: {unused}"


def test_method_names_are_unique_snake_case_and_free() -> None:
    names: Dict[str, List[str]] = {}
    for operation_id in OPERATION_IDS:
        names.setdefault(method_name(operation_id), []).append(operation_id)
    shared = {name: ids for name, ids in names.items() if len(ids) > 1}
    assert not shared, f"operations sharing a method name: {shared}"
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name) for name in names), sorted(names)
    # No method may collide with the client's own attributes and helpers, nor with a _stream twin.
    reserved = {n for n in dir(BaseClient) if not n.startswith("__")}
    reserved |= {
        n for n in dir(openai_lite.Client)
        if not n.startswith("__")
        and not str(getattr(getattr(openai_lite.Client, n), "__module__", "")).startswith("openai_lite._api.")
    }  # fmt: skip
    assert not names.keys() & reserved
    assert not {n for n in names if n.endswith("_stream") or n.startswith("parse_")}  # (the twins' names)


# ---------------------------------------------------------------------------
# The official SDK's names (API.md's porting column, _api/_official.py)
# ---------------------------------------------------------------------------


def python_example_calls(operation: Dict[str, object]) -> List[str]:
    """The SDK calls the spec's Python examples of an operation make, in order."""
    examples = (operation.get("x-oaiMeta") or {}).get("examples")  # type: ignore[attr-defined]
    calls: List[str] = []
    for example in examples if isinstance(examples, list) else [examples]:
        code = ((example or {}).get("request") or {}).get("python") or ""
        calls += re.findall(r"\b(?:client|openai)\.((?:\w+\.)+\w+)\(", code)
    return calls


OPERATIONS_BY_ID = {
    op["operationId"]: op for item in SPEC["paths"].values() for m, op in item.items() if m in HTTP_METHODS
}


def official_names(generated: Dict[str, str]) -> Dict[str, str]:
    namespace: Dict[str, Dict[str, str]] = {}
    exec(generated["openai_lite/_api/_official.py"], namespace)  # (our own generated table)
    return namespace["OFFICIAL_NAMES"]


def test_every_operation_has_its_official_name(generated: Dict[str, str]) -> None:
    names = official_names(generated)
    by_method = {method: official for official, method in names.items()}
    beta_twins = {i for i in OPERATION_IDS if i.startswith("beta_")}
    without = sorted(i for i in OPERATION_IDS if method_name(i) not in by_method and i not in beta_twins)
    # (the one operation the official SDK has no method for)
    assert without == ["create-realtime-translation-client-secret"]
    parse_twins = {twin for rule in overrides.PARSE_TWINS.values() for twin in (rule.official, rule.stream_official)}
    assert len(names) == len(OPERATION_IDS) - len(beta_twins) - 1 + len(parse_twins) == 284
    for official, method in names.items():
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", official), official
        assert callable(getattr(openai_lite.Client, method)), method


def test_official_names_are_unique(generated: Dict[str, str]) -> None:
    # A dict could not hold a duplicate: count the API.md column, which lists every method.
    column = re.findall(r"^\| `\w+` \| `([\w.]+)` \|", generated["API.md"], re.M)
    assert len(column) == len(set(column)) == 284


def test_official_names_follow_the_spec_examples(generated: Dict[str, str]) -> None:
    names = {method: official for official, method in official_names(generated).items()}
    checked = 0
    for operation_id, operation in OPERATIONS_BY_ID.items():
        calls = python_example_calls(operation)
        if calls and operation_id not in overrides.OFFICIAL_NAMES and not operation_id.startswith("beta_"):
            expected = re.sub(r"with_(streaming|raw)_response\.", "", calls[-1])
            assert names[method_name(operation_id)] == expected, operation_id
            checked += 1
    assert checked > 100


def test_official_name_table_is_live() -> None:
    stale = sorted(k for k in overrides.OFFICIAL_NAMES if k not in OPERATION_IDS)
    assert not stale
    # An entry for an operation whose example names its call must correct that example.
    redundant = sorted(
        k
        for k, v in overrides.OFFICIAL_NAMES.items()
        if python_example_calls(OPERATIONS_BY_ID[k]) and python_example_calls(OPERATIONS_BY_ID[k])[-1] == v
    )
    assert not redundant


def test_api_md_has_contents_in_order_of_use(generated: Dict[str, str]) -> None:
    text = generated["API.md"]
    contents = re.findall(r"^- \[([^\]]+)\]\(#([\w-]+)\)", text, re.M)
    headings = re.findall(r"^## (.+)$", text, re.M)[1:]  # (after "Contents")
    assert [title for title, _ in contents] == headings
    assert headings[:4] == ["Chat completions", "Responses", "Embeddings", "Files"]
    assert headings[-1].startswith("Administration")
    assert set(overrides.AREA_ORDER) == {
        m.split("/")[-1][:-3]
        for m in generated
        if m.startswith("openai_lite/_api/") and not m.split("/")[-1].startswith("_")
    }


# ---------------------------------------------------------------------------
# The parse twins (overrides.PARSE_TWINS): the twinned method's arguments, docs and refusal
# ---------------------------------------------------------------------------

PARSE_TWINS = [
    (rule.name + suffix, method_name(operation_id) + suffix, rule)
    for operation_id, rule in sorted(overrides.PARSE_TWINS.items())
    for suffix in ("", "_stream")
]


def args_section(method: object) -> Dict[str, str]:
    """The ``Args:`` section of a method's docstring: argument -> its (joined) line."""
    section = (getattr(method, "__doc__", None) or "").split("\n        Args:\n", 1)[1]
    found: Dict[str, str] = {}
    for line in section.splitlines():
        match = re.match(r" {12}(\w+): (.*)", line)
        if match:
            found[match.group(1)] = match.group(2)
        elif line.startswith(" " * 16):
            found[list(found)[-1]] += " " + line.strip()
    return found


@pytest.mark.parametrize(("twin", "base", "rule"), PARSE_TWINS)
def test_a_parse_twin_has_the_arguments_of_its_method(twin: str, base: str, rule: overrides.ParseTwin) -> None:
    import inspect

    ours = inspect.signature(getattr(openai_lite.Client, twin)).parameters
    theirs = inspect.signature(getattr(openai_lite.Client, base)).parameters
    if rule.format_of:  # a new argument, right after the field it sets
        names = list(theirs)
        names.insert(names.index(rule.format_of.split(".")[0]) + 1, rule.format_arg)
        assert list(ours) == names
    else:
        assert list(ours) == list(theirs)
    for name, param in ours.items():
        if name != rule.format_arg:
            assert (param.kind, param.default, param.annotation) == (
                theirs[name].kind,
                theirs[name].default,
                theirs[name].annotation,
            ), name
    annotation = ours[rule.format_arg].annotation
    assert annotation.startswith("Optional[Union[Type[T], ") and ours[rule.format_arg].default is None
    if not rule.format_of:  # the generated union, widened
        assert annotation.replace("Type[T], ", "") == theirs[rule.format_arg].annotation
    result = rule.stream_result if twin.endswith("_stream") else rule.result
    assert inspect.signature(getattr(openai_lite.Client, twin)).return_annotation == f"{result}[T]"


@pytest.mark.parametrize(("twin", "base", "rule"), PARSE_TWINS)
def test_a_parse_twin_has_the_docs_of_its_method(twin: str, base: str, rule: overrides.ParseTwin) -> None:
    ours, theirs = args_section(getattr(openai_lite.Client, twin)), args_section(getattr(openai_lite.Client, base))
    changed = {rule.format_arg, "stream"}
    assert {k: v for k, v in ours.items() if k not in changed} == {k: v for k, v in theirs.items() if k not in changed}
    assert ours[rule.format_arg].startswith("A dataclass or TypedDict")
    assert ("stream" in ours) == ("stream" in theirs) == (not twin.endswith("_stream"))
    if "stream" in ours:
        assert ours["stream"] == f"Only ``False``: to stream, call ``{twin}_stream``."


@pytest.mark.parametrize(("twin", "base", "rule"), PARSE_TWINS)
def test_a_parse_twin_calls_its_function_with_every_argument(
    generated: Dict[str, str], twin: str, base: str, rule: overrides.ParseTwin
) -> None:
    import inspect

    from openai_lite import _structured

    (module,) = [text for text in generated.values() if f"    def {twin}(\n" in text]
    tree = ast.parse(module)
    (function,) = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == twin]
    (call,) = [
        n
        for n in ast.walk(function)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == twin
    ]
    assert isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
    assert call.func.value.id == "_structured"
    assert [getattr(a, "id", None) for a in call.args] == ["self"]
    parameters = [p for p in inspect.signature(getattr(openai_lite.Client, twin)).parameters if p != "self"]
    passed = [(k.arg, getattr(k.value, "id", None)) for k in call.keywords]
    assert passed == [(p, p) for p in parameters if p != "stream"]  # (stream: only False, refused otherwise)
    assert callable(getattr(_structured, twin))
