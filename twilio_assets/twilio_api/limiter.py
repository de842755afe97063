"""The per-account in-flight budget: never more requests at once than the budget, fewer after 429s.

Twilio answers 429 (error 20429) above a per-account number of requests in flight and documents no
number, so the budget is a setting. Two layers keep a run inside it:

* `SharedSlots` (optional) are the budget's slots shared by every process reading the account (the
  steps of a run, other runs, Celery workers); `warehouse.slots.PostgresSlots` keeps them as advisory
  locks in the warehouse. Without them, the budget holds within this process.
* The adaptive limit (additive increase, multiplicative decrease): a 429 halves the number of requests
  this process lets out at once, and each run of successes as long as the limit grows it by one again,
  up to the budget.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Protocol


class SharedSlots(Protocol):
    def acquire(self) -> int:
        """Block until one of the budget's slots is free for this process; return its number."""

    def release(self, slot: int) -> None: ...


class InFlightLimit:
    """Gate for one account's requests in this process. Thread-safe."""

    def __init__(self, budget: int, shared: SharedSlots | None = None) -> None:
        if budget < 1:
            raise ValueError(f"the in-flight budget must be at least 1, got {budget}")
        self.budget = budget
        self._shared = shared
        self._limit = float(budget)
        self._in_flight = 0
        self._successes = 0
        self._condition = threading.Condition()
        self.peak = 0  # the most requests this process had in flight at once

    @property
    def limit(self) -> int:
        return max(1, int(self._limit))

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        with self._condition:
            while self._in_flight >= self.limit:
                self._condition.wait()
            self._in_flight += 1
            self.peak = max(self.peak, self._in_flight)
        shared_slot = None
        try:
            if self._shared is not None:
                shared_slot = self._shared.acquire()
            yield
        finally:
            if self._shared is not None and shared_slot is not None:
                self._shared.release(shared_slot)
            with self._condition:
                self._in_flight -= 1
                self._condition.notify()

    def succeeded(self) -> None:
        with self._condition:
            self._successes += 1
            if self._successes >= self.limit and self._limit < self.budget:
                self._successes = 0
                self._limit = min(float(self.budget), self._limit + 1)
                self._condition.notify_all()

    def throttled(self) -> None:
        """Twilio said 429: let out half as many requests at once (at least one)."""
        with self._condition:
            self._successes = 0
            self._limit = max(1.0, self._limit / 2)


def wait_briefly(attempt: int) -> None:
    """Polling pause for a busy shared slot: 5 ms growing to 100 ms."""
    time.sleep(min(0.005 * (2 ** min(attempt, 5)), 0.1))
