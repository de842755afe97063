"""A warehouse connection that survives its server: work lost with the connection is redone.

A dropped connection or a PostgreSQL restart aborts the transaction in progress, and nothing of it
lands. `WarehouseSession.run` reconnects with backoff and runs the work again from the start (a sync
re-reads its window from Twilio: every load is idempotent). Only connection-class errors are redone
(SQLSTATE class 08, an administrator or crash shutdown 57P01-57P03, and libpq's own "server closed
the connection", which carries no SQLSTATE), plus the two errors PostgreSQL itself says to retry
(serialization failure 40001, deadlock 40P01). Everything else (a refused value, a wrong password,
a statement or lock timeout) is raised at once; a timeout names its setting.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TypeVar

import psycopg2
import psycopg2.extensions
import tenacity

from .connection import TIMEOUT_SETTINGS, WarehouseUnreachable, close_quietly

T = TypeVar("T")
Connect = Callable[[], psycopg2.extensions.connection]


# admin_shutdown, crash_shutdown, cannot_connect_now: the server went away or is coming back.
SERVER_GONE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
# serialization_failure, deadlock_detected: the transaction was rolled back, and PostgreSQL's advice
# is to run it again; the work is idempotent, so a fresh attempt settles it.
RETRY_TRANSACTION_SQLSTATES = frozenset({"40001", "40P01"})
# The SQLSTATE of a statement cancelled by each timeout `connect` sets: query_canceled (also a
# cancel request, told apart by its message) and lock_not_available (the sync takes no NOWAIT locks).
_TIMEOUT_SQLSTATES = {"57014": "statement_timeout", "55P03": "lock_timeout"}


class WarehouseLost(RuntimeError):
    """The warehouse stayed unreachable through every retry."""


class WarehouseTimeout(RuntimeError):
    """PostgreSQL cancelled a statement that passed the statement or lock timeout (not retried)."""


def is_connection_lost(error: BaseException) -> bool:
    """Whether `error` means the connection itself is gone (so a new one may succeed)."""
    if isinstance(error, (psycopg2.InterfaceError, WarehouseUnreachable)):
        return True
    if not isinstance(error, psycopg2.OperationalError):
        return False
    code = error.pgcode
    # No SQLSTATE: libpq's own error, raised when the socket closed or broke under it.
    return code is None or code.startswith("08") or code in SERVER_GONE_SQLSTATES


def is_worth_redoing(error: BaseException) -> bool:
    return is_connection_lost(error) or (
        isinstance(error, psycopg2.OperationalError) and error.pgcode in RETRY_TRANSACTION_SQLSTATES
    )


def timeout_passed(error: BaseException) -> str | None:
    """The parameter (statement_timeout or lock_timeout) whose limit cancelled the statement, if one did."""
    if not isinstance(error, psycopg2.OperationalError):
        return None
    parameter = _TIMEOUT_SQLSTATES.get(error.pgcode or "")
    if parameter == "statement_timeout" and "user request" in str(error):
        return None  # pg_cancel_backend or a client's cancel, not the timeout
    return parameter


def _option_value(connection: psycopg2.extensions.connection | None, parameter: str) -> str | None:
    """The value of `-c parameter=...` this connection was opened with (the last one wins)."""
    if connection is None:
        return None
    try:
        options = connection.get_dsn_parameters().get("options", "")
    except psycopg2.Error:
        return None
    found = re.findall(rf"-c\s*{parameter}=(\S+)", options)
    return found[-1] if found else None


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
            retry=tenacity.retry_if_exception(is_worth_redoing),
            stop=tenacity.stop_after_attempt(self._attempts),
            wait=tenacity.wait_exponential(multiplier=0.5, max=self._max_wait),
            before_sleep=lambda state: self._lost(state, what),
            reraise=True,
            sleep=self._sleep or time.sleep,
        )
        try:
            return retrying(lambda: work(self.connection()))
        except Exception as exc:
            parameter = timeout_passed(exc)
            if parameter is not None:
                raise self._timed_out(parameter, what) from None
            if not is_worth_redoing(exc):
                raise
            self._discard()
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise WarehouseLost(
                f"lost the connection to the PostgreSQL warehouse during {what} and could not get it back in "
                f"{self._attempts} attempts ({first_line}); nothing of that work was kept. Fix: check that the "
                "server is running and reachable, then re-run this partition (re-runs are idempotent)."
            ) from None

    def _timed_out(self, parameter: str, what: str) -> WarehouseTimeout:
        variable = TIMEOUT_SETTINGS[parameter]
        value = _option_value(self._connection, parameter) or "its limit"
        waited = "ran longer than" if parameter == "statement_timeout" else "waited for a lock longer than"
        return WarehouseTimeout(
            f"PostgreSQL cancelled a statement of {what}: it {waited} {parameter} ({value}, from {variable}); "
            "its transaction was rolled back and nothing of that work was kept. It is not retried: the same "
            f"work would wait as long again. Fix: find what held it up (pg_stat_activity shows sessions "
            f"holding locks or running long), then re-run; if the work really needs longer, raise {variable} "
            "(0 turns the limit off)."
        )

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
