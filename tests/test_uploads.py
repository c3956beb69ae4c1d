"""Every multipart operation with every kind of file input, and ``Client.upload_file``.

The operations the API takes as ``multipart/form-data`` (the generated methods
with a ``progress`` parameter) are called with a file given as a path, bytes,
an open binary file and a ``(name, content, type)`` tuple; the loopback server
checks the parts (file parts carry a filename and a Content-Type, text fields
none, list fields become ``name[]``), the progress reports and the parsed
result. ``upload_file`` is driven against a fake Uploads API on the loopback
server. (The byte layout of ``MultipartBody`` itself is in test_multipart.py.)
"""

from __future__ import annotations

import inspect
import io
import json
import os
import pathlib
import tempfile
import threading
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Tuple

import pytest
from _loopback import (
    LoopbackServer,
    Part,
    Recorded,
    Reply,
    bytes_reply,
    chunked_reply,
    json_reply,
    sse_event,
    sse_reply,
)

import openai_lite
from openai_lite._uploads import MAX_PART_SIZE

ROOT = pathlib.Path(__file__).resolve().parent.parent

# The video operations are marked deprecated by the API and warn; that is not what is tested here.
pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated by the API:DeprecationWarning")

Progress = List[Tuple[int, Optional[int]]]

# ---------------------------------------------------------------------------
# Canned answers
# ---------------------------------------------------------------------------

FILE = {
    "id": "file-abc",
    "object": "file",
    "bytes": 5,
    "created_at": 1700000000,
    "filename": "sample.jsonl",
    "purpose": "fine-tune",
    "status": "processed",
}
UPLOAD_PART = {"id": "part_abc", "object": "upload.part", "created_at": 1700000000, "upload_id": "upload_abc"}
TRANSCRIPTION = {"text": "Hello there.", "usage": {"type": "duration", "seconds": 2}}
TRANSCRIPT_EVENTS = [
    sse_event({"type": "transcript.text.delta", "delta": "Hello"}),
    sse_event({"type": "transcript.text.done", "text": "Hello"}),
]
VOICE_CONSENT = {
    "object": "audio.voice_consent",
    "id": "cons_1",
    "name": "Consent",
    "language": "en-US",
    "created_at": 1700000000,
}
VOICE = {"object": "audio.voice", "id": "voice_1", "name": "Narrator", "created_at": 1700000000}
CONTAINER_FILE = {
    "id": "cfile_1",
    "object": "container.file",
    "container_id": "cntr_1",
    "created_at": 1700000000,
    "bytes": 5,
    "path": "/mnt/data/sample.csv",
    "source": "user",
}
PROVENANCE = {
    "object": "content_provenance_check",
    "created_at": 1700000000,
    "results": [{"type": "synthid", "outcome": "not_detected", "model": None, "generated_at": None}],
}
IMAGES = {"created": 1700000000, "data": [{"b64_json": "aGVsbG8="}]}
IMAGE_EVENTS = [
    sse_event(
        {
            "type": "image_edit.completed",
            "b64_json": "aGVsbG8=",
            "created_at": 1700000000,
            "size": "1024x1024",
            "quality": "low",
            "background": "opaque",
            "output_format": "png",
            "usage": {
                "total_tokens": 1,
                "input_tokens": 1,
                "output_tokens": 0,
                "input_tokens_details": {"text_tokens": 1, "image_tokens": 0},
            },
        }
    )
]
VIDEO = {
    "id": "video_1",
    "object": "video",
    "model": "sora-2",
    "status": "queued",
    "progress": 0,
    "created_at": 1700000000,
    "completed_at": None,
    "expires_at": None,
    "prompt": "A cat",
    "size": "720x1280",
    "seconds": "4",
    "remixed_from_video_id": None,
    "error": None,
}
CHARACTER = {"id": "char_1", "name": "Hero", "created_at": 1700000000}
SKILL = {
    "id": "skill_1",
    "object": "skill",
    "name": "csv",
    "description": "CSV insights",
    "created_at": 1700000000,
    "default_version": "1",
    "latest_version": "1",
}
SKILL_VERSION = {
    "object": "skill.version",
    "id": "skillver_1",
    "skill_id": "skill_1",
    "version": "2",
    "created_at": 1700000000,
    "name": "csv",
    "description": "CSV insights",
}

# A second file for the operations that take a list of files.
EXTRA = ("extra.png", b"\x89PNG second", "image/png")

# ---------------------------------------------------------------------------
# The operations
# ---------------------------------------------------------------------------


