"""Every endpoint's responses validate against Twilio's official OpenAPI specs (openapi-core),
on first, middle, last and empty pages, with filters, and across every lifecycle state."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import openapi_schema_validator
import pytest
from openapi_core.validation.response.exceptions import InvalidData
from sandbox_client import v2010
from sandbox_moments import at, deleted_recording, messages, moments, scheduled
from sandbox_spec import error_schema, spec_path, validate

DAY = "2025-03-09"
V2010_CASES = {
    "Calls": [
        {},
        {"StartTime": DAY},
        {"StartTime>": DAY, "Status": "completed"},
        {"StartTime<": DAY},
        {"EndTime>": "2025-03-09T18:00:00Z"},
        {"StartTime": DAY, "Status": "busy"},
    ],
    "Messages": [{}, {"DateSent": DAY}, {"DateSent>": "2025-03-09T06:00:00Z", "DateSent<": DAY}],
    "Conferences": [{}, {"DateCreated": DAY}, {"Status": "completed"}, {"DateUpdated>": DAY}],
    "Recordings": [{}, {"DateCreated<": DAY}, {"IncludeSoftDeleted": "true"}],
    "Transcriptions": [{}],
    "Addresses": [{}, {"IsoCountry": "US"}],
    "IncomingPhoneNumbers": [{}, {"PhoneNumber": "1"}],
}
LIST_KEYS = {
    "Calls": "calls",
    "Messages": "messages",
    "Conferences": "conferences",
    "Recordings": "recordings",
    "Transcriptions": "transcriptions",
    "Addresses": "addresses",
    "IncomingPhoneNumbers": "incoming_phone_numbers",
}


@pytest.fixture(scope="module", autouse=True)
def specs_present():
    for name in ("twilio_api_v2010.json", "twilio_insights_v1.json", "twilio_oauth_v2.json"):
        spec_path(name)


def _walk_and_validate(api, path: str, params: dict, list_key: str) -> list[dict]:
    first = api.get(path, {**params, "PageSize": 1000})
    assert first.status_code == 200, first.text
    total = len(first.json()[list_key])
    # About three pages, so that first, middle and last pages are all seen.
    size = max(1, total // 3)
    pages = api.pages(path, {**params, "PageSize": size})
    for page in pages:
        validate(page)
    if total >= 3:
        assert len(pages) >= 3
    return [r for p in pages for r in p.json()[list_key]]


def test_validator_rejects_what_the_spec_forbids(api, main_sid):
    """The checker is not vacuous: a tampered copy of a valid page fails it."""
    good = api.get(v2010(main_sid, "Calls"), {"PageSize": 2})
    validate(good)
    tamperings = {
        "missing property": lambda rec: rec.pop("status"),
        "undocumented property": lambda rec: rec.update(stir_shaken="A"),
        "ISO instead of RFC 2822": lambda rec: rec.update(date_created="2025-03-10T11:00:00Z"),
        "integer where the spec says string": lambda rec: rec.update(duration=12),
        "bad SID": lambda rec: rec.update(sid="CA123"),
        "unknown status": lambda rec: rec.update(status="on-hold"),
    }
    for name, tamper in tamperings.items():
        bad = copy.copy(good)
        body = good.json()
        tamper(body["calls"][0])
        bad._content = json.dumps(body).encode()
        try:
            validate(bad)
        except InvalidData:
            continue
        pytest.fail(f"the spec accepted a record with this change: {name}")
    # The same for a single fetched message (its own operation in the spec).
    sid = api.get(v2010(main_sid, "Messages"), {"PageSize": 1}).json()["messages"][0]["sid"]
    fetched = api.get(f"/2010-04-01/Accounts/{main_sid}/Messages/{sid}.json")
    validate(fetched)
    for field, value in (("status", "waiting"), ("date_sent", "2025-03-10"), ("num_media", 0)):
        bad = copy.copy(fetched)
        bad._content = json.dumps({**fetched.json(), field: value}).encode()
        with pytest.raises(InvalidData):
            validate(bad)


@pytest.mark.parametrize("resource", sorted(V2010_CASES))
def test_v2010_lists_conform(api, main_sid, sub_sid, resource):
    for account in (main_sid, sub_sid):
        for params in V2010_CASES[resource]:
            _walk_and_validate(api, v2010(account, resource), params, LIST_KEYS[resource])
    empty = api.get(v2010(main_sid, resource), {"PageSize": 5, "Page": 40})
    validate(empty)


def test_empty_pages_conform(api, main_sid):
    # A day before the sandbox's first, yet within every retention limit.
    for resource, key in [
        ("Calls", "StartTime"),
        ("Messages", "DateSent"),
        ("Conferences", "DateCreated"),
        ("Recordings", "DateCreated"),
    ]:
        r = api.get(v2010(main_sid, resource), {key: "2025-03-01"})
        assert r.json()[LIST_KEYS[resource]] == []
        validate(r)


def test_accounts_conform(api, sub_api, main_sid):
    for client in (api, sub_api):
        for page in client.pages("/2010-04-01/Accounts.json", {"PageSize": 1}):
            validate(page)
    validate(api.get(f"/2010-04-01/Accounts/{main_sid}.json"))


def test_every_lifecycle_state_conforms(api, admin, world, main_sid):
    """At instants where records are queued, ringing, in progress, processing, priced...,
    every endpoint's recent records validate, and those states really were served."""
    day = date(2025, 3, 9)
    seen: dict[str, set] = {
        c: set()
        for c in (
            "calls",
            "messages",
            "conferences",
            "recordings",
            "transcriptions",
            "participants",
            "call_summaries",
            "insights_conferences",
        )
    }
    for _name, (instant, _) in sorted(moments(world, main_sid, day).items()):
        admin.set_now(instant)
        # Records of the last few hours: small pages, and every state of the instant is in them.
        since = (instant - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for resource, key in [
            ("Calls", "StartTime>"),
            ("Messages", "DateSent>"),
            ("Conferences", "DateCreated>"),
            ("Recordings", "DateCreated>"),
            ("Transcriptions", None),
        ]:
            params = {"PageSize": 1000, "IncludeSoftDeleted": "true"}
            if key:
                params[key] = since
            r = api.get(v2010(main_sid, resource), params)
            validate(r)
            seen[LIST_KEYS[resource]] |= {rec["status"] for rec in r.json()[LIST_KEYS[resource]]}
            if resource == "Conferences":
                conferences = r.json()["conferences"]
        for conf in conferences:
            r = api.get(f"/2010-04-01/Accounts/{main_sid}/Conferences/{conf['sid']}/Participants.json")
            validate(r)
            seen["participants"] |= {p["status"] for p in r.json()["participants"]}
            validate(api.get(f"/v1/Conferences/{conf['sid']}/Participants"))
        r = api.get("/v1/Voice/Summaries", {"StartTime": since, "PageSize": 1000})
        validate(r)
        seen["call_summaries"] |= {s["processing_state"] for s in r.json()["call_summaries"]}
        r = api.get("/v1/Conferences", {"CreatedAfter": since})
        validate(r)
        seen["insights_conferences"] |= {c["status"] for c in r.json()["conferences"]}
    assert {"queued", "ringing", "in-progress", "completed"} <= seen["calls"]
    assert seen["calls"] & {"busy", "no-answer"}
    assert {"queued", "sending", "sent", "delivered", "received", "undelivered"} <= seen["messages"]
    assert {"init", "in-progress", "completed"} <= seen["conferences"]
    assert {"in-progress", "processing", "completed"} <= seen["recordings"]
    assert {"in-progress", "completed"} <= seen["transcriptions"]
    assert "connected" in seen["participants"]
    assert {"partial", "complete"} <= seen["call_summaries"]
    assert {"not_started", "in_progress", "completed"} <= seen["insights_conferences"]


def test_message_fetch_conforms_in_every_state(api, admin, world, main_sid):
    """Scheduled messages through each of their states, and regular ones in theirs, fetched one by one."""
    facts = scheduled(world, main_sid)
    sent = next(m for m in facts if m.sent_at is not None)
    canceled = next(m for m in facts if m.steps[-1][1] == "canceled")
    instants = [(at(t, 0.01), sent.sid) for t, _ in sent.steps] + [(at(canceled.steps[-1][0], 1), canceled.sid)]
    day = date(2025, 3, 9)
    for name, (instant, sid) in moments(world, main_sid, day).items():
        if name.startswith("message"):
            instants.append((instant, sid))
    failed = next(m for d in world.days() for m in messages(world, main_sid, d) if m.status(m.steps[-1][0]) == "failed")
    instants.append((at(failed.steps[-1][0], 1), failed.sid))
    seen = set()
    for instant, sid in instants:
        admin.set_now(instant)
        r = api.get(f"/2010-04-01/Accounts/{main_sid}/Messages/{sid}.json")
        assert r.status_code == 200, r.text
        validate(r)
        seen.add(r.json()["status"])
        # The list around it conforms too (the leading null-date_sent block included).
        validate(api.get(v2010(main_sid, "Messages"), {"PageSize": 20}))
    assert {
        "scheduled",
        "accepted",
        "queued",
        "sending",
        "sent",
        "delivered",
        "canceled",
        "received",
        "undelivered",
        "failed",
    } <= seen


def test_soft_deleted_recordings_conform(server_busy):
    api, world, main_sid = server_busy
    rec, _ = deleted_recording(world, main_sid)
    r = api.get(v2010(main_sid, "Recordings"), {"IncludeSoftDeleted": "true", "PageSize": 1000})
    validate(r)
    served = {x["sid"]: x for x in r.json()["recordings"]}
    assert served[rec.sid]["status"] == "deleted"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"StartTime": "3d"},
        {"StartTime": "2025-03-08T00:00:00Z", "EndTime": "2025-03-09T00:00:00Z"},
        {"StartTime": "1w", "ProcessingState": "completed"},
        {"StartTime": "30m", "ProcessingState": "partial"},
    ],
)
def test_call_summaries_conform(api, sub_sid, params):
    pages = api.pages("/v1/Voice/Summaries", {**params, "PageSize": 20})
    for page in pages:
        validate(page)
    for page in api.pages("/v1/Voice/Summaries", {**params, "PageSize": 50, "Subaccount": sub_sid}):
        validate(page)


