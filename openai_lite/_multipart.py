"""Multipart uploads: file inputs, and ``multipart/form-data`` bodies streamed from them.

requests' own ``files=`` builds the whole body in memory; a body here reads
each file only as it is sent, with an exact ``Content-Length`` when every
part's size is known (chunked transfer encoding otherwise), so a large
training file does not need its size in RAM. Form fields are flattened by
the rule query strings follow (``_encoding.flatten``): lists become ``name[]``
fields, objects ``name[key]`` fields.

Anything that goes wrong while the body is produced (a file that cannot be
read, an exception in the caller's ``progress`` callback) reaches the caller
as it was raised: requests would take an ``OSError`` there for a network
failure, and the call would be retried.
"""

from __future__ import annotations

import errno
import io
import json
import mimetypes
import os
import stat
from typing import IO, Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from ._encoding import flatten
from ._errors import BodyError
from ._files import ProgressCallback

__all__ = ["FileInput", "MultipartBody", "multipart_body", "is_file_input", "guess_content_type"]

FileContent = Union[bytes, IO[bytes], "os.PathLike[str]", str]
FileInput = Union[
    FileContent,
    Tuple[Optional[str], FileContent],
    Tuple[Optional[str], FileContent, Optional[str]],
]
"""A file to upload: a path, bytes, a binary file object, or ``(filename, content[, content_type])``."""

_BLOCK = 64 * 1024

# mimetypes does not know these, and the API cares about them (fine-tuning / batch input).
_EXTRA_TYPES = {".jsonl": "text/jsonl", ".webm": "audio/webm", ".m4a": "audio/mp4"}


def multipart_body(
    payload: Mapping[str, Any],
    files: Tuple[str, ...],
    progress: Optional[ProgressCallback] = None,
    part_types: Optional[Mapping[str, str]] = None,
) -> MultipartBody:
    """Split a request body into form fields and file parts.

    ``files`` names the entries holding file inputs (a list of them becomes
    one ``name[]`` part each); ``part_types`` names the entries sent as parts
    of their own media type (JSON-encoded for a JSON type) instead of text.
    """
    fields: List[Tuple[str, Any]] = []
    parts: List[Tuple[str, FileInput]] = []
    for key, value in payload.items():
        if part_types and key in part_types:
            content_type = part_types[key]
            text = json.dumps(value) if "json" in content_type and not isinstance(value, str) else str(value)
            fields.append((key, TypedField(text, content_type)))
        elif key in files:
            if isinstance(value, list):
                name = key if key.endswith("[]") else key + "[]"
                parts += [(name, item) for item in value]
            else:
                parts.append((key, value))
        else:
            fields += flatten(key, value)
    return MultipartBody(fields, parts, progress)


class TypedField:
    """A form field sent with a media type of its own (an SDP offer, a JSON document), not as plain text."""

    __slots__ = ("content_type", "text")

    def __init__(self, text: str, content_type: str) -> None:
        self.text = text
        self.content_type = content_type


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
        self.once = False  # a path that can be read only once (a pipe, a device): no retry
        self.size: Optional[int]
        if isinstance(content, (bytes, bytearray, memoryview)):
            self.data = bytes(content)
            self.size = len(self.data)
        elif isinstance(content, (str, os.PathLike)):
            self.path = os.fspath(content)
            self.size, self.once = _path_size(self.path)
            filename = filename or os.path.basename(self.path)
        elif hasattr(content, "read"):
            if isinstance(content, io.TextIOBase):
                raise TypeError("open the file in binary mode ('rb') to upload it")
            self.fileobj = content
            self.size, self.start = _remaining_size(content)
            name = getattr(content, "name", None)
            if filename is None and isinstance(name, str):
                filename = os.path.basename(name)
        else:
            raise TypeError(
                f"cannot upload a {type(content).__name__}: pass a path, bytes, a binary file object "
                "or a (filename, content, content_type) tuple"
            )
        self.filename = filename or "upload"
        self.content_type = content_type or guess_content_type(self.filename)
        for what, text in (("file name", self.filename), ("content type", self.content_type)):
            if not isinstance(text, str) or "\r" in text or "\n" in text or "\0" in text:
                # (A name is quoted in the part's header, but a content type is not: it would add headers.)
                raise ValueError(f"the {what} of an upload must be a str without CR, LF or NUL, got {text!r}")
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
        return not self.once and (self.fileobj is None or self.start >= 0)

    def rewind(self) -> None:
        if self.fileobj is not None and self.start >= 0:
            self.fileobj.seek(self.start)

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
            self._open = None


def _path_size(path: str) -> Tuple[Optional[int], bool]:
    """(size of the file at ``path``, None if it cannot be known in advance; whether it can be read only once).

    A pipe or a device (``/dev/stdin``) has no size and is consumed by
    reading; a ``/proc`` file says 0 bytes but has content. Such files are
    sent as they read, with chunked transfer encoding.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise type(exc)(exc.errno, f"cannot upload {path!r}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, f"cannot upload {path!r}: it is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        return None, True
    if info.st_size == 0:
        try:
            with open(path, "rb") as f:
                empty = not f.read(1)
        except OSError as exc:
            raise type(exc)(exc.errno, f"cannot upload {path!r}: {exc.strerror}") from None
        return (0 if empty else None), False
    return info.st_size, False


def _remaining_size(fileobj: IO[bytes]) -> Tuple[Optional[int], int]:
    """(bytes left to read, current position) of a file object; (None, -1) if it cannot seek.

    (None, position) when it seeks but says 0 bytes are left and yet has more (a ``/proc`` file).
    """
    try:
        if not fileobj.seekable():
            return None, -1
        start = fileobj.tell()
        end = fileobj.seek(0, os.SEEK_END)
        fileobj.seek(start)
        if end == start and fileobj.read(1):
            fileobj.seek(start)
            return None, start
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


class MultipartBody:
    """A ``multipart/form-data`` body that reads files only as it is sent.

    ``fields`` are (name, text) pairs, or (name, :class:`TypedField`);
    ``files`` are (name, file input) pairs. requests treats the body as a
    stream (it has ``read`` and ``__iter__``) and takes the ``Content-Length``
    from ``len()``; when a file's size is unknown the body goes out with
    chunked transfer encoding instead. An exception raised while the body is
    read (a file, the ``progress`` callback) comes out as a :class:`BodyError`.
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
            value = value.text if isinstance(value, TypedField) else value
            text.append(
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"\r\n{typed}\r\n{value}\r\n'
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

    def __repr__(self) -> str:
        files: Dict[str, Any] = {part.filename: part.size for part in self.parts}
        return f"<MultipartBody {self.length if self.length is not None else 'chunked'} bytes, files {files}>"

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
        try:
            data = self._read(size)
            if data and self.progress is not None:
                self.progress(self._position, self.length)
        except Exception as exc:
            raise BodyError(exc) from exc
        return data

    def _read(self, size: int) -> bytes:
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
