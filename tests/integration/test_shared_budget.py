"""The budget's slots in PostgreSQL: separate sessions (as separate step processes) share one budget."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import connect
from twilio_assets.twilio_api import InFlightLimit
from twilio_assets.warehouse.slots import PostgresSlots

pytestmark = pytest.mark.integration
ACCOUNT = "AC" + "b" * 32


def test_processes_sharing_an_account_never_hold_more_slots_than_the_budget(warehouse):
    budget = 3
    # Four "processes": each its own limit (which alone would allow 3) and its own session.
    gates = [InFlightLimit(budget, PostgresSlots(lambda: connect(warehouse), ACCOUNT, budget)) for _ in range(4)]
    in_flight, peak, lock = 0, 0, threading.Lock()

    def request(gate: InFlightLimit) -> None:
        nonlocal in_flight, peak
        with gate.slot():
            with lock:
                in_flight += 1
                peak = max(peak, in_flight)
            time.sleep(0.02)
            with lock:
                in_flight -= 1

    threads = [threading.Thread(target=request, args=(gates[i % 4],)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == budget


def test_a_lost_session_frees_its_slots_and_the_next_request_reconnects(warehouse):
    slots = PostgresSlots(lambda: connect(warehouse), ACCOUNT, 1)
    other = PostgresSlots(lambda: connect(warehouse), ACCOUNT, 1)
    taken = slots.acquire()
    slots._connection.close()  # the server forgot this session (as after a restart)
    # The lock was the session's: with it gone, another process gets the slot, and so does this one again.
    other.release(other.acquire())
    slots.release(taken)
    slots.release(slots.acquire())
    slots.close()
    other.close()
