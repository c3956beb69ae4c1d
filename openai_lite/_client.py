"""The ``Client``: every endpoint method on one object."""

from __future__ import annotations

from ._api import APIMethods
from ._jobs import BatchHelpers, PollingHelpers
from ._porting import PortingHints
from ._uploads import UploadHelpers

__all__ = ["Client"]


class Client(UploadHelpers, PollingHelpers, BatchHelpers, APIMethods, PortingHints):
    """A client for the OpenAI API and servers that speak it.

    ``Client(api_key=None, *, organization=None, project=None, base_url=None,
    timeout=None, max_retries=2, default_headers=None, default_query=None,
    session=None, initial_retry_delay=0.5, max_retry_delay=8.0,
    admin_api_key=None, max_response_size=256 MiB)``

    Every operation of the API is a method named after its ``operationId``
    (``create_chat_completion``, ``list_files`` ...; see API.md), plus
    ``upload_file`` for files of any size, ``parse_chat_completion`` /
    ``parse_response`` (and ``_stream`` twins) for structured outputs, the
    ``poll_*`` and ``create_*_and_poll`` helpers for long-running work, and
    ``run_batch``.

    Unset arguments come from ``OPENAI_API_KEY``, ``OPENAI_ORG_ID``,
    ``OPENAI_PROJECT_ID``, ``OPENAI_BASE_URL`` (default
    ``https://api.openai.com/v1``) and ``OPENAI_ADMIN_KEY`` (the key of the
    administration operations). ``api_key`` may be a callable, called for
    every request (rotating keys). ``timeout`` is seconds, or ``(connect,
    read)``; the default is ``(5, 600)``; the read timeout bounds the whole
    response of a call that is not streamed, and each wait for data in a
    stream. Failed requests are retried up to ``max_retries`` times with
    exponential backoff (see the README). ``max_response_size`` bounds the
    decompressed size of any body read whole, and of a stream
    (:class:`ResponseTooLargeError` past it).

    Pass your own ``requests.Session`` to use its proxies, certificates,
    mounted adapters and headers; the client then leaves it open. Otherwise
    the client creates one and closes it in ``close()`` or at the end of a
    ``with`` block. What is read from the session, and when:

    - when the client is created: ``proxies``, ``verify`` and ``cert``, merged
      with the environment (``HTTP(S)_PROXY``, ``NO_PROXY``,
      ``REQUESTS_CA_BUNDLE``) unless ``trust_env`` is off;
    - on every call: ``headers`` (ours win), the adapter mounted for the URL,
      and ``auth``, ``hooks["response"]`` and ``cookies``: when any of those
      three is set, the call goes through ``Session.send`` so that it applies;
      otherwise the request goes straight to the adapter, which is faster.

    Redirects are never followed. On the direct path, cookies a response sets
    are not stored, ``session.params`` are not added, and a ``Session``
    subclass's own ``send`` is not called (give it ``hooks`` to be used).

    Threads: a client may be shared by any number of threads. Its settings
    do not change after construction (``with_options`` makes a new client),
    each call keeps its state to itself, and the session's connection pool is
    thread-safe. The pool keeps up to 100 connections per host alive (as the
    official SDK does); beyond 100 calls at once, each extra call opens a
    connection of its own and closes it afterwards (urllib3 logs "Connection
    pool is full, discarding connection"). For more, mount your own
    ``HTTPAdapter(pool_maxsize=...)`` on a session you pass.

    Processes: after ``os.fork()`` (gunicorn ``--preload``, Celery, multiprocessing)
    a child never uses a connection its parent opened, on the client's session
    or yours: its pools start empty.
    """
