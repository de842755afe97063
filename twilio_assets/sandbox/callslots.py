"""The voice side of a day: numbered call slots, each a parent call and what hangs off it.

Slot i of a day starts at a time that rises with i. Everything created in the slot (the
parent leg, a dialled child leg, or a whole conference's participant calls, and the
slot's recording) is created before slot i+1 starts, so "newest first" is "slot number
descending" and any slot can be built alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .conferences import Conference, plan_conference
from .directory import Account
from .hashing import Draw, sid, unit
from .legs import CallLeg, plan_leg
from .phones import customer_number
from .recordings import Recording, Transcription, plan_call_recording, plan_conference_recording
from .timefmt import DAY_US, day_start_us
from .traffic import DENSEST, offset_us


@dataclass(slots=True)
class CallSlot:
    legs: list[CallLeg]  # ascending by creation
    conference: Conference | None
    recording: Recording | None
    transcription: Transcription | None


class CallPlan:
    """Builds call slots for every account; results are cached because recordings,
    transcriptions and Insights summaries all read the same slots."""

    def __init__(self, seed: int, accounts: dict[str, Account]):
        self.seed = seed
        self.accounts = accounts
        self.slot = lru_cache(maxsize=50_000)(self._build_slot)
        self.anchors = lru_cache(maxsize=10_000)(self._anchors)

    # --- timing ----------------------------------------------------------------------

    def slot_count(self, account_sid: str, dord: int) -> int:
        return self.accounts[account_sid].calls_per_day

    def _room(self, account_sid: str) -> int:
        """Time after a slot's start within which everything of the slot is created: less
        than half of the narrowest slot (office hours), so it ends before the next slot."""
        return int(0.49 * DENSEST * DAY_US / self.accounts[account_sid].calls_per_day)

    def slot_time(self, account_sid: str, dord: int, i: int) -> int:
        # Within the first half of the slot: the second half is room for what follows.
        n = self.slot_count(account_sid, dord)
        fraction = (i + 0.5 * unit(self.seed, account_sid, "call-t", dord, i)) / n
        return day_start_us(date.fromordinal(dord)) + offset_us(fraction)

    # --- conferences -----------------------------------------------------------------

    def _anchors(self, account_sid: str, dord: int) -> tuple[int, ...]:
        """The slot hosting each of the day's conferences, one per equal share of slots."""
        acct = self.accounts[account_sid]
        slots = acct.calls_per_day
        n = min(acct.conferences_per_day, slots)
        out = []
        for k in range(n):
            lo, hi = k * slots // n, (k + 1) * slots // n
            out.append(lo + int(unit(self.seed, account_sid, "conf-anchor", dord, k) * (hi - lo)))
        return tuple(out)

    def conference_count(self, account_sid: str, dord: int) -> int:
        return len(self.anchors(account_sid, dord))

    def conference(self, account_sid: str, dord: int, k: int) -> Conference:
        slot = self.slot(account_sid, dord, self.anchors(account_sid, dord)[k])
        assert slot.conference is not None
        return slot.conference

    # --- slots -----------------------------------------------------------------------

    def _build_slot(self, account_sid: str, dord: int, i: int) -> CallSlot:
        acct = self.accounts[account_sid]
        seed = self.seed
        t0 = self.slot_time(account_sid, dord, i)
        room = self._room(account_sid)
        parent_sid = sid("CA", seed, account_sid, "call", dord, i, 0)
        anchors = self.anchors(account_sid, dord)
        if i in anchors:
            conf = plan_conference(seed, acct, dord, anchors.index(i), t0, room, parent_sid)
            legs = sorted((p.leg for p in conf.participants), key=lambda leg: leg.created)
            return CallSlot(legs, conf, plan_conference_recording(seed, conf, dord, i), None)

        d = Draw(seed, account_sid, "call", dord, i)
        ours = d.choice(acct.traffic_numbers)
        customer = customer_number(seed, account_sid, d.randint(0, 499))
        inbound = d.chance(0.45)
        # Outbound legs show a verified caller ID: its number as `from`, its SID as phone_number_sid.
        caller = Draw(seed, account_sid, "caller-id", dord, i).choice(acct.traffic_caller_ids)
        parent = plan_leg(
            d,
            sid=parent_sid,
            account_sid=account_sid,
            direction="inbound" if inbound else "outbound-api",
            from_=customer if inbound else caller.phone_number,
            to=ours.phone_number if inbound else customer,
            phone_number_sid=ours.sid if inbound else caller.sid,
            parent_call_sid=None,
            created=t0,
            answer_p=0.85 if inbound else 0.75,
        )
        legs = [parent]
        answered_at = t0 + min(parent.ringing_until - t0, room)
        if parent.answered and d.chance(0.4):
            # <Dial> to an agent once the parent is answered; it hangs up with the parent.
            legs.append(
                plan_leg(
                    Draw(seed, account_sid, "call-child", dord, i),
                    sid=sid("CA", seed, account_sid, "call", dord, i, 1),
                    account_sid=account_sid,
                    direction="outbound-dial",
                    from_=caller.phone_number,
                    to=customer_number(seed, account_sid, 500 + d.randint(0, 49)),
                    phone_number_sid=caller.sid,
                    parent_call_sid=parent.sid,
                    created=answered_at,
                    answer_p=0.85,
                    hangup_at=parent.end,
                )
            )
        recording, transcription = plan_call_recording(seed, parent, len(legs) > 1, answered_at, dord, i)
        return CallSlot(legs, None, recording, transcription)
