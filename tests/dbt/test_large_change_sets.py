"""Incremental builds stay exact, and finish, when most of the data changed at once.

A busy sandbox day (thousands of calls and messages) is synced and built in full. Then most raw rows
change at once (a status and a time rewritten, as a re-sync after an outage would find them) and some
are deleted, and the incremental models are built twice over such change sets:

* forced down the incremental path (a budget larger than any table), so every statement rewrites
  most of its table key by key: the size at which a quadratic plan takes minutes, not seconds;
* with the default budget, under which the models past it are built in full instead.

After each, the raw tables and snapshots are copied into a second database built with
`--full-refresh`, and every incremental model must equal it row for row. Asserted on results only.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import create_database, drop_database, run_sync, sandbox_config, sync_env
from twilio_assets.sandbox.server import SandboxServer

from .conftest import connect, copy_project, query
from .ticks import STATE_SCHEMA, build, copy_raw_and_snapshots, differences, model_rows

# The sandbox's day is under way at its clock: about half of these are listed by then.
CALLS_PER_DAY = 8000
MESSAGES_PER_DAY = 8000
CHANGED_SHARE = 0.8
DELETED_SHARE = 0.05
# The tables whose rows the change sets rewrite or delete (what a tick's sync writes most of), and the
# column each rewrites (participants: deleted or touched only).
CHANGED_TABLES = {
    "calls": "status",
    "messages": "status",
    "recordings": "status",
    "transcriptions": "status",
    "conferences": "status",
    "conference_participants": None,
}
NO_MARGIN = "twilio_incremental_margin: 0 seconds"


def change_most_rows(env: dict[str, str], round_number: int) -> dict[str, tuple[int, int]]:
    """Rewrite `CHANGED_SHARE` of each changed table's rows (status and change time) and stamp another
    `DELETED_SHARE` deleted, chosen by a hash of the key and the round, so each round picks others.
    Returns, per table, the rows changed and the rows it holds."""
    changed = {}
    for table, column in CHANGED_TABLES.items():
        key = "participant_sid" if table == "conference_participants" else "sid"
        pick = f"(abs(hashtext({key} || ':{round_number}')) % 1000)"
        rewrite = (
            f"{column} = case when {pick} < {int(CHANGED_SHARE * 1000)} then {column} || '-changed-{round_number}' "
            f"else {column} end,"
            if column
            else ""
        )
        statement = f"""
            with updated as (
                update twilio.{table}
                set {rewrite}
                    _deleted_at = case when {pick} >= {1000 - int(DELETED_SHARE * 1000)} then now() else _deleted_at end,
                    _last_changed_at = now()
                where _deleted_at is null
                    and ({pick} < {int(CHANGED_SHARE * 1000)} or {pick} >= {1000 - int(DELETED_SHARE * 1000)})
                returning 1
            )
            select (select count(*) from updated), (select count(*) from twilio.{table})
        """
        connection = connect(env)
        try:
            with connection, connection.cursor() as cursor:  # the block commits
                cursor.execute(statement)
                changed[table] = cursor.fetchone()
        finally:
            connection.close()
    return changed


def built_in_full(output: str) -> set[str]:
    """The models a build chose to build in full, past their budget (twilio_affected or, before it,
    twilio_inputs_past_budget says so)."""
    return set(re.findall(r"(\w+): [^\n]*more than the \d+ [^\n]*; building it in full", output))


@pytest.fixture(scope="module")
def large_change_sets(pg_server, tmp_path_factory):
    env_a, env_b = create_database(pg_server), create_database(pg_server)
    root = tmp_path_factory.mktemp("large")
    config = sandbox_config(days=1, calls_per_day=CALLS_PER_DAY, messages_per_day=MESSAGES_PER_DAY)
    try:
        with SandboxServer(config) as server:
            env = sync_env(env_a, server)
            day = server.config.now.date().isoformat()
            assert run_sync(env, day, day).success
        from twilio_assets.instances import load_settings

        settings = load_settings(environ=env)
        project_a = copy_project(root / "incremental" / "dbt_project", settings)
        project_b = copy_project(root / "full" / "dbt_project", settings)
        select = ["--select", "+config.materialized:incremental", "--exclude", "resource_type:test"]
        first = build(project_a, env_a, "build", *select, "--vars", f"{{{NO_MARGIN}}}")
        assert first.returncode == 0, first.stdout[-3000:]
        rounds = {}
        budgets = {
            "forced incremental": f"{{{NO_MARGIN}, twilio_incremental_rebuild_share: 1000, twilio_incremental_min_keys: 100000000}}",
            "default budget": f"{{{NO_MARGIN}}}",
        }
        for number, (label, variables) in enumerate(budgets.items(), start=1):
            changed = change_most_rows(env_a, number)
            done = build(project_a, env_a, "build", *select, "--vars", variables)
            assert done.returncode == 0, f"{label}: {done.stdout[-3000:]}"
            full_builds = built_in_full(done.stdout)
            copy_raw_and_snapshots(env_a, env_b)
            full = build(project_b, env_b, "run", "--full-refresh", "--select", "+config.materialized:incremental")
            assert full.returncode == 0, full.stdout[-3000:]
            models = {
                model: relation
                for model, relation in query(
                    env_a,
                    "select table_name, format('%I.%I', table_schema, table_name) from information_schema.tables "
                    "where table_schema in ('twilio_linkage', 'twilio_marts', 'twilio_history') "
                    "and table_name in (select model from " + STATE_SCHEMA + ".incremental_watermarks)",
                )
            }
            diffs = {}
            for model, relation in models.items():
                diff = differences(model_rows(env_a, relation), model_rows(env_b, relation))
                if diff != ([], []):
                    diffs[model] = diff
            # Evidence that the change set reached the marts (not only that both sides agree).
            [(rewritten_calls, calls)] = query(
                env_a,
                f"select count(*) filter (where status like '%-changed-{number}'), count(*) from twilio_marts.fct_calls",
            )
            rounds[label] = {
                "changed": changed,
                "rewritten_calls": (rewritten_calls, calls),
                "full_builds": full_builds,
                "models": models,
                "differences": diffs,
            }
        yield rounds
    finally:
        drop_database(env_a)
        drop_database(env_b)


def test_a_large_change_set_rewritten_key_by_key_equals_a_full_refresh(large_change_sets):
    outcome = large_change_sets["forced incremental"]
    changed_calls, stored_calls = outcome["changed"]["calls"]
    assert changed_calls > 3000 and changed_calls > 0.7 * stored_calls, outcome["changed"]
    rewritten, calls = outcome["rewritten_calls"]
    assert rewritten > 0.7 * calls, f"the changed statuses must reach fct_calls: {rewritten} of {calls}"
    assert {"int_twilio__call_legs", "fct_calls", "int_twilio__messages", "fct_messages"} <= set(outcome["models"])
    assert outcome["full_builds"] == set(), "the forced budget must keep every model incremental"
    assert outcome["differences"] == {}, outcome["differences"]


def test_past_the_budget_models_are_built_in_full_and_equal_a_full_refresh(large_change_sets):
    outcome = large_change_sets["default budget"]
    # Most calls and messages changed: those models are past a fifth of their rows.
    assert {"int_twilio__call_legs", "int_twilio__messages"} <= outcome["full_builds"], outcome["full_builds"]
    rewritten, calls = outcome["rewritten_calls"]
    assert rewritten > 0.7 * calls, f"the changed statuses must reach fct_calls: {rewritten} of {calls}"
    assert outcome["differences"] == {}, outcome["differences"]
