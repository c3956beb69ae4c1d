"""Tests of openai_lite/testing/_videos.py: video jobs that progress, and their content, on the FakeServer."""

from __future__ import annotations

import warnings
from typing import Any, Iterator

import pytest
import requests
from _fake import assert_error, post

import openai_lite
from openai_lite.testing import FakeServer


@pytest.fixture(autouse=True)
def _deprecated_is_fine() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the spec marks the videos API deprecated
        yield


def test_a_video_completes_over_retrieves(fake_client: openai_lite.Client) -> None:
    video = fake_client.create_video(prompt="A river at dawn", seconds="8", size="1280x720")
    assert (video.id, video.status, video.progress, video.model) == ("video_fake_1", "queued", 0, "sora-2")
    assert (video.seconds, video.size, video.prompt) == ("8", "1280x720", "A river at dawn")
    progress = [(v.status, v.progress) for v in (fake_client.get_video(video.id) for _ in range(3))]
    assert progress == [("in_progress", 50), ("completed", 100), ("completed", 100)]
    done = fake_client.get_video(video.id)
    assert (done.completed_at, done.expires_at) == (1700000000, 1700000000 + 86400)


@pytest.mark.parametrize(
    ("variant", "content_type", "magic"),
    [
        ("video", "video/mp4", b"\x00\x00\x00\x18ftyp"),
        ("thumbnail", "image/webp", b"RIFF"),
        ("spritesheet", "image/jpeg", b"\xff\xd8"),
    ],
)
def test_content(
    fake: FakeServer, fake_client: openai_lite.Client, variant: str, content_type: str, magic: bytes
) -> None:
    video = fake_client.create_video(prompt="A river")
    url = f"{fake.base_url}/videos/{video.id}/content"
    assert_error(requests.get(url, params={"variant": variant}, timeout=10), 400, None, None)  # not ready
    for _ in range(2):
        fake_client.get_video(video.id)
    response = requests.get(url, params={"variant": variant}, timeout=10)
    assert response.headers["Content-Type"] == content_type and response.content.startswith(magic)
    assert fake_client.retrieve_video_content(video.id, variant=variant).content == response.content  # type: ignore[arg-type]


def test_a_flagged_prompt_fails(fake_client: openai_lite.Client) -> None:
    video = fake_client.create_video(prompt="kill everything")
    failed = fake_client.get_video(video.id)
    assert failed.status == "failed"
    assert failed.error is not None and failed.error.code == "moderation_blocked"
    assert fake_client.get_video(video.id).status == "failed"


def test_remix_list_delete(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    video = fake_client.create_video(prompt="A river", model="sora-2-pro")
    assert_error(post(fake, f"/videos/{video.id}/remix", {"prompt": "At night"}), 400, None, None)  # not ready
    for _ in range(2):
        fake_client.get_video(video.id)
    remix = fake_client.create_video_remix(video.id, prompt="At night")
    assert (remix.remixed_from_video_id, remix.model, remix.prompt, remix.status) == (
        video.id,
        "sora-2-pro",
        "At night",
        "queued",
    )
    assert [v.id for v in fake_client.list_videos()] == [remix.id, video.id]
    assert fake_client.delete_video(video.id).deleted is True
    assert_error(requests.get(f"{fake.base_url}/videos/{video.id}", timeout=10), 404, "video_id", None)


def test_multipart_create_and_errors(fake: FakeServer) -> None:
    created = requests.post(
        fake.base_url + "/videos",
        files={"input_reference": ("ref.png", b"\x89PNG", "image/png")},
        data={"prompt": "From a picture", "seconds": "12"},
        timeout=10,
    ).json()
    assert (created["prompt"], created["seconds"], created["status"]) == ("From a picture", "12", "queued")
    assert_error(post(fake, "/videos", {}), 400, "prompt", "missing_required_parameter")
    assert_error(post(fake, "/videos", {"prompt": "x", "seconds": "5"}), 400, "seconds", "invalid_value")
    assert_error(post(fake, "/videos", {"prompt": "x", "size": "1x1"}), 400, "size", "invalid_value")
    assert_error(post(fake, "/videos", {"prompt": "x", "model": "sora-9"}), 404, None, "model_not_found")


def test_content_variant_is_checked(fake: FakeServer, fake_client: Any) -> None:
    video = fake_client.create_video(prompt="A river")
    response = requests.get(f"{fake.base_url}/videos/{video.id}/content", params={"variant": "gif"}, timeout=10)
    assert_error(response, 400, "variant", "invalid_value")
