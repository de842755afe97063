"""Messaging Services (messaging.twilio.com/v1, served under /messaging): both lists against the official
spec, each account seeing only its own services, the service every account's messages name being one
of its services with its numbers in it, the marketing service, its A2P registration and a number
moving to it as the clock passes them, paging, Twilio's SDK reading both lists, and the oracle."""

from __future__ import annotations

import copy
import json
from urllib.parse import urlsplit

import openapi_schema_validator
import pytest
from openapi_core.validation.response.exceptions import InvalidData
from sandbox_client import NOW, Api, v2010
from sandbox_moments import at
from sandbox_spec import error_schema, validate

from twilio_assets.sandbox.oracle import expected_records

SERVICES = "/messaging/v1/Services"


def numbers_path(service_sid: str) -> str:
    return f"{SERVICES}/{service_sid}/PhoneNumbers"


@pytest.fixture
def product(world):
    return world.product_for("messaging_services")


def marketing(product, main_sid):
    """The main account's second service, opened on one of the sandbox days."""
    return product.services_of(main_sid)[1]


def moved_number(product, main_sid):
    """The number that leaves the first service for the marketing one: (its stay in the first, in the second)."""
    numbers = product.numbers_in_services(main_sid)
    first = next(n for n in numbers if n.left is not None)
    second = next(n for n in numbers if n.number.sid == first.number.sid and n is not first)
    return first, second


def sub_clients(server, config) -> list[tuple[str, Api]]:
    return [
        (sid, Api(server.base_url, auth=(sid, config.account_auth_token(nick))))
        for nick, sid in ((n, config.account_sid_of(n)) for n in config.nicknames[1:])
    ]


# --- the spec --------------------------------------------------------------------------


def test_both_lists_conform_on_every_page(api, sub_api, admin, product, main_sid):
    # After the marketing service exists, and before its numbers joined (an empty list validates too).
    service = marketing(product, main_sid)
    for instant in (at(service.created, 1), NOW):
        admin.set_now(instant)
        for client in (api, sub_api):
            for page in client.pages(SERVICES, {"PageSize": 1}):
                validate(page)
                for record in page.json()["services"]:
                    for numbers in client.pages(numbers_path(record["sid"]), {"PageSize": 1}):
                        validate(numbers)
    admin.set_now(at(service.created, 1))
    assert api.get(numbers_path(service.sid)).json()["phone_numbers"] == []


def test_a_tampered_page_fails_the_spec(api):
    good = api.get(SERVICES, {"PageSize": 1})
    validate(good)
    tamperings = {
        "missing property": lambda rec: rec.pop("usecase"),
        "undocumented property": lambda rec: rec.update(status="active"),
        "RFC 2822 instead of ISO 8601": lambda rec: rec.update(date_created="Mon, 10 Mar 2025 12:00:00 +0000"),
        "bad SID": lambda rec: rec.update(sid="MG123"),
        "unknown scan_message_content": lambda rec: rec.update(scan_message_content="sometimes"),
        "string where the spec says integer": lambda rec: rec.update(validity_period="36000"),
    }
    for name, tamper in tamperings.items():
        bad = copy.copy(good)
        body = good.json()
        tamper(body["services"][0])
        bad._content = json.dumps(body).encode()
        with pytest.raises(InvalidData):
            validate(bad)
            pytest.fail(f"the spec accepted a service with this change: {name}")


# --- whose services --------------------------------------------------------------------


def test_each_account_sees_only_its_own_services(api, key_api, server, config, main_sid):
    main_services = {s["sid"] for s in api.all(SERVICES, "services")}
    assert {s["sid"] for s in key_api.all(SERVICES, "services")} == main_services  # the main account's API key
    subs = sub_clients(server, config)
    for sub_sid, client in subs:
        services = client.all(SERVICES, "services")
        assert services and {s["account_sid"] for s in services} == {sub_sid}
        assert not main_services & {s["sid"] for s in services}
        # The main account's credentials do not reach a subaccount's services on this host.
        refused = api.get(numbers_path(services[0]["sid"]))
        assert refused.status_code == 404 and refused.json()["code"] == 20404
        openapi_schema_validator.validate(refused.json(), error_schema())


def test_the_service_messages_name_is_served_with_the_accounts_numbers(api, server, config, world):
    for account_sid, client in [(config.main_account_sid, api), *sub_clients(server, config)]:
        services = {s["sid"]: s for s in client.all(SERVICES, "services")}
        named = {m["messaging_service_sid"] for m in world.records(account_sid, "messages")} - {None}
        assert named == {world.account(account_sid).messaging_service_sid}
        assert named <= services.keys()
        own = {
            n["sid"]: n["phone_number"]
            for n in api.all(v2010(account_sid, "IncomingPhoneNumbers"), "incoming_phone_numbers")
        }
        in_services = {}
        for sid in services:
            for number in client.all(numbers_path(sid), "phone_numbers"):
                assert number["service_sid"] == sid and number["account_sid"] == account_sid
                assert number["sid"] not in in_services, "a number is in one service at a time"
                in_services[number["sid"]] = number["phone_number"]
        # Every number in a service is one of the account's own, under the same SID.
        assert in_services and all(own.get(sid) == phone for sid, phone in in_services.items())
        # The numbers the account's outbound messages are sent from are in one of its services.
        senders = {m["from"] for m in world.records(account_sid, "messages") if m["direction"] != "inbound"}
        assert senders <= set(in_services.values())


