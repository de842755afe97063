"""A tiny HTTP server that answers from a script: for tests that need exact sequences of Twilio answers
(a 429 then a 200, a token that is refused once) which the sandbox's random fault rates cannot give."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict → JSON; str → sent as is
    headers: dict[str, str] = field(default_factory=dict)
    truncate: bool = False  # send half the body with the full Content-Length
    reset: bool = False  # close the connection without answering


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    form: dict[str, str]


class ScriptedServer:
    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self._routes: dict[str, list[Reply | Callable[[Seen], Reply]]] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                seen = Seen(
                    self.command, parts.path, dict(parse_qsl(parts.query)), dict(self.headers), dict(parse_qsl(raw))
                )
                outer.requests.append(seen)
                queue = outer._routes.get(parts.path) or []
                reply = (
                    queue.pop(0)
                    if len(queue) > 1
                    else (queue[0] if queue else Reply(404, {"code": 20404, "message": "not scripted", "status": 404}))
                )
                if callable(reply):
                    reply = reply(seen)
                if reply.reset:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                data = body.encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data[: len(data) // 2] if reply.truncate else data)
                if reply.truncate:
                    self.close_connection = True

            do_GET = do_POST = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, path: str, *replies: Reply | Callable[[Seen], Reply]) -> None:
        """Answer `path` with these replies in order; the last one repeats."""
        self._routes[path] = list(replies)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
