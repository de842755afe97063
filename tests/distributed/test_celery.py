"""The sync job on two Celery workers with a real broker, faults on: exact, spread, inside the budget."""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, TEST_NOW, create_database, drop_database, sandbox_config, sync_env
from tests.integration.test_sync_job import table_rows
from twilio_assets.catalog import ALL_COLLECTIONS
from twilio_assets.localdev.redis import INSTALL_HINT, LocalRedis, redis_binary
from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.server import SandboxServer

pytestmark = [
    pytest.mark.integration,
    pytest.mark.celery,
    pytest.mark.skipif(redis_binary() is None, reason=f"no Redis broker on this machine; install it: {INSTALL_HINT}"),
    pytest.mark.skipif(
        importlib.util.find_spec("dagster_celery") is None,
        reason="dagster-celery is not installed; install it: pip install -e '.[celery]'",
    ),
]

BUDGET = 8  # the default max_in_flight


@pytest.fixture
def dagster_home(pg_server, tmp_path):
    """A Dagster instance on PostgreSQL, shared by the run and its workers (they write its events)."""
    database = create_database(pg_server)
    home = Path(tempfile.mkdtemp(prefix="twilio_assets-celery-home-"))
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_HOST": database["PGHOST"],
        "DAGSTER_PG_PORT": database["PGPORT"],
        "DAGSTER_PG_USERNAME": database["PGUSER"],
        "DAGSTER_PG_PASSWORD": database["PGPASSWORD"],
        "DAGSTER_PG_DB": database["PGDATABASE"],
    }
    try:
        yield env
    finally:
        drop_database(database)
        shutil.rmtree(home, ignore_errors=True)


def test_steps_spread_over_two_workers_and_the_warehouse_equals_twilio(warehouse, dagster_home, tmp_path, monkeypatch):
    import dagster as dg

    from twilio_assets.distributed.run import run_on_workers, steps_per_process
    from twilio_assets.distributed.settings import BROKER_ENV, EXECUTOR_ENV
    from twilio_assets.distributed.workers import Workers

    faults = dict(latency_ms=20, rate_429=0.05, rate_5xx=0.05, rate_reset=0.02, concurrency_limit=BUDGET)
    with SandboxServer(sandbox_config(**faults)) as sandbox, LocalRedis() as broker:
        env = {**sync_env(warehouse, sandbox), **dagster_home, BROKER_ENV: broker.url, EXECUTOR_ENV: "celery"}
        for name in (
            "TWILIO_API_KEY_SID",
            "TWILIO_API_KEY_SECRET",
            "TWILIO_OAUTH_CLIENT_ID",
            "TWILIO_OAUTH_CLIENT_SECRET",
        ):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        raw = [dg.AssetKey(["twilio", c.name]) for c in ALL_COLLECTIONS]
        with Workers(2, env, tmp_path / "workers"), dg.DagsterInstance.get() as instance:
            result = run_on_workers(instance, sandbox.config.first_day.isoformat(), TEST_NOW.date().isoformat(), raw)
            assert result.success, [e.message for e in result.all_events if e.is_failure]
            per_process = steps_per_process(instance, result.run_id)
        assert len(per_process) == 2 and min(per_process.values()) >= 1, per_process

        info = sandbox.app.faults
        assert info.served_counts().get("concurrency", 0) == 0, "a request went over the account's budget"
        assert 1 <= info.peak_inflight()[sandbox.config.main_account_sid] <= BUDGET
        assert info.served_counts().get("429", 0) + info.served_counts().get("5xx", 0) > 0, "no fault was served"

        main = sandbox.config.main_account_sid
        for collection in ALL_COLLECTIONS:
            expected = {collection.key_of(r): r for r in expected_records(sandbox.world, collection.name, [main])}
            assert table_rows(env, collection) == expected, collection.name
