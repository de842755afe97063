"""Authentication and account scoping: Basic (auth token, API key), OAuth bearer tokens."""

from __future__ import annotations

import base64
import json
import time

import pytest
from sandbox_client import NOW, Api, v2010

from twilio_assets.sandbox import SandboxConfig, SandboxServer

AUTHENTICATE = {
    "code": 20003,
    "message": "Authenticate",
    "more_info": "https://www.twilio.com/docs/errors/20003",
    "status": 401,
}


def _token(server, config, **extra) -> dict:
    form = {
        "grant_type": "client_credentials",
        "client_id": config.oauth_client_id,
        "client_secret": config.oauth_client_secret,
    }
    r = Api(server.base_url).session.post(server.base_url + "/v2/token", data=form, params=extra)
    assert r.status_code == 200, r.text
    return r.json()


def _claims(jwt: str) -> dict:
    part = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_each_credential_kind_reads_the_main_account(server, config, api, key_api, main_sid, world):
    token = _token(server, config)
    bearer = Api(server.base_url, headers={"Authorization": f"Bearer {token['access_token']}"})
    expected = list(world.records(main_sid, "calls"))[:5]
    for client in (api, key_api, bearer):
        r = client.get(v2010(main_sid, "Calls"), {"PageSize": 5})
        assert r.status_code == 200 and r.json()["calls"] == expected
        r = client.get("/v1/Voice/Summaries", {"PageSize": 5})
        assert r.status_code == 200


@pytest.mark.parametrize("auth", [None, ("ACnope", "nope"), "wrong-token", "wrong-key", "subaccount-token-on-main"])
def test_bad_credentials_get_authenticate(server, config, main_sid, auth):
    if auth == "wrong-token":
        auth = (main_sid, config.auth_token[:-1] + "x")
    elif auth == "wrong-key":
        auth = (config.api_key_sid, "x" * 32)
    elif auth == "subaccount-token-on-main":
        auth = (main_sid, config.account_auth_token("sub1"))
    client = Api(server.base_url, auth=auth)
    for path in (v2010(main_sid, "Calls"), "/2010-04-01/Accounts.json", "/v1/Voice/Summaries"):
        r = client.get(path)
        assert r.status_code == 401
        assert r.json() == AUTHENTICATE
        assert r.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("header", ["Bearer not.a.jwt", "Bearer abc", "Token xyz", "Basic !!!"])
def test_malformed_authorization_is_rejected(server, main_sid, header):
    r = Api(server.base_url, headers={"Authorization": header}).get(v2010(main_sid, "Calls"))
    assert r.status_code == 401 and r.json() == AUTHENTICATE


def test_tampered_bearer_token_is_rejected(server, config, main_sid):
    token = _token(server, config)["access_token"]
    header, claims, sig = token.split(".")
    boosted = _claims(token)
    boosted["exp"] += 10_000
    forged_claims = base64.urlsafe_b64encode(json.dumps(boosted).encode()).rstrip(b"=").decode()
    r = Api(server.base_url, headers={"Authorization": f"Bearer {header}.{forged_claims}.{sig}"}).get(
        v2010(main_sid, "Calls")
    )
    assert r.status_code == 401 and r.json() == AUTHENTICATE


def test_token_response_and_real_time_expiry(server, config, admin, main_sid):
    assert admin.faults(token_ttl_seconds=1).status_code == 200
    token = _token(server, config)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 1
    assert token["refresh_token"] is None and token["id_token"] is None
    claims = _claims(token["access_token"])
    assert claims["exp"] - claims["iat"] == 1 and claims["sub"] == main_sid
    bearer = Api(server.base_url, headers={"Authorization": f"Bearer {token['access_token']}"})
    assert bearer.get(v2010(main_sid, "Calls")).status_code == 200
    # Advancing the simulated clock does not expire tokens; only real time does.
    admin.advance(7 * 86400)
    assert bearer.get(v2010(main_sid, "Calls")).status_code == 200
    time.sleep(max(0.0, claims["exp"] - time.time()) + 0.2)
    r = bearer.get(v2010(main_sid, "Calls"))
    assert r.status_code == 401 and r.json() == AUTHENTICATE


@pytest.mark.parametrize(
    "form,expected",
    [
        ({"client_secret": "wrong"}, 20003),
        ({"client_id": "OQ" + "0" * 32}, 20003),
        ({"grant_type": "password"}, 20001),
        ({"grant_type": ""}, 20001),
    ],
)
def test_token_errors(server, config, form, expected):
    data = {
        "grant_type": "client_credentials",
        "client_id": config.oauth_client_id,
        "client_secret": config.oauth_client_secret,
        **form,
    }
    r = Api(server.base_url).session.post(server.base_url + "/v2/token", data=data)
    # The oauth v2 spec documents 400 (and 500) for this operation, nothing else.
    assert r.status_code == 400
    assert r.json()["code"] == expected and r.json()["status"] == 400


