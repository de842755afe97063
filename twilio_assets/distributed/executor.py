"""The sync job's executor when TWILIO_ASSETS_EXECUTOR=celery: dagster-celery on the configured broker."""

from __future__ import annotations

import dagster as dg

from .settings import BROKER_ENV


def celery_executor() -> dg.ExecutorDefinition:
    from dagster_celery import celery_executor as executor  # optional dependency: `pip install .[celery]`

    return executor.configured(
        {"broker": {"env": BROKER_ENV}, "backend": {"env": BROKER_ENV}, "include": []},
        name="celery",
    )
