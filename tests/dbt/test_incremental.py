"""Incremental dbt builds are exact: tick after tick of the sandbox clock (the `ticks` scenario,
tests/dbt/ticks.py), every incremental model equals, row for row, a `--full-refresh` build of the
same data, while rewriting only what changed."""

from __future__ import annotations

import subprocess
from decimal import Decimal

from .conftest import connect, query, run_dbt
from .ticks import STATE_SCHEMA, Scenario


def test_every_build_succeeds(ticks: Scenario):
    """Every build of every tick succeeds; the last incremental build also ran the data tests, and
    those of the incremental models and snapshots pass on incrementally built tables."""
    for tick in ticks.ticks:
        assert tick.failed == [], f"{tick.label}: {tick.failed}\n{tick.build_output[-3000:]}"
        if tick.full_refresh_returncode is not None:
            assert tick.full_refresh_returncode == 0, f"{tick.label}: {tick.full_refresh_output[-3000:]}"
    assert " data tests" in ticks.ticks[-1].build_output


def test_incremental_models_equal_a_full_refresh_after_every_tick(ticks: Scenario):
    assert {"int_twilio__call_legs", "fct_calls", "fct_account_daily_activity", "call_status_timeline"} <= set(
        ticks.incremental_models
    )
    for tick in ticks.ticks[1:]:
        assert tick.full_refresh_returncode == 0, tick.full_refresh_output[-3000:]
        assert tick.differences == {}, f"{tick.label}: rows differ (only incremental, only full): {tick.differences}"
        assert all(tick.rows[m] > 0 for m in ("int_twilio__call_legs", "fct_calls", "fct_messages")), tick.rows


def test_ticks_rewrite_only_what_changed(ticks: Scenario):
    """The first build is a full one; later builds read the change logs and rewrite a fraction of the
    rows (the changed records and what depends on them), never a whole table."""
    first, *later = ticks.ticks
    assert set(first.full_markers) == set(ticks.incremental_models)
    for tick in later:
        assert tick.full_markers == [], f"{tick.label}: rebuilt in full: {tick.full_markers}"
        for model in ("int_twilio__call_legs", "int_twilio__messages", "fct_calls", "fct_messages"):
            assert 0 < tick.rewritten.get(model, 0) < tick.rows[model] / 2, (tick.label, model, tick.rewritten)
        # Nothing changes addresses or phone numbers: those tables are left alone.
        assert tick.rewritten.get("int_twilio__addresses", 0) == 0, tick.rewritten


def test_a_recording_that_completes_updates_its_call(ticks: Scenario):
    start, late, _ = ticks.ticks
    sid = ticks.recording["sid"]
    assert start.seen["recordings"][sid]["status"] == "in-progress"
    assert start.call_row is not None and start.call_row["recording_count"] >= 1
    assert start.call_row["recording_price"] is None  # not priced while in progress
    completed = late.seen["recordings"][sid]
    assert completed["status"] == "completed" and completed["price"] is not None
    assert late.call_row is not None
    assert late.call_row["recording_price"] == Decimal(completed["price"])
    assert late.call_row["recording_duration_seconds"] == int(completed["duration"])


def test_a_deleted_parent_leg_splits_its_call_and_comes_back(ticks: Scenario):
    """The incremental build after the deletion drops the leg and makes each child a call of its own;
    after the next sync lists the leg again, the children are legs of its call once more."""
    _, late, midnight = ticks.ticks
    (deleted,) = late.deleted_by_hand
    children = [row for row in late.deleted_family if row[1] == deleted]
    assert children and all(row[0] != deleted for row in late.deleted_family)
    assert all(is_root and root.endswith(sid) for sid, _, is_root, root in children)
    assert deleted in midnight.seen["calls"]
    (parent,) = [row for row in midnight.deleted_family if row[0] == deleted]
    assert parent[2] and {row[3] for row in midnight.deleted_family} == {parent[3]}
    assert len(midnight.deleted_family) == len(children) + 1


def test_bookkept_row_counts_equal_the_tables(ticks: Scenario):
    """The row counts the builds keep (what the Dagster assets show) are the tables' own counts."""
    kept = dict(query(ticks.env, f"select model, row_count from {STATE_SCHEMA}.incremental_watermarks"))
    relations = {**ticks.incremental_models, **ticks.snapshots}
    assert {"fct_calls", "snp_twilio__messages"} <= set(relations)
    for name, relation in relations.items():
        assert kept[name] == query(ticks.env, f"select count(*) from {relation}")[0][0], name


def test_the_ticks_reconciliations_check_what_the_tick_touched(ticks: Scenario):
    """A tick's reconciliation checks the calls its builds touched: a wrong leg count on one of them
    fails it; the same error on a call no build touched is found by a full check
    (`twilio_check_everything`), not by the tick's."""

    def last_build_keys(model: str) -> set[str]:
        return {
            key
            for (key,) in query(
                ticks.env,
                f"select changes.key from {STATE_SCHEMA}.incremental_changes as changes "
                f"join {STATE_SCHEMA}.incremental_watermarks as watermark "
                "on watermark.model = changes.model and watermark.built_at = changes.changed_at "
                "where changes.model = %s and changes.key is not null",
                (model,),
            )
        }

    rewritten_calls, rewritten_legs = last_build_keys("fct_calls"), last_build_keys("int_twilio__call_legs")
    calls = dict(query(ticks.env, "select call_key, root_call_key from twilio_linkage.int_twilio__call_legs"))
    touched_roots = rewritten_calls | {calls[leg] for leg in rewritten_legs if leg in calls}
    live_calls = {key for (key,) in query(ticks.env, "select call_key from twilio_marts.fct_calls")}
    touched = sorted(live_calls & touched_roots)[0]
    untouched = sorted(live_calls - touched_roots)[0]
    test = ["test", "--select", "assert_calls_add_up_to_live_legs"]

    def check(call_key: str, *args: str) -> subprocess.CompletedProcess:
        connection = connect(ticks.env)
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(
                    "update twilio_marts.fct_calls set leg_count = leg_count + 1 where call_key = %s", (call_key,)
                )
            return run_dbt(ticks.project, ticks.env, *test, *args)
        finally:
            with connection, connection.cursor() as cursor:
                cursor.execute(
                    "update twilio_marts.fct_calls set leg_count = leg_count - 1 where call_key = %s", (call_key,)
                )
            connection.close()

    failed = check(touched)
    assert failed.returncode == 1 and "Got 1 result" in failed.stdout, failed.stdout[-2000:]
    passed = check(untouched)
    assert passed.returncode == 0, passed.stdout[-2000:]
    audited = check(untouched, "--vars", "{twilio_check_everything: true}")
    assert audited.returncode == 1 and "Got 1 result" in audited.stdout, audited.stdout[-2000:]
    assert run_dbt(ticks.project, ticks.env, *test).returncode == 0  # the table is as the build left it
