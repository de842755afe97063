"""The generated dbt files follow the instance settings, byte for byte the same on every run (no database)."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from twilio_assets.catalog import ALL_COLLECTIONS, BY_NAME
from twilio_assets.dbt import DBT_PROJECT_DIR
from twilio_assets.dbt.sources import CATALOGUE_FILE, SOURCES_FILE, write_generated_files
from twilio_assets.instances import ConfigError, Instance, SyncSettings, parse_settings


def two_instances() -> SyncSettings:
    return parse_settings(
        {
            "instances": [
                {"name": "prod", "schema": "twilio_prod"},
                {"name": "eu", "schema": "twilio_eu", "collections": ["accounts", "calls", "recordings"]},
            ]
        },
        "test",
    )


@pytest.fixture
def project(tmp_path):
    (tmp_path / "dbt_project.yml").write_text("name: x\n")
    return tmp_path


def test_one_source_per_instance_each_table_mapped_to_its_raw_asset(project):
    write_generated_files(two_instances(), project)
    document = yaml.safe_load((project / SOURCES_FILE).read_text())
    sources = {source["name"]: source for source in document["sources"]}
    assert set(sources) == {"twilio_prod", "twilio_eu"}
    assert sources["twilio_eu"]["schema"] == "twilio_eu"
    assert [t["name"] for t in sources["twilio_eu"]["tables"]] == ["accounts", "calls", "recordings"]
    assert [t["name"] for t in sources["twilio_prod"]["tables"]] == [c.name for c in ALL_COLLECTIONS]
    for schema, source in sources.items():
        for table in source["tables"]:
            assert table["config"]["meta"]["dagster"]["asset_key"] == [schema, table["name"]]
            assert table["description"] == BY_NAME[table["name"]].description
            documented = [column["name"] for column in table["columns"]]
            assert documented[: len(BY_NAME[table["name"]].columns)] == list(BY_NAME[table["name"]].column_names)
            assert "_deleted_at" in documented


def test_catalogue_macro_lists_instances_collections_and_typed_columns(project):
    write_generated_files(two_instances(), project)
    text = (project / CATALOGUE_FILE).read_text()
    literal = re.search(r"\{\{ return\((.*)\) \}\}", text, re.S).group(1)
    catalogue = json.loads(literal)
    assert catalogue["instances"][1] == {
        "name": "eu",
        "schema": "twilio_eu",
        "collections": ["accounts", "calls", "recordings"],
    }
    calls = catalogue["collections"]["calls"]
    assert calls["primary_key"] == "sid"
    assert ["from", "text"] in calls["columns"] and ["price", "numeric"] in calls["columns"]
    # Every collection is described, synced or not: unsynced staging models still need their types.
    assert set(catalogue["collections"]) == set(BY_NAME)
    assert ["_deleted_at", "timestamptz"] in catalogue["meta_columns"]


def test_deterministic_and_idempotent(project, tmp_path_factory):
    first = write_generated_files(two_instances(), project)
    contents = {path: path.read_bytes() for path in first}
    stamps = {path: path.stat().st_mtime_ns for path in first}
    second = write_generated_files(two_instances(), project)
    assert second == first
    assert {path: path.read_bytes() for path in second} == contents
    # An unchanged file is not rewritten, so dbt's partial parsing stays warm.
    assert {path: path.stat().st_mtime_ns for path in second} == stamps
    other = tmp_path_factory.mktemp("other")
    (other / "dbt_project.yml").write_text("name: x\n")
    for path in write_generated_files(two_instances(), other):
        assert path.read_bytes() == contents[project / path.relative_to(other)]


def test_a_settings_change_rewrites_the_files(project):
    write_generated_files(two_instances(), project)
    write_generated_files(SyncSettings(instances=(Instance(name="twilio", schema="twilio"),)), project)
    document = yaml.safe_load((project / SOURCES_FILE).read_text())
    assert [source["name"] for source in document["sources"]] == ["twilio"]


@pytest.mark.parametrize("schema", ["twilio_staging", "twilio_linkage", "twilio_marts", "twilio_dbt"])
def test_raw_schema_may_not_be_a_model_schema(project, schema):
    settings = SyncSettings(instances=(Instance(name="clash", schema=schema),))
    with pytest.raises(ConfigError, match="dbt writes its models"):
        write_generated_files(settings, project)
    assert not (project / SOURCES_FILE).exists()


def test_refuses_a_directory_that_is_not_a_dbt_project(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a dbt project"):
        write_generated_files(two_instances(), tmp_path)


def test_generated_files_are_gitignored():
    ignored = (DBT_PROJECT_DIR / ".gitignore").read_text().split()
    assert SOURCES_FILE.as_posix() in ignored and CATALOGUE_FILE.as_posix() in ignored
