"""Alerts and events synced by the real engine from the sandbox over HTTP into PostgreSQL.

A backfill of the sandbox's days equals the oracle row for row; three hours later new alerts and events
(and alerts that were still in Twilio's buffer) have arrived, and a lookback sync of yesterday and today
makes the whole table exact again; a re-run changes nothing. Through the Dagster job, a backfill that
reaches past the 30 days of alerts Twilio keeps succeeds, names exactly the refused days, and stores
exactly what could be read; rows of a day that later falls out of retention are kept.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TEST_NOW, connect, run_sync, sandbox_config, sync_env
from tests.integration.test_messaging_sync import assert_exact, expected, stored, sync
from tests.integration.test_sync_job import materializations
from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.sandbox.timefmt import from_us

pytestmark = pytest.mark.integration

NAMES = ("alerts", "events")
TODAY = TEST_NOW.date()


def test_alerts_and_events_stay_exact_as_the_clock_moves_and_a_rerun_changes_nothing(warehouse):
    with SandboxServer(sandbox_config()) as server:
        world, config = server.world, server.config
        monitor = world.product_for("alerts")
        main = config.main_account_sid
        # Stop the clock while an alert is still in Twilio's buffer (it is listed later), less than three
        # hours before an event: both arrive during the next tick's three hours.
        tick = 3 * 3600 * 1_000_000
        buffered, event = next(
            (alert, event)
            for day in range(config.first_day.toordinal(), TODAY.toordinal() + 1)
            for event in monitor.events_on(main, day)
            for alert in reversed(monitor.alerts_on(main, day))
            if event.at - tick < alert.generated < event.at
        )
        world.set_now(from_us(buffered.generated) + dt.timedelta(seconds=0.5))
        days = (config.first_day, world.now.date())
        for name in NAMES:
            result = sync(server, warehouse, name, *days)
            assert not result.unreadable and result.inserted == len(assert_exact(server, warehouse, name))
        assert buffered.sid not in stored(warehouse, "alerts")[0]
        assert event.sid not in stored(warehouse, "events")[0]
        before = {name: set(stored(warehouse, name)[0]) for name in NAMES}

        # Three hours later: a tick re-reads yesterday and today.
        world.advance(3 * 3600)
        for name in NAMES:
            sync(server, warehouse, name, world.now.date() - dt.timedelta(days=1), world.now.date())
            live = assert_exact(server, warehouse, name)
            assert set(live) > before[name], f"{name}: nothing new arrived in three hours"
        assert buffered.sid in stored(warehouse, "alerts")[0] and event.sid in stored(warehouse, "events")[0]

        for name in NAMES:
            again = sync(server, warehouse, name, *days)
            assert (again.inserted, again.updated, again.deleted, again.revived) == (0, 0, 0, 0), name
            assert again.unchanged == again.fetched > 0
            assert not stored(warehouse, name)[1], f"{name}: rows marked deleted"
        # Only the instance's own account: Monitor answers for the calling account alone.
        subaccounts = {a["sid"] for a in expected_records(world, "alerts", config.subaccount_sids)}
        assert subaccounts and not subaccounts & set(stored(warehouse, "alerts")[0])


def _long_world():
    small = dict(subaccounts=0, calls_per_day=8, messages_per_day=40, conferences_per_day=1, scheduled_per_day=0)
    return sandbox_config(start=TODAY - dt.timedelta(days=35), **small)


def test_a_day_beyond_the_30_days_of_alerts_is_reported_and_the_run_succeeds(warehouse):
    window = [TODAY - dt.timedelta(days=n) for n in (32, 31, 30, 29)]
    refused = window[:2]
    with SandboxServer(_long_world()) as server:
        env = sync_env(warehouse, server)
        result = run_sync(env, window[0].isoformat(), window[-1].isoformat())
        assert result.success
        note = materializations(result)["alerts"]["days_not_readable"]
        for day in window:
            assert (f"{day.isoformat()}: Twilio error 20004" in note) == (day in refused), f"{day}: {note}"
        assert "beyond retention" in note
        assert "days_not_readable" not in materializations(result)["events"]
        # What could be read is exactly Twilio's: the days kept, and nothing of the refused ones.
        assert_exact(server, warehouse, "alerts", window[2:])
        assert expected(server, "alerts", window) == expected(server, "alerts", window[2:])
        assert_exact(server, warehouse, "events", window)


def test_alerts_of_a_day_that_falls_out_of_retention_are_kept(warehouse):
    with SandboxServer(_long_world()) as server:
        world = server.world
        day = TODAY - dt.timedelta(days=28)
        first = sync(server, warehouse, "alerts", day, day)
        assert first.inserted > 0 and not first.unreadable
        world.advance(5 * 86400)  # the day is now 33 days old
        second = sync(server, warehouse, "alerts", day, day)
        assert list(second.unreadable) == [f"all accounts {day.isoformat()}"]
        assert "20004" in next(iter(second.unreadable.values()))
        assert second.deleted == 0
        with connect(warehouse) as connection, connection.cursor() as cursor:
            cursor.execute("select count(*) from twilio.alerts where _deleted_at is null")
            assert cursor.fetchone()[0] == first.inserted