def test_token_is_post_only(server):
    r = Api(server.base_url).get("/v2/token")
    assert r.status_code == 405 and r.json()["code"] == 20004


def test_token_on_behalf_of_a_subaccount_is_scoped_to_it(server, config, main_sid, sub_sid):
    token = _token(server, config, account_sid=sub_sid)
    client = Api(server.base_url, headers={"Authorization": f"Bearer {token['access_token']}"})
    assert client.get(v2010(sub_sid, "Calls")).status_code == 200
    assert client.get(v2010(main_sid, "Calls")).status_code == 401


def test_main_credentials_reach_subaccounts(api, key_api, world, sub_sid):
    expected = list(world.records(sub_sid, "messages"))[:10]
    for client in (api, key_api):
        r = client.get(v2010(sub_sid, "Messages"), {"PageSize": 10})
        assert r.status_code == 200 and r.json()["messages"] == expected
        r = client.get("/v1/Voice/Summaries", {"Subaccount": sub_sid, "StartTime": "1w", "PageSize": 1000})
        assert r.json()["call_summaries"] == list(world.records(sub_sid, "call_summaries", base_url=client.base_url))


def test_subaccount_credentials_see_only_their_account(sub_api, world, config, main_sid, sub_sid):
    accounts = sub_api.get("/2010-04-01/Accounts.json").json()["accounts"]
    assert [a["sid"] for a in accounts] == [sub_sid]
    assert accounts[0]["auth_token"] == config.account_auth_token("sub1")
    assert sub_api.get(v2010(sub_sid, "Calls")).status_code == 200
    other_sub = config.account_sid_of("sub2")
    for account in (main_sid, other_sub):
        r = sub_api.get(v2010(account, "Calls"))
        assert r.status_code == 401 and r.json() == AUTHENTICATE
    assert sub_api.get("/v1/Voice/Summaries", {"Subaccount": main_sid}).status_code == 401
    own = sub_api.get("/v1/Voice/Summaries", {"StartTime": "1w", "PageSize": 1000}).json()["call_summaries"]
    assert own == list(world.records(sub_sid, "call_summaries", base_url=sub_api.base_url))


def test_accounts_list_for_main_credentials(api, world):
    body = api.get("/2010-04-01/Accounts.json").json()
    assert body["accounts"] == world.accounts()
    assert [a["owner_account_sid"] for a in body["accounts"]] == [world.account_nicknames["main"]] * 3
    assert len({a["auth_token"] for a in body["accounts"]}) == 3


def test_unknown_accounts_and_paths_are_not_found(api, main_sid):
    for path in (
        v2010("AC" + "1" * 32, "Calls"),
        "/2010-04-01/Accounts/ACxyz/Calls.json",
        f"/2010-04-01/Accounts/{main_sid}/Nope.json",
        "/v1/Voice/Nope",
        "/nope",
        f"/2010-04-01/Accounts/{main_sid}/Calls",
    ):
        r = api.get(path)
        assert r.status_code == 404, path
        assert r.json()["code"] == 20404 and r.json()["status"] == 404


def test_lists_are_read_only(api, main_sid):
    r = api.session.post(api.base_url + v2010(main_sid, "Calls"), data={"To": "+15005550006"})
    assert r.status_code == 405 and r.json()["code"] == 20004


def test_accounts_without_insights_get_403():
    cfg = SandboxConfig(now=NOW, insights_disabled=("sub1",))
    with SandboxServer(cfg) as server:
        main = Api(server.base_url, auth=(cfg.main_account_sid, cfg.auth_token))
        sub1, sub2 = cfg.account_sid_of("sub1"), cfg.account_sid_of("sub2")
        assert main.get("/v1/Voice/Summaries").status_code == 200
        assert main.get("/v1/Voice/Summaries", {"Subaccount": sub2}).status_code == 200
        for path in ("/v1/Voice/Summaries", "/v1/Conferences"):
            r = main.get(path, {"Subaccount": sub1})
            assert r.status_code == 403
            body = r.json()
            assert body["code"] == 20403 and body["status"] == 403
            assert "Voice Insights Advanced Features" in body["message"]
        conf = next(server.world.records(sub1, "conferences"))["sid"]
        assert main.get(f"/v1/Conferences/{conf}/Participants").status_code == 403
        # v2010 is unaffected.
        assert main.get(v2010(sub1, "Calls")).status_code == 200
