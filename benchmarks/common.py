"""Shared by the benchmarks: a sandbox in its own process, the warehouse, and peak memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests

from twilio_assets.localdev.postgres import free_port
from twilio_assets.localdev.stack import warehouse_env
from twilio_assets.twilio_api import Hosts, InFlightLimit, TwilioClient


@contextmanager
def sandbox_process(*flags: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Start `python -m twilio_assets.sandbox` with `flags`; yield its base URL and TWILIO_* settings."""
    port = free_port()
    args = [sys.executable, "-m", "twilio_assets.sandbox", "--port", str(port), *flags]
    env_lines = subprocess.run([*args, "--print-env"], capture_output=True, text=True, check=True).stdout
    env = dict(
        line.removeprefix("export ").split("=", 1) for line in env_lines.splitlines() if line.startswith("export ")
    )
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                requests.get(f"{base}/__sandbox__/info", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base, env
    finally:
        process.terminate()
        process.wait()


def client_for(base: str, env: dict[str, str], limit: InFlightLimit | None = None) -> TwilioClient:
    return TwilioClient.with_basic(
        env["TWILIO_ACCOUNT_SID"], env["TWILIO_AUTH_TOKEN"], Hosts.build(base_url=base), "benchmark", limit=limit
    )


def use_warehouse() -> str:
    """Point PG* at the warehouse (the embedded one unless PG* are set); return where it is."""
    os.environ.update(warehouse_env())
    return f"{os.environ['PGHOST']}:{os.environ['PGPORT']}/{os.environ['PGDATABASE']}"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