class Op(NamedTuple):
    """One multipart operation called with one file input ``f`` and a progress callback ``p``."""

    call: Callable[[Any, Any, Any], Any]  # (client, f, p) -> result (streams are consumed)
    path: str  # request path after /v1
    field: str  # the wire name of the part that carries ``f``
    ext: str  # extension of the file on disk, for the path and file-object inputs
    content_type: str  # what that extension gives
    reply: Reply
    result: str  # class name of the result (of its first item for streams)
    fields: List[Tuple[str, str]]  # the text fields expected, in order
    extra_parts: List[Tuple[str, str, str, bytes]]  # other file parts: (name, filename, type, data)


def op(
    call: Callable[[Any, Any, Any], Any],
    path: str,
    field: str,
    ext: str,
    content_type: str,
    reply: Reply,
    result: str,
    fields: Optional[List[Tuple[str, str]]] = None,
    extra_parts: Optional[List[Tuple[str, str, str, bytes]]] = None,
) -> Op:
    return Op(call, path, field, ext, content_type, reply, result, fields or [], extra_parts or [])


EXTRA_PART = [(EXTRA[0], EXTRA[2], EXTRA[1])]

# Keyed by method name (with a suffix when a method has several rows). ``images=[]`` works
# around create_image_edit() requiring the JSON variant's field (a bug test_api_areas.py records).
OPERATIONS: Dict[str, Op] = {
    "create_file": op(
        lambda c, f, p: c.create_file(file=f, purpose="fine-tune", progress=p),
        "/files",
        "file",
        ".jsonl",
        "text/jsonl",
        json_reply(FILE),
        "OpenAIFile",
        [("purpose", "fine-tune")],
    ),
    "add_upload_part": op(
        lambda c, f, p: c.add_upload_part("upload_abc", data=f, progress=p),
        "/uploads/upload_abc/parts",
        "data",
        ".txt",
        "text/plain",
        json_reply(UPLOAD_PART),
        "UploadPart",
    ),
    "create_transcription": op(
        lambda c, f, p: c.create_transcription(
            file=f, model="gpt-4o-transcribe", language="en", include=["logprobs"], progress=p
        ),
        "/audio/transcriptions",
        "file",
        ".mp3",
        "audio/mpeg",
        json_reply(TRANSCRIPTION),
        "CreateTranscriptionResponseJson",
        [("model", "gpt-4o-transcribe"), ("language", "en"), ("include[]", "logprobs")],
    ),
    "create_transcription_stream": op(
        lambda c, f, p: list(c.create_transcription_stream(file=f, model="gpt-4o-transcribe", progress=p)),
        "/audio/transcriptions",
        "file",
        ".mp3",
        "audio/mpeg",
        sse_reply(TRANSCRIPT_EVENTS),
        "TranscriptTextDeltaEvent",
        [("model", "gpt-4o-transcribe"), ("stream", "true")],
    ),
    "create_translation": op(
        lambda c, f, p: c.create_translation(file=f, model="whisper-1", temperature=0.2, progress=p),
        "/audio/translations",
        "file",
        ".m4a",
        "audio/mp4",
        json_reply({"text": "Hello."}),
        "CreateTranslationResponseJson",
        [("model", "whisper-1"), ("temperature", "0.2")],
    ),
    "create_voice_consent": op(
        lambda c, f, p: c.create_voice_consent(name="Consent", recording=f, language="en-US", progress=p),
        "/audio/voice_consents",
        "recording",
        ".webm",
        "audio/webm",
        json_reply(VOICE_CONSENT),
        "VoiceConsentResource",
        [("name", "Consent"), ("language", "en-US")],
    ),
    "create_voice": op(
        lambda c, f, p: c.create_voice(name="Narrator", audio_sample=f, consent="cons_1", progress=p),
        "/audio/voices",
        "audio_sample",
        ".mp3",
        "audio/mpeg",
        json_reply(VOICE),
        "VoiceResource",
        [("name", "Narrator"), ("consent", "cons_1")],
    ),
    "create_container_file": op(
        lambda c, f, p: c.create_container_file("cntr_1", file=f, progress=p),
        "/containers/cntr_1/files",
        "file",
        ".csv",
        "text/csv",
        json_reply(CONTAINER_FILE),
        "ContainerFileResource",
    ),
    "create_content_provenance_check": op(
        lambda c, f, p: c.create_content_provenance_check(file=f, progress=p),
        "/content_provenance_checks",
        "file",
        ".jpg",
        "image/jpeg",
        json_reply(PROVENANCE),
        "ProvenanceResource",
    ),
    "create_image_edit": op(
        lambda c, f, p: c.create_image_edit(image=[f, EXTRA], prompt="Add a hat", images=[], n=2, progress=p),
        "/images/edits",
        "image[]",
        ".png",
        "image/png",
        json_reply(IMAGES),
        "ImagesResponse",
        [("prompt", "Add a hat"), ("n", "2")],
        [("image[]", *EXTRA_PART[0])],
    ),
    "create_image_edit/mask": op(
        lambda c, f, p: c.create_image_edit(image=EXTRA, mask=f, prompt="Add a hat", images=[], progress=p),
        "/images/edits",
        "mask",
        ".png",
        "image/png",
        json_reply(IMAGES),
        "ImagesResponse",
        [("prompt", "Add a hat")],
        [("image", *EXTRA_PART[0])],
    ),
    "create_image_edit_stream": op(
        lambda c, f, p: list(c.create_image_edit_stream(image=f, prompt="Add a hat", images=[], progress=p)),
        "/images/edits",
        "image",
        ".png",
        "image/png",
        sse_reply(IMAGE_EVENTS),
        "ImageEditCompletedEvent",
        [("prompt", "Add a hat"), ("stream", "true")],
    ),
    "create_image_variation": op(
        lambda c, f, p: c.create_image_variation(image=f, n=1, size="256x256", progress=p),
        "/images/variations",
        "image",
        ".png",
        "image/png",
        json_reply(IMAGES),
        "ImagesResponse",
        [("n", "1"), ("size", "256x256")],
    ),
    "create_video": op(
        lambda c, f, p: c.create_video(prompt="A cat", input_reference=f, seconds="4", progress=p),
        "/videos",
        "input_reference",
        ".jpg",
        "image/jpeg",
        json_reply(VIDEO),
        "VideoResource",
        [("prompt", "A cat"), ("seconds", "4")],
    ),
    "create_video_character": op(
        lambda c, f, p: c.create_video_character(video=f, name="Hero", progress=p),
        "/videos/characters",
        "video",
        ".mp4",
        "video/mp4",
        json_reply(CHARACTER),
        "VideoCharacterResource",
        [("name", "Hero")],
    ),
    "create_video_edit": op(
        lambda c, f, p: c.create_video_edit(video=f, prompt="Make it rain", progress=p),
        "/videos/edits",
        "video",
        ".mp4",
        "video/mp4",
        json_reply(VIDEO),
        "VideoResource",
        [("prompt", "Make it rain")],
    ),
    "create_video_extend": op(
        lambda c, f, p: c.create_video_extend(video=f, prompt="Go on", seconds="8", progress=p),
        "/videos/extensions",
        "video",
        ".mp4",
        "video/mp4",
        json_reply(VIDEO),
        "VideoResource",
        [("prompt", "Go on"), ("seconds", "8")],
    ),
    "create_skill": op(
        lambda c, f, p: c.create_skill(files=[f, EXTRA], progress=p),
        "/skills",
        "files[]",
        ".zip",
        "application/zip",
        json_reply(SKILL),
        "SkillResource",
        extra_parts=[("files[]", *EXTRA_PART[0])],
    ),
    "create_skill/one-file": op(
        lambda c, f, p: c.create_skill(files=f, progress=p),
        "/skills",
        "files",
        ".zip",
        "application/zip",
        json_reply(SKILL),
        "SkillResource",
    ),
    "create_skill_version": op(
        lambda c, f, p: c.create_skill_version("skill_1", files=[f], default=True, progress=p),
        "/skills/skill_1/versions",
        "files[]",
        ".zip",
        "application/zip",
        json_reply(SKILL_VERSION),
        "SkillVersionResource",
        [("default", "true")],
    ),
}

