"""Deletions need evidence: no row is marked deleted on a listing that could not be read, one answer
alone never takes most of a part away, and a record PostgreSQL refuses is set aside, not fatal.

Against the sandbox (real HTTP) and a real PostgreSQL; the sandbox's listing knobs make Twilio's
answers refused past retention (`retention_page_from`), valid but empty or cut short
(`empty_page_from`), or carrying a NUL byte PostgreSQL cannot store (`rate_nul_byte`).
"""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from tests.conftest import TEST_NOW, connect, sandbox_config
from tests.integration.test_engine import ACCOUNT, CALLS, DAY, call, page, run
from tests.support.scripted_server import Reply, ScriptedServer
from twilio_assets.catalog import BY_NAME
from twilio_assets.defs.raw_assets import (
    _listed_equals_stored,
    _metadata,
    _no_deletions_held_back,
    _no_records_rejected,
)
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.sync import Window, sync_collection
from twilio_assets.sync.safeguard import DeletionSafeguard
from twilio_assets.twilio_api import BasicAuth, Hosts, InFlightLimit, TwilioClient

pytestmark = pytest.mark.integration

TODAY = TEST_NOW.date()
PAGE_SIZE = 5  # small pages, so that a listing has several and a later one can be refused or cut


def _sync(server: SandboxServer, warehouse, name: str, window: Window, **options):
    config = server.config
    client = TwilioClient(
        BasicAuth(config.main_account_sid, config.auth_token, "t"),
        Hosts.build(base_url=server.base_url),
        limit=InFlightLimit(4),
        page_size=PAGE_SIZE,
    )
    return sync_collection(
        client=client,
        connect=lambda: connect(warehouse),
        schema="twilio",
        collection=BY_NAME[name],
        window=window,
        accounts=[config.main_account_sid],
        main_account_sid=config.main_account_sid,
        run_id="test",
        **options,
    )


def _live(warehouse, name: str) -> set[str]:
    key = BY_NAME[name].primary_key
    with connect(warehouse) as connection, connection.cursor() as cursor:
        cursor.execute(f'select "{key}" from twilio."{name}" where _deleted_at is null')
        return {k for (k,) in cursor.fetchall()}


def _pending(warehouse) -> int:
    with connect(warehouse) as connection, connection.cursor() as cursor:
        cursor.execute("select count(*) from twilio._twilio_pending_deletions")
        return cursor.fetchone()[0]


def _world(**changes):
    small = dict(subaccounts=0, calls_per_day=40, messages_per_day=20, conferences_per_day=3)
    return sandbox_config(**{**small, **changes})


# One collection per read mode the sandbox serves.
READ_MODES = {
    "day_filter": "calls",
    "newest_first_scan": "transcriptions",
    "sent_or_pending": "messages",
    "time_range": "call_feedback",
    "per_parent": "conference_participants",
    "full": "addresses",
}


@pytest.mark.parametrize("refused_from", [1, 2], ids=["first-page-refused", "later-page-refused"])
@pytest.mark.parametrize("name", READ_MODES.values(), ids=READ_MODES.keys())
def test_nothing_is_marked_deleted_or_held_back_from_a_listing_twilio_refused(warehouse, name, refused_from):
    assert BY_NAME[name].read.name in READ_MODES
    with SandboxServer(_world()) as server:
        window = Window.for_days(server.config.first_day, TODAY)
        first = _sync(server, warehouse, name, window)
        stored = _live(warehouse, name)
        assert stored, f"the sandbox listed no {name}: the test would prove nothing"
        server.app.faults.update({"retention_page_from": refused_from})
        second = _sync(server, warehouse, name, window)
        refusals = server.app.faults.served_counts().get("retention", 0)
    # Calls, transcriptions and messages have more than a page a day here: a later page exists to refuse.
    if refused_from == 1 or name in ("calls", "transcriptions", "messages"):
        assert refusals and second.unreadable, f"{name}: no listing was refused"
    assert first.fetched > 0
    # Twilio's data did not change: a refused listing (whole, or from a later page on) proves no deletion,
    # so nothing is deleted, and nothing waits for confirmation either: those parts are out of scope.
    assert second.deleted == 0 and second.held_back == {} and _pending(warehouse) == 0
    assert _live(warehouse, name) == stored


