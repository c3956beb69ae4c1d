"""``upload_file``: a large file in one call, through the Uploads API.

``create_file`` sends a file in one request, which the API caps at 512 MB. The
Uploads API takes up to 8 GB in parts of at most 64 MB: this helper creates the
upload, sends each part straight from the file (a part is never held in
memory whole), lets the pipeline retry a failed part from its start, completes
the upload, and cancels it if anything fails.
"""

from __future__ import annotations

import io
import os
from typing import IO, TYPE_CHECKING, Callable, List, Optional, Union, cast

from ._api.uploads import UploadsAPI
from ._base_client import Timeout
from ._files import ProgressCallback

if TYPE_CHECKING:
    from .types.files import OpenAIFile

__all__ = ["UploadHelpers", "MAX_PART_SIZE"]

MAX_PART_SIZE = 64 * 1024 * 1024
"""The largest part the Uploads API accepts (64 MB)."""


class UploadHelpers(UploadsAPI):
    """Methods built on several operations of the Uploads API."""

    def upload_file(
        self,
        file: Union[str, os.PathLike[str], IO[bytes]],
        *,
        purpose: str,
        filename: Optional[str] = None,
        mime_type: Optional[str] = None,
        part_size: int = MAX_PART_SIZE,
        progress: Optional[ProgressCallback] = None,
        timeout: Optional[Timeout] = None,
    ) -> OpenAIFile:
        """Upload a file of any size (up to the API's 8 GB) in parts, and return the new File.

        ``file`` is a path or a binary file object that can seek. Memory use
        stays within a block, whatever the file size. ``progress(done, total)``
        is called as bytes are sent. Each part is retried like any request;
        if the upload fails, it is cancelled before the error is raised.
        """
        if not 0 < part_size <= MAX_PART_SIZE:
            raise ValueError(f"part_size must be between 1 and {MAX_PART_SIZE} bytes, got {part_size}")
        opened: Optional[IO[bytes]] = None
        fileobj: IO[bytes]
        if isinstance(file, (str, os.PathLike)):
            path = os.fspath(file)
            if os.path.exists(path) and not os.path.isdir(path) and not os.path.isfile(path):
                # (A pipe would also block open() until something writes to it.)
                raise TypeError(f"upload_file needs a regular file, not a pipe or a device: {path!r}")
            fileobj = opened = open(path, "rb")  # closed in finally
            name = filename or os.path.basename(path)
        else:
            if isinstance(file, io.TextIOBase) or not hasattr(file, "read"):
                raise TypeError("upload_file takes a path or a binary file object")
            fileobj = file
            given = getattr(file, "name", None)  # an int for tempfile.TemporaryFile() and open(fd)
            name = filename or (os.path.basename(given) if isinstance(given, str) and given else "upload")
        try:
            if not fileobj.seekable():
                raise TypeError("upload_file needs a file that can seek (its size is sent first, parts are re-read)")
            try:
                start = fileobj.tell()
                total = fileobj.seek(0, os.SEEK_END) - start
            except OSError as exc:  # (a /proc file says it can seek, then cannot)
                raise TypeError(f"upload_file needs a file that can seek; {name!r} cannot: {exc.strerror}") from None
            if total == 0:
                fileobj.seek(start)
                if fileobj.read(1):
                    raise ValueError(
                        f"cannot upload {name!r} with upload_file: it says it has 0 bytes but has content (a /proc "
                        "file?), and the size must be announced first; pass its bytes to create_file instead"
                    )
            from ._multipart import guess_content_type  # (loaded on first upload, not with the package)

            upload = self.create_upload(
                filename=name,
                purpose=purpose,  # type: ignore[arg-type]  # new purposes must not need a new release
                bytes=total,
                mime_type=mime_type or guess_content_type(name),
                timeout=timeout,
            )
            try:
                part_ids: List[str] = []
                for offset in range(0, total, part_size) if total else [0]:
                    length = min(part_size, total - offset)
                    part = _Range(fileobj, start + offset, length, _reporter(progress, offset, total))
                    added = self.add_upload_part(
                        upload.id, data=(name, cast(IO[bytes], part), "application/octet-stream"), timeout=timeout
                    )
                    part_ids.append(added.id)
                done = self.complete_upload(upload.id, part_ids=part_ids, timeout=timeout)
            except BaseException:
                # Leave no half-finished upload behind; the original error is the one to see.
                try:
                    self.cancel_upload(upload.id)
                except Exception:
                    pass
                raise
            result: OpenAIFile = done.file  # type: ignore[assignment]
            return result
        finally:
            if opened is not None:
                opened.close()


def _reporter(progress: Optional[ProgressCallback], offset: int, total: int) -> Optional[Callable[[int], None]]:
    if progress is None:
        return None
    return lambda done_in_part: progress(offset + done_in_part, total)


class _Range(io.RawIOBase):
    """``length`` bytes of a file from ``offset``, readable and seekable as a file of their own.

    A part is read from the file as it is sent, so it never sits in memory,
    and a retry seeks back to its start.
    """

    def __init__(self, fileobj: IO[bytes], offset: int, length: int, progress: Optional[Callable[[int], None]]) -> None:
        super().__init__()
        self._file = fileobj
        self._offset = offset
        self._length = length
        self._pos = 0
        self._progress = progress

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._length}[whence]
        self._pos = max(0, min(base + pos, self._length))
        return self._pos

    def read(self, size: Optional[int] = -1) -> bytes:
        left = self._length - self._pos
        if size is None or size < 0 or size > left:
            size = left
        if size == 0:
            return b""
        # Seek every time: the file is shared with nothing else, but a retry may have moved us.
        self._file.seek(self._offset + self._pos)
        data = self._file.read(size)
        self._pos += len(data)
        if self._progress is not None:
            self._progress(self._pos)
        return data

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
