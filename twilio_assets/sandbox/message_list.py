"""The Messages list in Twilio's order: messages without date_sent first, then by date_sent.

A key (what a PageToken carries) sorts exactly like the list, the newest first being
the largest:

    without date_sent: (1, date_created, series, day, index)
    with date_sent:    (0, date_sent,    series, day, index)

Regular messages are walked lazily in slot order (their date_sent is their creation
time, so a day of a million is never built). Scheduled messages are few: they are
gathered, sorted and merged in. With a DateSent filter only the second block is served.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from itertools import chain
from operator import itemgetter
from typing import Any

from .messages import REGULAR, SCHEDULED, Message
from .scheduled import MAX_DELAY
from .series import FOREVER, NEVER, Key, slots_up_to, walk_asc, walk_desc
from .timefmt import DAY_US, dord_of

PENDING, SENT = 1, 0
_AFTER_LAST_SLOT = 1 << 40  # a slot index above any real one


class MessageListing:
    def __init__(
        self, world, account_sid: str, now: int, lo: int, hi: int, predicate: Callable[[object, dict], bool] | None
    ):
        self.world, self.account_sid, self.now = world, account_sid, now
        self.lo, self.limit = lo, min(now, hi - 1)
        # Twilio's DateSent filters never match a null date_sent: the first block is for unfiltered lists only.
        self.with_pending = lo == NEVER and hi == FOREVER
        self.predicate = predicate

    # --- the two directions ----------------------------------------------------------

    def desc(self, below: Key | None = None) -> Iterator[tuple[Key, dict]]:
        scheduled = sorted(self._scheduled(), key=itemgetter(0), reverse=True)
        if below is not None:
            scheduled = [kv for kv in scheduled if kv[0] < below]
        pending = [kv for kv in scheduled if kv[0][0] == PENDING]
        sent = [kv for kv in scheduled if kv[0][0] == SENT]
        merged = heapq.merge(self._regular_desc(below), sent, key=itemgetter(0), reverse=True)
        return self._emit(chain(pending, merged))

    def asc(self, above: Key | None = None) -> Iterator[tuple[Key, dict]]:
        scheduled = sorted(self._scheduled(), key=itemgetter(0))
        if above is not None:
            scheduled = [kv for kv in scheduled if kv[0] > above]
        pending = [kv for kv in scheduled if kv[0][0] == PENDING]
        sent = [kv for kv in scheduled if kv[0][0] == SENT]
        merged = heapq.merge(self._regular_asc(above), sent, key=itemgetter(0))
        return self._emit(chain(merged, pending))

    def _emit(self, walked) -> Iterator[tuple[Key, dict]]:
        now, pred = self.now, self.predicate
        for key, msg in walked:
            if not msg.exists(now):
                continue
            record = msg.render(now)
            if pred is None or pred(msg, record):
                yield key, record

    # --- scheduled series: small, gathered whole -------------------------------------

    def _scheduled(self) -> Iterator[tuple[Key, Message]]:
        world, account, now = self.world, self.account_sid, self.now
        plan = world.scheduled
        first = world.first_day.toordinal()
        last = min(dord_of(now), dord_of(self.limit))
        if not self.with_pending:
            # A message is sent at most MAX_DELAY after its creation day.
            first = max(first, dord_of(self.lo) - MAX_DELAY // DAY_US - 1)
        for dord in range(first, last + 1):
            for k, msg in enumerate(plan.of_day(account, dord)):
                if not msg.exists(now):
                    continue
                sent = msg.date_sent(now)
                if sent is None:
                    if self.with_pending:
                        yield (PENDING, msg.created, SCHEDULED, dord, k), msg
                elif self.lo <= sent <= self.limit:
                    yield (SENT, sent, SCHEDULED, dord, k), msg

    # --- regular series: walked lazily in slot order ---------------------------------

    def _dords(self) -> range:
        first = max(self.world.first_day.toordinal(), dord_of(self.lo))
        last = min(dord_of(self.now), dord_of(self.limit))
        return range(first, last + 1)

    def _regular_desc(self, below: Key | None) -> Iterator[tuple[Key, Any]]:
        start = None if below is None or below[0] == PENDING else self._regular_below(below)
        series = self.world.message_series
        for (dord, i, _), msg in walk_desc(
            series, self.account_sid, reversed(self._dords()), self.limit, self.lo, start
        ):
            yield (SENT, msg.created, REGULAR, dord, i), msg

    def _regular_asc(self, above: Key | None) -> Iterator[tuple[Key, Any]]:
        if above is not None and above[0] == PENDING:
            return
        start = None if above is None else self._regular_above(above)
        series = self.world.message_series
        for (dord, i, _), msg in walk_asc(series, self.account_sid, self._dords(), self.limit, self.lo, start):
            yield (SENT, msg.created, REGULAR, dord, i), msg

    def _regular_below(self, key: Key) -> Key:
        """The regular series' own cursor for 'strictly below this merged key'."""
        _, t, series, dord, index = key
        if series == REGULAR:
            return (dord, index, 0)
        # Below a scheduled message sent at t: every regular one created at or before t.
        day = dord_of(t)
        return (day, slots_up_to(self.world.message_series, self.account_sid, day, t), 0)

    def _regular_above(self, key: Key) -> Key:
        _, t, series, dord, index = key
        if series == REGULAR:
            return (dord, index, 0)
        day = dord_of(t)
        n = slots_up_to(self.world.message_series, self.account_sid, day, t)
        return (day, n - 1, 0) if n else (day - 1, _AFTER_LAST_SLOT, 0)
