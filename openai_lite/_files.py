"""File inputs, streamed multipart bodies and binary responses.

requests' own ``files=`` builds the whole multipart body in memory; uploads
here are streamed from disk instead, with an exact ``Content-Length`` when
every part's size is known, so a large training file does not need its size
in RAM. Downloads are likewise read in chunks until the caller asks for all.
"""

from __future__ import annotations

import io
import mimetypes
import os
from typing import IO, TYPE_CHECKING, Any, Callable, Iterator, List, Mapping, Optional, Tuple, Union

from ._errors import APIConnectionError, connection_error
from ._transport import ResponseTooLargeError, decoded_length, iter_body

if TYPE_CHECKING:
    import requests

__all__ = ["FileInput", "BinaryResponse", "MultipartBody", "ProgressCallback"]

FileContent = Union[bytes, IO[bytes], "os.PathLike[str]", str]
FileInput = Union[
    FileContent,
    Tuple[Optional[str], FileContent],
    Tuple[Optional[str], FileContent, Optional[str]],
]
"""A file to upload: a path, bytes, a binary file object, or ``(filename, content[, content_type])``."""

ProgressCallback = Callable[[int, Optional[int]], None]
"""Called with (bytes done, total bytes or None when unknown) as a body is sent or received."""

_BLOCK = 64 * 1024

# mimetypes does not know these, and the API cares about them (fine-tuning / batch input).
_EXTRA_TYPES = {".jsonl": "text/jsonl", ".webm": "audio/webm", ".m4a": "audio/mp4"}


class _FilePart:
    """One file of a multipart body, opened only while it is being sent."""

    def __init__(self, value: FileInput) -> None:
        filename: Optional[str] = None
        content_type: Optional[str] = None
        if isinstance(value, tuple):
            if len(value) == 2:
                filename, content = value
            elif len(value) == 3:
                filename, content, content_type = value
            else:
                raise TypeError("a file tuple must be (filename, content) or (filename, content, content_type)")
        else:
            content = value
        self.path: Optional[str] = None
        self.data: Optional[bytes] = None
        self.fileobj: Optional[IO[bytes]] = None
        self.start = 0  # where the file object was when handed to us; a retry rewinds there
        if isinstance(content, (bytes, bytearray, memoryview)):
            self.data = bytes(content)
            self.size: Optional[int] = len(self.data)
        elif isinstance(content, (str, os.PathLike)):
            self.path = os.fspath(content)
            try:
                self.size = os.stat(self.path).st_size
            except OSError as exc:
                raise FileNotFoundError(f"cannot upload {self.path!r}: {exc.strerror}") from None
            filename = filename or os.path.basename(self.path)
        elif hasattr(content, "read"):
            self.fileobj = content
            self.size, self.start = _remaining_size(content)
            name = getattr(content, "name", None)
            if filename is None and isinstance(name, str):
                filename = os.path.basename(name)
            if isinstance(content, io.TextIOBase):
                raise TypeError("open the file in binary mode ('rb') to upload it")
        else:
            raise TypeError(
                f"cannot upload a {type(content).__name__}: pass a path, bytes, a binary file object "
                "or a (filename, content, content_type) tuple"
            )
        self.filename = filename or "upload"
        self.content_type = content_type or guess_content_type(self.filename)
        self._open: Optional[IO[bytes]] = None

    def open(self) -> IO[bytes]:
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.path is not None:
            self._open = open(self.path, "rb")  # closed by close() once sent
            return self._open
        assert self.fileobj is not None
        return self.fileobj

    def rewindable(self) -> bool:
        return self.fileobj is None or self.start >= 0

    def rewind(self) -> None:
        if self.fileobj is not None and self.start >= 0:
            self.fileobj.seek(self.start)

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
            self._open = None


def _remaining_size(fileobj: IO[bytes]) -> Tuple[Optional[int], int]:
    """(bytes left to read, current position) of a file object; (None, -1) if it cannot seek."""
    try:
        if not fileobj.seekable():
            return None, -1
        start = fileobj.tell()
        end = fileobj.seek(0, os.SEEK_END)
        fileobj.seek(start)
        return end - start, start
    except (AttributeError, OSError, ValueError):
        return None, -1


def is_file_input(value: Any) -> bool:
    """Whether ``value`` is something to upload (a list of them counts too), not a JSON value."""
    if isinstance(value, list):
        return any(is_file_input(item) for item in value)
    return isinstance(value, (bytes, bytearray, memoryview, str, os.PathLike, tuple)) or hasattr(value, "read")


def guess_content_type(filename: str) -> str:
    """The media type for a file name, ``application/octet-stream`` when unknown."""
    ext = os.path.splitext(filename)[1].lower()
    return _EXTRA_TYPES.get(ext) or mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _quote(value: str) -> str:
    # The escaping browsers apply to names in multipart/form-data (WHATWG HTML).
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class TypedField:
    """A form field sent with a media type of its own (an SDP offer, a JSON document), not as plain text."""

    __slots__ = ("content_type", "text")

    def __init__(self, text: str, content_type: str) -> None:
        self.text = text
        self.content_type = content_type


