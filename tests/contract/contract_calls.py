"""How each operation of the spec is called through ``openai_lite.Client``: which method, which arguments.

Arguments come from the spec (``contract_spec.ValueGenerator``: required path, query and body members with
valid values), replaced or completed by the hand-written realistic requests in ``REALISTIC`` for the main
operations.
"""

from __future__ import annotations

import inspect
import keyword
import re
import typing
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from contract_spec import Operation, ValueGenerator, iter_schema_properties

# ---------------------------------------------------------------------------
# Operation -> method
# ---------------------------------------------------------------------------

_DOC_ROUTE = re.compile(r"``(GET|POST|PUT|PATCH|DELETE)\s+(/[^`\s]*)``")


def method_index(client_class: type) -> Dict[Tuple[str, str], str]:
    """(HTTP method, spec path) -> name of the public method whose docstring names that route.

    The ``_stream`` twins name the same route; they are left out here (see ``stream_twins``), as are
    the ``parse_*`` twins (test_contract_structured.py).
    """
    index: Dict[Tuple[str, str], str] = {}
    for name in dir(client_class):
        if name.startswith(("_", "parse_")) or name.endswith("_stream"):
            continue
        func = getattr(client_class, name)
        match = _DOC_ROUTE.search(getattr(func, "__doc__", None) or "")
        if callable(func) and match:
            key = (match.group(1), match.group(2))
            if key in index:
                raise AssertionError(f"two methods for {key}: {index[key]} and {name}")
            index[key] = name
    return index


def stream_twins(client_class: type) -> Dict[Tuple[str, str], str]:
    """(HTTP method, spec path) -> name of the ``_stream`` method for that route."""
    index: Dict[Tuple[str, str], str] = {}
    for name in dir(client_class):
        if name.startswith(("_", "parse_")) or not name.endswith("_stream"):
            continue
        match = _DOC_ROUTE.search(getattr(getattr(client_class, name), "__doc__", None) or "")
        if match:
            index[(match.group(1), match.group(2))] = name
    return index


def python_name(key: str) -> str:
    """The keyword argument a JSON key or parameter name becomes (``include[]`` -> ``include``)."""
    ident = re.sub(r"\W", "_", key.replace("[]", ""))
    if not ident or ident[0].isdigit():
        ident = "_" + ident
    if keyword.iskeyword(ident) or ident in (
        "to_dict",
        "from_dict",
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
        "self",
    ):
        ident += "_"
    return ident


# ---------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------

_PATH_VALUES = {
    "fine_tuned_model_checkpoint": "ft:gpt-4o-mini-2024-07-18:org::abc123",
    "model": "ft:gpt-4o-mini-2024-07-18:org::abc123",
}


def path_value(name: str) -> str:
    """A realistic id for a path parameter (values with ':' exercise path escaping)."""
    if name in _PATH_VALUES:
        return _PATH_VALUES[name]
    stem = name[:-3] if name.endswith("_id") else name
    return f"{stem}_abc123"


