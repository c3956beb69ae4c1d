"""The lenient JSON -> dataclass mechanism of ``_models.py``.

Small dataclasses defined here exercise each rule through ``from_dict``; the rules that
matter for the generated types are also checked on real responses from the client.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Optional, Union

import pytest
from _loopback import LoopbackServer, json_reply

import openai_lite._models
from openai_lite import BaseModel
from openai_lite.types.chat import (
    ChatCompletionResponseMessage,
    CompletionUsage,
    CreateChatCompletionResponse,
    CreateChatCompletionResponseChoicesItem,
)
from openai_lite.types.embeddings import CreateEmbeddingResponse, Embedding
from openai_lite.types.models import Model

# ---------------------------------------------------------------------------
# Test types (module level, so that their string annotations resolve here), declared as the generated ones are
# ---------------------------------------------------------------------------

model = dataclass(init=False, repr=False, eq=False)


@model
class Pet(BaseModel):
    name: str
    kind: Literal["cat", "dog"]
    age: Optional[int] = None
    tags: Optional[List[str]] = None


@model
class Owner(BaseModel):
    name: str
    pets: List[Pet]
    best_friend: Optional[Pet] = None
    by_name: Optional[Dict[str, Pet]] = None
    litters: Optional[List[List[Pet]]] = None


@model
class TextPart(BaseModel):
    type: Literal["text"]
    text: str


@model
class ImagePart(BaseModel):
    type: Literal["image_url", "image"]  # a member may own several discriminator values
    url: Optional[str] = None


@model
class Message(BaseModel):
    content: Union[str, List[Union[TextPart, ImagePart]], None]
    part: Optional[Union[TextPart, ImagePart]] = None


@model
class Circle(BaseModel):
    radius: float


@model
class Rect(BaseModel):
    width: float
    height: float
    label: Optional[str] = None


@model
class Square(BaseModel):
    width: float


@model
class Drawing(BaseModel):
    shapes: List[Union[Circle, Rect]]
    main: Optional[Union[Square, Rect]] = None  # no discriminator; Rect's keys include Square's


@dataclass
class Segment(BaseModel):
    id: int
    text: str


@dataclass
class SpeakerSegment(BaseModel):
    type: Literal["segment"]
    speaker: str
    text: str


@dataclass
class Diarized(BaseModel):
    text: str
    task: Literal["transcribe"]
    segments: List[SpeakerSegment]


@dataclass
class Verbose(BaseModel):
    text: str
    language: str
    segments: Optional[List[Segment]] = None


@dataclass
class Transcript(BaseModel):
    result: Union[Diarized, Verbose]  # no discriminator; the keys tie on a whisper-style reply


@dataclass
class FunctionTool(BaseModel):
    name: str
    type: Optional[Literal["function"]] = None  # the discriminator, but optional here


@dataclass
class ServerTool(BaseModel):
    type: Literal["mcp"]
    server: str


@dataclass
class Toolbox(BaseModel):
    tools: List[Union[FunctionTool, ServerTool]]


@dataclass
@model
class Node(BaseModel):
    value: int
    children: Optional[List[Node]] = None
    parent: Optional[Node] = None


@model
class Ping(BaseModel):
    pong: Optional[Pong] = None


@model
class Pong(BaseModel):
    ping: Optional[Ping] = None


@model
class Renamed(BaseModel):
    type_: str = field(metadata={"json": "type"})
    from_: Optional[Pet] = field(default=None, metadata={"json": "from"})


@model
class WithFactory(BaseModel):
    name: str
    tags: List[str] = field(default_factory=list)


PET = {"name": "Rex", "kind": "dog", "age": 3, "tags": ["good"]}


# ---------------------------------------------------------------------------
# Unknown, missing and mistyped data never break parsing
# ---------------------------------------------------------------------------


def test_unknown_fields_are_kept_as_attributes_and_in_to_dict() -> None:
    data = {**PET, "microchip": {"id": 7}, "weird-key": 1}
    owner = Owner.from_dict({"name": "Ann", "pets": [data], "since": 2019})
    assert owner.since == 2019
    pet = owner.pets[0]
    assert isinstance(pet, Pet)
    assert pet.microchip == {"id": 7}
    assert getattr(pet, "weird-key") == 1
    assert owner.to_dict()["since"] == 2019
    assert pet.to_dict()["microchip"] == {"id": 7}


def test_missing_fields_read_none() -> None:
    pet = Pet.from_dict({})
    assert (pet.name, pet.kind, pet.age, pet.tags) == (None, None, None, None)
    assert Owner.from_dict({"name": "Ann"}).pets is None
    assert Renamed.from_dict({}).type_ is None


def test_missing_field_with_default_factory_reads_none() -> None:
    # dataclass leaves no class attribute for a default_factory field: the parser must set it.
    parsed = WithFactory.from_dict({"name": "x"})
    assert parsed.tags is None
    assert "WithFactory(" in repr(parsed)


def test_unknown_enum_string_is_kept() -> None:
    assert Pet.from_dict({"name": "Tweety", "kind": "bird"}).kind == "bird"


@pytest.mark.parametrize(
    ("data", "attribute", "expected"),
    [
        ({"name": 42}, "name", 42),
        ({"kind": 1}, "kind", 1),
        ({"age": "three"}, "age", "three"),
        ({"tags": "good"}, "tags", "good"),
        ({"tags": {"a": 1}}, "tags", {"a": 1}),
    ],
)
def test_scalar_of_wrong_json_type_is_kept(data: Dict[str, Any], attribute: str, expected: Any) -> None:
    assert getattr(Pet.from_dict(data), attribute) == expected


@pytest.mark.parametrize(
    ("data", "attribute", "expected"),
    [
        ({"pets": "none"}, "pets", "none"),  # a list field given a string
        ({"pets": {"name": "Rex"}}, "pets", {"name": "Rex"}),  # ... an object
        ({"pets": [1, "x", None, [2]]}, "pets", [1, "x", None, [2]]),  # items that are not objects
        ({"best_friend": "Rex"}, "best_friend", "Rex"),  # an object field given a string
        ({"best_friend": [PET]}, "best_friend", [PET]),  # ... a list
        ({"by_name": [PET]}, "by_name", [PET]),  # a map given a list
        ({"by_name": {"a": 3}}, "by_name", {"a": 3}),  # a map of objects given numbers
        ({"litters": [5, [6]]}, "litters", [5, [6]]),
    ],
)
def test_container_of_wrong_json_type_is_kept(data: Dict[str, Any], attribute: str, expected: Any) -> None:
    owner = Owner.from_dict({"name": "Ann", **data})
    assert getattr(owner, attribute) == expected
    assert owner.to_dict() == {"name": "Ann", **data}


@pytest.mark.parametrize(
    "value",
    ["text", 3, ["a"], {"type": "nope"}, {"type": ["text"]}, {"type": {"x": 1}}, {"url": "u"}, [{"type": []}]],
    ids=repr,
)
def test_union_value_of_any_shape_is_kept(value: Any) -> None:
    # Including discriminators of a JSON type that cannot name a member (list, object).
    message = Message.from_dict({"content": value, "part": value})
    assert message.part == value
    if isinstance(value, list):
        assert message.content == value
    assert Drawing.from_dict({"shapes": [value], "main": value}).main == value


# ---------------------------------------------------------------------------
# to_dict and nested conversion
# ---------------------------------------------------------------------------


def test_to_dict_returns_the_json_as_received() -> None:
    data = {
        "name": "Ann",
        "pets": [PET, {"name": "Tom", "kind": "cat", "age": None, "extra": [1, {"b": None}]}],
        "best_friend": None,
        "by_name": {"rex": PET},
        "litters": [[PET], []],
        "unknown": {"deep": [1.5, True, None, "s"]},
    }
    original = copy.deepcopy(data)
    owner = Owner.from_dict(data)
    assert owner.to_dict() == original
    assert json.loads(json.dumps(owner.to_dict())) == original
    assert owner.pets[1].to_dict() == original["pets"][1]
    assert data == original  # parsing did not modify its input


def test_to_dict_of_an_instance_built_in_code() -> None:
    owner = Owner(name="Ann", pets=[Pet(name="Rex", kind="dog")], by_name={"r": Pet(name="Rex", kind="dog", age=2)})
    assert owner.to_dict() == {
        "name": "Ann",
        "pets": [{"name": "Rex", "kind": "dog"}],
        "by_name": {"r": {"name": "Rex", "kind": "dog", "age": 2}},
    }
    assert Renamed(type_="t", from_=Pet(name="a", kind="cat")).to_dict() == {
        "type": "t",
        "from": {"name": "a", "kind": "cat"},
    }


def test_nested_lists_and_dicts_are_converted() -> None:
    owner = Owner.from_dict(
        {"name": "Ann", "pets": [PET], "best_friend": PET, "by_name": {"rex": PET}, "litters": [[PET, PET], [PET]]}
    )
    assert isinstance(owner.pets[0], Pet) and owner.pets[0].name == "Rex"
    assert owner.pets[0].tags == ["good"]
    assert isinstance(owner.best_friend, Pet)
    assert isinstance(owner.by_name["rex"], Pet)
    assert [[type(p) for p in litter] for litter in owner.litters] == [[Pet, Pet], [Pet]]
    assert owner.best_friend._request_id is None and owner.best_friend._headers is None


# ---------------------------------------------------------------------------
# Unions, recursion, renames
# ---------------------------------------------------------------------------


def test_discriminated_union_dispatches_on_the_discriminator() -> None:
    message = Message.from_dict(
        {
            "content": [
                {"type": "text", "text": "hi"},
                {"type": "image_url", "url": "u1"},
                {"type": "image", "url": "u2"},
                {"type": "audio", "data": "..."},  # a variant this library does not know
                {"text": "no type"},
            ],
            "part": {"type": "image", "url": "u3"},
        }
    )
    content = message.content
    assert [type(p) for p in content] == [TextPart, ImagePart, ImagePart, dict, dict]
    assert content[0].text == "hi"
    assert (content[1].url, content[2].url) == ("u1", "u2")
    assert content[3] == {"type": "audio", "data": "..."}
    assert isinstance(message.part, ImagePart) and message.part.url == "u3"
    assert Message.from_dict({"content": "plain text"}).content == "plain text"


def test_discriminator_decides_even_when_fields_fit_another_member() -> None:
    # Fields of a TextPart, but the discriminator names the image member.
    part = Message.from_dict({"content": None, "part": {"type": "image", "text": "t"}}).part
    assert isinstance(part, ImagePart)
    # ... and even when the member's required fields are missing.
    part = Message.from_dict({"content": None, "part": {"type": "text"}}).part
    assert isinstance(part, TextPart) and part.text is None


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ({"radius": 1.5}, Circle),
        ({"width": 1, "height": 2}, Rect),
        ({"width": 1, "height": 2, "label": "x", "radius": 3}, Rect),  # more keys in common than Circle
        ({"width": 1}, dict),  # no member has all its required fields: kept as received
        ({}, dict),
    ],
)
def test_union_without_discriminator_picks_the_best_fit(shape: Dict[str, Any], expected: type) -> None:
    result = Drawing.from_dict({"shapes": [shape]}).shapes[0]
    assert type(result) is expected
    if expected is dict:
        assert result == shape


@pytest.mark.parametrize(
    ("shape", "expected"),
    [({"width": 1}, Square), ({"width": 1, "height": 2}, Rect), ({"width": 1, "label": "x"}, Square)],
)
def test_best_fit_prefers_the_member_sharing_the_most_keys(shape: Dict[str, Any], expected: type) -> None:
    assert type(Drawing.from_dict({"shapes": [], "main": shape}).main) is expected


WHISPER = {"text": "hi", "language": "en", "task": "transcribe", "segments": [{"id": 0, "text": "hi"}]}


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (WHISPER, Verbose),  # ties on keys with Diarized; only Verbose's segments fit
        ({**WHISPER, "segments": [{"type": "segment", "speaker": "A", "text": "hi"}]}, Diarized),
        ({**WHISPER, "segments": []}, Diarized),  # nothing nested to tell: the first listed
        ({"text": "hi", "language": "en", "segments": [{"text": "no id"}]}, Verbose),  # odd nested: still chosen
    ],
)
def test_best_fit_looks_at_nested_objects(result: Dict[str, Any], expected: type) -> None:
    assert type(Transcript.from_dict({"result": result}).result) is expected


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        ({"name": "f"}, FunctionTool),  # no "type": only the member that does not require it
        ({"type": "function", "name": "f"}, FunctionTool),
        ({"type": "mcp", "server": "s"}, ServerTool),
        ({"server": "s"}, dict),  # no "type", and not a FunctionTool either
        ({"type": "web", "name": "f"}, dict),  # an unknown type stays a dict
    ],
)
def test_an_object_without_its_discriminator(tool: Dict[str, Any], expected: type) -> None:
    assert type(Toolbox.from_dict({"tools": [tool]}).tools[0]) is expected


def test_recursive_types() -> None:
    tree = Node.from_dict(
        {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}, {"value": 4, "parent": {"value": 1}}]}
    )
    assert isinstance(tree.children[0], Node)
    assert isinstance(tree.children[0].children[0], Node)
    assert tree.children[0].children[0].value == 3
    assert tree.children[0].children[0].children is None
    assert isinstance(tree.children[1].parent, Node) and tree.children[1].parent.value == 1

    ping = Ping.from_dict({"pong": {"ping": {"pong": {}}}})
    assert isinstance(ping.pong, Pong) and isinstance(ping.pong.ping, Ping) and isinstance(ping.pong.ping.pong, Pong)


def test_field_renamed_with_json_metadata() -> None:
    data = {"type": "special", "from": PET}
    renamed = Renamed.from_dict(data)
    assert renamed.type_ == "special"
    assert isinstance(renamed.from_, Pet) and renamed.from_.name == "Rex"
    assert renamed.to_dict() == data


# ---------------------------------------------------------------------------
# repr and equality
# ---------------------------------------------------------------------------


def test_repr_shows_the_declared_fields() -> None:
    pet = Pet.from_dict({"name": "Rex", "kind": "dog", "extra": 1})
    assert repr(pet) == "Pet(name='Rex', kind='dog', age=None, tags=None)"
    assert repr(Owner.from_dict({"name": "A", "pets": [{"name": "B", "kind": "cat"}]})).startswith(
        "Owner(name='A', pets=[Pet(name='B', kind='cat', age=None, tags=None)]"
    )


def test_equality() -> None:
    assert Pet.from_dict(dict(PET)) == Pet.from_dict(dict(PET))
    assert Pet.from_dict(dict(PET)) == Pet(name="Rex", kind="dog", age=3, tags=["good"])
    assert Pet.from_dict(dict(PET)) != Pet.from_dict({**PET, "age": 4})
    assert Pet.from_dict(dict(PET)) != PET  # not equal to its JSON
    assert Owner.from_dict({"name": "A", "pets": [PET]}) == Owner.from_dict({"name": "A", "pets": [dict(PET)]})
    with pytest.raises(TypeError):
        hash(Pet.from_dict(PET))  # mutable, so unhashable


# ---------------------------------------------------------------------------
# Real responses through the client
# ---------------------------------------------------------------------------


COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-test",
    "choices": [
        {
            "index": 0,
            "finish_reason": "a_reason_added_later",  # unknown enum value
            "message": {"role": "assistant", "content": "Hi", "refusal": None, "new_field": [1, 2]},
            "logprobs": None,
        },
        {"index": "1", "finish_reason": "stop", "message": "not an object"},  # wrong JSON types
    ],
    "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7, "surprise": True},
    "service_tier": None,
    "top_level_extra": {"a": [1]},
}


def test_response_parsing_through_the_client(server: LoopbackServer, client: Any) -> None:
    server.reply(json_reply(COMPLETION, headers={"x-request-id": "req_abc", "x-ratelimit-remaining": "99"}))
    result = client.create_chat_completion(model="gpt-test", messages=[{"role": "user", "content": "Hi"}])

    assert isinstance(result, CreateChatCompletionResponse)
    assert result.to_dict() == COMPLETION
    assert result.top_level_extra == {"a": [1]}
    assert result.system_fingerprint is None  # missing

    first, second = result.choices
    assert isinstance(first, CreateChatCompletionResponseChoicesItem)
    assert first.finish_reason == "a_reason_added_later"
    assert isinstance(first.message, ChatCompletionResponseMessage)
    assert first.message.content == "Hi"
    assert first.message.new_field == [1, 2]
    assert first.message.tool_calls is None
    assert second.index == "1"
    assert second.message == "not an object"

    assert isinstance(result.usage, CompletionUsage)
    assert result.usage.total_tokens == 7 and result.usage.surprise is True

    # The top-level result carries the response's request id and headers, nested ones do not.
    assert result._request_id == "req_abc"
    assert result._headers["x-ratelimit-remaining"] == "99"
    assert result._headers["X-Request-Id"] == "req_abc"  # case-insensitive
    assert first._request_id is None and first._headers is None
    assert "_request_id" not in result.to_dict() and "_headers" not in result.to_dict()


def test_request_id_and_headers_on_every_kind_of_result(server: LoopbackServer, client: Any) -> None:
    server.reply(
        json_reply({"id": "m", "object": "model", "created": 1, "owned_by": "o"}, headers={"x-request-id": "r1"}),
        json_reply(
            {
                "object": "list",
                "model": "emb",
                "data": [{"object": "embedding", "index": 0, "embedding": [0.5, -1]}],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            },
            headers={"x-request-id": "r2"},
        ),
        json_reply({"object": "list", "data": [], "has_more": False}, headers={"x-request-id": "r3"}),
    )
    model = client.retrieve_model("m")
    assert isinstance(model, Model) and (model._request_id, model._headers["x-request-id"]) == ("r1", "r1")
    embedding = client.create_embedding(model="emb", input="x")
    assert isinstance(embedding, CreateEmbeddingResponse) and isinstance(embedding.data[0], Embedding)
    assert embedding.data[0].embedding == [0.5, -1]
    assert embedding._request_id == "r2"
    page = client.list_models()
    assert page.result._request_id == "r3"


def test_threads_parsing_a_type_for_the_first_time_all_get_it_right(monkeypatch: pytest.MonkeyPatch) -> None:
    # The first parse of a type compiles its plan; a thread must never see a plan half made.
    # Resolving each field is slowed down so that the threads really do overlap.
    resolve = openai_lite._models._resolve

    def slow_resolve(cls: Any, field: Any) -> Any:
        time.sleep(0.005)
        return resolve(cls, field)

    monkeypatch.setattr(openai_lite._models, "_resolve", slow_resolve)

    @dataclass
    class Leaf(BaseModel):
        n: Optional[int] = None

    data = {"leaf": {"n": 1}, "leaves": [{"n": 2}]}
    fresh = dataclasses.make_dataclass(
        "Fresh", [("leaf", Optional[Leaf], None), ("leaves", Optional[List[Leaf]], None)], bases=(BaseModel,)
    )
    start = threading.Barrier(8)
    results: List[Any] = []

    def parse() -> None:
        start.wait()
        results.append(fresh.from_dict(data))

    threads = [threading.Thread(target=parse) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert all(isinstance(r.leaf, Leaf) and isinstance(r.leaves[0], Leaf) for r in results)


# ---------------------------------------------------------------------------
# JSON keys named like members, and to_dict() as the object is now
# ---------------------------------------------------------------------------

# Keys a hostile or careless server may send: methods, the client's attributes, dunders, a renamed field's name.
MEMBER_KEYS = ["to_dict", "from_dict", "_request_id", "_headers", "_shadowed", "__repr__", "__eq__", "__dict__"]


@pytest.mark.parametrize("key", MEMBER_KEYS)
def test_a_json_key_named_like_a_member_does_not_replace_it(key: str) -> None:
    data = {"name": "Rex", "kind": "dog", key: "from the server"}
    pet = Pet.from_dict(data)
    assert pet.to_dict() == data  # the method still works, and keeps the key
    assert repr(pet) == "Pet(name='Rex', kind='dog', age=None, tags=None)"
    assert pet == Pet.from_dict(dict(data))
    assert pet._request_id is None and pet._headers is None
    assert Pet.from_dict({"name": "Tom"}).name == "Tom"


def test_a_json_key_named_like_a_renamed_field_is_kept_apart() -> None:
    data = {"type": "t", "type_": "other", "from_": [1]}
    renamed = Renamed.from_dict(data)
    assert renamed.type_ == "t"
    assert renamed.from_ is None
    assert renamed.to_dict() == data


@dataclass(init=False, repr=False, eq=False)
class Annotated_(BaseModel):
    text: Optional[str] = None
    parsed: Any = field(default=None, metadata={"json": None})  # of our own making


@pytest.mark.parametrize(
    ("data", "parsed", "dumped"),
    [
        ({"text": "hi"}, None, {"text": "hi"}),
        ({"text": "hi"}, {"a": 1}, {"text": "hi"}),
        # A key the server names like the local field stays the server's, apart from the value we set.
        ({"text": "hi", "parsed": "sent"}, {"a": 1}, {"text": "hi", "parsed": "sent"}),
    ],
)
def test_a_local_field_is_neither_read_from_json_nor_dumped(data: Dict[str, Any], parsed: Any, dumped: Any) -> None:
    obj = Annotated_.from_dict(data)
    assert obj.parsed is None
    obj.parsed = parsed
    assert obj.parsed == parsed
    assert obj.to_dict() == dumped


def test_member_keys_in_a_real_response(server: LoopbackServer, client: Any) -> None:
    body = {**COMPLETION, "to_dict": 1, "_request_id": "req_forged", "_headers": {"x": "y"}}
    server.reply(json_reply(body, headers={"x-request-id": "req_real"}))
    result = client.create_chat_completion(model="gpt-test", messages=[{"role": "user", "content": "Hi"}])
    assert result._request_id == "req_real"
    assert result._headers["x-request-id"] == "req_real"
    assert result.to_dict() == body


def test_to_dict_says_what_the_object_says_now() -> None:
    data = {"name": "Ann", "pets": [PET], "since": 2019, "by_name": {"rex": PET}}
    owner = Owner.from_dict(copy.deepcopy(data))
    owner.name = "Bea"
    owner.pets[0].age = 4
    owner.pets.append(Pet(name="Tom", kind="cat"))
    owner.best_friend = Pet(name="Max", kind="dog", age=None)
    owner.since = 2020  # a field the API added
    del owner.by_name
    assert owner.to_dict() == {
        "name": "Bea",
        "pets": [{**PET, "age": 4}, {"name": "Tom", "kind": "cat"}],
        "since": 2020,
        "best_friend": {"name": "Max", "kind": "dog", "age": None},  # set to None: null; never set: left out
    }
    assert json.loads(json.dumps(owner.to_dict())) == owner.to_dict()
    renamed = Renamed.from_dict({"type": "a", "from": PET})
    renamed.type_ = "b"
    assert renamed.to_dict() == {"type": "b", "from": PET}


def test_to_dict_is_a_copy() -> None:
    data = {"name": "Ann", "pets": [PET], "extra": {"list": [1, {"deep": 2}]}}
    owner = Owner.from_dict(copy.deepcopy(data))
    dumped = owner.to_dict()
    dumped["extra"]["list"][1]["deep"] = 3
    dumped["pets"][0]["name"] = "changed"
    dumped["pets"].append(None)
    assert owner.to_dict() == data
    assert owner.extra == {"list": [1, {"deep": 2}]}


def test_to_dict_of_json_nested_as_deep_as_the_decoder_goes_from_a_deep_stack() -> None:
    text = '{"name": "Rex", "deep": ' + "[" * 900 + "]" * 900 + "}"
    pet = Pet.from_dict(json.loads(text))

    def at_depth(n: int) -> Any:
        return pet.to_dict() if n == 0 else at_depth(n - 1)

    assert json.dumps(at_depth(50), separators=(", ", ": ")) == text


def test_to_dict_of_an_object_in_itself_is_a_value_error() -> None:
    owner = Owner(name="Ann")
    owner.pets = [owner]
    with pytest.raises(ValueError, match="nested"):
        owner.to_dict()


def test_copies_and_pickles_keep_everything() -> None:
    import pickle

    owner = Owner.from_dict({"name": "Ann", "pets": [PET], "extra": 1, "to_dict": 2})
    for twin in (copy.copy(owner), copy.deepcopy(owner), pickle.loads(pickle.dumps(owner))):
        assert twin == owner
        assert twin.to_dict() == owner.to_dict()
        assert twin.best_friend is None
