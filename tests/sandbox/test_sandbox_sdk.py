"""The official twilio SDK (9.13) reads the sandbox and gets exactly the world's records.

The SDK's supported hook is a custom HTTP client (`Client(..., http_client=...)`); ours
re-addresses every request from api/insights/oauth.twilio.com to the sandbox's one port.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import pytest

twilio = pytest.importorskip("twilio", reason="the twilio SDK is a dev dependency")
from sandbox_moments import moments  # noqa: E402
from twilio.base import deserialize  # noqa: E402
from twilio.credential.client_credential_provider import ClientCredentialProvider  # noqa: E402
from twilio.http.client_token_manager import ClientTokenManager  # noqa: E402
from twilio.http.http_client import TwilioHttpClient  # noqa: E402
from twilio.rest import Client  # noqa: E402

from twilio_assets.sandbox.products.base import PREFIXED_HOSTS  # noqa: E402


class SandboxHttpClient(TwilioHttpClient):
    def __init__(self, base_url: str):
        super().__init__()
        self._target = urlsplit(base_url)
        self.hosts: set[str] = set()

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        self.hosts.add(parts.netloc)
        # api/insights/oauth paths are served as they are; other hosts under a prefix (studio.twilio.com → /studio).
        product = parts.netloc.split(".", 1)[0]
        path = f"/{product}{parts.path}" if product in PREFIXED_HOSTS else parts.path
        url = urlunsplit((self._target.scheme, self._target.netloc, path, parts.query, parts.fragment))
        return super().request(method, url, *args, **kwargs)


def _same(sdk_record, wire: dict) -> None:
    """Each wire field equals the SDK's parsed attribute (timestamps and prices parsed)."""
    for key, value in wire.items():
        # `from` is a keyword: the SDK spells it `_from` or `from_` depending on the resource.
        attr = next((a for a in ("_from", "from_") if hasattr(sdk_record, a)), None) if key == "from" else key
        assert attr is not None and hasattr(sdk_record, attr), f"SDK record lacks {key}"
        got = getattr(sdk_record, attr)
        if isinstance(got, datetime):
            parsed = deserialize.rfc2822_datetime(value) if "," in value else deserialize.iso8601_datetime(value)
            assert got == parsed, key
        elif isinstance(got, (Decimal, float)):
            # JSON numbers arrive as floats; the SDK wraps them in Decimal unrounded.
            assert float(got) == float(value), key
        else:
            assert got == value, key


def _check(listed: list, expected: list[dict], key: str = "sid") -> None:
    assert len(listed) == len(expected) > 0
    for sdk_record, wire in zip(listed, expected, strict=True):
        assert getattr(sdk_record, key) == wire[key]
        _same(sdk_record, wire)


@pytest.fixture
def http(server) -> SandboxHttpClient:
    return SandboxHttpClient(server.base_url)


@pytest.fixture
def client(config, http) -> Client:
    return Client(config.main_account_sid, config.auth_token, http_client=http)


V2010 = [
    ("calls", "calls"),
    ("messages", "messages"),
    ("conferences", "conferences"),
    ("recordings", "recordings"),
    ("transcriptions", "transcriptions"),
    ("addresses", "addresses"),
    ("incoming_phone_numbers", "incoming_phone_numbers"),
]


@pytest.mark.parametrize("attribute,collection", V2010)
def test_sdk_reads_every_v2010_collection(client, world, config, http, attribute, collection):
    for account in world.account_nicknames.values():
        resource = getattr(client.api.v2010.accounts(account), attribute)
        _check(resource.list(page_size=17), list(world.records(account, collection)))
    assert http.hosts == {"api.twilio.com"}


def test_sdk_reads_accounts(client, world):
    _check(client.api.v2010.accounts.list(), world.accounts())


def test_sdk_reads_live_participants(client, admin, world, main_sid):
    instant, conf_sid = moments(world, main_sid, datetime(2025, 3, 9).date())["conference in-progress"]
    admin.set_now(instant)
    listed = client.conferences(conf_sid).participants.list()
    expected = list(world.records(main_sid, "live_participants", conference_sid=conf_sid))
    _check(listed, expected, key="call_sid")


def test_sdk_reads_insights(client, world, server, http, main_sid, sub_sid):
    base = server.base_url
    listed = client.insights.v1.call_summaries.list(start_time="1w", page_size=20)
    _check(listed, list(world.records(main_sid, "call_summaries", base_url=base)), key="call_sid")
    listed = client.insights.v1.call_summaries.list(start_time="1w", subaccount=sub_sid, page_size=20)
    _check(listed, list(world.records(sub_sid, "call_summaries", base_url=base)), key="call_sid")
    conferences = client.insights.v1.conferences.list(page_size=3)
    _check(conferences, list(world.records(main_sid, "insights_conferences", base_url=base)), key="conference_sid")
    sid = conferences[0].conference_sid
    participants = client.insights.v1.conferences(sid).conference_participants.list(page_size=1)
    _check(
        participants,
        list(world.records(main_sid, "conference_participants", conference_sid=sid, base_url=base)),
        key="participant_sid",
    )
    assert http.hosts == {"insights.twilio.com", urlsplit(base).netloc}


def test_sdk_filters_by_day_with_datetimes(client, world, main_sid):
    day = datetime(2025, 3, 9)
    listed = client.calls.list(start_time=day)  # sent as StartTime=2025-03-09T00:00:00Z
    _check(listed, list(world.records_for_day(main_sid, "calls", day.date())))
    listed = client.messages.list(date_sent_after=day)
    assert [m.sid for m in listed] == [
        m["sid"]
        for m in world.records(main_sid, "messages")
        if m["date_sent"] is not None and deserialize.rfc2822_datetime(m["date_sent"]).date() >= day.date()
    ]


def test_sdk_with_an_api_key(config, http, world, sub_sid):
    client = Client(config.api_key_sid, config.api_key_secret, account_sid=config.main_account_sid, http_client=http)
    _check(client.api.v2010.accounts(sub_sid).messages.list(limit=30), list(world.records(sub_sid, "messages"))[:30])


def test_sdk_with_oauth_client_credentials(config, http, world, main_sid):
    # The token manager builds its own Client; give it ours so the token request reaches the sandbox.
    manager = ClientTokenManager("client_credentials", config.oauth_client_id, config.oauth_client_secret)
    manager.client = Client(http_client=http)
    provider = ClientCredentialProvider(config.oauth_client_id, config.oauth_client_secret, token_manager=manager)
    client = Client(account_sid=main_sid, credential_provider=provider, http_client=http)
    _check(client.calls.list(limit=25), list(world.records(main_sid, "calls"))[:25])
    assert "oauth.twilio.com" in http.hosts