# The two multipart operations without a file field, tested on their own below.
NO_FILE_OPERATIONS = {"create_video_remix": "/videos/{video_id}/remix", "create_realtime_call": "/realtime/calls"}

DATA = b"\x00\x01 file content \xff" * 100


def make_input(kind: str, folder: pathlib.Path, ext: str) -> Tuple[Any, Optional[str], Optional[str]]:
    """A file input of ``kind`` holding DATA, and the (filename, content type) it should get (None: as Op says)."""
    path = folder / f"sample{ext}"
    path.write_bytes(DATA)
    if kind == "path":
        return str(path), path.name, None
    if kind == "pathlib":
        return path, path.name, None
    if kind == "fileobj":
        return open(path, "rb"), path.name, None  # closed by the test
    if kind == "bytes":
        return DATA, "upload", "application/octet-stream"
    if kind == "tuple":  # name and type given: both override what the path would say
        return ("renamed.dat", str(path), "application/x-custom"), "renamed.dat", "application/x-custom"
    if kind == "tuple-bytes":
        return ("clip.custom", DATA, "audio/x-custom"), "clip.custom", "audio/x-custom"
    raise ValueError(kind)


def check_progress(calls: Progress, length: int) -> None:
    """Progress went up (never down), always against the total, and ended at it (the Content-Length)."""
    assert calls, "progress was never called"
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert {total for _, total in calls} == {length}
    assert calls[-1] == (length, length)


