"""Conversations (conversations.twilio.com/v1, served under /conversations): the five lists against
the official spec, their filters and paging, the clock moving conversations through their states,
Twilio's SDK reading them, the oracle against the server, and subaccounts without the product."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from urllib.parse import urlsplit

import pytest
from openapi_core.validation.response.exceptions import InvalidData
from sandbox_client import NOW
from sandbox_moments import at
from sandbox_spec import validate

from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.timefmt import iso, to_us

DAYS = [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)]
BASE = "/conversations/v1"
COLLECTIONS = (
    "conversation_services",
    "conversations",
    "conversation_messages",
    "conversation_participants",
    "conversation_users",
)


@pytest.fixture
def product(world):
    return world.product_for("conversations")


def _day_range(day: date) -> dict:
    return {"StartDate": f"{day}T00:00:00Z", "EndDate": f"{day}T23:59:59Z"}


def _convs(product, account: str):
    """Every conversation of the sandbox's days that exists at NOW, oldest first."""
    return [c for day in DAYS for c in product.conversations_of_day(account, day, to_us(NOW))]


def _children(conv_sid: str, what: str) -> str:
    return f"{BASE}/Conversations/{conv_sid}/{what}"


# --- the spec --------------------------------------------------------------------------


def _walk(api, path: str, params: dict, key: str, size: int) -> list[dict]:
    pages = api.pages(path, {**params, "PageSize": size})
    for page in pages:
        validate(page)
    return [r for p in pages for r in p.json()[key]]


def test_every_list_conforms_on_every_page_and_in_every_state(api, admin, server, config, product, main_sid, sub_sid):
    convs = _convs(product, main_sid)
    long_thread = max(convs, key=lambda c: len(c.messages))
    closing = next(c for c in convs if c.closed_at is not None and c.closed_at < to_us(NOW))
    # Early (messages still arriving, timers pending), mid (inactive) and after closing.
    instants = [at(closing.created, 60), at(closing.inactive_at(), 1), at(closing.closed_at, 1), NOW]
    for instant in instants:
        admin.set_now(instant)
        for path, key, params in (
            (f"{BASE}/Services", "services", {}),
            (f"{BASE}/Users", "users", {}),
            (f"{BASE}/Conversations", "conversations", {}),
            (f"{BASE}/Conversations", "conversations", {"State": "active"}),
            (f"{BASE}/Conversations", "conversations", _day_range(DAYS[1])),
        ):
            assert len(_walk(api, path, params, key, 4)) == len(api.all(path, key, params))
        for conv in (closing, long_thread):
            if conv.exists(to_us(instant)):
                _walk(api, _children(conv.sid, "Messages"), {"Order": "desc"}, "messages", 40)
                _walk(api, _children(conv.sid, "Participants"), {}, "participants", 1)
    # The empty lists of an account without the product conform too.
    sub = _api_for(server, sub_sid, config.account_auth_token("sub1"))
    for path, key in ((f"{BASE}/Conversations", "conversations"), (f"{BASE}/Users", "users")):
        assert _walk(sub, path, {}, key, 10) == []


def test_the_validator_rejects_what_the_conversations_spec_forbids(api, product, main_sid):
    conv = _convs(product, main_sid)[0]
    cases = {
        f"{BASE}/Conversations": (
            "conversations",
            {
                "unknown state": lambda r: r.update(state="archived"),
                "bad SID": lambda r: r.update(sid="CH123"),
                "missing timers": lambda r: r.pop("timers"),
                "undocumented property": lambda r: r.update(topic="billing"),
                "RFC 2822 instead of ISO": lambda r: r.update(date_created="Mon, 10 Mar 2025 11:00:00 +0000"),
            },
        ),
        _children(conv.sid, "Messages"): (
            "messages",
            {
                "index as a string": lambda r: r.update(index="1"),
                "bad participant SID": lambda r: r.update(participant_sid="PA1"),
            },
        ),
        _children(conv.sid, "Participants"): ("participants", {"missing identity": lambda r: r.pop("identity")}),
        f"{BASE}/Users": ("users", {"bad service SID": lambda r: r.update(chat_service_sid="MG" + "0" * 32)}),
    }
    for path, (key, tamperings) in cases.items():
        good = api.get(path, {"PageSize": 2})
        validate(good)
        for name, tamper in tamperings.items():
            body = good.json()
            tamper(body[key][0])
            bad = copy.copy(good)
            bad._content = json.dumps(body).encode()
            with pytest.raises(InvalidData):
                validate(bad)
                pytest.fail(f"{path}: the spec accepted {name}")


