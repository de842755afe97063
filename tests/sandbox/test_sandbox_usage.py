"""The usage product: daily usage records and usage triggers, as Twilio serves them.

Checked against the official spec (and a tampered copy that must fail), the filters, paging, the
category tree (each parent is the sum of its children), late rating as the clock moves, the
IncludeSubaccounts roll-up, the official SDK, and the oracle. Where a figure can be computed without
the ledger (the day's call legs, recordings and transcriptions as the sandbox lists them), it is.
"""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

import pytest
from openapi_core.validation.response.exceptions import InvalidData
from sandbox_client import NOW
from sandbox_spec import spec_path, validate

from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.products.usage.categories import BY_NAME, CATEGORIES, LEAVES, LISTED, TOTAL
from twilio_assets.sandbox.products.usage.ledger import SETTLED_AFTER
from twilio_assets.sandbox.timefmt import US

DAYS = [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)]
FIELDS = ("count", "usage", "price")


def daily(account: str) -> str:
    return f"/2010-04-01/Accounts/{account}/Usage/Records/Daily.json"


def triggers(account: str) -> str:
    return f"/2010-04-01/Accounts/{account}/Usage/Triggers.json"


def records(api, account: str, **params) -> list[dict]:
    return api.all(daily(account), "usage_records", {"PageSize": 1000, **params})


def by_key(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["category"], r["start_date"]): r for r in rows}


def units(value) -> int:
    """A price (number or string) in units of 0.00001, so sums compare exactly."""
    return int(Decimal(str(value)) * 100_000)


def figures(row: dict) -> tuple[int, int, int]:
    return (
        int(row["count"] or 0),
        units(row["usage"]) if row["category"] == TOTAL else int(row["usage"]),
        units(row["price"]),
    )


@pytest.fixture(scope="module", autouse=True)
def spec_present():
    spec_path("twilio_api_v2010.json")


# --- the spec ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"StartDate": "2025-03-09", "EndDate": "2025-03-09"},
        {"Category": "calls", "IncludeSubaccounts": "false"},
        {"StartDate": "-1days", "EndDate": "+30days"},
        {"StartDate": "2024-01-01", "EndDate": "2024-01-02"},  # before the sandbox's history: empty
    ],
)
def test_usage_records_conform_on_every_page(api, main_sid, sub_sid, params):
    for account in (main_sid, sub_sid):
        pages = api.pages(daily(account), {**params, "PageSize": 20})
        for page in pages:
            validate(page)
        if not params.get("StartDate", "").startswith("2024"):
            assert len(pages) >= 2 or params.get("Category")


def test_usage_triggers_conform_including_empty_lists(api, main_sid, sub_sid, config):
    empty_account = config.account_sid_of("sub2")
    for account, params in (
        (main_sid, {}),
        (main_sid, {"PageSize": 1}),
        (main_sid, {"Recurring": "daily", "TriggerBy": "price", "UsageCategory": "totalprice"}),
        (sub_sid, {}),
        (empty_account, {}),
    ):
        for page in api.pages(triggers(account), params):
            validate(page)
    assert api.get(triggers(empty_account)).json()["usage_triggers"] == []


def test_validator_rejects_tampered_usage_pages(api, main_sid):
    good = api.get(daily(main_sid), {"PageSize": 3})
    validate(good)
    for name, tamper in {
        "missing property": lambda r: r.pop("category"),
        "undocumented property": lambda r: r.update(subaccount_sid=main_sid),
        "count as a number": lambda r: r.update(count=3),
        "start_date as RFC 2822": lambda r: r.update(start_date="Sun, 09 Mar 2025 00:00:00 +0000"),
        "lower-case currency": lambda r: r.update(price_unit="usd"),
    }.items():
        bad = copy.copy(good)
        body = good.json()
        tamper(body["usage_records"][0])
        bad._content = json.dumps(body).encode()
        try:
            validate(bad)
        except InvalidData:
            continue
        pytest.fail(f"the spec accepted a usage record with this change: {name}")
    good = api.get(triggers(main_sid))
    validate(good)
    for field, value in (("recurring", "hourly"), ("sid", "UT123"), ("date_fired", "2025-03-10")):
        bad = copy.copy(good)
        body = good.json()
        body["usage_triggers"][0][field] = value
        bad._content = json.dumps(body).encode()
        with pytest.raises(InvalidData):
            validate(bad)


# --- paging, filters, errors ---------------------------------------------------------------


