"""Retention as Twilio enforces it: 400 days of messages (20004), 30 days of Voice Insights (17002).

The limits count whole UTC days back from the clock's day: with the clock on day D, day D - 400
is the oldest message day that can be listed, and D - 30 the oldest Insights day.
"""

from __future__ import annotations

import time
from datetime import timedelta

import openapi_schema_validator
import pytest
import requests
from sandbox_client import NOW, Api, v2010
from sandbox_spec import error_schema

from twilio_assets.sandbox import SandboxConfig, SandboxServer

TODAY = NOW.date()
OLDEST_MESSAGE_DAY = TODAY - timedelta(days=400)
OLDEST_INSIGHTS_DAY = TODAY - timedelta(days=30)


@pytest.fixture(scope="module")
def old():
    """A world whose first day is 410 days before its clock, with small volumes."""
    cfg = SandboxConfig(now=NOW, days=410, calls_per_day=2, messages_per_day=4, conferences_per_day=1)
    with SandboxServer(cfg) as server:
        yield server, Api(server.base_url, auth=(cfg.main_account_sid, cfg.auth_token)), cfg.main_account_sid


def _refused(response: requests.Response, code: int) -> dict:
    assert response.status_code == 400, response.text
    body = response.json()
    openapi_schema_validator.OAS30Validator(error_schema()).validate(body)
    assert body == {
        "code": code,
        "message": body["message"],
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": 400,
    }
    return body


def test_the_old_world_is_quick_to_serve(old):
    server, api, main = old
    assert server.world.first_day == TODAY - timedelta(days=409)
    started = time.perf_counter()
    info = requests.get(server.base_url + "/__sandbox__/info", timeout=30).json()
    assert info["first_day"] == (TODAY - timedelta(days=409)).isoformat()
    assert api.get(v2010(main, "Messages"), {"PageSize": 1000}).status_code == 200
    assert api.get(v2010(main, "Calls"), {"PageSize": 1000}).status_code == 200
    assert api.get("/v1/Conferences", {"PageSize": 1000}).status_code == 200
    assert time.perf_counter() - started < 5


def test_messages_older_than_400_days_cannot_be_listed(old):
    server, api, main = old
    world = server.world
    too_old = OLDEST_MESSAGE_DAY - timedelta(days=1)
    for params in (
        {"DateSent": too_old.isoformat()},
        {"DateSent>": too_old.isoformat()},
        {"DateSent>": f"{too_old}T23:59:59Z", "DateSent<": TODAY.isoformat()},
        {"DateSent<": too_old.isoformat()},
        {"DateSent": (TODAY - timedelta(days=405)).isoformat()},
    ):
        body = _refused(api.get(v2010(main, "Messages"), params), 20004)
        assert "400 days" in body["message"] and "BulkExport" in body["message"]
    # The oldest day still inside retention is served, and as the world says.
    got = api.all(v2010(main, "Messages"), "messages", {"DateSent": OLDEST_MESSAGE_DAY.isoformat()})
    assert got and got == list(world.records_for_day(main, "messages", OLDEST_MESSAGE_DAY))
    window = api.all(
        v2010(main, "Messages"), "messages", {"DateSent>": OLDEST_MESSAGE_DAY.isoformat(), "PageSize": 1000}
    )
    assert len(window) == sum(
        world.count(main, "messages", day=OLDEST_MESSAGE_DAY + timedelta(days=k)) for k in range(401)
    )
    # Unfiltered lists are not refused; nor are other resources' date filters on those days.
    assert api.get(v2010(main, "Messages")).status_code == 200
    assert api.get(v2010(main, "Calls"), {"StartTime": too_old.isoformat()}).status_code == 200


def test_voice_insights_keeps_30_days(old):
    server, api, main = old
    too_old = OLDEST_INSIGHTS_DAY - timedelta(days=1)
    refused = [
        ("/v1/Voice/Summaries", {"StartTime": f"{too_old}T23:59:59Z"}),
        ("/v1/Voice/Summaries", {"StartTime": "5w"}),
        ("/v1/Voice/Summaries", {"StartTime": "31d", "EndTime": "1d"}),
        ("/v1/Conferences", {"CreatedAfter": f"{too_old}T00:00:00Z"}),
        ("/v1/Conferences", {"CreatedBefore": f"{too_old}T12:00:00Z"}),
    ]
    for path, params in refused:
        body = _refused(api.get(path, params), 17002)
        assert "30 days" in body["message"]
    for path, params in [
        ("/v1/Voice/Summaries", {"StartTime": f"{OLDEST_INSIGHTS_DAY}T00:00:00Z"}),
        ("/v1/Voice/Summaries", {"StartTime": "4w"}),
        ("/v1/Conferences", {"CreatedAfter": f"{OLDEST_INSIGHTS_DAY}T00:00:00Z"}),
        ("/v1/Conferences", {}),
    ]:
        assert api.get(path, params).status_code == 200, (path, params)


def test_participants_of_a_conference_older_than_30_days_are_refused(old):
    server, api, main = old
    conferences = api.all("/v1/Conferences", "conferences", {"PageSize": 1000})
    by_day = {c["create_time"][:10]: c["conference_sid"] for c in conferences}
    kept = by_day[OLDEST_INSIGHTS_DAY.isoformat()]
    gone = by_day[(OLDEST_INSIGHTS_DAY - timedelta(days=1)).isoformat()]
    r = api.get(f"/v1/Conferences/{kept}/Participants")
    assert r.status_code == 200 and r.json()["participants"]
    body = _refused(api.get(f"/v1/Conferences/{gone}/Participants"), 17002)
    assert "30 days" in body["message"]
    # The v2010 lists have no such limit.
    assert api.get(v2010(main, "Conferences"), {"DateCreated": (TODAY - timedelta(days=300)).isoformat()}).json()[
        "conferences"
    ]


def test_the_limit_moves_with_the_clock(old):
    server, api, main = old
    day = OLDEST_MESSAGE_DAY
    params = {"DateSent": day.isoformat(), "PageSize": 5}
    assert api.get(v2010(main, "Messages"), params).status_code == 200
    server.world.set_now(NOW + timedelta(days=1))
    try:
        _refused(api.get(v2010(main, "Messages"), params), 20004)
    finally:
        server.world.set_now(NOW)
