"""Each read mode on its own: the listings it asks for, what it keeps of a page, its scope, its errors.

No Twilio and no database: plans are driven by hand with records written here, and scopes are checked
by the SQL text they produce.
"""

from __future__ import annotations

import datetime as dt

import pytest

from twilio_assets.catalog import BY_NAME, Collection
from twilio_assets.read_modes import DayFilter, ReadRequest
from twilio_assets.read_modes.base import Listing
from twilio_assets.twilio_api import TwilioAPIError
from twilio_assets.window import Window

UTC = dt.UTC
ACCOUNT = "AC" + "a" * 32
# Parent SIDs of the per-parent tests: they go into URL paths, so they must have a SID's shape.
CF1, CF2, MG1, MG2, FW1, FN1, FN2 = (
    prefix + f"{n:032x}" for n, prefix in enumerate(("CF", "CF", "MG", "MG", "FW", "FN", "FN"), start=1)
)
DAYS = (dt.date(2026, 3, 8), dt.date(2026, 3, 10))


def request(name: str, first: dt.date = DAYS[0], last: dt.date = DAYS[1]) -> ReadRequest:
    collection = BY_NAME[name]
    return ReadRequest(
        collection=collection,
        window=Window.for_days(first, last),
        account=ACCOUNT,
        base_url="https://api.example",
        path=collection.path.replace("{account_sid}", ACCOUNT),
        params=dict(collection.params),
    )