@pytest.mark.parametrize("kind", ["path", "pathlib", "fileobj", "bytes", "tuple", "tuple-bytes"])
@pytest.mark.parametrize("name", list(OPERATIONS))
def test_operation_with_file_input(
    server: LoopbackServer, client: Any, tmp_path: pathlib.Path, name: str, kind: str
) -> None:
    operation = OPERATIONS[name]
    file, filename, content_type = make_input(kind, tmp_path, operation.ext)
    server.reply(operation.reply)
    calls: Progress = []
    try:
        result = operation.call(client, file, lambda done, total: calls.append((done, total)))
        assert kind != "fileobj" or not file.closed  # the caller's file stays the caller's to close
    finally:
        if kind == "fileobj":
            file.close()

    request = server.last_request
    assert (request.method, request.path) == ("POST", "/v1" + operation.path)
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    length = int(request.headers["content-length"])  # streamed, but with an exact length
    assert length == len(request.body)
    parts = request.multipart()
    text = [p for p in parts if p.filename is None]
    files = [p for p in parts if p.filename is not None]
    assert all(p.content_type is None for p in text), "text fields carry no Content-Type"
    assert [(p.name, p.text) for p in text] == operation.fields
    assert all(p.content_type for p in files), "every file part has a Content-Type"
    expected = (operation.field, filename, content_type or operation.content_type, DATA)
    got = [(p.name, p.filename, p.content_type, p.data) for p in files]
    assert sorted(got) == sorted([expected, *operation.extra_parts])

    first = result[0] if isinstance(result, list) else result
    assert type(first).__name__ == operation.result
    check_progress(calls, length)


def test_table_covers_every_multipart_operation() -> None:
    """The rows above are the spec's 18 multipart operations, and every method that takes progress=."""
    spec = json.loads((ROOT / "spec" / "openai-openapi.json").read_text(encoding="utf-8"))
    multipart = {
        path
        for path, item in spec["paths"].items()
        for method in item.values()
        if isinstance(method, dict) and any("multipart" in t for t in method.get("requestBody", {}).get("content", {}))
    }
    assert len(multipart) == 18
    ours = {op.path for op in OPERATIONS.values()} | set(NO_FILE_OPERATIONS.values())
    # (our paths have example ids in them)
    ours = {
        p.replace("upload_abc", "{upload_id}").replace("cntr_1", "{container_id}").replace("skill_1", "{skill_id}")
        for p in ours
    }
    assert ours == multipart

    with_progress = {
        name
        for name, method in inspect.getmembers(openai_lite.Client, inspect.isfunction)
        if "progress" in inspect.signature(method).parameters
        and not name.startswith("_")
        and name not in ("upload_file", "run_batch")  # helpers whose progress is not a multipart body's
    }
    tested = {name.split("/")[0] for name in OPERATIONS} | set(NO_FILE_OPERATIONS)
    assert with_progress <= tested
    # Every operation with a file field takes progress=; the two without one (a remix is a JSON
    # body, a realtime call a small SDP form) do not.
    assert with_progress == tested - {"create_video_remix", "create_realtime_call"}


def test_realtime_call_is_multipart_without_files(server: LoopbackServer, client: Any) -> None:
    sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"
    server.reply(bytes_reply("v=0\r\n", 201, content_type="application/sdp"))
    answer = client.create_realtime_call(sdp=sdp)
    assert answer == "v=0\r\n"
    request = server.last_request
    assert [(p.name, p.filename, p.text) for p in request.multipart()] == [("sdp", None, sdp)]
    # (Whether sdp carries Content-Type: application/sdp is test_api_areas.py's concern.)


def test_video_remix_takes_no_progress(server: LoopbackServer, client: Any) -> None:
    # It has no file field: the body goes out as JSON, so a progress callback would never be called.
    assert "progress" not in inspect.signature(client.create_video_remix).parameters
    server.reply(json_reply(VIDEO))
    result = client.create_video_remix("video_1", prompt="Make it blue")
    assert type(result).__name__ == "VideoResource"
    assert server.last_request.json() == {"prompt": "Make it blue"}


def test_progress_of_a_large_multipart_upload(server: LoopbackServer, client: Any, tmp_path: pathlib.Path) -> None:
    """Many reports for a body of many blocks, monotonic, against the Content-Length, ending at it."""
    path = tmp_path / "big.jsonl"
    path.write_bytes(os.urandom(1024 * 1024 + 17))
    server.reply(json_reply(FILE))
    calls: Progress = []
    client.create_file(file=str(path), purpose="batch", progress=lambda *call: calls.append(call))
    length = int(server.last_request.headers["content-length"])
    assert length == len(server.last_request.body) > 1024 * 1024
    assert len(calls) >= 16  # (blocks of at most 64 KiB)
    check_progress(calls, length)
    assert server.last_request.multipart()[1].data == path.read_bytes()


