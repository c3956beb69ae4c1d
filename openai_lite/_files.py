"""Binary responses (downloads): bodies read in chunks, only when the caller asks.

A file's content, speech audio or an archive stays on the connection until
``content``, ``iter_bytes()`` or ``write_to_file()`` reads it, so a large
download does not need its size in RAM. (Uploads are in ``_multipart.py``.)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable, Iterator, Optional, Union

from ._errors import APIConnectionError, ResponseTooLargeError, connection_error, sent_secrets
from ._transport import decoded_length, iter_body

if TYPE_CHECKING:
    import requests

    # The generated code imports the upload types from here.
    from ._multipart import FileInput as FileInput

__all__ = ["BinaryResponse", "ProgressCallback"]

ProgressCallback = Callable[[int, Optional[int]], None]
"""Called with (bytes done, total bytes or None when unknown) as a body is sent or received."""

_BLOCK = 64 * 1024


class BinaryResponse:
    """A response body that is not JSON (audio, file contents, archives).

    The body stays on the connection until used: ``content`` reads it all
    (at most the client's ``max_response_size``), ``iter_bytes()`` streams it,
    ``write_to_file()`` streams it to disk (neither is bounded in size). Use it
    as a context manager (or call ``close()``) when not reading it to the end.
    """

    def __init__(self, response: requests.Response, max_size: Optional[int] = None) -> None:
        self.response = response
        self.max_size = max_size
        self.headers = response.headers
        self.status_code = response.status_code
        self.request_id: Optional[str] = response.headers.get("x-request-id")
        self._content: Optional[bytes] = None

    @property
    def content_type(self) -> Optional[str]:
        """The ``Content-Type`` header, if any."""
        return self.headers.get("content-type")

    @property
    def content(self) -> bytes:
        """The whole body, read on first access."""
        if self._content is None:
            self._content = b"".join(self._iter(_BLOCK, None, self.max_size))
        return self._content

    def iter_bytes(self, chunk_size: int = _BLOCK, progress: Optional[ProgressCallback] = None) -> Iterator[bytes]:
        """Yield the body in pieces of about ``chunk_size`` bytes, then release the connection.

        ``progress(done, total)`` is called after each piece (``total`` is None
        when the size is not known, or the body is compressed on the wire).
        """
        if self._content is not None:
            for i in range(0, len(self._content), chunk_size):
                yield self._content[i : i + chunk_size]
            return
        yield from self._iter(chunk_size, progress, None)

    def _iter(self, chunk_size: int, progress: Optional[ProgressCallback], limit: Optional[int]) -> Iterator[bytes]:
        total_size = decoded_length(self.headers)
        if limit is not None and total_size is not None and total_size > limit:
            self.response.close()
            raise ResponseTooLargeError(limit, request_id=self.request_id)
        done = 0
        try:
            # Decompressed piece by piece (a small compressed body can inflate to gigabytes).
            for chunk in iter_body(self.response, limit, arrival=False, size=chunk_size):
                done += len(chunk)
                if progress is not None:
                    progress(done, total_size)
                yield chunk
        except Exception as exc:
            error = connection_error(exc, request_id=self.request_id, secrets=sent_secrets(self.response.request))
            if error is None:
                raise
            raise error from exc
        finally:
            self.response.close()
        if total_size is not None and done < total_size:
            # urllib3 1.x does not check Content-Length: a body cut short would pass for complete.
            raise APIConnectionError(
                f"The response body ended after {done} of its {total_size} bytes: the connection was cut short.",
                request_id=self.request_id,
            )

    def write_to_file(self, path: Union[str, os.PathLike[str]], progress: Optional[ProgressCallback] = None) -> None:
        """Stream the body into the file at ``path`` (created or truncated)."""
        with open(path, "wb") as f:
            for chunk in self.iter_bytes(progress=progress):
                f.write(chunk)

    def text(self, encoding: str = "utf-8") -> str:
        """The body decoded as text."""
        return self.content.decode(encoding, "replace")

    def close(self) -> None:
        """Release the connection without reading the rest of the body."""
        self.response.close()

    def __enter__(self) -> BinaryResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<BinaryResponse {self.status_code} {self.content_type or ''}>".replace(" >", ">")
