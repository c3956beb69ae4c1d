"""A small, fast HTTP/1.1 server for the benchmarks, run in its own process.

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
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = conn.makefile("rb")
    try:
        while True:
            line = reader.readline()
            if not line:
                return
            headers = {}
            while True:
                h = reader.readline()
                if h in (b"\r\n", b"\n", b""):
                    break
                name, _, value = h.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = reader.read(int(headers.get("content-length", "0") or 0))
            if b'"stream":true' in body or b'"stream": true' in body:
                count = int(headers.get("x-chunks", "1000"))
                head = (
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                    b"x-request-id: req_bench\r\n\r\n"
                )
                one = _chunk(CHUNK)
                batch = one * 64  # write in batches: the benchmark measures the client, not our syscalls
                out = [head]
                for _ in range(count // 64):
                    out.append(batch)
                out.append(one * (count % 64))
                out.append(_chunk(b"data: [DONE]\n\n") + b"0\r\n\r\n")
                conn.sendall(b"".join(out))
            else:
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-request-id: req_bench\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(COMPLETION), COMPLETION)
                )
    except OSError:
        pass
    finally:
        conn.close()


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
