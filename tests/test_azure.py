"""``openai_lite.AzureClient``: URLs, ``api-version``, both ways to authenticate, settings from the
environment, errors, and Azure's ``/openai/v1/`` surface through a plain ``Client``.

Everything runs against the loopback server; what it received is the truth.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any, Callable, Dict, Iterator, List

import pytest
from _loopback import LoopbackServer, bytes_reply, json_reply, sse_event, sse_reply

import openai_lite
from openai_lite import AuthenticationError, AzureClient, OpenAIError

VERSION = "2024-10-21"
KEY = "azure-key-0123456789"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.entra-token"
MESSAGES = [{"role": "user", "content": "Hello"}]

CHAT = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi!"}}],
}
CHUNK = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}],
}
EMBEDDING = {
    "object": "list",
    "model": "text-embedding-3-small",
    "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}],
    "usage": {"prompt_tokens": 1, "total_tokens": 1},
}
IMAGES = {"created": 1700000000, "data": [{"url": "https://example.com/a.png"}]}
FILE = {"id": "file-1", "object": "file", "bytes": 3, "created_at": 1, "filename": "a.jsonl", "purpose": "batch"}


@pytest.fixture
def make_azure(server: LoopbackServer) -> Iterator[Callable[..., AzureClient]]:
    """``make_azure(**kwargs)``: an ``AzureClient`` for the loopback server (closed at teardown).

    Defaults: ``azure_endpoint=server.url``, ``api_version=VERSION``, ``api_key=KEY``, ``max_retries=0``.
    Pass ``api_key=None`` (with a token) or any other option to change them.
    """
    made: List[AzureClient] = []

    def make(**kwargs: Any) -> AzureClient:
        options: Dict[str, Any] = {"azure_endpoint": server.url, "api_version": VERSION, "max_retries": 0}
        if not {"azure_ad_token", "azure_ad_token_provider"} & kwargs.keys():
            options["api_key"] = KEY
        options.update(kwargs)
        client = AzureClient(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def assert_key_auth(request: Any, key: str = KEY) -> None:
    assert request.headers["api-key"] == key
    assert "authorization" not in request.headers


def assert_token_auth(request: Any, token: str = TOKEN) -> None:
    assert request.headers["authorization"] == f"Bearer {token}"
    assert "api-key" not in request.headers


# ---------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------


def test_chat_completion_goes_to_the_deployment_given_to_the_client(server: LoopbackServer, make_azure: Any) -> None:
    server.reply(json_reply(CHAT))
    client = make_azure(azure_deployment="my-gpt4o")

    reply = client.create_chat_completion(model="gpt-4o-mini", messages=MESSAGES)

    assert reply.choices[0].message.content == "Hi!"
    request = server.last_request
    assert request.method == "POST"
    assert request.target == f"/openai/deployments/my-gpt4o/chat/completions?api-version={VERSION}"
    assert request.json() == {"messages": MESSAGES, "model": "gpt-4o-mini"}  # the body is unchanged
    assert_key_auth(request)


def test_without_azure_deployment_the_model_argument_names_the_deployment(
    server: LoopbackServer, make_azure: Any
) -> None:
    server.reply(json_reply(CHAT), json_reply(CHAT))
    client = make_azure()

    client.create_chat_completion(model="prod-chat", messages=MESSAGES)
    # One path segment whatever the name holds: "/" and spaces are escaped, ".." cannot climb.
    client.create_chat_completion(model="a/b c", messages=MESSAGES)

    assert server.requests[0].target == f"/openai/deployments/prod-chat/chat/completions?api-version={VERSION}"
    assert server.requests[1].target == f"/openai/deployments/a%2Fb%20c/chat/completions?api-version={VERSION}"


def test_dot_segment_model_stays_inside_deployments(server: LoopbackServer, make_azure: Any) -> None:
    server.reply(json_reply(CHAT))
    make_azure().create_chat_completion(model="..", messages=MESSAGES)
    assert server.last_request.path == "/openai/deployments/%2E%2E/chat/completions"


@pytest.mark.parametrize("deployment", [None, "dep"])
def test_every_deployment_scoped_operation(server: LoopbackServer, make_azure: Any, deployment: Any) -> None:
    @server.handler
    def reply(request: Any) -> Any:
        if request.path.endswith("/audio/speech"):
            return bytes_reply(b"ID3audio", content_type="audio/mpeg")
        if "/images/" in request.path:
            return json_reply(IMAGES)
        return json_reply(EMBEDDING if request.path.endswith("/embeddings") else {"text": "hi"})

    client = make_azure(azure_deployment=deployment)

    client.create_completion(model="m-completions", prompt="Say")
    client.create_embedding(model="m-embeddings", input="text")
    client.create_image(model="m-generations", prompt="a cat")
    client.create_image_edit(model="m-edits", image=("cat.png", b"\x89PNG"), prompt="add a hat", images=[])
    assert client.create_speech(model="m-speech", input="Hi", voice="alloy").content == b"ID3audio"
    client.create_transcription(model="m-transcriptions", file=("a.mp3", b"ID3"))
    client.create_translation(model="m-translations", file=("a.mp3", b"ID3"))

    operations = [
        "completions",
        "embeddings",
        "images/generations",
        "images/edits",
        "audio/speech",
        "audio/transcriptions",
        "audio/translations",
    ]
    expected = [
        f"/openai/deployments/{deployment or 'm-' + op.split('/')[-1]}/{op}?api-version={VERSION}" for op in operations
    ]
    assert [r.target for r in server.requests] == expected
    for request in server.requests:
        assert_key_auth(request)
    # For the multipart uploads the deployment came from the "model" form field.
    fields = {p.name: p.text for p in server.requests[5].multipart() if p.filename is None}
    assert fields["model"] == "m-transcriptions"


def test_streaming_chat_completion(server: LoopbackServer, make_azure: Any) -> None:
    server.reply(sse_reply([sse_event(CHUNK), "data: [DONE]\n\n"]))
    client = make_azure()

    chunks = list(client.create_chat_completion_stream(model="stream-dep", messages=MESSAGES))

    assert [c.choices[0].delta.content for c in chunks] == ["Hi"]
    assert server.last_request.target == f"/openai/deployments/stream-dep/chat/completions?api-version={VERSION}"
    assert server.last_request.json()["stream"] is True


def test_other_operations_are_not_deployment_scoped(server: LoopbackServer, make_azure: Any) -> None:
    assistant = {"id": "asst_1", "object": "assistant", "created_at": 1, "model": "gpt-4o", "tools": []}
    batch = {"id": "batch_1", "object": "batch", "endpoint": "/v1/chat/completions", "status": "validating"}
    server.reply(
        json_reply({"object": "list", "data": [FILE], "has_more": False}),
        json_reply(FILE),
        json_reply(batch),
        json_reply(assistant),
        json_reply({"id": "resp_1", "object": "response", "output": []}),
        json_reply({"object": "list", "data": []}),
        json_reply({"id": "ftjob-1", "object": "fine_tuning.job", "model": "gpt-4o-mini"}),
        json_reply({"id": "vs_1", "object": "vector_store"}),
    )
    # Even with a deployment set: these operations have none.
    client = make_azure(azure_deployment="dep")

    list(client.list_files())
    client.retrieve_file("file-1")
    client.create_batch(input_file_id="file-1", endpoint="/v1/chat/completions", completion_window="24h")
    with pytest.warns(DeprecationWarning):
        client.create_assistant(model="gpt-4o")  # a model in the body does not make it deployment-scoped
    client.create_response(model="gpt-4o", input="Hi")
    list(client.list_models())
    client.create_fine_tuning_job(model="gpt-4o-mini", training_file="file-1")
    client.create_vector_store(name="docs")

    assert [(r.method, r.target) for r in server.requests] == [
        ("GET", f"/openai/files?api-version={VERSION}"),
        ("GET", f"/openai/files/file-1?api-version={VERSION}"),
        ("POST", f"/openai/batches?api-version={VERSION}"),
        ("POST", f"/openai/assistants?api-version={VERSION}"),
        ("POST", f"/openai/responses?api-version={VERSION}"),
        ("GET", f"/openai/models?api-version={VERSION}"),
        ("POST", f"/openai/fine_tuning/jobs?api-version={VERSION}"),
        ("POST", f"/openai/vector_stores?api-version={VERSION}"),
    ]
    for request in server.requests:
        assert_key_auth(request)


def test_api_version_is_on_every_request_next_pages_and_query_parameters_included(
    server: LoopbackServer, make_azure: Any
) -> None:
    second = dict(FILE, id="file-2")
    server.reply(
        json_reply({"object": "list", "data": [FILE], "has_more": True, "last_id": "file-1"}),
        json_reply({"object": "list", "data": [second], "has_more": False}),
    )
    client = make_azure(default_query={"team": "blue"})

    ids = [f.id for f in client.list_files(purpose="batch", limit=1)]

    assert ids == ["file-1", "file-2"]
    first, next_page = server.requests
    assert first.query == {"team": ["blue"], "api-version": [VERSION], "purpose": ["batch"], "limit": ["1"]}
    assert next_page.query["api-version"] == [VERSION]
    assert next_page.query["after"] == ["file-1"]


def test_extra_query_may_override_the_api_version_for_one_call(server: LoopbackServer, make_azure: Any) -> None:
    server.reply(json_reply(CHAT))
    make_azure().create_chat_completion(model="d", messages=MESSAGES, extra_query={"api-version": "2025-04-01-preview"})
    assert server.last_request.query == {"api-version": ["2025-04-01-preview"]}


def test_base_url_replaces_the_endpoint_for_gateways(server: LoopbackServer, make_azure: Any) -> None:
    server.reply(json_reply(CHAT), json_reply({"object": "list", "data": [], "has_more": False}))
    client = make_azure(azure_endpoint=None, base_url=server.url + "/gateway/aoai/")

    client.create_chat_completion(model="d", messages=MESSAGES)
    list(client.list_files())

    assert server.requests[0].path == "/gateway/aoai/deployments/d/chat/completions"
    assert server.requests[1].path == "/gateway/aoai/files"
    assert "base_url=" in repr(client)


def test_a_deployment_scoped_call_without_model_or_deployment_is_refused(
    server: LoopbackServer, make_azure: Any
) -> None:
    with pytest.raises(OpenAIError, match=r"/images/generations on Azure needs a deployment.*azure_deployment"):
        make_azure().create_image(prompt="a cat")  # model is optional in the API
    assert server.requests == []


# ---------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------


def test_static_entra_token_is_a_bearer_token(server: LoopbackServer, make_azure: Any) -> None:
    server.reply(json_reply(CHAT), json_reply({"object": "list", "data": [], "has_more": False}))
    client = make_azure(azure_ad_token=TOKEN)

    client.create_chat_completion(model="d", messages=MESSAGES)
    list(client.list_files())

    for request in server.requests:
        assert_token_auth(request)
        assert request.query["api-version"] == [VERSION]
    with pytest.raises(OpenAIError, match="Entra ID token; it has no API key"):
        _ = client.api_key


def test_token_provider_is_called_for_every_request(server: LoopbackServer, make_azure: Any) -> None:
    calls: List[int] = []

    def provider() -> str:
        calls.append(len(calls))
        return f"token-{len(calls)}"

    server.reply(json_reply(CHAT), json_reply(CHAT), json_reply(CHAT))
    client = make_azure(azure_ad_token_provider=provider)
    assert calls == []  # not at construction

    for _ in range(3):
        client.create_chat_completion(model="d", messages=MESSAGES)

    assert [r.headers["authorization"] for r in server.requests] == [
        "Bearer token-1",
        "Bearer token-2",
        "Bearer token-3",
    ]
    assert all("api-key" not in r.headers for r in server.requests)


def test_a_retry_resends_the_token_of_its_request(server: LoopbackServer, make_azure: Any) -> None:
    tokens = iter(["first", "second"])
    server.reply(json_reply({"error": {"message": "busy"}}, 503, {"retry-after-ms": "1"}), json_reply(CHAT))
    client = make_azure(azure_ad_token_provider=lambda: next(tokens), max_retries=1)

    client.create_chat_completion(model="d", messages=MESSAGES)

    # One call, one token: the retry resends the prepared request (a token outlives any retry wait).
    assert [r.headers["authorization"] for r in server.requests] == ["Bearer first", "Bearer first"]


def test_callable_api_key_is_called_per_request(server: LoopbackServer, make_azure: Any) -> None:
    keys = iter(["key-a", "key-b"])
    server.reply(json_reply(CHAT), json_reply(CHAT))
    client = make_azure(api_key=lambda: next(keys))

    client.create_chat_completion(model="d", messages=MESSAGES)
    client.create_chat_completion(model="d", messages=MESSAGES)

    assert [r.headers["api-key"] for r in server.requests] == ["key-a", "key-b"]


@pytest.mark.parametrize("bad", ["", None, 42])
def test_token_provider_must_return_a_non_empty_string(server: LoopbackServer, make_azure: Any, bad: Any) -> None:
    client = make_azure(azure_ad_token_provider=lambda: bad)
    with pytest.raises(TypeError, match="azure_ad_token_provider must return a non-empty str"):
        client.create_chat_completion(model="d", messages=MESSAGES)
    assert server.requests == []


def test_token_with_a_newline_is_refused_without_quoting_it(make_azure: Any) -> None:
    with pytest.raises(ValueError, match="azure_ad_token") as caught:
        make_azure(azure_ad_token="secret-token\n")
    assert "secret-token" not in str(caught.value)


def test_only_one_credential_may_be_passed(make_azure: Any) -> None:
    with pytest.raises(ValueError, match="only one of api_key, azure_ad_token and azure_ad_token_provider"):
        make_azure(api_key=KEY, azure_ad_token=TOKEN)
    with pytest.raises(ValueError, match="only one of"):
        make_azure(azure_ad_token=TOKEN, azure_ad_token_provider=lambda: TOKEN)


def test_administration_operations_are_refused(server: LoopbackServer, make_azure: Any) -> None:
    with pytest.raises(OpenAIError, match="Azure OpenAI has no administration API"):
        make_azure().list_audit_logs()
    assert server.requests == []


# ---------------------------------------------------------------------------
# Environment and missing settings
# ---------------------------------------------------------------------------


def test_settings_come_from_the_environment(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.url + "/")
    monkeypatch.setenv("OPENAI_API_VERSION", "2025-01-01-preview")
    # Meant for api.openai.com: none of it may reach Azure.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-1")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-1")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    server.reply(json_reply(CHAT))

    with AzureClient(max_retries=0) as client:
        client.create_chat_completion(model="env-dep", messages=MESSAGES)

    request = server.last_request
    assert request.target == "/openai/deployments/env-dep/chat/completions?api-version=2025-01-01-preview"
    assert_key_auth(request, "env-key")
    sent = " ".join(f"{k}: {v}" for k, v in request.raw_headers)
    for value in ("sk-openai", "sk-admin", "org-1", "proj-1"):
        assert value not in sent
    assert client.organization is None and client.project is None


def test_a_passed_token_provider_wins_over_the_environment_key(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, make_azure: Any
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    server.reply(json_reply(CHAT))
    make_azure(azure_ad_token_provider=lambda: TOKEN).create_chat_completion(model="d", messages=MESSAGES)
    assert_token_auth(server.last_request)


def test_arguments_win_over_the_environment(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("OPENAI_API_VERSION", "2023-05-15")
    server.reply(json_reply(CHAT))
    with AzureClient(azure_endpoint=server.url, api_version=VERSION, api_key=KEY, max_retries=0) as client:
        client.create_chat_completion(model="d", messages=MESSAGES)
    assert server.last_request.query == {"api-version": [VERSION]}
    assert_key_auth(server.last_request)


@pytest.mark.parametrize("env_key", [None, ""])
def test_no_credentials_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, env_key: Any) -> None:
    if env_key is not None:
        monkeypatch.setenv("AZURE_OPENAI_API_KEY", env_key)  # set but empty counts as unset
    with pytest.raises(OpenAIError) as caught:
        AzureClient(azure_endpoint="https://res.openai.azure.com", api_version=VERSION)
    message = str(caught.value)
    for name in ("AZURE_OPENAI_API_KEY", "azure_ad_token", "azure_ad_token_provider"):
        assert name in message


def test_no_endpoint_is_a_clear_error() -> None:
    with pytest.raises(OpenAIError, match=r"azure_endpoint=.*AZURE_OPENAI_ENDPOINT"):
        AzureClient(api_key=KEY, api_version=VERSION)


def test_no_api_version_is_a_clear_error() -> None:
    with pytest.raises(OpenAIError, match=r"api_version=.*OPENAI_API_VERSION"):
        AzureClient(azure_endpoint="https://res.openai.azure.com", api_key=KEY)


def test_endpoint_and_base_url_are_exclusive() -> None:
    with pytest.raises(ValueError, match="azure_endpoint or base_url"):
        AzureClient(azure_endpoint="https://a", base_url="https://b/openai", api_key=KEY, api_version=VERSION)


# ---------------------------------------------------------------------------
# Secrets stay secret
# ---------------------------------------------------------------------------


def test_repr_shows_the_azure_settings_but_no_secret(make_azure: Any, server: LoopbackServer) -> None:
    for client in (make_azure(azure_deployment="dep"), make_azure(azure_ad_token=TOKEN)):
        text = repr(client)
        assert text.startswith("<openai_lite.AzureClient ")
        assert f"azure_endpoint={server.url!r}" in text
        assert f"api_version={VERSION!r}" in text
        assert KEY not in text and TOKEN not in text


@pytest.mark.parametrize("auth", ["key", "token"])
def test_an_echoed_credential_is_redacted_from_errors(server: LoopbackServer, make_azure: Any, auth: str) -> None:
    secret = KEY if auth == "key" else TOKEN
    client = make_azure() if auth == "key" else make_azure(azure_ad_token_provider=lambda: TOKEN)
    server.reply(json_reply({"error": {"code": "401", "message": f"Access denied: bad credential {secret}."}}, 401))

    with pytest.raises(AuthenticationError) as caught:
        client.create_chat_completion(model="d", messages=MESSAGES)

    assert secret not in str(caught.value)
    assert "bad credential ***" in str(caught.value)


# ---------------------------------------------------------------------------
# with_options
# ---------------------------------------------------------------------------


def test_with_options_keeps_the_azure_settings(server: LoopbackServer, make_azure: Any) -> None:
    server.reply(json_reply(CHAT), json_reply(CHAT), json_reply(CHAT))
    client = make_azure(azure_deployment="dep", default_query={"team": "blue"}, default_headers={"x-app": "t"})

    copy = client.with_options(timeout=7, max_retries=1)
    assert type(copy) is AzureClient
    assert copy.timeout == 7.0 and copy.max_retries == 1
    assert copy.session is client.session
    copy.create_chat_completion(model="other", messages=MESSAGES)

    other = client.with_options(azure_deployment="dep-2", api_version="2025-04-01-preview")
    other.create_chat_completion(model="other", messages=MESSAGES)

    client.create_chat_completion(model="other", messages=MESSAGES)  # the original is unchanged

    first, second, third = server.requests
    assert first.target == f"/openai/deployments/dep/chat/completions?team=blue&api-version={VERSION}"
    assert second.target == "/openai/deployments/dep-2/chat/completions?team=blue&api-version=2025-04-01-preview"
    assert third.target == first.target
    for request in server.requests:
        assert_key_auth(request)
        assert request.headers["x-app"] == "t"


# A value other than the default for every AzureClient argument (but session, which a copy shares, and
# the credentials and base_url, which replace others: see the test above and below).
AZURE_NON_DEFAULTS: Dict[str, Any] = {
    "azure_endpoint": "http://127.0.0.1:9",
    "azure_deployment": "dep-9",
    "api_version": "2025-01-01",
    "api_key": "key-9",
    "timeout": (1.5, 2.5),
    "max_retries": 7,
    "default_headers": {"X-A": "1"},
    "default_query": {"q": "1"},
    "initial_retry_delay": 0.25,
    "max_retry_delay": 3.0,
    "max_response_size": 12345,
}


def test_with_options_keeps_every_option() -> None:
    init = AzureClient.__init__.__code__
    arguments = set(init.co_varnames[1 : init.co_argcount + init.co_kwonlyargcount])
    replaced = {"session", "base_url", "azure_ad_token", "azure_ad_token_provider"}
    assert set(AZURE_NON_DEFAULTS) == arguments - replaced  # (a new option must be added here, and so is checked)
    original = AzureClient(**AZURE_NON_DEFAULTS)
    copy = original.with_options()
    assert copy._options == original._options
    for name in AZURE_NON_DEFAULTS:
        assert getattr(copy, name) == getattr(original, name), name
    assert copy.max_response_size == 12345
    assert copy.default_query == {"q": "1", "api-version": "2025-01-01"}
    original.close()


def test_with_options_switches_credentials(server: LoopbackServer, make_azure: Any) -> None:
    server.reply(json_reply(CHAT), json_reply(CHAT), json_reply(CHAT))
    client = make_azure()

    client.with_options(azure_ad_token=TOKEN).create_chat_completion(model="d", messages=MESSAGES)
    token_client = client.with_options(azure_ad_token_provider=lambda: "provided")
    token_client.create_chat_completion(model="d", messages=MESSAGES)
    token_client.with_options(api_key="key-2").create_chat_completion(model="d", messages=MESSAGES)

    assert_token_auth(server.requests[0])
    assert_token_auth(server.requests[1], "provided")
    assert_key_auth(server.requests[2], "key-2")


def test_with_options_reads_no_environment_again(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.url)
    monkeypatch.setenv("OPENAI_API_VERSION", VERSION)
    server.reply(json_reply(CHAT))
    with AzureClient(max_retries=0) as client:
        monkeypatch.setenv("AZURE_OPENAI_API_KEY", "changed")
        monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:9")
        client.with_options(timeout=3).create_chat_completion(model="d", messages=MESSAGES)
    assert_key_auth(server.last_request, "env-key")


def test_a_shared_client_serves_threads(server: LoopbackServer, make_azure: Any) -> None:
    server.handler(lambda r: json_reply(CHAT))
    counter = iter(range(1000))
    lock = threading.Lock()

    def provider() -> str:
        with lock:
            return f"t{next(counter)}"

    client = make_azure(azure_ad_token_provider=provider)
    threads = [
        threading.Thread(target=client.create_chat_completion, kwargs={"model": f"d{i}", "messages": MESSAGES})
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.path for r in server.requests) == sorted(
        f"/openai/deployments/d{i}/chat/completions" for i in range(8)
    )
    assert len({r.headers["authorization"] for r in server.requests}) == 8


# ---------------------------------------------------------------------------
# Azure's /openai/v1/ surface: a plain Client
# ---------------------------------------------------------------------------


def test_azure_v1_surface_with_a_plain_client_and_an_api_key(server: LoopbackServer, make_client: Any) -> None:
    server.reply(json_reply(CHAT), json_reply({"object": "list", "data": [], "has_more": False}))
    # The api-key header is what Azure documents for keys; the same key also goes out as
    # the Bearer token the plain client always sends (which Azure's own v1 samples rely on).
    client = make_client(base_url=server.url + "/openai/v1/", api_key=KEY, default_headers={"api-key": KEY})

    client.create_chat_completion(model="my-deployment", messages=MESSAGES)
    list(client.list_files())

    chat, files = server.requests
    assert chat.target == "/openai/v1/chat/completions"  # no deployment in the path, no api-version
    assert chat.json()["model"] == "my-deployment"
    assert files.target == "/openai/v1/files"
    for request in server.requests:
        assert request.headers["api-key"] == KEY
        assert request.headers["authorization"] == f"Bearer {KEY}"


def test_azure_v1_surface_with_an_entra_token_provider(server: LoopbackServer, make_client: Any) -> None:
    tokens = iter(["t1", "t2"])
    server.reply(json_reply(CHAT), json_reply(CHAT))
    client = make_client(base_url=server.url + "/openai/v1", api_key=lambda: next(tokens))

    client.create_chat_completion(model="d", messages=MESSAGES)
    client.create_chat_completion(model="d", messages=MESSAGES)

    assert [r.headers["authorization"] for r in server.requests] == ["Bearer t1", "Bearer t2"]
    assert all(r.path == "/openai/v1/chat/completions" for r in server.requests)


def test_azure_v1_preview_features_through_default_query(server: LoopbackServer, make_client: Any) -> None:
    server.reply(json_reply(CHAT))
    client = make_client(base_url=server.url + "/openai/v1", default_query={"api-version": "preview"})
    client.create_chat_completion(model="d", messages=MESSAGES)
    assert server.last_request.target == "/openai/v1/chat/completions?api-version=preview"


def test_azure_client_is_exported() -> None:
    assert openai_lite.AzureClient is AzureClient
    assert issubclass(AzureClient, openai_lite.Client)


# ---------------------------------------------------------------------------
# examples/azure.py
# ---------------------------------------------------------------------------


def test_the_azure_example_runs(server: LoopbackServer) -> None:
    # Azure's first stream chunk carries only prompt filter results, no choices.
    filters = {"id": "", "object": "", "created": 0, "model": "", "choices": [], "prompt_filter_results": []}
    server.reply(
        json_reply(CHAT),
        sse_reply([sse_event(filters), sse_event(CHUNK), sse_event(dict(CHUNK, choices=[])), "data: [DONE]\n\n"]),
    )
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("OPENAI_", "AZURE_"))}
    env.pop("PYTHONPATH", None)  # the example finds the package next to it
    env.update(
        AZURE_OPENAI_ENDPOINT=server.url,
        OPENAI_API_VERSION=VERSION,
        AZURE_OPENAI_DEPLOYMENT="chat-dep",
        AZURE_OPENAI_API_KEY=KEY,
    )
    result = subprocess.run(
        [sys.executable, os.path.join(repo, "examples", "azure.py")],
        cwd=str(repo),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Chat reply: Hi!", "Streamed reply: Hi"]
    assert [r.target for r in server.requests] == [
        f"/openai/deployments/chat-dep/chat/completions?api-version={VERSION}"
    ] * 2
    assert all(r.headers["api-key"] == KEY for r in server.requests)
