"""The client's OAuth refresh-token authentication and the resource that picks it, against scripted answers."""

from __future__ import annotations

import pytest

from tests.support.scripted_server import Reply
from twilio_assets.defs.resources import TwilioResource
from twilio_assets.twilio_api import (
    ConfigurationError,
    Hosts,
    OAuthRefreshToken,
    TwilioAPIError,
    TwilioClient,
)

CALLS = "/2010-04-01/Accounts/AC00000000000000000000000000000001/Calls.json"
ACCOUNT = "AC00000000000000000000000000000001"
CLIENT_ID = "OQ" + "c" * 32
CLIENT_SECRET = "client-secret-value-0123456789"
REFRESH = "refresh-token-value-abcdefghijklmnop"
PAGE = {"calls": [], "next_page_uri": None}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def token_answers(server, lifetime=3600):
    counter = iter(range(1, 100))

    def answer(seen):
        n = next(counter)
        return Reply(
            body={
                "access_token": f"access-{n}",
                "token_type": "Bearer",
                "expires_in": lifetime,
                "refresh_token": seen.form.get("refresh_token"),  # not rotated (see test_credential_exposure)
                "id_token": None,
            }
        )

    server.script("/v2/token", answer)


def refresh_client(server, **options) -> tuple[TwilioClient, FakeClock]:
    options.setdefault("sleep", Sleeps())
    client = TwilioClient.with_oauth_refresh_token(
        CLIENT_ID, CLIENT_SECRET, REFRESH, Hosts.build(base_url=server.base_url), **options
    )
    clock = FakeClock()
    client._auth._clock = clock
    return client, clock


def api_headers(server) -> list[str]:
    return [r.headers.get("Authorization") for r in server.requests if r.path == CALLS]


def token_forms(server) -> list[dict]:
    return [r.form for r in server.requests if r.path == "/v2/token"]


def test_access_token_is_redeemed_once_cached_and_renewed_before_expiry(server):
    server.script(CALLS, Reply(body=PAGE))
    token_answers(server, lifetime=3600)
    client, clock = refresh_client(server)
    client.get_json(server.base_url + CALLS)
    clock.now += 3000
    client.get_json(server.base_url + CALLS)
    clock.now += 560  # inside the last minute: renewed before use
    client.get_json(server.base_url + CALLS)
    assert api_headers(server) == ["Bearer access-1", "Bearer access-1", "Bearer access-2"]
    assert (
        token_forms(server)
        == [
            {
                "grant_type": "refresh_token",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH,
            }
        ]
        * 2
    )
    assert client.stats.token_fetches == 2


def test_a_401_renews_the_access_token_once_and_retries(server):
    server.script(
        CALLS,
        lambda seen: (
            Reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
            if seen.headers["Authorization"] == "Bearer access-1"
            else Reply(body={"calls": [{"sid": "CA1"}], "next_page_uri": None})
        ),
    )
    token_answers(server)
    client, _ = refresh_client(server)
    assert client.get_json(server.base_url + CALLS)["calls"] == [{"sid": "CA1"}]
    assert api_headers(server) == ["Bearer access-1", "Bearer access-2"]
    assert len(token_forms(server)) == 2


def test_a_401_that_persists_is_reported_after_one_renewal(server):
    server.script(CALLS, Reply(401, {"code": 20003, "message": "Authenticate", "status": 401}))
    token_answers(server)
    client, _ = refresh_client(server, credentials_hint="TWILIO_PROD_OAUTH_REFRESH_TOKEN and friends")
    with pytest.raises(TwilioAPIError) as raised:
        client.get_json(server.base_url + CALLS)
    assert len(api_headers(server)) == 2 and len(token_forms(server)) == 2
    assert "TWILIO_PROD_OAUTH_REFRESH_TOKEN" in str(raised.value)


def test_a_refused_refresh_token_names_the_variables_and_the_command_never_the_secrets(server):
    server.script(
        "/v2/token", Reply(400, {"code": 20001, "message": f"Invalid refresh token {REFRESH}", "status": 400})
    )
    hint = "TWILIO_OAUTH_CLIENT_ID, TWILIO_OAUTH_CLIENT_SECRET and TWILIO_OAUTH_REFRESH_TOKEN"
    client, _ = refresh_client(server, credentials_hint=hint)
    with pytest.raises(TwilioAPIError) as raised:
        client.get_json(server.base_url + CALLS)
    message = str(raised.value)
    assert raised.value.status == 400 and raised.value.code == 20001
    assert hint in message and "python -m twilio_assets.connect" in message
    assert "bug in twilio_assets" not in message  # not the generic advice for error 20001
    for secret in (REFRESH, CLIENT_SECRET):
        assert secret not in message and secret not in repr(raised.value)
    assert not [r for r in server.requests if r.path == CALLS]  # no API request without a token


def test_wrong_client_credentials_while_refreshing(server):
    server.script("/v2/token", Reply(400, {"code": 20003, "message": "Invalid client credentials", "status": 400}))
    client, _ = refresh_client(server)
    with pytest.raises(TwilioAPIError) as raised:
        client.get_json(server.base_url + CALLS)
    message = str(raised.value)
    assert "TWILIO_OAUTH_CLIENT_SECRET" in message and CLIENT_SECRET not in message and REFRESH not in message


