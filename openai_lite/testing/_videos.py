"""Videos: ``queued``, ``in_progress`` (progress 50), then ``completed`` over retrieves; content is a few bytes.

A prompt that moderation would flag ends the video ``failed`` (``moderation_blocked``). Content
(``video``, ``thumbnail``, ``spritesheet``) is a stub with the right magic number, served once the
video is completed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional

from ._common import (
    CREATED,
    APIError,
    Area,
    Job,
    Reply,
    Request,
    choice,
    deleted,
    field,
    form_text,
    json_object,
    json_reply,
    list_page,
    lookup,
    multipart,
    route,
)
from ._moderations import FLAG_WORD

if TYPE_CHECKING:
    from ._server import FakeServer

_SECONDS = ("4", "8", "12")
_SIZES = ("720x1280", "1280x720", "1024x1792", "1792x1024")

# What /videos/{id}/content answers for each variant: its type and a stub with the format's magic number.
_CONTENT = {
    "video": ("video/mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\0" * 40),
    "thumbnail": ("image/webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\0" * 28),
    "spritesheet": ("image/jpeg", b"\xff\xd8\xff\xe0" + b"\0" * 28 + b"\xff\xd9"),
}


class Videos(Area):
    def __init__(self, fake: FakeServer) -> None:
        super().__init__(fake)
        self._videos: Dict[str, Job] = {}

    @route("POST", r"/videos")
    def create_video(self, request: Request) -> Reply:
        if request.headers.get("content-type", "").startswith("multipart/"):
            parts = multipart(request)
            body: Dict[str, Any] = {key: form_text(parts, key) for key in ("prompt", "model", "seconds", "size")}
        else:
            body = json_object(request)
        prompt = field(body, "prompt", str, "a string", required=True)
        return json_reply(self._start(body, prompt, None))

    def _start(self, body: Dict[str, Any], prompt: str, source: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        model = field(body, "model", str, "a string", default=source["model"] if source else "sora-2")
        self.fake._check_model(model)
        obj: Dict[str, Any] = {
            "id": self.fake._next_id("video_fake_"),
            "object": "video",
            "model": model,
            "status": "queued",
            "progress": 0,
            "created_at": CREATED,
            "completed_at": None,
            "expires_at": None,
            "prompt": prompt,
            "size": choice(body, "size", _SIZES, source["size"] if source else _SIZES[0]),
            "seconds": choice(body, "seconds", _SECONDS, source["seconds"] if source else _SECONDS[0]),
            "remixed_from_video_id": source["id"] if source else None,
            "error": None,
        }

        def render() -> bool:
            if FLAG_WORD.search(prompt):
                message = "The prompt was blocked by our moderation system."
                obj.update(status="failed", error={"code": "moderation_blocked", "message": message})
                return False
            obj.update(status="in_progress", progress=50)
            return True

        done = {"status": "completed", "progress": 100, "completed_at": CREATED, "expires_at": CREATED + 86400}
        self._videos[obj["id"]] = self.job(obj, [render, lambda: obj.update(done)])
        return obj

    def _find(self, video_id: str) -> Job:
        return lookup(self._videos, video_id, f"Video with id '{video_id}' not found.", param="video_id")

    @route("GET", r"/videos")
    def list_videos(self, request: Request) -> Reply:
        return list_page([job.obj for job in self._videos.values()], request.query)

    @route("GET", r"/videos/([^/]+)")
    def get_video(self, request: Request, video_id: str) -> Reply:
        return json_reply(self._find(video_id).advance())

    @route("DELETE", r"/videos/([^/]+)")
    def delete_video(self, request: Request, video_id: str) -> Reply:
        self._find(video_id)
        del self._videos[video_id]
        return deleted(video_id, "video.deleted")

    @route("GET", r"/videos/([^/]+)/content")
    def retrieve_video_content(self, request: Request, video_id: str) -> Reply:
        video = self._find(video_id).obj
        variant = request.query.get("variant", "video")
        if variant not in _CONTENT:
            raise APIError(400, f"Invalid 'variant': {variant!r}.", param="variant", code="invalid_value")
        if video["status"] != "completed":
            raise APIError(400, f"Video {video_id} is not ready: its status is '{video['status']}'.")
        content_type, data = _CONTENT[variant]
        return Reply(200, content_type, data)

    @route("POST", r"/videos/([^/]+)/remix")
    def create_video_remix(self, request: Request, video_id: str) -> Reply:
        source = self._find(video_id).obj
        if source["status"] != "completed":
            raise APIError(400, f"Video {video_id} is not ready to remix: its status is '{source['status']}'.")
        body = json_object(request)
        prompt = field(body, "prompt", str, "a string", required=True)
        return json_reply(self._start({}, prompt, source))
