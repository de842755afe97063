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

UTC = dt.timezone.utc
ACCOUNT = "AC" + "a" * 32
DAYS = (dt.date(2026, 3, 8), dt.date(2026, 3, 10))


def request(name: str, first: dt.date = DAYS[0], last: dt.date = DAYS[1]) -> ReadRequest:
    collection = BY_NAME[name]
    return ReadRequest(
        collection=collection, window=Window.for_days(first, last), account=ACCOUNT, base_url="https://api.example",
        path=collection.path.replace("{account_sid}", ACCOUNT), params=dict(collection.params),
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
    accepted = plan.accept(parents, [{"conference_sid": "CF1"}, {"conference_sid": "CF2"}, {"conference_sid": None}])
    assert accepted.records == []
    first, second = accepted.more
    assert first.url.endswith("/v1/Conferences/CF1/Participants") and second.context == "CF2"
    assert plan.parts() == []  # no child listed yet: nothing may be marked deleted
    plan.accept(first, [])  # a parent without participants is complete too
    assert plan.skip_on_error(second, refused(17002))
    (part,) = plan.parts()
    assert "CF1" in str(part.predicate) and "CF2" not in str(part.predicate)
    assert "children of CF2" in plan.unreadable


def test_sent_or_pending_reads_the_unsent_block_until_the_first_sent_message():
    plan = BY_NAME["messages"].read.plan(request("messages", DAYS[1], DAYS[1]))
    listings = list(plan.listings())
    pending = listings[-1]
    assert pending.label == "pending" and "DateSent" not in pending.params
    created = rfc(dt.datetime(2026, 3, 10, 8, tzinfo=UTC))
    block = [{"sid": "SM1", "date_sent": None, "date_created": created}, {"sid": "SM2", "date_sent": None, "date_created": created}]
    assert plan.accept(pending, block).records == block
    accepted = plan.accept(pending, [{"sid": "SM3", "date_sent": None, "date_created": created},
                                     {"sid": "SM4", "date_sent": created, "date_created": created}])
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
