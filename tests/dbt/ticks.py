"""The ticks scenario shared by test_incremental.py and test_history.py (fixture `ticks`, run once
per session): the sandbox clock moves, the sync runs as the schedule would, and the dbt project is
built incrementally after each sync, as a tick does. Every collection is synced.

Three syncs:

* `start`: the clock stops 10 s after a recorded call began (its recording still in progress); every
  sandbox day is synced and the project is built (the first build is a full one). Before the build,
  yesterday's `totalprice` usage record is stamped deleted (a listing that missed it).
* `late`: 3 hours later: calls ended and priced, the recording completed, transcriptions and
  annotations arrived, messages were delivered or deleted, conversations went inactive, alerts and
  Studio executions arrived. After the sync, a parent call leg with child legs is stamped deleted, as a
  sync does when Twilio stops listing a record, and so are three parents of other families: a
  conversation with messages and participants, a Studio execution with steps, and a Studio flow with
  executions (another flow than that execution's).
* `midnight`: 00:30 the next day: the lookback window moves to the new day, more messages are
  deleted (media with them), scheduled messages go out, conversations close, yesterday's usage is
  re-rated, a flow is revised, and the deleted leg, conversation, execution and flow are listed again
  (they come back, and their children with them).

Between `start` and `late`, the sync lists yesterday's `totalprice` again, unchanged: every spend row of
that day takes the total back though none of the day's other usage records changed.

After each of the last two syncs the project is built incrementally (database A); the raw tables and
snapshots are copied into database B, which is built with `--full-refresh`; every incremental model
(linkage, marts, status timelines) is compared between the two.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import TEST_NOW, create_database, drop_database, run_sync, sandbox_config, sync_env
from twilio_assets.catalog import BY_NAME
from twilio_assets.defs.automation import lookback_range
from twilio_assets.instances import load_settings
from twilio_assets.localdev.expected import expected_rows
from twilio_assets.localdev.postgres import find_bin_dir
from twilio_assets.sandbox.server import SandboxServer

from .conftest import connect, copy_project, query, run_dbt

UTC = dt.UTC
# Collections whose synced records the tests keep (test_history.py, test_incremental_families.py).
OBSERVED = (
    "calls",
    "messages",
    "recordings",
    "conversations",
    "conversation_messages",
    "conversation_participants",
    "studio_flows",
    "studio_executions",
    "studio_execution_steps",
    "alerts",
    "message_media",
)
STATE_SCHEMA = "twilio_dbt"  # profiles.yml's schema: the incremental bookkeeping


@dataclass
class Tick:
    label: str
    moment: dt.datetime  # the sandbox clock
    days: list[dt.date]  # the days the sync re-read
    synced: tuple[dt.datetime, dt.datetime]  # the warehouse clock just before and after the sync
    seen: dict[str, dict[str, dict[str, Any]]]  # collection -> sid -> the record a sync of `days` stores
    deleted_by_hand: list[str] = field(default_factory=list)  # call SIDs stamped deleted after the sync
    build_output: str = ""
    failed: list[tuple[str, str]] = field(default_factory=list)  # nodes of ours that failed in the build
    built: tuple[dt.datetime, dt.datetime] | None = None
    rewritten: dict[str, int] = field(default_factory=dict)  # model -> keys the incremental build rewrote
    full_markers: list[str] = field(default_factory=list)  # models the incremental build rebuilt in full
    rows: dict[str, int] = field(default_factory=dict)  # model -> rows after the build
    differences: dict[str, tuple[list, list]] = field(default_factory=dict)  # model -> (only in A, only in B)
    full_refresh_output: str = ""
    full_refresh_returncode: int | None = None
    call_row: dict[str, Any] | None = None  # fct_calls' row of the recorded call after the build
    deleted_family: list[tuple] = field(default_factory=list)  # the hand-deleted leg and its children, after the build
    # Raw table -> SIDs of the other families' parents stamped deleted after the sync (FAMILY_PARENTS),
    # and `usage_records` -> the daily total stamped deleted (its usage_key).
    families_deleted_by_hand: dict[str, list[str]] = field(default_factory=dict)
    rewritten_keys: dict[str, set[str]] = field(default_factory=dict)  # model -> the keys the build rewrote
    untouched: dict[str, int] = field(default_factory=dict)  # model -> rows after the build it did not rewrite
    # The children of every family parent stamped deleted so far, after the build: query -> SIDs
    # (FAMILY_ROWS: what the models hold; `raw …`: the live raw rows, what a sync stored).
    families: dict[str, list] = field(default_factory=dict)


@dataclass
class Scenario:
    env: dict[str, str]  # database A: synced and built incrementally
    ticks: list[Tick]
    account: str
    recording: dict[str, Any]  # the recording in progress at the start, as listed then
    incremental_models: dict[str, str]  # model -> "schema"."name"
    project: Path | None = None  # database A's dbt project (its last build's target/)
    snapshots: dict[str, str] = field(default_factory=dict)  # snapshot -> "schema"."name"


def now_in(env: dict[str, str]) -> dt.datetime:
    return query(env, "select clock_timestamp()")[0][0]


def parse_time(value: str | None) -> dt.datetime | None:
    return email.utils.parsedate_to_datetime(value) if value else None


def recording_in_progress(world, account: str) -> dict[str, Any]:
    """The call recording that started last before the test clock and lasted a while."""
    for record in world.records(account, "recordings", now=TEST_NOW):
        if record["conference_sid"] is None and int(record["duration"]) >= 60:
            started = parse_time(record["date_created"])
            if started.date() == TEST_NOW.date() and started < TEST_NOW - dt.timedelta(hours=1):
                return record
    raise AssertionError("the sandbox has no call recording to watch")


def copy_raw_and_snapshots(source: dict[str, str], target: dict[str, str]) -> None:
    """Database B gets A's raw tables and snapshots, exactly; its models are then rebuilt from them."""
    connection = connect(target)
    connection.autocommit = True
    with connection.cursor() as cursor:
        for schema in ("twilio", "twilio_history", "twilio_staging"):
            cursor.execute(f"drop schema if exists {schema} cascade")
        cursor.execute("create schema twilio")
        cursor.execute("create schema twilio_history")
    connection.close()
    bin_dir = find_bin_dir()
    environ = {**os.environ, "PGPASSWORD": source["PGPASSWORD"]}
    common = ["-h", source["PGHOST"], "-p", source["PGPORT"], "-U", source["PGUSER"]]
    dump = subprocess.run(
        [str(bin_dir / "pg_dump"), *common, "-d", source["PGDATABASE"], "--no-owner", "--no-privileges"]
        + ["-t", "twilio.*", "-t", "twilio_history.snp_*"],
        env=environ,
        capture_output=True,
        check=True,
    )
    subprocess.run(
        [str(bin_dir / "psql"), *common, "-d", target["PGDATABASE"], "-q", "-v", "ON_ERROR_STOP=1"],
        input=dump.stdout,
        env=environ,
        capture_output=True,
        check=True,
    )