# ---------------------------------------------------------------------------
# upload_file: a fake Uploads API
# ---------------------------------------------------------------------------


class FakeUploads:
    """The Uploads API on a loopback server.

    ``part_statuses`` scripts the answers to part requests in arrival order
    (200 once it runs out); ``cancel_status`` is the answer to cancel.
    """

    def __init__(self, server: LoopbackServer) -> None:
        self.created: Optional[Dict[str, Any]] = None
        self.attempts: List[Part] = []  # every part request's file part, failed ones included
        self.parts: Dict[str, bytes] = {}  # accepted parts by id
        self.completed: Optional[List[str]] = None
        self.cancelled = False
        self.part_statuses: List[int] = []
        self.cancel_status = 200
        server.handler(self.answer)

    def upload(self, status: str, **more: Any) -> Dict[str, Any]:
        assert self.created is not None
        return {
            "id": "upload_1",
            "object": "upload",
            "created_at": 1700000000,
            "expires_at": 1700003600,
            "status": status,
            **{k: self.created[k] for k in ("filename", "purpose", "bytes")},
            **more,
        }

    def answer(self, request: Recorded) -> Reply:
        path = request.path
        if path == "/v1/uploads":
            self.created = request.json()
            return json_reply(self.upload("pending"))
        if path == "/v1/uploads/upload_1/parts":
            [part] = request.multipart()
            self.attempts.append(part)
            status = self.part_statuses.pop(0) if self.part_statuses else 200
            if status != 200:
                return json_reply(
                    {
                        "error": {
                            "message": f"part failed with {status}",
                            "type": "server_error",
                            "param": None,
                            "code": None,
                        }
                    },
                    status,
                )
            part_id = f"part_{99 - len(self.parts)}"  # counting down: ids sorted would be in the wrong order
            self.parts[part_id] = part.data
            return json_reply(
                {"id": part_id, "object": "upload.part", "created_at": 1700000000, "upload_id": "upload_1"}
            )
        if path == "/v1/uploads/upload_1/complete":
            self.completed = request.json()["part_ids"]
            assert self.created is not None
            file = {
                **FILE,
                "id": "file-uploaded",
                "bytes": sum(len(self.parts[i]) for i in self.completed),
                "filename": self.created["filename"],
                "purpose": self.created["purpose"],
            }
            return json_reply(self.upload("completed", file=file))
        if path == "/v1/uploads/upload_1/cancel":
            self.cancelled = True
            if self.cancel_status != 200:
                return json_reply({"error": {"message": "cancel failed"}}, self.cancel_status)
            return json_reply(self.upload("cancelled"))
        return json_reply({"error": {"message": f"unexpected {request.method} {path}"}}, 404)

    @property
    def assembled(self) -> bytes:
        """The file as the API would put it together from the completed part ids."""
        assert self.completed is not None
        return b"".join(self.parts[part_id] for part_id in self.completed)


@pytest.fixture
def uploads(server: LoopbackServer) -> FakeUploads:
    return FakeUploads(server)


def write(path: pathlib.Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("size", "part_size", "sizes"),
    [
        (10_000, 4096, [4096, 4096, 1808]),
        (8192, 4096, [4096, 4096]),  # an exact multiple: no empty last part
        (100, 4096, [100]),
        (5, 1, [1, 1, 1, 1, 1]),
        (3000, MAX_PART_SIZE, [3000]),  # the largest part size is allowed
    ],
)
def test_upload_file_parts(
    uploads: FakeUploads, client: Any, tmp_path: pathlib.Path, size: int, part_size: int, sizes: List[int]
) -> None:
    data = os.urandom(size)
    path = write(tmp_path / "train.jsonl", data)
    result = client.upload_file(path, purpose="fine-tune", part_size=part_size)

    assert uploads.created == {
        "filename": "train.jsonl",
        "purpose": "fine-tune",
        "bytes": size,
        "mime_type": "text/jsonl",
    }
    assert [len(p.data) for p in uploads.attempts] == sizes
    # Each part is a file part of its own, sent as bytes.
    assert {(p.name, p.filename, p.content_type) for p in uploads.attempts} == {
        ("data", "train.jsonl", "application/octet-stream")
    }
    assert uploads.completed == list(uploads.parts)  # every part, in the order sent
    assert uploads.assembled == data
    assert type(result).__name__ == "OpenAIFile"
    assert (result.id, result.bytes, result.filename) == ("file-uploaded", size, "train.jsonl")
    assert not uploads.cancelled