class Call:
    """A prepared call: ``getattr(client, method)(*args, **kwargs)``."""

    def __init__(self, method: str, args: List[Any], kwargs: Dict[str, Any], admin: bool):
        self.method = method
        self.args = args
        self.kwargs = kwargs
        self.admin = admin

    def __call__(self, client: Any) -> Any:
        return getattr(client, self.method)(*self.args, **self.kwargs)

    def __repr__(self) -> str:
        shown = ", ".join([*map(repr, self.args), *(f"{k}={_short(v)}" for k, v in self.kwargs.items())])
        return f"client.{self.method}({shown})"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def build_call(
    op: Operation,
    method_name: str,
    func: Callable[..., Any],
    gen: ValueGenerator,
    realistic: Optional[Mapping[str, Any]] = None,
    stream_twin: Optional[Callable[..., Any]] = None,
) -> Call:
    """The arguments of a valid request for ``op``, checked against the method's signature."""
    signature = inspect.signature(func)
    params = signature.parameters
    # Fields only the ``_stream`` twin has (``stream``, ``stream_options``) are not the plain method's.
    twin_only = set(inspect.signature(stream_twin).parameters) - set(params) if stream_twin else set()
    if stream_twin or method_name.endswith("_stream"):
        # A ``_stream`` method sends ``stream: true`` (and speech's ``stream_format: "sse"``) itself.
        twin_only |= {"stream"} | ({"stream_format"} - set(params) if not stream_twin else set())
    positional = [
        p.name for p in params.values() if p.name != "self" and p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    ]
    path_params = [p["name"] for p in op.params("path")]
    if [python_name(n) for n in path_params] != positional:
        raise AssertionError(f"{method_name}: positional parameters {positional} != path parameters {path_params}")
    args: List[Any] = [path_value(n) for n in path_params]
    kwargs: Dict[str, Any] = {}

    # Header parameters (the beta twins' ``openai-beta``, a one-value enum) are set by the method itself.
    for param in op.params("query"):
        if param.get("required"):
            kwargs[_kwarg(method_name, params, param["name"])] = gen.value(param.get("schema", {}), param["name"])
        elif param["name"] != "stream":  # (``stream=true`` makes the answer an event stream: not a plain method's)
            _kwarg(method_name, params, param["name"])  # every parameter is reachable

    schema = op.body_schema
    if schema is not None:
        declared = list(iter_schema_properties(gen, schema))
        # A hand-written request is a whole body; otherwise the required members, generated.
        body = gen.value(schema) if realistic is None else None
        if isinstance(body, dict):
            for key, value in body.items():
                if python_name(key) in twin_only:
                    continue
                kwargs[_kwarg(method_name, params, key)] = value
        # A field required by every body variant (JSON and multipart, where both exist) has no default.
        variants = [media["schema"] for media in op.body_content.values() if isinstance(media.get("schema"), dict)]
        always = set.intersection(*[{k for k, _p, req in iter_schema_properties(gen, v) if req} for v in variants])
        for key, _prop, _required in declared:
            if python_name(key) in twin_only:
                continue
            name = _kwarg(method_name, params, key)
            default = params[name].default
            if key in always and default is not inspect.Parameter.empty:
                raise AssertionError(f"{method_name}: required body field {key!r} has a default")

    if realistic:
        kwargs.update(realistic)
    return Call(method_name, args, kwargs, op.admin)


def _kwarg(method_name: str, params: Mapping[str, inspect.Parameter], key: str) -> str:
    name = python_name(key)
    if name not in params:
        raise AssertionError(f"{method_name}: no parameter for {key!r} (looked for {name!r})")
    return name


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


def evaluate(annotation: str) -> Any:
    """A method's return annotation (a string: the modules use postponed annotations) as a type."""
    import openai_lite
    from openai_lite import _streaming
    from openai_lite.types import _lookup

    class Names(Dict[str, Any]):
        def __missing__(self, key: str) -> Any:
            return _lookup(key)

    names = Names(
        Page=openai_lite.Page,
        BinaryResponse=openai_lite.BinaryResponse,
        Union=typing.Union,
        Any=Any,
        str=str,
        Iterator=typing.Iterator,
        List=typing.List,
        Dict=typing.Dict,
    )
    if hasattr(_streaming, "UnknownEvent"):
        names["UnknownEvent"] = _streaming.UnknownEvent
    return eval(annotation, {"__builtins__": {"None": None}}, names)


def is_instance(value: Any, expected: Any, depth: int = 0) -> bool:
    """isinstance() for the types a method may declare: classes, unions, generics, quoted names."""
    from openai_lite.types import _lookup

    if depth > 20:
        raise RecursionError(f"cannot resolve {expected!r}")
    if isinstance(expected, typing.ForwardRef):  # quoted members of the generated union aliases
        return is_instance(value, _lookup(expected.__forward_arg__), depth + 1)
    if expected is None or expected is type(None):
        return value is None
    if expected is Any:
        return True
    origin = typing.get_origin(expected)
    if origin is typing.Union:
        return any(is_instance(value, member, depth + 1) for member in typing.get_args(expected))
    if origin is not None:
        return isinstance(value, origin)
    if isinstance(expected, type):
        return isinstance(value, expected)
    return True  # an alias of a plain value (an enum's Literal, str): nothing to check