def model_rows(env: dict[str, str], relation: str) -> list[tuple]:
    """Every row of the relation, ordered by all its columns."""
    connection = connect(env)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"select * from {relation} limit 0")
            width = len(cursor.description)
            cursor.execute(f"select * from {relation} order by {', '.join(str(i + 1) for i in range(width))}")
            return cursor.fetchall()
    finally:
        connection.close()


def differences(rows_a: list[tuple], rows_b: list[tuple]) -> tuple[list, list]:
    a, b = Counter(map(repr, rows_a)), Counter(map(repr, rows_b))
    return sorted((a - b).elements())[:5], sorted((b - a).elements())[:5]


def call_row(env: dict[str, str], call_sid: str) -> dict[str, Any] | None:
    """fct_calls' row of the call the leg belongs to."""
    connection = connect(env)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "select calls.* from twilio_marts.fct_calls as calls join twilio_linkage.int_twilio__call_legs as legs "
                "on legs.root_call_key = calls.call_key where legs.call_sid = %s",
                (call_sid,),
            )
            found = cursor.fetchone()
            return dict(zip([d.name for d in cursor.description], found, strict=True)) if found else None
    finally:
        connection.close()


def delete_a_parent_leg(env: dict[str, str], day: dt.date) -> list[str]:
    """Stamp one live parent leg of `day` that has child legs deleted, as a sync does."""
    connection = connect(env)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(
                """
                update twilio.calls set _deleted_at = now() where sid = (
                    select parent.sid from twilio.calls as parent
                    where parent._deleted_at is null and parent.parent_call_sid is null
                        and cast(parent.start_time at time zone 'UTC' as date) = %s
                        and exists (select 1 from twilio.calls as child where child.parent_call_sid = parent.sid)
                    order by exists (select 1 from twilio.recordings as r where r.call_sid = parent.sid) desc, parent.sid
                    limit 1)
                returning sid""",
                (day,),
            )
            return [sid for (sid,) in cursor.fetchall()]
    finally:
        connection.close()


