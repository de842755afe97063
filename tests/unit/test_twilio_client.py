"""The Twilio client's paging, retries, authentication and errors, against scripted HTTP answers."""

from __future__ import annotations

import pytest

from tests.support.scripted_server import Reply
from twilio_assets.twilio_api import (
    BasicAuth,
    ConfigurationError,
    Hosts,
    OAuthClientCredentials,
    TwilioAPIError,
    TwilioClient,
    UnexpectedResponse,
)

CALLS = "/2010-04-01/Accounts/AC00000000000000000000000000000001/Calls.json"
SECRET = "s3cr3t-auth-token-value"


def v2010_page(records, next_uri=None):
    return {
        "calls": records,
        "next_page_uri": next_uri,
        "page": 0,
        "page_size": 2,
        "start": 0,
        "end": 1,
        "uri": CALLS,
        "first_page_uri": CALLS,
        "previous_page_uri": None,
    }


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def basic_client(server, **options) -> TwilioClient:
    options.setdefault("sleep", Sleeps())
    return TwilioClient(BasicAuth("AC1", SECRET, "auth token of AC1"), Hosts.build(base_url=server.base_url), **options)


def test_follows_next_page_uri_until_null_and_sends_page_size_once(server):
    server.script(
        CALLS,
        Reply(body=v2010_page([{"sid": "CA1"}, {"sid": "CA2"}], f"{CALLS}?PageSize=2&Page=1&PageToken=PAabc")),
        Reply(body=v2010_page([{"sid": "CA3"}])),
    )
    client = basic_client(server, page_size=2)
    pages = list(client.pages(server.base_url + CALLS, {"StartTime": "2026-01-05"}, "calls"))
    assert [[r["sid"] for r in p.records] for p in pages] == [["CA1", "CA2"], ["CA3"]]
    first, second = server.requests
    assert first.query == {"StartTime": "2026-01-05", "PageSize": "2"}
    # The next page is requested exactly as Twilio gave it, token included, with nothing added.
    assert second.query == {"PageSize": "2", "Page": "1", "PageToken": "PAabc"}
    assert client.stats.requests == 2 and client.stats.retries == 0


def test_follows_insights_meta_next_page_url(server):
    path = "/v1/Voice/Summaries"
    server.script(
        path,
        Reply(
            body={
                "call_summaries": [{"call_sid": "CA1"}],
                "meta": {"key": "call_summaries", "next_page_url": f"{server.base_url}{path}?Page=1&PageToken=PAx"},
            }
        ),
        Reply(body={"call_summaries": [{"call_sid": "CA2"}], "meta": {"key": "call_summaries", "next_page_url": None}}),
    )
    pages = list(basic_client(server).pages(server.base_url + path, {}, "call_summaries"))
    assert [p.records[0]["call_sid"] for p in pages] == ["CA1", "CA2"]
    assert server.requests[1].query == {"Page": "1", "PageToken": "PAx"}


def test_refuses_a_next_page_on_another_host(server):
    server.script(CALLS, Reply(body=v2010_page([], None) | {"meta": {"next_page_url": "https://evil.example/steal"}}))
    with pytest.raises(UnexpectedResponse, match="another host"):
        list(basic_client(server).pages(server.base_url + CALLS, {}, "calls"))


def test_missing_list_key_is_named(server):
    server.script(CALLS, Reply(body={"unexpected": []}))
    with pytest.raises(UnexpectedResponse, match="'calls'"):
        list(basic_client(server).pages(server.base_url + CALLS, {}, "calls"))


def test_429_honours_retry_after_then_succeeds(server):
    server.script(
        CALLS,
        Reply(429, {"code": 20429, "message": "Too Many Requests", "status": 429}, headers={"Retry-After": "3"}),
        Reply(body=v2010_page([{"sid": "CA1"}])),
    )
    sleeps = Sleeps()
    client = basic_client(server, sleep=sleeps)
    assert client.get_json(server.base_url + CALLS)["calls"] == [{"sid": "CA1"}]
    assert sleeps == [3.0]
    assert client.stats.retries == 1


def test_5xx_backs_off_with_full_jitter_and_gives_up_with_twilios_error(server):
    server.script(
        CALLS,
        Reply(
            503,
            {
                "code": 20500,
                "message": "Service Unavailable",
                "more_info": "https://www.twilio.com/docs/errors/20500",
                "status": 503,
            },
        ),
    )
    sleeps = Sleeps()
    client = basic_client(server, sleep=sleeps, max_attempts=5, backoff_base=0.5, backoff_cap=30)
    with pytest.raises(TwilioAPIError) as raised:
        client.get_json(server.base_url + CALLS)
    assert raised.value.status == 503 and raised.value.code == 20500
    assert "https://www.twilio.com/docs/errors/20500" in str(raised.value)
    assert len(sleeps) == 4 and len(server.requests) == 5
    # Full jitter: each wait is somewhere between 0 and the exponential ceiling for its attempt.
    for attempt, waited in enumerate(sleeps, start=1):
        assert 0 <= waited <= 0.5 * 2**attempt


def test_connection_reset_and_truncated_body_are_retried(server):
    server.script(
        CALLS,
        Reply(reset=True),
        Reply(body=v2010_page([{"sid": "CA1"}]), truncate=True),
        Reply(body=v2010_page([{"sid": "CA1"}])),
    )
    client = basic_client(server)
    assert client.get_json(server.base_url + CALLS)["calls"] == [{"sid": "CA1"}]
    assert client.stats.retries == 2


