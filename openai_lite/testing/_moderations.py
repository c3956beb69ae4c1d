"""Moderations: an input is flagged (violence) when it has a word starting with "kill"."""

from __future__ import annotations

import re
from typing import List, Tuple

from ._common import Area, Reply, Request, field, invalid_type, json_object, json_reply, route, text_of

_MODERATION_CATEGORIES = (
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
)
# The categories the API also applies to images.
_IMAGE_CATEGORIES = {
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "violence",
    "violence/graphic",
}
FLAG_WORD = re.compile(r"\bkill", re.IGNORECASE)


class Moderations(Area):
    @route("POST", r"/moderations")
    def create_moderation(self, request: Request) -> Reply:
        body = json_object(request)
        raw_input = field(body, "input", (str, list), "a string or an array", required=True)
        model = field(body, "model", str, "a string", default="omni-moderation-latest")
        self.fake._check_model(model)
        if isinstance(raw_input, str):
            inputs: List[Tuple[str, bool]] = [(raw_input, False)]
        elif all(isinstance(x, str) for x in raw_input):
            inputs = [(x, False) for x in raw_input]
        elif all(isinstance(x, dict) for x in raw_input):
            # Multi-modal input: text and image parts, judged together as one input.
            has_image = any(x.get("type") == "image_url" for x in raw_input)
            inputs = [(text_of(raw_input), has_image)]
        else:
            raise invalid_type("input", "a string, an array of strings or an array of objects", raw_input)

        results = []
        for text, has_image in inputs:
            flagged = bool(FLAG_WORD.search(text))
            results.append(
                {
                    "flagged": flagged,
                    "categories": {c: flagged and c == "violence" for c in _MODERATION_CATEGORIES},
                    "category_scores": {
                        c: 0.97 if flagged and c == "violence" else 0.0001 for c in _MODERATION_CATEGORIES
                    },
                    "category_applied_input_types": {
                        c: ["text", "image"] if has_image and c in _IMAGE_CATEGORIES else ["text"]
                        for c in _MODERATION_CATEGORIES
                    },
                }
            )
        return json_reply({"id": self.fake._next_id("modr-fake-"), "model": model, "results": results})
