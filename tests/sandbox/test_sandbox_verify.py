"""Verify (verify.twilio.com/v2, served under /verify): services and verification attempts against the
official spec, the attempt filters (half-open creation ranges, service, channel, status, country) and
paging, attempts being priced, delivered and converted as the clock moves, the 30 days Twilio lists,
Twilio's SDK reading both lists, the oracle against the server, and an account without Verify."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta

import pytest
from openapi_core.validation.response.exceptions import InvalidData
from sandbox_client import NOW, Api
from sandbox_moments import at
from sandbox_spec import validate

from twilio_assets.sandbox import SandboxConfig, SandboxServer
from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.timefmt import iso, to_us

DAYS = [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)]
BASE = "/verify/v2"
ATTEMPTS = f"{BASE}/Attempts"


@pytest.fixture
def product(world):
    return world.product_for("verify_attempts")


def _attempts(product, account: str) -> list:
    """Every attempt of the sandbox's days, oldest first."""
    return [a for day in DAYS for a in product.day(account, day.toordinal())]


def _day_range(day: date) -> dict:
    return {"DateCreatedAfter": f"{day}T00:00:00Z", "DateCreatedBefore": f"{day + timedelta(days=1)}T00:00:00Z"}


def _sub2(server, config) -> Api:
    return Api(server.base_url, auth=(config.account_sid_of("sub2"), config.account_auth_token("sub2")))


# --- the spec --------------------------------------------------------------------------


def test_every_list_conforms_on_every_page_and_in_every_state(api, sub_api, admin, server, config, product, main_sid):
    attempts = _attempts(product, main_sid)
    converted = next(a for a in attempts if a.converted_at is not None and a.channel == "sms")
    # Queued (not priced yet), sent, delivered, converted, and the usual clock.
    instants = [at(converted.created, 0.5), at(converted.priced_at, 0.5), at(converted.delivered_at, 0.5)]
    instants += [at(converted.converted_at, 1), NOW]
    seen: dict[str, set] = {"conversion_status": set(), "channel": set(), "message_status": set(), "price": set()}
    for instant in instants:
        admin.set_now(instant)
        for client in (api, sub_api):
            services = client.pages(f"{BASE}/Services", {"PageSize": 1})
            for page in services:
                validate(page)
            for params in ({}, _day_range(DAYS[1]), {"Status": "converted"}, {"Channel": "sms"}):
                for page in client.pages(ATTEMPTS, {**params, "PageSize": 9}):
                    validate(page)
                    for record in page.json()["attempts"]:
                        seen["conversion_status"].add(record["conversion_status"])
                        seen["channel"].add(record["channel"])
                        seen["message_status"].add(record["channel_data"].get("message_status"))
                        seen["price"].add(record["price"] is None)
    assert seen["conversion_status"] == {"converted", "unconverted"}
    assert {"sms", "call", "email", "whatsapp"} <= seen["channel"]
    assert {"queued", "sent", "delivered", "undelivered", None} <= seen["message_status"]
    assert seen["price"] == {True, False}, "attempts both before and after they were priced"
    validate(_sub2(server, config).get(ATTEMPTS))
    validate(_sub2(server, config).get(f"{BASE}/Services"))


def test_the_validator_rejects_what_the_verify_spec_forbids(api):
    cases = {
        f"{BASE}/Services": ("services", {"sid": "VE" + "0" * 32, "code_length": "6", "lookup_enabled": "yes"}),
        ATTEMPTS: ("attempts", {"conversion_status": "CONVERTED", "channel": "fax", "date_created": "Mon, 10 Mar"}),
    }
    for path, (key, changes) in cases.items():
        good = api.get(path, {"PageSize": 2})
        validate(good)
        for field, value in [*changes.items(), ("account_sid", None), ("surprise", 1)]:
            body = good.json()
            if value is None:
                body[key][0].pop(field)
            else:
                body[key][0][field] = value
            bad = copy.copy(good)
            bad._content = json.dumps(body).encode()
            with pytest.raises(InvalidData):
                validate(bad)


# --- filters, paging, errors -------------------------------------------------------------


def test_creation_ranges_are_half_open(api, product, main_sid):
    now = to_us(NOW)
    for day in DAYS:
        served = api.all(ATTEMPTS, "attempts", {**_day_range(day), "PageSize": 1000})
        wanted = [a for a in product.day(main_sid, day.toordinal()) if a.created <= now]
        assert [a["sid"] for a in served] == [a.sid for a in reversed(wanted)]  # newest first
    attempt = _attempts(product, main_sid)[5]
    second, later = iso(attempt.created), iso(attempt.created + 1_000_000)

    def sids(params):
        return {a["sid"] for a in api.all(ATTEMPTS, "attempts", {**params, "PageSize": 1000})}

    assert attempt.sid in sids({"DateCreatedAfter": second, "DateCreatedBefore": later})
    assert attempt.sid not in sids({"DateCreatedBefore": second})
    assert attempt.sid not in sids({"DateCreatedAfter": later})


