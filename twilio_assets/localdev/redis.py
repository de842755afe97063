"""A throwaway Redis (Debian's redis-server) as the Celery broker for `make celery-demo` and the tests.

Loopback only, no persistence, in a private temporary folder; stopped with the object. It requires
a password, generated per server: anything else on the machine can reach a loopback port, and the
broker carries every step's instructions. The password is in the server's config file (mode 0600),
not on its command line where `ps` would show it, and in `url` for the run and its workers; print
`display_url` instead.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .postgres import free_port

INSTALL_HINT = "apt-get install redis-server"
HOST = "127.0.0.1"


def redis_binary() -> str | None:
    return shutil.which("redis-server")


class LocalRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self._dir = Path(tempfile.mkdtemp(prefix="twilio_assets-redis-"))  # mode 0700
        self._password = secrets.token_urlsafe(24)
        self._process: subprocess.Popen | None = None

    def __repr__(self) -> str:
        return f"LocalRedis({self.display_url})"

    @property
    def url(self) -> str:
        """The broker URL with the password: for the run's and the workers' environment only."""
        return f"redis://:{self._password}@{HOST}:{self.port}/0"

    @property
    def display_url(self) -> str:
        return f"redis://:***@{HOST}:{self.port}/0"

    def _write_config(self) -> Path:
        config = self._dir / "redis.conf"
        lines = [
            f"port {self.port}",
            f"bind {HOST}",
            "protected-mode yes",
            f"requirepass {self._password}",
            'save ""',
            "appendonly no",
            f'dir "{self._dir}"',
        ]
        descriptor = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write("\n".join(lines) + "\n")
        return config

    def start(self) -> LocalRedis:
        binary = redis_binary()
        if binary is None:
            raise RuntimeError(f"redis-server is not installed. Fix: {INSTALL_HINT}")
        self._process = subprocess.Popen(
            [binary, str(self._write_config())], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex((HOST, self.port)) == 0:
                    return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> LocalRedis:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
