"""Choosing the Celery executor: the job's executor follows TWILIO_ASSETS_EXECUTOR, the broker is required."""

from __future__ import annotations

import importlib.util

import dagster as dg
import pytest

from twilio_assets.distributed.settings import BROKER_ENV, EXECUTOR_ENV, broker_url, selected_executor


def test_the_broker_is_required_and_named_in_the_error():
    assert broker_url({BROKER_ENV: "redis://b:6379/0"}) == "redis://b:6379/0"
    with pytest.raises(ValueError, match=BROKER_ENV):
        broker_url({})
    assert selected_executor({EXECUTOR_ENV: "celery"}) == "celery" and selected_executor({}) == "local"
    with pytest.raises(ValueError, match="one of local, celery, k8s"):
        selected_executor({EXECUTOR_ENV: "kubernetes"})


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


@pytest.mark.skipif(importlib.util.find_spec("dagster_k8s") is None, reason="pip install -e '.[k8s]'")
def test_the_sync_job_runs_a_pod_per_step_when_k8s_is_chosen(monkeypatch):
    from twilio_assets.defs.automation import MAX_CONCURRENT_STEPS, sync_job

    monkeypatch.setenv(EXECUTOR_ENV, "k8s")

    @dg.asset
    def one() -> None: ...

    job = dg.Definitions(assets=[one], jobs=[sync_job(dg.AssetSelection.assets(one))]).resolve_job_def(
        "twilio_sync_job"
    )
    assert job.executor_def.name == "k8s"
    # Configured in full by the deployment: the step limit is set, and no launch can pick another image.
    assert dg.validate_run_config(job, {}) is not None
    with pytest.raises(dg.DagsterInvalidConfigError, match="unexpected config entr"):
        dg.validate_run_config(job, {"execution": {"config": {"job_image": "attacker/image"}}})
    with pytest.raises(dg.DagsterInvalidConfigError, match="unexpected config entr"):
        dg.validate_run_config(job, {"execution": {"config": {"max_concurrent": MAX_CONCURRENT_STEPS + 1}}})
