"""Instance settings: the default, the YAML file, and every mistake named with its fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from twilio_assets.instances import ConfigError, load_settings, parse_settings
from twilio_assets.sync import Redaction

EXAMPLE = Path(__file__).resolve().parents[2] / "twilio_instances.example.yaml"


def one(**instance) -> dict:
    return {"instances": [{"name": "prod", **instance}]}


def test_without_a_file_there_is_one_default_instance(tmp_path):
    settings = load_settings(environ={}, cwd=tmp_path)
    (instance,) = settings.instances
    assert (instance.name, instance.schema, instance.env_prefix, instance.group_name) == (
        "twilio",
        "twilio",
        "TWILIO_",
        "raw_twilio",
    )
    assert instance.accounts == "main" and instance.lookback_days == 1
    assert "calls" in instance.collection_names and "call_feedback" in instance.collection_names


def test_the_example_file_parses_and_start_date_can_be_overridden(tmp_path):
    settings = load_settings(environ={"TWILIO_INSTANCES_FILE": str(EXAMPLE), "TWILIO_START_DATE": "2026-02-03"})
    assert [i.schema for i in settings.instances] == ["twilio_prod", "twilio_eu"]
    assert settings.start_date == dt.date(2026, 2, 3)
    prod = settings.instances[0]
    assert prod.accounts == "all" and prod.privacy.for_collection("messages") == (("body",), ("to", "from"))


@pytest.mark.parametrize(
    "document, complaint",
    [
        (one(schema="Robert'); drop table students;--"), "schema name"),
        (one(schema="pg_toast"), "reserved"),
        (one(name="Prod"), "name 'Prod'"),
        (one(env_prefix="twilio"), "env_prefix"),
        (one(lookback_days=-1), "lookback_days"),
        (one(collections=["calls", "faxes"]), "unknown collections ['faxes']"),
        (one(accounts="some"), "accounts must be"),
        (one(accounts=["AC123"]), "accounts must be"),
        (one(exclude_properties={"calls": ["sid"]}), "identify records"),
        (one(hash_properties={"calls": ["duration"]}), "only text properties"),
        (
            one(exclude_properties={"messages": ["body"]}, hash_properties={"messages": ["body"]}),
            "both excluded and hashed",
        ),
        (one(colour="blue"), "unknown keys ['colour']"),
        ({"instances": [{"name": "a", "schema": "s"}, {"name": "b", "schema": "s"}]}, "share the schema"),
        ({"instances": []}, "non-empty list"),
        ({"start_date": "soon", "instances": [{"name": "a"}]}, "start_date"),
    ],
)
def test_mistakes_are_named(document, complaint):
    with pytest.raises(
        ConfigError, match=complaint.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")
    ):
        parse_settings(document, "twilio_instances.yaml")


def test_a_missing_explicit_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not a file"):
        load_settings(environ={"TWILIO_INSTANCES_FILE": str(tmp_path / "nope.yaml")})


def test_invalid_yaml_is_reported_with_the_path(tmp_path):
    path = tmp_path / "twilio_instances.yaml"
    path.write_text("instances: [\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(environ={}, cwd=tmp_path)


def test_redaction_drops_and_hashes_before_anything_sees_the_record():
    redaction = Redaction(exclude=("body",), hashed=("to", "from"), key=b"k" * 16)
    record = {"sid": "SM1", "body": "meet at 5", "to": "+15550001111", "from": "+15550002222", "status": "sent"}
    cleaned = redaction.apply(record)
    assert "body" not in cleaned and cleaned["status"] == "sent"
    assert cleaned["to"].startswith("hmac-sha256:") and "+15550001111" not in str(cleaned)
    # Keyed and deterministic: the same number hashes alike everywhere in one instance, not across keys.
    assert redaction.apply({"to": "+15550001111"})["to"] == cleaned["to"]
    other = Redaction(hashed=("to",), key=b"x" * 16).apply({"to": "+15550001111"})["to"]
    assert other != cleaned["to"]
    assert record["body"] == "meet at 5"  # the input is not modified in place
    with pytest.raises(ValueError):
        Redaction(hashed=("to",))


def test_yaml_example_stays_valid_yaml():
    assert isinstance(yaml.safe_load(EXAMPLE.read_text()), dict)