def test_upload_file_progress(uploads: FakeUploads, client: Any, tmp_path: pathlib.Path) -> None:
    size = 300_000
    path = write(tmp_path / "data.bin", os.urandom(size))
    calls: Progress = []
    client.upload_file(path, purpose="batch", part_size=100_000, progress=lambda *call: calls.append(call))
    done = [d for d, _ in calls]
    assert done == sorted(done) and len(calls) > 3
    assert {total for _, total in calls} == {size}  # the file's size, not a part's or a body's
    assert calls[-1] == (size, size)
    assert {100_000, 200_000} <= set(done)  # each part's end is reported


def test_failed_part_is_retried_with_the_same_bytes(
    uploads: FakeUploads, make_client: Any, tmp_path: pathlib.Path
) -> None:
    client = make_client(max_retries=2, initial_retry_delay=0.01)
    data = os.urandom(10_000)
    path = write(tmp_path / "train.jsonl", data)
    uploads.part_statuses = [200, 500]  # the second part fails once
    calls: Progress = []
    result = client.upload_file(path, purpose="fine-tune", part_size=4096, progress=lambda *call: calls.append(call))

    assert [len(p.data) for p in uploads.attempts] == [4096, 4096, 4096, 1808]
    assert uploads.attempts[1].data == uploads.attempts[2].data == data[4096:8192]
    assert uploads.completed == ["part_99", "part_98", "part_97"]  # the failed attempt got no id
    assert uploads.assembled == data
    assert result.bytes == 10_000
    assert not uploads.cancelled
    assert calls[-1] == (10_000, 10_000)


@pytest.mark.parametrize("cancel_status", [200, 500])
def test_part_failing_for_good_cancels_the_upload(
    uploads: FakeUploads, make_client: Any, tmp_path: pathlib.Path, cancel_status: int
) -> None:
    client = make_client(max_retries=1, initial_retry_delay=0.01)
    path = write(tmp_path / "train.jsonl", os.urandom(10_000))
    uploads.part_statuses = [200, 400]  # not retried
    uploads.cancel_status = cancel_status  # a failing cancel must not hide the part's error
    with pytest.raises(openai_lite.BadRequestError, match="part failed with 400"):
        client.upload_file(path, purpose="fine-tune", part_size=4096)
    assert len(uploads.attempts) == 2
    assert uploads.cancelled
    assert uploads.completed is None


def test_part_failing_after_its_retries_cancels_the_upload(
    uploads: FakeUploads, make_client: Any, tmp_path: pathlib.Path
) -> None:
    client = make_client(max_retries=2, initial_retry_delay=0.01)
    path = write(tmp_path / "train.jsonl", os.urandom(5000))
    uploads.part_statuses = [500, 500, 500]
    with pytest.raises(openai_lite.InternalServerError):
        client.upload_file(path, purpose="batch", part_size=4096)
    assert len(uploads.attempts) == 3 and uploads.attempts[0].data == uploads.attempts[2].data
    assert uploads.cancelled and uploads.completed is None


def test_failing_complete_cancels_the_upload(server: LoopbackServer, client: Any, tmp_path: pathlib.Path) -> None:
    uploads = FakeUploads(server)
    answer = uploads.answer

    def complete_fails(request: Recorded) -> Reply:
        if request.path.endswith("/complete"):
            return json_reply({"error": {"message": "bytes do not match"}}, 400)
        return answer(request)

    server.handler(complete_fails)
    path = write(tmp_path / "train.jsonl", os.urandom(5000))
    with pytest.raises(openai_lite.BadRequestError, match="bytes do not match"):
        client.upload_file(path, purpose="batch", part_size=4096)
    assert len(uploads.parts) == 2 and uploads.cancelled


def test_failing_create_sends_nothing_else(server: LoopbackServer, client: Any, tmp_path: pathlib.Path) -> None:
    server.reply(json_reply({"error": {"message": "Invalid purpose"}}, 400))
    path = write(tmp_path / "train.jsonl", b"{}\n")
    with pytest.raises(openai_lite.BadRequestError, match="Invalid purpose"):
        client.upload_file(path, purpose="batch")
    assert [r.path for r in server.requests] == ["/v1/uploads"]  # no part, no cancel of an upload that is not


class Stop(Exception):
    pass


@pytest.mark.parametrize("raised", [Stop(), OSError("disk full"), BrokenPipeError(32, "Broken pipe")], ids=repr)
def test_error_in_the_progress_callback_cancels_the_upload(
    uploads: FakeUploads, make_client: Any, tmp_path: pathlib.Path, raised: BaseException
) -> None:
    # Retries allowed: the callback's error must still reach the caller at once, the part never sent again.
    client = make_client(max_retries=2, initial_retry_delay=0.01, timeout=2)

    def progress(done: int, total: Optional[int]) -> None:
        if done > 5000:
            raise raised

    path = write(tmp_path / "train.jsonl", os.urandom(10_000))
    with pytest.raises(type(raised)) as info:
        client.upload_file(path, purpose="batch", part_size=4096, progress=progress)
    assert info.value is raised
    assert uploads.cancelled and uploads.completed is None
    assert len(uploads.attempts) == 1  # the second part was never completed, nor tried again


