"""An overall deadline per HTTP request, which connect and read timeouts alone do not give.

A read timeout bounds each wait for the next bytes, so a server that drips one byte at a time (or a
stalled proxy) holds a request, and the account's in-flight slot, for ever. Here each request gets a
`Deadline`: a timer that, when it fires, shuts down the socket the answer is being read from, so
whatever read is waiting (headers or body) fails at once. The socket is reached through
`DeadlineAdapter`, whose connections hand it to the deadline of the request on their thread just
before they wait for the answer.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection

_current = threading.local()  # .deadline: the Deadline of the request this thread is sending


class Deadline:
    """Use as `with Deadline(seconds):` around sending a request and reading its whole body; close the
    response only after the block (see __exit__)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._done = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # Disarmed before the caller hands the connection back to the pool: a timer firing late
        # must not cut a connection another request has taken since.
        self._timer.cancel()
        with self._lock:
            self._done = True
            self._socket = None
        _current.deadline = None

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self._done:
                return
            self._socket = sock
            if self.expired:
                self._cut()

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            self._cut()

    def _cut(self) -> None:
        if self._socket is None:
            return  # still connecting: the connect timeout bounds that, and watch() cuts right after
        try:
            # The plain socket's shutdown, also under TLS: it wakes a read blocked in another thread
            # without touching the TLS object that read is using.
            socket.socket.shutdown(self._socket, socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


class _Watched:
    sock: Any

    def getresponse(self) -> Any:
        deadline: Deadline | None = getattr(_current, "deadline", None)
        if deadline is not None and self.sock is not None:
            deadline.watch(self.sock)
        return super().getresponse()  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter, with connections that let a `Deadline` cut them (through an HTTP proxy too; through
    a SOCKS proxy the connect and read timeouts still bound each wait, not the whole)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS proxies bring connection classes of their own
            manager.pool_classes_by_scheme = _POOLS
        return manager
