"""Voice Insights call summaries (the living successor of Call Feedback) and annotations.

A summary exists for every call leg that has ended: partial one minute after the end,
complete thirty minutes after. About a quarter of ended calls carry an annotation,
which appears an hour after the call ended.
"""

from __future__ import annotations

from .hashing import Draw
from .legs import CallLeg
from .phones import number_profile
from .timefmt import US, iso

PARTIAL_AFTER = 60 * US
COMPLETE_AFTER = 30 * 60 * US
ANNOTATION_AFTER = 3600 * US

_CALL_STATE = {
    "completed": "completed",
    "busy": "busy",
    "no-answer": "noanswer",
    "failed": "fail",
    "canceled": "canceled",
}
_QUALITY = ("no_quality_issue", "low_volume", "choppy_robotic", "echo", "dtmf", "latency", "owa", "static_noise")
_COMMENTS = (
    "customer could not hear agent",
    "great call",
    "call dropped twice",
    "robotic voice",
    "spam caller",
    "resolved on first call",
)


def summary_visible(leg: CallLeg, now: int) -> bool:
    return now >= leg.end + PARTIAL_AFTER


def annotation(leg: CallLeg, now: int) -> dict | None:
    d = Draw("annotation", leg.sid)
    if not d.chance(0.25) or now < leg.end + ANNOTATION_AFTER:
        return None
    issue_count = d.weighted(((0, 0.5), (1, 0.35), (2, 0.15)))
    issues = sorted({d.choice(_QUALITY[1:]) for _ in range(issue_count)}) or ["no_quality_issue"]
    return {
        "call_sid": leg.sid,
        "account_sid": leg.account_sid,
        "answered_by": d.choice(("human", "human", "machine", "unknown_answered_by")),
        "connectivity_issue": d.choice(
            (
                "no_connectivity_issue",
                "no_connectivity_issue",
                "dropped_call",
                "invalid_number",
                "caller_id",
                "number_reachability",
            )
        ),
        "quality_issues": issues,
        "spam": d.chance(0.05),
        "call_score": d.randint(1, 5),
        "comment": d.choice(_COMMENTS),
        "incident": d.choice((None, f"INC-{d.randint(1000, 9999)}")),
    }


def render_summary(leg: CallLeg, now: int, base_url: str) -> dict:
    d = Draw("summary", leg.sid)
    answered = leg.answered
    inbound = leg.direction == "inbound"
    edge = None
    if answered:
        edge = {
            "properties": {
                "media_region": "us1",
                "signaling_region": "us1",
                "edge_location": "ashburn",
                "direction": "inbound" if inbound else "outbound",
            },
            "metrics": {
                "inbound": {
                    "codec": 0,
                    "codec_name": "pcmu",
                    "packets_received": d.randint(500, 90_000),
                    "packets_lost": d.randint(0, 30),
                    "packets_loss_percentage": round(d.between(0, 0.6), 2),
                    "jitter": {"max": round(d.between(1, 9), 3), "avg": round(d.between(0.1, 1), 3)},
                },
            },
        }
    caller = {"caller": leg.from_, **number_profile(leg.from_)}
    callee = {"callee": leg.to, **number_profile(leg.to)}
    return {
        "account_sid": leg.account_sid,
        "call_sid": leg.sid,
        "answered_by": leg.answered_by or "unknown",
        "call_type": "carrier",
        "call_state": _CALL_STATE[leg.outcome],
        "processing_state": "complete" if now >= leg.end + COMPLETE_AFTER else "partial",
        "created_time": iso(leg.created),
        "start_time": iso(leg.created),
        "end_time": iso(leg.end),
        "duration": (leg.end - leg.created) // US,
        "connect_duration": (leg.end - leg.ringing_until) // US if answered else 0,
        "from": caller,
        "to": callee,
        "carrier_edge": edge,
        "client_edge": None,
        "sdk_edge": None,
        "sip_edge": None,
        "tags": d.choice((None, None, None, ["silence"], ["high_jitter"], ["high_pdd"])) if answered else None,
        "url": f"{base_url}/v1/Voice/{leg.sid}/Summary",
        "attributes": {"conference_participant": leg.in_conference},
        "properties": {
            "direction": leg.direction.replace("-", "_"),
            "disconnected_by": d.choice(("caller", "callee")) if answered else "callee",
            "last_sip_response_num": 200 if answered else (486 if leg.outcome == "busy" else 480),
            "pdd_ms": d.randint(150, 2500),
            "queue_time": (leg.queued_until - leg.created) // 1000,
        },
        "trust": None,
        "annotation": annotation(leg, now),
    }
