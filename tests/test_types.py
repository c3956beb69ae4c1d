"""The generated types (``openai_lite.types``) tell the truth about the spec.

Nullability: a response field is typed non-Optional only when the spec says it is required *and*
cannot be null; a request field (or method argument) accepts ``None`` only when the spec says it may
be null. The spec's ways of saying "may be null" are recognised here independently of tools/codegen;
the generator only says which schema each generated class comes from.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import pathlib
import re
import sys
import typing
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # tools/ is not installed with the package: import it from the checkout
    sys.path.insert(0, str(ROOT))

import openai_lite  # noqa: E402
from tools.codegen.__main__ import Model, build, import_cycle  # noqa: E402

SPEC = json.loads((ROOT / "spec" / "openai-openapi.json").read_text("utf-8"))
SCHEMAS: Dict[str, Any] = SPEC["components"]["schemas"]


@pytest.fixture(scope="module")
def model() -> Model:
    return build(ROOT)


# ---------------------------------------------------------------------------
# Nullability, read from the spec
# ---------------------------------------------------------------------------


def deref(schema: Dict[str, Any]) -> Dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def null_forms(schema: Any, depth: int = 0) -> Set[str]:
    """How the spec says a value may be null (empty: it may not)."""
    if not isinstance(schema, dict) or depth > 30:
        return set()
    forms = set()
    if "$ref" in schema and null_forms(deref(schema), depth + 1):
        forms.add("$ref to a nullable schema")
    if schema.get("nullable") is True:
        forms.add("nullable: true")
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        forms.add('type: "null"')
    if None in (schema.get("enum") or ()):
        forms.add("null in enum")
    if "default" in schema and schema["default"] is None:
        forms.add("default: null")
    for key in ("anyOf", "oneOf"):
        if any(null_forms(member, depth + 1) for member in schema.get(key) or ()):
            forms.add(f"{key} with a nullable member")
    if any(isinstance(m, dict) and m.get("nullable") is True for m in schema.get("allOf") or ()):
        forms.add("allOf [X, {nullable: true}]")
    return forms


# Descriptions that mention null about something other than the field itself.
NULL_NOT_ABOUT_THE_FIELD = {
    "other chunks will also include a `usage` field, but with a null value",  # include_usage
    "When present, it contains a null value **except for the last chunk**",  # usage of a chunk
    "no limit on recent_threads (null)",  # ChatKit history
}


def field_null_forms(schema: Dict[str, Any], description: str) -> Set[str]:
    forms = null_forms(schema)
    text = " ".join(description.split())
    if re.search(r"\bnull\b", text, re.IGNORECASE) and not any(s in text for s in NULL_NOT_ABOUT_THE_FIELD):
        forms.add("description")
    return forms


# ---------------------------------------------------------------------------
# What the generated code says
# ---------------------------------------------------------------------------

_MODULES: Dict[str, Any] = {}


def types_module(area: str) -> Any:
    if area not in _MODULES:
        _MODULES[area] = importlib.import_module(f"openai_lite.types.{area}")
    return _MODULES[area]


def _text(annotation: Any) -> str:
    if isinstance(annotation, typing.ForwardRef):
        return annotation.__forward_arg__
    return annotation if isinstance(annotation, str) else ""


def admits_none(annotation: Any, model: Model) -> bool:
    """Whether an annotation (source text, or a typing object) accepts None."""
    text = _text(annotation)
    if not text:  # evaluated (functional TypedDicts): a typing object
        return annotation is Any or type(None) in typing.get_args(annotation)
    text = text.strip()
    if text in ("Any", "None") or text.startswith("Optional["):
        return True
    definition = model.types.defs.get(text)
    if definition is not None and definition.kind == "alias":
        alias = getattr(types_module(definition.area), text)
        return type(None) in typing.get_args(alias)
    return False


def generated_fields(cls: Any) -> Dict[str, Any]:
    """JSON key -> annotation, of a generated dataclass or TypedDict."""
    if dataclasses.is_dataclass(cls):
        return {f.metadata.get("json", f.name): f.type for f in dataclasses.fields(cls)}
    return dict(cls.__annotations__)


def classes(model: Model) -> Iterator[Tuple[str, Any, Any]]:
    """(kind, generated definition, the class as imported) for every generated class."""
    for name, definition in sorted(model.types.defs.items()):
        if definition.kind in ("dataclass", "typeddict"):
            yield definition.kind, definition, getattr(types_module(definition.area), name)


# ---------------------------------------------------------------------------
# The rule, across every generated class and method
# ---------------------------------------------------------------------------


def test_every_schema_is_covered(model: Model) -> None:
    sources = {d.source for d in model.types.defs.values()}
    with_properties = {n for n, s in SCHEMAS.items() if "properties" in s or "allOf" in s}
    assert len(SCHEMAS) == 1422
    missing = sorted(n for n in with_properties if re.sub(r"\W", "", n) not in sources and n not in sources)
    # A component whose class got another name (a Param twin) is still checked through its fields.
    assert len(missing) < 60, missing


def test_nullability_rule_on_every_field(model: Model) -> None:
    """Response fields: Optional iff missing or null is allowed. Request fields: Optional iff null is allowed."""
    wrong: List[str] = []
    counts: Dict[str, int] = {}
    for kind, definition, cls in classes(model):
        written = generated_fields(cls)
        for f in definition.fields:
            forms = field_null_forms(f.schema, f.description)
            for form in forms:
                counts[form] = counts.get(form, 0) + 1
            may_be_none = bool(forms) or (kind == "dataclass" and not f.required)
            if _text(written[f.key]) == "Any":
                continue  # an untyped value (the spec gives no type): None among the rest
            if may_be_none != admits_none(written[f.key], model):
                wrong.append(f"{definition.name}.{f.key}: {_text(written[f.key])!r}, null forms {sorted(forms)}")
    assert not wrong, f"{len(wrong)} fields break the rule:\n" + "\n".join(wrong[:40])
    # The forms the pinned spec uses on fields directly (`type: "null"` appears inside anyOf
    # members, a nullable oneOf behind a $ref: StopConfiguration).
    assert set(counts) == {
        "$ref to a nullable schema",
        "nullable: true",
        "default: null",
        "anyOf with a nullable member",
        "allOf [X, {nullable: true}]",
        "description",
    }, counts


def test_nullability_rule_on_method_arguments(model: Model) -> None:
    wrong = []
    for methods in model.methods.values():
        for method in methods:
            signature = inspect.signature(getattr(openai_lite.Client, method.name))
            py_of = dict(method.body)
            for prop in method.op.body_props:
                if prop.key not in py_of:
                    continue
                parameter = signature.parameters[py_of[prop.key]]
                may_be_none = bool(field_null_forms(prop.schema, prop.description)) or not prop.required
                if parameter.annotation != "Any" and may_be_none != admits_none(parameter.annotation, model):
                    wrong.append(f"{method.name}({parameter.name}: {parameter.annotation})")
    assert not wrong, "\n".join(wrong)


def test_the_fields_the_issue_names_are_optional() -> None:
    from openai_lite.types.assistants import RunObject, RunStepObject
    from openai_lite.types.responses import Response
    from openai_lite.types.responses_beta import BetaResponse

    for cls, name in [(Response, "error"), (BetaResponse, "error"), (RunObject, "usage"), (RunStepObject, "usage")]:
        (annotation,) = [f.type for f in dataclasses.fields(cls) if f.name == name]
        assert annotation.startswith("Optional["), (cls.__name__, name, annotation)


def test_no_alias_holds_none_at_its_top(model: Model) -> None:
    # Where a field may be null it says Optional[Alias]: an alias already holding None would
    # read `dict[str, str] | None | None` in an IDE.
    holding = sorted(
        name
        for name, d in model.types.defs.items()
        if d.kind == "alias" and type(None) in typing.get_args(getattr(types_module(d.area), name))
    )
    assert not holding


@pytest.mark.parametrize(
    ("schema", "forms"),
    [
        ({"type": "string"}, set()),
        ({"type": "string", "nullable": True}, {"nullable: true"}),
        ({"type": ["string", "null"]}, {'type: "null"'}),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, {"anyOf with a nullable member"}),
        ({"oneOf": [{"type": "string"}, {"type": "null"}]}, {"oneOf with a nullable member"}),
        ({"allOf": [{"$ref": "#/components/schemas/Metadata"}, {"nullable": True}]}, {"allOf [X, {nullable: true}]"}),
        ({"$ref": "#/components/schemas/Metadata"}, {"$ref to a nullable schema"}),
        ({"enum": ["a", None]}, {"null in enum"}),
        ({"type": "object", "default": None}, {"default: null"}),
    ],
)
def test_the_generator_sees_every_form(model: Model, schema: Dict[str, Any], forms: Set[str]) -> None:
    # Forms the pinned spec does not use (a type list, null in an enum) are recognised too.
    from tools.codegen.model import RESP, _Ctx

    assert null_forms(schema) == forms
    annotation = model.types.annotation(schema, _Ctx("Example", RESP, "shared", False))
    assert annotation.startswith("Optional[") == bool(forms), annotation
    assert "None" not in annotation


# ---------------------------------------------------------------------------
# The types modules form a tree
# ---------------------------------------------------------------------------


def committed_types_modules() -> Dict[str, str]:
    folder = ROOT / "openai_lite" / "types"
    return {f"openai_lite/types/{p.name}": p.read_text("utf-8") for p in sorted(folder.glob("*.py"))}


def test_types_modules_import_each_other_as_a_tree() -> None:
    # (Imports under TYPE_CHECKING: mypy, pyright and IDEs follow them; a cycle slows and confuses them.)
    modules = committed_types_modules()
    assert len(modules) > 40
    assert import_cycle(modules) == []


def test_a_cycle_is_found() -> None:
    files = {
        "openai_lite/types/evals.py": "if TYPE_CHECKING:\n    from .fine_tuning import EvalItem\n",
        "openai_lite/types/fine_tuning.py": "if TYPE_CHECKING:\n    from .evals import Grader\n",
        "openai_lite/types/chat.py": "if TYPE_CHECKING:\n    from .responses import Tool\n",
    }
    assert import_cycle(files) == ["evals", "fine_tuning", "evals"]
    del files["openai_lite/types/fine_tuning.py"]
    assert import_cycle(files) == []


# ---------------------------------------------------------------------------
# Members beyond fields (openai_lite/_mixins.py)
# ---------------------------------------------------------------------------


def computed_by_sdks() -> List[Tuple[str, str]]:
    """(schema, property) for every property the spec marks as computed by the SDKs."""
    found = []
    for name, schema in SCHEMAS.items():
        for member in [schema, *schema.get("allOf", [])]:
            for key, prop in (member.get("properties") or {}).items():
                alternatives = [prop, *prop.get("anyOf", []), *prop.get("oneOf", [])]
                if any("x-oaiSupportedSDKs" in a for a in alternatives):
                    found.append((name, key))
    return sorted(found)


def test_sdk_computed_properties_are_properties_not_fields() -> None:
    marked = computed_by_sdks()
    assert marked == [("BetaResponse", "output_text"), ("Response", "output_text")]
    for schema, key in marked:
        cls = openai_lite.types._lookup(schema)
        assert key not in {f.name for f in dataclasses.fields(cls)}
        assert isinstance(inspect.getattr_static(cls, key), property)


def test_a_marked_property_without_a_mixin_stops_the_generator() -> None:
    from tools.codegen.model import RESP, Spec, Types

    raw = {
        "paths": {},
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "summary": {"type": "string", "x-oaiSupportedSDKs": ["python"]},
                    },
                }
            }
        },
    }
    with pytest.raises(SystemExit, match=r"Thing\.summary is computed by the SDKs"):
        Types(Spec(raw), []).component("Thing", RESP)
    raw["components"]["schemas"]["Thing"]["properties"]["output_text"] = raw["components"]["schemas"]["Thing"][
        "properties"
    ].pop("summary")
    types = Types(Spec(raw), [])
    types.component("Thing", RESP)
    assert types.defs["Thing"].mixins == ["OutputTextMixin"]
    assert [f.key for f in types.defs["Thing"].fields] == ["id"]


def test_mixins_named_by_the_generator_exist() -> None:
    from openai_lite import _mixins
    from tools.codegen import overrides

    named = set(overrides.MIXINS.values()) | set(overrides.SDK_PROPERTIES.values())
    assert named == set(_mixins.__all__)
    assert set(overrides.MIXINS) | set(overrides.PASSED_BACK) <= set(SCHEMAS)
    assert {s for others in overrides.PASSED_BACK.values() for s in others} <= set(SCHEMAS)


# ---------------------------------------------------------------------------
# Union choice: each member's JSON comes back as that member
# ---------------------------------------------------------------------------

NONE = type(None)


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, openai_lite.BaseModel)


def response_unions() -> Dict[Tuple[Any, ...], str]:
    """Every union of two or more response classes -> where it is first written (alias, or Class.field)."""
    from openai_lite._models import _deref, _resolve, _union_members
    from openai_lite.types._index import AREA_OF

    found: Dict[Tuple[Any, ...], str] = {}

    def visit(tp: Any, where: str) -> None:
        tp = _deref(tp)
        origin = typing.get_origin(tp)
        if origin is typing.Union:
            members = tuple(m for m in _union_members(typing.get_args(tp)) if _is_model(m))
            if len(members) >= 2:
                found.setdefault(members, where)
            for arg in typing.get_args(tp):
                if not _is_model(_deref(arg)):
                    visit(arg, where)
        elif origin in (list, dict):
            for arg in typing.get_args(tp):
                visit(arg, where)

    classes = []
    for name, area in sorted(AREA_OF.items()):
        value = getattr(types_module(area), name)
        if _is_model(value):
            classes.append(value)
        else:
            visit(value, name)
    for cls in classes:
        for f in dataclasses.fields(cls):
            visit(_resolve(cls, f), f"{cls.__name__}.{f.name}")
    return found


def minimal_instance(tp: Any, depth: int = 0) -> Any:
    """The smallest JSON a type accepts: its required fields, each with its smallest value."""
    from openai_lite._models import _deref, _resolve

    tp = _deref(tp)
    if _is_model(tp):
        return {
            f.metadata.get("json", f.name): minimal_instance(_resolve(tp, f), depth + 1) if depth < 8 else None
            for f in dataclasses.fields(tp)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        return args[0]
    if origin is typing.Union:
        return None if NONE in args else minimal_instance(args[0], depth)
    if origin is list:
        return []
    if origin is dict:
        return {}
    return {str: "x", int: 0, float: 0.0, bool: False}.get(tp)


# JSON real servers send that the spec's examples do not show (the issue's whisper-1 verbose_json).
REAL_REPLIES = [
    (
        "CreateTranscriptionResponse",
        "CreateTranscriptionResponseVerboseJson",
        {
            "task": "transcribe",
            "language": "english",
            "duration": 8.47,
            "text": "The beach was a popular spot.",
            "segments": [
                {"id": 0, "seek": 0, "start": 0.0, "end": 3.3, "text": " The beach", "tokens": [50364],
                 "temperature": 0.0, "avg_logprob": -0.28, "compression_ratio": 1.2, "no_speech_prob": 0.01},
            ],
            "usage": {"type": "duration", "seconds": 9},
        },
    ),
    (
        "CreateTranscriptionResponse",
        "CreateTranscriptionResponseDiarizedJson",
        {
            "task": "transcribe",
            "duration": 3.0,
            "text": "Hi. Hello.",
            "segments": [
                {"type": "transcript.text.segment", "id": "seg_1", "start": 0.0, "end": 1.0, "text": "Hi.",
                 "speaker": "A"},
            ],
        },
    ),
    # (a nested object missing its required fields ranks the members; it does not lose the reply)
    ("CreateTranscriptionResponse", "CreateTranscriptionResponseJson", {"text": "Hi.", "usage": {"type": "tokens"}}),
    ("CreateTranslationResponse", "CreateTranslationResponseVerboseJson",
     {"language": "fr", "duration": 1.0, "text": "Salut"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def unions() -> Dict[Tuple[Any, ...], str]:
    return response_unions()


def test_union_choice(unions: Dict[Tuple[Any, ...], str]) -> None:
    """Every member's spec example and minimal instance parse as that member, except in the unions
    tools/codegen/overrides.AMBIGUOUS_UNIONS names (their docs say the JSON cannot tell them apart)."""
    from openai_lite._models import convert
    from tools.codegen.overrides import AMBIGUOUS_UNIONS

    assert len(unions) > 100
    wrong: Dict[str, Set[str]] = {}
    checked = 0
    for members, where in unions.items():
        union = typing.Union[members]  # type: ignore[valid-type]
        for member in members:
            instances = [minimal_instance(member)]
            example = SCHEMAS.get(member.__name__, {}).get("example")
            if isinstance(example, dict):
                instances.append(example)
            for instance in instances:
                checked += 1
                if type(convert(union, instance)) is not member:
                    wrong.setdefault(where, set()).add(member.__name__)
    assert checked > 1000
    undocumented = {w: sorted(m) for w, m in wrong.items() if not m <= set(AMBIGUOUS_UNIONS.get(w, ()))}
    assert not undocumented, f"members parsed as another member (document them or fix the chooser): {undocumented}"
    stale = sorted(set(AMBIGUOUS_UNIONS) - set(wrong))
    assert not stale, f"AMBIGUOUS_UNIONS entries whose members are told apart now: {stale}"


@pytest.mark.parametrize(("union", "member", "data"), REAL_REPLIES, ids=[r[1] for r in REAL_REPLIES])
def test_real_replies_choose_their_member(union: str, member: str, data: Dict[str, Any]) -> None:
    from openai_lite._models import convert

    assert type(convert(openai_lite.types._lookup(union), data)).__name__ == member


def test_ambiguous_unions_say_so_in_their_docs(model: Model) -> None:
    from tools.codegen.overrides import AMBIGUOUS_UNIONS

    for where, members in AMBIGUOUS_UNIONS.items():
        name, _, key = where.partition(".")
        definition = model.types.defs[name]
        text = next(f.description for f in definition.fields if f.key == key) if key else definition.description
        assert "The JSON cannot always tell" in text and all(f"``{m}``" in text for m in members), where