# ---------------------------------------------------------------------------
# Realistic requests for the main operations (operationId -> keyword arguments)
# ---------------------------------------------------------------------------

_WEATHER_PARAMETERS = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    },
    "required": ["city", "unit"],
    "additionalProperties": False,
}
_ANSWER_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "temperature": {"type": "number"}},
    "required": ["city", "temperature"],
    "additionalProperties": False,
}
_CHAT_MESSAGES = [
    {"role": "developer", "content": "Answer with the weather as JSON."},
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is the weather in Paris, and what is in this picture?"},
            {"type": "image_url", "image_url": {"url": "https://example.com/photo.png", "detail": "low"}},
        ],
    },
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_abc123",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Paris", "unit": "celsius"}'},
            }
        ],
    },
    {"role": "tool", "tool_call_id": "call_abc123", "content": '{"temperature": 21}'},
]
_ASSISTANT_TOOLS = [
    {"type": "code_interpreter"},
    {"type": "file_search", "file_search": {"max_num_results": 5}},
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city",
            "parameters": _WEATHER_PARAMETERS,
            "strict": True,
        },
    },
]
_USER_MESSAGE = {"role": "user", "content": "Summarise the attached report."}


def _file(kind: str) -> Any:
    from contract_spec import FILES

    return FILES[kind]


