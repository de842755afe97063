"""Conversations synced from the sandbox over HTTP into PostgreSQL by the real engine: equal to the
sandbox's own records row for row, again after the clock has moved (conversations close, threads grow,
receipts arrive, one is deleted), a re-run changes nothing, and an account without the product gives
empty tables through a successful Dagster run."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TEST_NOW, connect, sandbox_config
from twilio_assets.catalog import BY_NAME
from twilio_assets.localdev.expected import expected_rows
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.sandbox.timefmt import US, from_us, to_us
from twilio_assets.sync import Window, sync_collection
from twilio_assets.twilio_api import BasicAuth, Hosts, TwilioClient

pytestmark = pytest.mark.integration

NAMES = (
    "conversation_services",
    "conversations",
    "conversation_messages",
    "conversation_participants",
    "conversation_users",
)
CHILDREN = ("conversation_messages", "conversation_participants")
HOUR = 3600 * US


def sync(server, env, days: list[dt.date], *, account=None, token=None) -> dict:
    """Sync every Conversations collection over `days`; the engine's result per collection."""
    account = account or server.config.main_account_sid
    client = TwilioClient(
        BasicAuth(account, token or server.config.auth_token, "test"),
        Hosts.build(base_url=server.base_url),
        sleep=lambda s: None,
    )
    return {
        name: sync_collection(
            client=client,
            connect=lambda: connect(env),
            schema="twilio",
            collection=BY_NAME[name],
            window=Window.for_days(min(days), max(days)),
            accounts=[account],
            main_account_sid=account,
            run_id=f"test-{name}",
        )
        for name in NAMES
    }


def stored(env, name: str) -> tuple[dict, set]:
    """(live rows by primary key → raw JSON, keys marked deleted)."""
    key = BY_NAME[name].primary_key
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(f'select "{key}", _raw, _deleted_at is not null from twilio."{name}"')
        rows = cursor.fetchall()
    return {k: raw for k, raw, gone in rows if not gone}, {k for k, _, gone in rows if gone}


def expected(world, name: str, days: list[dt.date]) -> dict:
    rows = expected_rows(world, BY_NAME[name], [world.config.main_account_sid], days)
    return {r[BY_NAME[name].primary_key]: r for r in rows}


def days_through(world, moment: dt.datetime) -> list[dt.date]:
    return world.days(now=moment)


def assert_unchanged(results: dict) -> None:
    for name, result in results.items():
        assert (result.inserted, result.updated, result.deleted, result.revived) == (0, 0, 0, 0), name
        # Every record listed (parents' pages aside) was found as stored.
        assert result.unchanged == sum(listed for listed, _ in result.parts.values()) > 0, name


def test_sync_equals_the_sandbox_before_and_after_the_clock_moves(warehouse):
    with SandboxServer(sandbox_config()) as server:
        world = server.world
        product = world.product_for("conversations")
        main = server.config.main_account_sid
        planned = [c for day in days_through(world, TEST_NOW) for c in product.planned_on(main, day)]
        # Start six hours before a deletion (at the latest at the usual clock), so the first sync stores
        # a conversation, its messages and participants that are deleted before the second.
        doomed = min(
            (c for c in planned if c.deleted_at and c.deleted_at - c.created > 6 * HOUR), key=lambda c: c.deleted_at
        )
        start = min(TEST_NOW, from_us(doomed.deleted_at - 6 * HOUR))
        world.set_now(start)
        days = days_through(world, start)

        first = sync(server, warehouse, days)
        for name in NAMES:
            live, deleted = stored(warehouse, name)
            assert live == expected(world, name, days) and live, name
            assert not deleted, name
        assert doomed.sid in stored(warehouse, "conversations")[0]
        assert first["conversation_messages"].pages > first["conversations"].pages, "threads span pages"
        assert_unchanged(sync(server, warehouse, days))

        # Six hours (or more) later: past the deletion, and past the usual clock.
        now = to_us(start)
        later = max(TEST_NOW, start + dt.timedelta(hours=6), from_us(doomed.deleted_at) + dt.timedelta(minutes=1))
        world.set_now(later)
        then = to_us(later)
        closing = [c for c in planned if c.exists(then) and c.closed_at and now < c.closed_at <= then]
        growing = [c for c in planned if c.exists(then) and any(now < m.created <= then for m in c.messages)]
        receipts = [
            c
            for c in planned
            if c.exists(then) and any(m.receipt_at and now < m.receipt_at <= then for m in c.messages)
        ]
        gone = {c.sid for c in planned if c.exists(now) and not c.exists(then)}
        assert closing and growing and receipts and doomed.sid in gone, "the clock moved nothing that matters"

        days = days_through(world, later)
        sync(server, warehouse, days)
        for name in NAMES:
            live, deleted = stored(warehouse, name)
            want = expected(world, name, days)
            if name in CHILDREN:
                # A conversation's children are in scope only while it is listed: those of a deleted
                # conversation stay live (the read mode's documented limit; linkage drops them).
                orphans = live.keys() - want.keys()
                assert {live[k]["conversation_sid"] for k in orphans} <= gone
                assert orphans, f"{name}: the deleted conversation had no stored children to strand"
                live = {k: v for k, v in live.items() if k not in orphans}
            assert live == want, name
        conversations_live, conversations_deleted = stored(warehouse, "conversations")
        assert conversations_deleted == gone
        for conv in closing:
            assert conversations_live[conv.sid]["state"] == "closed"
        assert_unchanged(sync(server, warehouse, days))


