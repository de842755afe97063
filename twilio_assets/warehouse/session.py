"""A warehouse connection that survives its server: work lost with the connection is redone.

A dropped connection or a PostgreSQL restart aborts the transaction in progress, and nothing of it
lands. `WarehouseSession.run` reconnects with backoff and runs the work again from the start (a sync
re-reads its window from Twilio: every load is idempotent). Errors that are not about the connection
(a refused value, a wrong password) are raised at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import psycopg2
import psycopg2.extensions
import tenacity

from .connection import WarehouseUnreachable, close_quietly

T = TypeVar("T")
Connect = Callable[[], psycopg2.extensions.connection]


class WarehouseLost(RuntimeError):
    """The warehouse stayed unreachable through every retry."""


def is_connection_lost(error: BaseException) -> bool:
    # OperationalError covers a closed server connection, an administrator shutdown (57P01), and
    # deadlocks and serialization failures (40xxx), which a fresh attempt also resolves.
    return isinstance(error, (psycopg2.OperationalError, psycopg2.InterfaceError, WarehouseUnreachable))


class WarehouseSession:
    def __init__(
        self,
        connect: Connect,
        *,
        attempts: int = 8,
        max_wait_seconds: float = 20.0,
        log: Callable[[str], None] = lambda message: None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._connect = connect
        self._attempts = attempts
        self._max_wait = max_wait_seconds
        self._log = log
        self._sleep = sleep
        self._connection: psycopg2.extensions.connection | None = None
        self.reconnects = 0

    def connection(self) -> psycopg2.extensions.connection:
        if self._connection is None or self._connection.closed:
            self._connection = self._connect()
        return self._connection

    def run(self, work: Callable[[psycopg2.extensions.connection], T], what: str) -> T:
        """Run `work(connection)`; if the connection is lost meanwhile, reconnect and run it again."""
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(is_connection_lost),
            stop=tenacity.stop_after_attempt(self._attempts),
            wait=tenacity.wait_exponential(multiplier=0.5, max=self._max_wait),
            before_sleep=lambda state: self._lost(state, what),
            reraise=True,
            sleep=self._sleep or time.sleep,
        )
        try:
            return retrying(lambda: work(self.connection()))
        except Exception as exc:
            if not is_connection_lost(exc):
                raise
            self._discard()
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise WarehouseLost(
                f"lost the connection to the PostgreSQL warehouse during {what} and could not get it back in "
                f"{self._attempts} attempts ({first_line}); nothing of that work was kept. Fix: check that the "
                "server is running and reachable, then re-run this partition (re-runs are idempotent)."
            ) from None

    def _lost(self, state: tenacity.RetryCallState, what: str) -> None:
        self._discard()
        self.reconnects += 1
        error = state.outcome.exception() if state.outcome else None
        first_line = str(error).strip().splitlines()[0] if error and str(error).strip() else type(error).__name__
        wait = state.next_action.sleep if state.next_action else 0
        self._log(f"lost the warehouse connection during {what} ({first_line}); redoing it in {wait:.1f} s")

    def _discard(self) -> None:
        close_quietly(self._connection)
        self._connection = None

    def close(self) -> None:
        self._discard()
