"""Vector stores, their files and file batches, and a word-overlap search over the files' text.

A vector-store file is ``in_progress`` when added and ``completed`` on its next retrieve (or
``failed``, ``unsupported_file``, when its content is not UTF-8 text); a file batch completes on
its next retrieve with all its files. The vector store's ``file_counts`` and ``status`` follow its
files. Retrieves of files and file batches carry ``openai-poll-after-ms``, as the API's do.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ._common import (
    CREATED,
    Area,
    Job,
    Reply,
    Request,
    deleted,
    field,
    invalid_type,
    json_object,
    json_reply,
    list_page,
    lookup,
    missing,
    route,
)

if TYPE_CHECKING:
    from ._server import FakeServer

_STATUSES = ("in_progress", "completed", "failed", "cancelled")
_WORD = re.compile(r"\w+")


class _Store:
    """A vector store: its object, and its files (by file id) as jobs."""

    def __init__(self, obj: Dict[str, Any]) -> None:
        self.obj = obj
        self.files: Dict[str, Job] = {}
        self.batches: Dict[str, Job] = {}
        self.batch_files: Dict[str, List[str]] = {}  # batch id -> its file ids


class VectorStores(Area):
    def __init__(self, fake: FakeServer) -> None:
        super().__init__(fake)
        self._stores: Dict[str, _Store] = {}

    # -- vector stores --------------------------------------------------------------

    @route("POST", r"/vector_stores")
    def create_vector_store(self, request: Request) -> Reply:
        body = json_object(request) if request.body else {}
        file_ids = _ids(body, "file_ids")
        expires_after = field(body, "expires_after", dict, "an object")
        obj = {
            "id": self.fake._next_id("vs_fake_"),
            "object": "vector_store",
            "created_at": CREATED,
            "name": field(body, "name", str, "a string", default=""),
            "description": field(body, "description", str, "a string"),
            "usage_bytes": 0,
            "file_counts": {},
            "status": "completed",
            "expires_after": expires_after,
            "expires_at": CREATED + 86400 * expires_after.get("days", 1) if expires_after else None,
            "last_active_at": CREATED,
            "metadata": field(body, "metadata", dict, "an object", default={}),
        }
        store = _Store(obj)
        for index, file_id in enumerate(file_ids):
            self._add_file(store, file_id, None, f"file_ids[{index}]")
        self._stores[obj["id"]] = store
        return json_reply(self._refresh(store))

    def _find(self, store_id: str) -> _Store:
        return lookup(self._stores, store_id, f"No vector store found with id '{store_id}'.")

    def _refresh(self, store: _Store) -> Dict[str, Any]:
        """The vector store object, its counts and status following its files."""
        statuses = [job.obj["status"] for job in store.files.values()]
        counts = {status: statuses.count(status) for status in _STATUSES}
        store.obj.update(
            file_counts={**counts, "total": len(statuses)},
            status="in_progress" if counts["in_progress"] else "completed",
            usage_bytes=sum(job.obj["usage_bytes"] for job in store.files.values()),
        )
        return store.obj

    @route("GET", r"/vector_stores")
    def list_vector_stores(self, request: Request) -> Reply:
        return list_page([self._refresh(store) for store in self._stores.values()], request.query)

    @route("GET", r"/vector_stores/([^/]+)")
    def get_vector_store(self, request: Request, store_id: str) -> Reply:
        store = self._find(store_id)
        for job in store.files.values():  # a client polling the store sees its files progress
            job.advance()
        return json_reply(self._refresh(store))

    @route("POST", r"/vector_stores/([^/]+)")
    def modify_vector_store(self, request: Request, store_id: str) -> Reply:
        store = self._find(store_id)
        body = json_object(request)
        for key, kind, expected in (("name", str, "a string"), ("metadata", dict, "an object")):
            if body.get(key) is not None:
                store.obj[key] = field(body, key, kind, expected)
        if body.get("expires_after") is not None:
            expires_after = field(body, "expires_after", dict, "an object")
            store.obj.update(expires_after=expires_after, expires_at=CREATED + 86400 * expires_after.get("days", 1))
        return json_reply(self._refresh(store))

    @route("DELETE", r"/vector_stores/([^/]+)")
    def delete_vector_store(self, request: Request, store_id: str) -> Reply:
        self._find(store_id)
        del self._stores[store_id]
        return deleted(store_id, "vector_store.deleted")

    @route("POST", r"/vector_stores/([^/]+)/search")
    def search_vector_store(self, request: Request, store_id: str) -> Reply:
        store = self._find(store_id)
        body = json_object(request)
        query = field(body, "query", (str, list), "a string or an array", required=True)
        queries = [query] if isinstance(query, str) else query
        if not queries or not all(isinstance(q, str) for q in queries):
            raise invalid_type("query", "a string or an array of strings", query)
        top = field(body, "max_num_results", int, "an integer", default=10)
        words = {w.lower() for q in queries for w in _WORD.findall(q)}
        results = []
        for file_id, job in store.files.items():
            if job.obj["status"] != "completed":
                continue
            file, content = self.fake._files.find(file_id)
            # Chunks are paragraphs; a chunk scores the share of the query's words it has.
            for chunk in re.split(r"\n\s*\n", content.decode("utf-8")):
                found = {w.lower() for w in _WORD.findall(chunk)} & words
                if found and chunk.strip():
                    results.append(
                        {
                            "file_id": file_id,
                            "filename": file["filename"],
                            "score": round(len(found) / len(words), 4),
                            "attributes": job.obj["attributes"],
                            "content": [{"type": "text", "text": chunk.strip()}],
                        }
                    )
        results.sort(key=lambda r: -r["score"])  # stable: ties keep the files' order
        return json_reply(
            {
                "object": "vector_store.search_results.page",
                "search_query": queries,
                "data": results[:top],
                "has_more": False,
                "next_page": None,
            }
        )

    # -- files -------------------------------------------------------------------------

    def _add_file(self, store: _Store, file_id: str, attributes: Optional[Dict[str, Any]], param: str) -> Job:
        _, content = self.fake._files.find(file_id, param=param)
        obj: Dict[str, Any] = {
            "id": file_id,
            "object": "vector_store.file",
            "usage_bytes": 0,
            "created_at": CREATED,
            "vector_store_id": store.obj["id"],
            "status": "in_progress",
            "last_error": None,
            "chunking_strategy": {
                "type": "static",
                "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
            },
            "attributes": attributes or {},
        }

        def process() -> None:
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                message = "The file is not text (it is not valid UTF-8)."
                obj.update(status="failed", last_error={"code": "unsupported_file", "message": message})
                return
            obj.update(status="completed", usage_bytes=len(content))

        job = store.files[file_id] = self.job(obj, [process])
        return job

    def _file(self, store: _Store, file_id: str) -> Job:
        return lookup(store.files, file_id, f"No file found with id '{file_id}' in vector store '{store.obj['id']}'.")

    @route("POST", r"/vector_stores/([^/]+)/files")
    def create_vector_store_file(self, request: Request, store_id: str) -> Reply:
        store = self._find(store_id)
        body = json_object(request)
        file_id = field(body, "file_id", str, "a string", required=True)
        attributes = field(body, "attributes", dict, "an object")
        return json_reply(self._add_file(store, file_id, attributes, "file_id").obj)

    @route("GET", r"/vector_stores/([^/]+)/files")
    def list_vector_store_files(self, request: Request, store_id: str) -> Reply:
        return list_page(_filtered(self._find(store_id).files.values(), request.query), request.query)

    @route("GET", r"/vector_stores/([^/]+)/files/([^/]+)")
    def get_vector_store_file(self, request: Request, store_id: str, file_id: str) -> Reply:
        return self.polled(self._file(self._find(store_id), file_id).advance())

    @route("POST", r"/vector_stores/([^/]+)/files/([^/]+)")
    def update_vector_store_file_attributes(self, request: Request, store_id: str, file_id: str) -> Reply:
        job = self._file(self._find(store_id), file_id)
        job.obj["attributes"] = field(json_object(request), "attributes", dict, "an object", required=True)
        return json_reply(job.obj)

    @route("DELETE", r"/vector_stores/([^/]+)/files/([^/]+)")
    def delete_vector_store_file(self, request: Request, store_id: str, file_id: str) -> Reply:
        store = self._find(store_id)
        self._file(store, file_id)
        del store.files[file_id]
        return deleted(file_id, "vector_store.file.deleted")

    @route("GET", r"/vector_stores/([^/]+)/files/([^/]+)/content")
    def retrieve_vector_store_file_content(self, request: Request, store_id: str, file_id: str) -> Reply:
        self._file(self._find(store_id), file_id)
        text = self.fake._files.find(file_id)[1].decode("utf-8", "replace")
        return json_reply(
            {
                "object": "vector_store.file_content.page",
                "data": [{"type": "text", "text": text}],
                "has_more": False,
                "next_page": None,
            }
        )

    # -- file batches ----------------------------------------------------------------

    @route("POST", r"/vector_stores/([^/]+)/file_batches")
    def create_vector_store_file_batch(self, request: Request, store_id: str) -> Reply:
        store = self._find(store_id)
        body = json_object(request)
        attributes = field(body, "attributes", dict, "an object")
        entries = []
        if body.get("files") is not None:
            for index, entry in enumerate(field(body, "files", list, "an array")):
                if not isinstance(entry, dict):
                    raise invalid_type(f"files[{index}]", "an object", entry)
                file_id = field(entry, "file_id", str, "a string", required=True, name=f"files[{index}].file_id")
                entries.append((file_id, entry.get("attributes", attributes), f"files[{index}].file_id"))
        else:
            entries = [(file_id, attributes, f"file_ids[{i}]") for i, file_id in enumerate(_ids(body, "file_ids"))]
        if not entries:
            raise missing("file_ids")
        batch_id = self.fake._next_id("vsfb_fake_")
        jobs = [self._add_file(store, file_id, given, param) for file_id, given, param in entries]
        obj: Dict[str, Any] = {
            "id": batch_id,
            "object": "vector_store.files_batch",
            "created_at": CREATED,
            "vector_store_id": store_id,
            "status": "in_progress",
            "file_counts": {},
        }

        def count() -> None:
            statuses = [job.obj["status"] for job in jobs]
            obj["file_counts"] = {**{s: statuses.count(s) for s in _STATUSES}, "total": len(jobs)}

        def complete() -> None:
            for job in jobs:
                job.finish()
            count()
            obj["status"] = "completed"

        count()
        store.batch_files[batch_id] = [file_id for file_id, _, _ in entries]
        store.batches[batch_id] = self.job(obj, [complete])
        return json_reply(obj)

    def _batch(self, store: _Store, batch_id: str) -> Job:
        return lookup(store.batches, batch_id, f"No file batch found with id '{batch_id}'.")

    @route("GET", r"/vector_stores/([^/]+)/file_batches/([^/]+)")
    def get_vector_store_file_batch(self, request: Request, store_id: str, batch_id: str) -> Reply:
        return self.polled(self._batch(self._find(store_id), batch_id).advance())

    @route("POST", r"/vector_stores/([^/]+)/file_batches/([^/]+)/cancel")
    def cancel_vector_store_file_batch(self, request: Request, store_id: str, batch_id: str) -> Reply:
        store = self._find(store_id)
        job = self._batch(store, batch_id)
        if job.obj["status"] == "in_progress":
            job.stop()
            for file_id in store.batch_files[batch_id]:
                file_job = store.files.get(file_id)
                if file_job is not None and file_job.obj["status"] == "in_progress":
                    file_job.stop()
                    file_job.obj["status"] = "cancelled"
            statuses = [store.files[f].obj["status"] for f in store.batch_files[batch_id] if f in store.files]
            job.obj.update(
                status="cancelled",
                file_counts={**{s: statuses.count(s) for s in _STATUSES}, "total": len(statuses)},
            )
        return json_reply(job.obj)

    @route("GET", r"/vector_stores/([^/]+)/file_batches/([^/]+)/files")
    def list_files_in_vector_store_batch(self, request: Request, store_id: str, batch_id: str) -> Reply:
        store = self._find(store_id)
        self._batch(store, batch_id)
        jobs = [store.files[f] for f in store.batch_files[batch_id] if f in store.files]
        return list_page(_filtered(jobs, request.query), request.query)


def _ids(body: Dict[str, Any], key: str) -> List[str]:
    ids: List[str] = field(body, key, list, "an array", default=[])
    for index, value in enumerate(ids):
        if not isinstance(value, str):
            raise invalid_type(f"{key}[{index}]", "a string", value)
    return ids


def _filtered(jobs: Any, query: Dict[str, str]) -> List[Dict[str, Any]]:
    """The objects of ``jobs`` with the status ``query["filter"]`` names, if it names one."""
    wanted = query.get("filter")
    return [job.obj for job in jobs if wanted is None or job.obj["status"] == wanted]
