"""The HTTP server: stdlib ThreadingHTTPServer, HTTP/1.1 keep-alive, faults applied here.

Faults that live below the JSON level (latency, concurrency 429s, resets, slow and
truncated responses) are applied in the handler; the API itself is in app.py.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .app import SandboxApp
from .config import SandboxConfig
from .errors import error_body
from .faults import empty_page
from .hashing import hex_digits
from .http_types import Request, Response


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, app: SandboxApp, verbose: bool):
        self.app = app
        self.verbose = verbose
        self._resets: set[int] = set()
        self._resets_lock = threading.Lock()
        self._serial = itertools.count(1)
        super().__init__(address, _Handler)

    def mark_reset(self, sock) -> None:
        with self._resets_lock:
            self._resets.add(id(sock))

    def shutdown_request(self, request) -> None:
        with self._resets_lock:
            reset = id(request) in self._resets
            self._resets.discard(id(request))
        if reset:
            # Close without the orderly FIN that shutdown(SHUT_WR) would send: with
            # SO_LINGER 0 the peer gets a TCP RST.
            request.close()
            return
        super().shutdown_request(request)

    def request_id(self) -> str:
        return "RQ" + hex_digits(32, self.app.config.seed, "request", next(self._serial))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TwilioSandbox/1.0"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as two writes; without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format, *args) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    # --- one request -----------------------------------------------------------------

    def _serve(self) -> None:
        app = self.server.app
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        parts = urlsplit(self.path)
        bound_host, bound_port = self.server.server_address[:2]
        host = self.headers.get("Host") or f"{bound_host!s}:{bound_port}"
        req = Request(
            method=self.command,
            path=parts.path,
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            now=app.world.now_us,
            base_url=f"http://{host}",
        )
        if parts.path.startswith("/__sandbox__/"):
            self._send(app.handle(req))
            return
        faults = app.faults
        # Per account, as Twilio limits concurrency; requests naming no account share one key.
        key = app.account_of(req) or "unauthenticated"
        depth = faults.enter(key)
        inflight = True
        try:
            latency = faults.get("latency_ms")
            if latency:
                faults.count("latency")
                time.sleep(latency / 1000)
            fault = faults.pick(self.command, self.path)
            if fault == "reset":
                faults.count("reset")
                self._reset()
                return
            limit = faults.get("concurrency_limit")
            if limit and depth > limit:
                faults.count("concurrency")
                resp = self._too_many(faults)
            elif fault == "429":
                faults.count("429")
                resp = self._too_many(faults)
            elif fault == "5xx":
                faults.count("5xx")
                status = faults.five_hundred(self.command, self.path)
                text = "Service Unavailable" if status == 503 else "Internal Server Error"
                resp = Response(status, error_body(status, 20000 + status, text))
            else:
                resp = self._shaped(app.handle(req), faults)
            resp.headers["Twilio-Concurrent-Requests"] = str(depth)
            if fault == "slow":
                faults.count("slow")
                time.sleep(faults.get("slow_ms") / 1000)
            if fault == "truncate":
                faults.count("truncate")
            # No longer in flight once the answer is ready: a sequential client that
            # sends its next request on receipt must not be counted twice.
            faults.leave(key)
            inflight = False
            self._send(resp, truncate=fault == "truncate")
        finally:
            if inflight:
                faults.leave(key)

    def _shaped(self, resp: Response, faults) -> Response:
        """A good answer as the listing knobs want it: refused as too old, emptied, or with NUL bytes."""
        if resp.status != 200:
            return resp
        kind = faults.listing_fault(resp.body)
        if kind == "retention":
            faults.count("retention")
            insights = self.path.startswith(("/v1/Voice/", "/v1/Conferences"))
            code = 17002 if insights else 20004
            return Response(400, error_body(400, code, "Records this old are beyond Twilio's retention (fault knob)"))
        if kind == "empty":
            faults.count("empty")
            return Response(200, empty_page(resp.body), resp.headers)
        body = faults.with_nul_bytes(resp.body)
        return resp if body is resp.body else Response(200, body, resp.headers)

    def _too_many(self, faults) -> Response:
        headers = {}
        if faults.get("retry_after"):
            headers["Retry-After"] = str(faults.get("retry_after"))
        return Response(429, error_body(429, 20429, "Too Many Requests"), headers)

    def _reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.server.mark_reset(self.connection)

    def _send(self, resp: Response, truncate: bool = False) -> None:
        headers = dict(resp.headers)
        if isinstance(resp.body, str):  # a page (the OAuth consent page), with its own Content-Type
            payload = resp.body.encode()
            content_type = headers.pop("Content-Type", "text/html; charset=utf-8")
        else:
            payload = json.dumps(resp.body, separators=(",", ":")).encode()
            content_type = "application/json; charset=utf-8"
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", content_type)
            # On truncation this still announces the full length: the client sees a short body.
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Twilio-Request-Id", self.server.request_id())
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if truncate:
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.close_connection = True
            else:
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout on a slow response, typically).
            self.close_connection = True


def is_loopback(host: str) -> bool:
    """Whether every address `host` stands for is a loopback one (a name is resolved; "" means all)."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host or None, None, flags=socket.AI_PASSIVE)}
        return bool(addresses) and all(ipaddress.ip_address(address).is_loopback for address in addresses)
    except (OSError, ValueError):
        return False


class SandboxServer:
    """A running sandbox: `with SandboxServer(config) as s: requests.get(s.base_url + ...)`.

    It listens on loopback only unless `allow_remote` says otherwise: its credentials are derived from
    a public seed and its admin endpoints (clock, faults) have no authentication."""

    def __init__(
        self,
        config: SandboxConfig,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
        allow_remote: bool = False,
    ):
        if not allow_remote and not is_loopback(host):
            raise ValueError(
                f"the sandbox will not listen on {host or 'every interface'!s}: it is not a loopback address, and "
                "anyone who can reach it could read its data with the seed's public credentials and change its "
                "clock and faults (the admin endpoints have no authentication). Fix: --host 127.0.0.1, or add "
                "--allow-remote if other machines must reach it (on a network you trust)."
            )
        self.config = config
        self.host = host
        self.port = port
        self.verbose = verbose
        self.app = SandboxApp(config)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    @property
    def world(self):
        return self.app.world

    def start(self) -> SandboxServer:
        if self._httpd is not None:
            raise RuntimeError("sandbox already started")
        self._httpd = _HTTPServer((self.host, self.port), self.app, self.verbose)
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self.world.public_base_url = self.base_url
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="twilio-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def wait(self) -> None:
        """Block until interrupted (the CLI's foreground mode)."""
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(timeout=0.5)
        except KeyboardInterrupt:
            print("stopping", file=sys.stderr)
        finally:
            self.stop()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