def test_equality_filters_select_their_attempts(api, product, main_sid):
    everything = api.all(ATTEMPTS, "attempts", {"PageSize": 1000})
    service = product.services(main_sid)[1].sid
    verification = next(a.verification_sid for a in _attempts(product, main_sid) if a.channel != "email")
    retried = [a for a in everything if a["verification_sid"] == verification]
    for params, keep in (
        ({"VerifyServiceSid": service}, lambda a: a["service_sid"] == service),
        ({"Channel": "call"}, lambda a: a["channel"] == "call"),
        ({"Status": "CONVERTED"}, lambda a: a["conversion_status"] == "converted"),
        ({"Status": "unconverted"}, lambda a: a["conversion_status"] == "unconverted"),
        ({"Country": "GB"}, lambda a: a["channel_data"].get("country") == "GB"),
        ({"VerificationSid": verification}, lambda a: a["verification_sid"] == verification),
        (
            {"ChannelData.To": retried[0]["channel_data"]["to"]},
            lambda a: a["channel_data"]["to"] == retried[0]["channel_data"]["to"],
        ),
    ):
        listed = api.all(ATTEMPTS, "attempts", {**params, "PageSize": 1000})
        assert listed == [a for a in everything if keep(a)] and listed, params


def test_paging_follows_tokens_both_ways(api):
    whole = api.all(ATTEMPTS, "attempts", {"PageSize": 1000})
    first = api.get(ATTEMPTS, {"PageSize": 5}).json()
    second = api.get(first["meta"]["next_page_url"]).json()
    assert [a["sid"] for a in first["attempts"] + second["attempts"]] == [a["sid"] for a in whole[:10]]
    assert "PageToken=PA" in second["meta"]["next_page_url"] and second["meta"]["key"] == "attempts"
    assert api.get(second["meta"]["previous_page_url"]).json()["attempts"] == first["attempts"]
    dated = api.get(ATTEMPTS, {**_day_range(DAYS[0]), "Channel": "sms", "PageSize": 1}).json()["meta"]
    assert "DateCreatedAfter=2025-03-08T00%3A00%3A00Z" in dated["url"] and "Channel=sms" in dated["url"]


@pytest.mark.parametrize(
    "params,status,code",
    [
        ({"DateCreatedAfter": "last week"}, 400, 20001),
        ({"Channel": "fax"}, 400, 20001),
        ({"Status": "pending"}, 400, 20001),
        ({"PageSize": 1001}, 400, 20007),
        ({"PageToken": "PBforged"}, 400, 20001),
    ],
)
def test_errors_are_twilios(api, params, status, code):
    answer = api.get(ATTEMPTS, params)
    assert answer.status_code == status
    assert answer.json()["code"] == code and answer.json()["status"] == status


# --- the clock -----------------------------------------------------------------------------


def test_an_attempt_is_priced_delivered_and_converted(api, admin, product, main_sid):
    attempt = next(a for a in _attempts(product, main_sid) if a.converted_at is not None and a.channel == "sms")
    states = []
    for instant in (
        at(attempt.created, 0.1),
        at(attempt.priced_at, 0.1),
        at(attempt.delivered_at, 0.1),
        at(attempt.converted_at, 0.1),
    ):
        admin.set_now(instant)
        listed = api.all(ATTEMPTS, "attempts", {"VerificationSid": attempt.verification_sid})
        record = next(a for a in listed if a["sid"] == attempt.sid)
        states.append(
            (
                record["price"] and record["price"]["value"],
                record["channel_data"]["message_status"],
                record["conversion_status"],
                record["date_updated"],
            )
        )
    price = attempt.price
    assert states == [
        (None, "queued", "unconverted", iso(attempt.created)),
        (price, "sent", "unconverted", iso(attempt.priced_at)),
        (price, "delivered", "unconverted", iso(attempt.delivered_at)),
        (price, "delivered", "converted", iso(attempt.converted_at)),
    ]


def test_a_retried_verification_converts_its_last_attempt_only(api, product, main_sid):
    by_verification: dict[str, list] = {}
    for attempt in _attempts(product, main_sid):
        by_verification.setdefault(attempt.verification_sid, []).append(attempt)
    retried = next(v for v in by_verification.values() if len(v) > 1 and v[-1].converted_at is not None)
    listed = api.all(ATTEMPTS, "attempts", {"VerificationSid": retried[0].verification_sid})
    assert [a["conversion_status"] for a in listed] == ["converted"] + ["unconverted"] * (len(retried) - 1)
    assert [a["sid"] for a in listed] == [a.sid for a in reversed(retried)]


