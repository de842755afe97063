"""Fixtures: a real SandboxServer on a free port, with clients for each credential kind."""

from __future__ import annotations

import pytest
from sandbox_client import NOW, Admin, Api

from twilio_assets.sandbox import SandboxConfig, SandboxServer


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


@pytest.fixture
def server_busy():
    """Ten times the calls: enough recordings (~2% deleted) that some are deleted."""
    cfg = SandboxConfig(now=NOW, calls_per_day=400)
    with SandboxServer(cfg) as running:
        yield Api(running.base_url, auth=(cfg.main_account_sid, cfg.auth_token)), running.world, cfg.main_account_sid
