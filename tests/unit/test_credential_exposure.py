"""Credentials stay out of every representation of the resource, the client and its authenticators, and
a refresh token Twilio rotates is refused loudly instead of living in one process's memory."""

from __future__ import annotations

import base64

import dagster as dg
import pytest

from tests.support.scripted_server import Reply, ScriptedServer
from twilio_assets.defs.resources import TwilioResource
from twilio_assets.twilio_api import BasicAuth, Hosts, OAuthClientCredentials, OAuthRefreshToken, TwilioClient
from twilio_assets.twilio_api.errors import RefreshTokenRotated

ACCOUNT = "AC" + "1" * 32
CALLS = f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
SECRETS = {
    "auth_token": "auth-token-0123456789abcdef",
    "api_key_secret": "api-key-secret-0123456789",
    "oauth_client_secret": "client-secret-0123456789",
    "oauth_refresh_token": "refresh-token-0123456789",
    "hash_key": "hash-key-0123456789abcdef",
}
REFRESH = SECRETS["oauth_refresh_token"]
ROTATED = "rotated-refresh-token-9876543210"


def test_the_resource_shows_no_secret_in_repr_or_str():
    resource = TwilioResource(
        account_sid=ACCOUNT, api_key_sid="SK" + "2" * 32, oauth_client_id="OQ" + "3" * 32, **SECRETS
    )
    for shown in (repr(resource), str(resource)):
        assert ACCOUNT in shown  # the representation is still there, with what is not secret
        for field, secret in SECRETS.items():
            assert secret not in shown, field
    # Still a working resource, its secrets read as usual.
    assert resource.redaction_key(True) == SECRETS["hash_key"].encode()


def test_a_resource_bound_to_variables_still_configures_in_a_run(monkeypatch):
    monkeypatch.setenv("TEST_TWILIO_AUTH_TOKEN", SECRETS["auth_token"])
    seen = {}

    @dg.asset
    def probe(twilio: TwilioResource) -> None:
        seen["token"], seen["repr"] = twilio.auth_token, repr(twilio)

    resource = TwilioResource(account_sid=ACCOUNT, auth_token=dg.EnvVar("TEST_TWILIO_AUTH_TOKEN"))
    assert dg.materialize([probe], resources={"twilio": resource}).success
    assert seen["token"] == SECRETS["auth_token"] and SECRETS["auth_token"] not in seen["repr"]


def test_clients_and_authenticators_show_no_secret():
    hosts = Hosts.build()
    basic = BasicAuth(ACCOUNT, SECRETS["auth_token"], "auth token of the account")
    client = TwilioClient(basic, hosts)
    oauth = TwilioClient.with_oauth("client-id", SECRETS["oauth_client_secret"], hosts)
    refresh = TwilioClient.with_oauth_refresh_token("client-id", SECRETS["oauth_client_secret"], REFRESH, hosts)
    credentials = OAuthClientCredentials(fetch_token=lambda: ("access-token-value-xyz", 60.0), description="client x")
    credentials.header()  # holds an access token now
    encoded = base64.b64encode(f"{ACCOUNT}:{SECRETS['auth_token']}".encode()).decode()
    for thing in (basic, client, oauth, refresh, refresh._auth, credentials):
        for shown in (repr(thing), str(thing)):
            for secret in (*SECRETS.values(), encoded, "access-token-value-xyz"):
                assert secret not in shown, (type(thing).__name__, shown)


@pytest.fixture
def server():
    with ScriptedServer() as running:
        running.script(CALLS, Reply(body={"calls": [], "next_page_uri": None}))
        yield running


def answer_tokens(server, refresh_token_answered):
    server.script(
        "/v2/token",
        lambda seen: Reply(
            body={
                "access_token": "access-value",
                "token_type": "Bearer",
                "expires_in": 3600,
                "refresh_token": refresh_token_answered(seen.form["refresh_token"]),
                "id_token": None,
            }
        ),
    )


def refresh_resource(server) -> TwilioResource:
    return TwilioResource(
        account_sid=ACCOUNT,
        oauth_client_id="OQ" + "3" * 32,
        oauth_client_secret=SECRETS["oauth_client_secret"],
        oauth_refresh_token=REFRESH,
        base_url=server.base_url,
        env_prefix="TWILIO_PROD_",
    )


def test_a_rotated_refresh_token_is_refused_naming_the_variable_and_never_the_tokens(server):
    answer_tokens(server, lambda presented: ROTATED)
    client = refresh_resource(server).build_client()
    with pytest.raises(RefreshTokenRotated) as raised:
        client.get_json(server.base_url + CALLS)
    message = str(raised.value)
    assert "TWILIO_PROD_OAUTH_REFRESH_TOKEN" in message and "python -m twilio_assets.connect" in message
    for token in (REFRESH, ROTATED, "access-value", SECRETS["oauth_client_secret"]):
        assert token not in message and token not in repr(raised.value)
    assert [r.path for r in server.requests] == ["/v2/token"]  # no API call on the rotated grant's token
    # It stays refused: the next request redeems the configured token again and meets the same answer.
    with pytest.raises(RefreshTokenRotated):
        client.get_json(server.base_url + CALLS)
    assert [r.form["refresh_token"] for r in server.requests] == [REFRESH, REFRESH]


@pytest.mark.parametrize("answered", [lambda presented: presented, lambda presented: None])
def test_a_refresh_token_answered_back_unchanged_or_not_at_all_is_fine(server, answered):
    answer_tokens(server, answered)
    client = refresh_resource(server).build_client()
    assert client.get_json(server.base_url + CALLS)["calls"] == []
    assert [r.headers.get("Authorization") for r in server.requests if r.path == CALLS] == ["Bearer access-value"]


def test_the_authenticator_refuses_rotation_by_itself():
    auth = OAuthRefreshToken(
        refresh_token=REFRESH, redeem=lambda r: ("access", 60.0, ROTATED), description="x", variable="MY_VAR"
    )
    with pytest.raises(RefreshTokenRotated, match="MY_VAR"):
        auth.header()
