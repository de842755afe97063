"""PostgreSQL restarted under a running sync: the run still ends green and the warehouse equals Twilio."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import TEST_NOW, run_sync, sandbox_config, sync_env
from tests.integration.test_sync_job import materializations, table_rows
from twilio_assets.catalog import ALL_COLLECTIONS
from twilio_assets.localdev.postgres import LocalPostgres, free_port
from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.warehouse.connection import WarehouseUnreachable
from twilio_assets.warehouse.session import WarehouseLost, WarehouseSession

pytestmark = pytest.mark.integration


@pytest.fixture
def own_server():
    """A PostgreSQL of this test's own, since it is going to be restarted."""
    root = Path(tempfile.mkdtemp(prefix="twilio_assets-restart-pg-"))
    server = LocalPostgres(root=root, port=free_port())
    server.start(databases=("warehouse",))
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_a_postgres_restart_mid_run_is_survived_and_the_warehouse_is_exact(own_server):
    # Slow answers keep the run going; the restart comes once the sync is well under way.
    with SandboxServer(sandbox_config(latency_ms=40)) as sandbox:
        env = sync_env(own_server.env("warehouse"), sandbox)
        stopped_at: list[float] = []

        def restart() -> None:
            deadline = time.monotonic() + 120
            while sum(sandbox.app.faults.request_counts().values()) < 30 and time.monotonic() < deadline:
                time.sleep(0.01)
            own_server.stop()
            stopped_at.append(time.monotonic())
            time.sleep(1)
            own_server.start(databases=("warehouse",))

        restarter = threading.Thread(target=restart)
        restarter.start()
        result = run_sync(env, sandbox.config.first_day.isoformat(), TEST_NOW.date().isoformat())
        ended_at = time.monotonic()
        restarter.join()
        assert result.success
        assert stopped_at and stopped_at[0] < ended_at, "the run ended before the restart: it proved nothing"
        reconnects = sum(m["warehouse_reconnects"] for m in materializations(result).values())
        assert reconnects >= 1, "no step noticed the restart"
        main = sandbox.config.main_account_sid
        for collection in ALL_COLLECTIONS:
            expected = {collection.key_of(r): r for r in expected_records(sandbox.world, collection.name, [main])}
            assert table_rows(env, collection) == expected, collection.name


def test_a_warehouse_that_stays_down_gives_an_error_with_the_fix_not_a_driver_traceback():
    def unreachable():
        raise WarehouseUnreachable("cannot connect to the PostgreSQL warehouse (host=127.0.0.1, port=1): refused")

    session = WarehouseSession(unreachable, attempts=2, sleep=lambda seconds: None)
    with pytest.raises(WarehouseLost) as raised:
        session.run(lambda connection: None, "the calls sync of 2026-03-09")
    message = str(raised.value)
    assert "the calls sync of 2026-03-09" in message and "Fix:" in message and "re-run" in message
