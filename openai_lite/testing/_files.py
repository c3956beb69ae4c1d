"""Files: uploaded, listed, retrieved, downloaded and deleted; batches, uploads and fine-tuning add their own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Tuple

from ._common import (
    CREATED,
    Area,
    Reply,
    Request,
    deleted,
    form_file,
    form_text,
    invalid_value,
    json_reply,
    list_page,
    lookup,
    missing,
    multipart,
    not_one_of,
    route,
)

if TYPE_CHECKING:
    from ._server import FakeServer

PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")


class Files(Area):
    def __init__(self, fake: FakeServer) -> None:
        super().__init__(fake)
        self._files: Dict[str, Tuple[Dict[str, Any], bytes]] = {}

    def add(self, filename: str, purpose: str, content: bytes) -> Dict[str, Any]:
        """Store a new file; return its File object."""
        file: Dict[str, Any] = {
            "id": self.fake._next_id("file-fake-"),
            "object": "file",
            "bytes": len(content),
            "created_at": CREATED,
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
        }
        self._files[file["id"]] = (file, content)
        return file

    def find(self, file_id: str, param: str = "id") -> Tuple[Dict[str, Any], bytes]:
        """The File object and content of ``file_id`` (a 404 naming ``param`` if there is none)."""
        return lookup(self._files, file_id, f"No such File object: {file_id}", param=param)

    @route("POST", r"/files")
    def create_file(self, request: Request) -> Reply:
        parts = multipart(request)
        upload = form_file(parts, "file")
        purpose = form_text(parts, "purpose")
        if purpose is None:
            raise missing("purpose")
        if not upload.headers.get("content-type"):
            raise invalid_value("file", "the part has no Content-Type header")
        if purpose not in PURPOSES:
            raise not_one_of("purpose", purpose, PURPOSES)
        return json_reply(self.add(upload.filename or "", purpose, upload.content))

    @route("GET", r"/files")
    def list_files(self, request: Request) -> Reply:
        files = [file for file, _ in self._files.values()]
        if "purpose" in request.query:
            files = [f for f in files if f["purpose"] == request.query["purpose"]]
        return list_page(files, request.query, limit=10000, top=10000)

    @route("GET", r"/files/([^/]+)")
    def retrieve_file(self, request: Request, file_id: str) -> Reply:
        return json_reply(self.find(file_id)[0])

    @route("DELETE", r"/files/([^/]+)")
    def delete_file(self, request: Request, file_id: str) -> Reply:
        self.find(file_id)
        del self._files[file_id]
        return deleted(file_id, "file")

    @route("GET", r"/files/([^/]+)/content")
    def download_file(self, request: Request, file_id: str) -> Reply:
        return Reply(200, "application/octet-stream", self.find(file_id)[1])
