"""``AzureClient``: the same methods as ``Client``, addressed the way Azure OpenAI wants.

Azure OpenAI serves the API under ``{endpoint}/openai``. Inference operations
are scoped to a model *deployment* (``/openai/deployments/{name}/chat/completions``),
everything else is not (``/openai/files``). Every request carries an
``api-version`` query parameter, and authenticates with either an ``api-key``
header or a Microsoft Entra ID token as ``Authorization: Bearer``.

Azure's newer ``/openai/v1/`` surface needs none of this: use a plain
``Client`` with ``base_url="https://<resource>.openai.azure.com/openai/v1/"``.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Mapping, Optional, TypeVar, Union

import requests

from ._base_client import Timeout, _arguments
from ._client import Client
from ._encoding import check_header, path_segment
from ._errors import OpenAIError
from ._transport import DEFAULT_MAX_RESPONSE_SIZE

__all__ = ["AzureClient"]

A = TypeVar("A", bound="AzureClient")

# The operations Azure scopes to a deployment, as listed in its inference API
# reference. Every other path lives directly under {endpoint}/openai.
DEPLOYMENT_PATHS = frozenset(
    {
        "/completions",
        "/chat/completions",
        "/embeddings",
        "/audio/speech",
        "/audio/transcriptions",
        "/audio/translations",
        "/images/generations",
        "/images/edits",
    }
)

_CREDENTIALS = ("api_key", "azure_ad_token", "azure_ad_token_provider")


class AzureClient(Client):
    """A client for Azure OpenAI: every ``Client`` method, sent to your Azure resource.

    ``AzureClient(*, azure_endpoint=None, azure_deployment=None,
    api_version=None, api_key=None, azure_ad_token=None,
    azure_ad_token_provider=None, base_url=None, timeout=None, max_retries=2,
    default_headers=None, default_query=None, session=None,
    initial_retry_delay=0.5, max_retry_delay=8.0,
    max_response_size=256 MiB)``

    ``azure_endpoint`` is ``https://<resource>.openai.azure.com`` (default
    ``AZURE_OPENAI_ENDPOINT``); ``base_url`` may replace it with the URL that
    stands for ``{endpoint}/openai`` (a gateway, say). ``api_version`` (default
    ``OPENAI_API_VERSION``) is sent as the ``api-version`` query parameter of
    every request.

    Chat completions, completions, embeddings, images (generations, edits) and
    audio (speech, transcriptions, translations) go to
    ``/openai/deployments/{deployment}/...``: the deployment is
    ``azure_deployment`` or, when that is not set, the ``model`` argument of
    the call. Everything else (files, batches, assistants, responses ...) goes
    to ``/openai/...``.

    Authenticate with one of: ``api_key`` (default ``AZURE_OPENAI_API_KEY``;
    sent as the ``api-key`` header; may be a callable), ``azure_ad_token`` (a
    Microsoft Entra ID token, sent as ``Authorization: Bearer``), or
    ``azure_ad_token_provider`` (a callable returning such a token, called for
    every request, e.g. ``azure.identity.get_bearer_token_provider(...)``).
    Neither the key nor the token ever appears in ``repr()`` or in errors.

    ``with_options`` keeps the Azure settings; changing one credential there
    drops the others.
    """

    # The OPENAI_* variables are meant for api.openai.com; Azure's are read below.
    ENVIRONMENT: Dict[str, str] = {}

    def __init__(
        self,
        *,
        azure_endpoint: Optional[str] = None,
        azure_deployment: Optional[str] = None,
        api_version: Optional[str] = None,
        api_key: Union[str, Callable[[], str], None] = None,
        azure_ad_token: Optional[str] = None,
        azure_ad_token_provider: Optional[Callable[[], str]] = None,
        base_url: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        max_retries: int = 2,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, Any]] = None,
        session: Optional[requests.Session] = None,
        initial_retry_delay: float = 0.5,
        max_retry_delay: float = 8.0,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        given = [
            name
            for name, value in zip(_CREDENTIALS, (api_key, azure_ad_token, azure_ad_token_provider))
            if value is not None
        ]
        if len(given) > 1:
            raise ValueError(f"pass only one of api_key, azure_ad_token and azure_ad_token_provider (got {given})")
        if not given:
            # The environment's key counts only when no credential was passed: code that
            # passes a token provider must not silently fall back to a key.
            api_key = os.environ.get("AZURE_OPENAI_API_KEY") or None
            if api_key is None:
                raise OpenAIError(
                    "No Azure credentials: pass api_key=... or set the AZURE_OPENAI_API_KEY environment "
                    "variable, or authenticate with Microsoft Entra ID through azure_ad_token=... or "
                    "azure_ad_token_provider=..."
                )
        if azure_ad_token is not None:
            check_header("azure_ad_token", azure_ad_token, secret=True)
        if azure_ad_token_provider is not None and not callable(azure_ad_token_provider):
            raise TypeError("azure_ad_token_provider must be a callable returning a token")

        if api_version is None:
            api_version = os.environ.get("OPENAI_API_VERSION")
        if not api_version:
            raise OpenAIError(
                "No Azure OpenAI API version: pass api_version=... (such as '2024-10-21') or set the "
                "OPENAI_API_VERSION environment variable."
            )
        if base_url is not None and azure_endpoint is not None:
            raise ValueError("pass azure_endpoint or base_url, not both")
        if base_url is None:
            if azure_endpoint is None:
                azure_endpoint = os.environ.get("AZURE_OPENAI_ENDPOINT")
            if not azure_endpoint:
                raise OpenAIError(
                    "No Azure OpenAI endpoint: pass azure_endpoint='https://<resource>.openai.azure.com' "
                    "or set the AZURE_OPENAI_ENDPOINT environment variable."
                )
            root = azure_endpoint.rstrip("/") + "/openai"
        else:
            root = base_url
        if azure_deployment is not None:
            path_segment("azure_deployment", azure_deployment)  # refuse an empty name now, not at the first call

        super().__init__(
            # Without a key, `client.api_key` says why instead of returning a placeholder.
            api_key=api_key if api_key is not None else _no_api_key,
            base_url=root,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query={**(default_query or {}), "api-version": api_version},
            session=session,
            initial_retry_delay=initial_retry_delay,
            max_retry_delay=max_retry_delay,
            max_response_size=max_response_size,
        )
        self.azure_endpoint = azure_endpoint.rstrip("/") if azure_endpoint else None
        self.azure_deployment = azure_deployment
        self.api_version = api_version
        self._azure_ad_token = azure_ad_token
        self._azure_ad_token_provider = azure_ad_token_provider
        # What with_options() starts from: every argument, as resolved above (the
        # environment read once; default_query without the api-version added to it).
        self._options = _arguments(AzureClient.__init__, locals())

    def with_options(self: A, **overrides: Any) -> A:
        """A copy of this client with some settings changed, sharing its session.

        Takes the constructor's keyword arguments. Passing one credential
        (``api_key``, ``azure_ad_token`` or ``azure_ad_token_provider``)
        replaces the one this client has; so does ``base_url`` for
        ``azure_endpoint`` and the other way round.
        """
        if any(name in overrides for name in _CREDENTIALS):
            overrides = {**dict.fromkeys(_CREDENTIALS), **overrides}
        if "base_url" in overrides or "azure_endpoint" in overrides:
            overrides = {"base_url": None, "azure_endpoint": None, **overrides}
        return super().with_options(**overrides)

    def __repr__(self) -> str:
        # Never the key or the token.
        where = f"azure_endpoint={self.azure_endpoint!r}" if self.azure_endpoint else f"base_url={self.base_url!r}"
        return (
            f"<{type(self).__module__.split('.')[0]}.{type(self).__name__} {where} "
            f"azure_deployment={self.azure_deployment!r} api_version={self.api_version!r}>"
        )

    # -- the hooks of BaseClient -------------------------------------------

    def _auth(self, admin: bool) -> Dict[str, str]:
        if admin:
            raise OpenAIError("Azure OpenAI has no administration API (organization, projects, users, usage ...).")
        token = self._azure_ad_token
        if token is None and self._azure_ad_token_provider is not None:
            token = self._azure_ad_token_provider()
            if not isinstance(token, str) or not token:
                raise TypeError(f"azure_ad_token_provider must return a non-empty str, got {type(token).__name__}")
            check_header("azure_ad_token", token, secret=True)
        if token is not None:
            return {"Authorization": f"Bearer {token}"}
        key = self.api_key
        check_header("api_key", key, secret=True)
        return {"api-key": key}

    def _url(self, path: str, body: Optional[Mapping[str, Any]]) -> str:
        if path.partition("?")[0] not in DEPLOYMENT_PATHS:
            return self._base_url + path
        deployment = self.azure_deployment
        if deployment is None:
            # The model argument names the deployment, as a JSON field or a multipart form field alike.
            deployment = (body or {}).get("model")
            if deployment is None:
                raise OpenAIError(
                    f"{path} on Azure needs a deployment: pass model=<deployment name> to the call "
                    "or azure_deployment=... to the AzureClient."
                )
        return f"{self._base_url}/deployments/{path_segment('deployment', deployment)}{path}"


def _no_api_key() -> str:
    raise OpenAIError("This AzureClient authenticates with a Microsoft Entra ID token; it has no API key.")
