"""Tests of openai_lite/testing/_moderations.py: moderations on the FakeServer."""

from __future__ import annotations

from _fake import post

from openai_lite.testing import FakeServer

CATEGORIES = {
    "hate",
    "hate/threatening",
    "harassment",
    "harassment/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
}


def test_moderation(fake: FakeServer) -> None:
    data = post(fake, "/moderations", {"input": ["Have a nice day", "I will KILL the process", "skill"]}).json()
    assert (data["id"], data["model"]) == ("modr-fake-1", "omni-moderation-latest")
    assert [r["flagged"] for r in data["results"]] == [False, True, False]
    for result in data["results"]:
        assert sorted(result) == ["categories", "category_applied_input_types", "category_scores", "flagged"]
        assert set(result["categories"]) == set(result["category_scores"]) == CATEGORIES
        assert set(result["category_applied_input_types"]) == CATEGORIES
    flagged = data["results"][1]
    assert [c for c, on in flagged["categories"].items() if on] == ["violence"]
    assert flagged["category_scores"]["violence"] > 0.5
    assert not any(data["results"][0]["categories"].values())


def test_moderation_single_and_multimodal(fake: FakeServer) -> None:
    single = post(fake, "/moderations", {"input": "kill", "model": "text-moderation-latest"}).json()
    assert single["model"] == "text-moderation-latest" and len(single["results"]) == 1
    parts = [{"type": "text", "text": "nice picture"}, {"type": "image_url", "image_url": {"url": "data:,"}}]
    (result,) = post(fake, "/moderations", {"input": parts}).json()["results"]
    assert result["flagged"] is False
    assert result["category_applied_input_types"]["violence"] == ["text", "image"]
    assert result["category_applied_input_types"]["hate"] == ["text"]