# Linux /proc files say they have 0 bytes; some cannot even seek to their end.
PROC_FILES = [("/proc/sys/kernel/ostype", ValueError, "0 bytes but has content"), ("/proc/version", TypeError, "seek")]


@pytest.mark.skipif(not os.path.isfile(PROC_FILES[0][0]), reason="needs Linux /proc")
@pytest.mark.parametrize(("path", "error", "message"), PROC_FILES, ids=[p[0] for p in PROC_FILES])
@pytest.mark.parametrize("kind", ["path", "fileobj"])
def test_a_file_that_says_0_bytes_but_has_content_is_refused(
    server: LoopbackServer, client: Any, kind: str, path: str, error: type, message: str
) -> None:
    with open(path, "rb") as f:
        with pytest.raises(error, match=message):
            client.upload_file(f if kind == "fileobj" else path, purpose="batch")
    assert server.requests == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_pipe_path_is_refused_without_waiting_for_a_writer(
    server: LoopbackServer, client: Any, tmp_path: pathlib.Path
) -> None:
    path = str(tmp_path / "pipe")
    os.mkfifo(path)

    def unblock() -> None:  # should open() wait for a writer after all: be one, and go
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass  # no reader waiting

    watchdog = threading.Timer(2, unblock)
    watchdog.start()
    try:
        with pytest.raises(TypeError, match="regular file"):
            client.upload_file(path, purpose="batch")
    finally:
        watchdog.cancel()
    assert server.requests == []


def fds_open_on(path: str) -> int:
    target = os.path.realpath(path)
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}") == target
        except OSError:
            pass
    return count


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
@pytest.mark.parametrize("fails", [False, True])
def test_a_file_opened_from_a_path_is_closed(
    uploads: FakeUploads, client: Any, tmp_path: pathlib.Path, fails: bool
) -> None:
    path = write(tmp_path / "train.jsonl", os.urandom(10_000))
    if fails:
        uploads.part_statuses = [400]
    try:
        client.upload_file(pathlib.Path(path), purpose="batch", part_size=4096)
    except openai_lite.BadRequestError:
        assert fails
    assert fds_open_on(path) == 0


def test_file_object_uploads_from_its_position(uploads: FakeUploads, client: Any, tmp_path: pathlib.Path) -> None:
    data = os.urandom(10_000)
    path = write(tmp_path / "notes.txt", data)
    with open(path, "rb") as f:
        f.seek(1234)
        result = client.upload_file(f, purpose="assistants", part_size=4096)
        assert not f.closed  # the caller's file stays open
    assert uploads.created == {
        "filename": "notes.txt",
        "purpose": "assistants",
        "bytes": 10_000 - 1234,
        "mime_type": "text/plain",
    }
    assert uploads.assembled == data[1234:]
    assert result.bytes == 10_000 - 1234


def test_nameless_file_object_and_overrides(uploads: FakeUploads, client: Any) -> None:
    client.upload_file(io.BytesIO(b"abc"), purpose="batch")
    assert uploads.created is not None
    assert (uploads.created["filename"], uploads.created["mime_type"]) == ("upload", "application/octet-stream")
    client.upload_file(io.BytesIO(b"abc"), purpose="batch", filename="in.jsonl", mime_type="text/jsonl")
    assert (uploads.created["filename"], uploads.created["mime_type"]) == ("in.jsonl", "text/jsonl")
    assert uploads.attempts[-1].filename == "in.jsonl"


def test_empty_file(uploads: FakeUploads, client: Any, tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "empty.jsonl", b"")
    result = client.upload_file(path, purpose="batch")
    assert uploads.created is not None and uploads.created["bytes"] == 0
    assert sum(len(p.data) for p in uploads.attempts) == 0
    assert uploads.completed == list(uploads.parts)
    assert result.bytes == 0 and not uploads.cancelled


class NonSeekable(io.RawIOBase):
    """A readable binary stream that cannot seek (like a socket or a pipe)."""

    name = "stream.jsonl"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return 0


def test_non_seekable_input_is_refused(server: LoopbackServer, client: Any) -> None:
    with pytest.raises(TypeError, match="seek"):
        client.upload_file(NonSeekable(), purpose="batch")
    assert server.requests == []  # refused before anything is sent