def rfc(moment: dt.datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


def refused(code: int, status: int = 400) -> TwilioAPIError:
    return TwilioAPIError(status=status, method="GET", url="https://api.example/x", code=code, message="too old")


def test_day_filter_lists_each_day_with_the_equality_filter_and_scopes_each_day():
    plan = BY_NAME["calls"].read.plan(request("calls"))
    listings = list(plan.listings())
    assert [listing.params["StartTime"] for listing in listings] == ["2026-03-10", "2026-03-09", "2026-03-08"]
    assert [listing.label for listing in listings] == ["2026-03-10", "2026-03-09", "2026-03-08"]
    assert [part.label for part in plan.parts()] == ["2026-03-08", "2026-03-09", "2026-03-10"]


def test_a_day_twilio_refuses_for_retention_is_recorded_and_left_out_of_the_scope():
    plan = BY_NAME["messages"].read.plan(request("messages"))
    oldest = next(listing for listing in plan.listings() if listing.label == "2026-03-08")
    assert plan.skip_on_error(oldest, refused(20004))
    assert "20004" in plan.unreadable["2026-03-08"]
    assert "2026-03-08" not in [part.label for part in plan.parts()]
    # Anything else is not tolerated: a wrong password must fail the sync.
    assert not plan.skip_on_error(oldest, refused(20003, status=401))


def test_time_range_lists_one_iso_range_per_day():
    plan = BY_NAME["call_feedback"].read.plan(request("call_feedback", DAYS[1], DAYS[1]))
    (listing,) = plan.listings()
    assert listing.params["StartTime"] == "2026-03-10T00:00:00Z" and listing.params["EndTime"] == "2026-03-11T00:00:00Z"
    assert listing.params["ProcessingState"] == "all"


def test_newest_first_scan_keeps_the_window_and_stops_at_the_first_older_record():
    plan = BY_NAME["transcriptions"].read.plan(request("transcriptions", DAYS[1], DAYS[1]))
    (listing,) = plan.listings()
    newer, inside, older = (dt.datetime(2026, 3, d, 9, tzinfo=UTC) for d in (11, 10, 9))
    records = [{"sid": "TR1", "date_created": rfc(newer)}, {"sid": "TR2", "date_created": rfc(inside)}]
    accepted = plan.accept(listing, records)
    assert [r["sid"] for r in accepted.records] == ["TR2"] and not accepted.stop
    accepted = plan.accept(listing, [{"sid": "TR3", "date_created": rfc(older)}])
    assert accepted.records == [] and accepted.stop


def test_per_parent_lists_children_of_each_parent_and_scopes_exactly_the_listed_parents():
    plan = BY_NAME["conference_participants"].read.plan(request("conference_participants", DAYS[1], DAYS[1]))
    (parents,) = plan.listings()
    assert parents.url.endswith("/v1/Conferences") and parents.list_key == "conferences"
    accepted = plan.accept(parents, [{"conference_sid": CF1}, {"conference_sid": CF2}, {"conference_sid": None}])
    assert accepted.records == []
    first, second = accepted.more
    assert first.url.endswith(f"/v1/Conferences/{CF1}/Participants") and second.context.parent == CF2
    assert plan.parts() == []  # no child listed yet: nothing may be marked deleted
    plan.accept(first, [])  # a parent without participants is complete too
    assert plan.skip_on_error(second, refused(17002))
    (part,) = plan.parts()
    assert CF1 in str(part.predicate) and CF2 not in str(part.predicate)
    assert f"children of {CF2}" in plan.unreadable


def test_sent_or_pending_reads_the_unsent_block_until_the_first_sent_message():
    plan = BY_NAME["messages"].read.plan(request("messages", DAYS[1], DAYS[1]))
    listings = list(plan.listings())
    pending = listings[-1]
    assert pending.label == "pending" and "DateSent" not in pending.params
    created = rfc(dt.datetime(2026, 3, 10, 8, tzinfo=UTC))
    block = [
        {"sid": "SM1", "date_sent": None, "date_created": created},
        {"sid": "SM2", "date_sent": None, "date_created": created},
    ]
    assert plan.accept(pending, block).records == block
    accepted = plan.accept(
        pending,
        [
            {"sid": "SM3", "date_sent": None, "date_created": created},
            {"sid": "SM4", "date_sent": created, "date_created": created},
        ],
    )
    assert [r["sid"] for r in accepted.records] == ["SM3"] and accepted.stop
    # Older than any message can stay pending (35 days of scheduling): the block ends there too.
    ancient = rfc(dt.datetime(2026, 1, 1, tzinfo=UTC))
    assert plan.accept(pending, [{"sid": "SM5", "date_sent": None, "date_created": ancient}]).stop
    assert [part.label for part in plan.parts()] == ["2026-03-10", "pending"]


def test_sent_or_pending_fetches_pending_rows_it_no_longer_lists_and_tolerates_their_404():
    plan = BY_NAME["messages"].read.plan(request("messages", DAYS[1], DAYS[1]))
    asked = []

    def unseen(predicate):
        asked.append(str(predicate))
        return ["SM9"]

    (fetch,) = plan.after_listings(unseen)
    assert fetch.single and fetch.url == f"https://api.example/2010-04-01/Accounts/{ACCOUNT}/Messages/SM9.json"
    assert "date_sent" in asked[0] and "is null" in asked[0]
    assert plan.skip_on_error(fetch, refused(20404, status=404))
    assert not plan.skip_on_error(Listing("u", {}, "2026-03-10"), refused(20404, status=404))


def test_whole_list_is_one_listing_whose_scope_is_every_row_of_the_account():
    plan = BY_NAME["addresses"].read.plan(request("addresses"))
    (listing,) = plan.listings()
    assert "DateCreated" not in listing.params
    (part,) = plan.parts()
    assert str(part.predicate) == "SQL('true')"


def test_a_read_mode_validates_its_own_columns():
    calls = BY_NAME["calls"]
    with pytest.raises(ValueError, match="names column 'begun'"):
        Collection(**{**calls.__dict__, "read": DayFilter("StartTime", "begun")})


# --- shapes of the product families (entries built here, independent of the catalogue's) ------------------


def entry(name: str, path: str, columns_spec: str, read, api=None) -> Collection:
    from twilio_assets.catalog import Api
    from twilio_assets.catalog.columns import columns

    return Collection(
        name=name,
        description="test entry",
        api=api or Api.V2010,
        path=path,
        list_key="items",
        primary_key=columns_spec.split()[0].split(":")[0].split("=")[0],
        columns=columns(columns_spec),
        read=read,
        per_account="{account_sid}" in path,
    )


def request_for(collection: Collection, first: dt.date = DAYS[0], last: dt.date = DAYS[1]) -> ReadRequest:
    return ReadRequest(
        collection=collection,
        window=Window.for_days(first, last),
        account=ACCOUNT if collection.per_account else None,
        base_url="https://host.example",
        path=collection.path.replace("{account_sid}", ACCOUNT),
        params=dict(collection.params),
    )


@pytest.mark.parametrize(
    ("bounds", "start", "end"),
    [
        ("iso", "2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z"),
        ("iso_through", "2026-03-10T00:00:00Z", "2026-03-10T23:59:59Z"),
        ("date", "2026-03-10", "2026-03-10"),
    ],
)
def test_day_params_follow_each_apis_bounds(bounds, start, end):
    from twilio_assets.read_modes import DayParams

    assert DayParams("From", "To", bounds).for_day(DAYS[1]) == {"From": start, "To": end}
    assert DayParams("DateSent", bounds="equals").for_day(DAYS[1]) == {"DateSent": "2026-03-10"}
    with pytest.raises(ValueError, match="bounds"):
        DayParams("From", "To", "weekly")
    with pytest.raises(ValueError, match="one parameter"):
        DayParams("From", bounds="iso")


def test_time_range_on_a_date_column_scopes_by_date_not_by_a_zoned_timestamp():
    from twilio_assets.read_modes import TimeRange

    usage = entry(
        "usage",
        "/2010-04-01/Accounts/{account_sid}/Usage/Records/Daily.json",
        "usage_key=account_sid+category+start_date:key account_sid:sid category:text start_date:date",
        TimeRange("StartDate", "EndDate", "start_date", bounds="date"),
    )
    plan = usage.read.plan(request_for(usage, DAYS[1], DAYS[1]))
    (listing,) = plan.listings()
    assert (listing.params["StartDate"], listing.params["EndDate"]) == ("2026-03-10", "2026-03-10")
    (part,) = plan.parts()
    assert "datetime.date(2026, 3, 10)" in repr(part.predicate) and "timedelta" not in repr(part.predicate)


def test_composed_key_joins_its_fields_the_same_way_in_python_and_in_sql():
    from twilio_assets.catalog.columns import columns

    (key,) = columns("usage_key=account_sid+category+start_date:key")
    record = {"account_sid": "AC1", "category": "sms", "start_date": "2026-03-10"}
    assert key.extract(record) == "AC1|sms|2026-03-10"
    assert key.sql_value("r") == (
        "concat_ws('|', coalesce(r ->> 'account_sid', ''), coalesce(r ->> 'category', ''), "
        "coalesce(r ->> 'start_date', ''))"
    )
    with pytest.raises(ValueError, match="two or more"):
        columns("usage_key=account_sid:key")


def test_per_parent_over_a_whole_parent_list_scopes_every_row_but_the_refused_parents():
    from twilio_assets.catalog import Api
    from twilio_assets.read_modes import Parents, PerParent

    numbers = entry(
        "service_numbers",
        "/v1/Services/{service_sid}/PhoneNumbers",
        "sid:sid service_sid:sid",
        PerParent(Parents("/v1/Services", "services", fields={"service_sid": "sid"}), parent_key="service_sid"),
        api=Api.MESSAGING,
    )
    plan = numbers.read.plan(request_for(numbers))
    (services,) = plan.listings()  # the whole list, not one per day
    assert services.url == "https://host.example/v1/Services" and services.list_key == "services"
    first, second = plan.accept(services, [{"sid": MG1}, {"sid": MG2}]).more
    assert first.url == f"https://host.example/v1/Services/{MG1}/PhoneNumbers"
    plan.accept(first, [{"sid": "PN1", "service_sid": MG1}])
    assert plan.skip_on_error(second, refused(20004))
    (part,) = plan.parts()
    assert "true" in repr(part.predicate) and MG2 in repr(part.predicate) and "not" in repr(part.predicate)
    # If the parents themselves cannot be listed, nothing may be marked deleted.
    again = numbers.read.plan(request_for(numbers))
    assert again.skip_on_error(next(iter(again.listings())), refused(20004)) and again.parts() == []


def test_per_parent_through_grandparents_fills_every_placeholder_and_keeps_only_wanted_parents():
    from twilio_assets.catalog import Api
    from twilio_assets.read_modes import DayParams, Parents, PerParent

    steps = entry(
        "steps",
        "/v2/Flows/{flow_sid}/Executions/{execution_sid}/Steps",
        "sid:sid execution_sid:sid flow_sid:sid",
        PerParent(
            Parents(
                "/v2/Flows/{flow_sid}/Executions",
                "executions",
                fields={"execution_sid": "sid", "flow_sid": "flow_sid"},
                by_day=DayParams("DateCreatedFrom", "DateCreatedTo"),
                keep=lambda execution: execution.get("status") != "skip-me",
                parents=Parents("/v2/Flows", "flows", fields={"flow_sid": "sid"}),
            ),
            parent_key="execution_sid",
        ),
        api=Api.STUDIO,
    )
    plan = steps.read.plan(request_for(steps, DAYS[1], DAYS[1]))
    (flows,) = plan.listings()
    (executions,) = plan.accept(flows, [{"sid": FW1}]).more
    assert executions.url == f"https://host.example/v2/Flows/{FW1}/Executions"
    assert executions.params["DateCreatedFrom"] == "2026-03-10T00:00:00Z"
    found = [{"sid": FN1, "flow_sid": FW1}, {"sid": FN2, "flow_sid": FW1, "status": "skip-me"}]
    (children,) = plan.accept(executions, found).more
    assert children.url == f"https://host.example/v2/Flows/{FW1}/Executions/{FN1}/Steps"
    assert plan.parts() == []  # no step listed yet
    plan.accept(children, [])
    (part,) = plan.parts()
    assert FN1 in repr(part.predicate) and FN2 not in repr(part.predicate)
    with pytest.raises(ValueError, match="needs"):
        entry(
            "bad",
            "/v2/Flows/{flow_sid}/Steps",
            "sid:sid flow_sid:sid",
            PerParent(Parents("/v2/Flows", "flows"), "flow_sid"),
        )


def test_per_parent_with_children_per_day_scopes_the_childrens_own_days():
    from twilio_assets.catalog import Api
    from twilio_assets.read_modes import DayParams, Parents, PerParent

    executions = entry(
        "executions",
        "/v2/Flows/{flow_sid}/Executions",
        "sid:sid flow_sid:sid date_created:iso8601",
        PerParent(
            Parents("/v2/Flows", "flows", fields={"flow_sid": "sid"}),
            parent_key="flow_sid",
            child_days=DayParams("DateCreatedFrom", "DateCreatedTo"),
            child_column="date_created",
        ),
        api=Api.STUDIO,
    )
    assert executions.day_column == "date_created"
    plan = executions.read.plan(request_for(executions))
    (flows,) = plan.listings()
    per_day = plan.accept(flows, [{"sid": FW1}]).more
    assert [listing.label for listing in per_day] == ["2026-03-10", "2026-03-09", "2026-03-08"]
    assert [part.label for part in plan.parts()] == ["2026-03-08", "2026-03-09", "2026-03-10"]