def test_paging_forward_and_back_gives_each_row_once(api, main_sid):
    whole = records(api, main_sid)
    assert len(whole) == len(LISTED) * len(DAYS)
    assert [(r["start_date"], r["category"]) for r in whole] == [
        (d.isoformat(), c) for d in reversed(DAYS) for c in LISTED
    ], "newest day first, categories in alphabetical order"
    pages = api.pages(daily(main_sid), {"PageSize": 7})
    assert [r for p in pages for r in p.json()["usage_records"]] == whole
    back = api.get(pages[2].json()["previous_page_uri"])
    assert back.json()["usage_records"] == pages[1].json()["usage_records"]


def test_date_category_and_subaccount_filters(api, main_sid, sub_sid):
    whole = by_key(records(api, main_sid, IncludeSubaccounts="false"))
    one_day = records(api, main_sid, IncludeSubaccounts="false", StartDate="2025-03-09", EndDate="2025-03-09")
    assert {r["start_date"] for r in one_day} == {"2025-03-09"} and len(one_day) == len(LISTED)
    assert all(whole[(r["category"], r["start_date"])] == r for r in one_day)
    # Offsets count from the clock's UTC day; EndDate past today stops at today.
    relative = records(api, main_sid, IncludeSubaccounts="false", StartDate="-1days", EndDate="+30days")
    assert {r["start_date"] for r in relative} == {"2025-03-09", "2025-03-10"}
    assert records(api, main_sid, StartDate="2025-03-10", EndDate="2025-03-09") == []
    calls = records(api, main_sid, IncludeSubaccounts="false", Category="calls-outbound")
    assert [r["start_date"] for r in calls] == ["2025-03-10", "2025-03-09", "2025-03-08"]
    assert records(api, main_sid, Category="wireless-usage-data") == []
    for bad in ({"StartDate": "yesterday"}, {"EndDate": "2025-02-30"}, {"IncludeSubaccounts": "maybe"}):
        r = api.get(daily(main_sid), bad)
        assert r.status_code == 400 and r.json()["code"] == 20001, bad
    # A subaccount has no subaccounts: with or without them is the same.
    assert records(api, sub_sid) == records(api, sub_sid, IncludeSubaccounts="false")


def test_include_subaccounts_by_default_rolls_the_subaccounts_into_the_parent(api, main_sid, config):
    accounts = [main_sid, *config.subaccount_sids]
    own = {a: by_key(records(api, a, IncludeSubaccounts="false")) for a in accounts}
    rolled = by_key(records(api, main_sid))
    assert rolled == by_key(records(api, main_sid, IncludeSubaccounts="true"))
    for key, row in rolled.items():
        assert figures(row) == tuple(sum(figures(own[a][key])[k] for a in accounts) for k in range(3)), key
        assert row["account_sid"] == main_sid
    assert figures(rolled[(TOTAL, "2025-03-09")])[2] > figures(own[main_sid][(TOTAL, "2025-03-09")])[2] > 0


def test_trigger_filters_and_errors(api, main_sid):
    every = api.all(triggers(main_sid), "usage_triggers")
    assert len(every) == 3
    for name, field in (("Recurring", "recurring"), ("TriggerBy", "trigger_by"), ("UsageCategory", "usage_category")):
        for value in {t[field] for t in every}:
            listed = api.all(triggers(main_sid), "usage_triggers", {name: value})
            assert listed == [t for t in every if t[field] == value] != []
    assert api.all(triggers(main_sid), "usage_triggers", {"Recurring": ""}) == []  # none is one-off
    for bad in ({"Recurring": "hourly"}, {"TriggerBy": "minutes"}):
        r = api.get(triggers(main_sid), bad)
        assert r.status_code == 400 and r.json()["code"] == 20001


def test_credentials_reach_what_they_reach(api, sub_api, main_sid, sub_sid):
    assert sub_api.get(daily(sub_sid)).status_code == 200
    for path in (daily(main_sid), triggers(main_sid)):
        r = sub_api.get(path)
        assert r.status_code == 401 and r.json()["code"] == 20003
    r = api.get(daily("AC" + "0" * 32))
    assert r.status_code == 404 and r.json()["code"] == 20404


# --- the category tree and the ledger ------------------------------------------------------


