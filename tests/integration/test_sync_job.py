"""The sync job against the sandbox, into a real PostgreSQL: exact contents, idempotency, partitions, failures."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import TEST_NOW, connect, run_sync, sandbox_config, sync_env
from twilio_assets.catalog import ALL_COLLECTIONS, BY_NAME
from twilio_assets.localdev.expected import expected_rows
from twilio_assets.sandbox.server import SandboxServer

pytestmark = pytest.mark.integration


def table_rows(env, collection) -> dict[str, dict]:
    """Live rows of a raw table: primary key → the stored raw record."""
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(
            f'select "{collection.primary_key}", _raw from "twilio"."{collection.name}" where _deleted_at is null'
        )
        return {key: raw for key, raw in cursor.fetchall()}


def table_snapshot(env) -> dict[str, list]:
    """Every row of every raw table, bookkeeping columns included, in key order."""
    snapshot = {}
    with connect(env) as connection, connection.cursor() as cursor:
        for collection in ALL_COLLECTIONS:
            cursor.execute(f'select t::text from "twilio"."{collection.name}" t order by "{collection.primary_key}"')
            snapshot[collection.name] = [row for (row,) in cursor.fetchall()]
    return snapshot


def materializations(result) -> dict[str, dict]:
    found = {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        found[materialization.asset_key.path[-1]] = {k: v.value for k, v in materialization.metadata.items()}
    return found


def test_full_sync_equals_the_sandbox_and_a_rerun_changes_nothing(sandbox, warehouse):
    env = sync_env(warehouse, sandbox)
    first, last = sandbox.config.first_day.isoformat(), TEST_NOW.date().isoformat()
    first_run = run_sync(env, first, last)
    assert first_run.success

    main = sandbox.config.main_account_sid
    for collection in ALL_COLLECTIONS:
        expected = {collection.key_of(r): r for r in expected_rows(sandbox.world, collection, [main])}
        stored = table_rows(env, collection)
        assert expected, f"the sandbox has no {collection.name}: the test would prove nothing"
        assert stored.keys() == expected.keys(), collection.name
        assert stored == expected, f"{collection.name}: stored records differ from Twilio's"

    before = table_snapshot(env)
    second_run = run_sync(env, first, last)
    assert second_run.success
    assert table_snapshot(env) == before  # not one value changed, bookkeeping included
    for name, metadata in materializations(second_run).items():
        assert metadata["rows_inserted"] == metadata["rows_updated"] == metadata["rows_deleted"] == 0, name
        assert metadata["rows_unchanged"] > 0, name


def test_typed_columns_hold_parsed_values(sandbox, warehouse):
    import email.utils

    # Move the clock to just after the latest call began, so that call is still ringing or talking.
    main = sandbox.config.main_account_sid
    latest = next(iter(sandbox.world.records(main, "calls")))
    started = email.utils.parsedate_to_datetime(latest["start_time"])
    sandbox.world.set_now(started + dt.timedelta(seconds=10))
    env = sync_env(warehouse, sandbox)
    assert run_sync(env, started.date().isoformat(), started.date().isoformat()).success
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(
            """select count(*), count(*) filter (where status = 'completed' and end_time is not null and duration is not null),
                      count(*) filter (where parent_call_sid is not null), count(*) filter (where end_time is null)
               from twilio.calls"""
        )
        total, completed_with_times, child_legs, not_ended = cursor.fetchone()
        # Twilio sends "" for absent application SIDs on phone numbers; typed columns hold NULL.
        cursor.execute(
            """select count(*) filter (where _raw->>'sms_application_sid' = ''),
                      count(*) filter (where _raw->>'sms_application_sid' = '' and sms_application_sid is not null)
               from twilio.incoming_phone_numbers"""
        )
        blank_sids, blank_sids_kept = cursor.fetchone()
        cursor.execute(
            "select pg_typeof(start_time)::text, pg_typeof(price)::text, pg_typeof(duration)::text from twilio.calls limit 1"
        )
        types = cursor.fetchone()
    assert total > 0 and completed_with_times > 0 and child_legs > 0
    assert not_ended > 0, "calls still in progress at the sandbox's clock must be copied too"
    assert blank_sids > 0 and blank_sids_kept == 0
    assert types == ("timestamp with time zone", "numeric", "bigint")


def test_one_partition_reads_only_its_day(sandbox, warehouse):
    env = sync_env(warehouse, sandbox)
    day = sandbox.config.first_day
    assert run_sync(env, day.isoformat(), day.isoformat()).success
    calls = BY_NAME["calls"]
    expected = {r["sid"] for r in expected_rows(sandbox.world, calls, [sandbox.config.main_account_sid], days=[day])}
    assert set(table_rows(env, calls)) == expected and expected


def test_account_without_voice_insights_is_reported_and_the_rest_syncs(warehouse):
    with SandboxServer(sandbox_config(insights_disabled=("main",))) as server:
        env = sync_env(warehouse, server)
        day = TEST_NOW.date().isoformat()
        result = run_sync(env, day, day)
    assert result.success
    metadata = materializations(result)
    assert "Voice Insights Advanced Features" in metadata["call_feedback"]["accounts_skipped"]
    assert metadata["call_feedback"]["dagster/row_count"] == 0
    assert metadata["calls"]["dagster/row_count"] > 0


def test_wrong_credentials_fail_clearly_and_leave_the_warehouse_as_it_was(sandbox, warehouse):
    env = sync_env(warehouse, sandbox)
    day = TEST_NOW.date().isoformat()
    assert run_sync(env, day, day).success
    before = table_snapshot(env)
    wrong = {**env, "TWILIO_AUTH_TOKEN": "not-the-token-0123456789abcdef"}
    result = run_sync(wrong, day, day, raise_on_error=False)
    assert not result.success
    messages = " ".join(str(event.event_specific_data.error) for event in result.all_events if event.is_step_failure)
    assert "error 20003" in messages and "TWILIO_AUTH_TOKEN" in messages
    assert "not-the-token-0123456789abcdef" not in messages
    assert sandbox.config.auth_token not in messages
    assert table_snapshot(env) == before


def test_raw_json_never_holds_an_auth_token(sandbox, warehouse):
    env = sync_env(warehouse, sandbox)
    day = TEST_NOW.date().isoformat()
    assert run_sync(env, day, day).success
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute("select _raw::text from twilio.accounts")
        raws = [json.loads(raw) for (raw,) in cursor.fetchall()]
    assert raws and all("auth_token" not in raw for raw in raws)
    tokens = [sandbox.config.auth_token] + [sandbox.config.account_auth_token(n) for n in sandbox.config.nicknames]
    assert not any(token in json.dumps(raws) for token in tokens)
