"""Tests of openai_lite/testing/_images.py: images on the FakeServer."""

from __future__ import annotations

import base64
import struct
import zlib
from typing import List

from _fake import assert_error, post, sse_events

import openai_lite
from openai_lite.testing import FakeServer


def png_pixels(data: bytes) -> List[bytes]:
    """The rows of an 8-bit greyscale PNG, checking its signature, chunk CRCs and header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = body
        pos += 12 + length
    assert list(chunks) == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 0)
    raw = zlib.decompress(chunks[b"IDAT"])
    rows = [raw[y * (width + 1) : (y + 1) * (width + 1)] for y in range(height)]
    assert all(row[0] == 0 for row in rows)  # filter type "none"
    return [row[1:] for row in rows]


def test_image_generation(fake: FakeServer) -> None:
    data = post(fake, "/images/generations", {"model": "gpt-image-1", "prompt": "a dot", "n": 2}).json()
    assert data["created"] == 1700000000
    assert len(data["data"]) == 2
    png = base64.b64decode(data["data"][0]["b64_json"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1, 1)
    url = post(fake, "/images/generations", {"prompt": "a dot", "response_format": "url"}).json()
    assert url["data"][0]["url"].startswith("data:image/png;base64,")


def test_image_stream(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    events = list(fake_client.create_image_stream(prompt="a dot", partial_images=3, size="1024x1536"))
    assert [e.type for e in events] == ["image_generation.partial_image"] * 3 + ["image_generation.completed"]
    assert [e.partial_image_index for e in events[:3]] == [0, 1, 2]
    assert all(
        (e.size, e.quality, e.background, e.output_format, e.created_at)
        == ("1024x1536", "high", "opaque", "png", 1700000000)
        for e in events
    )
    # Partial images: flat grey, lighter each time; the final one a checkerboard.
    for index, event in enumerate(events[:3]):
        assert png_pixels(base64.b64decode(event.b64_json)) == [bytes([64 * (index + 1)] * 8)] * 8
    final = png_pixels(base64.b64decode(events[-1].b64_json))
    assert final[0] == bytes([0, 255] * 4) and final[1] == bytes([255, 0] * 4) and len(final) == 8
    assert events[-1].usage.input_tokens == 2 and events[-1].usage.output_tokens == 64
    # Without partial images, only the final image; the named events are the event types.
    names = [e.event for e in sse_events(fake, "/images/generations", {"prompt": "a dot", "stream": True})]
    assert names == ["image_generation.completed"]
    assert_error(
        post(fake, "/images/generations", {"prompt": "a", "stream": True, "partial_images": 4}),
        400,
        "partial_images",
        "invalid_value",
    )
