"""Lazy iteration over every item of a paginated list operation."""

from __future__ import annotations

from typing import Any, Callable, Dict, FrozenSet, Generic, Iterator, List, Optional, Tuple, TypeVar

__all__ = ["Page"]

R = TypeVar("R")  # the operation's declared response type (one page)
T = TypeVar("T")  # the type of one item


class Page(Generic[R, T]):
    """One page of a list operation.

    ``result`` is the page as the operation declares it (``data``,
    ``has_more``, cursors ...). Iterating a ``Page`` yields every item of this
    page and of the pages after it, fetching each next page only when the
    items before it have been consumed.

    ``paging`` says how the next page is named: ``("after", "last_id")`` sends
    ``after=<result.last_id>``, ``("after", "next")`` uses ``result.next``,
    ``("after", "id")`` the ``id`` of the last item, ``("page", "next_page")``
    sends ``page=<result.next_page>``; ``("", "")`` means the list has one page.
    """

    def __init__(
        self,
        result: R,
        fetch: Callable[[Dict[str, Any]], R],
        query: Dict[str, Any],
        paging: Tuple[str, str],
        *,
        _seen: FrozenSet[str] = frozenset(),
    ) -> None:
        self.result = result
        self._fetch = fetch
        self._query = query
        self._paging = paging
        # The cursors (as sent) of the pages before this one: one coming back means the server loops.
        self._seen = _seen

    @property
    def data(self) -> List[T]:
        """The items of this page only."""
        data = getattr(self.result, "data", None)
        return data if isinstance(data, list) else []

    @property
    def has_more(self) -> bool:
        """Whether the server says more pages follow."""
        return _next_cursor(self.result, self._paging) is not None

    def next_page(self) -> Optional[Page[R, T]]:
        """Fetch the page after this one; None on the last page."""
        cursor = _next_cursor(self.result, self._paging)
        param = self._paging[0]
        seen = self._seen | {str(self._query[param])} if param in self._query else self._seen
        if cursor is None or str(cursor) in seen:
            return None  # a cursor used before would loop forever (A, B, A, B ...)
        query = dict(self._query)
        query[param] = cursor
        return Page(self._fetch(query), self._fetch, query, self._paging, _seen=seen)

    def iter_pages(self) -> Iterator[Page[R, T]]:
        """Yield this page and each following page, fetched on demand."""
        page: Optional[Page[R, T]] = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data

    def __repr__(self) -> str:
        return f"<Page of {len(self.data)} items, has_more={self.has_more}>"


def _next_cursor(result: Any, paging: Tuple[str, str]) -> Any:
    param, source = paging
    if not param:
        return None
    if param == "page":
        # Usage/cost pages: next_page is null on the last page.
        return getattr(result, source, None) or None
    # A cursor without has_more=true means the list is complete; a page that
    # says "more" but names no cursor must not restart at page one forever.
    if getattr(result, "has_more", None) is not True:
        return None
    if source == "id":
        data = getattr(result, "data", None)
        last = data[-1] if isinstance(data, list) and data else None
        return getattr(last, "id", None) if not isinstance(last, dict) else last.get("id")
    return getattr(result, source, None) or None
