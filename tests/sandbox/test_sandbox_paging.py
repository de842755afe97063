"""Paging: envelopes, tokens, limits, and agreement with the world model."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from sandbox_client import Api, v2010

V2010 = [
    ("Calls", "calls", "calls"),
    ("Messages", "messages", "messages"),
    ("Conferences", "conferences", "conferences"),
    ("Recordings", "recordings", "recordings"),
    ("Transcriptions", "transcriptions", "transcriptions"),
    ("Addresses", "addresses", "addresses"),
    ("IncomingPhoneNumbers", "incoming_phone_numbers", "incoming_phone_numbers"),
]


@pytest.mark.parametrize("resource,list_key,collection", V2010)
def test_paging_reads_exactly_the_world(api, world, config, resource, list_key, collection):
    for account in world.account_nicknames.values():
        pages = api.pages(v2010(account, resource), {"PageSize": 7})
        records = [r for p in pages for r in p.json()[list_key]]
        sids = [r["sid"] for r in records]
        assert len(sids) == len(set(sids)), "a record was served twice"
        assert len(records) == world.count(account, collection) > 0
        assert records == list(world.records(account, collection))
        for n, page in enumerate(pages):
            body = page.json()
            assert body["page"] == n and body["page_size"] == 7
            assert body["start"] == 7 * n
            assert body["end"] == 7 * n + len(body[list_key]) - 1
        assert pages[-1].json()["next_page_uri"] is None


@pytest.mark.parametrize(
    "path,collection,list_key,params",
    [
        ("/v1/Voice/Summaries", "call_summaries", "call_summaries", {"StartTime": "1w"}),
        ("/v1/Conferences", "insights_conferences", "conferences", {}),
    ],
)
def test_insights_paging_reads_exactly_the_world(api, world, server, path, collection, list_key, params):
    for account in world.account_nicknames.values():
        pages = api.pages(path, {**params, "PageSize": 9, "Subaccount": account})
        records = [r for p in pages for r in p.json()[list_key]]
        assert records == list(world.records(account, collection, base_url=server.base_url))
        assert len(records) == world.count(account, collection) > 0
        for n, page in enumerate(pages):
            meta = page.json()["meta"]
            assert meta["key"] == list_key and meta["page"] == n and meta["page_size"] == 9
            assert meta["url"].startswith(server.base_url + path + "?")
            assert meta["first_page_url"].startswith(server.base_url + path + "?")


def test_historic_participants_page_per_conference(api, world, server, main_sid):
    conferences = list(world.records(main_sid, "insights_conferences"))
    total = 0
    for conf in conferences:
        sid = conf["conference_sid"]
        got = api.all(f"/v1/Conferences/{sid}/Participants", "participants", {"PageSize": 1})
        assert got == list(
            world.records(main_sid, "conference_participants", conference_sid=sid, base_url=server.base_url)
        )
        assert 2 <= len(got) <= 4
        total += len(got)
    assert total == world.count(main_sid, "conference_participants")


def test_next_page_uri_carries_filters_size_page_and_token(api, main_sid):
    body = api.get(v2010(main_sid, "Messages"), {"DateSent>": "2025-03-09", "To": "+10000000000", "PageSize": 3}).json()
    assert body["messages"] == []
    body = api.get(v2010(main_sid, "Messages"), {"DateSent>": "2025-03-09", "Junk": "x", "PageSize": 3}).json()
    nxt = urlsplit(body["next_page_uri"])
    assert nxt.path == v2010(main_sid, "Messages")
    assert "DateSent%3E=2025-03-09" in nxt.query  # the operator is part of the name, encoded
    query = dict(parse_qsl(nxt.query))
    assert query["PageSize"] == "3" and query["Page"] == "1" and query["PageToken"].startswith("PA")
    assert "Junk" not in query  # unknown parameters are ignored, not carried
    assert body["uri"] == f"{v2010(main_sid, 'Messages')}?DateSent%3E=2025-03-09&PageSize=3&Page=0"
    assert body["first_page_uri"] == body["uri"]
    assert body["previous_page_uri"] is None


def test_previous_page_uri_returns_the_previous_page(api, main_sid):
    pages = api.pages(v2010(main_sid, "Calls"), {"PageSize": 10})
    assert len(pages) >= 3
    for earlier, later in zip(pages, pages[1:], strict=False):
        back = api.get(later.json()["previous_page_uri"]).json()
        assert back["calls"] == earlier.json()["calls"]
        assert back["page"] == earlier.json()["page"]


def test_default_and_maximum_page_size(api, main_sid):
    assert api.get(v2010(main_sid, "Messages")).json()["page_size"] == 50
    assert len(api.get(v2010(main_sid, "Messages")).json()["messages"]) == 50
    assert api.get(v2010(main_sid, "Messages"), {"PageSize": 1000}).status_code == 200


@pytest.mark.parametrize(
    "value,code", [("1001", 20007), ("5000", 20007), ("0", 20001), ("-3", 20001), ("ten", 20001), ("2.5", 20001)]
)
def test_page_size_limits(api, main_sid, value, code):
    for path in (v2010(main_sid, "Calls"), "/v1/Voice/Summaries"):
        r = api.get(path, {"PageSize": value})
        assert r.status_code == 400
        assert r.json()["code"] == code and r.json()["status"] == 400


def test_page_without_token_is_an_offset(api, main_sid, world):
    everything = list(world.records(main_sid, "calls"))
    body = api.get(v2010(main_sid, "Calls"), {"PageSize": 5, "Page": 2}).json()
    assert body["calls"] == everything[10:15]
    assert body["start"] == 10
    assert api.get(v2010(main_sid, "Calls"), {"Page": -1}).json()["code"] == 20001


def test_tokens_cannot_be_forged(api, main_sid):
    body = api.get(v2010(main_sid, "Calls"), {"PageSize": 5}).json()
    token = dict(parse_qsl(urlsplit(body["next_page_uri"]).query))["PageToken"]
    forged = token[:-2] + ("00" if token[-2:] != "00" else "11")
    for bad in (forged, "PAxyz", "CA" + token[2:], "PA" + "3" * 40):
        r = api.get(v2010(main_sid, "Calls"), {"PageSize": 5, "Page": 1, "PageToken": bad})
        assert r.status_code == 400 and r.json()["code"] == 20001


def test_paging_is_stable_while_the_clock_moves(api, admin, world, main_sid, config):
    """Records created between two page requests appear above the cursor, never inside it."""
    before = list(world.records(main_sid, "messages"))
    first = api.get(v2010(main_sid, "Messages"), {"PageSize": 40}).json()
    admin.advance(3 * 3600)
    rest = api.all(first["next_page_uri"], "messages")
    sids = [m["sid"] for m in first["messages"]] + [m["sid"] for m in rest]
    assert len(sids) == len(set(sids))
    newer = {m["sid"] for m in world.records(main_sid, "messages")} - {m["sid"] for m in before}
    assert newer and not newer & set(sids)
    # Every old message is served once unless it was deleted in the meantime.
    still_there = {m["sid"] for m in world.records(main_sid, "messages")}
    assert set(sids) == {m["sid"] for m in before} & (still_there | {m["sid"] for m in first["messages"]})


def test_insights_urls_follow_the_host_the_client_used(server, config):
    port = server.port
    client = Api(f"http://localhost:{port}", auth=(config.main_account_sid, config.auth_token))
    meta = client.get("/v1/Voice/Summaries", {"PageSize": 1}).json()["meta"]
    assert meta["url"].startswith(f"http://localhost:{port}/v1/Voice/Summaries?")
    assert meta["next_page_url"].startswith(f"http://localhost:{port}/v1/Voice/Summaries?")
    record = client.get("/v1/Voice/Summaries", {"PageSize": 1}).json()["call_summaries"][0]
    assert record["url"] == f"http://localhost:{port}/v1/Voice/{record['call_sid']}/Summary"
