"""The in-flight limit: never above the budget, halved by a 429, grown back by successes."""

from __future__ import annotations

import threading
import time

import pytest

from twilio_assets.twilio_api import InFlightLimit


def test_concurrent_requests_never_exceed_the_budget():
    limit = InFlightLimit(3)
    in_flight, peak, lock = 0, 0, threading.Lock()

    def request() -> None:
        nonlocal in_flight, peak
        with limit.slot():
            with lock:
                in_flight += 1
                peak = max(peak, in_flight)
            time.sleep(0.01)
            with lock:
                in_flight -= 1

    threads = [threading.Thread(target=request) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 3 == limit.peak


def test_a_429_halves_the_limit_and_successes_grow_it_back_to_the_budget():
    limit = InFlightLimit(8)
    limit.throttled()
    assert limit.limit == 4
    limit.throttled()
    limit.throttled()
    limit.throttled()
    assert limit.limit == 1  # never below one
    for _ in range(100):
        limit.succeeded()
    assert limit.limit == 8  # and never above the budget


def test_the_budget_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        InFlightLimit(0)