def test_every_category_is_twilios_and_each_parent_is_the_sum_of_its_children(api, main_sid, sub_sid):
    enum = set(_spec_categories())
    assert {c.name for c in CATEGORIES} <= enum
    for account in (main_sid, sub_sid):
        rows = by_key(records(api, account, IncludeSubaccounts="false"))
        for day in DAYS:
            for category in CATEGORIES:
                children = [c for c in CATEGORIES if c.parent == category.name]
                if not children:
                    continue
                row = figures(rows[(category.name, day.isoformat())])
                kids = [figures(rows[(c.name, day.isoformat())]) for c in children]
                assert row[2] == sum(k[2] for k in kids), (account, day, category.name)
                if category.name != TOTAL:
                    counted = [figures(rows[(c.name, day.isoformat())]) for c in children if not c.fee]
                    assert row[:2] == (sum(k[0] for k in counted), sum(k[1] for k in counted))
            total = figures(rows[(TOTAL, day.isoformat())])
            assert total[2] == sum(figures(rows[(leaf, day.isoformat())])[2] for leaf in LEAVES) > 0
            assert rows[(TOTAL, day.isoformat())]["count"] is None and total[1] == total[2]


def _spec_categories() -> list[str]:
    # The last spec with the category enum (Twilio dropped it in 2024; `category` is now a free string).
    old = spec_path("pre-2024-02-27-call-feedback-removal/twilio_api_v2010.json")
    return json.loads(old.read_text())["components"]["schemas"]["usage_record_daily_enum_category"]["enum"]


def test_settled_voice_usage_equals_the_days_listed_calls_recordings_and_transcriptions(world, main_sid, sub_sid):
    # Independent of the ledger: from the lists the sandbox serves (recordings deleted later included).
    for account in (main_sid, sub_sid):
        for day in DAYS[:2]:
            rows = {r["category"]: r for r in expected_records(world, "usage_records", [account], [day])}
            legs = list(world.records_for_day(account, "calls", day))
            inbound = [c for c in legs if c["direction"] == "inbound" and c["status"] == "completed"]
            assert units(rows["calls-inbound-local"]["price"]) == -sum(units(c["price"]) for c in inbound)
            assert int(rows["calls-inbound-local"]["count"]) == len(inbound)
            assert units(rows["calls"]["price"]) == -sum(units(c["price"]) for c in legs)
            recordings = list(world.records_for_day(account, "recordings", day, include_deleted=True))
            assert units(rows["recordings"]["price"]) == -sum(units(r["price"]) for r in recordings)
            transcriptions = list(world.records_for_day(account, "transcriptions", day))
            assert units(rows["transcriptions"]["price"]) == -sum(units(t["price"]) for t in transcriptions)
            assert int(rows["transcriptions"]["count"]) == len(transcriptions)


# --- the clock -----------------------------------------------------------------------------


def _day_rows(api, account: str, day: date) -> dict[str, dict]:
    rows = records(api, account, IncludeSubaccounts="false", StartDate=day.isoformat(), EndDate=day.isoformat())
    return {r["category"]: r for r in rows}


def test_today_accrues_and_a_day_is_re_rated_for_hours_after_it_ends_then_final(api, admin, main_sid):
    today = NOW.date()
    midnight = datetime.combine(today + timedelta(days=1), datetime.min.time(), NOW.tzinfo)
    noon = _day_rows(api, main_sid, today)
    admin.set_now(NOW + timedelta(hours=6))
    evening = _day_rows(api, main_sid, today)
    assert units(evening[TOTAL]["price"]) > units(noon[TOTAL]["price"]), "today's usage accrues"
    assert evening[TOTAL]["as_of"] > noon[TOTAL]["as_of"]
    assert _day_rows(api, main_sid, today + timedelta(days=1)) == {}, "no rows for a day not begun"
    # After midnight the day goes on changing (late calls rated, carrier fees posted)...
    admin.set_now(midnight)
    at_midnight = _day_rows(api, main_sid, today)
    assert units(at_midnight["sms-messages-carrierfees"]["price"]) == 0, "fees are posted hours later"
    admin.set_now(midnight + timedelta(microseconds=SETTLED_AFTER))
    settled = _day_rows(api, main_sid, today)
    assert units(settled["sms-messages-carrierfees"]["price"]) > 0
    assert units(settled[TOTAL]["price"]) > units(at_midnight[TOTAL]["price"])
    # ...and then never again.
    admin.set_now(midnight + timedelta(days=20))
    assert _day_rows(api, main_sid, today) == settled
    assert settled[TOTAL]["as_of"] <= (midnight + timedelta(microseconds=SETTLED_AFTER)).strftime(
        "%Y-%m-%dT%H:%M:%S+00:00"
    )
    assert SETTLED_AFTER == 12 * 3600 * US