# --- filters and paging ------------------------------------------------------------------


def test_date_filters_select_the_creation_day_newest_first(api, product, main_sid):
    unfiltered = api.all(f"{BASE}/Conversations", "conversations", {"PageSize": 7})
    created = [c["date_created"] for c in unfiltered]
    assert created == sorted(created), "without a date filter the list is oldest first"
    assert [c["sid"] for c in unfiltered] == [c.sid for c in _convs(product, main_sid)]
    by_day = []
    for day in DAYS:
        listed = api.all(f"{BASE}/Conversations", "conversations", {**_day_range(day), "PageSize": 5})
        assert listed and all(c["date_created"].startswith(day.isoformat()) for c in listed)
        assert [c["date_created"] for c in listed] == sorted((c["date_created"] for c in listed), reverse=True)
        by_day += listed
    assert sorted(c["sid"] for c in by_day) == sorted(c["sid"] for c in unfiltered)


def test_date_bounds_are_inclusive_to_the_second(api, product, main_sid):
    conv = _convs(product, main_sid)[5]
    second = iso(conv.created)
    before = iso(conv.created - 1_000_000)
    after = iso(conv.created + 1_000_000)

    def sids(**params) -> set[str]:
        return {c["sid"] for c in api.all(f"{BASE}/Conversations", "conversations", params)}

    assert conv.sid in sids(StartDate=second) and conv.sid in sids(EndDate=second)
    assert conv.sid not in sids(StartDate=after) and conv.sid not in sids(EndDate=before)
    # A bare day is the whole day, for either bound.
    day = second[:10]
    assert conv.sid in sids(StartDate=day, EndDate=day)


def test_state_filter_partitions_the_list(api, main_sid):
    everything = api.all(f"{BASE}/Conversations", "conversations")
    states = {c["state"] for c in everything}
    assert {"active", "inactive", "closed"} <= states
    for state in ("active", "inactive", "closed", "initializing"):
        listed = api.all(f"{BASE}/Conversations", "conversations", {"State": state})
        assert listed == [c for c in everything if c["state"] == state]


def test_paging_follows_tokens_both_ways(api):
    path = f"{BASE}/Conversations"
    whole = api.all(path, "conversations", {"PageSize": 100})
    first = api.get(path, {"PageSize": 4}).json()
    second = api.get(first["meta"]["next_page_url"]).json()
    assert [c["sid"] for c in first["conversations"] + second["conversations"]] == [c["sid"] for c in whole[:8]]
    assert second["meta"]["page"] == 1 and "PageToken=PA" in second["meta"]["next_page_url"]
    back = api.get(second["meta"]["previous_page_url"]).json()
    assert back["conversations"] == first["conversations"]
    # Page without a token is an offset; filters ride along in the page URLs.
    offset = api.get(path, {"PageSize": 4, "Page": 1}).json()
    assert offset["conversations"] == second["conversations"]
    dated = api.get(path, {**_day_range(DAYS[0]), "State": "closed", "PageSize": 1}).json()["meta"]
    assert "StartDate=2025-03-08T00%3A00%3A00Z" in dated["url"] and "State=closed" in dated["url"]


@pytest.mark.parametrize(
    "path,params,status,code",
    [
        ("/Conversations", {"PageSize": 101}, 400, 20007),
        ("/Users", {"PageSize": 51}, 400, 20007),
        ("/Services", {"PageSize": 0}, 400, 20001),
        ("/Conversations", {"State": "archived"}, 400, 20001),
        ("/Conversations", {"StartDate": "last tuesday"}, 400, 20001),
        ("/Conversations", {"PageToken": "PAforged"}, 400, 20001),
        ("/Conversations/CH" + "0" * 32 + "/Messages", {}, 404, 20404),
        ("/Conversations/CH" + "0" * 32 + "/Participants", {}, 404, 20404),
    ],
)
def test_errors_are_twilios(api, path, params, status, code):
    answer = api.get(BASE + path, params)
    assert answer.status_code == status
    assert answer.json()["code"] == code and answer.json()["status"] == status


