"""No secret, and no excluded property, anywhere: warehouse, Dagster's event log and run storage,
asset metadata, compute logs, or anything printed. Checked after runs with every auth method, a
failing run, and selective sync."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dagster as dg
import pytest
import yaml

from tests.conftest import (
    REPO_ROOT,
    TEST_NOW,
    connect,
    create_database,
    drop_database,
    run_sync,
    sandbox_config,
    sync_env,
)
from twilio_assets.sandbox.server import SandboxServer

pytestmark = pytest.mark.integration

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
HASH_KEY = "test-hash-key-0123456789abcdef"


def dump_database(env: dict[str, str]) -> str:
    """Every row of every user table, as text."""
    parts = []
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'"
        )
        for schema, table in cursor.fetchall():
            cursor.execute(f'select t::text from "{schema}"."{table}" t')
            parts.extend(row for (row,) in cursor.fetchall())
    return "\n".join(parts)


@pytest.fixture
def postgres_instance(pg_server, tmp_path):
    """A Dagster instance whose runs and event log live in PostgreSQL, like the shipped dagster.yaml."""
    storage = create_database(pg_server)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = {
        "DAGSTER_PG_HOST": storage["PGHOST"],
        "DAGSTER_PG_PORT": storage["PGPORT"],
        "DAGSTER_PG_USERNAME": storage["PGUSER"],
        "DAGSTER_PG_PASSWORD": storage["PGPASSWORD"],
        "DAGSTER_PG_DB": storage["PGDATABASE"],
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        instance = dg.DagsterInstance.from_config(str(home))
        try:
            yield instance, storage, home
        finally:
            instance.dispose()
    drop_database(storage)


def test_no_secret_or_excluded_value_lands_anywhere(warehouse, postgres_instance, tmp_path, capfd):
    instance, storage_env, home = postgres_instance
    assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
    settings = tmp_path / "twilio_instances.yaml"
    settings.write_text(
        yaml.safe_dump(
            {
                "instances": [
                    {
                        "name": "twilio",
                        "schema": "twilio",
                        "env_prefix": "TWILIO_",
                        "accounts": "all",
                        "exclude_properties": {"messages": ["body"], "transcriptions": ["transcription_text"]},
                        "hash_properties": {"messages": ["to", "from"]},
                    }
                ]
            }
        )
    )
    with SandboxServer(sandbox_config()) as server:
        config = server.config
        base = {**sync_env(warehouse, server), "TWILIO_INSTANCES_FILE": str(settings), "TWILIO_HASH_KEY": HASH_KEY}
        day = TEST_NOW.date().isoformat()
        first = config.first_day.isoformat()
        oauth = {
            **base,
            "TWILIO_AUTH_TOKEN": "",
            "TWILIO_OAUTH_CLIENT_ID": config.oauth_client_id,
            "TWILIO_OAUTH_CLIENT_SECRET": config.oauth_client_secret,
        }
        api_key = {
            **base,
            "TWILIO_AUTH_TOKEN": "",
            "TWILIO_API_KEY_SID": config.api_key_sid,
            "TWILIO_API_KEY_SECRET": config.api_key_secret,
        }
        assert run_sync(oauth, first, day, instance=instance).success
        assert run_sync(api_key, day, day, instance=instance).success
        assert run_sync(base, day, day, instance=instance).success
        wrong = {**base, "TWILIO_AUTH_TOKEN": "wrong-token-value-1234567890"}
        assert not run_sync(wrong, day, day, instance=instance, raise_on_error=False).success

        main = config.main_account_sid
        accounts = [main, *config.subaccount_sids]
        bodies = {m["body"] for a in accounts for m in server.world.records(a, "messages") if m.get("body")}
        texts = {
            t["transcription_text"]
            for a in accounts
            for t in server.world.records(a, "transcriptions")
            if t.get("transcription_text")
        }

    secrets = {
        "auth token": config.auth_token,
        "API key secret": config.api_key_secret,
        "OAuth client secret": config.oauth_client_secret,
        "hash key": HASH_KEY,
        "wrong token": "wrong-token-value-1234567890",
        **{f"auth token of {n}": config.account_auth_token(n) for n in config.nicknames},
    }
    captured = capfd.readouterr()
    places = {
        "warehouse": dump_database(warehouse),
        "Dagster storage (runs, event log, metadata)": dump_database(storage_env),
        "compute logs": "\n".join(p.read_text(errors="replace") for p in Path(home).rglob("*") if p.is_file()),
        "stdout/stderr": captured.out + captured.err,
    }
    assert "Authenticate" in places["Dagster storage (runs, event log, metadata)"]  # the failure was recorded
    for place, text in places.items():
        for name, secret in secrets.items():
            assert secret and secret not in text, f"{name} found in {place}"
        assert not JWT.search(text), f"an access token (JWT) found in {place}"
        # Short bodies ("Ok", "Yes") also occur as ordinary words of other records; long ones cannot by chance.
        leaked = [value for value in bodies | texts if len(value) >= 12 and value in text]
        assert not leaked, f"excluded values found in {place}: {leaked[:3]}"
    assert bodies and texts

    with connect(warehouse) as connection, connection.cursor() as cursor:
        cursor.execute("""select count(*), count(*) filter (where "to" like 'hmac-sha256:%%' and "from" like 'hmac-sha256:%%'
                          and _raw->>'to' = "to" and not _raw ? 'body' and body is null) from twilio.messages""")
        total, redacted = cursor.fetchone()
    assert total > 0 and redacted == total
