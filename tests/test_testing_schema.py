"""Tests of openai_lite/testing/_schema.py: values from JSON schemas, in structured replies and tool arguments."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest
from _fake import USER_HELLO, assert_error, post

import openai_lite
from openai_lite.testing import FakeServer


def obj(**properties: Any) -> Dict[str, Any]:
    """A strict object schema of ``properties``."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


NODE = {
    "$defs": {
        "Node": obj(value={"type": "integer"}, next={"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}),
    },
    **obj(head={"$ref": "#/$defs/Node"}),
}

# (schema, the value the fake answers with): every case strict-valid, so each runs with strict on and off.
SCHEMA_CASES = {
    "string": (obj(name={"type": "string"}), {"name": "fake name"}),
    "integer": (obj(n={"type": "integer"}), {"n": 0}),
    "number": (obj(x={"type": "number"}), {"x": 0.5}),
    "boolean": (obj(ok={"type": "boolean"}), {"ok": False}),
    "null": (obj(nothing={"type": "null"}), {"nothing": None}),
    "enum": (obj(unit={"type": "string", "enum": ["celsius", "fahrenheit"]}), {"unit": "celsius"}),
    "enum-of-numbers": (obj(level={"enum": [3, 2, 1]}), {"level": 3}),
    "const": (obj(kind={"const": "point"}), {"kind": "point"}),
    "nullable-type": (obj(note={"type": ["string", "null"]}), {"note": "fake note"}),
    "null-first-type": (obj(note={"type": ["null", "integer"]}), {"note": 0}),
    "anyOf": (obj(v={"anyOf": [{"type": "null"}, {"type": "boolean"}, {"type": "string"}]}), {"v": False}),
    "array": (obj(tags={"type": "array", "items": {"type": "string"}}), {"tags": ["fake tags"]}),
    "array-of-objects": (
        obj(points={"type": "array", "items": obj(x={"type": "number"}, y={"type": "number"})}),
        {"points": [{"x": 0.5, "y": 0.5}]},
    ),
    "nested": (obj(outer=obj(inner=obj(deep={"type": "string"}))), {"outer": {"inner": {"deep": "fake deep"}}}),
    "formats": (
        obj(
            when={"type": "string", "format": "date-time"},
            day={"type": "string", "format": "date"},
            mail={"type": "string", "format": "email"},
            id={"type": "string", "format": "uuid"},
            ip={"type": "string", "format": "ipv4"},
        ),
        {
            "when": "2023-11-14T22:13:20Z",
            "day": "2023-11-14",
            "mail": "fake@example.com",
            "id": "00000000-0000-4000-8000-000000000000",
            "ip": "127.0.0.1",
        },
    ),
    "number-bounds": (
        obj(
            a={"type": "integer", "minimum": 5},
            b={"type": "integer", "maximum": -3},
            c={"type": "number", "exclusiveMinimum": 1},
            d={"type": "integer", "minimum": 7, "multipleOf": 5},
            e={"type": "number", "minimum": 2, "maximum": 2.5},
            f={"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 2},
        ),
        {"a": 5, "b": -3, "c": 1.5, "d": 10, "e": 2, "f": 1},
    ),
    "string-bounds": (
        obj(
            long={"type": "string", "minLength": 12},
            short={"type": "string", "maxLength": 3},
            digits={"type": "string", "pattern": "^[0-9]+$"},
        ),
        {"long": "fake longxxx", "short": "fak", "digits": "0"},
    ),
    "array-bounds": (
        obj(
            three={"type": "array", "items": {"type": "integer"}, "minItems": 3}, none={"type": "array", "maxItems": 0}
        ),
        {"three": [0, 0, 0], "none": []},
    ),
    "$defs-and-$ref": (
        {
            "$defs": {"Point": obj(x={"type": "number"})},
            **obj(a={"$ref": "#/$defs/Point"}, b={"$ref": "#/$defs/Point"}),
        },
        {"a": {"x": 0.5}, "b": {"x": 0.5}},
    ),
    "definitions": (
        {"definitions": {"Id": {"type": "string"}}, **obj(id={"$ref": "#/definitions/Id"})},
        {"id": "fake id"},
    ),
    "recursive-through-null": (NODE, {"head": {"value": 0, "next": None}}),
    "recursive-through-empty-list": (
        obj(name={"type": "string"}, children={"type": "array", "items": {"$ref": "#"}}),
        {"name": "fake name", "children": []},
    ),
    "recursive-through-another-branch": (
        {
            "$defs": {"Expr": {"anyOf": [obj(add={"$ref": "#/$defs/Expr"}), {"type": "integer"}]}},
            **obj(expr={"$ref": "#/$defs/Expr"}),
        },
        {"expr": 0},  # the object branch would recur at once: the integer one
    ),
}


def structured_chat(fake: FakeServer, schema: Any, strict: bool) -> Any:
    response_format = {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema, "strict": strict}}
    body = {"model": "gpt-4o-mini", "messages": USER_HELLO, "response_format": response_format}
    response = post(fake, "/chat/completions", body)
    assert response.status_code == 200, response.text
    return json.loads(response.json()["choices"][0]["message"]["content"])


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "not-strict"])
@pytest.mark.parametrize(("schema", "expected"), list(SCHEMA_CASES.values()), ids=list(SCHEMA_CASES))
def test_structured_chat_reply_follows_the_schema(fake: FakeServer, schema: Any, expected: Any, strict: bool) -> None:
    assert structured_chat(fake, schema, strict) == expected


