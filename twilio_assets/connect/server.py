"""The local web server: `/` (the Connect page) and `/callback` (Twilio's answer), on 127.0.0.1 only.

It logs nothing (a callback's URL holds a code), sends no page to caches or other sites, and stops once
the flow has a final answer and the page saying so has been sent. It answers only requests addressed
to the address it bound (`Host: 127.0.0.1:PORT`): a foreign site can point a name of its own at
127.0.0.1 (DNS rebinding), and the browser would then let that site's scripts read this page and its
`state`; such requests carry the foreign name in `Host` and are refused."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import pages
from .flow import CALLBACK_PATH, Answer, ConnectFlow

HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, owner: ConnectServer):
        self.owner = owner
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def version_string(self) -> str:
        return "twilio_assets-connect"

    def log_message(self, format, *args) -> None:  # noqa: A002 - the stdlib's name
        pass  # never log: the callback's query string holds the authorization code

    def do_GET(self) -> None:
        owner = self.server.owner
        flow = owner.flow
        assert flow is not None  # attached before serving starts
        parts = urlsplit(self.path)
        if (self.headers.get("Host") or "").strip().lower() not in owner.own_hosts:
            self._send(
                421,
                pages.failed(
                    "This request names another host than the address this page listens on, so it is refused "
                    "(a page under another name could be a foreign site reaching this one).",
                    f"Open {owner.url} itself.",
                    retry=False,
                ),
            )
            return
        if parts.path == "/":
            self._send(200, flow.start_page())
        elif parts.path == CALLBACK_PATH:
            answer = flow.callback(dict(parse_qsl(parts.query, keep_blank_values=True)))
            self._send(answer.status, answer.page)
            if answer.final:
                owner.finish(answer)
        else:
            self._send(404, pages.failed("There is no such page here.", "Open / to connect.", retry=True))

    def _send(self, status: int, page: str) -> None:
        body = page.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in HEADERS.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


class ConnectServer:
    """`with ConnectServer(port) as server: server.attach(flow); answer = server.wait()`; port 0 picks one."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self._httpd = _HTTPServer((host, port), self)  # binds now: the port is known before the flow is built
        self.host, self.port = host, self._httpd.server_address[1]
        self.flow: ConnectFlow | None = None
        self._answer: Answer | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def own_hosts(self) -> frozenset[str]:
        """The `Host` headers a browser sends for this server's own URL (the port may be left out on 80)."""
        hosts = {f"{self.host}:{self.port}".lower()}
        if self.port == 80:
            hosts.add(self.host.lower())
        return frozenset(hosts)

    @property
    def redirect_uri(self) -> str:
        return f"http://{self.host}:{self.port}{CALLBACK_PATH}"

    def attach(self, flow: ConnectFlow) -> None:
        self.flow = flow
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="twilio-connect", daemon=True
        )
        self._thread.start()

    def finish(self, answer: Answer) -> None:
        self._answer = answer
        self._done.set()

    def wait(self, timeout: float | None = None) -> Answer | None:
        """The final answer, or None after `timeout` seconds without one."""
        # Short waits, so that Ctrl-C is seen at once.
        finished = self._done.wait(timeout) if timeout is not None else _wait_forever(self._done)
        return self._answer if finished else None

    def close(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> ConnectServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _wait_forever(event: threading.Event) -> bool:
    while not event.wait(0.5):
        pass
    return True
