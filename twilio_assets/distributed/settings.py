"""Where the Celery broker is: one variable, read by the executor (in the run) and by the workers."""

from __future__ import annotations

import os

BROKER_ENV = "TWILIO_ASSETS_CELERY_BROKER"  # e.g. redis://127.0.0.1:6379/0
EXECUTOR_ENV = "TWILIO_ASSETS_EXECUTOR"  # where the sync job's steps run: celery, k8s, or local (unset)
EXECUTORS = ("local", "celery", "k8s")
QUEUE = "dagster"  # dagster-celery routes every step to this queue


def selected_executor(environ: dict[str, str] | None = None) -> str:
    chosen = (os.environ if environ is None else environ).get(EXECUTOR_ENV, "") or "local"
    if chosen not in EXECUTORS:
        raise ValueError(f"{EXECUTOR_ENV}={chosen!r} is not an executor. Fix: set it to one of {', '.join(EXECUTORS)}.")
    return chosen


def broker_url(environ: dict[str, str] | None = None) -> str:
    url = (os.environ if environ is None else environ).get(BROKER_ENV, "")
    if not url:
        raise ValueError(
            f"{EXECUTOR_ENV}=celery needs {BROKER_ENV}, the broker's URL. Fix: export "
            f"{BROKER_ENV}=redis://host:6379/0 (the same value for the run and every worker)."
        )
    return url
