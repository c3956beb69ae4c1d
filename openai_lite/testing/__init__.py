"""A fake OpenAI server for demos and tests: ``FakeServer``.

::

    import openai_lite
    from openai_lite.testing import FakeServer

    with FakeServer() as server:
        client = openai_lite.Client(api_key="fake", base_url=server.base_url)
        reply = client.create_chat_completion(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "Hello"}]
        )
        assert reply.choices[0].message.content == "You said: Hello"
        assert server.requests[-1].path == "/v1/chat/completions"

The server answers in the wire format of the OpenAI API (as its OpenAPI
description defines it), on a real socket, so a client is exercised through
its whole HTTP stack. Answers are deterministic, so tests can compare exact
values:

* Chat completions, legacy completions, responses and Assistants runs echo
  the conversation: the reply to a user message (or prompt) is ``"You said:
  <its text>"``, to a tool result ``"Tool result: <its content>"``. When
  function tools are offered and the last message is from the user, the model
  instead calls the first tool (or the one ``tool_choice`` names) with call id
  ``"call_fake_1"`` and arguments built from the tool's parameters; an
  Assistants run then stops with status ``requires_action`` until its tool
  outputs are submitted. A streamed run runs at once, to that point.
* Models: the server knows :attr:`FakeServer.MODELS` (``list_models`` lists
  them); any other model gets a 404 ``model_not_found`` on every endpoint that
  takes one, unless the server is made with ``accept_any_model=True``.
* Structured output: with a JSON schema in ``response_format`` (chat) or
  ``text.format`` (Responses), the reply is JSON valid against the schema,
  built from it deterministically (first enum value, ``"fake <property>"``, 0,
  0.5, false, one list item; ``$ref`` followed, recursion stopped at the first
  nullable, other ``anyOf`` branch or empty list). Strict schemas and strict
  function tools are checked as the API checks them; a strict function's
  arguments follow its parameters the same way. A structured-output request
  whose last user message moderation would flag is refused (``refusal``).
* Token limits (``max_completion_tokens``, ``max_tokens``,
  ``max_output_tokens``) cut the reply: finish reason ``length``, or an
  ``incomplete`` response.
* Batches answer each line of their input file with the fake's own answer
  for the batch's endpoint (chat, responses, embeddings, completions,
  moderations, images): 2xx answers to the output file, others (an unknown
  model ...) to the error file, in reverse order (match lines by
  ``custom_id``). Long-running resources move one status further on each
  retrieve (``validating``, ``in_progress``, ``finalizing``, ``completed``
  for a batch), or are created finished with ``finish_at_once=True``: batches,
  fine-tuning jobs (with events, checkpoints and the new model), Assistants
  runs that are not streamed (``requires_action`` until their tool outputs
  are submitted), vector-store files and file batches, videos, background
  responses. Retrieves of runs, vector-store files and file batches carry an
  ``openai-poll-after-ms`` header (``poll_after_ms``, 10 by default), as the
  API's do.
* Vector stores search their files' text by word overlap, paragraph by
  paragraph.
* Token counts are words: the prompt's words in, one token per streamed
  piece out (a word of text, or up to 8 characters of tool arguments).
* Embeddings are unit vectors of 8 numbers (or ``dimensions``), derived from
  a hash of each input and exactly representable as float32.
* Moderation flags an input (category ``violence``) when it contains a word
  starting with "kill"; so are a video with such a prompt and structured
  output asked for such a message refused.
* Audio: speech is a few milliseconds of silence in the format asked for; a
  transcription reads ``"This is a fake transcript of <file name>."`` (json,
  text, srt, verbose_json with segments and words, vtt, or streamed), a
  translation ``"This is a fake English translation of <file name>."``.
* Uploads take parts and complete into a File (the parts in the order
  given; the size and MD5 checked).
* Images are tiny PNGs: 1x1 without streaming; with ``"stream": true``,
  ``partial_images`` (0 to 3) 8x8 grey partial images getting lighter, then
  the final 8x8 checkerboard.
* Timestamps are ``1700000000``; ids count up per server (``chatcmpl-fake-1``,
  ``file-fake-1``, ...); every response has an ``x-request-id`` of
  ``req_fake_<n>``, n counting the requests the server received.

Scripted faults make the next request(s) fail: ``fail_next(status)``,
``stall_next(seconds)``, ``reset_next()``, ``cut_stream_next(after_events)``,
``queue_reply(path, body)`` (see :class:`FakeServer`). Anything the server
does not serve gets a 404, bad input a 400, both in the API's ``{"error":
{...}}`` format.

With pytest, ``pytest -p openai_lite.testing`` (or ``pytest_plugins =
["openai_lite.testing"]`` in a conftest.py) adds two fixtures: ``fake_server``,
a started server of the test's own, and ``fake_client``, an
``openai_lite.Client`` pointed at it.

The package uses the standard library only and nothing else from openai_lite
(but for that fixture), so it can serve to test any OpenAI client; ``import
openai_lite`` does not load it. Its modules: ``_server`` (the server, its
knobs, routing), ``_http`` (the socket side), ``_common`` (what the areas
share), ``_model`` (what the fake model says) and ``_schema`` (values from
JSON schemas), then one module per API area it fakes.

PYTEST_DONT_REWRITE: a conftest.py may import this package before pytest loads
it as a plugin; it has no asserts for pytest to rewrite.
"""

from typing import Any

from ._server import FakeServer, RecordedRequest

__all__ = ["FakeServer", "RecordedRequest"]


def pytest_configure(config: Any) -> None:
    """As a pytest plugin (``pytest -p openai_lite.testing``): add the ``fake_server`` and ``fake_client`` fixtures.

    The fixtures live in a module of their own, imported only here, so that ``import
    openai_lite.testing`` never needs pytest.
    """
    from . import _pytest_plugin

    if not config.pluginmanager.is_registered(_pytest_plugin):
        config.pluginmanager.register(_pytest_plugin, "openai_lite.testing.fixtures")
