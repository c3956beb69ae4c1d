"""Lazy pagination: ``list_files()`` and ``Page`` with every cursor strategy, against the loopback server."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import pytest
from _loopback import LoopbackServer, Recorded, Reply, json_reply

import openai_lite
from openai_lite import BaseModel, Page
from openai_lite.types.files import ListFilesResponse, OpenAIFile
from openai_lite.types.models import ListModelsResponse, Model


@dataclass
class Thing(BaseModel):
    id: str


@dataclass
class ThingList(BaseModel):
    data: List[Thing]
    has_more: Optional[bool] = None


def file(id: str) -> Dict[str, Any]:
    return {"id": id, "object": "file", "bytes": 1, "created_at": 1, "filename": "a.jsonl", "purpose": "batch"}


def files_page(ids: List[str], has_more: bool) -> Reply:
    return json_reply(
        {
            "object": "list",
            "data": [file(i) for i in ids],
            "first_id": ids[0] if ids else None,
            "last_id": ids[-1] if ids else None,
            "has_more": has_more,
        }
    )


def queries(server: LoopbackServer) -> List[Dict[str, List[str]]]:
    return [r.query for r in server.requests]


# ---------------------------------------------------------------------------
# list_files (cursor: after=<last_id>)
# ---------------------------------------------------------------------------


def test_list_files_walks_every_page_lazily(server: LoopbackServer, client: Any) -> None:
    server.reply(files_page(["m1", "m2"], True), files_page(["m3"], True), files_page(["m4"], False))
    page = client.list_files()
    assert isinstance(page, Page)
    assert isinstance(page.result, ListFilesResponse)
    assert len(server.requests) == 1

    # (item, number of requests made when the item was handed over)
    seen: List[Tuple[str, int]] = []
    for item in page:
        assert isinstance(item, OpenAIFile)
        seen.append((item.id, len(server.requests)))
    assert seen == [("m1", 1), ("m2", 1), ("m3", 2), ("m4", 3)]
    assert queries(server) == [{}, {"after": ["m2"]}, {"after": ["m3"]}]
    assert all(r.path == "/v1/files" for r in server.requests)


def test_list_files_iterator_fetches_nothing_ahead(server: LoopbackServer, client: Any) -> None:
    server.reply(files_page(["m1"], True), files_page(["m2"], False))
    items = iter(client.list_files())
    assert next(items).id == "m1"
    assert len(server.requests) == 1  # the second page is not fetched before it is needed
    assert next(items).id == "m2"
    assert len(server.requests) == 2
    with pytest.raises(StopIteration):
        next(items)
    assert len(server.requests) == 2


def test_page_properties(server: LoopbackServer, client: Any) -> None:
    server.reply(files_page(["m1", "m2"], True), files_page([], False))
    page = client.list_files()
    assert [m.id for m in page.data] == ["m1", "m2"]
    assert page.has_more is True
    assert repr(page) == "<Page of 2 items, has_more=True>"
    last = page.next_page()
    assert last is not None and last.data == [] and last.has_more is False


def test_next_page_and_iter_pages(server: LoopbackServer, client: Any) -> None:
    server.reply(files_page(["m1"], True), files_page(["m2"], True), files_page(["m3"], False))
    first = client.list_files()
    pages = first.iter_pages()
    assert next(pages) is first
    assert len(server.requests) == 1
    second = next(pages)
    assert [m.id for m in second.data] == ["m2"]
    assert len(server.requests) == 2
    third = second.next_page()  # next_page() works on any page; each call fetches
    assert third is not None and [m.id for m in third.data] == ["m3"]
    assert third.next_page() is None  # the last page: nothing is requested
    assert len(server.requests) == 3


def test_error_while_fetching_a_later_page(server: LoopbackServer, client: Any) -> None:
    server.reply(files_page(["m1"], True), json_reply({"error": {"message": "boom"}}, status=500))
    received = []
    with pytest.raises(openai_lite.InternalServerError):
        for item in client.list_files():
            received.append(item.id)
    assert received == ["m1"]


def test_list_files_extra_query_is_sent_on_every_page(server: LoopbackServer, client: Any) -> None:
    server.reply(files_page(["m1"], True), files_page(["m2"], False))
    assert [m.id for m in client.list_files(extra_query={"purpose": "batch"}, limit=1)] == ["m1", "m2"]
    assert queries(server) == [
        {"limit": ["1"], "purpose": ["batch"]},
        {"limit": ["1"], "after": ["m1"], "purpose": ["batch"]},
    ]


def test_list_models_is_one_page(server: LoopbackServer, client: Any) -> None:
    # The API's model list has no cursor: still a Page, iterated without a second request.
    listed = {"id": "m1", "object": "model", "created": 1, "owned_by": "o"}
    server.reply(json_reply({"object": "list", "data": [listed]}))
    page = client.list_models()
    assert isinstance(page.result, ListModelsResponse)
    assert [m.id for m in page] == ["m1"] and all(isinstance(m, Model) for m in page.data)
    assert page.has_more is False and page.next_page() is None
    assert len(server.requests) == 1


# ---------------------------------------------------------------------------
# Every cursor strategy, with Page built directly on the client's request pipeline
# ---------------------------------------------------------------------------


def make_page(client: Any, paging: Tuple[str, str], query: Optional[Dict[str, Any]] = None) -> Page[Any, Any]:
    def fetch(page_query: Dict[str, Any]) -> ThingList:
        result: ThingList = client._request("GET", "/things", cast_to=ThingList, query=page_query)
        return result

    base = dict(query or {})
    return Page(fetch(base), fetch, base, paging)


def things(*ids: str, **extra: Any) -> Dict[str, Any]:
    return {"data": [{"id": i} for i in ids], **extra}


STRATEGIES = {
    "after-last_id": (
        ("after", "last_id"),
        [things("a", "b", has_more=True, last_id="b"), things("c", has_more=False, last_id="c")],
        [{"limit": ["2"]}, {"limit": ["2"], "after": ["b"]}],
    ),
    "after-next": (
        ("after", "next"),
        [
            things("a", has_more=True, next="cur-1"),
            things("b", has_more=True, next="cur-2"),
            things("c", has_more=False, next="cur-3"),
        ],
        [{"limit": ["2"]}, {"limit": ["2"], "after": ["cur-1"]}, {"limit": ["2"], "after": ["cur-2"]}],
    ),
    "after-last-item-id": (
        ("after", "id"),
        [things("a", "b", has_more=True), things("c", has_more=False)],
        [{"limit": ["2"]}, {"limit": ["2"], "after": ["b"]}],
    ),
    "page-next_page": (
        ("page", "next_page"),
        [things("a", next_page=2), things("b", next_page=3), things("c", next_page=None)],
        [{"limit": ["2"]}, {"limit": ["2"], "page": ["2"]}, {"limit": ["2"], "page": ["3"]}],
    ),
}


@pytest.mark.parametrize(("paging", "pages", "expected_queries"), list(STRATEGIES.values()), ids=list(STRATEGIES))
def test_cursor_strategies(
    server: LoopbackServer,
    client: Any,
    paging: Tuple[str, str],
    pages: List[Dict[str, Any]],
    expected_queries: List[Dict[str, List[str]]],
) -> None:
    server.reply(*[json_reply(p) for p in pages])
    page = make_page(client, paging, {"limit": 2})
    ids = []
    for item in page:
        assert isinstance(item, Thing)
        ids.append(item.id)
        # Lazy: the page holding this item is the last one fetched.
        assert len(server.requests) == next(i for i, p in enumerate(pages, 1) if {"id": item.id} in p["data"])
    assert ids == [t["id"] for p in pages for t in p["data"]]
    assert queries(server) == expected_queries


STOPS = {
    "has_more-false-with-cursor": (("after", "last_id"), [things("a", has_more=False, last_id="a")]),
    "has_more-missing": (("after", "last_id"), [things("a", last_id="a")]),
    "has_more-not-true": (("after", "last_id"), [things("a", has_more="yes", last_id="a")]),
    "cursor-missing": (("after", "last_id"), [things("a", has_more=True)]),
    "cursor-null": (("after", "next"), [things("a", has_more=True, next=None)]),
    "cursor-empty": (("after", "next"), [things("a", has_more=True, next="")]),
    "no-last-item": (("after", "id"), [things(has_more=True)]),
    "cursor-repeats": (
        ("after", "last_id"),
        [things("a", has_more=True, last_id="a"), things("a", has_more=True, last_id="a")],
    ),
    "page-repeats": (("page", "next_page"), [things("a", next_page=2), things("b", next_page=2)]),
    "page-null": (("page", "next_page"), [things("a", next_page=None)]),
}


@pytest.mark.parametrize(("paging", "pages"), list(STOPS.values()), ids=list(STOPS))
def test_iteration_stops(
    server: LoopbackServer, client: Any, paging: Tuple[str, str], pages: List[Dict[str, Any]]
) -> None:
    server.reply(*[json_reply(p) for p in pages])
    # islice: a pager that never stops must fail the test, not hang it
    ids = [t.id for t in itertools.islice(make_page(client, paging), 20)]
    assert ids == [t["id"] for p in pages for t in p["data"]]
    assert len(server.requests) == len(pages)


@pytest.mark.parametrize("paging", [("after", "next"), ("page", "next_page")])
def test_iteration_stops_when_a_cursor_comes_back(server: LoopbackServer, client: Any, paging: Tuple[str, str]) -> None:
    # A server whose cursors cycle A -> B -> A would otherwise be paged forever.
    param, source = paging
    cycle = {None: "A", "A": "B", "B": "A"}

    @server.handler
    def pages(request: Recorded) -> Reply:
        current = request.query.get(param, [None])[0]
        return json_reply(things(f"item-{current}", has_more=True, **{source: cycle[current]}))

    ids = [t.id for t in itertools.islice(make_page(client, paging), 20)]
    assert ids == ["item-None", "item-A", "item-B"]
    assert len(server.requests) == 3
