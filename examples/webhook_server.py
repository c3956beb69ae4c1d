"""A webhook endpoint for OpenAI events in the standard library's http.server.

    export OPENAI_WEBHOOK_SECRET=whsec_...   # shown when you add the endpoint in the OpenAI dashboard
    python examples/webhook_server.py        # listens on port 8000 (PORT to change it)

Each POST is verified and unwrapped; the event type is printed. A request that
is not signed with the secret gets a 400 and is otherwise ignored.

    python examples/webhook_server.py --demo

runs the server on a free port with a made-up secret, sends it one signed
event and one forged one, and exits: a way to see it work without OpenAI.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import openai_lite
except ImportError:
    # Run from a source checkout without installing: use the package next to this folder.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import openai_lite


class WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        # Verify the raw bytes: a body parsed and serialised again no longer matches its signature.
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            event = openai_lite.unwrap_webhook(body, self.headers)
        except openai_lite.InvalidWebhookSignatureError as exc:
            print(f"rejected: {exc}", flush=True)
            self.send_response(400)
            self.end_headers()
            return
        # An event type newer than this library arrives as a plain dict.
        kind = event["type"] if isinstance(event, dict) else event.type
        print(f"received {kind} (webhook-id {self.headers['webhook-id']})", flush=True)
        # Answer quickly (OpenAI retries slow or failed deliveries); do real work elsewhere.
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the prints above say enough


def demo() -> None:
    key = os.urandom(32)
    secret = "whsec_" + base64.b64encode(key).decode()
    os.environ["OPENAI_WEBHOOK_SECRET"] = secret
    server = ThreadingHTTPServer(("127.0.0.1", 0), WebhookHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    body = json.dumps(
        {
            "id": "evt_1",
            "object": "event",
            "created_at": int(time.time()),
            "type": "response.completed",
            "data": {"id": "resp_1"},
        }
    ).encode()
    webhook_id, timestamp = "wh_demo_1", str(int(time.time()))
    # What OpenAI does when it sends: sign "{id}.{timestamp}.{body}" with the secret's key.
    digest = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }
    for label, data in (("signed", body), ("forged", body.replace(b"resp_1", b"resp_2"))):
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            status = urllib.request.urlopen(request).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        print(f"{label} request -> {status}")
    server.shutdown()


def main() -> None:
    if "--demo" in sys.argv[1:]:
        demo()
        return
    if not os.environ.get("OPENAI_WEBHOOK_SECRET"):
        sys.exit(__doc__)
    port = int(os.environ.get("PORT", "8000"))
    server = ThreadingHTTPServer(("", port), WebhookHandler)
    print(f"Listening for webhooks on port {port}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
