"""Scheduled messages: null date_sent until they go out, their place in the list, DateSent semantics."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime
from itertools import takewhile

import pytest
from sandbox_client import NOW, Admin, Api, v2010
from sandbox_moments import at, messages, scheduled

from twilio_assets.sandbox import SandboxConfig, SandboxServer
from twilio_assets.sandbox.timefmt import from_us, rfc2822

DAY_US = 86_400 * 10**6
MINUTE_US = 60 * 10**6


@pytest.fixture(scope="module")
def many():
    """Sixty scheduled messages a day: enough that every fate occurs in the main account."""
    cfg = SandboxConfig(now=NOW, scheduled_per_day=60)
    with SandboxServer(cfg) as running:
        yield running, Api(running.base_url, auth=(cfg.main_account_sid, cfg.auth_token)), cfg.main_account_sid


@pytest.fixture
def fresh(many):
    """The module's server with its clock put back after each test."""
    server, api, main = many
    yield server, api, main, Admin(server)
    Admin(server).set_now(NOW)


def _fetch(api: Api, account: str, sid: str):
    return api.get(f"/2010-04-01/Accounts/{account}/Messages/{sid}.json")


def _unfiltered(api: Api, account: str) -> list[dict]:
    return api.all(v2010(account, "Messages"), "messages", {"PageSize": 1000})


def _fates(world, account):
    facts = scheduled(world, account)
    canceled = [m for m in facts if m.steps[-1][1] == "canceled"]
    deleted = [m for m in facts if m.gone_at is not None]
    sent = [m for m in facts if m.sent_at is not None]
    return facts, canceled, deleted, sent


def test_volumes_shares_and_delays(many):
    server, _, main = many
    world = server.world
    facts, canceled, deleted, sent = _fates(world, main)
    assert len(facts) == 60 * 3 and len(canceled) + len(deleted) + len(sent) == len(facts)
    assert 0.04 <= len(canceled) / len(facts) <= 0.18
    assert 0.01 <= len(deleted) / len(facts) <= 0.10
    sub = world.account_nicknames["sub1"]
    assert len(scheduled(world, sub)) == 30 * 3, "subaccounts get half"
    went_out = [m.steps[1][0] - m.created for m in sent]  # creation to 'accepted'
    assert all(20 * MINUTE_US <= d <= 35 * DAY_US for d in went_out)
    assert sum(DAY_US <= d <= 3 * DAY_US for d in went_out) / len(went_out) > 0.6
    assert any(d > 3 * DAY_US for d in went_out) and any(d < DAY_US for d in went_out)
    assert all(m.steps[1][0] - m.created < 35 * DAY_US for m in canceled)
    assert all(m.gone_at - m.created < 35 * DAY_US for m in deleted)
    for m in facts:
        assert m.messaging_service_sid == world.by_sid[main].messaging_service_sid
        assert m.direction == "outbound-api"
    regular = {m.sid for d in world.days() for m in messages(world, main, d)}
    assert len({m.sid for m in facts}) == len(facts) and not regular & {m.sid for m in facts}