# --- the clock -------------------------------------------------------------------------


def test_the_marketing_service_appears_registers_and_takes_a_number(api, admin, product, main_sid):
    service = marketing(product, main_sid)
    left, joined = moved_number(product, main_sid)
    admin.set_now(at(service.created, -1))
    assert service.sid not in {s["sid"] for s in api.all(SERVICES, "services")}
    assert api.get(numbers_path(service.sid)).status_code == 404  # not created yet

    admin.set_now(at(service.created, 1))
    listed = {s["sid"]: s for s in api.all(SERVICES, "services")}
    assert listed[service.sid]["us_app_to_person_registered"] is False
    assert listed[service.sid]["date_updated"] == listed[service.sid]["date_created"]

    admin.set_now(at(service.registered_at, 1))
    registered = next(s for s in api.all(SERVICES, "services") if s["sid"] == service.sid)
    assert registered["us_app_to_person_registered"] is True
    assert registered["date_updated"] > registered["date_created"]

    number = left.number.sid
    admin.set_now(at(joined.created, -1))
    assert number in {n["sid"] for n in api.all(numbers_path(left.service_sid), "phone_numbers")}
    assert number not in {n["sid"] for n in api.all(numbers_path(service.sid), "phone_numbers")}
    admin.set_now(at(joined.created, 1))
    assert number not in {n["sid"] for n in api.all(numbers_path(left.service_sid), "phone_numbers")}
    assert number in {n["sid"] for n in api.all(numbers_path(service.sid), "phone_numbers")}


def test_numbers_bought_during_the_days_join_a_service_later(api, sub_api, admin, world, product, config):
    for account_sid, client in ((config.main_account_sid, api), (config.account_sid_of("sub1"), sub_api)):
        traffic = {n.sid for n in world.account(account_sid).traffic_numbers}
        late = [n for n in product.numbers_in_services(account_sid) if n.number.sid not in traffic]
        for joined in late:
            admin.set_now(at(joined.created, -1))
            assert joined.number.sid not in {
                n["sid"] for n in client.all(numbers_path(joined.service_sid), "phone_numbers")
            }
            admin.set_now(at(joined.created, 1))
            assert joined.number.sid in {
                n["sid"] for n in client.all(numbers_path(joined.service_sid), "phone_numbers")
            }
            assert joined.created > joined.number.created


# --- paging ----------------------------------------------------------------------------


def test_paging_walks_the_list_newest_first_and_tokens_are_signed(api, sub_api):
    whole = api.get(SERVICES, {"PageSize": 1000}).json()["services"]
    assert len(whole) == 2
    assert [s["sid"] for s in api.all(SERVICES, "services", {"PageSize": 1})] == [s["sid"] for s in whole]
    assert [s["date_created"] for s in whole] == sorted((s["date_created"] for s in whole), reverse=True)
    numbers = numbers_path(sub_api.get(SERVICES).json()["services"][0]["sid"])
    walked = sub_api.pages(numbers, {"PageSize": 1})
    assert len(walked) >= 2
    assert walked[1].json()["meta"]["previous_page_url"] and walked[0].json()["meta"]["key"] == "phone_numbers"
    assert [n["sid"] for p in walked for n in p.json()["phone_numbers"]] == [
        n["sid"] for n in sub_api.get(numbers, {"PageSize": 1000}).json()["phone_numbers"]
    ]
    assert walked[0].json()["meta"]["next_page_url"].startswith(sub_api.base_url + numbers + "?")
    forged = api.get(SERVICES, {"PageSize": 1, "Page": 1, "PageToken": "PAdeadbeef"})
    assert forged.status_code == 400 and forged.json()["code"] == 20001


# --- the SDK and the oracle ---------------------------------------------------------------


def test_the_sdk_lists_both_and_gets_the_oracles_records(config, server, world):
    twilio = pytest.importorskip("twilio", reason="the twilio SDK is a dev dependency")
    from test_sandbox_sdk import SandboxHttpClient, _check
    from twilio.rest import Client

    assert twilio
    http = SandboxHttpClient(server.base_url)
    client = Client(config.main_account_sid, config.auth_token, http_client=http)
    main = [config.main_account_sid]
    services = client.messaging.v1.services.list(page_size=1)
    _check(services, list(expected_records(world, "messaging_services", main)))
    numbers = [n for s in services for n in client.messaging.v1.services(s.sid).phone_numbers.list()]
    _check(numbers, list(expected_records(world, "messaging_service_phone_numbers", main)))
    # The first page from Twilio's host; the next ones from the absolute URLs the sandbox's pages name.
    assert http.hosts == {"messaging.twilio.com", urlsplit(server.base_url).netloc}


def test_the_oracle_is_what_each_account_lists(api, server, config, world):
    for account_sid, client in [(config.main_account_sid, api), *sub_clients(server, config)]:
        services = client.all(SERVICES, "services")
        assert services == list(expected_records(world, "messaging_services", [account_sid]))
        numbers = [n for s in services for n in client.all(numbers_path(s["sid"]), "phone_numbers")]
        assert numbers == list(expected_records(world, "messaging_service_phone_numbers", [account_sid]))
        # Read whole: the days asked for do not matter.
        assert list(expected_records(world, "messaging_services", [account_sid], [NOW.date()])) == services
