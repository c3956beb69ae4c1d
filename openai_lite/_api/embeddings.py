"""Embeddings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Literal, Mapping, Optional, Union

from .._base_client import BaseClient, Timeout

if TYPE_CHECKING:
    from ..types.embeddings import CreateEmbeddingResponse


class EmbeddingsAPI(BaseClient):
    """Embedding methods."""

    def create_embedding(
        self,
        *,
        input: Union[str, List[str], List[int], List[List[int]]],
        model: str,
        dimensions: Optional[int] = None,
        encoding_format: Optional[Literal["float", "base64"]] = None,
        user: Optional[str] = None,
        extra_headers: Optional[Mapping[str, Optional[str]]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Optional[Timeout] = None,
    ) -> CreateEmbeddingResponse:
        """Create an embedding vector representing the input text.

        ``POST /embeddings``
        """
        from ..types.embeddings import CreateEmbeddingResponse

        result: CreateEmbeddingResponse = self._request(
            "POST",
            "/embeddings",
            body={
                "input": input,
                "model": model,
                "dimensions": dimensions,
                "encoding_format": encoding_format,
                "user": user,
            },
            cast_to=CreateEmbeddingResponse,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return result
