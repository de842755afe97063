"""Messages without `date_sent` (scheduled, accepted, queued) land on the first sync and are updated in place.

Expected rows come from the sandbox's oracle (the world's own records), not from the engine.
"""

from __future__ import annotations

import datetime as dt
import email.utils

import pytest

from tests.conftest import TEST_NOW, connect, sandbox_config
from twilio_assets.catalog import BY_NAME
from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.sync import Window, sync_collection
from twilio_assets.twilio_api import BasicAuth, Hosts, InFlightLimit, TwilioClient

pytestmark = pytest.mark.integration

MESSAGES = BY_NAME["messages"]


def sync(server, env, first: dt.date, last: dt.date):
    config = server.config
    client = TwilioClient(
        BasicAuth(config.main_account_sid, config.auth_token, "test"),
        Hosts.build(base_url=server.base_url),
        limit=InFlightLimit(4),
    )
    return sync_collection(
        client=client,
        connect=lambda: connect(env),
        schema="twilio",
        collection=MESSAGES,
        window=Window.for_days(first, last),
        accounts=[config.main_account_sid],
        main_account_sid=config.main_account_sid,
        run_id="test",
    )


def stored(env) -> dict[str, tuple[dict, bool]]:
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute("select sid, _raw, _deleted_at is not null from twilio.messages")
        return {sid: (raw, deleted) for sid, raw, deleted in cursor.fetchall()}


def sent_on(record: dict) -> dt.date | None:
    return email.utils.parsedate_to_datetime(record["date_sent"]).date() if record["date_sent"] else None


def test_pending_messages_land_first_and_are_updated_when_sent_even_outside_the_window(warehouse):
    with SandboxServer(sandbox_config(scheduled_per_day=60)) as server:
        world, main = server.world, server.config.main_account_sid
        days = world.days()
        result = sync(server, warehouse, days[0], days[-1])
        expected = {r["sid"]: r for r in expected_records(world, "messages", [main], days)}
        pending_then = {sid for sid, r in expected.items() if r["date_sent"] is None}
        rows = stored(warehouse)
        assert pending_then, "the sandbox has no pending messages: the test would prove nothing"
        assert {sid for sid, (_, deleted) in rows.items() if not deleted} == set(expected)
        assert all(rows[sid][0] == expected[sid] for sid in expected)
        assert not result.mismatched_parts, result.parts

        # Ten days later some of those were sent (on days after the first window), some deleted.
        world.advance(10 * 86400)
        now_listed = {r["sid"]: r for r in world.records(main, "messages")}
        sent = {sid for sid in pending_then if sid in now_listed and now_listed[sid]["date_sent"]}
        gone = pending_then - set(now_listed)
        assert sent and gone, "no pending message was sent or deleted in ten days: widen the scenario"
        assert all(sent_on(now_listed[sid]) > days[0] for sid in sent)

        # Re-sync only the first day: its DateSent listing cannot find them, the pending block no
        # longer holds them, so each is fetched by SID: updated in place, or marked deleted.
        result = sync(server, warehouse, days[0], days[0])
        rows = stored(warehouse)
        for sid in sent:
            raw, deleted = rows[sid]
            assert not deleted and raw == now_listed[sid], sid
        for sid in gone:
            assert rows[sid][1], f"{sid} was deleted in Twilio but is live in the warehouse"
        assert not result.mismatched_parts, result.parts

        # Today's tick: the window and the pending block equal Twilio's state exactly, without duplicates.
        today = world.now.date()
        result = sync(server, warehouse, today, today)
        expected_today = {r["sid"]: r for r in expected_records(world, "messages", [main], [today])}
        rows = stored(warehouse)
        in_scope = {
            sid
            for sid, (raw, deleted) in rows.items()
            if not deleted and (raw["date_sent"] is None or sent_on(raw) == today)
        }
        assert in_scope == set(expected_today)
        assert all(rows[sid][0] == expected_today[sid] for sid in expected_today)
        assert result.parts["pending"][0] == result.parts["pending"][1] > 0


def test_the_first_run_has_no_date_sent_day_for_pending_messages_but_stores_them(warehouse):
    with SandboxServer(sandbox_config(scheduled_per_day=30)) as server:
        world, main = server.world, server.config.main_account_sid
        today = TEST_NOW.date()
        sync(server, warehouse, today, today)
        with connect(warehouse) as connection, connection.cursor() as cursor:
            cursor.execute("select sid, status from twilio.messages where date_sent is null and _deleted_at is null")
            pending = dict(cursor.fetchall())
        expected = {
            r["sid"]: r["status"]
            for r in expected_records(world, "messages", [main], [today])
            if r["date_sent"] is None
        }
        assert pending == expected and "scheduled" in set(pending.values())