def test_triggers_follow_the_usage_they_watch(api, admin, main_sid):
    def spend_trigger() -> dict:
        listed = api.all(triggers(main_sid), "usage_triggers", {"UsageCategory": "totalprice"})
        assert len(listed) == 1
        return listed[0]

    admin.set_now(datetime.combine(NOW.date(), datetime.min.time(), NOW.tzinfo) + timedelta(minutes=5))
    early = spend_trigger()
    today_total = _day_rows(api, main_sid, NOW.date())[TOTAL]
    assert units(early["current_value"]) == units(today_total["price"])
    admin.set_now(NOW + timedelta(hours=11, minutes=59))
    later = spend_trigger()
    assert units(later["current_value"]) == units(_day_rows(api, main_sid, NOW.date())[TOTAL]["price"])
    assert units(later["current_value"]) > units(early["current_value"])
    # By the day's end its spend reached the trigger's value: it fired today, at the moment it did.
    assert units(later["current_value"]) >= units(later["trigger_value"])
    fired = parsedate_to_datetime(later["date_fired"])
    assert fired.date() == NOW.date() and later["date_updated"] == later["date_fired"]
    admin.set_now(fired - timedelta(seconds=1))
    before = spend_trigger()
    assert units(before["current_value"]) < units(before["trigger_value"])
    assert before["date_fired"] is None or parsedate_to_datetime(before["date_fired"]) < fired
    admin.set_now(fired + timedelta(seconds=1))  # the wire drops the crossing's fraction of a second
    assert units(spend_trigger()["current_value"]) >= units(later["trigger_value"])
    minutes = api.all(triggers(main_sid), "usage_triggers", {"UsageCategory": "calls"})[0]
    assert minutes["date_fired"] is None and int(minutes["current_value"]) < int(minutes["trigger_value"])


# --- the SDK and the oracle ----------------------------------------------------------------


def test_the_official_sdk_lists_usage_records_and_triggers(config, server, world):
    pytest.importorskip("twilio", reason="the twilio SDK is a dev dependency")
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    class ToSandbox(TwilioHttpClient):
        def request(self, method, url, *args, **kwargs):
            parts, target = urlsplit(url), urlsplit(server.base_url)
            assert parts.netloc == "api.twilio.com"
            return super().request(
                method, urlunsplit((target.scheme, target.netloc, parts.path, parts.query, "")), *args, **kwargs
            )

    client = Client(config.main_account_sid, config.auth_token, http_client=ToSandbox())
    for account in world.account_nicknames.values():
        usage = client.api.v2010.accounts(account).usage
        listed = usage.records.daily.list(start_date=DAYS[0], end_date=DAYS[-1], include_subaccounts=False, page_size=9)
        expected = list(expected_records(world, "usage_records", [account], list(reversed(DAYS))))
        assert len(listed) == len(expected) > 0
        for sdk, wire in zip(listed, expected, strict=True):
            assert (sdk.category, sdk.start_date, sdk.end_date) == (wire["category"],) + (
                date.fromisoformat(wire["start_date"]),
            ) * 2
            assert float(sdk.price) == wire["price"] and sdk.count == wire["count"] and sdk.usage == wire["usage"]
            assert (sdk.as_of, sdk.price_unit, sdk.uri) == (wire["as_of"], wire["price_unit"], wire["uri"])
        sdk_triggers = usage.triggers.list(page_size=2)
        wire_triggers = list(expected_records(world, "usage_triggers", [account], None))
        assert [(t.sid, t.current_value, t.callback_url) for t in sdk_triggers] == [
            (t["sid"], t["current_value"], t["callback_url"]) for t in wire_triggers
        ]


def test_the_oracle_is_each_accounts_own_days_and_whole_trigger_list(api, world, main_sid, config):
    for account in (main_sid, *config.subaccount_sids):
        for day in DAYS:
            served = records(
                api, account, IncludeSubaccounts="false", StartDate=day.isoformat(), EndDate=day.isoformat()
            )
            assert list(expected_records(world, "usage_records", [account], [day])) == served
        assert list(expected_records(world, "usage_records", [account], [date(2025, 3, 1), date(2025, 3, 11)])) == []
        every = list(expected_records(world, "usage_records", [account]))
        assert by_key(every) == by_key(records(api, account, IncludeSubaccounts="false"))
        served_triggers = api.all(triggers(account), "usage_triggers")
        for days in (None, [], [date(2024, 1, 1)]):
            assert list(expected_records(world, "usage_triggers", [account], days)) == served_triggers
    assert any(BY_NAME[leaf].fee for leaf in LEAVES)