def test_client_errors_are_not_retried_and_explain_the_fix_without_secrets(server):
    server.script(
        CALLS,
        Reply(
            401,
            {
                "code": 20003,
                "message": "Authenticate",
                "more_info": "https://www.twilio.com/docs/errors/20003",
                "status": 401,
            },
        ),
    )
    client = basic_client(server, credentials_hint="TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
    with pytest.raises(TwilioAPIError) as raised:
        client.get_json(server.base_url + CALLS, {"StartTime": "2026-01-05"})
    message = str(raised.value)
    assert len(server.requests) == 1
    assert "error 20003" in message and "TWILIO_AUTH_TOKEN" in message and "StartTime=2026-01-05" in message
    assert SECRET not in message and SECRET not in repr(raised.value)
    assert server.requests[0].headers["Authorization"].startswith("Basic ")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def oauth_setup(server, lifetime=3600):
    tokens = iter(f"token-{i}" for i in range(1, 100))
    server.script(
        "/v2/token",
        lambda seen: Reply(
            body={
                "access_token": next(tokens),
                "token_type": "Bearer",
                "expires_in": lifetime,
                "refresh_token": None,
                "id_token": None,
            }
        ),
    )
    clock = FakeClock()
    client = TwilioClient.with_oauth(
        "client-id", "client-secret-value", Hosts.build(base_url=server.base_url), sleep=Sleeps()
    )
    client._auth._clock = clock  # the client's own authenticator, with a clock the test moves
    return client, clock


def bearer_headers(server):
    return [r.headers.get("Authorization") for r in server.requests if r.path == CALLS]


def test_oauth_token_is_fetched_once_and_reused_until_near_expiry(server):
    server.script(CALLS, Reply(body=v2010_page([])))
    client, clock = oauth_setup(server, lifetime=3600)
    client.get_json(server.base_url + CALLS)
    clock.now += 3000  # still inside the lifetime minus the early-refresh margin
    client.get_json(server.base_url + CALLS)
    clock.now += 560  # within 60 s of expiry: refreshed before use
    client.get_json(server.base_url + CALLS)
    assert bearer_headers(server) == ["Bearer token-1", "Bearer token-1", "Bearer token-2"]
    token_request = next(r for r in server.requests if r.path == "/v2/token")
    assert token_request.method == "POST"
    assert token_request.form == {
        "grant_type": "client_credentials",
        "client_id": "client-id",
        "client_secret": "client-secret-value",
    }
    assert client.stats.token_fetches == 2


def test_oauth_401_refreshes_the_token_once_and_retries(server):
    server.script(
        CALLS,
        lambda seen: (
            Reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
            if seen.headers["Authorization"] == "Bearer token-1"
            else Reply(body=v2010_page([{"sid": "CA1"}]))
        ),
    )
    client, _ = oauth_setup(server)
    assert client.get_json(server.base_url + CALLS)["calls"] == [{"sid": "CA1"}]
    assert bearer_headers(server) == ["Bearer token-1", "Bearer token-2"]


def test_oauth_rejected_credentials_name_the_variables_not_the_secret(server):
    server.script("/v2/token", Reply(400, {"code": 20003, "message": "invalid_client", "status": 400}))
    client = TwilioClient.with_oauth(
        "client-id", "client-secret-value", Hosts.build(base_url=server.base_url), sleep=Sleeps()
    )
    with pytest.raises(TwilioAPIError) as raised:
        client.get_json(server.base_url + CALLS)
    assert "TWILIO_OAUTH_CLIENT_SECRET" in str(raised.value)
    assert "client-secret-value" not in str(raised.value)


def test_short_lived_tokens_refresh_before_each_use_when_needed():
    fetched = []
    clock = FakeClock()
    auth = OAuthClientCredentials(
        fetch_token=lambda: (fetched.append(1) or f"t{len(fetched)}", 5.0), description="x", clock=clock
    )
    assert auth.header() == "Bearer t1"
    clock.now += 4.4  # margin is 10% of a 5 s lifetime
    assert auth.header() == "Bearer t1"
    clock.now += 0.2
    assert auth.header() == "Bearer t2"


def test_hosts_global_regional_and_stand_in():
    hosts = Hosts.build()
    assert (hosts.api, hosts.insights, hosts.oauth) == (
        "https://api.twilio.com",
        "https://insights.twilio.com",
        "https://oauth.twilio.com",
    )
    assert hosts.for_api("studio") == "https://studio.twilio.com"
    regional = Hosts.build(region="ie1", edge="dublin")
    assert (
        regional.api == "https://api.dublin.ie1.twilio.com"
        and regional.insights == "https://insights.dublin.ie1.twilio.com"
    )
    assert Hosts.build(edge="sydney").api == "https://api.sydney.us1.twilio.com"
    stand_in = Hosts.build(base_url="http://127.0.0.1:8718/")
    assert stand_in.api == stand_in.insights == stand_in.oauth == "http://127.0.0.1:8718"
    # Products whose paths overlap (messaging's and conversations' /v1/Services) get a prefix each.
    assert stand_in.for_api("messaging") == "http://127.0.0.1:8718/messaging"
    assert regional.for_api("verify") == "https://verify.dublin.ie1.twilio.com"
    with pytest.raises(ConfigurationError, match="absolute http"):
        Hosts.build(base_url="127.0.0.1:8718")
