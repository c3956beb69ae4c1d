"""Models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

from .._base_client import BaseClient, Timeout
from .._pagination import Page

if TYPE_CHECKING:
    from ..types.models import DeleteModelResponse, ListModelsResponse, Model


class ModelsAPI(BaseClient):
    """Model methods."""

    def list_models(
        self,
        *,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Optional[Timeout] = None,
    ) -> Page[ListModelsResponse, Model]:
        """List the models the key may use. Iterate the result for every model.

        ``GET /models``
        """
        from ..types.models import ListModelsResponse

        result: Page[ListModelsResponse, Model] = self._page(
            "/models",
            cast_to=ListModelsResponse,
            paging=("after", "last_id"),
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return result

    def retrieve_model(
        self,
        model: str,
        *,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Optional[Timeout] = None,
    ) -> Model:
        """Retrieve a model: its owner and creation time.

        ``GET /models/{model}``
        """
        from ..types.models import Model

        result: Model = self._request(
            "GET",
            "/models/{model}",
            path_params={"model": model},
            cast_to=Model,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return result

    def delete_model(
        self,
        model: str,
        *,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Optional[Timeout] = None,
    ) -> DeleteModelResponse:
        """Delete a fine-tuned model (organization owners only).

        ``DELETE /models/{model}``
        """
        from ..types.models import DeleteModelResponse

        result: DeleteModelResponse = self._request(
            "DELETE",
            "/models/{model}",
            path_params={"model": model},
            cast_to=DeleteModelResponse,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return result
