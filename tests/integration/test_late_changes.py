"""Time passes in the sandbox; schedule ticks re-sync; the warehouse must equal Twilio's state exactly.

Calls end and get prices, messages are delivered, recordings complete, transcriptions and annotations
appear, some records are deleted, new ones arrive: across several 3-hour ticks (crossing midnight) and
three accounts (the main one and two subaccounts), every row of each refreshed window equals Twilio's
current record, and every row Twilio no longer lists is marked deleted.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json

import pytest

from tests.conftest import TEST_NOW, connect, run_sync, sandbox_config, sync_env
from twilio_assets.catalog import ALL_COLLECTIONS
from twilio_assets.defs.automation import lookback_range
from twilio_assets.instances import load_settings
from twilio_assets.localdev.expected import expected_rows
from twilio_assets.read_modes import PerParent, SentOrPending
from twilio_assets.sandbox.server import SandboxServer

pytestmark = pytest.mark.integration

UTC = dt.UTC


def stored(env, collection, window_days):
    """(live rows, deleted keys) of the collection, restricted to the window for windowed collections."""
    where = ""
    params: tuple = ()
    column = collection.day_column
    if column:
        start = dt.datetime.combine(min(window_days), dt.time(), UTC)
        end = dt.datetime.combine(max(window_days) + dt.timedelta(days=1), dt.time(), UTC)
        where = f'where ("{column}" >= %s and "{column}" < %s)'
        params = (start, end)
        if isinstance(collection.read, SentOrPending):
            where += f' or "{column}" is null'  # messages not sent yet belong to every window
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(
            f'select "{collection.primary_key}", _raw, _deleted_at is not null from twilio."{collection.name}" {where}',
            params,
        )
        rows = cursor.fetchall()
    live = {key: raw for key, raw, deleted in rows if not deleted}
    deleted = {key for key, _, is_deleted in rows if is_deleted}
    return live, deleted


def test_ticks_keep_every_refreshed_window_equal_to_twilio(warehouse, tmp_path):
    settings_file = tmp_path / "twilio_instances.yaml"
    settings_file.write_text(
        "instances:\n  - name: twilio\n    schema: twilio\n    env_prefix: TWILIO_\n    accounts: all\n"
    )
    with SandboxServer(sandbox_config(subaccounts=2)) as server:
        world, config = server.world, server.config
        accounts = [config.main_account_sid, *config.subaccount_sids]
        env = {**sync_env(warehouse, server), "TWILIO_INSTANCES_FILE": str(settings_file)}
        settings = load_settings(environ=env)

        # The initial backfill of every sandbox day.
        assert run_sync(env, config.first_day.isoformat(), TEST_NOW.date().isoformat()).success

        deleted_seen = 0
        for tick in range(1, 5):  # 15:00, 18:00, 21:00 and 00:00 the next day
            moment = world.advance(3 * 3600)
            first, last = lookback_range(settings, 1, moment)
            assert run_sync(env, first, last).success, f"tick {tick}"
            window_days = [dt.date.fromisoformat(first), dt.date.fromisoformat(last)]
            for collection in ALL_COLLECTIONS:
                # Collections of Twilio's product hosts are read with the instance's own credentials: main only.
                readable = accounts if collection.per_account else [config.main_account_sid]
                expected = {
                    collection.key_of(r): r for r in expected_rows(world, collection, readable, days=window_days)
                }
                live, deleted = stored(env, collection, window_days)
                if isinstance(collection.read, PerParent):
                    # Participants carry no date of their own: check the window's ones are all there.
                    assert expected.keys() <= live.keys(), f"tick {tick} {collection.name}: missing rows"
                else:
                    assert live.keys() == expected.keys(), f"tick {tick} {collection.name}: keys differ"
                for key, record in expected.items():
                    assert live[key] == record, f"tick {tick} {collection.name} {key}: {json.dumps(record)[:300]}"
                assert not deleted & expected.keys(), f"tick {tick} {collection.name}: live record marked deleted"
                deleted_seen += len(deleted)
        assert deleted_seen > 0, "the sandbox deleted nothing in these ticks: deletions went untested"

        # Every account's progress is logged on its own.
        with connect(env) as connection, connection.cursor() as cursor:
            cursor.execute("select distinct account from twilio._twilio_sync_log where collection = 'calls'")
            assert {row[0] for row in cursor.fetchall()} == set(accounts)


def test_status_changes_land_on_the_next_tick(warehouse):
    with SandboxServer(sandbox_config()) as server:
        world = server.world
        main = server.config.main_account_sid
        env = sync_env(warehouse, server)
        # Stop the clock just after the latest call began: it (and its price) is still to come.
        latest = next(iter(world.records(main, "calls")))
        world.set_now(email.utils.parsedate_to_datetime(latest["start_time"]) + dt.timedelta(seconds=10))
        day = world.now.date().isoformat()
        assert run_sync(env, day, day).success
        with connect(env) as connection, connection.cursor() as cursor:
            cursor.execute("select sid from twilio.calls where end_time is null or price is null")
            unfinished = {sid for (sid,) in cursor.fetchall()}
        assert unfinished, "no call was unfinished at the sandbox's clock"
        world.advance(3 * 3600)
        assert run_sync(env, day, day).success
        now_finished = {r["sid"] for r in world.records(main, "calls") if r["end_time"] and r["price"] is not None}
        with connect(env) as connection, connection.cursor() as cursor:
            cursor.execute(
                "select sid from twilio.calls where sid = any(%s) and end_time is not null and price is not null",
                (list(unfinished),),
            )
            updated = {sid for (sid,) in cursor.fetchall()}
        assert updated == unfinished & now_finished and updated