# Parents of the other families to stamp deleted after the `late` sync (each query picks the SIDs), all
# stored by an earlier sync (so the models held their families): a conversation of the day with
# messages and participants; the Studio flow with the most executions before the day (executions of
# days the next sync does not re-read: they leave with the flow and come back with it); a Studio
# execution of the day with steps, of another flow.
FAMILY_PARENTS = {
    "conversations": """
        select c.sid from twilio.conversations as c
        where c._deleted_at is null and cast(c.date_created at time zone 'UTC' as date) = %(day)s
            and c._first_loaded_at < %(stored_before)s
            and exists (select 1 from twilio.conversation_messages as m
                where m.conversation_sid = c.sid and m._first_loaded_at < %(stored_before)s)
            and exists (select 1 from twilio.conversation_participants as p
                where p.conversation_sid = c.sid and p._first_loaded_at < %(stored_before)s)
        order by c.sid limit 1""",
    "studio_flows": """
        select f.sid from twilio.studio_flows as f
        where f._deleted_at is null
            and exists (select 1 from twilio.studio_executions as e where e.flow_sid = f.sid
                and cast(e.date_created at time zone 'UTC' as date) < %(day)s)
        order by (select count(*) from twilio.studio_executions as e where e.flow_sid = f.sid) desc, f.sid limit 1""",
    "studio_executions": """
        select e.sid from twilio.studio_executions as e
        where e._deleted_at is null and cast(e.date_created at time zone 'UTC' as date) = %(day)s
            and e._first_loaded_at < %(stored_before)s and e.flow_sid <> all(%(studio_flows)s)
            and exists (select 1 from twilio.studio_execution_steps as s
                where s.execution_sid = e.sid and s._first_loaded_at < %(stored_before)s)
        order by e.sid limit 1""",
}
# What the models hold of those parents' families (SIDs, sorted), and what the raw tables hold live.
FAMILY_ROWS = {
    "int_twilio__conversations": "select conversation_sid from twilio_linkage.int_twilio__conversations "
    "where conversation_sid = any(%(conversations)s)",
    "int_twilio__conversation_messages": "select conversation_message_sid from "
    "twilio_linkage.int_twilio__conversation_messages where conversation_sid = any(%(conversations)s)",
    "int_twilio__conversation_participants": "select participant_sid from "
    "twilio_linkage.int_twilio__conversation_participants where conversation_sid = any(%(conversations)s)",
    "fct_conversations": "select conversation_sid, message_count, participant_count from "
    "twilio_marts.fct_conversations where conversation_sid = any(%(conversations)s)",
    "int_twilio__studio_executions": "select execution_sid from twilio_linkage.int_twilio__studio_executions "
    "where execution_sid = any(%(studio_executions)s) or flow_sid = any(%(studio_flows)s)",
    "int_twilio__studio_execution_steps": "select step_sid from twilio_linkage.int_twilio__studio_execution_steps "
    "where execution_sid = any(%(studio_executions)s) or flow_sid = any(%(studio_flows)s)",
    "fct_studio_executions": "select execution_sid, step_count from twilio_marts.fct_studio_executions "
    "where execution_sid = any(%(studio_executions)s) or flow_sid = any(%(studio_flows)s)",
    "raw conversation_messages": "select sid from twilio.conversation_messages "
    "where _deleted_at is null and conversation_sid = any(%(conversations)s)",
    "raw conversation_participants": "select sid from twilio.conversation_participants "
    "where _deleted_at is null and conversation_sid = any(%(conversations)s)",
    "raw studio_executions": "select sid from twilio.studio_executions "
    "where _deleted_at is null and (sid = any(%(studio_executions)s) or flow_sid = any(%(studio_flows)s))",
    "raw studio_execution_steps": "select sid from twilio.studio_execution_steps "
    "where _deleted_at is null and (execution_sid = any(%(studio_executions)s) or flow_sid = any(%(studio_flows)s))",
    # The spend rows of the day whose total was stamped deleted, with the total they carry.
    "fct_spend_daily": "select spend.spend_key, spend.twilio_total_price from twilio_marts.fct_spend_daily as spend "
    "join twilio.usage_records as total on total.account_sid = spend.account_sid and total.start_date = spend.usage_date "
    "where total.usage_key = any(%(usage_records)s)",
}