def test_messages_come_in_index_order_either_way(api, product, main_sid):
    conv = max(_convs(product, main_sid), key=lambda c: len(c.messages))
    path = _children(conv.sid, "Messages")
    pages = api.pages(path, {"PageSize": 100})
    assert len(pages) == 2, "the long thread spans two pages of 100"
    ascending = [m for p in pages for m in p.json()["messages"]]
    assert [m["index"] for m in ascending] == list(range(len(conv.messages)))
    descending = api.all(path, "messages", {"Order": "desc", "PageSize": 30})
    assert descending == ascending[::-1]
    participants = api.all(_children(conv.sid, "Participants"), "participants")
    authors = {p["sid"] for p in participants} | {None}
    assert {m["participant_sid"] for m in ascending} <= authors


# --- the clock ----------------------------------------------------------------------------


def test_a_conversation_lives_through_its_states(api, admin, product, main_sid):
    conv = next(c for c in _convs(product, main_sid) if c.closed_at and c.deleted_at is None and len(c.messages) > 3)
    path = f"{BASE}/Conversations"

    def record(instant):
        admin.set_now(instant)
        return next(c for c in api.all(path, "conversations", {"StartDate": iso(conv.created)}) if c["sid"] == conv.sid)

    third = conv.messages[2].created
    early = record(at(third, 1))
    assert early["state"] == "active" and early["date_updated"] == early["date_created"]
    assert early["timers"] == {
        "date_inactive": iso(third + conv.inactive_after),
        "date_closed": iso(conv.closed_at),
    }
    assert len(api.all(_children(conv.sid, "Messages"), "messages")) == 3
    inactive = record(at(conv.inactive_at(), 1))
    assert inactive["state"] == "inactive" and inactive["timers"] == {"date_closed": iso(conv.closed_at)}
    assert inactive["date_updated"] == iso(conv.inactive_at())
    assert len(api.all(_children(conv.sid, "Messages"), "messages")) == len(conv.messages)
    closed = record(at(conv.closed_at, 1))
    assert closed["state"] == "closed" and closed["timers"] == {} and closed["date_updated"] == iso(conv.closed_at)
    only_closed = api.all(path, "conversations", {"State": "closed", "StartDate": iso(conv.created)})
    assert conv.sid in {c["sid"] for c in only_closed}


def test_receipts_and_reads_move_date_updated(api, admin, product, main_sid):
    conv = next(c for c in _convs(product, main_sid) if any(m.recipients for m in c.messages) and c.deleted_at is None)
    msg = next(m for m in conv.messages if m.recipients)
    path = _children(conv.sid, "Messages")
    admin.set_now(at(msg.created, 1))
    sent = next(m for m in api.all(path, "messages") if m["sid"] == msg.sid)
    assert sent["delivery"]["delivered"] == "none" and sent["date_updated"] == sent["date_created"]
    admin.set_now(at(msg.receipt_at, 1))
    received = next(m for m in api.all(path, "messages") if m["sid"] == msg.sid)
    assert received["date_updated"] == iso(msg.receipt_at)
    assert "all" in (received["delivery"]["delivered"], received["delivery"]["undelivered"])
    agent = next(p for p in conv.participants if p.read_at is not None)
    admin.set_now(at(agent.read_at, 1))
    read = next(p for p in api.all(_children(conv.sid, "Participants"), "participants") if p["sid"] == agent.sid)
    assert read["last_read_message_index"] == conv.messages[-1].index and read["date_updated"] == iso(agent.read_at)


def test_deleted_conversations_vanish_with_their_children(api, admin, product, main_sid):
    planned = [c for day in DAYS for c in product.planned_on(main_sid, day)]
    conv = next(c for c in planned if c.deleted_at is not None)
    admin.set_now(at(conv.deleted_at, -1))
    assert conv.sid in {c["sid"] for c in api.all(f"{BASE}/Conversations", "conversations")}
    assert api.get(_children(conv.sid, "Messages")).status_code == 200
    admin.set_now(at(conv.deleted_at, 1))
    assert conv.sid not in {c["sid"] for c in api.all(f"{BASE}/Conversations", "conversations")}
    for what in ("Messages", "Participants"):
        assert api.get(_children(conv.sid, what)).json()["code"] == 20404


