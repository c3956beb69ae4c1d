"""Audio: speech (a few milliseconds of silence in each format, or its stream), transcriptions and translations.

A transcription reads ``This is a fake transcript of <file name>.`` (a translation: ``This is a fake
English translation of <file name>.``), as one segment lasting the audio's duration (read from a
WAV file's header; 1 second for other formats), its words spread evenly over it. Formats: json,
text, srt, verbose_json (segments, and words with ``timestamp_granularities[]=word``), vtt; a
transcription also streams (``stream=true``: ``transcript.text.delta`` events, then
``transcript.text.done``).
"""

from __future__ import annotations

import base64
import struct
from typing import Any, Dict, List, NamedTuple, Optional

from ._common import (
    Area,
    Part,
    Reply,
    Request,
    choice,
    count_words,
    field,
    form_file,
    form_text,
    json_object,
    json_reply,
    missing,
    multipart,
    not_one_of,
    route,
    sse,
    stream_reply,
)

_TEXT_FORMATS = ("json", "text", "srt", "verbose_json", "vtt")


class Audio(Area):
    @route("POST", r"/audio/speech")
    def create_speech(self, request: Request) -> Reply:
        body = json_object(request)
        self.fake._check_model(field(body, "model", str, "a string", required=True))
        text = field(body, "input", str, "a string", required=True)
        field(body, "voice", (str, dict), "a string or an object", required=True)
        audio_format = choice(body, "response_format", list(_AUDIO), "mp3")
        stream_format = choice(body, "stream_format", ("audio", "sse"), "audio")
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

    @route("POST", r"/audio/transcriptions")
    def create_transcription(self, request: Request) -> Reply:
        parts = multipart(request)
        heard = self._heard(parts)
        text = f"This is a fake transcript of {heard.audio.filename}."
        if form_text(parts, "stream") == "true":
            pieces = [word if i == 0 else " " + word for i, word in enumerate(text.split())]
            events = [sse({"type": "transcript.text.delta", "delta": piece, "logprobs": []}) for piece in pieces]
            usage = _tokens(len(heard.audio.content), len(pieces))
            events.append(sse({"type": "transcript.text.done", "text": text, "logprobs": [], "usage": usage}))
            return stream_reply(events)
        words = "word" in [p.text() for p in parts.get("timestamp_granularities[]", [])]
        return _transcript(heard, text, heard.language or "english", words)

    @route("POST", r"/audio/translations")
    def create_translation(self, request: Request) -> Reply:
        heard = self._heard(multipart(request))
        return _transcript(heard, f"This is a fake English translation of {heard.audio.filename}.", "english", False)

    def _heard(self, parts: Dict[str, List[Part]]) -> _Heard:
        audio = form_file(parts, "file")
        model = form_text(parts, "model")
        if model is None:
            raise missing("model")
        self.fake._check_model(model)
        text_format = form_text(parts, "response_format") or "json"
        if text_format not in _TEXT_FORMATS:
            raise not_one_of("response_format", text_format, _TEXT_FORMATS)
        return _Heard(audio, model, text_format, form_text(parts, "language"), _duration(audio.content))


class _Heard(NamedTuple):
    """A transcription or translation request: the audio, the model, the format asked for."""

    audio: Part
    model: str
    text_format: str
    language: Optional[str]
    duration: float


def _duration(audio: bytes) -> float:
    """Seconds of audio: from a WAV file's header, else 1."""
    if audio[:4] == b"RIFF" and audio[8:12] == b"WAVE" and len(audio) >= 44:
        (byte_rate,) = struct.unpack("<I", audio[28:32])
        (data_size,) = struct.unpack("<I", audio[40:44]) if audio[36:40] == b"data" else (len(audio) - 44,)
        if byte_rate:
            return round(float(data_size) / float(byte_rate), 3)
    return 1.0


def _tokens(audio_bytes: int, text_tokens: int) -> Dict[str, Any]:
    """Token usage: the audio counts a token per 1,000 bytes."""
    audio_tokens = max(1, audio_bytes // 1000)
    return {
        "type": "tokens",
        "input_tokens": audio_tokens,
        "input_token_details": {"text_tokens": 0, "audio_tokens": audio_tokens},
        "output_tokens": text_tokens,
        "total_tokens": audio_tokens + text_tokens,
    }


def _clock(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3600000:02d}:{millis // 60000 % 60:02d}:{millis // 1000 % 60:02d}{separator}{millis % 1000:03d}"


def _transcript(heard: _Heard, text: str, language: str, words: bool) -> Reply:
    """``text`` in the format ``heard`` asks for."""
    text_format, duration = heard.text_format, heard.duration
    if text_format == "text":
        return Reply(200, "text/plain; charset=utf-8", (text + "\n").encode("utf-8"))
    if text_format == "srt":
        cue = f"1\n{_clock(0, ',')} --> {_clock(duration, ',')}\n{text}\n\n"
        return Reply(200, "text/plain; charset=utf-8", cue.encode("utf-8"))
    if text_format == "vtt":
        cue = f"WEBVTT\n\n{_clock(0, '.')} --> {_clock(duration, '.')}\n{text}\n\n"
        return Reply(200, "text/plain; charset=utf-8", cue.encode("utf-8"))
    usage: Optional[Dict[str, Any]]
    if heard.model == "whisper-1":
        usage = {"type": "duration", "seconds": max(1, round(duration))}
    else:
        usage = _tokens(len(heard.audio.content), count_words(text))
    if text_format == "json":
        return json_reply({"text": text, "usage": usage})
    segment = {
        "id": 0,
        "seek": 0,
        "start": 0.0,
        "end": duration,
        "text": " " + text,
        "tokens": list(range(50364, 50364 + count_words(text))),
        "temperature": 0.0,
        "avg_logprob": -0.1,
        "compression_ratio": 1.0,
        "no_speech_prob": 0.0,
    }
    verbose: Dict[str, Any] = {
        "task": "transcribe",
        "language": language,
        "duration": duration,
        "text": text,
        "segments": [segment],
        "usage": {"type": "duration", "seconds": max(1, round(duration))},
    }
    if words:
        each = duration / max(1, count_words(text))
        verbose["words"] = [
            {"word": word.strip(".,"), "start": round(i * each, 3), "end": round((i + 1) * each, 3)}
            for i, word in enumerate(text.split())
        ]
    return json_reply(verbose)


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