def test_an_empty_answer_is_held_back_then_applied_when_a_later_listing_confirms_it(warehouse):
    with SandboxServer(_world()) as server:
        window = Window.for_days(TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=1))
        day = window.start.date().isoformat()
        _sync(server, warehouse, "calls", window)
        stored = _live(warehouse, "calls")
        assert len(stored) >= 10
        server.app.faults.update({"empty_page_from": 1})  # a valid answer: no calls at all that day
        held = _sync(server, warehouse, "calls", window)
        # Held back: the rows stay live, the result says where and how many, and the checks say so.
        assert held.deleted == 0 and _live(warehouse, "calls") == stored
        assert held.held_back == {f"{server.config.main_account_sid} {day}": len(stored)}
        assert held.pending_deletions == len(stored) == _pending(warehouse)
        equal = _listed_equals_stored(held)
        assert not equal.passed and "deletions held back" in equal.description
        warning = _no_deletions_held_back(held)
        assert not warning.passed and warning.severity.value == "WARN"
        assert day in warning.description and f"{len(stored):,} rows" in warning.description
        metadata = _metadata(held)
        assert metadata["rows_held_back"].value == len(stored) and day in str(metadata["deletions_held_back"].value)
        # The next sync's complete listing is empty again: that confirms it, and the deletion applies.
        confirmed = _sync(server, warehouse, "calls", window)
    assert confirmed.deleted == len(stored) and confirmed.held_back == {}
    assert _live(warehouse, "calls") == set() and _pending(warehouse) == 0
    assert _no_deletions_held_back(confirmed).passed and _listed_equals_stored(confirmed).passed


def test_a_held_back_deletion_is_forgotten_when_the_rows_are_listed_again(warehouse):
    with SandboxServer(_world()) as server:
        window = Window.for_days(TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=1))
        first = _sync(server, warehouse, "messages", window)
        stored = _live(warehouse, "messages")
        day_rows = first.parts[window.start.date().isoformat()][1]
        # A short answer: the first page, then an empty one (as if the next-page link led nowhere).
        server.app.faults.update({"empty_page_from": 2})
        held = _sync(server, warehouse, "messages", window)
        assert held.deleted == 0 and sum(held.held_back.values()) == day_rows - PAGE_SIZE > day_rows / 2
        server.app.faults.update({"empty_page_from": 0})
        whole = _sync(server, warehouse, "messages", window)
        # Listed again: nothing deleted, nothing pending; a later short answer starts from zero.
        assert whole.deleted == 0 and _pending(warehouse) == 0 and _live(warehouse, "messages") == stored
        server.app.faults.update({"empty_page_from": 2})
        again = _sync(server, warehouse, "messages", window)
    assert again.deleted == 0 and again.held_back == held.held_back


# --- the safeguard's thresholds, with exact answers scripted ------------------------------------


def _calls(numbers) -> dict:
    return page("calls", [call(n) for n in numbers])


@pytest.mark.parametrize(
    "before, after, deleted_at_once",
    [
        (range(20), range(1, 20), True),  # one call of 20 deleted: a real deletion applies at once
        (range(20), range(10, 20), True),  # half of 20: not more than half
        (range(20), range(11, 20), False),  # 11 of 20: held back
        (range(3), range(1, 3), True),  # a small day: its share alone holds nothing back
        (range(3), [], False),  # all of a day, however small
        (range(1), [], False),
    ],
)
def test_the_safeguard_holds_back_more_than_half_of_ten_or_more_rows_or_all_of_a_part(
    warehouse, before, after, deleted_at_once
):
    gone = len(before) - len(after)
    window = Window.for_days(DAY, DAY)
    with ScriptedServer() as server:
        server.script(CALLS, Reply(body=_calls(before)))
        run(server, warehouse, BY_NAME["calls"], window)
        server.script(CALLS, Reply(body=_calls(after)))
        result = run(server, warehouse, BY_NAME["calls"], window)
    assert result.deleted == (gone if deleted_at_once else 0)
    assert result.held_back == ({} if deleted_at_once else {f"{ACCOUNT} {DAY.isoformat()}": gone})