def test_insights_conferences_and_participants_conform(api):
    confs = []
    for page in api.pages("/v1/Conferences", {"PageSize": 2}):
        validate(page)
        confs += page.json()["conferences"]
    assert len(confs) > 2
    for page in api.pages(
        "/v1/Conferences", {"CreatedAfter": "2025-03-09T00:00:00Z", "CreatedBefore": "2025-03-10T00:00:00Z"}
    ):
        validate(page)
    for conf in confs:
        for page in api.pages(f"/v1/Conferences/{conf['conference_sid']}/Participants", {"PageSize": 2}):
            validate(page)


def test_oauth_token_responses_conform(server, config, anon):
    ok = anon.session.post(
        server.base_url + "/v2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": config.oauth_client_id,
            "client_secret": config.oauth_client_secret,
        },
    )
    assert ok.status_code == 200
    validate(ok)
    wrong = anon.session.post(
        server.base_url + "/v2/token",
        data={"grant_type": "client_credentials", "client_id": config.oauth_client_id, "client_secret": "nope"},
    )
    assert wrong.status_code == 400
    validate(wrong)


def test_error_bodies_match_twilio_error_schema(server, config, api, anon, sub_api, main_sid):
    cases = [
        (anon.get(v2010(main_sid, "Calls")), 401, 20003),
        (sub_api.get(v2010(main_sid, "Calls")), 401, 20003),
        (api.get(v2010("AC" + "0" * 32, "Calls")), 404, 20404),
        (api.get("/2010-04-01/Nope.json"), 404, 20404),
        (api.get(v2010(main_sid, "Calls"), {"PageSize": 1001}), 400, 20007),
        (api.get(v2010(main_sid, "Messages"), {"DateSent": "yesterday"}), 400, 20001),
        (api.get("/v1/Voice/Summaries", {"StartTime": "soon"}), 400, 20001),
        (api.get(f"/2010-04-01/Accounts/{main_sid}/Messages/SM{'0' * 32}.json"), 404, 20404),
        (api.get(v2010(main_sid, "Messages"), {"DateSent": "2001-01-01"}), 400, 20004),
        (api.get("/v1/Voice/Summaries", {"StartTime": "5w"}), 400, 17002),
        (api.get("/v1/Conferences", {"CreatedAfter": "2025-01-01T00:00:00Z"}), 400, 17002),
    ]
    validator = openapi_schema_validator.OAS30Validator(error_schema())
    for response, status, code in cases:
        assert response.status_code == status, response.text
        body = response.json()
        validator.validate(body)
        assert body == {
            "code": code,
            "message": body["message"],
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }
