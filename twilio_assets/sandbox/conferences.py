"""Conferences and their participants, seen by v2010 (live) and by Voice Insights (historic).

A conference is planned inside one call slot: its participants are calls of that slot,
so every participant's call_sid is a record of the calls collection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .hashing import Draw, sid
from .legs import CallLeg
from .phones import customer_number
from .timefmt import US, iso, rfc2822

API = "/2010-04-01/Accounts"
SUMMARY_DELAY = 30 * 60 * US
_REGIONS = ("us1", "us1", "us1", "us2", "ie1", "de1", "sg1", "au1", "br1", "jp1")
_TOPICS = ("standup", "support-escalation", "sales-sync", "incident-bridge", "onboarding", "weekly-review")
_REASONS = (
    ("last-participant-left", 0.5),
    ("participant-with-end-conference-on-exit-left", 0.35),
    ("conference-ended-via-api", 0.15),
)


@dataclass(slots=True)
class Participant:
    conference: Conference
    position: int
    leg: CallLeg
    sid: str  # CP..., Insights only (v2010 participants have no SID)
    visible_from: int  # v2010 resource creation: dial-in at join, dial-out at call creation
    join: int
    leave: int
    muted: bool
    hold: bool
    label: str | None
    end_conference_on_exit: bool

    def v2010_status(self, now: int) -> str:
        if now < self.leg.queued_until:
            return "queued"
        if now < self.join:
            return "ringing"
        return "connected"

    def render_live(self, now: int) -> dict:
        conf = self.conference
        updated = self.visible_from
        for t in (self.leg.queued_until, self.join):
            if updated < t <= now:
                updated = t
        return {
            "account_sid": conf.account_sid,
            "call_sid": self.leg.sid,
            "label": self.label,
            "call_sid_to_coach": None,
            "coaching": False,
            "conference_sid": conf.sid,
            "date_created": rfc2822(self.visible_from),
            "date_updated": rfc2822(updated),
            "end_conference_on_exit": self.end_conference_on_exit,
            "muted": self.muted,
            "hold": self.hold,
            "start_conference_on_enter": True,
            "status": self.v2010_status(now),
            "queue_time": None,
            "uri": f"{API}/{conf.account_sid}/Conferences/{conf.sid}/Participants/{self.leg.sid}.json",
        }

    def render_insights(self, now: int, base_url: str) -> dict:
        conf = self.conference
        left = now >= self.leave
        d = Draw("cp-metrics", self.sid)
        metrics = None
        if left:
            metrics = {
                side: {
                    "total_packets_lost": d.randint(0, 20),
                    "total_packets_received": d.randint(500, 90_000),
                    "packet_loss_percentage": round(d.between(0, 0.5), 2),
                    "jitter": {"avg": round(d.between(0.1, 2), 2), "max": round(d.between(2, 9), 2)},
                    "latency": {"avg": round(d.between(0, 40), 1), "max": round(d.between(40, 120), 1)},
                    "mos": round(d.between(3.8, 4.4), 2),
                }
                for side in ("inbound", "outbound")
            }
        return {
            "participant_sid": self.sid,
            "label": self.label,
            "conference_sid": conf.sid,
            "call_sid": self.leg.sid,
            "account_sid": conf.account_sid,
            "call_direction": "inbound" if self.leg.direction == "inbound" else "outbound",
            "from": self.leg.from_,
            "to": self.leg.to,
            "call_status": "completed" if left else "answered",
            "country_code": "US",
            "is_moderator": self.position == 0,
            "join_time": iso(self.join),
            "leave_time": iso(self.leave) if left else None,
            "duration_seconds": (self.leave - self.join) // US if left else None,
            "outbound_queue_length": 0,
            "outbound_time_in_queue": (self.join - self.leg.created) // 1000,
            "jitter_buffer_size": None,
            "is_coach": False,
            "coached_participants": None,
            "participant_region": conf.region,
            "conference_region": conf.region,
            "call_type": "carrier",
            "processing_state": "complete" if now >= conf.end + SUMMARY_DELAY else "in_progress",
            "properties": {
                "start_conference_on_enter": True,
                "end_conference_on_exit": self.end_conference_on_exit,
                "play_early_media": False,
                "enter_muted": self.muted,
                "beep_on_enter": True,
                "beep_on_exit": True,
            },
            "events": {"mute": [self.join // 1000]} if self.muted else None,
            "metrics": metrics,
            "url": f"{base_url}/v1/Conferences/{conf.sid}/Participants/{self.sid}",
        }


@dataclass(slots=True)
class Conference:
    sid: str
    account_sid: str
    friendly_name: str
    region: str
    created: int  # first participant joined: status init
    start: int  # second participant joined: in-progress
    end: int
    reason: str
    ending_call_sid: str | None
    participants: list[Participant] = field(default_factory=list)

    def status(self, now: int) -> str:
        if now >= self.end:
            return "completed"
        return "in-progress" if now >= self.start else "init"

    def updated(self, now: int) -> int:
        if now >= self.end:
            return self.end
        return self.start if now >= self.start else self.created

    def render(self, now: int) -> dict:
        done = now >= self.end
        base = f"{API}/{self.account_sid}/Conferences/{self.sid}"
        return {
            "account_sid": self.account_sid,
            "date_created": rfc2822(self.created),
            "date_updated": rfc2822(self.updated(now)),
            "api_version": "2010-04-01",
            "friendly_name": self.friendly_name,
            "region": self.region,
            "sid": self.sid,
            "status": self.status(now),
            "uri": f"{base}.json",
            "subresource_uris": {
                "participants": f"{base}/Participants.json",
                "recordings": f"{base}/Recordings.json",
            },
            "reason_conference_ended": self.reason if done else None,
            "call_sid_ending_conference": self.ending_call_sid if done else None,
        }

    def render_insights(self, now: int, base_url: str) -> dict:
        done = now >= self.end
        started = now >= self.start
        joined = [p for p in self.participants if p.join <= now]
        d = Draw("cf-insights", self.sid)
        url = f"{base_url}/v1/Conferences/{self.sid}"
        return {
            "conference_sid": self.sid,
            "account_sid": self.account_sid,
            "friendly_name": self.friendly_name,
            "create_time": iso(self.created),
            "start_time": iso(self.start) if started else None,
            "end_time": iso(self.end) if done else None,
            "duration_seconds": (self.end - self.created) // US if done else None,
            "connect_duration_seconds": (self.end - self.start) // US if done else None,
            "status": "completed" if done else ("in_progress" if started else "not_started"),
            "max_participants": 250,
            "max_concurrent_participants": self.max_concurrent() if done else None,
            "unique_participants": len(joined),
            "end_reason": self.reason.replace("-", "_") if done else None,
            "ended_by": self.ending_call_sid if done else None,
            "mixer_region": self.region,
            "mixer_region_requested": None,
            "recording_enabled": True,
            "detected_issues": {
                "call_quality": d.randint(0, 2),
                "region_configuration": 0,
                "participant_behavior": d.randint(0, 1),
            }
            if done
            else None,
            "tags": d.choice((None, None, ["detected_silence"], ["high_jitter"])) if done else None,
            "tag_info": None,
            "processing_state": "complete" if now >= self.end + SUMMARY_DELAY else "in_progress",
            "url": url,
            "links": {"conference_participants": f"{url}/Participants"},
        }

    def max_concurrent(self) -> int:
        events = sorted([(p.join, 1) for p in self.participants] + [(p.leave, -1) for p in self.participants])
        best = current = 0
        for _, delta in events:
            current += delta
            best = max(best, current)
        return best


def plan_conference(seed: int, account, dord: int, k: int, t0: int, room: int, first_call_sid: str) -> Conference:
    """Plan conference k of a day inside the call slot starting at t0.

    `room` bounds every creation time in the slot (t0 + room is before the next slot),
    keeping creation order equal to slot order even for huge daily volumes.
    """
    d = Draw(seed, account.sid, "conference", dord, k)
    cf_sid = sid("CF", seed, account.sid, "conference", dord, k)
    ours = d.choice(account.traffic_numbers)
    # The legs the API dials out show a verified caller ID (its number and its SID).
    caller = Draw(seed, account.sid, "conference-caller-id", dord, k).choice(account.traffic_caller_ids)
    m = d.randint(2, 4)

    def fit(t: int) -> int:
        # Monotone, so each leg still goes created <= queued <= joined.
        return t0 + min(t - t0, room)

    # Participant 0 dials in; the others are dialled out by the API, a little later each.
    created, queued, joins = [], [], []
    c = t0
    for j in range(m):
        if j:
            c += int(d.between(5, 60) * US)
        q = c + (US if j else 0)
        created.append(fit(c))
        queued.append(fit(q))
        joins.append(fit(q + int(d.between(1, 15) * US)))
    # The conference exists from the first join and starts at the second.
    conf_created, start = sorted(joins)[:2]
    length = int(d.between(5, 60) * 60 * US)
    reason = d.weighted(_REASONS)
    if reason == "last-participant-left":
        leaves = [max(joins[j] + 30 * US, start + int(length * d.between(0.4, 1.0))) for j in range(m)]
        end = max(leaves)
        ending: int | None = leaves.index(end)
    else:
        end = start + length
        leaves = [end] * m
        ending = 0 if reason == "participant-with-end-conference-on-exit-left" else None
    conf = Conference(
        sid=cf_sid,
        account_sid=account.sid,
        friendly_name=f"{d.choice(_TOPICS)}-{cf_sid[2:8]}",
        region=d.choice(_REGIONS),
        created=conf_created,
        start=start,
        end=end,
        reason=reason,
        ending_call_sid=None,
    )
    for j in range(m):
        customer = customer_number(seed, account.sid, d.randint(0, 499))
        inbound = j == 0
        leg = CallLeg(
            sid=first_call_sid if j == 0 else sid("CA", seed, account.sid, "conference-leg", dord, k, j),
            account_sid=account.sid,
            direction="inbound" if inbound else "outbound-api",
            from_=customer if inbound else caller.phone_number,
            to=ours.phone_number if inbound else customer,
            phone_number_sid=ours.sid if inbound else caller.sid,
            parent_call_sid=None,
            created=created[j],
            queued_until=queued[j],
            ringing_until=joins[j],
            end=leaves[j],
            answered=True,
            outcome="completed",
            answered_by=None,
            in_conference=True,
        )
        conf.participants.append(
            Participant(
                conference=conf,
                position=j,
                leg=leg,
                sid=sid("CP", seed, account.sid, "participant", dord, k, j),
                visible_from=joins[j] if inbound else created[j],
                join=joins[j],
                leave=leaves[j],
                muted=d.chance(0.2),
                hold=False,
                label=d.choice((None, "customer", "agent")),
                end_conference_on_exit=(j == 0 and reason == "participant-with-end-conference-on-exit-left"),
            )
        )
    if ending is not None:
        conf.ending_call_sid = conf.participants[ending].leg.sid
    return conf
