"""Backfills that reach before Twilio's retention: the days it refuses are named, the rest is read.

Twilio lists messages for 400 days (error 20004 beyond) and Voice Insights for 30 (error 17002).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TEST_NOW, connect, run_sync, sandbox_config, sync_env
from tests.integration.test_sync_job import materializations, table_rows
from twilio_assets.catalog import BY_NAME
from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.sync import Window, sync_collection
from twilio_assets.twilio_api import BasicAuth, Hosts, InFlightLimit, TwilioClient

pytestmark = pytest.mark.integration

TODAY = TEST_NOW.date()


def long_world(**changes):
    small = dict(subaccounts=0, calls_per_day=2, messages_per_day=4, conferences_per_day=1, scheduled_per_day=0)
    return sandbox_config(start=TODAY - dt.timedelta(days=405), **{**small, **changes})


def days(first_ago: int, last_ago: int) -> list[dt.date]:
    return [TODAY - dt.timedelta(days=n) for n in range(first_ago, last_ago - 1, -1)]


@pytest.mark.parametrize(
    "window, refused",
    [
        # Voice Insights keeps 30 days: the two older days of this window are refused.
        (days(32, 28), {"call_feedback": days(32, 31), "conference_participants": days(32, 31)}),
        # Messages are kept 400 days.
        (days(402, 398), {"messages": days(402, 401)}),
    ],
    ids=["insights-30-days", "messages-400-days"],
)
def test_the_run_goes_on_and_the_asset_names_the_days_twilio_would_not_list(warehouse, window, refused):
    with SandboxServer(long_world()) as sandbox:
        env = sync_env(warehouse, sandbox)
        result = run_sync(env, window[0].isoformat(), window[-1].isoformat())
        assert result.success
        metadata = materializations(result)
        main = sandbox.config.main_account_sid
        for name, refused_days in refused.items():
            note = metadata[name]["days_not_readable"]
            for day in window:
                assert (f" {day.isoformat()}: Twilio" in note) == (day in refused_days), f"{name} {day}: {note}"
        # What could be read is exactly Twilio's.
        for name in ("calls", "messages", "call_feedback", "conference_participants"):
            collection = BY_NAME[name]
            expected = {collection.key_of(r): r for r in expected_records(sandbox.world, name, [main], window)}
            assert table_rows(env, collection) == expected, name
        assert any(expected_records(sandbox.world, "calls", [main], window)), "no calls at all: the world is empty"


def test_rows_of_a_day_that_fell_out_of_retention_are_kept_not_marked_deleted(warehouse):
    with SandboxServer(long_world(calls_per_day=20)) as sandbox:
        config, world = sandbox.config, sandbox.world
        client = TwilioClient(
            BasicAuth(config.main_account_sid, config.auth_token, "t"),
            Hosts.build(base_url=sandbox.base_url),
            limit=InFlightLimit(4),
        )
        main = config.main_account_sid
        day = next(d for d in days(29, 25) if any(expected_records(world, "call_feedback", [main], [d])))

        def sync():
            return sync_collection(
                client=client,
                connect=lambda: connect(warehouse),
                schema="twilio",
                collection=BY_NAME["call_feedback"],
                window=Window.for_days(day, day),
                accounts=[config.main_account_sid],
                main_account_sid=config.main_account_sid,
                run_id="t",
            )

        first = sync()
        assert first.inserted > 0 and not first.unreadable
        world.advance(6 * 86400)  # the day is now more than 30 days old
        second = sync()
        assert list(second.unreadable) == [f"{config.main_account_sid} {day.isoformat()}"]
        assert "17002" in next(iter(second.unreadable.values()))
        assert second.deleted == 0
        with connect(warehouse) as connection, connection.cursor() as cursor:
            cursor.execute("select count(*) from twilio.call_feedback where _deleted_at is null")
            assert cursor.fetchone()[0] == first.inserted
