"""Privacy fails closed: property names are checked against each collection's fields (taken here from
Twilio's OpenAPI specs, not from the code under test), nested properties are excluded or hashed by a
dotted path, URL credentials are always removed, and the strict preset names real fields."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from twilio_assets.catalog import ALL_COLLECTIONS, BY_NAME, Api
from twilio_assets.instances import PRIVACY_PRESETS, ConfigError, kept_fields, parse_settings
from twilio_assets.sync import Redaction
from twilio_assets.sync.rows import may_carry_url_credentials, without_url_credentials

REPO_ROOT = Path(__file__).resolve().parents[2]
SPECS = REPO_ROOT.parent / "shared" / "twilio-openapi"
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
needs_specs = pytest.mark.skipif(not SPECS.is_dir(), reason=f"Twilio's OpenAPI specs are not at {SPECS}")
KEY = b"k" * 16


def spec_fields(collection) -> dict[str, dict]:
    """The properties of one record of the collection's list, as Twilio's official spec describes them."""
    spec = json.loads((SPECS / SPEC_FILES[collection.api]).read_text())
    path = collection.path.replace("{account_sid}", "{AccountSid}").replace("{parent_sid}", "{ConferenceSid}")
    path = re.sub(r"\{(\w+)_sid\}", lambda m: "{" + m.group(1).title().replace("_", "") + "Sid}", path)
    schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    item = schema["properties"][collection.list_key]["items"]["$ref"].split("/")[-1]
    return spec["components"]["schemas"][item]["properties"]


def settings(**instance):
    return parse_settings({"instances": [{"name": "prod", **instance}]}, "twilio_instances.yaml")


def refusal(**instance) -> str:
    with pytest.raises(ConfigError) as raised:
        settings(**instance)
    return str(raised.value)


# --- 1. unknown names are refused ---------------------------------------------------------------


@needs_specs
@pytest.mark.parametrize("collection", ALL_COLLECTIONS, ids=lambda c: c.name)
def test_every_field_twilio_documents_can_be_excluded_and_nothing_else(collection):
    documented = set(spec_fields(collection)) - set(collection.drop_fields)
    allowed = sorted(documented - kept_fields(collection))
    assert allowed, collection.name
    instance = settings(exclude_properties={collection.name: allowed}).instances[0]
    assert instance.privacy.exclude[collection.name] == tuple(allowed)
    for name in allowed:
        # Twilio's names are lower-case: the same name in another case is a different, unknown field.
        message = refusal(exclude_properties={collection.name: [name.upper()]})
        assert f"did you mean '{name}'" in message, message


@pytest.mark.parametrize(
    "collection, wrong, closest",
    [
        ("messages", "Body", "body"),  # the example: Twilio's JSON field is `body`
        ("messages", "bdoy", "body"),
        ("calls", "from_formated", "from_formatted"),
        ("studio_executions", "contxt.flow.data", "context.flow.data"),
    ],
)
def test_a_name_that_is_not_a_field_is_refused_naming_the_instance_collection_and_closest_field(
    collection, wrong, closest
):
    message = refusal(exclude_properties={collection: [wrong]})
    assert "(prod)" in message and f"exclude_properties.{collection}" in message, message
    assert repr(wrong) in message and f"did you mean {closest!r}" in message, message


def test_a_column_read_from_a_nested_field_points_at_its_path():
    # `comment` is the column's name; Twilio's field is annotation.comment (Insights call summaries).
    message = refusal(hash_properties={"call_feedback": ["comment"]})
    assert "'comment' is not a field of call_feedback" in message and "annotation.comment" in message, message


def test_an_unknown_collection_is_refused_with_the_closest_one():
    assert "did you mean 'messages'" in refusal(exclude_properties={"mesages": ["body"]})


@pytest.mark.parametrize(
    "collection, kept",
    [("messages", "date_sent"), ("usage_records", "category"), ("studio_executions", "flow_sid")],
)
def test_fields_that_place_a_record_cannot_be_excluded(collection, kept):
    # date_sent places a message in its day, category is part of a usage record's key, flow_sid is
    # how an execution is found under its flow.
    assert "must be kept" in refusal(exclude_properties={collection: [kept]})


def test_a_misspelt_preset_is_refused():
    assert "privacy_preset must be one of strict" in refusal(privacy_preset="Strict")


# --- 2. nested fields ----------------------------------------------------------------------------


def test_dotted_paths_into_json_fields_are_accepted_and_others_refused_with_why():
    instance = settings(
        exclude_properties={"studio_executions": ["context.flow.data"], "incoming_phone_numbers": ["capabilities.sms"]},
        hash_properties={"call_feedback": ["annotation.comment"]},
    ).instances[0]
    assert instance.privacy.exclude["studio_executions"] == ("context.flow.data",)
    # Conversation attributes are a string of JSON text for Twilio, not an object.
    assert "not a JSON object" in refusal(exclude_properties={"conversations": ["attributes.email"]})
    assert "has no column" in refusal(exclude_properties={"call_feedback": ["from.caller"]})
    assert "feeds quality_score (integer)" in refusal(hash_properties={"call_feedback": ["annotation.call_score"]})
    assert "not a property path" in refusal(exclude_properties={"studio_executions": ["context..flow"]})
    # One path inside the other clashes; the same names in two collections do not.
    settings(exclude_properties={"messages": ["body"]}, hash_properties={"conversation_messages": ["body"]})
    assert "both excluded and hashed" in refusal(
        exclude_properties={"call_feedback": ["annotation"]}, hash_properties={"call_feedback": ["annotation.comment"]}
    )


def test_a_nested_path_is_dropped_or_hashed_inside_objects_and_lists():
    record = {
        "sid": "FN1",
        "context": {"flow": {"data": {"pin": "1234"}, "channel": "sms"}, "widgets": {"ask": {"Body": "my pin"}}},
        "media": [{"filename": "id-card.png", "size": 10}, {"filename": "x.png", "size": 2}],
        "annotation": {"comment": "caller was angry", "call_score": 2},
    }
    redaction = Redaction(
        exclude=("context.flow.data", "context.widgets", "media.filename"), hashed=("annotation.comment",), key=KEY
    )
    cleaned = redaction.apply(record)
    assert cleaned["context"] == {"flow": {"channel": "sms"}}
    assert cleaned["media"] == [{"size": 10}, {"size": 2}]
    assert cleaned["annotation"]["call_score"] == 2
    assert cleaned["annotation"]["comment"].startswith("hmac-sha256:") and "angry" not in json.dumps(cleaned)
    assert record["context"]["flow"]["data"] == {"pin": "1234"}  # the input is left as it was
    # A path that is not in the record changes nothing.
    assert Redaction(exclude=("context.nothing.here",)).apply(record) == record


# --- 3. URL credentials --------------------------------------------------------------------------


def test_url_credentials_are_removed_from_every_string_always():
    record = {
        "sid": "PN1",
        "voice_url": "https://user:s3cret@example.com/hook?x=1",
        "sms_url": "https://example.com/sms",
        "friendly_name": "ops@example.com",  # an e-mail address is not a URL
        "definition": {"states": [{"properties": {"url": "http://bob:pa@ss@hooks.example.com/a"}}]},
        "attributes": '{"callback":"https:\\/\\/u:tok@example.org\\/cb"}',  # JSON kept in a string
        "notes": "see https://ann:pw1@intra.example.com/x and ftp://a:b@files.example.com",
    }
    cleaned = Redaction().apply(record)
    assert cleaned["voice_url"] == "https://example.com/hook?x=1"
    assert cleaned["sms_url"] is record["sms_url"] and cleaned["friendly_name"] == "ops@example.com"
    assert cleaned["definition"]["states"][0]["properties"]["url"] == "http://hooks.example.com/a"
    assert cleaned["attributes"] == '{"callback":"https:\\/\\/example.org\\/cb"}'
    assert cleaned["notes"] == "see https://intra.example.com/x and ftp://files.example.com"
    for secret in ("s3cret", "pa@ss", "tok@", "pw1", "a:b@", "user:", "bob:"):
        assert secret not in json.dumps(cleaned), secret
    assert record["voice_url"].startswith("https://user:s3cret@")  # the input is left as it was
    clean = {"sid": "PN2", "voice_url": "https://example.com/hook"}
    assert without_url_credentials(clean) is clean  # nothing to remove: no copy


def test_a_page_is_checked_in_python_whenever_its_text_may_hide_credentials():
    assert may_carry_url_credentials('{"u": "https://a:b@example.com"}')
    assert may_carry_url_credentials('{"u": "https:\\/\\/a:b@example.com"}')
    assert may_carry_url_credentials('{"u": "https://a:b\\u0040example.com"}')  # `@` escaped
    assert may_carry_url_credentials(None)
    assert not may_carry_url_credentials('{"u": "https://example.com/a@b", "e": "ops@example.com"}')


# --- 4. the strict preset ------------------------------------------------------------------------


@needs_specs
def test_the_strict_preset_names_documented_fields_and_free_form_content():
    strict = PRIVACY_PRESETS["strict"]
    for name, paths in strict.items():
        documented = spec_fields(BY_NAME[name])
        assert {p.split(".")[0] for p in paths} <= set(documented), name
    # What the issue asks the preset to drop, as Twilio names it.
    assert "definition" in strict["studio_flows"] and "context" in strict["studio_executions"]
    assert "context" in strict["studio_execution_steps"] and "alert_text" in strict["alerts"]
    # Every field the specs mark as sensitive personal data (x-twilio pii) is excluded, except the
    # credential the catalogue never stores (auth_token) and URLs, whose credentials are always removed.
    for collection in ALL_COLLECTIONS:
        sensitive = {
            field
            for field, schema in spec_fields(collection).items()
            if schema.get("x-twilio", {}).get("pii", {}).get("handling") == "sensitive"
        }
        sensitive -= set(collection.drop_fields) | {f for f in sensitive if f.endswith("_url")}
        assert sensitive <= set(strict.get(collection.name, ())), (collection.name, sensitive)


def test_the_strict_preset_adds_to_an_instances_own_exclusions():
    instance = settings(privacy_preset="strict", exclude_properties={"messages": ["error_message"]}).instances[0]
    assert instance.privacy.exclude["messages"] == ("body", "error_message")
    assert instance.privacy.exclude["studio_flows"] == ("definition",)
    message = refusal(privacy_preset="strict", hash_properties={"messages": ["body"]})
    assert "both excluded and hashed" in message and "privacy_preset strict excludes" in message


def test_what_the_strict_preset_drops_stays_a_column_no_dbt_test_requires():
    """dbt keeps building: an excluded field's column stays in its raw table (NULL), and no model's
    not-null test names it."""
    tested = set()
    for path in (REPO_ROOT / "dbt_project" / "models").rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            for test in model.get("data_tests", []) + model.get("tests", []):
                if isinstance(test, dict) and "not_null_columns" in test:
                    tested.update(test["not_null_columns"]["arguments"]["column_names"])
            for column in model.get("columns", []):
                if column.get("data_tests") or column.get("tests"):
                    tested.add(column["name"])
    for name, paths in PRIVACY_PRESETS["strict"].items():
        columns = BY_NAME[name].columns
        for path in paths:
            fed = [c.name for c in columns if ".".join(c.path).startswith(path)]
            assert fed, (name, path)  # a column reads it, so the table keeps that column
            assert not set(fed) & tested, (name, path, set(fed) & tested)
