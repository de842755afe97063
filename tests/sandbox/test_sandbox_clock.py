"""Moving the clock: records change state, appear and disappear, deterministically."""

from __future__ import annotations

from datetime import date, timedelta

from sandbox_client import NOW, Api, v2010
from sandbox_moments import at, deleted_recording, messages, moments, slots

from twilio_assets.sandbox import SandboxConfig, World

DAY = date(2025, 3, 9)


def _record(api: Api, account: str, resource: str, list_key: str, sid: str, **params) -> dict | None:
    rows = api.all(v2010(account, resource), list_key, {"PageSize": 1000, **params})
    return next((r for r in rows if r["sid"] == sid), None)


def test_a_call_moves_through_its_lifecycle(api, admin, world, main_sid):
    m = moments(world, main_sid, DAY)
    _, sid = m["call in-progress"]
    leg = next(leg for s in slots(world, main_sid, DAY) for leg in s.legs if leg.sid == sid)
    steps = [(at(leg.created, -1), None)]
    if leg.queued_until > leg.created:
        steps.append((at(leg.created, 0.1), "queued"))
    steps += [
        (at(leg.queued_until, 0.1), "ringing"),
        (at(leg.ringing_until, 0.1), "in-progress"),
        (at(leg.end, 0.1), "completed"),
        (at(leg.price_at, 0.1), "completed"),
    ]
    seen = []
    for instant, status in steps:
        admin.set_now(instant)
        call = _record(api, main_sid, "Calls", "calls", sid, StartTime=DAY.isoformat())
        if status is None:
            assert call is None, "a call is not listed before it is created"
            continue
        assert call["status"] == status
        ended = status == "completed"
        assert (call["end_time"] is not None) == ended
        assert (call["duration"] is not None) == ended
        assert call == next(c for c in world.records(main_sid, "calls", now=instant) if c["sid"] == sid)
        seen.append(call)
    assert seen[-2]["price"] is None, "price comes about a minute after the end"
    assert seen[-1]["price"] is not None and float(seen[-1]["price"]) < 0
    updates = [c["date_updated"] for c in seen]
    assert len(set(updates)) == len(updates), "date_updated moves with every change"


def test_a_message_moves_through_its_lifecycle(api, admin, world, main_sid):
    m = moments(world, main_sid, DAY)
    _, sid = m["message queued"]
    msg = next(x for x in messages(world, main_sid, DAY) if x.sid == sid)
    statuses = []
    for t, status in msg.steps:
        admin.set_now(at(t, 0.01))
        rec = _record(api, main_sid, "Messages", "messages", sid, DateSent=DAY.isoformat())
        statuses.append(rec["status"])
        assert rec["date_sent"] == rec["date_created"]
        if status in ("queued", "sending"):
            assert rec["price"] is None
    assert statuses == ["queued", "sending", "sent", "delivered"]
    admin.set_now(at(max(msg.price_at, msg.steps[-1][0]), 1))
    assert _record(api, main_sid, "Messages", "messages", sid, DateSent=DAY.isoformat())["price"] is not None


def test_advancing_the_clock_creates_records_deterministically(server, admin, api, main_sid):
    before = {name: server.world.count(main_sid, name) for name in ("calls", "messages")}
    admin.advance(6 * 3600)
    for name, resource in (("calls", "Calls"), ("messages", "Messages")):
        served = api.all(v2010(main_sid, resource), name, {"PageSize": 1000})
        assert len(served) > before[name]
        # A second sandbox built directly at the later time serves the very same records.
        later = World(SandboxConfig(now=NOW + timedelta(hours=6), days=3, start=DAY - timedelta(days=1)))
        assert served == list(later.records(main_sid, name))


def test_the_clock_crosses_into_a_new_day(api, admin, world, main_sid):
    assert world.days()[-1] == NOW.date()
    admin.set_now(NOW + timedelta(days=1))
    assert world.days()[-1] == NOW.date() + timedelta(days=1)
    new_day = api.all(
        v2010(main_sid, "Messages"), "messages", {"DateSent": (NOW.date() + timedelta(days=1)).isoformat()}
    )
    assert new_day and new_day == list(world.records_for_day(main_sid, "messages", NOW.date() + timedelta(days=1)))
    info = admin.info()
    assert info["last_day"] == (NOW.date() + timedelta(days=1)).isoformat()


def test_same_config_same_world_other_seed_other_world(config):
    a, b = World(config), World(SandboxConfig(now=NOW))
    other = World(SandboxConfig(now=NOW, seed=8))
    main = config.main_account_sid
    for name in ("calls", "messages", "recordings", "call_summaries", "conference_participants"):
        assert list(a.records(main, name)) == list(b.records(main, name))
    assert other.account_nicknames["main"] != main
    assert [c["sid"] for c in a.records(main, "calls")] != [
        c["sid"] for c in other.records(other.account_nicknames["main"], "calls")
    ]