def test_structured_response_follows_the_schema(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    schema, expected = SCHEMA_CASES["recursive-through-null"]
    text_format: Any = {"format": {"type": "json_schema", "name": "nodes", "schema": schema, "strict": True}}
    response = fake_client.create_response(model="gpt-4o-mini", input="List nodes", text=text_format)
    (item,) = response.output
    assert json.loads(item.content[0].text) == expected


def test_not_strict_objects_get_their_required_properties(fake: FakeServer) -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}, "c": {}},
        "required": ["b", "c"],
    }
    assert structured_chat(fake, schema, strict=False) == {"b": 0, "c": "fake c"}


def test_the_structured_reply_is_deterministic(fake: FakeServer) -> None:
    schema = SCHEMA_CASES["recursive-through-null"][0]
    with FakeServer() as other:
        assert structured_chat(fake, schema, True) == structured_chat(other, schema, True)


def test_a_schema_without_a_finite_value_is_a_400(fake: FakeServer) -> None:
    schema = obj(again={"$ref": "#"})
    body = {
        "model": "gpt-4o-mini",
        "messages": USER_HELLO,
        "response_format": {"type": "json_schema", "json_schema": {"name": "loop", "schema": schema}},
    }
    error = assert_error(post(fake, "/chat/completions", body), 400, None, None)
    assert "no finite value" in error["message"]


@pytest.mark.parametrize(
    ("ref", "message"),
    [("#/$defs/Missing", "points to nothing"), ("other.json#/x", "only references within the schema")],
)
def test_bad_refs_are_a_400(fake: FakeServer, ref: str, message: str) -> None:
    body = {
        "model": "gpt-4o-mini",
        "messages": USER_HELLO,
        "response_format": {"type": "json_schema", "json_schema": {"name": "r", "schema": obj(x={"$ref": ref})}},
    }
    assert message in assert_error(post(fake, "/chat/completions", body), 400, None, None)["message"]


# -- strict schemas are checked as the API checks them ----------------------------------------

