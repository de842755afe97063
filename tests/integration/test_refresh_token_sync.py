"""The sync job on an OAuth refresh token (what `python -m twilio_assets.connect` gives): it syncs, and
the refresh token is in neither the warehouse, Dagster's events and metadata, nor anything printed."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.conftest import TEST_NOW, run_sync, sync_env
from tests.integration.test_secrets import JWT, dump_database

pytestmark = pytest.mark.integration

REDIRECT = "http://127.0.0.1:8719/callback"


def refresh_token_from(sandbox) -> str:
    """The authorization-code flow over plain HTTP, as the connect page and the browser run it."""
    config = sandbox.config
    consent = requests.get(
        sandbox.base_url + "/v2/authorize",
        timeout=30,
        params={
            "response_type": "code",
            "client_id": config.oauth_client_id,
            "redirect_uri": REDIRECT,
            "state": "s",
            "scope": "offline_access",
        },
    )
    fields = {k: html.unescape(v) for k, v in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', consent.text)}
    allowed = requests.post(
        sandbox.base_url + "/v2/authorize", data={**fields, "decision": "allow"}, allow_redirects=False, timeout=30
    )
    code = parse_qs(urlsplit(allowed.headers["Location"]).query)["code"][0]
    granted = requests.post(
        sandbox.base_url + "/v2/token",
        timeout=30,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": config.oauth_client_id,
            "client_secret": config.oauth_client_secret,
        },
    )
    assert granted.status_code == 200, granted.text
    return granted.json()["refresh_token"]


def test_the_sync_job_runs_on_a_refresh_token_and_never_records_it(sandbox, warehouse, capfd):
    config = sandbox.config
    token = refresh_token_from(sandbox)
    env = {
        **sync_env(warehouse, sandbox),
        "TWILIO_AUTH_TOKEN": "",
        "TWILIO_OAUTH_CLIENT_ID": config.oauth_client_id,
        "TWILIO_OAUTH_CLIENT_SECRET": config.oauth_client_secret,
        "TWILIO_OAUTH_REFRESH_TOKEN": token,
    }
    day = TEST_NOW.date().isoformat()
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("TWILIO_OAUTH_REFRESH_TOKEN", raising=False)
        result = run_sync(env, day, day)
    assert result.success
    materialized = result.get_asset_materialization_events()
    assert materialized
    events = "\n".join(repr(event) for event in result.all_events)
    captured = capfd.readouterr()
    places = {
        "warehouse": dump_database(warehouse),
        "Dagster events and metadata": events,
        "stdout/stderr": captured.out + captured.err,
    }
    for place, text in places.items():
        assert token not in text, f"the refresh token found in {place}"
        assert config.oauth_client_secret not in text, f"the client secret found in {place}"
        assert not JWT.search(text), f"a token (JWT) found in {place}"


def test_a_refused_refresh_token_fails_the_run_with_the_fix_and_without_the_token(sandbox, warehouse, capfd):
    config = sandbox.config
    bad = refresh_token_from(sandbox)[:-6] + "AAAAAA"  # altered: the sandbox refuses it
    env = {
        **sync_env(warehouse, sandbox),
        "TWILIO_AUTH_TOKEN": "",
        "TWILIO_OAUTH_CLIENT_ID": config.oauth_client_id,
        "TWILIO_OAUTH_CLIENT_SECRET": config.oauth_client_secret,
        "TWILIO_OAUTH_REFRESH_TOKEN": bad,
    }
    day = TEST_NOW.date().isoformat()
    result = run_sync(env, day, day, raise_on_error=False)
    assert not result.success
    events = "\n".join(repr(event) for event in result.all_events)
    assert "TWILIO_OAUTH_REFRESH_TOKEN" in events and "python -m twilio_assets.connect" in events
    captured = capfd.readouterr()
    for text in (events, captured.out + captured.err, dump_database(warehouse)):
        assert bad not in text and config.oauth_client_secret not in text