REALISTIC: Dict[str, Callable[[], Dict[str, Any]]] = {
    # Chat: tools, tool results, image input, structured output.
    "createChatCompletion": lambda: {
        "model": "gpt-4o-mini",
        "messages": _CHAT_MESSAGES,
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Current weather for a city",
                    "parameters": _WEATHER_PARAMETERS,
                    "strict": True,
                },
            }
        ],
        "tool_choice": "auto",
        "parallel_tool_calls": False,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "weather_answer", "schema": _ANSWER_SCHEMA, "strict": True},
        },
        "temperature": 0.2,
        "max_completion_tokens": 256,
        "stop": ["\n\n"],
        "logit_bias": {"50256": -100},
        "seed": 42,
        "store": True,
        "metadata": {"suite": "contract"},
        "user": "user-1234",
    },
    "createCompletion": lambda: {
        "model": "gpt-3.5-turbo-instruct",
        "prompt": "Say this is a test",
        "max_tokens": 16,
        "temperature": 0,
        "n": 1,
        "echo": False,
    },
    # Responses: text input with a function tool and a JSON-schema output format.
    "createResponse": lambda: {
        "model": "gpt-4.1",
        "instructions": "Answer with the weather as JSON.",
        "input": [{"role": "user", "content": "What is the weather in Paris?"}],
        "tools": [
            {
                "type": "function",
                "name": "get_weather",
                "description": "Current weather for a city",
                "parameters": _WEATHER_PARAMETERS,
                "strict": True,
            }
        ],
        "tool_choice": "auto",
        "text": {"format": {"type": "json_schema", "name": "weather_answer", "schema": _ANSWER_SCHEMA, "strict": True}},
        "max_output_tokens": 512,
        "temperature": 0.2,
        "store": True,
        "metadata": {"suite": "contract"},
    },
    "beta_createResponse": lambda: {"model": "gpt-4.1", "input": "Tell me a three sentence bedtime story."},
    "Getinputtokencounts": lambda: {"model": "gpt-4.1", "input": "Tell me a joke."},
    "createEmbedding": lambda: {
        "model": "text-embedding-3-small",
        "input": ["The food was delicious.", "The waiter was friendly."],
        "dimensions": 256,
    },
    "createModeration": lambda: {"model": "omni-moderation-latest", "input": "I want to hug everyone."},
    # Files and uploads.
    "createFile": lambda: {"file": _file("jsonl"), "purpose": "fine-tune"},
    "createUpload": lambda: {
        "filename": "train.jsonl",
        "purpose": "fine-tune",
        "bytes": 2147483648,
        "mime_type": "text/jsonl",
    },
    "addUploadPart": lambda: {"data": ("part-0", b"chunk of the upload", "application/octet-stream")},
    "completeUpload": lambda: {"part_ids": ["part_abc123", "part_def456"]},
    # Images.
    "createImage": lambda: {
        "model": "gpt-image-1",
        "prompt": "A cute baby sea otter",
        "n": 1,
        "size": "1024x1024",
        "quality": "high",
    },
    "createImageVariation": lambda: {"image": _file("image"), "model": "dall-e-2", "n": 2, "size": "256x256"},
    "createImageEdit": lambda: {
        "image": _file("image"),
        "mask": _file("mask"),
        "prompt": "Add a watercolor effect",
        "model": "gpt-image-1",
    },
    # Audio.
    "createSpeech": lambda: {
        "model": "gpt-4o-mini-tts",
        "input": "The quick brown fox.",
        "voice": "alloy",
        "response_format": "mp3",
        "speed": 1.0,
    },
    "createTranscription": lambda: {
        "file": _file("audio"),
        "model": "gpt-4o-transcribe",
        "language": "en",
        "response_format": "json",
        "temperature": 0,
    },
    "createTranslation": lambda: {"file": _file("audio"), "model": "whisper-1", "response_format": "json"},
    # Batches.
    "createBatch": lambda: {
        "input_file_id": "file-abc123",
        "endpoint": "/v1/chat/completions",
        "completion_window": "24h",
        "metadata": {"customer_id": "user_123456789"},
    },
    # Fine-tuning.
    "createFineTuningJob": lambda: {
        "model": "gpt-4o-mini-2024-07-18",
        "training_file": "file-abc123",
        "validation_file": "file-def456",
        "suffix": "contract",
        "seed": 42,
        "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3}}},
        "metadata": {"suite": "contract"},
    },
    # Vector stores.
    "createVectorStore": lambda: {
        "name": "Support FAQ",
        "file_ids": ["file-abc123"],
        "expires_after": {"anchor": "last_active_at", "days": 7},
        "chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}},
        "metadata": {"suite": "contract"},
    },
    "searchVectorStore": lambda: {
        "query": "What is the return policy?",
        "max_num_results": 5,
        "filters": {"type": "eq", "key": "region", "value": "eu"},
        "ranking_options": {"ranker": "auto", "score_threshold": 0.5},
    },
    "createVectorStoreFile": lambda: {"file_id": "file-abc123", "attributes": {"region": "eu", "year": 2024}},
    "createVectorStoreFileBatch": lambda: {"file_ids": ["file-abc123", "file-def456"]},
    # Assistants, threads, messages, runs.
    "createAssistant": lambda: {
        "model": "gpt-4o",
        "name": "Math Tutor",
        "instructions": "You are a personal math tutor.",
        "tools": _ASSISTANT_TOOLS,
        "tool_resources": {"code_interpreter": {"file_ids": ["file-abc123"]}},
        "temperature": 1.0,
        "response_format": "auto",
        "metadata": {"suite": "contract"},
    },
    "createThread": lambda: {"messages": [_USER_MESSAGE], "metadata": {"suite": "contract"}},
    "createMessage": lambda: {
        "role": "user",
        "content": "Summarise the attached report.",
        "attachments": [{"file_id": "file-abc123", "tools": [{"type": "file_search"}]}],
    },
    "createRun": lambda: {
        "assistant_id": "asst_abc123",
        "additional_instructions": "Address the user as Jane.",
        "additional_messages": [_USER_MESSAGE],
        "tools": _ASSISTANT_TOOLS,
        "max_completion_tokens": 1000,
        "truncation_strategy": {"type": "last_messages", "last_messages": 10},
        "tool_choice": "auto",
        "parallel_tool_calls": True,
    },
    "createThreadAndRun": lambda: {
        "assistant_id": "asst_abc123",
        "thread": {"messages": [_USER_MESSAGE]},
        "tool_choice": "auto",
    },
    "submitToolOuputsToRun": lambda: {"tool_outputs": [{"tool_call_id": "call_abc123", "output": "21C"}]},
    # Administration.
    "inviteUser": lambda: {
        "email": "new.user@example.com",
        "role": "reader",
        "projects": [{"id": "proj_abc123", "role": "member"}],
    },
    "create-project": lambda: {"name": "Contract tests"},
    "usage-completions": lambda: {
        "start_time": 1730419200,
        "end_time": 1730505600,
        "bucket_width": "1h",
        "group_by": ["model", "project_id"],
        "models": ["gpt-4o-mini"],
        "limit": 24,
    },
    "list-audit-logs": lambda: {"event_types": ["api_key.created", "project.created"], "limit": 20},
}
REALISTIC.update(
    {
        # One file: a list goes out as `files[]` parts, which Prism does not read as `files` (see
        # contract_exceptions.PRISM_WORKAROUNDS["multipart-file-arrays"]).
        "CreateSkill": lambda: {"files": _file("zip")},
        "CreateSkillVersion": lambda: {"files": _file("zip"), "default": True},
    }
)
REALISTIC.update(
    {
        # Conversations (the easy message form: typed content parts hit a Prism false 422, see
        # contract_exceptions.PRISM_FALSE_422).
        "createConversation": lambda: {
            "metadata": {"topic": "demo"},
            "items": [{"type": "message", "role": "user", "content": "Hello!"}],
        },
        "createConversationItems": lambda: {"items": [{"role": "user", "content": "Hello!"}]},
        # Evals.
        "createEval": lambda: {
            "name": "Sentiment",
            "data_source_config": {
                "type": "custom",
                "item_schema": {
                    "type": "object",
                    "properties": {"text": {"type": "string"}, "label": {"type": "string"}},
                    "required": ["text", "label"],
                },
                "include_sample_schema": True,
            },
            "testing_criteria": [
                {
                    "type": "string_check",
                    "name": "Match label",
                    "input": "{{sample.output_text}}",
                    "operation": "eq",
                    "reference": "{{item.label}}",
                }
            ],
        },
        "createEvalRun": lambda: {
            "name": "nightly",
            "data_source": {"type": "jsonl", "source": {"type": "file_id", "id": "file-abc123"}},
        },
        # More administration.
        "admin-api-keys-create": lambda: {"name": "CI key"},
        "modify-project": lambda: {"name": "Contract tests (renamed)"},
        "create-project-service-account": lambda: {"name": "CI bot"},
        "create-project-user": lambda: {"user_id": "user_abc123", "role": "member"},
        "update-project-rate-limits": lambda: {"max_requests_per_1_minute": 500, "max_tokens_per_1_minute": 100000},
        "createFineTuningCheckpointPermission": lambda: {"project_ids": ["proj_abc123"]},
        # Containers, realtime, ChatKit, videos.
        "CreateContainer": lambda: {"name": "sandbox", "expires_after": {"anchor": "last_active_at", "minutes": 20}},
        "create-realtime-client-secret": lambda: {
            "session": {"type": "realtime", "model": "gpt-realtime", "instructions": "Be brief."}
        },
        "CreateChatSessionMethod": lambda: {"workflow": {"id": "wf_abc123"}, "user": "user_abc123"},
        "createVideo": lambda: {
            "prompt": "A calico cat playing a piano",
            "model": "sora-2",
            "seconds": "4",
            "size": "720x1280",
        },
    }
)
REALISTIC["createModeration"] = lambda: {
    "model": "omni-moderation-latest",
    "input": [
        {"type": "text", "text": "I want to hug everyone."},
        {"type": "image_url", "image_url": {"url": "https://example.com/photo.png"}},
    ],
}
