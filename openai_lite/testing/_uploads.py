"""Uploads: create, add parts, complete (the parts in the given order become a File), cancel."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Dict, List

from ._common import (
    CREATED,
    APIError,
    Area,
    Reply,
    Request,
    field,
    form_file,
    invalid_type,
    invalid_value,
    json_object,
    json_reply,
    lookup,
    multipart,
    not_one_of,
    route,
)
from ._files import PURPOSES

if TYPE_CHECKING:
    from ._server import FakeServer

MAX_BYTES = 8 * 1024**3
"""The largest upload the API takes (8 GB)."""
MAX_PART = 64 * 1024**2
"""The largest part (64 MB)."""


class _Upload:
    def __init__(self, obj: Dict[str, Any]) -> None:
        self.obj = obj
        self.parts: Dict[str, bytes] = {}


class Uploads(Area):
    def __init__(self, fake: FakeServer) -> None:
        super().__init__(fake)
        self._uploads: Dict[str, _Upload] = {}

    @route("POST", r"/uploads")
    def create_upload(self, request: Request) -> Reply:
        body = json_object(request)
        filename = field(body, "filename", str, "a string", required=True)
        purpose = field(body, "purpose", str, "a string", required=True)
        size = field(body, "bytes", int, "an integer", required=True)
        field(body, "mime_type", str, "a string", required=True)
        if purpose not in PURPOSES:
            raise not_one_of("purpose", purpose, PURPOSES)
        if not 0 <= size <= MAX_BYTES:
            raise invalid_value("bytes", f"{size} is not between 0 and {MAX_BYTES} (8 GB)")
        obj = {
            "id": self.fake._next_id("upload_fake_"),
            "object": "upload",
            "bytes": size,
            "created_at": CREATED,
            "filename": filename,
            "purpose": purpose,
            "status": "pending",
            "expires_at": CREATED + 3600,
            "file": None,
        }
        self._uploads[obj["id"]] = _Upload(obj)
        return json_reply(obj)

    def _pending(self, upload_id: str) -> _Upload:
        upload = lookup(self._uploads, upload_id, f"No upload found with id '{upload_id}'.", param="upload_id")
        if upload.obj["status"] != "pending":
            raise APIError(400, f"Upload {upload_id} is {upload.obj['status']}: it takes no more changes.")
        return upload

    @route("POST", r"/uploads/([^/]+)/parts")
    def add_upload_part(self, request: Request, upload_id: str) -> Reply:
        upload = self._pending(upload_id)
        data = form_file(multipart(request), "data").content
        if len(data) > MAX_PART:
            raise invalid_value("data", f"a part may have at most {MAX_PART} bytes (64 MB), this one has {len(data)}")
        part: Dict[str, Any] = {
            "id": self.fake._next_id("part_fake_"),
            "object": "upload.part",
            "created_at": CREATED,
            "upload_id": upload_id,
        }
        upload.parts[part["id"]] = data
        return json_reply(part)

    @route("POST", r"/uploads/([^/]+)/complete")
    def complete_upload(self, request: Request, upload_id: str) -> Reply:
        upload = self._pending(upload_id)
        body = json_object(request)
        part_ids: List[Any] = field(body, "part_ids", list, "an array", required=True)
        for index, part_id in enumerate(part_ids):
            if not isinstance(part_id, str):
                raise invalid_type(f"part_ids[{index}]", "a string", part_id)
            if part_id not in upload.parts:
                raise invalid_value(f"part_ids[{index}]", f"{part_id!r} is not a part of upload {upload_id}")
        content = b"".join(upload.parts[part_id] for part_id in part_ids)
        if len(content) != upload.obj["bytes"]:
            raise APIError(
                400,
                f"The parts add up to {len(content)} bytes, but the upload said bytes={upload.obj['bytes']}.",
                param="part_ids",
                code="invalid_value",
            )
        md5 = field(body, "md5", str, "a string")
        if md5 is not None and md5 != hashlib.md5(content).hexdigest():
            raise invalid_value("md5", "it does not match the MD5 checksum of the parts")
        file = self.fake._files.add(upload.obj["filename"], upload.obj["purpose"], content)
        upload.obj.update(status="completed", file=file)
        upload.parts.clear()
        return json_reply(upload.obj)

    @route("POST", r"/uploads/([^/]+)/cancel")
    def cancel_upload(self, request: Request, upload_id: str) -> Reply:
        upload = self._pending(upload_id)
        upload.obj["status"] = "cancelled"
        upload.parts.clear()
        return json_reply(upload.obj)
