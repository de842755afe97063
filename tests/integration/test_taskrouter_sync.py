"""TaskRouter workspaces, workers and tasks through the real engine: sandbox over HTTP into PostgreSQL.

Expected rows come from the sandbox's oracle, never from the engine or catalogue. The three lists are
read whole on every run. Tasks go from pending to completed within minutes and Twilio deletes them
hours later; workers change activity with their shifts; a worker joins. Each 3-hourly tick leaves the
warehouse's live rows equal to what Twilio lists, the tasks Twilio dropped marked deleted with their
last state kept; a re-run changes nothing; and an account without TaskRouter gets empty tables.
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

COLLECTIONS = tuple(BY_NAME[n] for n in ("taskrouter_workspaces", "taskrouter_workers", "taskrouter_tasks"))
WORKSPACES, WORKERS, TASKS = COLLECTIONS


def sync(server, env, collection, day: dt.date, account: str, token: str):
    client = TwilioClient(
        BasicAuth(account, token, "test"), Hosts.build(base_url=server.base_url), limit=InFlightLimit(4)
    )
    return sync_collection(
        client=client,
        connect=lambda: connect(env),
        schema="twilio",
        collection=collection,
        window=Window.for_days(day - dt.timedelta(days=1), day),
        accounts=[account],
        main_account_sid=account,
        run_id="test",
    )


def rows(env, collection) -> tuple[dict[str, dict], dict[str, dict]]:
    """(live rows, rows marked deleted), each by SID."""
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(f'select sid, _raw, _deleted_at is not null from twilio."{collection.name}"')
        found = cursor.fetchall()
    return {s: raw for s, raw, gone in found if not gone}, {s: raw for s, raw, gone in found if gone}


def expected(world, collection, account: str) -> dict[str, dict]:
    return {r["sid"]: r for r in expected_records(world, collection.name, [account])}


def test_ticks_keep_the_whole_lists_equal_to_twilio_and_mark_dropped_tasks(warehouse):
    with SandboxServer(sandbox_config()) as server:
        world, config = server.world, server.config
        main, token = config.main_account_sid, config.auth_token

        for collection in COLLECTIONS:
            sync(server, warehouse, collection, world.now.date(), main, token)
            assert rows(warehouse, collection)[0] == expected(world, collection, main) != {}
        first_tasks = rows(warehouse, TASKS)[0]
        first_workers = rows(warehouse, WORKERS)[0]

        seen_deleted: dict[str, dict] = {}
        for _tick in range(8):  # a whole day of ticks
            world.advance(3 * 3600)
            for collection in COLLECTIONS:
                result = sync(server, warehouse, collection, world.now.date(), main, token)
                if result.pending_deletions:
                    # Most of the list dropped at once: the deletion safeguard waits for a second listing.
                    result = sync(server, warehouse, collection, world.now.date(), main, token)
                    assert not result.pending_deletions, (world.now, collection.name)
                assert not result.mismatched_parts, (world.now, collection.name, result.parts)
                live, gone = rows(warehouse, collection)
                assert live == expected(world, collection, main), (world.now, collection.name)
            seen_deleted.update(rows(warehouse, TASKS)[1])

        # Every task of the first sync is gone from Twilio by now: each is marked deleted, in its last state.
        live, gone = rows(warehouse, TASKS)
        assert set(first_tasks) <= set(gone) and not set(first_tasks) & set(live)
        finished = [raw for sid, raw in gone.items() if sid in first_tasks]
        assert {raw["assignment_status"] for raw in finished} <= {"completed", "canceled"}
        assert any(first_tasks[sid] != raw for sid, raw in gone.items() if sid in first_tasks), "no task changed"
        assert len(seen_deleted) > len(first_tasks), "tasks created during the ticks were deleted too"
        workers = rows(warehouse, WORKERS)[0]
        assert len(workers) == len(first_workers) + 1, "the new worker joined"
        assert any(workers[s]["activity_name"] != raw["activity_name"] for s, raw in first_workers.items())

        # Running the last tick again changes nothing (the clock has not moved, so neither has any task's age).
        before = {c.name: _changed_at(warehouse, c) for c in COLLECTIONS}
        for collection in COLLECTIONS:
            again = sync(server, warehouse, collection, world.now.date(), main, token)
            assert (again.inserted, again.updated, again.deleted, again.revived) == (0, 0, 0, 0), collection.name
            assert again.unchanged == sum(listed for listed, _ in again.parts.values()) > 0
        assert {c.name: _changed_at(warehouse, c) for c in COLLECTIONS} == before


def test_an_account_without_taskrouter_gets_empty_tables(warehouse):
    with SandboxServer(sandbox_config()) as server:
        config = server.config
        sub = config.account_sid_of("sub1")
        for collection in COLLECTIONS:
            result = sync(
                server, warehouse, collection, server.world.now.date(), sub, config.account_auth_token("sub1")
            )
            assert result.fetched == 0 and result.live_rows == 0 and not result.unreadable
            assert rows(warehouse, collection) == ({}, {})
            assert expected(server.world, collection, sub) == {}


def _changed_at(env, collection) -> dict[str, dt.datetime]:
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(f'select sid, _last_changed_at from twilio."{collection.name}"')
        return dict(cursor.fetchall())
