"""The v2010 lists product: message media, outgoing caller IDs, applications, queues, API keys and SIP
domains, as served over HTTP, against the official spec, the world's own records and the twilio SDK."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from email.utils import parsedate_to_datetime

import pytest
from openapi_core.validation.response.exceptions import InvalidData
from sandbox_client import NOW, Api, v2010
from sandbox_moments import at, messages
from sandbox_spec import validate
from test_sandbox_sdk import SandboxHttpClient
from twilio.base import deserialize
from twilio.rest import Client

from twilio_assets.sandbox import SandboxConfig, SandboxServer

DAYS = [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)]
# (collection, path under the account, list key)
LISTS = [
    ("outgoing_caller_ids", "OutgoingCallerIds", "outgoing_caller_ids"),
    ("applications", "Applications", "applications"),
    ("queues", "Queues", "queues"),
    ("keys", "Keys", "keys"),
    ("sip_domains", "SIP/Domains", "domains"),
]


def _expected(world, collection: str, account: str, days=None) -> list[dict]:
    return list(world.product_for(collection).expected(collection, [account], days))


def _media_path(account: str, message_sid: str) -> str:
    return f"/2010-04-01/Accounts/{account}/Messages/{message_sid}/Media.json"


def _not_found(response, path: str) -> None:
    assert response.status_code == 404
    assert response.json() == {
        "code": 20404,
        "message": f"The requested resource {path} was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "status": 404,
    }


def _mms(world, account: str) -> list[dict]:
    return [m for m in world.records(account, "messages") if int(m["num_media"]) > 0]


# --- the spec -------------------------------------------------------------------------------


@pytest.mark.parametrize("collection,path,key", LISTS)
def test_every_list_conforms_on_every_page(api, world, collection, path, key):
    seen = 0
    for account in world.account_nicknames.values():
        pages = api.pages(v2010(account, path), {"PageSize": 1})
        for page in pages:
            validate(page)
        seen += sum(len(p.json()[key]) for p in pages)
        # Past the end: an empty page, still a valid one.
        validate(api.get(v2010(account, path), {"PageSize": 2, "Page": 30}))
    assert seen > 0


def test_media_lists_conform_with_and_without_filters(api, world, main_sid, sub_sid):
    for account in (main_sid, sub_sid):
        mms = _mms(world, account)[:6]
        sms = next(m for m in world.records(account, "messages") if m["num_media"] == "0")
        assert mms
        for message in [*mms, sms]:
            day = parsedate_to_datetime(message["date_created"]).date().isoformat()
            for params in ({}, {"PageSize": 1}, {"DateCreated": day}, {"DateCreated<": day}, {"DateCreated>": day}):
                for page in api.pages(_media_path(account, message["sid"]), params):
                    validate(page)


def test_the_validator_rejects_tampered_records(api, world, main_sid):
    """The checks above can fail: each change the spec forbids is refused."""
    keys = api.get(v2010(main_sid, "Keys"))
    mms = _mms(world, main_sid)[0]
    media = api.get(_media_path(main_sid, mms["sid"]))
    callers = api.get(v2010(main_sid, "OutgoingCallerIds"))
    cases = [
        (keys, "keys", lambda r: r.update(secret="s3cr3t")),  # a key list never carries a secret
        (keys, "keys", lambda r: r.pop("date_updated")),
        (media, "media_list", lambda r: r.update(parent_sid="CA" + "0" * 32)),
        (media, "media_list", lambda r: r.update(date_created="2025-03-09T10:00:00Z")),
        (callers, "outgoing_caller_ids", lambda r: r.update(sid="CI" + "0" * 32)),
    ]
    for good, key, tamper in cases:
        validate(good)
        body = good.json()
        tamper(body[key][0])
        bad = copy.copy(good)
        bad._content = json.dumps(body).encode()
        with pytest.raises(InvalidData):
            validate(bad)


# --- the world's records, paging and filters -----------------------------------------------


@pytest.mark.parametrize("collection,path,key", LISTS)
def test_lists_are_the_oracle_page_by_page(api, world, collection, path, key):
    for account in world.account_nicknames.values():
        expected = _expected(world, collection, account)
        assert api.all(v2010(account, path), key, {"PageSize": 1}) == expected
        assert api.get(v2010(account, path)).json()[key] == expected
        # Whole lists ignore days.
        assert _expected(world, collection, account, []) == expected
        if len(expected) >= 2:
            # Page offsets and the way back.
            second = api.get(v2010(account, path), {"PageSize": 1, "Page": 1}).json()
            assert second[key] == expected[1:2]
            back = api.get(second["previous_page_uri"]).json()
            assert back[key] == expected[:1]


def test_caller_id_and_application_filters(api, world, main_sid):
    callers = _expected(world, "outgoing_caller_ids", main_sid)
    target = callers[-1]
    # A '+' sent unencoded decodes to a space; the sandbox restores it as Twilio's parser does.
    for number in (target["phone_number"], target["phone_number"].replace("+", " ")):
        body = api.get(v2010(main_sid, "OutgoingCallerIds"), {"PhoneNumber": number, "Nope": "1"}).json()
        assert body["outgoing_caller_ids"] == [target]
        assert "PhoneNumber=%2B" in body["uri"] and "Nope" not in body["uri"]
    named = [c for c in callers if c["friendly_name"] == target["friendly_name"]]
    listed = api.all(
        v2010(main_sid, "OutgoingCallerIds"), "outgoing_caller_ids", {"FriendlyName": target["friendly_name"]}
    )
    assert listed == named
    app = _expected(world, "applications", main_sid)[0]
    listed = api.all(v2010(main_sid, "Applications"), "applications", {"FriendlyName": app["friendly_name"]})
    assert app in listed and all(a["friendly_name"] == app["friendly_name"] for a in listed)
    assert api.get(v2010(main_sid, "Applications"), {"FriendlyName": "no such app"}).json()["applications"] == []


def test_accounts_without_the_product_get_empty_lists(api, world, config):
    last = config.account_sid_of(f"sub{config.subaccounts}")
    for collection, path, key in LISTS:
        listed = api.get(v2010(last, path))
        assert listed.status_code == 200
        if collection == "outgoing_caller_ids":
            assert listed.json()[key], "every account calls out, so every account has caller IDs"
        else:
            assert listed.json()[key] == [] == _expected(world, collection, last)
    assert api.get(v2010(config.account_sid_of("sub1"), "SIP/Domains")).json()["domains"] == []


def test_credentials_reach_what_they_should(api, sub_api, key_api, main_sid, sub_sid):
    for _, path, key in LISTS:
        assert sub_api.get(v2010(main_sid, path)).status_code == 401
        assert sub_api.get(v2010(sub_sid, path)).json()[key] == api.get(v2010(sub_sid, path)).json()[key]
        assert key_api.get(v2010(sub_sid, path)).status_code == 200
        unknown = v2010("AC" + "1" * 32, path)
        _not_found(api.get(unknown), unknown)


def test_keys_list_the_sandbox_key_and_never_a_secret(api, world, config, main_sid):
    listed = api.get(v2010(main_sid, "Keys"))
    assert config.api_key_sid in {k["sid"] for k in listed.json()["keys"]}
    assert all(set(k) == {"sid", "friendly_name", "date_created", "date_updated"} for k in listed.json()["keys"])
    for account in world.account_nicknames.values():
        for _, path, _ in LISTS:
            text = api.get(v2010(account, path)).text
            assert config.api_key_secret not in text and config.auth_token not in text


# --- message media ----------------------------------------------------------------------------


def test_each_message_has_exactly_its_media(api, world):
    for account in world.account_nicknames.values():
        for message in world.records(account, "messages"):
            media = api.all(_media_path(account, message["sid"]), "media_list")
            assert len(media) == int(message["num_media"])
            assert all(m["parent_sid"] == message["sid"] and m["account_sid"] == account for m in media)
            assert all(m["date_created"] == message["date_created"] for m in media)
        assert _mms(world, account)


def test_media_date_filters(api, world, main_sid):
    message = _mms(world, main_sid)[0]
    path = _media_path(main_sid, message["sid"])
    everything = api.all(path, "media_list")
    day = parsedate_to_datetime(message["date_created"]).date()
    cases = {
        day: everything,
        day + timedelta(days=1): [],
    }
    for when, expected in cases.items():
        assert api.all(path, "media_list", {"DateCreated": when.isoformat()}) == expected
    assert api.all(path, "media_list", {"DateCreated<": day.isoformat()}) == everything  # the day is inclusive
    assert api.all(path, "media_list", {"DateCreated<": (day - timedelta(days=1)).isoformat()}) == []
    assert api.all(path, "media_list", {"DateCreated>": day.isoformat()}) == everything
    assert api.all(path, "media_list", {"DateCreated>": (day + timedelta(days=1)).isoformat()}) == []
    assert api.get(path, {"DateCreated": "yesterday"}).json()["code"] == 20001


def test_media_of_unknown_foreign_future_and_deleted_messages_are_not_found(api, sub_api, main_sid, sub_sid, world):
    for account, sid in ((main_sid, "MM" + "0" * 32), (main_sid, next(iter(_mms(world, sub_sid)))["sid"])):
        _not_found(api.get(_media_path(account, sid)), _media_path(account, sid))
    ours = _mms(world, main_sid)[0]["sid"]
    assert sub_api.get(_media_path(main_sid, ours)).status_code == 401
    # A deleted MMS: media until the message goes, 404 from then on (and before it was sent).
    cfg = SandboxConfig(now=NOW, subaccounts=0, messages_per_day=1500)
    with SandboxServer(cfg) as server:
        busy = Api(server.base_url, auth=(cfg.main_account_sid, cfg.auth_token))
        main = cfg.main_account_sid
        gone = next(m for m in messages(server.world, main, DAYS[1]) if m.gone_at is not None and m.num_media)
        path = _media_path(main, gone.sid)
        server.world.set_now(at(gone.created, -1))
        _not_found(busy.get(path), path)
        server.world.set_now(at(gone.gone_at, -1))
        assert len(busy.all(path, "media_list")) == gone.num_media
        server.world.set_now(at(gone.gone_at, 0))
        _not_found(busy.get(path), path)
        expected = _expected(server.world, "message_media", main, [DAYS[1]])
        assert expected and all(m["parent_sid"] != gone.sid for m in expected)


def test_media_oracle_is_the_media_of_the_days_messages(api, world, main_sid, sub_sid):
    for account in (main_sid, sub_sid):
        for day in DAYS:
            sent = api.all(v2010(account, "Messages"), "messages", {"DateSent": day.isoformat(), "PageSize": 1000})
            served = [
                m
                for msg in sent
                if msg["num_media"] != "0"
                for m in api.all(_media_path(account, msg["sid"]), "media_list")
            ]
            assert served and _expected(world, "message_media", account, [day]) == served
        assert _expected(world, "message_media", account, []) == []


def test_media_beyond_message_retention_are_not_expected():
    cfg = SandboxConfig(now=NOW, days=403, subaccounts=0, calls_per_day=1, messages_per_day=60, conferences_per_day=0)
    with SandboxServer(cfg) as server:
        main = cfg.main_account_sid
        old, kept = NOW.date() - timedelta(days=401), NOW.date() - timedelta(days=400)
        assert any(m["num_media"] != "0" for m in server.world.records_for_day(main, "messages", old))
        assert _expected(server.world, "message_media", main, [old]) == []
        assert _expected(server.world, "message_media", main, [kept])


# --- consistency with the rest of the world ------------------------------------------------


def test_calls_name_caller_ids_outbound_and_numbers_inbound(world):
    world.set_now(world.now + timedelta(days=1))  # every call of the window has been placed
    for account in world.account_nicknames.values():
        numbers = {n["sid"]: n for n in world.records(account, "incoming_phone_numbers")}
        callers = {c["sid"]: c for c in _expected(world, "outgoing_caller_ids", account)}
        outbound = 0
        for call in world.records(account, "calls"):
            if call["direction"] == "inbound":
                assert numbers[call["phone_number_sid"]]["phone_number"] == call["to"]
            else:
                outbound += 1
                assert callers[call["phone_number_sid"]]["phone_number"] == call["from"]
        assert outbound > 0 and not set(numbers) & set(callers)


def test_numbers_point_at_served_applications(world, config):
    pointed = 0
    for account in world.account_nicknames.values():
        apps = {a["sid"] for a in _expected(world, "applications", account)}
        for number in world.records(account, "incoming_phone_numbers"):
            for field in ("voice_application_sid", "sms_application_sid"):
                if number[field]:
                    pointed += 1
                    assert number[field] in apps
    assert pointed > 0
    # Some stay unset (""), as Twilio sends them.
    main = list(world.records(config.main_account_sid, "incoming_phone_numbers"))
    assert any(n["sms_application_sid"] == "" for n in main)


# --- the clock ----------------------------------------------------------------------------------


def test_the_clock_adds_deletes_and_renames_entries(api, admin, world, main_sid):
    before = {c: {r["sid"]: r for r in _expected(world, c, main_sid)} for c, _, _ in LISTS}
    admin.advance(4 * 86_400)
    changed = {"added": 0, "deleted": 0, "renamed": 0}
    for collection, path, key in LISTS:
        after = {r["sid"]: r for r in api.all(v2010(main_sid, path), key)}
        assert list(after.values()) == _expected(world, collection, main_sid)
        changed["added"] += len(set(after) - set(before[collection]))
        changed["deleted"] += len(set(before[collection]) - set(after))
        changed["renamed"] += sum(
            1
            for sid in set(after) & set(before[collection])
            if after[sid]["friendly_name"] != before[collection][sid]["friendly_name"]
            and after[sid]["date_updated"] != before[collection][sid]["date_updated"]
        )
    assert all(changed.values()), changed


def test_queue_occupancy_follows_the_clock(api, admin, main_sid):
    sizes = set()
    for _ in range(12):
        queues = api.get(v2010(main_sid, "Queues")).json()["queues"]
        sizes |= {(q["current_size"], q["average_wait_time"] > 0) for q in queues}
        assert all((q["current_size"] == 0) == (q["average_wait_time"] == 0) for q in queues)
        admin.advance(300)
    assert len(sizes) > 2


# --- the official SDK ----------------------------------------------------------------------------


def _same(listed: list, expected: list[dict]) -> None:
    assert [r.sid for r in listed] == [e["sid"] for e in expected]
    for record, wire in zip(listed, expected, strict=True):
        for field, value in wire.items():
            got = getattr(record, field)
            if field.startswith("date_"):
                value = deserialize.rfc2822_datetime(value)
            assert got == value, field


def test_the_sdk_lists_each_collection(world, config, server):
    client = Client(config.main_account_sid, config.auth_token, http_client=SandboxHttpClient(server.base_url))
    for account in world.account_nicknames.values():
        api = client.api.v2010.accounts(account)
        _same(api.outgoing_caller_ids.list(page_size=2), _expected(world, "outgoing_caller_ids", account))
        _same(api.applications.list(page_size=2), _expected(world, "applications", account))
        _same(api.queues.list(page_size=1), _expected(world, "queues", account))
        _same(api.keys.list(page_size=1), _expected(world, "keys", account))
        _same(api.sip.domains.list(), _expected(world, "sip_domains", account))
        message = _mms(world, account)[0]
        _same(api.messages(message["sid"]).media.list(page_size=1), _media_of(world, account, message))


def _media_of(world, account: str, message: dict) -> list[dict]:
    day = parsedate_to_datetime(message["date_sent"]).date()
    return [m for m in _expected(world, "message_media", account, [day]) if m["parent_sid"] == message["sid"]]
