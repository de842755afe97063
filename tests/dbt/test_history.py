"""History: the snapshots keep every state each sync stored, and the status timelines say, per call
leg and per message, each status, when a sync first stored it, how long it lasted, and Twilio's
update time. Expectations come from the sandbox world (the records each tick's sync stored) and from
the warehouse clock around each sync, never from the models.

The ticks are the scenario of tests/dbt/ticks.py (run once per session): a recorded call caught ringing
or in progress, then 3 hours later (completed, a parent leg stamped deleted by hand before the build),
then past midnight (messages delivered, deleted, scheduled ones gone out, the deleted leg back).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from .conftest import connect
from .ticks import Scenario, Tick

TIMELINES = {
    # collection: (timeline model, snapshot, sid column)
    "calls": ("call_status_timeline", "snp_twilio__calls", "call_sid"),
    "messages": ("message_status_timeline", "snp_twilio__messages", "message_sid"),
}


@dataclass
class Spell:
    status: str
    is_deleted: bool
    first_tick: Tick
    by_hand: bool  # stamped deleted after the sync, before the build
    twilio_updated_at: dt.datetime | None
    states: int = 1


@dataclass
class Expected:
    spells: list[Spell] = field(default_factory=list)
    states: int = 0


def parse_time(value: str | None) -> dt.datetime | None:
    return email.utils.parsedate_to_datetime(value) if value else None


def day_of(collection: str, record: dict[str, Any]) -> dt.date | None:
    """The day a sync's window must name for the record to be re-read (None: every window)."""
    moment = parse_time(record["start_time"] if collection == "calls" else record["date_sent"])
    return moment.astimezone(dt.UTC).date() if moment else None


def expected_timelines(ticks: Scenario, collection: str) -> dict[str, Expected]:
    """Replay the ticks: what each sync stored of each record (the world's record, or its deletion
    when the window that lists it no longer does), then what the build after it found."""
    timelines: dict[str, Expected] = {}
    last: dict[str, tuple[dict[str, Any], bool]] = {}  # sid -> (record as stored, deleted)
    for tick in ticks.ticks:
        seen = tick.seen[collection]
        states: dict[str, tuple[dict[str, Any], bool, bool]] = {}  # sid -> (record, deleted, by hand)
        for sid, record in seen.items():
            states[sid] = (record, False, False)
        for sid, (record, deleted) in last.items():
            day = day_of(collection, record)
            if sid not in seen and not deleted and (day is None or day in tick.days):
                states[sid] = (record, True, False)  # Twilio no longer lists it: the sync marks it deleted
        if collection == "calls":
            for sid in tick.deleted_by_hand:
                states[sid] = (states[sid][0], True, True)
        for sid, (record, deleted, by_hand) in states.items():
            previous = last.get(sid)
            if previous == (record, deleted):
                continue  # the raw row did not change: no new state
            expected = timelines.setdefault(sid, Expected())
            expected.states += 1
            spell = expected.spells[-1] if expected.spells else None
            if spell and spell.status == record["status"] and spell.is_deleted == deleted:
                spell.states += 1
            else:
                updated = None if deleted else parse_time(record["date_updated"])
                expected.spells.append(Spell(record["status"], deleted, tick, by_hand, updated))
            last[sid] = (record, deleted)
    return timelines


def timeline_rows(ticks: Scenario, collection: str) -> dict[str, list[dict[str, Any]]]:
    model, _, sid_column = TIMELINES[collection]
    connection = connect(ticks.env)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"select * from twilio_history.{model} order by {sid_column}, status_sequence")
            names = [d.name for d in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        connection.close()
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row[sid_column], []).append(row)
    return found


def snapshot_states(ticks: Scenario, collection: str) -> dict[str, list[tuple]]:
    _, snapshot, sid_column = TIMELINES[collection]
    connection = connect(ticks.env)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"select {sid_column}, status, is_deleted, dbt_valid_from, dbt_valid_to from twilio_history.{snapshot} "
                f"order by {sid_column}, dbt_valid_from"
            )
            rows = cursor.fetchall()
    finally:
        connection.close()
    found: dict[str, list[tuple]] = {}
    for sid, *state in rows:
        found.setdefault(sid, []).append(tuple(state))
    return found


def window(spell: Spell) -> tuple[dt.datetime, dt.datetime]:
    """When the state was stored: during the tick's sync, or (stamped by hand) between it and the build."""
    tick = spell.first_tick
    assert tick.built is not None
    return (tick.synced[1], tick.built[0]) if spell.by_hand else tick.synced


@pytest.mark.parametrize("collection", sorted(TIMELINES))
def test_snapshots_keep_every_state_each_sync_stored(ticks: Scenario, collection: str):
    expected = expected_timelines(ticks, collection)
    states = snapshot_states(ticks, collection)
    assert set(states) == set(expected)
    for sid, rows in states.items():
        assert len(rows) == expected[sid].states, sid
        # Each state is valid until the next one; the last is current.
        assert [r[3] for r in rows[:-1]] == [r[2] for r in rows[1:]] and rows[-1][3] is None, sid
        last = expected[sid].spells[-1]
        assert (rows[-1][0], rows[-1][1]) == (last.status, last.is_deleted), sid


@pytest.mark.parametrize("collection", sorted(TIMELINES))
def test_status_timelines_follow_the_sandbox(ticks: Scenario, collection: str):
    expected = expected_timelines(ticks, collection)
    found = timeline_rows(ticks, collection)
    assert set(found) == set(expected)
    for sid, rows in found.items():
        spells = expected[sid].spells
        assert [(r["status_sequence"], r["status"], r["is_deleted"]) for r in rows] == [
            (n, s.status, s.is_deleted) for n, s in enumerate(spells, start=1)
        ], sid
        for row, spell, following in zip(rows, spells, [*spells[1:], None], strict=True):
            low, high = window(spell)
            assert low <= row["first_seen_at"] <= high, (sid, row["status"])
            assert row["twilio_updated_at"] == spell.twilio_updated_at, (sid, row["status"])
            assert row["state_count"] == spell.states, (sid, row["status"])
            assert row["is_current"] == (following is None)
            if following is None:
                assert row["next_seen_at"] is None and row["seen_seconds"] is None and row["twilio_seconds"] is None
                continue
            next_low, next_high = window(following)
            assert next_low <= row["next_seen_at"] <= next_high
            assert row["seen_seconds"] == Decimal(str((row["next_seen_at"] - row["first_seen_at"]).total_seconds()))
            if following.twilio_updated_at is None or spell.twilio_updated_at is None:
                assert row["twilio_seconds"] is None
            else:
                assert row["twilio_seconds"] == (following.twilio_updated_at - spell.twilio_updated_at).total_seconds()


def test_the_timelines_show_changes_deletions_and_returns(ticks: Scenario):
    """Guard against vacuous passes: the ticks produced the kinds of history the timelines are for."""
    calls, messages = expected_timelines(ticks, "calls"), expected_timelines(ticks, "messages")
    live_changes = [sid for sid, e in calls.items() if len([s for s in e.spells if not s.is_deleted]) >= 2]
    assert live_changes, "no call was seen in two statuses"
    assert any(e.spells[0].status in ("ringing", "in-progress", "queued") for e in calls.values())
    (by_hand,) = ticks.ticks[1].deleted_by_hand
    assert [s.is_deleted for s in calls[by_hand].spells][-2:] == [True, False]  # deleted, then back
    assert any(e.spells[0].status == "scheduled" and len(e.spells) >= 2 for e in messages.values())
    assert any(e.spells[-1].is_deleted for e in messages.values()), "no message was deleted"
