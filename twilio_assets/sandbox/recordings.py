"""Recordings of calls and conferences, and transcriptions of call recordings.

A recording runs while its call (or conference) runs, is processed for a while after,
then is completed and priced. About 2% are deleted a few hours later: they leave the
list, and come back with status 'deleted' when IncludeSoftDeleted=true.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .hashing import Draw, sid
from .timefmt import US, rfc2822

API = "/2010-04-01/Accounts"
_WORDS = (
    "hello",
    "thanks",
    "for",
    "calling",
    "about",
    "your",
    "order",
    "the",
    "delivery",
    "is",
    "scheduled",
    "tomorrow",
    "please",
    "confirm",
    "address",
    "we",
    "can",
    "reschedule",
    "if",
    "needed",
    "invoice",
    "account",
    "number",
    "support",
    "ticket",
    "callback",
    "later",
    "today",
    "appointment",
    "refund",
)


@dataclass(slots=True)
class Recording:
    sid: str
    account_sid: str
    call_sid: str
    conference_sid: str | None
    created: int  # = start_time
    stopped: int  # the call or conference ended: processing begins
    completed: int
    deleted_at: int | None
    source: str
    channels: int

    def status(self, now: int) -> str:
        if self.deleted_at is not None and now >= self.deleted_at:
            return "deleted"
        if now >= self.completed:
            return "completed"
        return "processing" if now >= self.stopped else "in-progress"

    def duration_s(self) -> int:
        return max(1, (self.stopped - self.created) // US)

    def render(self, now: int) -> dict:
        done = now >= self.completed
        updated = self.created
        for t in (self.stopped, self.completed, self.deleted_at):
            if t is not None and updated < t <= now:
                updated = t
        base = f"{API}/{self.account_sid}/Recordings/{self.sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "call_sid": self.call_sid,
            "conference_sid": self.conference_sid,
            "date_created": rfc2822(self.created),
            "date_updated": rfc2822(updated),
            "start_time": rfc2822(self.created),
            # Twilio reports -1 until the recording is finished.
            "duration": str(self.duration_s()) if done else "-1",
            "sid": self.sid,
            "price": "%.5f" % -(math.ceil(self.duration_s() / 60) * 0.0025) if done else None,
            "price_unit": "USD",
            "status": self.status(now),
            "channels": self.channels,
            "source": self.source,
            "error_code": None,
            "uri": f"{base}.json",
            "encryption_details": None,
            "subresource_uris": {
                "add_on_results": f"{base}/AddOnResults.json",
                "transcriptions": f"{base}/Transcriptions.json",
            },
            "media_url": f"https://api.twilio.com{base}",
        }


@dataclass(slots=True)
class Transcription:
    sid: str
    recording: Recording
    created: int  # when the recording completed
    completed: int

    @property
    def account_sid(self) -> str:
        return self.recording.account_sid

    def text(self) -> str:
        d = Draw("transcript", self.sid)
        return " ".join(d.choice(_WORDS) for _ in range(d.randint(6, 40))).capitalize() + "."

    def render(self, now: int) -> dict:
        done = now >= self.completed
        seconds = self.recording.duration_s()
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "date_created": rfc2822(self.created),
            "date_updated": rfc2822(self.completed if done else self.created),
            "duration": str(seconds),
            # A number here, unlike the string prices elsewhere (as the spec declares).
            "price": -round(math.ceil(seconds / 60) * 0.05, 2) if done else None,
            "price_unit": "USD",
            "recording_sid": self.recording.sid,
            "sid": self.sid,
            "status": "completed" if done else "in-progress",
            "transcription_text": self.text() if done else None,
            "type": "fast",
            "uri": f"{API}/{self.account_sid}/Transcriptions/{self.sid}.json",
        }


def plan_call_recording(seed: int, parent, has_child: bool, created: int, dord: int, i: int):
    """Recording and maybe transcription of an answered parent leg, or (None, None)."""
    d = Draw(seed, parent.account_sid, "call-recording", dord, i)
    if not parent.answered or not d.chance(0.4):
        return None, None
    stopped = max(parent.end, created + US)
    completed = stopped + int(d.between(3, 60) * US)
    deleted_at = completed + int(d.between(2, 6) * 3600 * US) if d.chance(0.02) else None
    if has_child:
        source, channels = "DialVerb", 2
    elif parent.direction == "outbound-api":
        source, channels = "OutboundAPI", 1
    else:
        source, channels = "StartCallRecordingAPI", 1
    rec = Recording(
        sid=sid("RE", seed, parent.account_sid, "recording", dord, i),
        account_sid=parent.account_sid,
        call_sid=parent.sid,
        conference_sid=None,
        created=created,
        stopped=stopped,
        completed=completed,
        deleted_at=deleted_at,
        source=source,
        channels=channels,
    )
    transcription = None
    # Only recordings that will stay get transcribed, so recording_sid always resolves.
    if deleted_at is None and d.chance(0.5):
        transcription = Transcription(
            sid=sid("TR", seed, parent.account_sid, "transcription", dord, i),
            recording=rec,
            created=completed,
            completed=completed + int(d.between(10, 120) * US),
        )
    return rec, transcription


def plan_conference_recording(seed: int, conference, dord: int, i: int) -> Recording:
    d = Draw(seed, conference.account_sid, "conference-recording", dord, i)
    completed = conference.end + int(d.between(3, 60) * US)
    return Recording(
        sid=sid("RE", seed, conference.account_sid, "recording", dord, i),
        account_sid=conference.account_sid,
        call_sid=conference.participants[0].leg.sid,
        conference_sid=conference.sid,
        created=conference.start,
        stopped=conference.end,
        completed=completed,
        deleted_at=completed + int(d.between(2, 6) * 3600 * US) if d.chance(0.02) else None,
        source="Conference",
        channels=1,
    )
