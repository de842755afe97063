"""Studio flows, executions and steps through the real engine: sandbox over HTTP into PostgreSQL.

Expected rows come from the sandbox's oracle, never from the engine or catalogue. Executions run for
minutes to hours after they start (steps are added, `active` turns `ended`), the IVR flow is revised,
and a few executions are deleted: 3-hourly ticks over the lookback window leave the warehouse equal to
Twilio, row for row and raw JSON for raw JSON; a re-run changes nothing; and an instance whose account
has no Studio gets empty tables without an error.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import connect, sandbox_config
from twilio_assets.catalog import BY_NAME
from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.sync import Window, sync_collection
from twilio_assets.twilio_api import BasicAuth, Hosts, InFlightLimit, TwilioClient

pytestmark = pytest.mark.integration

FLOWS, EXECUTIONS, STEPS = (BY_NAME[n] for n in ("studio_flows", "studio_executions", "studio_execution_steps"))
UTC = dt.UTC


def sync(server, env, collection, first: dt.date, last: dt.date, account: str, token: str):
    """One sync with one account's own credentials (Studio shows a caller its own flows only)."""
    client = TwilioClient(
        BasicAuth(account, token, "test"), Hosts.build(base_url=server.base_url), limit=InFlightLimit(4)
    )
    return sync_collection(
        client=client,
        connect=lambda: connect(env),
        schema="twilio",
        collection=collection,
        window=Window.for_days(first, last),
        accounts=[account],
        main_account_sid=account,
        run_id="test",
    )


def rows(env, collection, where: str = "true", params: tuple = ()) -> tuple[dict[str, dict], set[str]]:
    """(live rows by SID, SIDs of rows marked deleted) of the collection's table, restricted by `where`."""
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(
            f'select sid, _raw, _deleted_at is not null from twilio."{collection.name}" where {where}', params
        )
        found = cursor.fetchall()
    return {sid: raw for sid, raw, gone in found if not gone}, {sid for sid, _, gone in found if gone}


def on_days(days: list[dt.date]) -> tuple[str, tuple]:
    start = dt.datetime.combine(min(days), dt.time(), UTC)
    return "date_created >= %s and date_created < %s", (start, start + dt.timedelta(days=len(days)))


def expected(world, collection, account: str, days=None) -> dict[str, dict]:
    return {r["sid"]: r for r in expected_records(world, collection.name, [account], days)}


def steps_of(env, executions: set[str]) -> dict[str, dict]:
    live, _ = rows(env, STEPS, "execution_sid = any(%s)", (list(executions),))
    return live


def test_ticks_keep_flows_executions_and_steps_equal_to_twilio(warehouse):
    with SandboxServer(sandbox_config()) as server:
        world, config = server.world, server.config
        main, token = config.main_account_sid, config.auth_token
        days = world.days()

        # The backfill of every sandbox day.
        for collection in (FLOWS, EXECUTIONS, STEPS):
            result = sync(server, warehouse, collection, days[0], days[-1], main, token)
            assert not result.mismatched_parts, (collection.name, result.parts)
        assert rows(warehouse, FLOWS)[0] == expected(world, FLOWS, main) != {}
        assert rows(warehouse, EXECUTIONS)[0] == expected(world, EXECUTIONS, main) != {}
        assert rows(warehouse, STEPS)[0] == expected(world, STEPS, main) != {}
        active = {sid for sid, raw in rows(warehouse, EXECUTIONS)[0].items() if raw["status"] == "active"}
        assert active, "no execution was still running at the sandbox's clock"
        revision = {sid: raw["revision"] for sid, raw in rows(warehouse, FLOWS)[0].items()}
        first_day = rows(warehouse, EXECUTIONS, *on_days(days[:1]))

        # 3-hour ticks, each re-reading yesterday and today: across midnight, and until Twilio has deleted an
        # execution the warehouse holds (a few are, hours after they end), two days at most.
        deleted_executions: set[str] = set()
        steps_added, ticks = 0, 0
        while ticks < 6 or (not deleted_executions and ticks < 16):
            ticks += 1
            moment = world.advance(3 * 3600)
            window = [moment.date() - dt.timedelta(days=1), moment.date()]
            sync(server, warehouse, FLOWS, window[0], window[1], main, token)
            result = sync(server, warehouse, EXECUTIONS, window[0], window[1], main, token)
            assert not result.mismatched_parts, (moment, result.parts)
            steps = sync(server, warehouse, STEPS, window[0], window[1], main, token)
            steps_added += steps.inserted

            assert rows(warehouse, FLOWS)[0] == expected(world, FLOWS, main), moment
            live, gone = rows(warehouse, EXECUTIONS, *on_days(window))
            assert live == expected(world, EXECUTIONS, main, window), moment
            deleted_executions |= gone
            # Steps of the window's live executions are exactly Twilio's. (Steps of an execution Twilio deleted
            # stay live in the raw table: the per-parent read lists only the executions that still exist, so it
            # never revisits a deleted one's steps; the linkage model drops them with their execution.)
            assert steps_of(warehouse, set(live)) == expected(world, STEPS, main, window), moment

        assert deleted_executions, "no execution was deleted in these ticks: deletions went untested"
        ended = {sid for sid, raw in rows(warehouse, EXECUTIONS)[0].items() if raw["status"] == "ended"}
        assert active & ended, "no stored execution went from active to ended"
        assert steps_added > 0
        revised = {sid: raw["revision"] for sid, raw in rows(warehouse, FLOWS)[0].items()}
        assert any(revised[sid] > revision[sid] for sid in revision), "no flow revision reached the warehouse"
        # A day no tick re-read is left exactly as the backfill stored it.
        assert rows(warehouse, EXECUTIONS, *on_days(days[:1])) == first_day and first_day[0]

        # Running the last tick again changes nothing.
        window = [moment.date() - dt.timedelta(days=1), moment.date()]
        for collection in (FLOWS, EXECUTIONS, STEPS):
            before = _changed_at(warehouse, collection)
            again = sync(server, warehouse, collection, window[0], window[1], main, token)
            assert (again.inserted, again.updated, again.deleted, again.revived) == (0, 0, 0, 0), collection.name
            # Everything listed was unchanged (for per-parent reads, `fetched` also counts the parents).
            assert again.unchanged == sum(listed for listed, _ in again.parts.values()) > 0
            assert _changed_at(warehouse, collection) == before


def test_an_account_without_studio_gets_empty_tables(warehouse):
    with SandboxServer(sandbox_config()) as server:
        config, days = server.config, server.world.days()
        sub = config.account_sid_of("sub1")
        for collection in (FLOWS, EXECUTIONS, STEPS):
            result = sync(server, warehouse, collection, days[0], days[-1], sub, config.account_auth_token("sub1"))
            assert result.fetched == 0 and result.live_rows == 0 and not result.unreadable
            assert rows(warehouse, collection) == ({}, set())
            assert expected(server.world, collection, sub) == {}


def _changed_at(env, collection) -> dict[str, dt.datetime]:
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(f'select sid, _last_changed_at from twilio."{collection.name}"')
        return dict(cursor.fetchall())
