"""A partner's webhook endpoint, served on 127.0.0.1 for the tests that deliver to it."""

from http.server import BaseHTTPRequestHandler
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError


class Receiver(BaseHTTPRequestHandler):
    """A partner's endpoint: fails with 500 as many times as told, then accepts."""

    failures_left = 0
    failure_body = b"boom"
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"headers": dict(self.headers), "body": body})
        status = 500 if type(self).failures_left > 0 else 200
        type(self).failures_left -= 1
        self.send_response(status)
        self.end_headers()
        self.wfile.write(type(self).failure_body if status == 500 else b"thanks")

    def log_message(self, *args: Any) -> None:
        pass


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What docs/api.md tells partners to do: the Standard Webhooks library checks it."""
    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return False
    return True
