"""Syncing from a misbehaving Twilio: 429s, 5xx, resets, truncated and too-slow answers, and OAuth
tokens that expire mid-run. The run succeeds and the warehouse still equals Twilio exactly."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_NOW, connect, run_sync, sandbox_config, sync_env
from tests.integration.test_sync_job import materializations
from twilio_assets.catalog import ALL_COLLECTIONS
from twilio_assets.localdev.expected import expected_rows
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.twilio_api import Hosts, TwilioClient

pytestmark = pytest.mark.integration


def test_the_sync_job_survives_faults_and_still_matches(warehouse):
    faults = dict(rate_429=0.15, rate_5xx=0.1, rate_reset=0.05, rate_truncate=0.05, token_ttl_seconds=2)
    with SandboxServer(sandbox_config(**faults)) as server:
        config = server.config
        env = {
            **sync_env(warehouse, server),
            "TWILIO_AUTH_TOKEN": "",
            "TWILIO_OAUTH_CLIENT_ID": config.oauth_client_id,
            "TWILIO_OAUTH_CLIENT_SECRET": config.oauth_client_secret,
        }
        result = run_sync(env, config.first_day.isoformat(), TEST_NOW.date().isoformat())
        assert result.success
        main = config.main_account_sid
        for collection in ALL_COLLECTIONS:
            expected = {collection.key_of(r): r for r in expected_rows(server.world, collection, [main])}
            with connect(env) as connection, connection.cursor() as cursor:
                cursor.execute(
                    f'select "{collection.primary_key}", _raw from twilio."{collection.name}" where _deleted_at is null'
                )
                stored = dict(cursor.fetchall())
            assert stored == expected, collection.name
    retries = sum(m["retries"] for m in materializations(result).values())
    assert retries > 0, "no fault was met: the test proved nothing"


def test_answers_slower_than_the_timeout_are_retried():
    # Several pages, so that some are slow whatever the page URLs hash to (faults are decided by URL).
    with SandboxServer(sandbox_config(messages_per_day=10000, rate_slow=0.5, slow_ms=1500)) as server:
        config = server.config
        client = TwilioClient.with_basic(
            config.main_account_sid,
            config.auth_token,
            Hosts.build(base_url=server.base_url),
            "test",
            timeout=(2.0, 0.5),
            backoff_base=0.01,
            backoff_cap=0.05,
        )
        url = f"{server.base_url}/2010-04-01/Accounts/{config.main_account_sid}/Messages.json"
        day = TEST_NOW.date()
        keys = [r["sid"] for page in client.pages(url, {"DateSent": day.isoformat()}, "messages") for r in page.records]
        expected = [r["sid"] for r in server.world.records_for_day(config.main_account_sid, "messages", day)]
    assert keys == expected and len(keys) > 1000
    assert client.stats.retries > 0