def test_a_conversation_is_refreshed_only_while_its_day_is_in_the_window(warehouse):
    """The consequence of reading children per parent day: a conversation that closes (or whose thread
    changes) after its creation day has left the re-synced window keeps its last synced state."""
    with SandboxServer(sandbox_config()) as server:
        world = server.world
        product = world.product_for("conversations")
        main = server.config.main_account_sid
        day = world.first_day
        sync(server, warehouse, [day])
        now = to_us(TEST_NOW)
        later = TEST_NOW + dt.timedelta(days=3)
        late = [
            c
            for c in product.conversations_of_day(main, day, to_us(later))
            if c.state(now) != "closed" and c.closed_at and c.closed_at <= to_us(later)
        ]
        assert late, "no conversation of the first day closes in the next three days"
        world.set_now(later)
        lookback = [later.date() - dt.timedelta(days=1), later.date()]  # the default lookback of 1 day
        sync(server, warehouse, lookback)
        live, _ = stored(warehouse, "conversations")
        for conv in late:
            assert live[conv.sid]["state"] == conv.state(now) != "closed"
        # Reading the creation day again catches up.
        sync(server, warehouse, [day])
        live, _ = stored(warehouse, "conversations")
        assert all(live[c.sid]["state"] == "closed" for c in late)


def test_an_account_without_conversations_syncs_empty_tables(warehouse):
    import dagster as dg

    from tests.conftest import sync_env
    from twilio_assets.definitions import defs as load_definitions
    from twilio_assets.defs.automation import RANGE_END_TAG, RANGE_START_TAG, SYNC_JOB

    with SandboxServer(sandbox_config()) as server:
        config = server.config
        sub = config.account_sid_of("sub1")
        env = {
            **sync_env(warehouse, server),
            "TWILIO_ACCOUNT_SID": sub,
            "TWILIO_AUTH_TOKEN": config.account_auth_token("sub1"),
        }
        with pytest.MonkeyPatch.context() as patch:
            for name in ("TWILIO_INSTANCES_FILE", "TWILIO_API_KEY_SID", "TWILIO_API_KEY_SECRET"):
                patch.delenv(name, raising=False)
            for name, value in env.items():
                patch.setenv(name, value)
            definitions = load_definitions()
            keys = [k for k in definitions.resolve_asset_graph().get_all_asset_keys() if k.path[-1] in NAMES]
            assert len(keys) == len(NAMES)
            with dg.DagsterInstance.ephemeral() as instance:
                result = definitions.resolve_job_def(SYNC_JOB).execute_in_process(
                    instance=instance,
                    tags={RANGE_START_TAG: config.first_day.isoformat(), RANGE_END_TAG: TEST_NOW.date().isoformat()},
                    asset_selection=keys,
                )
        assert result.success
        for name in NAMES:
            assert stored(warehouse, name) == ({}, set()), name