def test_the_service_edit_moves_date_updated(api, admin, product, main_sid):
    service = product.services(main_sid)[0]
    before = next(s for s in api.all(f"{BASE}/Services", "services") if s["sid"] == service.sid)
    admin.set_now(at(service.warning_from, 1))
    after = next(s for s in api.all(f"{BASE}/Services", "services") if s["sid"] == service.sid)
    assert (before["do_not_share_warning_enabled"], after["do_not_share_warning_enabled"]) == (False, True)
    assert after["date_updated"] == iso(service.warning_from) != before["date_updated"]


def test_only_the_last_30_days_are_listed():
    now = datetime(2025, 3, 10, 12, tzinfo=NOW.tzinfo)
    config = SandboxConfig(now=now, days=40, subaccounts=0, calls_per_day=1, messages_per_day=1)
    with SandboxServer(config) as server:
        api = Api(server.base_url, auth=(config.main_account_sid, config.auth_token))
        days = {a["date_created"][:10] for a in api.all(ATTEMPTS, "attempts", {"PageSize": 1000})}
        oldest = (now.date() - timedelta(days=30)).isoformat()
        assert min(days) == oldest and len(days) == 31
        # A range reaching further back is answered with what is left, not refused.
        early = api.all(ATTEMPTS, "attempts", _day_range(now.date() - timedelta(days=35)))
        assert early == []
        assert (
            list(expected_records(server.world, "verify_attempts", [config.main_account_sid], [date(2025, 2, 1)])) == []
        )


def test_new_attempts_appear_as_the_clock_runs(api, admin):
    before = api.all(ATTEMPTS, "attempts", {"PageSize": 1000})
    admin.set_now(NOW + timedelta(hours=3))
    after = api.all(ATTEMPTS, "attempts", {"PageSize": 1000})
    new = [a for a in after if datetime.fromisoformat(a["date_created"]) > NOW]
    assert new and after[: len(new)] == new
    assert [a["sid"] for a in after[len(new) :]] == [a["sid"] for a in before]


# --- accounts, the oracle, the SDK ------------------------------------------------------


def test_subaccounts_see_their_own_verify_or_none(server, config, sub_api, product, main_sid, sub_sid):
    services = sub_api.all(f"{BASE}/Services", "services")
    assert [s["sid"] for s in services] == [s.sid for s in product.services(sub_sid)] and len(services) == 1
    assert {a["account_sid"] for a in sub_api.all(ATTEMPTS, "attempts", {"PageSize": 1000})} == {sub_sid}
    sub2 = _sub2(server, config)
    assert sub2.get(f"{BASE}/Services").json()["services"] == [] and sub2.get(ATTEMPTS).json()["attempts"] == []
    for name in ("verify_services", "verify_attempts"):
        assert list(expected_records(server.world, name, [config.account_sid_of("sub2")])) == []


def test_the_oracle_is_what_the_server_lists(api, sub_api, world, main_sid, sub_sid):
    for client, accounts in ((api, [main_sid, sub_sid]), (sub_api, [sub_sid])):
        assert list(expected_records(world, "verify_services", accounts, DAYS[:1])) == client.all(
            f"{BASE}/Services", "services"
        )
        for day in DAYS:
            served = client.all(ATTEMPTS, "attempts", {**_day_range(day), "PageSize": 1000})
            assert list(expected_records(world, "verify_attempts", accounts, [day])) == served
        assert list(expected_records(world, "verify_attempts", accounts)) == [
            a for day in DAYS for a in client.all(ATTEMPTS, "attempts", {**_day_range(day), "PageSize": 1000})
        ]


def test_the_sdk_reads_both_verify_lists(server, config, world, main_sid):
    from test_sandbox_sdk import SandboxHttpClient, _check
    from twilio.rest import Client

    http = SandboxHttpClient(server.base_url)
    verify = Client(config.main_account_sid, config.auth_token, http_client=http).verify.v2
    _check(verify.services.list(page_size=1), list(expected_records(world, "verify_services", [main_sid])))
    day = datetime(2025, 3, 9, tzinfo=NOW.tzinfo)
    listed = verify.verification_attempts.list(
        date_created_after=day, date_created_before=day + timedelta(days=1), page_size=7
    )
    _check(listed, list(expected_records(world, "verify_attempts", [main_sid], [day.date()])))
    assert "verify.twilio.com" in http.hosts
