"""Fixtures: a real SandboxServer on a free port, with clients for each credential kind."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from sandbox_client import Admin, Api
from twilio_assets.sandbox import SandboxConfig, SandboxServer

# A fixed clock, so expectations never depend on the day the suite runs.
NOW = datetime(2025, 3, 10, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def config() -> SandboxConfig:
    return SandboxConfig(now=NOW)


@pytest.fixture
def server(config):
    with SandboxServer(config) as running:
        yield running


@pytest.fixture
def world(server):
    return server.world


@pytest.fixture
def admin(server) -> Admin:
    return Admin(server)


@pytest.fixture
def main_sid(config) -> str:
    return config.main_account_sid


@pytest.fixture
def sub_sid(config) -> str:
    return config.account_sid_of("sub1")


@pytest.fixture
def api(server, config) -> Api:
    """Main account SID + auth token."""
    return Api(server.base_url, auth=(config.main_account_sid, config.auth_token))


@pytest.fixture
def sub_api(server, config) -> Api:
    return Api(server.base_url, auth=(config.account_sid_of("sub1"), config.account_auth_token("sub1")))


@pytest.fixture
def key_api(server, config) -> Api:
    return Api(server.base_url, auth=(config.api_key_sid, config.api_key_secret))


@pytest.fixture
def anon(server) -> Api:
    return Api(server.base_url)
