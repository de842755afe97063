"""Instants at which a given record is in a given state, read from the world model.

Tests move the sandbox clock to these instants to see every lifecycle state, instead of
hoping that the default clock happens to catch a call mid-ring.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from twilio_assets.sandbox.callslots import CallSlot
from twilio_assets.sandbox.timefmt import from_us
from twilio_assets.sandbox.world import World


def slots(world: World, account_sid: str, day: date) -> list[CallSlot]:
    plan, dord = world.calls, day.toordinal()
    return [plan.slot(account_sid, dord, i) for i in range(plan.slot_count(account_sid, dord))]


def messages(world: World, account_sid: str, day: date) -> list:
    plan, dord = world.messages, day.toordinal()
    return [plan.message(account_sid, dord, i) for i in range(plan.slot_count(account_sid, dord))]


def scheduled(world: World, account_sid: str, day: date | None = None) -> list:
    """The scheduled-series messages created on `day` (default: on every sandbox day)."""
    days = [day] if day is not None else world.days()
    return [m for d in days for m in world.scheduled.of_day(account_sid, d.toordinal())]


def sent_on(msg, day: date, now_us: int) -> bool:
    """True when the message's date_sent is set by `now_us` and falls on `day` (UTC)."""
    sent = msg.date_sent(now_us)
    return sent is not None and from_us(sent).date() == day


def at(t_us: int, seconds: float = 0.0) -> datetime:
    return from_us(t_us) + timedelta(seconds=seconds)


def moments(world: World, account_sid: str, day: date) -> dict[str, tuple[datetime, str]]:
    """name -> (instant, SID of the record that is in that state at that instant)."""
    day_slots = slots(world, account_sid, day)
    legs = [leg for s in day_slots for leg in s.legs]
    out: dict[str, tuple[datetime, str]] = {}

    queued = next(leg for leg in legs if leg.queued_until > leg.created and leg.ringing_until > leg.queued_until)
    out["call queued"] = (at(queued.created, 0.1), queued.sid)
    out["call ringing"] = (at(queued.queued_until, 0.1), queued.sid)
    talk = next(leg for leg in legs if leg.answered and leg.end - leg.ringing_until > 5_000_000)
    out["call in-progress"] = (at(talk.ringing_until, 1), talk.sid)
    out["call ended, not priced"] = (at(talk.end, 1), talk.sid)
    out["call priced"] = (at(talk.price_at, 1), talk.sid)
    unanswered = next(leg for leg in legs if leg.outcome in ("busy", "no-answer"))
    out["call unanswered"] = (at(unanswered.end, 1), unanswered.sid)

    conf = next(
        s.conference for s in day_slots if s.conference is not None and s.conference.start > s.conference.created
    )
    out["conference init"] = (at(conf.created, 0.1), conf.sid)
    out["conference in-progress"] = (at(conf.start, 1), conf.sid)
    out["conference completed"] = (at(conf.end, 1), conf.sid)

    rec = next(s.recording for s in day_slots if s.recording is not None)
    out["recording in-progress"] = (at(rec.created, 1), rec.sid)
    out["recording processing"] = (at(rec.stopped, 0.5), rec.sid)
    out["recording completed"] = (at(rec.completed, 1), rec.sid)

    tr = next(s.transcription for s in day_slots if s.transcription is not None)
    out["transcription in-progress"] = (at(tr.created, 1), tr.sid)
    out["transcription completed"] = (at(tr.completed, 1), tr.sid)

    msgs = messages(world, account_sid, day)
    sent = next(m for m in msgs if len(m.steps) == 4 and m.error is None)
    for t, status in sent.steps:
        out[f"message {status}"] = (at(t, 0.01), sent.sid)
    undelivered = next(m for m in msgs if m.error is not None and m.status(m.error_at) == "undelivered")
    out["message undelivered"] = (at(undelivered.error_at, 1), undelivered.sid)
    inbound = next(m for m in msgs if m.direction == "inbound")
    out["message received"] = (at(inbound.steps[-1][0], 0.5), inbound.sid)

    out["summary partial"] = (at(talk.end, 61), talk.sid)
    out["summary complete"] = (at(talk.end, 1801), talk.sid)
    return out


def deleted_recording(world: World, account_sid: str) -> tuple:
    """(recording fact, day) of some recording that gets deleted, searching all days."""
    for day in world.days():
        for s in slots(world, account_sid, day):
            if s.recording is not None and s.recording.deleted_at is not None:
                return s.recording, day
    raise LookupError("no deleted recording in this world")
