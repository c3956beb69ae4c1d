"""Models: the ones the server knows, listed, retrieved and deleted (fine-tuning adds its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, List

from ._common import CREATED, APIError, Area, Reply, Request, deleted, json_reply, route

if TYPE_CHECKING:
    from ._server import FakeServer


class Models(Area):
    def __init__(self, fake: FakeServer, ids: Iterable[str]) -> None:
        super().__init__(fake)
        self._models: List[Dict[str, Any]] = []
        for model_id in ids:
            self.add(model_id, "openai-lite" if model_id == "fake-model" else "system")

    def add(self, model_id: str, owned_by: str) -> None:
        self._models.append({"id": model_id, "object": "model", "created": CREATED, "owned_by": owned_by})

    def knows(self, model_id: str) -> bool:
        return any(model["id"] == model_id for model in self._models)

    def _find(self, model_id: str) -> Dict[str, Any]:
        for model in self._models:
            if model["id"] == model_id:
                return model
        raise APIError(404, f"The model '{model_id}' does not exist", param="model", code="model_not_found")

    @route("GET", r"/models")
    def list_models(self, request: Request) -> Reply:
        return json_reply({"object": "list", "data": self._models})

    @route("GET", r"/models/([^/]+)")
    def retrieve_model(self, request: Request, model_id: str) -> Reply:
        return json_reply(self._find(model_id))

    @route("DELETE", r"/models/([^/]+)")
    def delete_model(self, request: Request, model_id: str) -> Reply:
        self._models.remove(self._find(model_id))
        return deleted(model_id, "model")