def test_token_endpoint_outages_are_retried_and_reported_without_secrets(server):
    server.script("/v2/token", Reply(503, {"code": 20503, "message": f"down {CLIENT_SECRET}", "status": 503}))
    client, _ = refresh_client(server, max_attempts=3)
    with pytest.raises(TwilioAPIError) as raised:
        client.get_json(server.base_url + CALLS)
    assert raised.value.status == 503
    assert CLIENT_SECRET not in str(raised.value) and REFRESH not in str(raised.value)


def test_the_authenticator_never_shows_its_token():
    auth = OAuthRefreshToken(refresh_token=REFRESH, redeem=lambda r: ("access", 60.0, None), description="client x")
    assert REFRESH not in repr(auth) and REFRESH not in str(auth)
    assert auth.header() == "Bearer access"
    with pytest.raises(ValueError):
        OAuthRefreshToken(refresh_token="", redeem=lambda r: ("a", 1.0, None), description="x")


def test_exchange_authorization_code(server):
    server.script(
        "/v2/token",
        Reply(
            body={
                "access_token": "access-1",
                "token_type": "Bearer",
                "expires_in": 3600,
                "refresh_token": REFRESH,
                "id_token": None,
            }
        ),
    )
    client = TwilioClient(None, Hosts.build(base_url=server.base_url), sleep=Sleeps())
    grant = client.exchange_authorization_code(CLIENT_ID, CLIENT_SECRET, "the-code", "http://127.0.0.1:8719/callback")
    assert grant.refresh_token == REFRESH and grant.access_token == "access-1" and grant.expires_in == 3600
    assert REFRESH not in repr(grant) and "access-1" not in repr(grant)
    assert token_forms(server) == [
        {
            "grant_type": "authorization_code",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code": "the-code",
            "redirect_uri": "http://127.0.0.1:8719/callback",
        }
    ]


def test_a_refused_code_exchange_says_the_callers_fix_without_the_code(server):
    server.script(
        "/v2/token", Reply(400, {"code": 20001, "message": "Invalid authorization code the-code", "status": 400})
    )
    client = TwilioClient(None, Hosts.build(base_url=server.base_url), sleep=Sleeps())
    with pytest.raises(TwilioAPIError) as raised:
        client.exchange_authorization_code(
            CLIENT_ID, CLIENT_SECRET, "the-code", "http://x/cb", fix="click Connect again"
        )
    assert "Fix: click Connect again." in str(raised.value) and "the-code" not in str(raised.value)


# --- the resource ----------------------------------------------------------------------------------


def resource(**fields) -> TwilioResource:
    return TwilioResource(account_sid=ACCOUNT, env_prefix="TWILIO_PROD_", **fields)


def test_the_refresh_token_is_preferred_over_every_other_method(server):
    chosen = resource(
        auth_token="t",
        api_key_sid="SK1",
        api_key_secret="s",
        oauth_client_id=CLIENT_ID,
        oauth_client_secret=CLIENT_SECRET,
        oauth_refresh_token=REFRESH,
        base_url=server.base_url,
    )
    assert chosen.auth_method() == "oauth_refresh_token"
    hint = chosen.credentials_hint()
    assert hint == "TWILIO_PROD_OAUTH_CLIENT_ID, TWILIO_PROD_OAUTH_CLIENT_SECRET and TWILIO_PROD_OAUTH_REFRESH_TOKEN"
    client = chosen.build_client()
    assert isinstance(client._auth, OAuthRefreshToken) and client.credentials_hint == hint
    assert resource(oauth_client_id=CLIENT_ID, oauth_client_secret=CLIENT_SECRET).auth_method() == "oauth"


def test_the_resource_syncs_with_the_refresh_token(server):
    server.script(CALLS, Reply(body=PAGE))
    token_answers(server)
    client = resource(
        oauth_client_id=CLIENT_ID,
        oauth_client_secret=CLIENT_SECRET,
        oauth_refresh_token=REFRESH,
        base_url=server.base_url,
    ).build_client()
    client.get_json(server.base_url + CALLS)
    assert api_headers(server) == ["Bearer access-1"]
    assert token_forms(server)[0]["refresh_token"] == REFRESH


@pytest.mark.parametrize("missing", ["oauth_client_id", "oauth_client_secret"])
def test_a_refresh_token_without_its_client_names_what_is_missing(missing):
    fields = {"oauth_client_id": CLIENT_ID, "oauth_client_secret": CLIENT_SECRET, "oauth_refresh_token": REFRESH}
    fields.pop(missing)
    with pytest.raises(ConfigurationError) as raised:
        resource(**fields).build_client()
    message = str(raised.value)
    assert f"TWILIO_PROD_{missing.upper()}" in message and "TWILIO_PROD_OAUTH_REFRESH_TOKEN is set" in message
    assert REFRESH not in message and CLIENT_SECRET not in message


def test_the_refresh_token_is_bound_from_the_instances_prefix():
    from twilio_assets.defs.resources import twilio_resource_for
    from twilio_assets.instances import CREDENTIAL_SUFFIXES, Instance

    assert "OAUTH_REFRESH_TOKEN" in CREDENTIAL_SUFFIXES
    bound = twilio_resource_for(
        Instance(name="prod", schema="twilio_prod", env_prefix="TWILIO_PROD_"),
        {"TWILIO_PROD_OAUTH_REFRESH_TOKEN": REFRESH},
    )
    assert bound.oauth_refresh_token.env_var_name == "TWILIO_PROD_OAUTH_REFRESH_TOKEN"