STRICT_ERRORS = [
    (
        {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
        "In context=(), 'additionalProperties' is required to be supplied and to be false.",
    ),
    (
        {
            "type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "required": ["a"],
            "additionalProperties": False,
        },
        "In context=(), 'required' is required to be supplied and to be an array including every key in properties. "
        "Missing 'b'.",
    ),
    (
        obj(inner={"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}),
        "In context=('properties', 'inner'), 'additionalProperties' is required to be supplied and to be false.",
    ),
    (
        {"$defs": {"P": {"type": "object", "properties": {}}}, **obj(p={"$ref": "#/$defs/P"})},
        "In context=('$defs', 'P'), 'additionalProperties' is required",
    ),
    (
        obj(items={"type": "array", "items": {"type": "object", "properties": {"x": {"type": "string"}}}}),
        "In context=('properties', 'items', 'items'), 'additionalProperties' is required",
    ),
    ({"type": "array", "items": {"type": "string"}}, "schema must be a JSON Schema of 'type: \"object\"'"),
]


@pytest.mark.parametrize(("schema", "message"), STRICT_ERRORS)
def test_strict_response_format_is_checked(fake: FakeServer, schema: Any, message: str) -> None:
    response_format = {"type": "json_schema", "json_schema": {"name": "Answer", "schema": schema, "strict": True}}
    body = {"model": "gpt-4o-mini", "messages": USER_HELLO, "response_format": response_format}
    error = assert_error(post(fake, "/chat/completions", body), 400, "response_format", None)
    assert error["message"].startswith("Invalid schema for response_format 'Answer': ")
    assert message in error["message"]
    response_format["json_schema"]["strict"] = False  # not strict: anything goes
    assert post(fake, "/chat/completions", body).status_code == 200


@pytest.mark.parametrize(("schema", "message"), STRICT_ERRORS[:2])
def test_strict_text_format_is_checked(fake: FakeServer, schema: Any, message: str) -> None:
    text = {"format": {"type": "json_schema", "name": "Answer", "schema": schema, "strict": True}}
    error = assert_error(
        post(fake, "/responses", {"model": "gpt-4o-mini", "input": "hi", "text": text}), 400, "text.format.schema", None
    )
    assert message in error["message"]


@pytest.mark.parametrize(("schema", "message"), STRICT_ERRORS[:2])
def test_strict_function_parameters_are_checked(fake: FakeServer, schema: Any, message: str) -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": schema, "strict": True}}
    body = {"model": "gpt-4o-mini", "messages": USER_HELLO, "tools": [tool]}
    error = assert_error(post(fake, "/chat/completions", body), 400, "tools[0].function.parameters", None)
    assert error["message"].startswith("Invalid schema for function 'f': ")
    assert message in error["message"]
    flat = {"type": "function", "name": "f", "parameters": schema, "strict": True}
    assert_error(
        post(fake, "/responses", {"model": "gpt-4o-mini", "input": "hi", "tools": [flat]}),
        400,
        "tools[0].parameters",
        None,
    )


@pytest.mark.parametrize(("schema", "expected"), list(SCHEMA_CASES.values()), ids=list(SCHEMA_CASES))
def test_strict_tool_arguments_follow_the_parameters(
    fake_client: openai_lite.Client, schema: Any, expected: Any
) -> None:
    tool: Any = {"type": "function", "function": {"name": "f", "parameters": schema, "strict": True}}
    reply = fake_client.create_chat_completion(model="gpt-4o-mini", messages=USER_HELLO, tools=[tool])
    calls = reply.choices[0].message.tool_calls
    assert calls is not None
    assert json.loads(calls[0].function.arguments or "") == expected
    flat: Any = {"type": "function", "name": "f", "parameters": schema, "strict": True}
    response = fake_client.create_response(model="gpt-4o-mini", input="hi", tools=[flat])
    assert json.loads(response.output[0].arguments) == expected


@pytest.mark.parametrize(
    ("response_format", "param", "code"),
    [
        ({"type": "json_schema"}, "response_format.json_schema", "missing_required_parameter"),
        (
            {"type": "json_schema", "json_schema": {"schema": {}}},
            "response_format.json_schema.name",
            "missing_required_parameter",
        ),
        (
            {"type": "json_schema", "json_schema": {"name": "a", "schema": []}},
            "response_format.json_schema.schema",
            "invalid_type",
        ),
        ({"type": "xml"}, "response_format.type", "invalid_value"),
        ({}, "response_format.type", "missing_required_parameter"),
        ("json", "response_format", "invalid_type"),
    ],
)
def test_bad_response_formats(fake: FakeServer, response_format: Any, param: str, code: str) -> None:
    body = {"model": "gpt-4o-mini", "messages": USER_HELLO, "response_format": response_format}
    assert_error(post(fake, "/chat/completions", body), 400, param, code)


def test_json_object_and_text_formats(fake_client: openai_lite.Client) -> None:
    reply = fake_client.create_chat_completion(
        model="gpt-4o-mini", messages=USER_HELLO, response_format={"type": "json_object"}
    )
    assert json.loads(reply.choices[0].message.content or "") == {"reply": "You said: Hello there"}
    reply = fake_client.create_chat_completion(
        model="gpt-4o-mini", messages=USER_HELLO, response_format={"type": "text"}
    )
    assert reply.choices[0].message.content == "You said: Hello there"
    response = fake_client.create_response(model="gpt-4o-mini", input="Hi", text={"format": {"type": "json_object"}})
    assert json.loads(response.output[0].content[0].text) == {"reply": "You said: Hi"}
