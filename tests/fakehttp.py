"""A local HTTP server that answers from a script of responses and records requests.

Tests of live code paths point the clients here; nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (to trip read timeouts)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    at: float


class FakeServer:
    """Answers from `replies` in order (the last one repeats); a request whose path
    (without the query) is a key of `routes` is answered from that script instead."""

    def __init__(self, replies: list[Reply], routes: dict[str, list[Reply]] | None = None):
        self.replies = list(replies)
        self.routes = {path: list(r) for path, r in (routes or {}).items()}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                server.seen.append(
                    Seen(self.command, self.path, dict(self.headers), time.monotonic())
                )
                script = server.routes.get(self.path.split("?", 1)[0], server.replies)
                reply = script.pop(0) if len(script) > 1 else script[0]
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for k, v in {"Content-Type": "application/json", **reply.headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                # The client may have given up already (a timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(reply.body)

            do_POST = do_GET  # noqa: N815  (the same script answers; POSTs are recorded)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
