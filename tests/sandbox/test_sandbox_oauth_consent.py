"""The authorization-code flow: the consent page (GET/POST /v2/authorize), the authorization_code and
refresh_token grants of POST /v2/token, and their answers against the official OAuth v2 spec."""

from __future__ import annotations

import html
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import openapi_schema_validator
import pytest
import requests
from sandbox_client import Api, v2010
from sandbox_spec import error_schema, spec_path, validate

from twilio_assets.sandbox.oauth_consent import APP_NAME

REDIRECT = "http://127.0.0.1:8719/callback"


def ask(config, **changes) -> dict:
    return {
        "response_type": "code",
        "client_id": config.oauth_client_id,
        "redirect_uri": REDIRECT,
        "state": "st-123",
        "scope": "offline_access",
        **changes,
    }


def consent_page(server, config, **changes) -> requests.Response:
    return requests.get(
        server.base_url + "/v2/authorize", params=ask(config, **changes), timeout=30, allow_redirects=False
    )


def form_fields(page: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)}


def decide(server, fields: dict, decision: str) -> requests.Response:
    return requests.post(
        server.base_url + "/v2/authorize", data={**fields, "decision": decision}, timeout=30, allow_redirects=False
    )


def callback_params(response: requests.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def new_code(server, config, **changes) -> str:
    page = consent_page(server, config, **changes)
    return callback_params(decide(server, form_fields(page.text), "allow"))["code"]


def token(server, config, **form) -> requests.Response:
    data = {"client_id": config.oauth_client_id, "client_secret": config.oauth_client_secret, **form}
    return requests.post(server.base_url + "/v2/token", data=data, timeout=30)


def exchange(server, config, code: str, redirect_uri: str = REDIRECT, **extra) -> requests.Response:
    return token(server, config, grant_type="authorization_code", code=code, redirect_uri=redirect_uri, **extra)


def refresh(server, config, refresh_token: str, **extra) -> requests.Response:
    return token(server, config, grant_type="refresh_token", refresh_token=refresh_token, **extra)


def bearer(server, access_token: str) -> Api:
    return Api(server.base_url, headers={"Authorization": f"Bearer {access_token}"})


def assert_error(response: requests.Response, status: int, code: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    openapi_schema_validator.OAS30Validator(error_schema()).validate(body)
    assert body["code"] == code and body["status"] == status
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    return body


# --- the consent page ------------------------------------------------------------------------------


def test_consent_page_names_the_app_and_the_account_and_offers_allow_and_deny(server, config, world):
    page = consent_page(server, config)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Cache-Control"] == "no-store"
    assert html.escape(APP_NAME) in page.text and config.oauth_client_id in page.text
    assert world.account(config.main_account_sid).friendly_name in page.text
    assert re.search(r'<button[^>]*value="allow"[^>]*>Allow</button>', page.text)
    assert re.search(r'<button[^>]*value="deny"[^>]*>Deny</button>', page.text)
    assert form_fields(page.text).keys() >= {"client_id", "redirect_uri", "state", "scope", "response_type", "form_key"}


def test_allow_redirects_with_a_code_and_the_same_state(server, config):
    fields = form_fields(consent_page(server, config, state="a b&c=d").text)
    response = decide(server, fields, "allow")
    params = callback_params(response)
    assert params["state"] == "a b&c=d" and len(params["code"]) >= 32
    assert response.json() == {"redirect_to": response.headers["Location"]}  # the spec's body of the 302
    schema = json.loads(spec_path("twilio_oauth_v2.json").read_text())["components"]["schemas"]["oauth.v2.authorize"]
    openapi_schema_validator.OAS30Validator({**schema, "additionalProperties": False}).validate(response.json())


def test_deny_redirects_with_access_denied_and_no_code(server, config):
    params = callback_params(decide(server, form_fields(consent_page(server, config).text), "deny"))
    assert params["error"] == "access_denied" and params["state"] == "st-123" and "code" not in params


def test_the_redirect_keeps_the_redirect_uris_own_query(server, config):
    fields = form_fields(consent_page(server, config, redirect_uri=REDIRECT + "?instance=prod").text)
    location = decide(server, fields, "allow").headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["instance"] == ["prod"] and query["state"] == ["st-123"] and "code" in query


@pytest.mark.parametrize(
    "changes",
    [
        {"client_id": "OQ" + "0" * 32},
        {"client_id": ""},
        {"redirect_uri": "https://evil.example.com/callback"},
        {"redirect_uri": "not a url"},
        {"redirect_uri": ""},
        {"redirect_uri": "http://127.0.0.1:80x/callback"},
    ],
)
def test_unknown_app_or_foreign_redirect_uri_is_answered_here_never_redirected(server, config, changes):
    response = consent_page(server, config, **changes)
    assert "Location" not in response.headers
    assert_error(response, 400, 20001)


def test_other_response_types_are_sent_back_as_unsupported(server, config):
    params = callback_params(consent_page(server, config, response_type="token"))
    assert params == {"error": "unsupported_response_type", "state": "st-123"}


def test_a_tampered_consent_form_is_refused(server, config):
    fields = form_fields(consent_page(server, config).text)
    for changed in ({"redirect_uri": "http://localhost:1/other"}, {"state": "forged"}, {"form_key": "0" * 64}):
        response = decide(server, {**fields, **changed}, "allow")
        assert "Location" not in response.headers
        assert_error(response, 400, 20001)


def test_authorize_takes_get_and_post_only(server):
    response = requests.put(server.base_url + "/v2/authorize", timeout=30)
    assert_error(response, 405, 20004)


# --- POST /v2/token: authorization_code ----------------------------------------------------------


def test_a_code_buys_an_access_token_and_a_refresh_token_that_authorize_the_api(server, config, world):
    response = exchange(server, config, new_code(server, config))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == config.token_ttl_seconds
    assert body["refresh_token"] and body["access_token"] and body["refresh_token"] != body["access_token"]
    assert body["id_token"] is None
    main = config.main_account_sid
    answer = bearer(server, body["access_token"]).get(v2010(main, "Calls"), {"PageSize": 5})
    assert answer.status_code == 200 and answer.json()["calls"] == list(world.records(main, "calls"))[:5]
    # The main account's grant reaches its subaccounts, as its other credentials do.
    assert bearer(server, body["access_token"]).get(v2010(config.account_sid_of("sub1"), "Calls")).status_code == 200


def test_codes_are_single_use(server, config):
    code = new_code(server, config)
    assert exchange(server, config, code).status_code == 200
    assert_error(exchange(server, config, code), 400, 20001)


def test_a_failed_exchange_uses_the_code_up_too(server, config):
    code = new_code(server, config)
    assert_error(exchange(server, config, code, redirect_uri="http://127.0.0.1:8719/other"), 400, 20001)
    assert_error(exchange(server, config, code), 400, 20001)


def test_codes_are_short_lived(server, config):
    server.app.oauth.code_ttl_seconds = 0.3
    code = new_code(server, config)
    time.sleep(0.5)
    body = assert_error(exchange(server, config, code), 400, 20001)
    assert "expired" in body["message"]


def test_the_redirect_uri_must_match_the_authorization_request(server, config):
    body = assert_error(exchange(server, config, new_code(server, config), redirect_uri=REDIRECT + "/"), 400, 20001)
    assert "redirect_uri" in body["message"]


@pytest.mark.parametrize("form", [{"client_secret": "wrong"}, {"client_id": "OQ" + "1" * 32}, {"client_secret": ""}])
def test_the_exchange_needs_the_apps_client_credentials(server, config, form):
    code = new_code(server, config)
    assert_error(exchange(server, config, code, **form), 400, 20003)


@pytest.mark.parametrize("code", ["", "nope", "a.b.c"])
def test_unknown_codes_are_refused(server, config, code):
    assert_error(exchange(server, config, code), 400, 20001)


def test_an_exchange_on_behalf_of_a_subaccount_is_scoped_to_it(server, config):
    sub = config.account_sid_of("sub1")
    code = new_code(server, config)
    response = requests.post(
        server.base_url + "/v2/token",
        params={"account_sid": sub},
        timeout=30,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": config.oauth_client_id,
            "client_secret": config.oauth_client_secret,
        },
    )
    access = response.json()["access_token"]
    assert bearer(server, access).get(v2010(sub, "Calls")).status_code == 200
    assert bearer(server, access).get(v2010(config.main_account_sid, "Calls")).status_code == 401


# --- POST /v2/token: refresh_token ---------------------------------------------------------------


def test_a_refresh_gives_a_new_access_token_and_keeps_the_refresh_token(server, config):
    first = exchange(server, config, new_code(server, config)).json()
    again = refresh(server, config, first["refresh_token"])
    assert again.status_code == 200, again.text
    body = again.json()
    assert body["refresh_token"] == first["refresh_token"]  # no rotation
    assert body["access_token"] != first["access_token"]
    assert bearer(server, body["access_token"]).get(v2010(config.main_account_sid, "Calls")).status_code == 200
    # And again: the refresh token is not used up.
    assert refresh(server, config, first["refresh_token"]).status_code == 200


def test_refresh_tokens_and_access_tokens_cannot_stand_in_for_each_other(server, config):
    body = exchange(server, config, new_code(server, config)).json()
    answer = bearer(server, body["refresh_token"]).get(v2010(config.main_account_sid, "Calls"))
    assert answer.status_code == 401 and answer.json()["code"] == 20003
    assert_error(refresh(server, config, body["access_token"]), 400, 20001)


def test_refresh_needs_the_apps_client_credentials_and_an_unaltered_token(server, config):
    refresh_token = exchange(server, config, new_code(server, config)).json()["refresh_token"]
    assert_error(refresh(server, config, refresh_token, client_secret="wrong"), 400, 20003)
    header, claims, signature = refresh_token.split(".")
    for bad in ("", "nope", f"{header}.{claims}.{signature[:-2]}xx", f"{header}.{claims[:-4]}AAAA.{signature}"):
        assert_error(refresh(server, config, bad), 400, 20001)


def test_refreshed_access_tokens_expire_in_real_time(server, config, admin):
    refresh_token = exchange(server, config, new_code(server, config)).json()["refresh_token"]
    assert admin.faults(token_ttl_seconds=1).status_code == 200
    body = refresh(server, config, refresh_token).json()
    assert body["expires_in"] == 1
    client = bearer(server, body["access_token"])
    assert client.get(v2010(config.main_account_sid, "Calls")).status_code == 200
    time.sleep(1.3)
    assert client.get(v2010(config.main_account_sid, "Calls")).status_code == 401
    fresh = refresh(server, config, refresh_token).json()["access_token"]
    assert bearer(server, fresh).get(v2010(config.main_account_sid, "Calls")).status_code == 200


def test_unsupported_grant_types_name_the_supported_ones(server, config):
    body = assert_error(token(server, config, grant_type="password"), 400, 20001)
    assert "authorization_code" in body["message"] and "refresh_token" in body["message"]


# --- conformance with the official spec -----------------------------------------------------------


def test_grant_responses_conform_to_the_oauth_v2_spec(server, config):
    spec_path("twilio_oauth_v2.json")
    code = new_code(server, config)
    granted = exchange(server, config, code)
    assert granted.status_code == 200
    validate(granted)
    refreshed = refresh(server, config, granted.json()["refresh_token"])
    assert refreshed.status_code == 200
    validate(refreshed)
    for refused in (
        exchange(server, config, code),
        exchange(server, config, new_code(server, config), client_secret="x"),
        refresh(server, config, "nope"),
    ):
        assert refused.status_code == 400
        validate(refused)
