"""Tests of openai_lite/testing/_audio.py: audio on the FakeServer."""

from __future__ import annotations

import base64
import io
import wave

from _fake import assert_error, post

import openai_lite
from openai_lite.testing import FakeServer


def test_speech(fake: FakeServer) -> None:
    body = {"model": "gpt-4o-mini-tts", "input": "Hello", "voice": "alloy"}
    mp3 = post(fake, "/audio/speech", body)
    assert mp3.status_code == 200
    assert mp3.headers["Content-Type"] == "audio/mpeg"
    assert mp3.content[:2] == b"\xff\xfb" and 100 < len(mp3.content) < 2000

    wav = post(fake, "/audio/speech", {**body, "response_format": "wav"})
    assert wav.headers["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(wav.content)) as audio:
        assert (audio.getnchannels(), audio.getsampwidth(), audio.getframerate()) == (1, 2, 24000)
        assert audio.getnframes() > 0

    for audio_format, magic in [("opus", b"OggS"), ("aac", b"\xff\xf1"), ("flac", b"fLaC"), ("pcm", b"\0\0")]:
        response = post(fake, "/audio/speech", {**body, "response_format": audio_format})
        assert response.headers["Content-Type"] == "audio/" + audio_format
        assert response.content.startswith(magic)
    assert_error(
        post(fake, "/audio/speech", {**body, "response_format": "ogg"}), 400, "response_format", "invalid_value"
    )


def test_speech_stream(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    body = {"model": "gpt-4o-mini-tts", "input": "Hello there", "voice": "alloy"}
    audio = post(fake, "/audio/speech", body).content
    events = list(fake_client.create_speech_stream(model="gpt-4o-mini-tts", input="Hello there", voice="alloy"))
    assert [e.type for e in events] == ["speech.audio.delta", "speech.audio.delta", "speech.audio.done"]
    assert b"".join(base64.b64decode(e.audio) for e in events[:2]) == audio  # the same audio, in pieces
    usage = events[-1].usage
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (2, 2, 4)
    assert_error(post(fake, "/audio/speech", {**body, "stream_format": "mp3"}), 400, "stream_format", "invalid_value")