def _form_value(value: Any) -> str:
    if isinstance(value, TypedField):
        return value.text
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def flatten_form(name: str, value: Any) -> Iterator[Tuple[str, Any]]:
    """Spread a form value into (name, scalar) pairs the way the API reads them.

    Lists become repeated ``name[]`` fields and objects ``name[key]`` fields.
    """
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from flatten_form(f"{name}[{key}]", item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from flatten_form(f"{name}[]", item)
    else:
        yield name, value


class MultipartBody:
    """A ``multipart/form-data`` body that reads files only as it is sent.

    requests treats it as a stream (it has ``read`` and ``__iter__``) and takes
    the ``Content-Length`` from ``len()``; when a file object's size is unknown
    the body goes out with chunked transfer encoding instead.
    """

    def __init__(
        self,
        fields: List[Tuple[str, Any]],
        files: List[Tuple[str, FileInput]],
        progress: Optional[ProgressCallback] = None,
    ) -> None:
        self.boundary = os.urandom(16).hex()  # (uuid would cost an import)
        self.content_type = f"multipart/form-data; boundary={self.boundary}"
        self.progress = progress
        # The body is a list of segments: bytes, or a file part streamed in between.
        self._segments: List[Union[bytes, _FilePart]] = []
        text = []
        for name, value in fields:
            typed = f"Content-Type: {value.content_type}\r\n" if isinstance(value, TypedField) else ""
            text.append(
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"\r\n{typed}\r\n'
                f"{_form_value(value)}\r\n"
            )
        if text:
            self._segments.append("".join(text).encode("utf-8"))
        for name, value in files:
            part = _FilePart(value)
            head = (
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"; '
                f'filename="{_quote(part.filename)}"\r\nContent-Type: {part.content_type}\r\n\r\n'
            )
            self._segments += [head.encode("utf-8"), part, b"\r\n"]
        self._segments.append(f"--{self.boundary}--\r\n".encode("ascii"))
        sizes = [len(s) if isinstance(s, bytes) else s.size for s in self._segments]
        self.length: Optional[int] = None if None in sizes else sum(sizes)  # type: ignore[arg-type]
        self._reader: Optional[IO[bytes]] = None  # open file of the file segment being sent
        self._reset()

    @property
    def parts(self) -> List[_FilePart]:
        return [s for s in self._segments if isinstance(s, _FilePart)]

    def __len__(self) -> int:
        # requests sets Content-Length from len(); 0 would mean "unknown" to it as well.
        return self.length or 0

    def __bool__(self) -> bool:
        # Never falsy, even when len() is 0: requests.post(data=body) sends ``data or {}``.
        return True

    def __iter__(self) -> Iterator[bytes]:
        while True:
            block = self.read(_BLOCK)
            if not block:
                return
            yield block

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes of the body (all that is left when ``size`` < 0)."""
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(_BLOCK), b""))
        out = []
        want = size
        while want > 0 and self._index < len(self._segments):
            segment = self._segments[self._index]
            if isinstance(segment, bytes):
                piece = segment[self._offset : self._offset + want]
                self._offset += len(piece)
                if self._offset >= len(segment):
                    self._next_segment()
            else:
                if self._reader is None:
                    self._reader = segment.open()
                # Never more than the size len() announced, should the file have grown since.
                announced = segment.size
                piece = self._reader.read(want if announced is None else min(want, announced - self._offset))
                self._offset += len(piece)
                if not piece:
                    if announced is not None and self._offset < announced:
                        raise OSError(
                            f"{segment.filename!r} ended after {self._offset} of the {announced} bytes it had "
                            "when the upload was prepared: was it changed meanwhile?"
                        )
                    segment.close()
                    self._next_segment()
                    continue
            out.append(piece)
            want -= len(piece)
        data = b"".join(out)
        self._position += len(data)
        if data and self.progress is not None:
            self.progress(self._position, self.length)
        return data

    def _next_segment(self) -> None:
        self._index += 1
        self._offset = 0
        self._reader = None

    def _reset(self) -> None:
        self._index = 0  # segment being sent
        self._offset = 0  # position in the segment
        self._position = 0  # bytes read so far
        self._reader = None

    def tell(self) -> int:
        """How many bytes have been read (urllib3 and requests' digest auth note it to rewind)."""
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Only back to the start, for urllib3's retries and requests' auth: see :meth:`rewind`."""
        if offset != 0 or whence != os.SEEK_SET:
            raise OSError("a multipart body can only be rewound to its start")
        if not self.rewind():
            raise OSError("the body cannot be sent again: one of its files cannot seek back")
        return 0

    def rewind(self) -> bool:
        """Make the body readable again from its start, for a retry; False if a file cannot seek back."""
        parts = self.parts
        if not all(part.rewindable() for part in parts):
            return False
        self.close()
        for part in parts:
            part.rewind()
        self._reset()
        return True

    def close(self) -> None:
        """Close the files this body opened from paths (not file objects the caller passed)."""
        for part in self.parts:
            part.close()


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
            error = connection_error(exc)
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
