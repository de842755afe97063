"""The declarative catalogue: parsing of each column kind, and every column checked against Twilio's specs."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from twilio_assets.catalog import ALL_COLLECTIONS, BY_NAME, Api, Collection, MalformedValue
from twilio_assets.catalog.columns import BOOLEAN, INTEGER, ISO8601, JSONB, NUMERIC, RFC2822, SID, columns
from twilio_assets.read_modes import DayFilter, SentOrPending
from twilio_assets.sync import MalformedRecord, build_row

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "twilio-openapi"
UTC = dt.UTC


def test_rfc2822_dates_become_utc_timestamps():
    assert RFC2822.parse("Thu, 30 Jul 2015 20:00:00 +0000") == dt.datetime(2015, 7, 30, 20, tzinfo=UTC)
    assert RFC2822.parse("Thu, 30 Jul 2015 22:00:00 +0200") == dt.datetime(2015, 7, 30, 20, tzinfo=UTC)
    assert RFC2822.parse("") is None and RFC2822.parse(None) is None
    with pytest.raises(MalformedValue, match="RFC 2822"):
        RFC2822.parse("2015-07-30")


def test_iso8601_timestamps():
    assert ISO8601.parse("2021-08-25T03:40:25Z") == dt.datetime(2021, 8, 25, 3, 40, 25, tzinfo=UTC)
    with pytest.raises(MalformedValue):
        ISO8601.parse("yesterday")


def test_numbers_sent_as_strings_are_typed():
    assert INTEGER.parse("4") == 4 and INTEGER.parse(4) == 4 and INTEGER.parse("") is None
    assert NUMERIC.parse("-0.00750") == Decimal("-0.00750")
    assert NUMERIC.parse(-0.2) == Decimal("-0.2")  # a JSON number keeps its printed digits
    for bad in ("abc", "1.5", True):
        with pytest.raises(MalformedValue):
            INTEGER.parse(bad)
    with pytest.raises(MalformedValue):
        NUMERIC.parse("NaN")


def test_empty_sids_become_null_and_booleans_and_json_are_kept():
    assert SID.parse("") is None and SID.parse("CA" + "0" * 32) == "CA" + "0" * 32
    assert BOOLEAN.parse(True) is True and BOOLEAN.parse("false") is False
    assert json.loads(JSONB.parse({"voice": True, "sms": False})) == {"sms": False, "voice": True}


def test_nested_sources_read_annotation_fields():
    (score, issues) = columns("quality_score=annotation.call_score:integer issues=annotation.quality_issues:jsonb")
    record = {"annotation": {"call_score": 2, "quality_issues": ["echo"]}}
    assert score.extract(record) == 2 and json.loads(issues.extract(record)) == ["echo"]
    assert score.extract({"annotation": None}) is None


def test_build_row_drops_secrets_and_keeps_unknown_fields_in_raw():
    accounts = BY_NAME["accounts"]
    record = {
        "sid": "AC" + "1" * 32,
        "auth_token": "topsecret",
        "brand_new_field": 1,
        "date_created": "Thu, 30 Jul 2015 20:00:00 +0000",
    }
    row = build_row(accounts, record, "test")
    raw = json.loads(row[-1])
    assert "auth_token" not in raw and raw["brand_new_field"] == 1
    assert "topsecret" not in repr(row)


def test_build_row_names_the_collection_key_and_column_of_a_malformed_record():
    with pytest.raises(MalformedRecord, match=r"calls: record sid=CA1 .*'duration' \(integer\)"):
        build_row(BY_NAME["calls"], {"sid": "CA1", "duration": "four"}, "page 0")
    with pytest.raises(MalformedRecord, match="no 'sid'"):
        build_row(BY_NAME["calls"], {"status": "completed"}, "page 0")


def test_catalogue_rejects_inconsistent_entries():
    calls = BY_NAME["calls"]
    with pytest.raises(ValueError, match="primary key"):
        Collection(**{**calls.__dict__, "primary_key": "nope"})
    with pytest.raises(ValueError, match="names column 'begun'"):
        Collection(**{**calls.__dict__, "read": DayFilter("StartTime", "begun")})
    with pytest.raises(ValueError, match="read mode"):
        Collection(**{**calls.__dict__, "read": "day_filter"})


SPEC_FILES = {
    Api.V2010: "twilio_api_v2010.json",
    Api.INSIGHTS: "twilio_insights_v1.json",
    Api.MESSAGING: "twilio_messaging_v1.json",
    Api.CONVERSATIONS: "twilio_conversations_v1.json",
    Api.STUDIO: "twilio_studio_v2.json",
    Api.VERIFY: "twilio_verify_v2.json",
    Api.MONITOR: "twilio_monitor_v1.json",
    Api.TRUNKING: "twilio_trunking_v1.json",
    Api.TASKROUTER: "twilio_taskrouter_v1.json",
}


def _list_item_properties(spec: dict, path: str, list_key: str) -> set[str]:
    schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    item = schema["properties"][list_key]["items"]["$ref"].split("/")[-1]
    return set(spec["components"]["schemas"][item]["properties"])


@pytest.mark.skipif(not SPECS.is_dir(), reason=f"Twilio's OpenAPI specs are not at {SPECS} (shared/ beside the repo)")
@pytest.mark.parametrize("collection", ALL_COLLECTIONS, ids=lambda c: c.name)
def test_every_column_is_a_field_of_twilios_official_schema(collection):
    spec = json.loads((SPECS / SPEC_FILES[collection.api]).read_text())
    path = collection.path.replace("{account_sid}", "{AccountSid}").replace("{parent_sid}", "{ConferenceSid}")
    # `{flow_sid}` in the catalogue is `{FlowSid}` in the spec.
    path = re.sub(r"\{(\w+)_sid\}", lambda m: "{" + m.group(1).title().replace("_", "") + "Sid}", path)
    properties = _list_item_properties(spec, path, collection.list_key)
    sourced = [
        column for column in collection.columns if not (column.name == "account_sid" and collection.account_from_path)
    ]
    top_level_sources = {part for column in sourced for part in (column.composed_of or column.path[:1])}
    assert top_level_sources <= properties, f"not in Twilio's schema: {top_level_sources - properties}"
    if isinstance(collection.read, (DayFilter, SentOrPending)):
        parameters = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert {f"{collection.read.param}{op}" for op in ("", "<", ">")} <= parameters


@pytest.mark.skipif(not SPECS.is_dir(), reason=f"Twilio's OpenAPI specs are not at {SPECS} (shared/ beside the repo)")
@pytest.mark.parametrize("collection", ALL_COLLECTIONS, ids=lambda c: c.name)
def test_columns_raw_only_and_dropped_fields_are_exactly_twilios_fields(collection):
    # What exclude_properties and hash_properties may name: every field of the record, nothing else.
    spec = json.loads((SPECS / SPEC_FILES[collection.api]).read_text())
    path = collection.path.replace("{account_sid}", "{AccountSid}").replace("{parent_sid}", "{ConferenceSid}")
    path = re.sub(r"\{(\w+)_sid\}", lambda m: "{" + m.group(1).title().replace("_", "") + "Sid}", path)
    properties = _list_item_properties(spec, path, collection.list_key)
    sourced = {part for column in collection.columns for part in (column.composed_of or column.path[:1])}
    if collection.account_from_path:
        sourced.discard("account_sid")
    # A dropped field may be one the spec leaves out (an API key's `secret`, sent only on creation).
    listed = sourced | set(collection.raw_only_fields)
    expected = properties - set(collection.drop_fields)
    assert listed == expected, f"missing: {expected - listed}; not Twilio's: {listed - expected}"
