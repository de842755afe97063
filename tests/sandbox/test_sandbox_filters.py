"""Server-side filters: names with '<'/'>', UTC-day semantics, and the Insights windows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

import pytest
from sandbox_client import v2010

DAYS = [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)]
DATE_FILTERS = [
    ("Calls", "calls", "calls", "StartTime", "start_time"),
    ("Messages", "messages", "messages", "DateSent", "date_sent"),
    ("Conferences", "conferences", "conferences", "DateCreated", "date_created"),
    ("Recordings", "recordings", "recordings", "DateCreated", "date_created"),
]


def _when(rfc: str) -> datetime:
    return parsedate_to_datetime(rfc)


@pytest.mark.parametrize("resource,list_key,collection,param,field", DATE_FILTERS)
def test_equality_selects_one_utc_day(api, world, main_sid, resource, list_key, collection, param, field):
    total = 0
    for day in DAYS:
        got = api.all(v2010(main_sid, resource), list_key, {param: day.isoformat(), "PageSize": 100})
        assert got == list(world.records_for_day(main_sid, collection, day))
        assert all(_when(r[field]).date() == day for r in got)
        total += len(got)
    # Every record is under one day, except messages whose date_sent is still null (under none).
    undated = sum(1 for r in world.records(main_sid, collection) if r[field] is None)
    assert total == world.count(main_sid, collection) - undated > 0


@pytest.mark.parametrize("resource,list_key,collection,param,field", DATE_FILTERS)
def test_on_or_after_and_on_or_before(api, world, main_sid, resource, list_key, collection, param, field):
    # A date filter never matches a null date (messages still scheduled or canceled).
    everything = [r for r in world.records(main_sid, collection) if r[field] is not None]
    middle = DAYS[1]
    after = api.all(v2010(main_sid, resource), list_key, {param + ">": middle.isoformat(), "PageSize": 100})
    before = api.all(v2010(main_sid, resource), list_key, {param + "<": middle.isoformat(), "PageSize": 100})
    assert after == [r for r in everything if _when(r[field]).date() >= middle]
    # '<' includes the named day (before the next day's start).
    assert before == [r for r in everything if _when(r[field]).date() <= middle]
    both = api.all(
        v2010(main_sid, resource),
        list_key,
        {param + ">": middle.isoformat(), param + "<": middle.isoformat(), "PageSize": 100},
    )
    assert both == list(world.records_for_day(main_sid, collection, middle))


def test_full_timestamps_are_honoured_to_the_second(api, world, main_sid):
    """What twilio-python sends: StartTime>=2025-03-09T12:30:00Z."""
    cut = datetime(2025, 3, 9, 12, 30, tzinfo=UTC)
    got = api.all(v2010(main_sid, "Calls"), "calls", {"StartTime>": "2025-03-09T12:30:00Z"})
    expected = [c for c in world.records(main_sid, "calls") if _when(c["start_time"]) >= cut]
    assert got == expected and 0 < len(got) < world.count(main_sid, "calls")
    got = api.all(v2010(main_sid, "Calls"), "calls", {"StartTime<": "2025-03-09T12:30:00Z"})
    assert got == [c for c in world.records(main_sid, "calls") if _when(c["start_time"]) <= cut]
    # Equality with a timestamp means that timestamp's UTC day.
    got = api.all(v2010(main_sid, "Calls"), "calls", {"StartTime": "2025-03-09T12:30:00Z"})
    assert got == list(world.records_for_day(main_sid, "calls", date(2025, 3, 9)))


def test_end_time_never_matches_calls_still_running(api, admin, world, main_sid):
    from sandbox_moments import moments

    instant, sid = moments(world, main_sid, DAYS[1])["call in-progress"]
    admin.set_now(instant)
    running = api.all(v2010(main_sid, "Calls"), "calls", {"Status": "in-progress"})
    assert sid in {c["sid"] for c in running}
    assert all(c["end_time"] is None for c in running)
    ended = api.all(v2010(main_sid, "Calls"), "calls", {"EndTime>": "2025-03-01"})
    assert ended and sid not in {c["sid"] for c in ended}
    assert all(c["end_time"] is not None for c in ended)
    assert len(ended) + len(running) + len(
        [c for c in world.records(main_sid, "calls", now=instant) if c["status"] in ("queued", "ringing")]
    ) == world.count(main_sid, "calls", now=instant)


def test_end_time_day(api, world, main_sid):
    got = api.all(v2010(main_sid, "Calls"), "calls", {"EndTime": "2025-03-09"})
    expected = [
        c for c in world.records(main_sid, "calls") if c["end_time"] and _when(c["end_time"]).date() == date(2025, 3, 9)
    ]
    assert got == expected and got


@pytest.mark.parametrize(
    "param,field", [("Status", "status"), ("To", "to"), ("From", "from"), ("ParentCallSid", "parent_call_sid")]
)
def test_call_equality_filters(api, world, main_sid, param, field):
    calls = list(world.records(main_sid, "calls"))
    value = next(c[field] for c in calls if c[field])
    got = api.all(v2010(main_sid, "Calls"), "calls", {param: value})
    assert got == [c for c in calls if c[field] == value]
    assert 0 < len(got) < len(calls)


def test_phone_filters_accept_encoded_and_raw_plus(api, world, main_sid, server):
    messages = list(world.records(main_sid, "messages"))
    number = messages[0]["to"]
    expected = [m for m in messages if m["to"] == number]
    assert api.all(v2010(main_sid, "Messages"), "messages", {"To": number}) == expected  # %2B
    raw = api.session.get(f"{server.base_url}{v2010(main_sid, 'Messages')}?PageSize=1000&To={number}")
    assert raw.json()["messages"] == expected  # a literal '+' decodes to a space


def test_other_resource_filters(api, world, main_sid):
    confs = list(world.records(main_sid, "conferences"))
    name = confs[0]["friendly_name"]
    assert api.all(v2010(main_sid, "Conferences"), "conferences", {"FriendlyName": name}) == [confs[0]]
    assert api.all(v2010(main_sid, "Conferences"), "conferences", {"Status": "completed"}) == [
        c for c in confs if c["status"] == "completed"
    ]
    updated = api.all(v2010(main_sid, "Conferences"), "conferences", {"DateUpdated": "2025-03-09"})
    assert updated == [c for c in confs if _when(c["date_updated"]).date() == date(2025, 3, 9)] and updated

    recs = list(world.records(main_sid, "recordings"))
    conf_rec = next(r for r in recs if r["conference_sid"])
    assert api.all(v2010(main_sid, "Recordings"), "recordings", {"ConferenceSid": conf_rec["conference_sid"]}) == [
        conf_rec
    ]
    call_rec = next(r for r in recs if not r["conference_sid"])
    assert api.all(v2010(main_sid, "Recordings"), "recordings", {"CallSid": call_rec["call_sid"]}) == [call_rec]

    addresses = list(world.records(main_sid, "addresses"))
    assert api.all(v2010(main_sid, "Addresses"), "addresses", {"IsoCountry": "US"}) == [
        a for a in addresses if a["iso_country"] == "US"
    ]
    numbers = list(world.records(main_sid, "incoming_phone_numbers"))
    digits = numbers[0]["phone_number"][2:8]
    assert api.all(v2010(main_sid, "IncomingPhoneNumbers"), "incoming_phone_numbers", {"PhoneNumber": digits}) == [
        n for n in numbers if digits in n["phone_number"]
    ]


@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "2025-03-09T25:00:00Z", ">=2025-03-09", "09/03/2025"])
def test_invalid_dates_are_rejected(api, main_sid, value):
    for resource, param in [
        ("Calls", "StartTime"),
        ("Calls", "EndTime<"),
        ("Messages", "DateSent"),
        ("Conferences", "DateUpdated>"),
        ("Recordings", "DateCreated"),
    ]:
        r = api.get(v2010(main_sid, resource), {param: value})
        assert r.status_code == 400
        assert r.json()["code"] == 20001 and r.json()["message"] == "Invalid date value"


def test_unknown_parameters_are_ignored(api, world, main_sid):
    # The classic mistake: SDK argument names are not API parameters; the API ignores them.
    got = api.all(v2010(main_sid, "Calls"), "calls", {"StartTimeAfter": "2025-03-10", "Foo": "bar"})
    assert got == list(world.records(main_sid, "calls"))


def test_invalid_enum_values_are_rejected(api, main_sid):
    r = api.get(v2010(main_sid, "Calls"), {"Status": "on-hold"})
    assert r.status_code == 400 and r.json()["code"] == 20001


def test_summaries_window_defaults_to_the_last_four_hours(api, world, main_sid, config):
    now = config.now
    got = api.all("/v1/Voice/Summaries", "call_summaries", {"PageSize": 100})
    expected = [
        s
        for s in world.records(main_sid, "call_summaries", base_url=api.base_url)
        if (now - datetime.fromisoformat(s["start_time"].replace("Z", "+00:00"))).total_seconds() <= 4 * 3600
    ]
    assert got == expected and got


@pytest.mark.parametrize(
    "start,end", [("2025-03-09T00:00:00Z", "2025-03-10T00:00:00Z"), ("2d", "1d"), ("2025-03-08T06:30:00Z", "30m")]
)
def test_summaries_window_on_start_time(api, world, main_sid, config, start, end):
    def moment(v):
        spans = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
        if v[-1] in spans and v[:-1].isdigit():
            return config.now.timestamp() - int(v[:-1]) * spans[v[-1]]
        return datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()

    lo, hi = moment(start), moment(end)
    got = api.all("/v1/Voice/Summaries", "call_summaries", {"StartTime": start, "EndTime": end, "PageSize": 100})
    expected = [
        s
        for s in world.records(main_sid, "call_summaries", base_url=api.base_url)
        if lo <= datetime.fromisoformat(s["start_time"].replace("Z", "+00:00")).timestamp() < hi
    ]
    assert got == expected and got


def test_summaries_processing_state(api, world):
    window = {"StartTime": "1w", "PageSize": 1000}
    everything = api.all("/v1/Voice/Summaries", "call_summaries", window)
    complete = api.all("/v1/Voice/Summaries", "call_summaries", {**window, "ProcessingState": "completed"})
    partial = api.all("/v1/Voice/Summaries", "call_summaries", {**window, "ProcessingState": "partial"})
    assert complete == [s for s in everything if s["processing_state"] == "complete"]
    assert partial == [s for s in everything if s["processing_state"] == "partial"]
    assert complete and len(complete) + len(partial) == len(everything)
    assert api.get("/v1/Voice/Summaries", {"ProcessingState": "done"}).json()["code"] == 20001


def test_insights_conference_window(api, world, main_sid):
    got = api.all(
        "/v1/Conferences",
        "conferences",
        {"CreatedAfter": "2025-03-09T00:00:00Z", "CreatedBefore": "2025-03-10T00:00:00Z"},
    )
    expected = [
        c
        for c in world.records(main_sid, "insights_conferences", base_url=api.base_url)
        if c["create_time"].startswith("2025-03-09")
    ]
    assert got == expected and got
