"""Celery worker processes for the sync job, started and stopped together (local demo and tests).

Each worker is `celery -A twilio_assets.distributed.celery_app worker` on the `dagster` queue, one
step at a time, with the environment the run has (broker, warehouse, Twilio settings, DAGSTER_HOME):
a worker loads the same code location and writes its steps' events to the same Dagster instance.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .settings import BROKER_ENV, QUEUE


class Workers:
    def __init__(self, count: int, environ: dict[str, str], log_dir: Path) -> None:
        self.count = count
        self.environ = {**os.environ, **environ}
        self.log_dir = log_dir
        self._processes: list[subprocess.Popen] = []

    def start(self, ready_within_seconds: float = 90) -> Workers:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        celery = str(Path(sys.executable).with_name("celery"))
        for n in range(1, self.count + 1):
            log = open(self.log_dir / f"worker{n}.log", "w")
            self._processes.append(
                subprocess.Popen(
                    [
                        celery,
                        "-A",
                        "twilio_assets.distributed.celery_app",
                        "worker",
                        "-Q",
                        QUEUE,
                        "--concurrency",
                        "1",
                        "-n",
                        f"twilio{n}@%h",
                        "--loglevel",
                        "WARNING",
                        "--without-gossip",
                        "--without-mingle",
                    ],
                    env=self.environ,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        self._wait_ready(ready_within_seconds)
        return self

    def _wait_ready(self, seconds: float) -> None:
        from celery import Celery

        probe = Celery(broker=self.environ[BROKER_ENV])
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                if any(p.poll() is not None for p in self._processes):
                    raise RuntimeError(f"a Celery worker exited at start; see {self.log_dir}")
                answers = probe.control.ping(timeout=1.0) or []
                if len(answers) >= self.count:
                    return
            raise RuntimeError(f"{self.count} Celery workers did not answer within {seconds:.0f} s; see {self.log_dir}")
        finally:
            probe.close()

    def stop(self) -> None:
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self._processes = []

    def __enter__(self) -> Workers:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
