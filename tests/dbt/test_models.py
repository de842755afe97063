"""`dbt build` over the synced sandbox data in a real PostgreSQL: every model builds, every test
passes, and the marts hold exactly one row per key and add up to the raw tables they summarize."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from twilio_assets.catalog import ALL_COLLECTIONS
from twilio_assets.dbt import DBT_PROJECT_DIR

from .conftest import LEFT_OUT_OF_COPY, Build, query

MARTS = {
    # mart: (key column, grain columns)
    "fct_calls": ("call_key", ("instance_name", "call_sid")),
    "fct_messages": ("message_key", ("instance_name", "message_sid")),
    "fct_conferences": ("conference_key", ("instance_name", "conference_sid")),
    "fct_account_daily_activity": (None, ("instance_name", "account_sid", "activity_date")),
}
FAILED = {"error", "fail", "runtime error", "skipped"}


def relation(build: Build, model: str) -> str:
    node = build.models()[model]
    return f'"{node["schema"]}"."{node["alias"]}"'


def raw_exists(build: Build, schema: str, table: str) -> bool:
    return query(build.warehouse.env, "select to_regclass(%s) is not null", (f"{schema}.{table}",))[0][0]


def test_dbt_build_passes(dbt_build: Build):
    assert dbt_build.returncode == 0, dbt_build.output[-4000:]
    failed = [(r["unique_id"], r["status"], r.get("message")) for r in dbt_build.results if r["status"] in FAILED]
    assert not failed
    warned = sorted(r["unique_id"] for r in dbt_build.results if r["status"] == "warn")
    print(f"dbt build: {len(dbt_build.results)} nodes in {dbt_build.seconds:.1f}s; warnings: {warned or 'none'}")


def test_only_links_twilio_can_leave_dangling_warn(dbt_build: Build):
    """The deleted parent leg leaves its children's parent link and its recording's call link
    dangling: those warn (as designed), and nothing else does."""
    nodes = dbt_build.manifest["nodes"]
    warned = {nodes[r["unique_id"]]["name"] for r in dbt_build.results if r["status"] == "warn"}
    for name in warned:
        node = next(n for n in nodes.values() if n["name"] == name)
        assert node["test_metadata"]["name"] == "relationships" and node["config"]["severity"] == "warn", name
    assert any("parent_call_key" in name for name in warned)


def test_every_model_built_and_every_test_ran(dbt_build: Build):
    ran = {r["unique_id"]: r["status"] for r in dbt_build.results}
    nodes = {uid: n for uid, n in dbt_build.manifest["nodes"].items() if n["resource_type"] in ("model", "test")}
    assert set(nodes) <= set(ran), set(nodes) - set(ran)
    assert {ran[uid] for uid, n in nodes.items() if n["resource_type"] == "model"} == {"success"}
    # One staging model per collection, and every model file of the project built.
    models = dbt_build.models()
    assert sum(name.startswith("stg_twilio__") for name in models) == len(ALL_COLLECTIONS)
    assert len(models) == len(list((DBT_PROJECT_DIR / "models").rglob("*.sql")))


def test_sandbox_data_is_not_empty(dbt_build: Build):
    # Guard against vacuous passes: the sandbox sync must have produced the core collections.
    schema = dbt_build.warehouse.main.schema
    for table in ("accounts", "calls", "messages", "recordings"):
        (count,) = query(
            dbt_build.warehouse.env, f'select count(*) from "{schema}"."{table}" where _deleted_at is null'
        )[0]
        assert count > 0, f"{schema}.{table} is empty"
    for mart in MARTS:
        (count,) = query(dbt_build.warehouse.env, f"select count(*) from {relation(dbt_build, mart)}")[0]
        assert count > 0, f"{mart} is empty"


@pytest.mark.parametrize("mart", sorted(MARTS))
def test_mart_has_one_row_per_key(dbt_build: Build, mart: str):
    key, grain = MARTS[mart]
    columns = ", ".join(grain)
    duplicates = query(
        dbt_build.warehouse.env,
        f"select {columns}, count(*) from {relation(dbt_build, mart)} group by {columns} having count(*) > 1",
    )
    assert duplicates == []
    nulls = query(
        dbt_build.warehouse.env,
        f"select count(*) from {relation(dbt_build, mart)} where " + " or ".join(f"{c} is null" for c in grain),
    )[0][0]
    assert nulls == 0
    if key:
        rows, keys = query(
            dbt_build.warehouse.env, f"select count(*), count(distinct {key}) from {relation(dbt_build, mart)}"
        )[0]
        assert rows == keys


def instances(build: Build):
    return [build.warehouse.main, build.warehouse.copy]


def by_account(rows: list[tuple]) -> dict[str, tuple]:
    return {row[0]: tuple(Decimal(v or 0) for v in row[1:]) for row in rows}


def test_daily_activity_adds_up_to_the_raw_tables(dbt_build: Build):
    env, mart = dbt_build.warehouse.env, relation(dbt_build, "fct_account_daily_activity")
    for instance in instances(dbt_build):
        schema = instance.schema
        totals = by_account(
            query(
                env,
                f"""
            select account_sid, sum(call_count), sum(call_duration_seconds), sum(call_spend),
                   sum(message_count), sum(message_segment_count), sum(message_spend),
                   sum(recording_count), sum(recording_duration_seconds), sum(recording_spend),
                   sum(transcription_count), sum(transcription_spend), sum(conference_count)
            from {mart} where instance_name = %s group by account_sid""",
                (instance.name,),
            )
        )
        raw: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 12)
        parts = [
            ("calls", "count(*), coalesce(sum(duration), 0), coalesce(-sum(price), 0)", 0),
            ("messages", "count(*), coalesce(sum(num_segments), 0), coalesce(-sum(price), 0)", 3),
            ("recordings", "count(*), coalesce(sum(duration), 0), coalesce(-sum(price), 0)", 6),
            ("transcriptions", "count(*), coalesce(-sum(price), 0)", 9),
            ("conferences", "count(*)", 11),
        ]
        for table, aggregates, offset in parts:
            if not raw_exists(dbt_build, schema, table):
                continue
            for account, *values in query(
                env,
                f'select account_sid, {aggregates} from "{schema}"."{table}" where _deleted_at is null group by account_sid',
            ):
                for i, value in enumerate(values):
                    raw[account][offset + i] = Decimal(value)
        assert totals == {account: tuple(values) for account, values in raw.items()}, instance.name


def test_daily_activity_has_a_row_for_each_active_account_day(dbt_build: Build):
    env = dbt_build.warehouse.env
    for instance in instances(dbt_build):
        schema = instance.schema
        days = [
            ("calls", "coalesce(start_time, date_created)"),
            ("messages", "coalesce(date_sent, date_created)"),
            ("recordings", "date_created"),
            ("transcriptions", "date_created"),
            ("conferences", "date_created"),
        ]
        selects = [
            f'select account_sid, cast(({expr}) at time zone \'UTC\' as date) from "{schema}"."{table}" where _deleted_at is null'
            for table, expr in days
            if raw_exists(dbt_build, schema, table)
        ]
        expected = set(query(env, " union ".join(selects)))
        actual = set(
            query(
                env,
                f"select account_sid, activity_date from {relation(dbt_build, 'fct_account_daily_activity')} where instance_name = %s",
                (instance.name,),
            )
        )
        assert actual == expected, instance.name


def test_calls_mart_adds_up_to_the_raw_tables(dbt_build: Build):
    env, mart = dbt_build.warehouse.env, relation(dbt_build, "fct_calls")
    for instance in instances(dbt_build):
        s = instance.schema
        live_call = f'select 1 from "{s}".calls c where c._deleted_at is null and c.account_sid = {{alias}}.account_sid and c.sid = {{alias}}.{{column}}'
        expected = {
            "rows": f'select count(*) from "{s}".calls leg where leg._deleted_at is null and not exists ({live_call.format(alias="leg", column="parent_call_sid")})',
            "legs": f'select count(*) from "{s}".calls where _deleted_at is null',
            "seconds": f'select coalesce(sum(duration), 0) from "{s}".calls where _deleted_at is null',
            "price": f'select coalesce(sum(price), 0) from "{s}".calls where _deleted_at is null',
            "recordings": f'select count(*) from "{s}".recordings r where r._deleted_at is null and exists ({live_call.format(alias="r", column="call_sid")})',
            "transcriptions": (
                f'select count(*) from "{s}".transcriptions t join "{s}".recordings r on r.sid = t.recording_sid '
                f"and r.account_sid = t.account_sid and r._deleted_at is null "
                f"where t._deleted_at is null and exists ({live_call.format(alias='r', column='call_sid')})"
            ),
        }
        if raw_exists(dbt_build, s, "call_feedback"):
            expected["feedback"] = (
                f'select count(*) from "{s}".call_feedback f where f._deleted_at is null and exists ({live_call.format(alias="f", column="call_sid")})'
            )
        else:
            expected["feedback"] = "select 0"
        raw = {name: query(env, statement)[0][0] for name, statement in expected.items()}
        (row,) = query(
            env,
            f"""
            select count(*), coalesce(sum(leg_count), 0), coalesce(sum(total_duration_seconds), 0),
                   coalesce(sum(total_price), 0), sum(recording_count), sum(transcription_count), sum(feedback_count)
            from {mart} where instance_name = %s""",
            (instance.name,),
        )
        assert dict(zip(expected, row, strict=True)) == raw, instance.name
        assert raw["rows"] > 0 and raw["recordings"] > 0


def test_conferences_and_messages_marts_add_up_to_the_raw_tables(dbt_build: Build):
    env = dbt_build.warehouse.env
    for instance in instances(dbt_build):
        s = instance.schema
        live_conference = f'select 1 from "{s}".conferences c where c._deleted_at is null and c.account_sid = x.account_sid and c.sid = x.conference_sid'
        raw = {
            "conferences": f'select count(*) from "{s}".conferences where _deleted_at is null',
            "participants": f'select count(*) from "{s}".conference_participants x where x._deleted_at is null and exists ({live_conference})',
            "recordings": f'select count(*) from "{s}".recordings x where x._deleted_at is null and exists ({live_conference})',
        }
        expected = {name: query(env, statement)[0][0] for name, statement in raw.items()}
        (row,) = query(
            env,
            f"select count(*), coalesce(sum(participant_count), 0), coalesce(sum(recording_count), 0) from {relation(dbt_build, 'fct_conferences')} where instance_name = %s",
            (instance.name,),
        )
        assert dict(zip(raw, row, strict=True)) == expected, instance.name

        (expected_messages,) = query(
            env,
            f'select count(*), coalesce(sum(num_segments), 0), coalesce(sum(price), 0) from "{s}".messages where _deleted_at is null',
        )
        (actual_messages,) = query(
            env,
            f"select count(*), coalesce(sum(segment_count), 0), coalesce(sum(price), 0) from {relation(dbt_build, 'fct_messages')} where instance_name = %s",
            (instance.name,),
        )
        assert actual_messages == expected_messages, instance.name


def test_every_row_carries_its_instance(dbt_build: Build):
    names = {dbt_build.warehouse.main.name, dbt_build.warehouse.copy.name}
    for model in dbt_build.models():
        nulls, seen = query(
            dbt_build.warehouse.env,
            f"select count(*) filter (where instance_name is null), array_agg(distinct instance_name) from {relation(dbt_build, model)}",
        )[0]
        assert nulls == 0, model
        assert set(seen or []) <= names, model
        if model.startswith("fct_") or model in ("stg_twilio__calls", "stg_twilio__messages"):
            assert set(seen) == names, model


def test_two_instances_never_mix(dbt_build: Build):
    """The copy instance holds the same Twilio records: its mart rows mirror the original's, one for
    one, instead of merging with them."""
    env, main, copy = dbt_build.warehouse.env, dbt_build.warehouse.main.name, dbt_build.warehouse.copy.name
    compared = {
        "fct_account_daily_activity": "account_sid, activity_date, call_count, call_duration_seconds, call_spend, message_count, message_spend, recording_count, transcription_count, conference_count",
        "fct_calls": "account_sid, call_sid, leg_count, child_call_sids, total_duration_seconds, total_price, recording_count, transcription_count",
        "fct_messages": "account_sid, message_sid, status, price",
        "fct_conferences": "account_sid, conference_sid, participant_count, recording_count",
    }
    for mart, columns in compared.items():
        rows = {
            name: sorted(
                query(env, f"select {columns} from {relation(dbt_build, mart)} where instance_name = %s", (name,)),
                key=repr,
            )
            for name in (main, copy)
        }
        assert rows[main] == rows[copy], mart
    # Keys name their instance, so equal SIDs in two instances are two keys.
    for mart, (key, _) in MARTS.items():
        if key:
            assert (
                query(
                    env,
                    f"select count(*) from {relation(dbt_build, mart)} where split_part({key}, ':', 1) <> instance_name",
                )[0][0]
                == 0
            )
    # The copy does not sync call feedback: none of the original's feedback leaks into it.
    assert LEFT_OUT_OF_COPY == "call_feedback"
    assert (
        query(
            env,
            f"select coalesce(sum(feedback_count), 0) from {relation(dbt_build, 'fct_calls')} where instance_name = %s",
            (copy,),
        )[0][0]
        == 0
    )


def test_no_call_mixes_accounts_or_instances(dbt_build: Build):
    legs = relation(dbt_build, "int_twilio__call_legs")
    mixed = query(
        dbt_build.warehouse.env,
        f"""
        select count(*) from {legs} leg join {legs} root on root.call_key = leg.root_call_key
        where root.account_sid <> leg.account_sid or root.instance_name <> leg.instance_name""",
    )
    assert mixed == [(0,)]


def test_deleted_rows_stay_in_staging_and_leave_linkage_and_marts(dbt_build: Build):
    env, deleted = dbt_build.warehouse.env, dbt_build.warehouse.deleted
    assert deleted["calls"] and deleted["messages"] and deleted["transcriptions"]
    checks = {
        # table: (staging model, sid column, downstream relation and its sid column)
        "calls": ("stg_twilio__calls", "call_sid", [("int_twilio__call_legs", "call_sid"), ("fct_calls", "call_sid")]),
        "messages": (
            "stg_twilio__messages",
            "message_sid",
            [("int_twilio__messages", "message_sid"), ("fct_messages", "message_sid")],
        ),
        "transcriptions": (
            "stg_twilio__transcriptions",
            "transcription_sid",
            [("int_twilio__transcriptions", "transcription_sid")],
        ),
    }
    for table, (staging, sid, downstream) in checks.items():
        flagged = query(
            env,
            f"select instance_name, {sid}, is_deleted, deleted_at is not null from {relation(dbt_build, staging)} where {sid} = any(%s)",
            (deleted[table],),
        )
        assert len(flagged) == 2 * len(deleted[table]) and all(row[2] and row[3] for row in flagged), table
        for model, column in downstream:
            assert query(
                env, f"select count(*) from {relation(dbt_build, model)} where {column} = any(%s)", (deleted[table],)
            ) == [(0,)], model
    # The deleted parent's children are now calls of their own.
    children = query(
        env,
        f"select count(*), count(*) filter (where is_root_leg) from {relation(dbt_build, 'int_twilio__call_legs')} where parent_call_sid = any(%s)",
        (deleted["calls"],),
    )[0]
    assert children[0] > 0 and children[0] == children[1]


def test_empty_strings_become_null_in_staging(dbt_build: Build):
    env = dbt_build.warehouse.env
    for model, node in dbt_build.models().items():
        if not model.startswith("stg_"):
            continue
        text_columns = [
            name
            for name, type_ in query(
                env,
                "select column_name, data_type from information_schema.columns where table_schema = %s and table_name = %s",
                (node["schema"], node["alias"]),
            )
            if type_ == "text"
        ]
        condition = " or ".join(f"\"{c}\" = ''" for c in text_columns)
        assert query(env, f"select count(*) from {relation(dbt_build, model)} where {condition}") == [(0,)], model
