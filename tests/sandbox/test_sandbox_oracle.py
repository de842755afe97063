"""The oracle: what a correct sync must have stored, checked against what the server serves."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from itertools import takewhile

import pytest
from sandbox_client import NOW, Api, v2010

from twilio_assets.localdev.expected import expected_rows
from twilio_assets.sandbox import SandboxConfig, SandboxServer, World
from twilio_assets.sandbox.oracle import expected_records

DAYS = [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)]


def _by_sid(records) -> dict:
    return {r["sid"]: r for r in records}


def _served_pending(api: Api, account: str) -> list[dict]:
    """The leading block of the unfiltered Messages list: every message without date_sent."""
    listed = api.all(v2010(account, "Messages"), "messages", {"PageSize": 50})
    return list(takewhile(lambda m: m["date_sent"] is None, listed))


def _created_day(record: dict) -> date:
    return parsedate_to_datetime(record["date_created"]).date()


def test_messages_are_the_date_sent_days_plus_the_pending_block(api, world, main_sid, sub_sid):
    for account in (main_sid, sub_sid):
        pending = _served_pending(api, account)
        assert pending and all(m["status"] in ("scheduled", "canceled", "accepted", "queued") for m in pending)
        for day in DAYS:
            served = api.all(v2010(account, "Messages"), "messages", {"DateSent": day.isoformat(), "PageSize": 1000})
            expected = list(expected_records(world, "messages", [account], [day]))
            assert _by_sid(expected) == _by_sid(served + pending)
            assert len(expected) == len(served) + len(pending), "no message twice"
        everything = list(expected_records(world, "messages", [account]))
        assert _by_sid(everything) == _by_sid(api.all(v2010(account, "Messages"), "messages", {"PageSize": 1000}))


def test_pending_messages_older_than_36_days_before_the_first_day_are_left_out():
    # 80 days, so canceled messages (date_sent null for good) pile up far behind the synced days.
    cfg = SandboxConfig(now=NOW, days=80, subaccounts=0, calls_per_day=2, messages_per_day=4, scheduled_per_day=20)
    with SandboxServer(cfg) as server:
        main = cfg.main_account_sid
        api = Api(server.base_url, auth=(main, cfg.auth_token))
        pending = _served_pending(api, main)
        first = NOW.date() - timedelta(days=1)
        cutoff = first - timedelta(days=36)
        recent = [m for m in pending if _created_day(m) >= cutoff]
        assert recent and len(recent) < len(pending), "the cut must fall inside the served block"
        expected = list(expected_records(server.world, "messages", [main], [first, NOW.date()]))
        pending_sids = {m["sid"] for m in expected if m["date_sent"] is None}
        assert pending_sids == {m["sid"] for m in recent}
        older = {m["sid"] for m in pending if _created_day(m) == cutoff - timedelta(days=1)}
        assert older and not older & pending_sids


def test_day_collections_match_the_server_filters(api, world, main_sid, sub_sid):
    for account in (main_sid, sub_sid):
        for day in DAYS:
            for collection, resource, param in (
                ("calls", "Calls", "StartTime"),
                ("conferences", "Conferences", "DateCreated"),
                ("recordings", "Recordings", "DateCreated"),
            ):
                served = api.all(v2010(account, resource), collection, {param: day.isoformat(), "PageSize": 1000})
                assert list(expected_records(world, collection, [account], [day])) == served
            transcriptions = [
                t
                for t in api.all(v2010(account, "Transcriptions"), "transcriptions", {"PageSize": 1000})
                if _created_day(t) == day
            ]
            assert list(expected_records(world, "transcriptions", [account], [day])) == transcriptions
            window = {
                "StartTime": f"{day}T00:00:00Z",
                "EndTime": f"{day + timedelta(days=1)}T00:00:00Z",
                "PageSize": 1000,
                "Subaccount": account,
            }
            summaries = api.all("/v1/Voice/Summaries", "call_summaries", window)
            feedback = list(expected_records(world, "call_feedback", [account], [day]))
            assert feedback == [s for s in summaries if s["annotation"]] and len(feedback) < len(summaries)
            conferences = api.all(
                "/v1/Conferences",
                "conferences",
                {
                    "CreatedAfter": f"{day}T00:00:00Z",
                    "CreatedBefore": f"{day + timedelta(days=1)}T00:00:00Z",
                    "Subaccount": account,
                },
            )
            participants = [
                p
                for c in conferences
                for p in api.all(f"/v1/Conferences/{c['conference_sid']}/Participants", "participants")
            ]
            assert list(expected_records(world, "conference_participants", [account], [day])) == participants


def test_whole_collections_ignore_days_and_accounts_carry_no_auth_token(api, world, main_sid, sub_sid):
    for collection, resource in (("addresses", "Addresses"), ("incoming_phone_numbers", "IncomingPhoneNumbers")):
        served = [r for a in (main_sid, sub_sid) for r in api.all(v2010(a, resource), collection)]
        for days in (None, [], [date(2024, 1, 1)]):
            assert list(expected_records(world, collection, [main_sid, sub_sid], days)) == served
    accounts = list(expected_records(world, "accounts", [main_sid], []))
    served = api.all("/2010-04-01/Accounts.json", "accounts")
    assert all("auth_token" in a for a in served)
    assert accounts == [{k: v for k, v in a.items() if k != "auth_token"} for a in served]
    assert all("auth_token" not in a for a in accounts)


def test_days_beyond_retention_give_nothing():
    cfg = SandboxConfig(now=NOW, days=410, subaccounts=0, calls_per_day=2, messages_per_day=4, conferences_per_day=1)
    world = World(cfg)
    main = cfg.main_account_sid
    today = NOW.date()

    def dated(collection, day):
        rows = expected_records(world, collection, [main], [day])
        return [r for r in rows if collection != "messages" or r["date_sent"] is not None]

    assert dated("messages", today - timedelta(days=400))
    assert dated("messages", today - timedelta(days=401)) == []
    assert dated("conference_participants", today - timedelta(days=30))
    assert dated("conference_participants", today - timedelta(days=31)) == []
    # The world has the records; only the limits keep them out.
    assert list(world.records_for_day(main, "messages", today - timedelta(days=401)))
    old_days = [today - timedelta(days=k) for k in range(31, 60)]
    assert any(s["annotation"] for d in old_days for s in world.records_for_day(main, "call_summaries", d))
    assert list(expected_records(world, "call_feedback", [main], old_days)) == []


def test_expected_rows_wraps_the_oracle_by_collection_name(world, main_sid):
    class Named:
        name = "messages"

    assert list(expected_rows(world, Named(), [main_sid], DAYS[1:])) == list(
        expected_records(world, "messages", [main_sid], DAYS[1:])
    )
    with pytest.raises(KeyError):
        list(expected_records(world, "call_summaries", [main_sid]))


def test_the_oracle_loads_nothing_of_the_engine():
    code = (
        "import sys, twilio_assets.sandbox.oracle, twilio_assets.localdev.expected; "
        "print(sorted(m for m in sys.modules if m.split('.')[:2] in "
        "(['twilio_assets', 'sync'], ['twilio_assets', 'catalog'], ['twilio_assets', 'warehouse'])))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
