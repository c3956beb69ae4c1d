"""The socket side of the FakeServer: read a request, play any scripted fault, send the reply.

Replies go out with ``TCP_NODELAY`` and in one ``send`` (status line, headers and body together):
sent as two writes without it, Nagle's algorithm holds the body back until the client's delayed
ACK of the headers, about 40 ms per call on a kept-alive connection. Streams go out one HTTP chunk
per event, as the API sends them.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qsl, urlsplit

from ._common import APIError, Reply, Request
from ._server import FakeServer


class HTTPServer(ThreadingHTTPServer):
    """One thread per connection, each serving its kept-alive requests in turn."""

    daemon_threads = True

    def __init__(self, address: Tuple[str, int], fake: FakeServer) -> None:
        self.fake = fake
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host's name up with socket.getfqdn(), which can take seconds on a
        # machine with slow reverse DNS; the name is only used in CGI variables.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.socket.getsockname()[:2]

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up (or stop() closing its connection) is normal; anything else is a bug worth seeing.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # TCP_NODELAY: see the module docstring
    server: HTTPServer

    def setup(self) -> None:
        super().setup()
        with self.server.fake._lock:
            self.server.fake._connections.add(self.connection)

    def finish(self) -> None:
        with self.server.fake._lock:
            self.server.fake._connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and demos do not want a line per request on stderr

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def _handle(self) -> None:
        fake = self.server.fake
        headers = {name.lower(): value for name, value in self.headers.items()}
        body = self._read_body(headers)
        request_id = fake._record(self.command, self.path, headers, body or b"")
        if body is None:
            self.close_connection = True  # the framing is broken: the rest of the connection cannot be trusted
            self._send(APIError(400, "Could not read the request body.").reply(), request_id, None)
            return
        split = urlsplit(self.path)
        request = Request(self.command, split.path, dict(parse_qsl(split.query)), headers, body)
        scripted = fake._scripted(request)
        reply: Optional[Reply] = None
        if scripted is not None:
            if scripted.kind == "reset":
                # Linger on with a timeout of 0: closing sends RST instead of FIN.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()  # closed for real once finish() closes the socket's files
                return
            if scripted.kind == "stall" and not fake._wait(scripted.seconds):
                self.close_connection = True  # stopping
                return
            reply = scripted.reply
        if reply is None:
            reply = fake._answer(request)
        self._send(reply, request_id, fake._take_cut() if isinstance(reply.body, list) else None)

    def _read_body(self, headers: Dict[str, str]) -> Optional[bytes]:
        """The request body, or None if it is not framed correctly."""
        try:
            if "chunked" in headers.get("transfer-encoding", "").lower():
                chunks: List[bytes] = []
                while True:
                    size = int(self.rfile.readline(65537).split(b";")[0], 16)
                    if size == 0:
                        while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline(65537)
            length = int(headers.get("content-length", "0"))
            if length < 0:
                return None
            return self.rfile.read(length)
        except ValueError:
            return None

    def _send(self, reply: Reply, request_id: str, cut: Optional[int]) -> None:
        """Send ``reply``: one write for a body, or the head with the first event then one chunk per event.

        ``cut``: stop a stream after that many events and close the connection, as if it dropped.
        """
        try:
            phrase = HTTPStatus(reply.status).phrase
        except ValueError:
            phrase = ""
        fields = {"content-type": reply.content_type, "x-request-id": request_id}
        streamed = isinstance(reply.body, list)
        if streamed:
            fields.update({"cache-control": "no-cache", "transfer-encoding": "chunked"})
        else:
            fields["content-length"] = str(len(reply.body))
        fields.update(reply.headers or {})
        if self.close_connection:
            fields["connection"] = "close"
        head = f"HTTP/1.1 {reply.status} {phrase}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
        if isinstance(reply.body, bytes):
            self.wfile.write(head.encode("latin-1") + reply.body)
            return
        blocks = reply.body if cut is None else reply.body[:cut]
        chunks = [b"%x\r\n%s\r\n" % (len(block), block) for block in blocks]
        writes = [head.encode("latin-1") + (chunks[0] if chunks else b""), *chunks[1:]]
        if cut is None:
            writes[-1] += b"0\r\n\r\n"
        else:
            self.close_connection = True  # and no last chunk: the stream was cut
        for data in writes:
            self.wfile.write(data)