def test_a_sent_scheduled_message_moves_through_its_lifecycle(fresh):
    server, api, main, admin = fresh
    _, _, _, sent = _fates(server.world, main)
    msg = sent[0]
    created = msg.created
    admin.set_now(at(created, -1))
    assert _fetch(api, main, msg.sid).status_code == 404, "not there before it is created"
    seen = []
    for t, status in [(created, "scheduled")] + list(msg.steps[1:]):
        admin.set_now(at(t, 0.01))
        rec = _fetch(api, main, msg.sid).json()
        assert rec["status"] == status
        listed = next(r for r in _unfiltered(api, main) if r["sid"] == msg.sid)
        assert listed == rec
        seen.append(rec)
    statuses = [r["status"] for r in seen]
    assert statuses == ["scheduled", "accepted", "queued", "sending", "sent", "delivered"]
    for rec in seen:
        assert rec["messaging_service_sid"] is not None and rec["date_created"] == rfc2822(created)
        # date_sent is null until the message goes to 'sending', then that instant for good.
        if rec["status"] in ("scheduled", "accepted", "queued"):
            assert rec["date_sent"] is None and rec["price"] is None
        else:
            assert rec["date_sent"] == rfc2822(msg.steps[3][0])
    accepted, queued = msg.steps[1][0], msg.steps[2][0]
    assert 0 < queued - accepted <= 10 * 10**6, "accepted lasts a few seconds"
    updates = [parsedate_to_datetime(r["date_updated"]) for r in seen]
    assert updates == sorted(updates) and len(set(updates)) >= 4, "date_updated follows the changes"
    admin.set_now(at(max(msg.price_at, msg.steps[-1][0]), 1))
    assert _fetch(api, main, msg.sid).json()["price"] is not None


def test_a_canceled_message_keeps_a_null_date_sent(fresh):
    server, api, main, admin = fresh
    _, canceled, _, _ = _fates(server.world, main)
    msg = canceled[0]
    cancel_at = msg.steps[1][0]
    admin.set_now(at(cancel_at, -1))
    assert _fetch(api, main, msg.sid).json()["status"] == "scheduled"
    for later in (1, 40 * 86_400):  # and still, long after it would have been sent
        admin.set_now(at(cancel_at, later))
        rec = _fetch(api, main, msg.sid).json()
        assert rec["status"] == "canceled" and rec["date_sent"] is None and rec["price"] is None
        pending = list(takewhile(lambda r: r["date_sent"] is None, _unfiltered(api, main)))
        assert msg.sid in {r["sid"] for r in pending}
        created_day = from_us(msg.created).date()
        dated = api.all(v2010(main, "Messages"), "messages", {"DateSent>": created_day.isoformat(), "PageSize": 1000})
        assert msg.sid not in {r["sid"] for r in dated}


def test_a_deleted_scheduled_message_vanishes(fresh):
    server, api, main, admin = fresh
    world = server.world
    _, _, deleted, _ = _fates(world, main)
    msg = deleted[0]
    admin.set_now(at(msg.gone_at, -1))
    before = world.count(main, "messages")
    listed = {r["sid"]: r for r in _unfiltered(api, main)}
    assert listed[msg.sid]["status"] == "scheduled"
    admin.set_now(at(msg.gone_at, 0))
    assert msg.sid not in {r["sid"] for r in _unfiltered(api, main)}
    assert _fetch(api, main, msg.sid).status_code == 404
    # Other messages may come and go within that second, but this one is gone for good.
    assert world.count(main, "messages") <= before
    admin.set_now(at(msg.gone_at, 40 * 86_400))
    assert msg.sid not in {r["sid"] for r in world.records(main, "messages")}


def test_null_date_sent_block_comes_first_newest_created_first(fresh):
    server, api, main, _ = fresh
    world = server.world
    now = world.now_us
    expected_pending = sorted(
        (m for m in scheduled(world, main) if m.exists(now) and m.date_sent(now) is None),
        key=lambda m: m.created,
        reverse=True,
    )
    assert len(expected_pending) > 7 and {m.status(now) for m in expected_pending} >= {"scheduled", "canceled"}
    # Small pages, so that a page boundary falls inside the block and another at its end.
    pages = api.pages(v2010(main, "Messages"), {"PageSize": 7})
    records = [r for p in pages for r in p.json()["messages"]]
    head = records[: len(expected_pending)]
    assert [r["sid"] for r in head] == [m.sid for m in expected_pending]
    assert all(r["date_sent"] is None for r in head)
    rest = records[len(expected_pending) :]
    stamps = [parsedate_to_datetime(r["date_sent"]) for r in rest]
    assert stamps == sorted(stamps, reverse=True)
    # Sent scheduled messages are merged into the regular ones by date_sent.
    sent_scheduled = {m.sid for m in scheduled(world, main) if m.date_sent(now) is not None}
    positions = [i for i, r in enumerate(rest) if r["sid"] in sent_scheduled]
    assert sent_scheduled and len(positions) == len(sent_scheduled) and positions[0] > 0
    assert records == list(world.records(main, "messages"))
    assert len(records) == world.count(main, "messages")
    # Walking back with previous_page_uri returns the very same pages.
    for earlier, later in zip(pages, pages[1:], strict=False):
        assert api.get(later.json()["previous_page_uri"]).json()["messages"] == earlier.json()["messages"]


