"""SIDs read from Twilio's records go into the URL paths of further listings only when they have a SID's
shape: a hostile value (`../..`, `x?y`) fails the sync with its collection and value named."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.scripted_server import Reply, ScriptedServer
from twilio_assets.catalog import BY_NAME
from twilio_assets.read_modes import ReadRequest
from twilio_assets.sync.accounts import resolve_accounts
from twilio_assets.twilio_api import BasicAuth, Hosts, TwilioClient, UnexpectedResponse
from twilio_assets.twilio_api.sids import require_sid
from twilio_assets.window import Window

ACCOUNT = "AC" + "a" * 32
OTHER_ACCOUNT = "AC" + "b" * 32
CONFERENCE = "CF" + "0123456789abcdef" * 2
HOSTILE = [f"../../Accounts/{OTHER_ACCOUNT}", "x?y", f"{CONFERENCE}/../../x", "CF123", f"{CONFERENCE}\n", 12345]


def participants_plan():
    collection = BY_NAME["conference_participants"]
    day = dt.date(2026, 3, 10)
    request = ReadRequest(
        collection=collection,
        window=Window.for_days(day, day),
        account=ACCOUNT,
        base_url="https://insights.twilio.com",
        path=collection.path,
        params=dict(collection.params),
    )
    return collection.read.plan(request)


@pytest.mark.parametrize("value", HOSTILE)
def test_a_parent_sid_of_another_shape_is_refused_before_it_enters_a_path(value):
    plan = participants_plan()
    (conferences,) = plan.listings()
    with pytest.raises(UnexpectedResponse, match="not a Twilio SID") as raised:
        plan.accept(conferences, [{"conference_sid": CONFERENCE}, {"conference_sid": value}])
    message = str(raised.value)
    assert "conference_participants" in message and "'conference_sid'" in message and repr(value) in message


def test_a_parent_sid_of_the_right_shape_enters_the_path():
    plan = participants_plan()
    (conferences,) = plan.listings()
    (children,) = plan.accept(conferences, [{"conference_sid": CONFERENCE}]).more
    assert children.url == f"https://insights.twilio.com/v1/Conferences/{CONFERENCE}/Participants"


def test_subaccount_sids_are_checked_before_every_per_account_path_uses_them():
    with ScriptedServer() as server:
        accounts = [{"sid": OTHER_ACCOUNT, "status": "active"}, {"sid": "x?y", "status": "active"}]
        server.script("/2010-04-01/Accounts.json", Reply(body={"accounts": accounts, "next_page_uri": None}))
        client = TwilioClient(BasicAuth(ACCOUNT, "token", "t"), Hosts.build(base_url=server.base_url))
        with pytest.raises(UnexpectedResponse, match="'x\\?y', not a Twilio SID"):
            resolve_accounts(client, ACCOUNT, "all")


def test_a_long_hostile_value_is_shown_shortened():
    with pytest.raises(UnexpectedResponse) as raised:
        require_sid("A" * 10_000, where="somewhere")
    assert len(str(raised.value)) < 400
