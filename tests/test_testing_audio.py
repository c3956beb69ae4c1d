"""Tests of openai_lite/testing/_audio.py: audio on the FakeServer."""

from __future__ import annotations

import base64
import io
import wave
from typing import Any

import pytest
import requests
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


def wav(seconds: float, rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(b"\0\0" * int(seconds * rate))
    return buffer.getvalue()


def transcribe(fake: FakeServer, path: str = "/audio/transcriptions", **fields: Any) -> requests.Response:
    data: Any = {"model": "gpt-4o-transcribe", **fields}
    files = {"file": ("hello.wav", wav(2.5), "audio/wav")}
    return requests.post(fake.base_url + path, files=files, data=data, timeout=10)


TEXT = "This is a fake transcript of hello.wav."


def test_transcription_json(fake_client: openai_lite.Client) -> None:
    result: Any = fake_client.create_transcription(file=("hello.wav", wav(2.5)), model="gpt-4o-transcribe")
    assert result.text == TEXT
    assert (result.usage.type, result.usage.output_tokens) == ("tokens", 7)
    whisper: Any = fake_client.create_transcription(file=("hello.wav", wav(2.5)), model="whisper-1")
    assert (whisper.usage.type, whisper.usage.seconds) == ("duration", 2)


@pytest.mark.parametrize(
    ("response_format", "expected"),
    [
        ("text", TEXT + "\n"),
        ("srt", f"1\n00:00:00,000 --> 00:00:02,500\n{TEXT}\n\n"),
        ("vtt", f"WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n{TEXT}\n\n"),
    ],
)
def test_transcription_text_formats(
    fake: FakeServer, fake_client: openai_lite.Client, response_format: str, expected: str
) -> None:
    response = transcribe(fake, response_format=response_format)
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text == expected
    result = fake_client.create_transcription(
        file=("hello.wav", wav(2.5)),
        model="gpt-4o-transcribe",
        response_format=response_format,  # type: ignore[arg-type]
    )
    assert result == expected


def test_transcription_verbose_json(fake: FakeServer) -> None:
    data = transcribe(fake, response_format="verbose_json", language="fr").json()
    assert (data["text"], data["language"], data["duration"]) == (TEXT, "fr", 2.5)
    (segment,) = data["segments"]
    assert (segment["start"], segment["end"], segment["text"].strip()) == (0.0, 2.5, TEXT)
    assert "words" not in data
    with_words = transcribe(
        fake, response_format="verbose_json", **{"timestamp_granularities[]": ["word", "segment"]}
    ).json()
    words = with_words["words"]
    assert [w["word"] for w in words] == ["This", "is", "a", "fake", "transcript", "of", "hello.wav"]
    assert words[0]["start"] == 0.0 and words[-1]["end"] == 2.5


def test_transcription_stream(fake_client: openai_lite.Client) -> None:
    events = list(fake_client.create_transcription_stream(file=("hello.wav", wav(1)), model="gpt-4o-mini-transcribe"))
    *deltas, done = events
    assert all(e.type == "transcript.text.delta" for e in deltas)
    assert "".join(e.delta for e in deltas) == TEXT
    assert (done.type, done.text) == ("transcript.text.done", TEXT)


@pytest.mark.parametrize("response_format", ["json", "text", "verbose_json"])
def test_translation(fake: FakeServer, response_format: str) -> None:
    response = transcribe(fake, "/audio/translations", model="whisper-1", response_format=response_format)
    text = "This is a fake English translation of hello.wav."
    if response_format == "text":
        assert response.text == text + "\n"
    else:
        assert response.json()["text"] == text
    if response_format == "verbose_json":
        assert (response.json()["language"], response.json()["duration"]) == ("english", 2.5)


def test_transcription_errors(fake: FakeServer) -> None:
    assert_error(transcribe(fake, model="gpt-9"), 404, None, "model_not_found")
    assert_error(transcribe(fake, response_format="mp3"), 400, "response_format", "invalid_value")
    no_file = requests.post(fake.base_url + "/audio/transcriptions", files={"model": (None, "whisper-1")}, timeout=10)
    assert_error(no_file, 400, "file", "missing_required_parameter")
    no_model = requests.post(fake.base_url + "/audio/translations", files={"file": ("a.wav", b"x")}, timeout=10)
    assert_error(no_model, 400, "model", "missing_required_parameter")
