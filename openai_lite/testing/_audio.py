"""Audio: speech (a few milliseconds of silence in each format, or its stream)."""

from __future__ import annotations

import base64
import struct

from ._common import APIError, Area, Reply, Request, count_words, field, json_object, route, sse, stream_reply


class Audio(Area):
    @route("POST", r"/audio/speech")
    def create_speech(self, request: Request) -> Reply:
        body = json_object(request)
        self.fake._check_model(field(body, "model", str, "a string", required=True))
        text = field(body, "input", str, "a string", required=True)
        field(body, "voice", (str, dict), "a string or an object", required=True)
        audio_format = field(body, "response_format", str, "a string", default="mp3")
        if audio_format not in _AUDIO:
            raise APIError(
                400,
                f"Invalid 'response_format': {audio_format!r} is not one of {', '.join(_AUDIO)}.",
                param="response_format",
                code="invalid_value",
            )
        stream_format = field(body, "stream_format", str, "a string", default="audio")
        if stream_format not in ("audio", "sse"):
            raise APIError(
                400,
                f"Invalid 'stream_format': {stream_format!r} is not one of 'audio', 'sse'.",
                param="stream_format",
                code="invalid_value",
            )
        content_type, data = _AUDIO[audio_format]
        if stream_format == "audio":
            return Reply(200, content_type, data)
        # The same audio as base64 in two delta events, then the usage.
        half = len(data) // 2
        events = [
            sse({"type": "speech.audio.delta", "audio": base64.b64encode(piece).decode("ascii")})
            for piece in (data[:half], data[half:])
        ]
        words = count_words(text)
        usage = {"input_tokens": words, "output_tokens": 2, "total_tokens": words + 2}
        events.append(sse({"type": "speech.audio.done", "usage": usage}))
        return stream_reply(events)


def _wav(samples: int, rate: int = 24000) -> bytes:
    """A mono 16-bit WAV file of ``samples`` samples of silence."""
    data = b"\0\0" * samples
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(data),
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        rate,
        rate * 2,
        2,
        16,
        b"data",
        len(data),
    )
    return header + data


# One MPEG-1 Layer III frame (128 kbit/s, 44.1 kHz, mono) of silence: 417 bytes.
_MP3 = b"\xff\xfb\x90\xc0" + b"\0" * 413

# What /audio/speech answers for each response_format: 10 ms of silence where the format is simple enough to
# build here (mp3, wav, pcm); for opus, aac and flac only the format's magic number, then zeros.
_AUDIO = {
    "mp3": ("audio/mpeg", _MP3),
    "opus": ("audio/opus", b"OggS" + b"\0" * 60),
    "aac": ("audio/aac", b"\xff\xf1" + b"\0" * 62),
    "flac": ("audio/flac", b"fLaC" + b"\0" * 60),
    "wav": ("audio/wav", _wav(240)),
    "pcm": ("audio/pcm", b"\0\0" * 240),
}