def delete_family_parents(env: dict[str, str], day: dt.date, stored_before: dt.datetime) -> dict[str, list[str]]:
    """Stamp the FAMILY_PARENTS deleted, as a sync does when Twilio stops listing them; their children
    stay as they are (nobody lists them while the parent is gone)."""
    chosen: dict[str, list[str]] = {}
    connection = connect(env)
    try:
        with connection, connection.cursor() as cursor:
            for table, statement in FAMILY_PARENTS.items():
                cursor.execute(statement, {"day": day, "stored_before": stored_before, **chosen})
                chosen[table] = [sid for (sid,) in cursor.fetchall()]
                cursor.execute(f"update twilio.{table} set _deleted_at = now() where sid = any(%s)", (chosen[table],))
    finally:
        connection.close()
    return chosen


def delete_a_daily_total(env: dict[str, str], day: dt.date) -> list[str]:
    """Stamp the `totalprice` record of `day` deleted, as a sync does when a listing misses a record;
    the next sync of the day lists it again, unchanged."""
    connection = connect(env)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(
                "update twilio.usage_records set _deleted_at = now() "
                "where category = 'totalprice' and start_date = %s and end_date = start_date returning usage_key",
                (day,),
            )
            return [key for (key,) in cursor.fetchall()]
    finally:
        connection.close()


def family_rows(env: dict[str, str], parents: dict[str, list[str]]) -> dict[str, list]:
    wanted = {table: parents.get(table, []) for table in [*FAMILY_PARENTS, "usage_records"]}
    found = {name: query(env, statement, wanted) for name, statement in FAMILY_ROWS.items()}
    return {name: sorted(row[0] if len(row) == 1 else row for row in rows) for name, rows in found.items()}