def test_date_sent_lists_a_scheduled_message_under_its_send_day_only(fresh):
    server, api, main, admin = fresh
    world = server.world
    _, _, _, sent = _fates(world, main)
    # The one sent longest after its creation (weeks later), and one sent on a later day than created.
    late = max(sent, key=lambda m: m.sent_at - m.created)
    assert late.sent_at - late.created > 3 * DAY_US
    for msg in (late, next(m for m in sent if from_us(m.sent_at).date() > from_us(m.created).date())):
        created_day, sent_day = from_us(msg.created).date(), from_us(msg.sent_at).date()
        admin.set_now(at(msg.sent_at, -1))
        for day in (created_day, sent_day):
            got = api.all(v2010(main, "Messages"), "messages", {"DateSent": day.isoformat(), "PageSize": 1000})
            assert msg.sid not in {r["sid"] for r in got}, "no DateSent filter matches a null date_sent"
        admin.set_now(at(msg.sent_at, 60))
        by_day = {}
        for k in range((sent_day - created_day).days + 1):
            day = created_day + timedelta(days=k)
            by_day[day] = api.all(v2010(main, "Messages"), "messages", {"DateSent": day.isoformat(), "PageSize": 1000})
            assert by_day[day] == list(world.records_for_day(main, "messages", day))
        assert [d for d, rows in by_day.items() if msg.sid in {r["sid"] for r in rows}] == [sent_day]
        window = api.all(
            v2010(main, "Messages"),
            "messages",
            {"DateSent>": created_day.isoformat(), "DateSent<": sent_day.isoformat(), "PageSize": 1000},
        )
        assert msg.sid in {r["sid"] for r in window}
        assert all(r["date_sent"] is not None for r in window)
        assert world.count(main, "messages", day=sent_day) == len(by_day[sent_day])


@pytest.mark.parametrize("messages_per_day", [120, 2])
def test_every_position_is_a_stable_cursor_in_both_directions(messages_per_day):
    """From any record's key, the list continues with exactly the records after it (PA) or before it (PB).
    With two regular messages a day, many scheduled ones go out before a day's first regular one."""
    from itertools import islice

    from twilio_assets.sandbox import World
    from twilio_assets.sandbox.series import NEVER
    from twilio_assets.sandbox.timefmt import day_start_us

    world = World(
        SandboxConfig(
            now=NOW + timedelta(days=2),
            start=NOW.date() - timedelta(days=2),
            subaccounts=0,
            messages_per_day=messages_per_day,
            scheduled_per_day=60,
        )
    )
    main = world.config.main_account_sid
    windows = [(NEVER, 1 << 62), (day_start_us(NOW.date()), day_start_us(NOW.date()) + DAY_US)]
    for lo, hi in windows:
        listing = world.listing(main, "messages", lo=lo, hi=hi)
        full = list(listing.desc())
        keys = [k for k, _ in full]
        assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys) > 20
        assert [r for _, r in full] == list(reversed([r for _, r in listing.asc()]))
        for i, key in enumerate(keys):
            assert list(islice(listing.desc(below=key), 3)) == full[i + 1 : i + 4]
            assert list(islice(listing.asc(above=key), 3)) == list(reversed(full[max(0, i - 3) : i]))