def test_the_safeguard_threshold_is_a_setting(warehouse):
    window = Window.for_days(DAY, DAY)
    with ScriptedServer() as server:
        server.script(CALLS, Reply(body=_calls(range(20))))
        run(server, warehouse, BY_NAME["calls"], window)
        server.script(CALLS, Reply(body=_calls(range(15, 20))))
        client = TwilioClient(BasicAuth(ACCOUNT, "token", "test"), Hosts.build(base_url=server.base_url))
        result = sync_collection(
            client=client,
            connect=lambda: connect(warehouse),
            schema="twilio",
            collection=BY_NAME["calls"],
            window=window,
            accounts=[ACCOUNT],
            main_account_sid=ACCOUNT,
            run_id="test",
            safeguard=DeletionSafeguard(max_share=0.8),
        )
    assert result.deleted == 15 and result.held_back == {}


@pytest.mark.parametrize("share, rows", [(0, 10), (1.5, 10), (0.5, 0), (0.5, True)])
def test_a_safeguard_setting_out_of_range_is_refused_with_what_it_means(share, rows):
    with pytest.raises(ValueError, match="max_share|min_rows") as raised:
        DeletionSafeguard(max_share=share, min_rows=rows)
    assert "got" in str(raised.value)


# --- records PostgreSQL refuses -------------------------------------------------------------


def test_records_with_a_nul_byte_are_set_aside_and_their_day_is_left_alone(warehouse):
    with SandboxServer(_world(messages_per_day=60)) as server:
        config = server.config
        day = TODAY - dt.timedelta(days=1)
        window = Window.for_days(day, day)
        # Independently of the sync: which messages of that day Twilio (the sandbox) sends with a NUL.
        server.app.faults.update({"rate_nul_byte": 0.1})
        listed = requests.get(
            f"{server.base_url}/2010-04-01/Accounts/{config.main_account_sid}/Messages.json",
            params={"DateSent": day.isoformat(), "PageSize": 1000},
            auth=(config.main_account_sid, config.auth_token),
            timeout=30,
        )
        raw = listed.text
        records = listed.json()["messages"]
        with_nul = {r["sid"] for r in records if any(isinstance(v, str) and "\x00" in v for v in r.values())}
        assert with_nul and "\\u0000" in raw and len(with_nul) < len(records)
        result = _sync(server, warehouse, "messages", window)
    # The day's listing, and the block of messages not sent yet (read too, with its own NUL bytes).
    assert {r.key for r in result.rejected if r.part == day.isoformat()} == with_nul
    assert {r.part for r in result.rejected} <= {day.isoformat(), "pending"}
    assert all("Unicode" in r.reason for r in result.rejected)
    rejected = {r.key for r in result.rejected}
    assert _live(warehouse, "messages") >= {r["sid"] for r in records} - with_nul
    assert not _live(warehouse, "messages") & rejected
    check = _no_records_rejected(result)
    assert not check.passed and sorted(rejected)[0] in check.description
    assert _metadata(result)["records_rejected"].value == len(rejected)
    # The day holding them is out of the deletion scope (and of the listed-vs-stored comparison).
    assert day.isoformat() not in result.parts and result.deleted == 0
    with connect(warehouse) as connection, connection.cursor() as cursor:
        cursor.execute("select key, reason from twilio._twilio_rejects")
        stored = dict(cursor.fetchall())
    assert stored.keys() == rejected and all("\x00" not in reason for reason in stored.values())
