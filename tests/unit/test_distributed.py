"""Choosing the Celery executor: the job's executor follows TWILIO_ASSETS_EXECUTOR, the broker is required."""

from __future__ import annotations

import importlib.util

import dagster as dg
import pytest

from twilio_assets.distributed.settings import BROKER_ENV, EXECUTOR_ENV, broker_url, celery_selected


def test_the_broker_is_required_and_named_in_the_error():
    assert broker_url({BROKER_ENV: "redis://b:6379/0"}) == "redis://b:6379/0"
    with pytest.raises(ValueError, match=BROKER_ENV):
        broker_url({})
    assert celery_selected({EXECUTOR_ENV: "celery"}) and not celery_selected({})


@pytest.mark.skipif(importlib.util.find_spec("dagster_celery") is None, reason="pip install -e '.[celery]'")
def test_the_sync_job_runs_on_celery_when_chosen(monkeypatch):
    from twilio_assets.defs.automation import sync_job

    monkeypatch.setenv(EXECUTOR_ENV, "celery")
    monkeypatch.setenv(BROKER_ENV, "redis://127.0.0.1:6379/0")

    @dg.asset
    def one() -> None: ...

    celery = dg.Definitions(assets=[one], jobs=[sync_job(dg.AssetSelection.assets(one))])
    job = celery.resolve_job_def("twilio_sync_job")
    assert job.executor_def.name == "celery"
    monkeypatch.delenv(EXECUTOR_ENV)
    local = dg.Definitions(assets=[one], jobs=[sync_job(dg.AssetSelection.assets(one))])
    assert local.resolve_job_def("twilio_sync_job").executor_def.name != "celery"
