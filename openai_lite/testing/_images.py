"""Images: tiny PNGs, and streams of partial images."""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any, Dict, List

from ._common import (
    CREATED,
    Area,
    Reply,
    Request,
    bounded,
    count_words,
    field,
    json_object,
    json_reply,
    route,
    sse,
    stream_reply,
)

# A 1x1 transparent PNG.
_PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="


class Images(Area):
    @route("POST", r"/images/generations")
    def create_image(self, request: Request) -> Reply:
        body = json_object(request)
        self.fake._check_model(field(body, "model", str, "a string", default="gpt-image-1"))
        prompt = field(body, "prompt", str, "a string", required=True)
        n = bounded(body, "n", 1, 10, 1)
        if field(body, "stream", bool, "a boolean"):
            return self._image_stream(body, prompt)
        if body.get("response_format") == "url":
            image = {"url": "data:image/png;base64," + _PNG_B64}
        else:
            image = {"b64_json": _PNG_B64}
        return json_reply({"created": CREATED, "data": [dict(image) for _ in range(n)]})

    def _image_stream(self, body: Dict[str, Any], prompt: str) -> Reply:
        """``partial_images`` partial image events, then the completed one (always one PNG image)."""
        partials = bounded(body, "partial_images", 0, 3, 0)

        def setting(key: str, default: str) -> str:
            value = body.get(key)
            return default if value in (None, "auto") else str(value)

        common = {
            "created_at": CREATED,
            "size": setting("size", "1024x1024"),
            "quality": setting("quality", "high"),
            "background": setting("background", "opaque"),
            "output_format": "png",
        }
        events = []
        for index in range(partials):
            # Grey, lighter with each partial image: a stand-in for an image getting sharper.
            grey = _png([[64 * (index + 1)] * 8] * 8)
            event = {"type": "image_generation.partial_image", "b64_json": grey, **common, "partial_image_index": index}
            events.append(sse(event, "image_generation.partial_image"))
        words = count_words(prompt)
        usage = {
            "total_tokens": words + 64,
            "input_tokens": words,
            "output_tokens": 64,
            "input_tokens_details": {"text_tokens": words, "image_tokens": 0},
        }
        final = _png([[255 if (x + y) % 2 else 0 for x in range(8)] for y in range(8)])
        events.append(
            sse(
                {"type": "image_generation.completed", "b64_json": final, **common, "usage": usage},
                "image_generation.completed",
            )
        )
        return stream_reply(events)


def _png(rows: List[List[int]]) -> str:
    """A greyscale PNG of ``rows`` of pixel levels (0-255), base64-encoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    data = b"".join(b"\0" + bytes(row) for row in rows)  # each row: filter type 0, then its pixels
    header = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 8, 0, 0, 0, 0)  # 8-bit greyscale
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(data)) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode("ascii")