def test_new_records_appear_as_the_clock_runs(api, admin, product, main_sid):
    plan = product.plan(main_sid)
    admin.set_now(datetime(2025, 3, 8, 1, tzinfo=NOW.tzinfo))
    services = api.all(f"{BASE}/Services", "services")
    conversations = api.all(f"{BASE}/Conversations", "conversations")
    users = api.all(f"{BASE}/Users", "users")
    admin.set_now(NOW)
    assert len(api.all(f"{BASE}/Services", "services")) == len(services) + 1 == len(plan.services)
    assert len(api.all(f"{BASE}/Conversations", "conversations")) > len(conversations)
    hired = [u for d in DAYS for u in plan.hired_on(d.toordinal()) if u.created <= to_us(NOW)]
    assert len(api.all(f"{BASE}/Users", "users")) == len(users) + len(hired)


# --- accounts, the SDK, the oracle -----------------------------------------------------


def test_accounts_without_the_product_get_empty_lists(server, config, product, main_sid, sub_sid):
    sub = _api_for(server, sub_sid, config.account_auth_token("sub1"))
    for path, key in (
        (f"{BASE}/Services", "services"),
        (f"{BASE}/Conversations", "conversations"),
        (f"{BASE}/Users", "users"),
    ):
        answer = sub.get(path)
        assert answer.status_code == 200 and answer.json()[key] == []
    # Conversations are reached with the account's own credentials only.
    conv = _convs(product, main_sid)[0]
    assert sub.get(_children(conv.sid, "Messages")).status_code == 404
    key = _api_for(server, config.api_key_sid, config.api_key_secret)
    assert key.get(_children(conv.sid, "Messages")).status_code == 200
    for name in COLLECTIONS:
        assert list(expected_records(server.world, name, [sub_sid])) == []


def _api_for(server, user: str, password: str):
    from sandbox_client import Api

    return Api(server.base_url, auth=(user, password))


def test_the_oracle_is_what_the_server_lists(api, world, product, main_sid):
    for name, path, key in (
        ("conversation_services", f"{BASE}/Services", "services"),
        ("conversation_users", f"{BASE}/Users", "users"),
    ):
        assert list(expected_records(world, name, [main_sid], DAYS[:1])) == api.all(path, key)
    for day in DAYS:
        served = api.all(f"{BASE}/Conversations", "conversations", {**_day_range(day), "PageSize": 100})
        assert list(expected_records(world, "conversations", [main_sid], [day])) == served[::-1]
        messages, participants = [], []
        for conv in reversed(served):
            messages += api.all(_children(conv["sid"], "Messages"), "messages", {"PageSize": 100})
            participants += api.all(_children(conv["sid"], "Participants"), "participants")
        assert list(expected_records(world, "conversation_messages", [main_sid], [day])) == messages
        assert list(expected_records(world, "conversation_participants", [main_sid], [day])) == participants
    every_day = list(expected_records(world, "conversations", [main_sid]))
    assert every_day == api.all(f"{BASE}/Conversations", "conversations", {"PageSize": 100})


def test_the_sdk_reads_every_conversations_list(server, config, world, main_sid):
    from test_sandbox_sdk import SandboxHttpClient, _check
    from twilio.rest import Client

    http = SandboxHttpClient(server.base_url)
    v1 = Client(main_sid, config.auth_token, http_client=http).conversations.v1
    expected = {name: list(expected_records(world, name, [main_sid])) for name in COLLECTIONS}
    _check(v1.services.list(), expected["conversation_services"])
    _check(v1.users.list(page_size=4), expected["conversation_users"])
    _check(v1.conversations.list(page_size=9), expected["conversations"])
    day = DAYS[1]
    listed = v1.conversations.list(start_date=f"{day}T00:00:00Z", end_date=f"{day}T23:59:59Z")
    _check(listed, list(expected_records(world, "conversations", [main_sid], [day]))[::-1])
    messages, participants = [], []
    for conv in v1.conversations.list():
        messages += conv.messages.list(page_size=50)
        participants += conv.participants.list()
    _check(messages, expected["conversation_messages"])
    _check(participants, expected["conversation_participants"])
    newest_first = v1.conversations(listed[0].sid).messages.list(order="desc")
    assert [m.index for m in newest_first] == sorted((m.index for m in newest_first), reverse=True)
    # Later pages follow meta.next_page_url, which names the sandbox itself (as Twilio names its host).
    assert http.hosts == {"conversations.twilio.com", urlsplit(server.base_url).netloc}