@pytest.fixture
def fd_named_file(request: pytest.FixtureRequest) -> Iterator[Tuple[Any, bool]]:
    """A binary file object whose ``name`` is its descriptor (an int), and whether it can seek."""
    if request.param == "temporary-file":
        f: Any = tempfile.TemporaryFile()  # name is an int on POSIX
        f.write(b'{"a": 1}\n')
        f.seek(0)
        yield f, True
    else:
        r, w = os.pipe()
        os.write(w, b"data")
        os.close(w)
        f = open(r, "rb")
        yield f, False
    f.close()


@pytest.mark.parametrize("fd_named_file", ["temporary-file", "pipe"], indirect=True)
def test_file_object_named_by_its_descriptor(
    uploads: FakeUploads, client: Any, fd_named_file: Tuple[Any, bool]
) -> None:
    f, seekable = fd_named_file
    if seekable:
        result = client.upload_file(f, purpose="batch")
        assert result.bytes == 9 and uploads.created is not None and uploads.created["filename"] == "upload"
    else:
        with pytest.raises(TypeError, match="can seek"):
            client.upload_file(f, purpose="batch")


def test_text_mode_file_is_refused(server: LoopbackServer, client: Any, tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "t.txt", b"text")
    with open(path) as f, pytest.raises(TypeError, match="binary file object"):
        client.upload_file(f, purpose="batch")
    with pytest.raises(TypeError):
        client.upload_file(b"raw bytes", purpose="batch")
    assert server.requests == []


@pytest.mark.parametrize("part_size", [0, -1, MAX_PART_SIZE + 1])
def test_part_size_out_of_bounds(server: LoopbackServer, client: Any, tmp_path: pathlib.Path, part_size: int) -> None:
    path = write(tmp_path / "a.jsonl", b"{}\n")
    with pytest.raises(ValueError, match="part_size"):
        client.upload_file(path, purpose="batch", part_size=part_size)
    assert server.requests == []
    assert MAX_PART_SIZE == 64 * 1024 * 1024  # the API's limit for a part


# ---------------------------------------------------------------------------
# Progress of downloads (the other half of the progress feature)
# ---------------------------------------------------------------------------


DOWNLOADS = {
    "download_file": (lambda c: c.download_file("file-abc"), "GET", "/files/file-abc/content"),
    "create_speech": (
        lambda c: c.create_speech(model="gpt-4o-mini-tts", input="Hi", voice="alloy"),
        "POST",
        "/audio/speech",
    ),
    "retrieve_video_content": (lambda c: c.retrieve_video_content("video_1"), "GET", "/videos/video_1/content"),
    "retrieve_container_file_content": (
        lambda c: c.retrieve_container_file_content("cntr_1", "cfile_1"),
        "GET",
        "/containers/cntr_1/files/cfile_1/content",
    ),
    "get_skill_content": (lambda c: c.get_skill_content("skill_1"), "GET", "/skills/skill_1/content"),
    "get_skill_version_content": (
        lambda c: c.get_skill_version_content("skill_1", "2"),
        "GET",
        "/skills/skill_1/versions/2/content",
    ),
}


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("name", list(DOWNLOADS))
def test_download_with_progress(
    server: LoopbackServer, client: Any, tmp_path: pathlib.Path, name: str, chunked: bool
) -> None:
    """Every binary download streams to a file with progress (total: the Content-Length, or None)."""
    call, method, path = DOWNLOADS[name]
    data = os.urandom(200_000)
    server.reply(chunked_reply([data[:70_000], data[70_000:]]) if chunked else bytes_reply(data))
    binary = call(client)
    assert isinstance(binary, openai_lite.BinaryResponse)
    calls: Progress = []
    binary.write_to_file(tmp_path / "out.bin", progress=lambda *c: calls.append(c))
    assert (server.last_request.method, server.last_request.path) == (method, "/v1" + path)
    assert (tmp_path / "out.bin").read_bytes() == data
    done = [d for d, _ in calls]
    assert done == sorted(done) and len(calls) >= 3  # (blocks of 64 KiB)
    assert calls[-1] == (len(data), None if chunked else len(data))


def test_download_progress_of_a_compressed_body(server: LoopbackServer, client: Any, tmp_path: pathlib.Path) -> None:
    import gzip

    data = b'{"custom_id": "request-1", "response": {"status_code": 200}}\n' * 3000
    server.reply(bytes_reply(gzip.compress(data), headers={"Content-Encoding": "gzip"}))
    calls: Progress = []
    client.download_file("file-abc").write_to_file(tmp_path / "out.jsonl", progress=lambda *c: calls.append(c))
    assert (tmp_path / "out.jsonl").read_bytes() == data
    assert all(total is None or done <= total for done, total in calls)
