"""The embedded PostgreSQL asks every connection for its generated password (scram-sha-256), keeps it
in a private file, and `env` hands it on as PGPASSWORD."""

from __future__ import annotations

import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2
import pytest

from tests.conftest import REPO_ROOT
from twilio_assets.localdev.postgres import free_port

pytestmark = pytest.mark.integration


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "twilio_assets.localdev.postgres", *args, "--data-dir", str(root)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def started():
    root = Path(tempfile.mkdtemp(prefix="twilio_assets-auth-pg-"))  # made 0700: the server's folder itself
    done = _cli(root, "start", "--port", str(free_port()))
    try:
        assert done.returncode == 0, done.stderr
        yield root
    finally:
        _cli(root, "stop")
        shutil.rmtree(root, ignore_errors=True)


def test_connections_need_the_generated_password_which_env_prints(started, monkeypatch, tmp_path):
    # libpq falls back to these when no password is given: none of them may supply one here.
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))
    printed = _cli(started, "env")
    assert printed.returncode == 0, printed.stderr
    env = dict(shlex.split(line.removeprefix("export "))[0].split("=", 1) for line in printed.stdout.splitlines())
    assert set(env) == {"PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"}
    assert env["PGHOST"] == "127.0.0.1" and len(env["PGPASSWORD"]) >= 24
    where = dict(host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"], dbname=env["PGDATABASE"])

    with psycopg2.connect(**where, password=env["PGPASSWORD"]) as connection, connection.cursor() as cursor:
        cursor.execute("select rolpassword like 'SCRAM-SHA-256$%' from pg_authid where rolname = current_user")
        assert cursor.fetchone() == (True,)
        cursor.execute("select count(*) from pg_hba_file_rules where auth_method = 'trust'")
        assert cursor.fetchone() == (0,)
    connection.close()
    for wrong in ("", "not-the-password"):
        with pytest.raises(psycopg2.OperationalError, match="password"):
            psycopg2.connect(**where, password=wrong)

    assert stat.S_IMODE(started.stat().st_mode) == 0o700
    password_file = started / "password"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert password_file.read_text().strip() == env["PGPASSWORD"]
