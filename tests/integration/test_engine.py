"""The generic engine with exact Twilio answers scripted: rollback on bad data, scans, schema growth."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import connect
from tests.support.scripted_server import Reply, ScriptedServer
from twilio_assets.catalog import BY_NAME, Collection
from twilio_assets.catalog.columns import columns
from twilio_assets.sync import SyncError, Window, sync_collection
from twilio_assets.twilio_api import BasicAuth, Hosts, TwilioClient
from twilio_assets.warehouse import InvalidIdentifier

pytestmark = pytest.mark.integration

ACCOUNT = "AC" + "a" * 32
CALLS = f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
TRANSCRIPTIONS = f"/2010-04-01/Accounts/{ACCOUNT}/Transcriptions.json"
DAY = dt.date(2026, 3, 9)


def rfc(day: dt.date, hour: int) -> str:
    return dt.datetime.combine(day, dt.time(hour), dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def call(n: int, **fields) -> dict:
    return {
        "sid": f"CA{n:032x}",
        "account_sid": ACCOUNT,
        "status": "completed",
        "start_time": rfc(DAY, 10),
        "duration": "5",
        **fields,
    }


def page(key: str, records: list, next_uri: str | None = None) -> dict:
    return {
        key: records,
        "next_page_uri": next_uri,
        "page": 0,
        "page_size": 50,
        "start": 0,
        "end": 0,
        "uri": "",
        "first_page_uri": "",
        "previous_page_uri": None,
    }


def run(server, env, collection: Collection, window: Window, schema: str = "twilio"):
    client = TwilioClient(
        BasicAuth(ACCOUNT, "token", "test"), Hosts.build(base_url=server.base_url), sleep=lambda s: None
    )
    return sync_collection(
        client=client,
        connect=lambda: connect(env),
        schema=schema,
        collection=collection,
        window=window,
        accounts=[ACCOUNT],
        main_account_sid=ACCOUNT,
        run_id="test-run",
    )


def count(env, table: str) -> int:
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(f"select count(*) from {table}")
        return cursor.fetchone()[0]


def test_a_record_without_a_key_on_a_later_page_rolls_back_the_whole_sync(warehouse):
    # A record without its key cannot be set aside by key: the sync fails, naming it, and keeps nothing.
    with ScriptedServer() as server:
        server.script(
            CALLS,
            Reply(body=page("calls", [call(1), call(2)], f"{CALLS}?Page=1&PageToken=PA1")),
            Reply(body=page("calls", [call(3, sid="")])),
        )
        with pytest.raises(SyncError) as raised:
            run(server, warehouse, BY_NAME["calls"], Window.for_days(DAY, DAY))
        assert len(server.requests) == 2  # page 0 was merged before page 1 failed
    assert "rolled back" in str(raised.value) and "'sid'" in str(raised.value)
    # Nothing from page 0 was kept, not even the new table: the warehouse is as it was (but for the
    # empty schema, created up front so that tables can be synced in parallel).
    with connect(warehouse) as connection, connection.cursor() as cursor:
        cursor.execute("select to_regclass('twilio.calls')")
        assert cursor.fetchone()[0] is None


def rejects(env) -> dict[str, tuple[str, str]]:
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute("select key, part, reason from twilio._twilio_rejects")
        return {key: (part, reason) for key, part, reason in cursor.fetchall()}


def live_keys(env) -> set[str]:
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute("select sid from twilio.calls where _deleted_at is null")
        return {sid for (sid,) in cursor.fetchall()}


@pytest.mark.parametrize(
    "bad_duration, column_named",
    [("four", True), ("99999999999999999999", False)],  # not a number; a number too large for bigint
    ids=["not-a-number", "out-of-range"],
)
def test_a_record_postgresql_refuses_is_set_aside_and_the_rest_lands(warehouse, bad_duration, column_named):
    bad = f"CA{3:032x}"
    with ScriptedServer() as server:
        # First sync: calls 1-4 land.
        server.script(CALLS, Reply(body=page("calls", [call(1), call(2), call(3), call(4)])))
        run(server, warehouse, BY_NAME["calls"], Window.for_days(DAY, DAY))
        # Then call 3 comes back with a value PostgreSQL refuses (on a later page), and call 4 is gone.
        server.script(
            CALLS,
            Reply(body=page("calls", [call(1), call(2)], f"{CALLS}?Page=1&PageToken=PA1")),
            Reply(body=page("calls", [call(3, duration=bad_duration, status="busy")])),
        )
        result = run(server, warehouse, BY_NAME["calls"], Window.for_days(DAY, DAY))
        assert [(r.key, r.part) for r in result.rejected] == [(bad, DAY.isoformat())]
        reason = result.rejected[0].reason
        assert "PostgreSQL" in reason and ("'duration'" in reason) == column_named
        assert "bigint" in reason
        assert rejects(warehouse) == {bad: (DAY.isoformat(), reason)}
        # Its day left the deletion scope: call 4 is not marked deleted on this answer, call 3 keeps its
        # earlier version, and no day was compared.
        assert result.deleted == 0 and live_keys(warehouse) == {f"CA{n:032x}" for n in (1, 2, 3, 4)}
        assert result.parts == {}
        # On the next run the record is fixed: it loads, leaves the rejects, and the day is whole again.
        server.script(CALLS, Reply(body=page("calls", [call(1), call(2), call(3, status="busy")])))
        fixed = run(server, warehouse, BY_NAME["calls"], Window.for_days(DAY, DAY))
    assert not fixed.rejected and rejects(warehouse) == {}
    assert fixed.deleted == 1 and live_keys(warehouse) == {f"CA{n:032x}" for n in (1, 2, 3)}
    with connect(warehouse) as connection, connection.cursor() as cursor:
        cursor.execute("select status from twilio.calls where sid = %s", (bad,))
        assert cursor.fetchone()[0] == "busy"


def test_a_record_refused_on_every_run_does_not_block_its_collection(warehouse):
    bad = call(3, duration="four")
    with ScriptedServer() as server:
        server.script(CALLS, Reply(body=page("calls", [call(1), bad])))
        first = run(server, warehouse, BY_NAME["calls"], Window.for_days(DAY, DAY))
        server.script(CALLS, Reply(body=page("calls", [call(1), call(2), bad])))
        second = run(server, warehouse, BY_NAME["calls"], Window.for_days(DAY, DAY))
    assert [r.key for r in first.rejected] == [r.key for r in second.rejected] == [bad["sid"]]
    assert live_keys(warehouse) == {f"CA{1:032x}", f"CA{2:032x}"}


def test_newest_first_scan_stops_at_the_first_older_record(warehouse):
    older = dt.date(2026, 3, 1)
    records = [
        {
            "sid": f"TR{n:032x}",
            "account_sid": ACCOUNT,
            "recording_sid": f"RE{n:032x}",
            "date_created": rfc(day, 12 - n % 3),
        }
        for n, day in enumerate([DAY + dt.timedelta(days=1), DAY, DAY, older])
    ]
    with ScriptedServer() as server:
        server.script(
            TRANSCRIPTIONS,
            Reply(body=page("transcriptions", records, f"{TRANSCRIPTIONS}?Page=1&PageToken=PA1")),
            Reply(
                body=page(
                    "transcriptions",
                    [{"sid": "TR" + "e" * 32, "date_created": rfc(older, 1)}],
                    f"{TRANSCRIPTIONS}?Page=2&PageToken=PA2",
                )
            ),
            Reply(
                body=page(
                    "transcriptions",
                    [{"sid": "TR" + "f" * 32, "date_created": rfc(older, 0)}],
                    f"{TRANSCRIPTIONS}?Page=3&PageToken=PA3",
                )
            ),
            Reply(body=page("transcriptions", [{"sid": "TR" + "d" * 32, "date_created": rfc(older, 0)}])),
        )
        result = run(server, warehouse, BY_NAME["transcriptions"], Window.for_days(DAY, DAY))
        pages_requested = len(server.requests)
    # The older record on page 0 ended the scan; only pages read ahead meanwhile were requested too.
    assert pages_requested <= 3
    assert result.pages == 1
    assert result.fetched == 4 and result.inserted == 2
    assert count(warehouse, "twilio.transcriptions") == 2


def test_tables_grow_new_catalogue_columns_and_keep_rows(warehouse):
    calls = BY_NAME["calls"]
    narrow = Collection(
        **{**calls.__dict__, "columns": columns("sid:sid account_sid:sid start_time:rfc2822 status:text")}
    )
    with ScriptedServer() as server:
        server.script(CALLS, Reply(body=page("calls", [call(1)])))
        run(server, warehouse, narrow, Window.for_days(DAY, DAY))
        result = run(server, warehouse, calls, Window.for_days(DAY, DAY))
    # The record did not change, so the row is not rewritten: the new column is filled on its next change.
    assert result.unchanged == 1
    with connect(warehouse) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select count(*) from information_schema.columns where table_schema='twilio' and table_name='calls' and column_name='duration'"
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize("schema", ["Twilio", "twilio; drop table x", "pg_catalog", "public", "", "a" * 64])
def test_hostile_or_reserved_schema_names_are_refused_before_any_sql(warehouse, schema):
    with ScriptedServer() as server:
        server.script(CALLS, Reply(body=page("calls", [call(1)])))
        with pytest.raises(InvalidIdentifier, match="schema name"):
            run(server, warehouse, BY_NAME["calls"], Window.for_days(DAY, DAY), schema=schema)
        assert server.requests == []


def test_progress_is_logged_as_pages_arrive_not_per_record(warehouse):
    pages = [
        page("calls", [call(n * 10 + i) for i in range(10)], f"{CALLS}?Page={n + 1}&PageToken=PA{n + 1}")
        for n in range(4)
    ]
    pages.append(page("calls", [call(99)]))
    lines: list[str] = []
    with ScriptedServer() as server:
        server.script(CALLS, *(Reply(body=p) for p in pages))
        client = TwilioClient(
            BasicAuth(ACCOUNT, "token", "test"), Hosts.build(base_url=server.base_url), sleep=lambda s: None
        )
        sync_collection(
            client=client,
            connect=lambda: connect(warehouse),
            schema="twilio",
            collection=BY_NAME["calls"],
            window=Window.for_days(DAY, DAY),
            accounts=[ACCOUNT],
            main_account_sid=ACCOUNT,
            run_id="t",
            log=lines.append,
            progress_every_seconds=0,
        )
    # One line per page (the interval is 0 here; 5 s by default) and a final total, each with the rate.
    assert len(lines) == 6
    assert lines[0].startswith("calls 2026-03-09: 10 records in 1 pages")
    assert lines[-1].startswith("calls 2026-03-09: 41 records in 5 pages") and "records/s" in lines[-1]