def test_deleted_messages_vanish_a_few_hours_after_creation(api, admin, world, main_sid):
    msg = next(x for x in messages(world, main_sid, DAY) if x.gone_at is not None)
    admin.set_now(at(msg.gone_at, -1))
    count_before = world.count(main_sid, "messages")
    assert _record(api, main_sid, "Messages", "messages", msg.sid, DateSent=DAY.isoformat()) is not None
    admin.set_now(at(msg.gone_at, 0))
    assert _record(api, main_sid, "Messages", "messages", msg.sid, DateSent=DAY.isoformat()) is None
    assert 2 <= (msg.gone_at - msg.created) / 3.6e9 <= 6
    # One more message may have been created in that second; none other deleted.
    assert world.count(main_sid, "messages") in (count_before - 1, count_before)
    # Of the day's regular messages (the scheduled ones sent that day are counted there too, so leave them out).
    regular = {m.sid for m in messages(world, main_sid, DAY)}
    listed = {r["sid"] for r in world.records_for_day(main_sid, "messages", DAY, now=NOW + timedelta(days=1))}
    share = 1 - len(listed & regular) / len(regular)
    assert 0.01 <= share <= 0.03


def test_deleted_recordings_stay_listed_as_deleted_on_request(server_busy):
    api, world, main_sid = server_busy
    rec, day = deleted_recording(world, main_sid)
    params = {"DateCreated": day.isoformat()}
    listed = {r["sid"] for r in api.all(v2010(main_sid, "Recordings"), "recordings", params)}
    soft = {
        r["sid"]: r
        for r in api.all(v2010(main_sid, "Recordings"), "recordings", {**params, "IncludeSoftDeleted": "true"})
    }
    assert rec.sid not in listed and soft[rec.sid]["status"] == "deleted"
    assert set(soft) - listed == {
        r.sid
        for s in slots(world, main_sid, day)
        if (r := s.recording) is not None and r.deleted_at is not None and r.deleted_at <= world.now_us
    }


def test_summaries_and_annotations_appear_on_schedule(api, admin, world, main_sid):
    legs = [leg for s in slots(world, main_sid, DAY) for leg in s.legs]
    from twilio_assets.sandbox.summaries import annotation

    leg = next(leg for leg in legs if annotation(leg, leg.end + 3600 * 10**6) is not None)
    checkpoints = [(59, None), (61, "partial"), (1801, "complete")]
    for offset, state in checkpoints:
        admin.set_now(at(leg.end, offset))
        rows = api.all("/v1/Voice/Summaries", "call_summaries", {"StartTime": f"{DAY}T00:00:00Z", "PageSize": 1000})
        row = next((r for r in rows if r["call_sid"] == leg.sid), None)
        assert (row and row["processing_state"]) == state
        if row:
            assert row["annotation"] is None
    admin.set_now(at(leg.end, 3601))
    rows = api.all("/v1/Voice/Summaries", "call_summaries", {"StartTime": f"{DAY}T00:00:00Z", "PageSize": 1000})
    note = next(r for r in rows if r["call_sid"] == leg.sid)["annotation"]
    assert note["call_sid"] == leg.sid and note["account_sid"] == main_sid
    assert 1 <= note["call_score"] <= 5 and isinstance(note["quality_issues"], list)
    share = sum(1 for r in rows if r["annotation"]) / len(rows)
    assert 0.1 < share < 0.4


def test_live_participants_only_while_the_conference_runs(api, admin, world, main_sid):
    instant, conf_sid = moments(world, main_sid, DAY)["conference in-progress"]
    conf = next(s.conference for s in slots(world, main_sid, DAY) if s.conference and s.conference.sid == conf_sid)
    path = f"/2010-04-01/Accounts/{main_sid}/Conferences/{conf_sid}/Participants.json"
    admin.set_now(at(conf.start, 1))
    live = api.get(path).json()["participants"]
    assert len(live) >= 2 and {p["status"] for p in live} <= {"queued", "ringing", "connected"}
    calls = {c["sid"] for c in world.records(main_sid, "calls")}
    assert {p["call_sid"] for p in live} <= calls
    admin.set_now(at(conf.end, 1))
    assert api.get(path).json()["participants"] == []
    historic = api.all(f"/v1/Conferences/{conf_sid}/Participants", "participants")
    assert {p["call_sid"] for p in historic} == {p.leg.sid for p in conf.participants}
    assert all(p["leave_time"] for p in historic)
