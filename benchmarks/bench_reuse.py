"""Connection reuse by streams, over TLS on loopback.

    python benchmarks/bench_reuse.py [--quick]

A TLS server in another process (a CA and a certificate made now with the
``openssl`` command, in a temporary directory) answers each chat request with a chunked
stream of 20 chat chunks and ``[DONE]``, as the API does. Two figures, each
for ``create_chat_completion_stream`` and, in the same run, for raw requests +
sseclient-py reading every stream to its end (which lets requests pool the
connection):

- the second stream's time to its first event, on a fresh client whose first
  stream was read to ``[DONE]`` (a new TCP and TLS connection costs a
  handshake; a pooled one does not): median over the runs, and our/raw ratio;
- the TCP connections the server accepted for N streams in a row on one client.

Prints the figures; it is a report, the exit status is always 0.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Callable, List, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))
for path in (ROOT, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)

MESSAGES: Any = [{"role": "user", "content": "Hello"}]
CHUNKS = "20"


# ---------------------------------------------------------------------------
# The server (run as ``bench_reuse.py --serve CERT KEY``)
# ---------------------------------------------------------------------------


def serve(cert: str, key: str) -> None:
    """TLS on one port (the API), plain TCP on another (answers the count of TLS connections accepted)."""
    from _server import handle

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    api, control = socket.socket(), socket.socket()
    for listener in (api, control):
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
    accepted = [0]

    def tls(conn: socket.socket) -> None:
        try:
            wrapped = context.wrap_socket(conn, server_side=True)
        except (OSError, ssl.SSLError):
            conn.close()
            return
        handle(wrapped)  # (_server's keep-alive loop; it closes the connection)

    def accept_api() -> None:
        while True:
            conn, _ = api.accept()
            accepted[0] += 1
            threading.Thread(target=tls, args=(conn,), daemon=True).start()

    def accept_control() -> None:
        while True:
            conn, _ = control.accept()
            conn.sendall(b"%d\n" % accepted[0])
            conn.close()

    threading.Thread(target=accept_api, daemon=True).start()
    threading.Thread(target=accept_control, daemon=True).start()
    print(api.getsockname()[1], control.getsockname()[1], flush=True)
    sys.stdin.read()  # serve until the parent closes our stdin


_OPENSSL_CONFIG = """\
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign
[server]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
"""


def make_certificates(folder: str) -> Tuple[str, str, str]:
    """A CA and a server certificate for 127.0.0.1 it signed: paths of the CA, the certificate, its key."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    with open(os.path.join(folder, "openssl.cnf"), "w") as f:
        f.write(_OPENSSL_CONFIG)
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-config", "openssl.cnf"]
    openssl("req", "-x509", *key, "-extensions", "ca", "-subj", "/CN=bench CA", "-keyout", "ca.key", "-out", "ca.pem")
    openssl("req", *key, "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr")
    openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "2", "-days", "1",
        "-extfile", "openssl.cnf", "-extensions", "server", "-out", "server.pem",
    )  # fmt: skip
    return tuple(os.path.join(folder, name) for name in ("ca.pem", "server.pem", "server.key"))  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# The two clients
# ---------------------------------------------------------------------------


class Ours:
    name = "openai_lite"

    def __init__(self, url: str, cert: str) -> None:
        import requests

        import openai_lite

        self.session = requests.Session()
        self.session.trust_env = False  # (REQUESTS_CA_BUNDLE in the environment would win over verify)
        self.session.verify = cert
        self.client = openai_lite.Client(
            api_key="sk-bench", base_url=url, session=self.session, default_headers={"X-Chunks": CHUNKS}
        )

    def stream(self) -> Any:
        return (
            c.choices[0].delta.content for c in self.client.create_chat_completion_stream(model="m", messages=MESSAGES)
        )

    def close(self) -> None:
        self.session.close()


class Raw:
    name = "requests + sseclient-py"

    def __init__(self, url: str, cert: str) -> None:
        import requests

        self.url = url + "/chat/completions"
        self.session = requests.Session()
        self.session.trust_env = False  # (REQUESTS_CA_BUNDLE in the environment would win over verify)
        self.session.verify = cert
        self.headers = {"Authorization": "Bearer sk-bench", "X-Chunks": CHUNKS, "Accept": "text/event-stream"}

    def stream(self) -> Any:
        import json

        import sseclient

        response = self.session.post(
            self.url, json={"model": "m", "messages": MESSAGES, "stream": True}, headers=self.headers, stream=True
        )
        for event in sseclient.SSEClient(response).events():  # to the end of the body: requests pools the connection
            if event.data != "[DONE]":
                yield json.loads(event.data)["choices"][0]["delta"]["content"]

    def close(self) -> None:
        self.session.close()


def second_stream_first_event(make: Callable[[], Any]) -> float:
    """Seconds from asking for a second stream to its first event, after a first one was read to the end."""
    client = make()
    try:
        for _ in client.stream():
            pass
        started = time.perf_counter()
        events = client.stream()
        next(events)
        elapsed = time.perf_counter() - started
        for _ in events:
            pass
        return elapsed
    finally:
        client.close()


def connections_for(make: Callable[[], Any], streams: int, count: Callable[[], int]) -> int:
    client = make()
    before = count()
    try:
        for _ in range(streams):
            for _ in client.stream():
                pass
    finally:
        client.close()
    return count() - before


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3])
        return
    quick = "--quick" in sys.argv
    runs, streams = (30, 20) if quick else (200, 100)
    if shutil.which("openssl") is None:
        print("bench_reuse: the openssl command is needed to make the test certificate")
        return
    import openai_lite

    with tempfile.TemporaryDirectory() as folder:
        ca, cert, key = make_certificates(folder)
        server = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--serve", cert, key],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            api_port, control_port = map(int, server.stdout.readline().split())
            url = f"https://127.0.0.1:{api_port}/v1"

            def count() -> int:
                with socket.create_connection(("127.0.0.1", control_port)) as conn:
                    return int(conn.makefile().readline())

            kinds: List[Any] = [Ours, Raw]
            times: dict = {kind.name: [] for kind in kinds}
            for _ in range(runs):  # interleaved, so that load on the machine weighs on both alike
                for kind in kinds:
                    times[kind.name].append(second_stream_first_event(lambda k=kind: k(url, ca)))
            opened = {kind.name: connections_for(lambda k=kind: k(url, ca), streams, count) for kind in kinds}
        finally:
            assert server.stdin is not None
            server.stdin.close()
            server.wait(10)

    print(f"openai_lite {openai_lite.__version__} from {os.path.dirname(openai_lite.__file__)}")
    print(f"TLS on loopback, chat streams of {CHUNKS} chunks; {runs} runs, {streams} streams for the count")
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    for name, median in medians.items():
        print(
            f"  {name:26} second stream, first event: {median:6.2f} ms (median)   "
            f"TCP connections for {streams} streams: {opened[name]}"
        )
    print(f"  ratio openai_lite / raw, second stream's first event: {medians[Ours.name] / medians[Raw.name]:.2f}")


if __name__ == "__main__":
    main()
