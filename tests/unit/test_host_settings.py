"""The settings that choose where Twilio credentials are sent (base URL, region, edge) are checked, and
errors name the variable to fix without echoing a password."""

from __future__ import annotations

import pytest

from twilio_assets.defs.resources import TwilioResource
from twilio_assets.twilio_api import ConfigurationError, Hosts

ACCOUNT = "AC" + "1" * 32


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:8718",
        "http://127.9.9.9:8718/",
        "http://localhost:8718",
        "http://[::1]:8718",
        "https://twilio-proxy.example.com",
        "https://twilio-proxy.example.com:8443/twilio/",
    ],
)
def test_https_anywhere_and_plain_http_on_loopback_are_accepted(base_url):
    hosts = Hosts.build(base_url=base_url)
    assert hosts.api == base_url.rstrip("/") and hosts.oauth == hosts.api


@pytest.mark.parametrize(
    ("base_url", "problem"),
    [
        ("http://twilio-proxy.example.com", "must use https"),
        ("http://127.0.0.1.evil.example", "must use https"),  # a name, not the loopback address
        ("http://localhost.evil.example:8718", "must use https"),
        ("http://10.0.0.5:8718", "must use https"),
        ("https://proxy.example/?to=evil.example", "query"),
        ("https://proxy.example/?", "query"),
        ("https://proxy.example/#frag", "fragment"),
        ("ftp://proxy.example", "absolute http"),
        ("127.0.0.1:8718", "absolute http"),
        ("https://proxy.example:port", "not a valid URL"),
    ],
)
def test_other_base_urls_are_refused_naming_the_instances_variable(base_url, problem):
    with pytest.raises(ConfigurationError, match=problem) as raised:
        Hosts.build(base_url=base_url, env_prefix="TWILIO_PROD_")
    assert str(raised.value).startswith("TWILIO_PROD_BASE_URL ")


def test_a_base_url_with_a_password_is_refused_without_echoing_it():
    with pytest.raises(ConfigurationError, match="user name or password") as raised:
        Hosts.build(base_url="https://sync:hunter2-secret@proxy.example/?key=k3y-value")
    message = str(raised.value)
    assert "TWILIO_BASE_URL" in message and "proxy.example" in message
    assert "hunter2-secret" not in message and "k3y-value" not in message


@pytest.mark.parametrize(("edge", "region"), [("dublin", "ie1"), ("sao-paulo", None), ("ashburn-ix", "us1")])
def test_documented_edges_and_regions_are_accepted(edge, region):
    hosts = Hosts.build(edge=edge, region=region)
    assert hosts.api == f"https://api.{edge}.{region or 'us1'}.twilio.com"


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("region", "x@attacker.example/"),
        ("edge", "x@attacker.example/"),
        ("region", "ie1.attacker.example"),
        ("edge", "dublin.attacker.example#"),
        ("region", "IE1"),
        ("edge", "Dublin"),
        ("edge", "dublin-"),
    ],
)
def test_regions_and_edges_of_another_shape_are_refused(setting, value):
    with pytest.raises(ConfigurationError) as raised:
        Hosts.build(**{setting: value}, env_prefix="TWILIO_EU_")
    assert f"TWILIO_EU_{setting.upper()} must be" in str(raised.value)


def test_the_resource_checks_its_hosts_before_building_a_client():
    resource = TwilioResource(
        account_sid=ACCOUNT, auth_token="token", base_url="http://sandbox.example:8718", env_prefix="TWILIO_EU_"
    )
    with pytest.raises(ConfigurationError, match="TWILIO_EU_BASE_URL must use https"):
        resource.build_client()
    regional = TwilioResource(account_sid=ACCOUNT, auth_token="token", edge="x@attacker.example/")
    with pytest.raises(ConfigurationError, match="TWILIO_EDGE must be"):
        regional.build_client()
