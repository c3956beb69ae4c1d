"""A small, fast HTTP/1.1 server for the benchmarks, run in its own process (standard library).

It answers every POST with a small chat completion, or, when the JSON body
says ``"stream": true``, with a chunked SSE stream of ``X-Chunks`` chat chunks
(one HTTP chunk per event, as the API sends them). Keep-alive; one thread per
connection. Usage: ``python benchmarks/_server.py`` prints the port, then serves
until stdin closes.
"""

from __future__ import annotations

import json
import socket
import sys
import threading

COMPLETION = json.dumps(
    {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello! How can I help you today?", "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 9, "total_tokens": 18},
        "system_fingerprint": "fp_bench",
    }
).encode()

CHUNK = (
    "data: "
    + json.dumps(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": 1700000000,
            "model": "gpt-4o-mini",
            "system_fingerprint": "fp_bench",
            "choices": [{"index": 0, "delta": {"content": " token"}, "logprobs": None, "finish_reason": None}],
        }
    )
    + "\n\n"
).encode()


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def handle(conn: socket.socket) -> None:
    # As little work per request as possible: the benchmark measures the client,
    # and time spent here would shrink every ratio towards 1.
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buffer = b""
    try:
        while True:
            end = buffer.find(b"\r\n\r\n")
            while end < 0:
                data = conn.recv(65536)
                if not data:
                    return
                buffer += data
                end = buffer.find(b"\r\n\r\n")
            head = buffer[:end].lower() + b"\r\n"
            length = int(_header(head, b"content-length") or 0)
            while len(buffer) < end + 4 + length:
                data = conn.recv(65536)
                if not data:
                    return
                buffer += data
            body = buffer[end + 4 : end + 4 + length]
            buffer = buffer[end + 4 + length :]
            if b'"stream":true' in body or b'"stream": true' in body:
                conn.sendall(_stream(int(_header(head, b"x-chunks") or 1000)))
            else:
                conn.sendall(RESPONSE)
    except OSError:
        pass
    finally:
        conn.close()


def _header(head: bytes, name: bytes) -> bytes:
    """A header's value from a lower-cased request head ending in CRLF, or b"" if absent."""
    at = head.find(b"\r\n" + name + b":")
    if at < 0:
        return b""
    start = at + len(name) + 3
    return head[start : head.find(b"\r\n", start)].strip()


RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-request-id: req_bench\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(COMPLETION), COMPLETION)
)


def _stream(count: int) -> bytes:
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
        b"x-request-id: req_bench\r\n\r\n"
    )
    return head + _chunk(CHUNK) * count + _chunk(b"data: [DONE]\n\n") + b"0\r\n\r\n"


def main() -> None:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print(listener.getsockname()[1], flush=True)

    def accept() -> None:
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    sys.stdin.read()  # serve until the parent closes our stdin


if __name__ == "__main__":
    main()
