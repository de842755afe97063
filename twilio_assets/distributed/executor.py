"""The sync job's executor: local processes, Celery workers, or a Kubernetes Job per step."""

from __future__ import annotations

from typing import Any

import dagster as dg

from .settings import BROKER_ENV


def celery_executor() -> dg.ExecutorDefinition:
    from dagster_celery import celery_executor as executor  # optional: pip install -e '.[celery]'

    return sealed(executor, {"broker": {"env": BROKER_ENV}, "backend": {"env": BROKER_ENV}, "include": []}, "celery")


def executor_for(executor: str, max_concurrent: int) -> dg.ExecutorDefinition:
    """The chosen executor, configured in full here: a run's config cannot change it (a pod's image, a
    broker's address or a process start method are the deployment's choice, not a launcher's)."""
    if executor == "celery":
        return celery_executor()
    if executor == "k8s":
        from dagster_k8s import k8s_job_executor  # optional: pip install -e '.[k8s]'

        # Each step in its own pod, started from the run's image with the run's env and secrets.
        return sealed(k8s_job_executor, {"max_concurrent": max_concurrent}, "k8s")
    return sealed(dg.multiprocess_executor, {"max_concurrent": max_concurrent}, "multiprocess")


def sealed(executor: dg.ExecutorDefinition, config: dict[str, Any], name: str) -> dg.ExecutorDefinition:
    """`executor` with `config`, taking none at launch (a plain `configured` still accepts any config)."""
    return executor.configured(lambda _: config, name=name, config_schema={})
