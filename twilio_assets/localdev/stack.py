"""The local stack behind `make demo`, `make dev` and the tests: a warehouse, Dagster's storage and the sandbox.

The warehouse is the server the PG* variables name, or an embedded PostgreSQL started here when none
are set. Dagster's storage lives on the same server in its own database.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..sandbox.config import SandboxConfig
from .postgres import DEFAULT_PORT, LocalPostgres, create_missing_databases, default_data_dir, remembered_port

REPO_ROOT = Path(__file__).resolve().parents[2]
PG_VARIABLES = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE")
DAGSTER_DATABASE = "dagster"
DEMO_INSTANCES = Path(__file__).with_name("demo_instances.yaml")
SANDBOX_PORT = int(os.environ.get("TWILIO_SANDBOX_PORT", "8718"))


def user_gave_warehouse(environ: dict[str, str]) -> bool:
    return any(environ.get(name) for name in ("PGHOST", "PGPORT", "PGDATABASE"))


def warehouse_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """PG* settings for the warehouse, starting the embedded server when the user gave none."""
    environ = dict(os.environ if environ is None else environ)
    if user_gave_warehouse(environ):
        return {name: environ.get(name, "") for name in PG_VARIABLES}
    root = default_data_dir()
    server = LocalPostgres(
        root=root, port=remembered_port(root, int(environ.get("TWILIO_ASSETS_PGPORT", DEFAULT_PORT)))
    )
    server.start(databases=("warehouse", DAGSTER_DATABASE))
    return server.env("warehouse")


def dagster_env(pg: dict[str, str], environ: dict[str, str] | None = None) -> dict[str, str]:
    """DAGSTER_PG_* for dagster.yaml (same server, own database) and DAGSTER_HOME, unless already set."""
    environ = dict(os.environ if environ is None else environ)
    defaults = {
        "DAGSTER_PG_HOST": pg.get("PGHOST") or "127.0.0.1",
        "DAGSTER_PG_PORT": pg.get("PGPORT") or "5432",
        "DAGSTER_PG_USERNAME": pg.get("PGUSER") or "postgres",
        "DAGSTER_PG_PASSWORD": pg.get("PGPASSWORD", ""),
        "DAGSTER_PG_DB": DAGSTER_DATABASE,
        "DAGSTER_HOME": str(REPO_ROOT / "dagster_home"),
    }
    return {name: environ.get(name) or value for name, value in defaults.items()}


def ensure_dagster_database(env: dict[str, str]) -> None:
    import psycopg2

    connection = psycopg2.connect(
        host=env["DAGSTER_PG_HOST"],
        port=env["DAGSTER_PG_PORT"],
        user=env["DAGSTER_PG_USERNAME"],
        password=env["DAGSTER_PG_PASSWORD"],
        dbname="postgres",
    )
    try:
        create_missing_databases(connection, [env["DAGSTER_PG_DB"]])
    finally:
        connection.close()


def demo_sandbox_config(**changes) -> SandboxConfig:
    """The demo's sandbox: three days ending today, its clock fixed at noon UTC so two runs on the same
    day see the same Twilio state."""
    today = dt.datetime.now(dt.UTC).date()
    noon = dt.datetime.combine(today, dt.time(12), dt.UTC)
    return SandboxConfig(now=noon, **changes)


def twilio_env(config: SandboxConfig, base_url: str) -> dict[str, str]:
    """The TWILIO_* settings that point the demo's instance (demo_instances.yaml) at the sandbox."""
    return {
        "TWILIO_INSTANCES_FILE": str(DEMO_INSTANCES),
        "TWILIO_ACCOUNT_SID": config.main_account_sid,
        "TWILIO_AUTH_TOKEN": config.auth_token,
        "TWILIO_BASE_URL": base_url,
        "TWILIO_START_DATE": config.first_day.isoformat(),
    }
