"""The warehouse connection's bounds: timeouts and keepalives on every connection, and retries for a
lost connection only (a statement or lock timeout fails at once, naming its setting)."""

from __future__ import annotations

import time

import psycopg2
import pytest

from tests.conftest import connect as plain_connect
from twilio_assets.warehouse.connection import LOCK_TIMEOUT_ENV, STATEMENT_TIMEOUT_ENV, connect
from twilio_assets.warehouse.session import WarehouseSession, WarehouseTimeout

pytestmark = pytest.mark.integration


def _connect(env: dict[str, str], **overrides):
    return connect(
        host=env["PGHOST"],
        port=env["PGPORT"],
        user=env["PGUSER"],
        password=env["PGPASSWORD"],
        dbname=env["PGDATABASE"],
        **overrides,
    )


def _show(connection, parameter: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"show {parameter}")
        return cursor.fetchone()[0]


def test_every_connection_has_timeouts_and_keepalives(warehouse, monkeypatch):
    for name in (STATEMENT_TIMEOUT_ENV, LOCK_TIMEOUT_ENV, "PGOPTIONS", "PGCONNECT_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    connection = _connect(warehouse)
    try:
        assert _show(connection, "statement_timeout") == "15min"
        assert _show(connection, "lock_timeout") == "2min"
        dsn = connection.get_dsn_parameters()
        assert dsn["connect_timeout"] == "10"
        assert (dsn["keepalives"], dsn["keepalives_idle"], dsn["keepalives_interval"], dsn["keepalives_count"]) == (
            "1",
            "30",
            "10",
            "3",
        )
    finally:
        connection.close()


def test_the_settings_and_pgoptions_change_the_timeouts(warehouse, monkeypatch):
    monkeypatch.setenv(STATEMENT_TIMEOUT_ENV, "90s")
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "0")
    monkeypatch.delenv("PGOPTIONS", raising=False)
    connection = _connect(warehouse)
    try:
        assert _show(connection, "statement_timeout") == "90s"
        assert _show(connection, "lock_timeout") == "0"
    finally:
        connection.close()
    # The user's own PGOPTIONS come later, so PostgreSQL applies them (dbt's ceiling arrives this way).
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=7s")
    connection = _connect(warehouse)
    try:
        assert _show(connection, "statement_timeout") == "7s"
    finally:
        connection.close()


def test_a_malformed_timeout_setting_is_refused_naming_it(warehouse, monkeypatch):
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "two minutes")
    with pytest.raises(ValueError) as raised:
        _connect(warehouse)
    assert LOCK_TIMEOUT_ENV in str(raised.value) and "'two minutes'" in str(raised.value)


class Counted:
    """A connect function that counts the connections it opened."""

    def __init__(self, env: dict[str, str], **overrides):
        self.env, self.overrides, self.opened = env, overrides, 0

    def __call__(self):
        self.opened += 1
        return _connect(self.env, **self.overrides)


def test_a_statement_past_statement_timeout_fails_naming_the_setting_and_is_not_retried(warehouse, monkeypatch):
    monkeypatch.setenv(STATEMENT_TIMEOUT_ENV, "200ms")
    opened = Counted(warehouse)
    session = WarehouseSession(opened, attempts=4, sleep=lambda seconds: None)
    runs = []

    def slow(connection):
        runs.append(1)
        with connection, connection.cursor() as cursor:
            cursor.execute("select pg_sleep(30)")

    with pytest.raises(WarehouseTimeout) as raised:
        session.run(slow, "the calls sync of 2026-03-09")
    session.close()
    message = str(raised.value)
    assert "statement_timeout (200ms" in message and STATEMENT_TIMEOUT_ENV in message
    assert "the calls sync of 2026-03-09" in message and "Fix:" in message
    assert runs == [1] and opened.opened == 1 and session.reconnects == 0


def test_a_lock_wait_past_lock_timeout_fails_naming_the_setting_and_is_not_retried(warehouse):
    holder = plain_connect(warehouse)
    try:
        with holder.cursor() as cursor:
            cursor.execute("create table held (id int)")
            holder.commit()
            cursor.execute("lock table held in access exclusive mode")  # held until the rollback below
        opened = Counted(warehouse, options="-c lock_timeout=300ms")
        session = WarehouseSession(opened, attempts=4, sleep=lambda seconds: None)
        runs = []

        def read(connection):
            runs.append(1)
            with connection, connection.cursor() as cursor:
                cursor.execute("select count(*) from held")

        with pytest.raises(WarehouseTimeout) as raised:
            session.run(read, "reading the totals of held")
        session.close()
    finally:
        holder.rollback()
        holder.close()
    message = str(raised.value)
    assert "lock_timeout (300ms" in message and LOCK_TIMEOUT_ENV in message
    assert runs == [1] and opened.opened == 1


def test_a_terminated_backend_is_reconnected_and_the_work_redone(warehouse):
    opened = Counted(warehouse)
    session = WarehouseSession(opened, attempts=4, sleep=lambda seconds: None)
    admin = plain_connect(warehouse)
    admin.autocommit = True
    runs = []

    def work(connection):
        runs.append(1)
        with connection, connection.cursor() as cursor:
            cursor.execute("select pg_backend_pid()")
            pid = cursor.fetchone()[0]
        if len(runs) == 1:
            with admin.cursor() as cursor:
                cursor.execute("select pg_terminate_backend(%s)", (pid,))
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:  # wait until the backend is really gone
                    cursor.execute("select 1 from pg_stat_activity where pid = %s", (pid,))
                    if cursor.fetchone() is None:
                        break
                    time.sleep(0.05)
        with connection, connection.cursor() as cursor:
            cursor.execute("select 42")
            return cursor.fetchone()[0]

    try:
        assert session.run(work, "the calls sync of 2026-03-09") == 42
    finally:
        session.close()
        admin.close()
    assert runs == [1, 1] and opened.opened == 2 and session.reconnects == 1


def test_only_connection_class_errors_are_redone():
    from twilio_assets.warehouse.session import is_connection_lost, is_worth_redoing

    def error(pgcode: str | None) -> psycopg2.OperationalError:
        raised = psycopg2.OperationalError("x")
        # psycopg2 sets pgcode from the server's answer; a plain instance has none, so a subclass stands in.
        return type("E", (psycopg2.OperationalError,), {"pgcode": pgcode})("x") if pgcode else raised

    assert is_connection_lost(error(None)) and is_connection_lost(error("08006")) and is_connection_lost(error("57P01"))
    assert not is_connection_lost(error("57014")) and not is_connection_lost(error("55P03"))
    assert is_worth_redoing(error("40P01")) and not is_worth_redoing(error("53100"))
