"""The world model: coherent links between collections, volumes, ordering, scale."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from itertools import takewhile

import pytest
from sandbox_client import NOW, Api, v2010
from sandbox_moments import scheduled, sent_on

from twilio_assets.sandbox import COLLECTIONS, SandboxConfig, SandboxServer, World

SID = re.compile(r"^[A-Z]{2}[0-9a-f]{32}$")
V2010_DATE = {
    "calls": "start_time",
    "messages": "date_sent",
    "conferences": "date_created",
    "recordings": "date_created",
    "transcriptions": "date_created",
    "addresses": "date_created",
    "incoming_phone_numbers": "date_created",
    "live_participants": "date_created",
}
INSIGHTS_DATE = {
    "call_summaries": "start_time",
    "insights_conferences": "create_time",
    "conference_participants": "join_time",
}


@pytest.fixture(scope="module")
def later_world() -> World:
    """A day later than the default clock, so every record of the window has settled."""
    return World(SandboxConfig(now=NOW + timedelta(days=1), start=date(2025, 3, 8)))


def _stamp(record: dict, collection: str) -> datetime:
    if collection in V2010_DATE:
        return parsedate_to_datetime(record[V2010_DATE[collection]])
    return datetime.fromisoformat(record[INSIGHTS_DATE[collection]].replace("Z", "+00:00"))


def _all(world: World, account: str) -> dict[str, list[dict]]:
    return {c: list(world.records(account, c)) for c in COLLECTIONS}


def test_links_between_collections_resolve(later_world):
    for account in later_world.account_nicknames.values():
        data = _all(later_world, account)
        calls = {c["sid"]: c for c in data["calls"]}
        conferences = {c["sid"] for c in data["conferences"]}
        recordings = {r["sid"] for r in data["recordings"]}
        addresses = {a["sid"]: a for a in data["addresses"]}
        numbers = {n["sid"] for n in data["incoming_phone_numbers"]}
        # Outbound legs name the outgoing caller ID they call from (the spec), inbound ones the number called.
        caller_ids = later_world.product_for("outgoing_caller_ids")
        callers = {c["sid"] for c in caller_ids.expected("outgoing_caller_ids", [account], None)}
        for call in data["calls"]:
            assert call["account_sid"] == account
            assert call["phone_number_sid"] in (numbers if call["direction"] == "inbound" else callers)
            if call["parent_call_sid"]:
                parent = calls[call["parent_call_sid"]]
                assert call["direction"] == "outbound-dial" and parent["parent_call_sid"] is None
                assert parsedate_to_datetime(call["start_time"]) >= parsedate_to_datetime(parent["start_time"])
        for rec in data["recordings"]:
            # Recordings always name the parent leg.
            assert calls[rec["call_sid"]]["parent_call_sid"] is None
            assert rec["conference_sid"] is None or rec["conference_sid"] in conferences
        for tr in data["transcriptions"]:
            assert tr["recording_sid"] in recordings
        for conf in data["conferences"]:
            if conf["call_sid_ending_conference"]:
                assert conf["call_sid_ending_conference"] in calls
        for part in data["conference_participants"]:
            assert part["call_sid"] in calls and part["conference_sid"] in conferences
        for summary in data["call_summaries"]:
            call = calls[summary["call_sid"]]
            assert call["end_time"] is not None
            if summary["annotation"]:
                assert summary["annotation"]["call_sid"] == summary["call_sid"]
        for number in data["incoming_phone_numbers"]:
            address = addresses[number["address_sid"]]
            assert parsedate_to_datetime(address["date_created"]) < parsedate_to_datetime(number["date_created"])
            if number["emergency_address_sid"]:
                assert addresses[number["emergency_address_sid"]]["emergency_enabled"]


def test_volumes_and_shares(later_world, config):
    full_days = [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)]
    main, sub = later_world.account_nicknames["main"], later_world.account_nicknames["sub1"]
    for account, share in ((main, 1), (sub, 2)):  # subaccounts get half of each volume

        def per_day(volume: int, share: int = share) -> int:
            return volume if share == 1 else (volume + 1) // 2

        def of_days(collection: str, account: str = account) -> list[dict]:
            return [r for d in full_days for r in later_world.records_for_day(account, collection, d)]

        calls = of_days("calls")
        parents = [c for c in calls if c["parent_call_sid"] is None]
        children = [c for c in calls if c["parent_call_sid"]]
        conference_legs = sum(len(p) - 1 for p in _participants_by_conference(of_days("conference_participants")))
        assert len(parents) == per_day(config.calls_per_day) * 3 + conference_legs
        assert 0.15 <= len(children) / len(parents) <= 0.45
        for d in full_days:
            # A day's count is by date_sent: its regular messages (~2% deleted once the day has settled)
            # plus the scheduled messages that went out that day, whenever they were created.
            went_out = sum(sent_on(m, d, later_world.now_us) for m in scheduled(later_world, account))
            regular = later_world.count(account, "messages", day=d) - went_out
            assert 0.96 * per_day(config.messages_per_day) <= regular < per_day(config.messages_per_day)
            assert len(scheduled(later_world, account, d)) == per_day(config.scheduled_per_day)
            assert later_world.count(account, "conferences", day=d) == per_day(config.conferences_per_day)
        answered = [c for c in parents if c["status"] == "completed" and int(c["duration"]) > 0]
        call_recordings = [r for r in of_days("recordings") if not r["conference_sid"]]
        assert 0.2 <= len(call_recordings) / len(answered) <= 0.6
        transcribed = {t["recording_sid"] for t in later_world.records(account, "transcriptions")}
        assert 0.25 <= len(transcribed & {r["sid"] for r in call_recordings}) / len(call_recordings) <= 0.75
        assert 3 <= later_world.count(account, "incoming_phone_numbers") <= 5
        assert 4 <= later_world.count(account, "addresses") <= 6


def _participants_by_conference(participants: list[dict]) -> list[list[dict]]:
    groups: dict[str, list[dict]] = {}
    for p in participants:
        groups.setdefault(p["conference_sid"], []).append(p)
    return list(groups.values())


def test_some_directory_records_predate_the_first_day(world, main_sid):
    first = world.first_day
    for collection in ("addresses", "incoming_phone_numbers"):
        dates = [parsedate_to_datetime(r["date_created"]).date() for r in world.records(main_sid, collection)]
        assert sum(d < first for d in dates) >= 3


def test_newest_first_unique_sids_and_day_partitions(world):
    for account in world.account_nicknames.values():
        for collection, records in _all(world, account).items():
            dated = records
            if collection == "messages":
                # Messages without date_sent come first, newest created first; the rest by date_sent.
                pending = list(takewhile(lambda r: r["date_sent"] is None, records))
                dated = records[len(pending) :]
                created = [parsedate_to_datetime(r["date_created"]) for r in pending]
                assert pending and created == sorted(created, reverse=True)
                assert all(r["date_sent"] is not None for r in dated)
            stamps = [_stamp(r, collection) for r in dated]
            assert stamps == sorted(stamps, reverse=True), collection
            key = {
                "call_summaries": "call_sid",
                "insights_conferences": "conference_sid",
                "conference_participants": "participant_sid",
                "live_participants": "call_sid",
            }.get(collection, "sid")
            sids = [r[key] for r in records]
            assert len(sids) == len(set(sids)) and all(SID.match(s) for s in sids), collection
            by_day = [r for day in {s.date() for s in stamps} for r in world.records_for_day(account, collection, day)]
            assert sorted(map(str, by_day)) == sorted(map(str, dated)), collection
            assert world.count(account, collection) == len(records)


def test_some_calls_are_still_running_somewhere_in_the_day(world, main_sid):
    running = [
        t
        for t in range(0, 86400, 600)
        if any(
            c["status"] in ("ringing", "in-progress")
            for c in world.records(main_sid, "calls", now=datetime(2025, 3, 9, tzinfo=UTC) + timedelta(seconds=t))
        )
    ]
    assert len(running) > 10


def test_a_million_messages_a_day_are_served_without_materialising_them():
    cfg = SandboxConfig(
        now=datetime(2025, 3, 10, 23, 59, 59, tzinfo=UTC), days=1, subaccounts=0, messages_per_day=1_000_000
    )
    with SandboxServer(cfg) as server:
        main = cfg.main_account_sid
        started = time.perf_counter()
        total = server.world.count(main, "messages")
        assert 975_000 < total < 1_000_000 and time.perf_counter() - started < 0.5
        api = Api(server.base_url, auth=(main, cfg.auth_token))
        body = api.get(v2010(main, "Messages"), {"DateSent": "2025-03-10", "PageSize": 1000}).json()
        seen = [m["sid"] for m in body["messages"]]
        for _ in range(2):
            body = api.get(body["next_page_uri"]).json()
            seen += [m["sid"] for m in body["messages"]]
        assert len(seen) == len(set(seen)) == 3000
        deep = api.get(
            v2010(main, "Messages"), {"DateSent<": "2025-03-10", "DateSent>": "2025-03-10", "PageSize": 5, "Page": 1}
        ).json()
        assert len(deep["messages"]) == 5
        assert api.get("/__sandbox__/info").status_code == 200


@pytest.mark.parametrize("calls_per_day,conferences_per_day", [(40, 3), (20_000, 500)])
def test_everything_of_a_slot_is_created_before_the_next_slot(calls_per_day, conferences_per_day):
    """The invariant behind newest-first paging, also when slots are seconds apart."""
    cfg = SandboxConfig(
        now=NOW,
        days=1,
        subaccounts=0,
        calls_per_day=calls_per_day,
        conferences_per_day=conferences_per_day,
        messages_per_day=0,
    )
    world = World(cfg)
    plan, account, dord = world.calls, cfg.main_account_sid, NOW.date().toordinal()
    starts = [plan.slot_time(account, dord, i) for i in range(calls_per_day)] + [float("inf")]
    assert starts[:-1] == sorted(starts[:-1])
    sample = set(range(0, calls_per_day, max(1, calls_per_day // 400))) | set(plan.anchors(account, dord))
    assert len(plan.anchors(account, dord)) == conferences_per_day
    for i in sorted(sample):
        slot = plan.slot(account, dord, i)
        created = [leg.created for leg in slot.legs]
        if slot.recording:
            created.append(slot.recording.created)
        if slot.conference:
            created += [slot.conference.created] + [p.join for p in slot.conference.participants]
            created += [p.visible_from for p in slot.conference.participants]
        assert starts[i] <= min(created) and max(created) < starts[i + 1], i
        assert [leg.created for leg in slot.legs] == sorted(leg.created for leg in slot.legs)