def failures(project: Path, manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """The models and snapshots that failed, and the failed tests of incremental models and snapshots
    (other tests are not this scenario's business)."""
    nodes = manifest["nodes"]
    ours = {
        uid
        for uid, n in nodes.items()
        if n["resource_type"] == "snapshot" or n["config"].get("materialized") == "incremental"
    }
    results = json.loads((project / "target" / "run_results.json").read_text())["results"]
    failed = []
    for result in results:
        node = nodes.get(result["unique_id"], {})
        if result["status"] not in ("error", "fail", "runtime error", "skipped"):
            continue
        if node.get("resource_type") != "test" or ours & set(node["depends_on"]["nodes"]):
            failed.append((result["unique_id"], result.get("message") or result["status"]))
    return failed


def build(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return run_dbt(project, env, *args, "--threads", "4")


def run_scenario(pg_server: dict[str, str], root: Path) -> Scenario:
    env_a, env_b = create_database(pg_server), create_database(pg_server)
    try:
        return _run(env_a, env_b, root)
    finally:
        drop_database(env_b)


def _run(env_a: dict[str, str], env_b: dict[str, str], root: Path) -> Scenario:
    with SandboxServer(sandbox_config()) as server:
        world, config = server.world, server.config
        account = config.main_account_sid
        env = sync_env(env_a, server)  # one instance, every collection
        settings = load_settings(environ=env)
        project_a = copy_project(root / "incremental" / "dbt_project", settings)
        project_b = copy_project(root / "full" / "dbt_project", settings)
        recording = recording_in_progress(world, account)
        start = parse_time(recording["date_created"]) + dt.timedelta(seconds=10)
        moments = [
            ("start", start),
            ("late", start + dt.timedelta(hours=3)),
            ("midnight", dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(0, 30), UTC)),
        ]
        ticks: list[Tick] = []
        incremental_models: dict[str, str] = {}
        snapshots: dict[str, str] = {}
        for index, (label, moment) in enumerate(moments):
            world.set_now(moment)
            if index == 0:
                first, last = config.first_day.isoformat(), moment.date().isoformat()
            else:
                first, last = lookback_range(settings, 1, moment)
            days = [
                dt.date.fromordinal(d)
                for d in range(dt.date.fromisoformat(first).toordinal(), dt.date.fromisoformat(last).toordinal() + 1)
            ]
            before, clock = now_in(env_a), time.monotonic()
            assert run_sync(env, first, last).success, label
            timings = {"sync": time.monotonic() - clock}
            tick = Tick(
                label=label,
                moment=moment,
                days=days,
                synced=(before, now_in(env_a)),
                seen={
                    name: {
                        r[BY_NAME[name].primary_key]: r for r in expected_rows(world, BY_NAME[name], [account], days)
                    }
                    for name in OBSERVED
                },
            )
            if label == "start":
                tick.families_deleted_by_hand = {
                    "usage_records": delete_a_daily_total(env_a, start.date() - dt.timedelta(days=1))
                }
            if label == "late":
                tick.deleted_by_hand = delete_a_parent_leg(env_a, start.date())
                tick.families_deleted_by_hand = delete_family_parents(env_a, start.date(), tick.synced[0])
            # The incremental build: what a tick runs after its raw assets (the last one with the tests).
            started, clock = now_in(env_a), time.monotonic()
            # The incremental models and everything they read (snapshots, staging views); their tests
            # in the last build. No safety margin: the ticks follow each other within seconds, so a
            # margin would take every row in again, and without one exactness rests on the watermark.
            args = ["build", "--select", "+config.materialized:incremental", "--indirect-selection", "cautious"]
            if label != "midnight":
                args += ["--exclude", "resource_type:test"]
            done = build(project_a, env_a, *args, "--vars", "{twilio_incremental_margin: 0 seconds}")
            tick.build_output = done.stdout + done.stderr
            timings["build"] = time.monotonic() - clock
            tick.built = (started, now_in(env_a))
            assert (project_a / "target" / "run_results.json").exists(), f"{label}: {tick.build_output[-3000:]}"
            manifest = json.loads((project_a / "target" / "manifest.json").read_text())
            incremental_models = {
                n["name"]: f'"{n["schema"]}"."{n["alias"]}"'
                for n in manifest["nodes"].values()
                if n["resource_type"] == "model" and n["config"]["materialized"] == "incremental"
            }
            built = {
                r["unique_id"] for r in json.loads((project_a / "target" / "run_results.json").read_text())["results"]
            }
            snapshots = {  # the snapshots the build ran (those the incremental models read)
                n["name"]: f'"{n["schema"]}"."{n["alias"]}"'
                for uid, n in manifest["nodes"].items()
                if n["resource_type"] == "snapshot" and uid in built
            }
            keyed_models = {  # the models whose builds log each key they rewrite
                n["name"]: n["config"]["unique_key"]
                for n in manifest["nodes"].values()
                if n["name"] in incremental_models and isinstance(n["config"]["unique_key"], str)
            }
            tick.failed = failures(project_a, manifest)
            for model, count, keys in query(
                env_a,
                f"select model, count(*), count(key) from {STATE_SCHEMA}.incremental_changes "
                "where changed_at >= %s group by model",
                (started,),
            ):
                tick.rewritten[model] = keys
                if count > keys:
                    tick.full_markers.append(model)
            for model, key in query(
                env_a,
                f"select model, key from {STATE_SCHEMA}.incremental_changes where changed_at >= %s and key is not null",
                (started,),
            ):
                tick.rewritten_keys.setdefault(model, set()).add(key)
            tick.rows = {m: query(env_a, f"select count(*) from {r}")[0][0] for m, r in incremental_models.items()}
            for model, key in keyed_models.items():
                tick.untouched[model] = query(
                    env_a,
                    f"select count(*) from {incremental_models[model]} where not ({key} = any(%s))",
                    (list(tick.rewritten_keys.get(model, ())),),
                )[0][0]
            tick.call_row = call_row(env_a, recording["call_sid"])
            deleted = [sid for earlier in [*ticks, tick] for sid in earlier.deleted_by_hand]
            tick.deleted_family = query(
                env_a,
                "select call_sid, parent_call_sid, is_root_leg, root_call_key from twilio_linkage.int_twilio__call_legs "
                "where call_sid = any(%s) or parent_call_sid = any(%s) order by call_sid",
                (deleted, deleted),
            )
            family_parents: dict[str, list[str]] = {}
            for earlier in [*ticks, tick]:
                for table, sids in earlier.families_deleted_by_hand.items():
                    family_parents.setdefault(table, []).extend(sids)
            tick.families = family_rows(env_a, family_parents)
            if index > 0:
                clock = time.monotonic()
                copy_raw_and_snapshots(env_a, env_b)
                full = build(project_b, env_b, "run", "--full-refresh", "--select", "+config.materialized:incremental")
                tick.full_refresh_output, tick.full_refresh_returncode = full.stdout + full.stderr, full.returncode
                if full.returncode == 0:
                    for model, relation in incremental_models.items():
                        diff = differences(model_rows(env_a, relation), model_rows(env_b, relation))
                        if diff != ([], []):
                            tick.differences[model] = diff
                timings["full refresh"] = time.monotonic() - clock
            print(f"tick {label}: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items()))
            ticks.append(tick)
    return Scenario(env_a, ticks, account, recording, incremental_models, project_a, snapshots)
