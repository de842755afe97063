"""The in-flight budget's slots, shared across processes and machines as PostgreSQL advisory locks.

Slot k of an account's budget is the session-level advisory lock (namespace, k), where the namespace
is derived from the account SID. A process takes a slot for each request it sends and gives it back
when the answer is read, so every step of a run, every run and every Celery worker that reads the
account through this warehouse shares one budget. A lost connection (a PostgreSQL restart) frees its
locks on the server; the process reconnects and carries on.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Callable

import psycopg2

from ..twilio_api.limiter import wait_briefly
from .connection import close_quietly


def namespace_for(account_sid: str) -> int:
    """A stable signed 32-bit advisory-lock namespace for the account."""
    digest = hashlib.sha256(f"twilio_assets in-flight budget {account_sid}".encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


class PostgresSlots:
    def __init__(
        self,
        connect: Callable[[], psycopg2.extensions.connection],
        account_sid: str,
        budget: int,
        give_up_after_seconds: float = 300.0,
    ) -> None:
        self._connect = connect
        self._namespace = namespace_for(account_sid)
        self._budget = budget
        self._give_up_after = give_up_after_seconds
        self._lock = threading.Lock()  # one connection, used by one thread at a time
        self._connection = None
        self._held: set[int] = set()  # session locks are re-entrant: never take a slot twice

    def _cursor(self):
        if self._connection is None or self._connection.closed:
            self._connection = self._connect()
            self._connection.autocommit = True
            self._held.clear()  # a new session holds nothing
        return self._connection.cursor()

    def acquire(self) -> int:
        started = time.monotonic()
        attempt = 0
        while True:
            with self._lock:
                try:
                    slot = self._try_take()
                except (psycopg2.OperationalError, psycopg2.InterfaceError, ConnectionError):
                    self._drop_connection()
                    slot = None
                    if time.monotonic() - started > self._give_up_after:
                        raise
            if slot is not None:
                return slot
            attempt += 1
            wait_briefly(attempt)

    def _try_take(self) -> int | None:
        free = [slot for slot in range(self._budget) if slot not in self._held]
        random.shuffle(free)  # spread processes over the slots
        with self._cursor() as cursor:
            for slot in free:
                cursor.execute("select pg_try_advisory_lock(%s, %s)", (self._namespace, slot))
                if cursor.fetchone()[0]:
                    self._held.add(slot)
                    return slot
        return None

    def release(self, slot: int) -> None:
        with self._lock:
            if slot not in self._held:
                return  # the session that held it is gone, and the server freed it
            self._held.discard(slot)
            try:
                with self._cursor() as cursor:
                    cursor.execute("select pg_advisory_unlock(%s, %s)", (self._namespace, slot))
            except (psycopg2.OperationalError, psycopg2.InterfaceError, ConnectionError):
                self._drop_connection()

    def _drop_connection(self) -> None:
        close_quietly(self._connection)
        self._connection = None
        self._held.clear()

    def close(self) -> None:
        with self._lock:
            self._drop_connection()
