"""Twilio instances declared as Dagster components: the schema, the loader, the merge with the instances
file, the scaffolder, and every mistake reported with the attribute and the fix."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import dagster as dg
import pytest
import yaml

from twilio_assets.catalog import ALL_COLLECTIONS
from twilio_assets.components import (
    COMPONENTS_DIR_ENV,
    DEFAULT_COMPONENTS_DIR,
    DEFS_MODULE,
    TwilioInstance,
    load_component_instances,
    load_settings_with_components,
)
from twilio_assets.components.twilio_instance import TwilioInstanceScaffolder, TwilioInstanceScaffoldParams
from twilio_assets.defs.automation import RANGE_END_TAG, RANGE_START_TAG
from twilio_assets.instances import ConfigError, load_settings, parse_settings

from .test_definitions import evaluate

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "twilio_instances.example.yaml"
COMPONENT = "twilio_assets.components.TwilioInstance"


def declare(folder: Path, name: str, attributes: dict | str, type_name: str = COMPONENT) -> Path:
    path = folder / name / "defs.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = attributes if isinstance(attributes, str) else yaml.safe_dump({"type": type_name, "attributes": attributes})
    path.write_text(body)
    return path


def env_for(folder: Path, **extra: str) -> dict[str, str]:
    return {COMPONENTS_DIR_ENV: str(folder), **extra}


def scaffold(folder: Path, folder_name: str, **params: str) -> Path:
    target = folder / folder_name
    target.mkdir(parents=True)
    TwilioInstanceScaffolder().scaffold(
        dg.ScaffoldRequest(
            type_name=COMPONENT,
            target_path=target,
            scaffold_format="yaml",
            project_root=None,
            params=TwilioInstanceScaffoldParams(**params),
        )
    )
    return target / "defs.yaml"


def test_the_project_declares_the_defs_folder_and_registers_the_component():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["dg"]["project"]
    assert project["defs_module"] == DEFS_MODULE
    assert REPO_ROOT / Path(*DEFS_MODULE.split(".")) == DEFAULT_COMPONENTS_DIR
    assert DEFAULT_COMPONENTS_DIR != REPO_ROOT / "twilio_assets" / "defs"  # the plain modules keep their package
    assert "twilio_assets.components" in project["registry_modules"]
    assert (
        "dagster-dg-cli==1.13.27"
        in tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["dev"]
    )


def test_the_attributes_are_the_instances_file_keys_and_parse_alike():
    """Each entry of the example instances file, as component attributes, is the same instance."""
    document = yaml.safe_load(EXAMPLE.read_text())
    from_file = parse_settings(document, str(EXAMPLE)).instances
    assert document["lookback_days"] == 1  # the components' default lookback, so the comparison holds
    for entry, expected in zip(document["instances"], from_file, strict=True):
        assert TwilioInstance(**entry).to_instance() == expected
    schema = TwilioInstance.model().model_json_schema()
    assert set(schema["properties"]) == {
        "name",
        "schema",
        "env_prefix",
        "lookback_days",
        "collections",
        "accounts",
        "exclude_properties",
        "hash_properties",
        "privacy_preset",
        "max_in_flight",
        "deletion_safeguard",
    }
    assert schema["required"] == ["name"] and schema["additionalProperties"] is False
    assert all(field.get("description") for field in schema["properties"].values())


def test_a_scaffolded_component_is_an_instance_with_the_folders_name(tmp_path):
    path = scaffold(tmp_path, "twilio_prod")
    text = path.read_text()
    assert text.count("TWILIO_PROD_ACCOUNT_SID") == 1 and "type: twilio_assets.components.TwilioInstance" in text
    (instance,) = load_component_instances(env_for(tmp_path))
    assert (instance.name, instance.schema, instance.env_prefix, instance.lookback_days) == (
        "prod",
        "twilio_prod",
        "TWILIO_PROD_",
        1,
    )
    assert (
        instance.accounts == "main"
        and instance.max_in_flight == 8
        and len(instance.collection_names) == len(ALL_COLLECTIONS)
    )


def test_scaffold_options_choose_the_name_and_prefix(tmp_path):
    scaffold(tmp_path, "EU-West", name="eu", env_prefix="TWILIO_EUROPE_")
    (instance,) = load_component_instances(env_for(tmp_path))
    assert (instance.name, instance.schema, instance.env_prefix) == ("eu", "twilio_eu", "TWILIO_EUROPE_")


def test_a_scaffold_that_would_not_load_is_refused_and_leaves_nothing(tmp_path):
    import click

    with pytest.raises(
        click.UsageError, match=r"(?s)attributes\.env_prefix.*Fix: choose the attributes with --name and --env-prefix"
    ):
        scaffold(tmp_path, "eu", env_prefix="lower_")
    assert not (tmp_path / "eu").exists()


def raw_groups(definitions: dg.Definitions) -> dict[str, set[dg.AssetKey]]:
    graph = definitions.resolve_asset_graph()
    groups: dict[str, set[dg.AssetKey]] = {}
    for key in graph.get_all_asset_keys():
        if graph.get(key).group_name.startswith("raw_"):
            groups.setdefault(graph.get(key).group_name.split("__")[0], set()).add(key)
    return groups


def load_definitions(monkeypatch, folder: Path, instances_file: Path | None = None) -> dg.Definitions:
    for name in ("TWILIO_INSTANCES_FILE", "TWILIO_START_DATE"):
        monkeypatch.delenv(name, raising=False)
    if instances_file:
        monkeypatch.setenv("TWILIO_INSTANCES_FILE", str(instances_file))
    monkeypatch.setenv(COMPONENTS_DIR_ENV, str(folder))
    from twilio_assets.definitions import defs

    definitions = defs()
    dg.Definitions.validate_loadable(definitions)
    return definitions


def test_component_instances_join_the_instances_file(monkeypatch, tmp_path):
    folder = tmp_path / "defs"
    declare(folder, "us", {"name": "us", "collections": ["calls", "messages"], "lookback_days": 3})
    definitions = load_definitions(monkeypatch, folder, EXAMPLE)
    groups = raw_groups(definitions)
    assert set(groups) == {"raw_prod", "raw_eu", "raw_us"}
    assert groups["raw_us"] == {dg.AssetKey(["twilio_us", "calls"]), dg.AssetKey(["twilio_us", "messages"])}
    assert {"twilio_prod", "twilio_eu", "twilio_us"} <= set(definitions.resources)
    job = definitions.resolve_job_def("twilio_sync_job")
    assert dg.AssetKey(["twilio_us", "calls"]) in job.asset_layer.selected_asset_keys
    # Its own lookback gets its own run on a tick, like an instance of the file.
    ranges = {
        (r.tags[RANGE_START_TAG], r.tags[RANGE_END_TAG]): {key.path[0] for key in r.asset_selection}
        for r in evaluate(definitions, dt.datetime(2026, 3, 10, 21, 0, tzinfo=dt.UTC))
    }
    assert ranges[("2026-03-07", "2026-03-10")] >= {"twilio_us", "twilio_marts"}
    assert "twilio_us" not in ranges[("2026-03-09", "2026-03-10")]


def test_the_instances_file_still_works_alone(monkeypatch, tmp_path):
    empty = tmp_path / "defs"
    empty.mkdir()
    environ = {"TWILIO_INSTANCES_FILE": str(EXAMPLE), **env_for(empty)}
    assert load_settings_with_components(environ) == load_settings(environ)
    assert set(raw_groups(load_definitions(monkeypatch, empty, EXAMPLE))) == {"raw_prod", "raw_eu"}


def test_without_components_or_file_the_default_instance_remains(tmp_path):
    empty = tmp_path / "defs"
    empty.mkdir()
    settings = load_settings_with_components(env_for(empty), cwd=tmp_path)
    assert [(i.name, i.schema) for i in settings.instances] == [("twilio", "twilio")]


def test_the_dbt_sources_include_the_component_instances(monkeypatch, tmp_path):
    from twilio_assets.dbt.sources import SOURCES_FILE, main

    folder = tmp_path / "defs"
    declare(folder, "us", {"name": "us", "collections": ["calls"]})
    project = tmp_path / "dbt"
    project.mkdir()
    (project / "dbt_project.yml").write_text("name: stand_in\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TWILIO_INSTANCES_FILE", raising=False)
    monkeypatch.setenv(COMPONENTS_DIR_ENV, str(folder))
    assert main(["--project-dir", str(project)]) == 0
    sources = yaml.safe_load((project / SOURCES_FILE).read_text())["sources"]
    assert [(s["name"], [t["name"] for t in s["tables"]]) for s in sources] == [("twilio_us", ["calls"])]


def test_templates_are_rendered_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("US_LOOKBACK", "4")
    declare(
        tmp_path, "us", f'type: {COMPONENT}\nattributes:\n  name: us\n  lookback_days: "{{{{ env.US_LOOKBACK }}}}"\n'
    )
    (instance,) = load_component_instances(env_for(tmp_path))
    assert instance.lookback_days == 4


def test_several_documents_and_nested_folders(tmp_path):
    declare(
        tmp_path,
        "team/us",
        f"type: {COMPONENT}\nattributes:\n  name: us\n---\ntype: {COMPONENT}\nattributes:\n  name: ca\n",
    )
    declare(tmp_path, "eu", {"name": "eu"})
    assert [i.name for i in load_component_instances(env_for(tmp_path))] == ["eu", "us", "ca"]


@pytest.mark.parametrize(
    "attributes, field, fix",
    [
        ({"name": "Prod"}, "name", "e.g. prod"),
        ({"lookback_days": 1}, "name", "Fix: set it to a nickname"),
        ({"name": "us", "lookbak_days": 2}, "lookbak_days", "did you mean lookback_days?"),
        ({"name": "us", "lookback_days": 120}, "lookback_days", "Fix: use a whole number of days from 0 to 90"),
        ({"name": "us", "lookback_days": "soon"}, "lookback_days", "Fix: use a whole number of days"),
        ({"name": "us", "collections": ["calls", "faxes"]}, "collections", "Fix: use a non-empty list of collections"),
        ({"name": "us", "schema": "Robert'); drop table students;--"}, "schema", "for example twilio_prod"),
        ({"name": "us", "schema": "twilio_marts"}, "schema", "e.g. twilio_us"),
        ({"name": "us", "env_prefix": "twilio"}, "env_prefix", "e.g. TWILIO_PROD_"),
        ({"name": "us", "accounts": "some"}, "accounts", "Fix: use main"),
        ({"name": "us", "accounts": ["AC123"]}, "accounts", "Fix: use main"),
        ({"name": "us", "max_in_flight": 0}, "max_in_flight", "from 1 to 100"),
        ({"name": "us", "exclude_properties": {"calls": ["sid"]}}, "exclude_properties", "identify records"),
        ({"name": "us", "exclude_properties": {"messages": ["Body"]}}, "exclude_properties", "did you mean 'body'"),
        ({"name": "us", "privacy_preset": "lax"}, "privacy_preset", "strict"),
        ({"name": "us", "hash_properties": {"calls": ["duration"]}}, "hash_properties", "only text properties"),
        (
            {"name": "us", "exclude_properties": {"messages": ["body"]}, "hash_properties": {"messages": ["body"]}},
            "hash_properties",
            "both excluded and hashed",
        ),
    ],
)
def test_a_bad_attribute_names_the_file_the_attribute_and_the_fix(tmp_path, attributes, field, fix):
    path = declare(tmp_path, "us", attributes)
    with pytest.raises(ConfigError) as raised:
        load_component_instances(env_for(tmp_path))
    message = str(raised.value)
    assert message.startswith(str(path)), message
    assert f"attributes.{field}" in message, message
    assert fix in message, message


def test_a_bad_attribute_stops_the_code_location_with_the_fix(monkeypatch, tmp_path):
    declare(tmp_path, "us", {"name": "us", "collections": ["faxes"]})
    with pytest.raises(ConfigError, match=r"attributes\.collections.*Fix: use a non-empty list"):
        load_definitions(monkeypatch, tmp_path)


@pytest.mark.parametrize("attribute", ["name", "schema", "env_prefix"])
def test_a_component_may_not_repeat_an_instance_of_the_file(tmp_path, attribute):
    clashing = {
        "name": {"name": "prod"},
        "schema": {"name": "us", "schema": "twilio_eu"},
        "env_prefix": {"name": "us", "env_prefix": "TWILIO_EU_"},
    }
    path = declare(tmp_path, "us", clashing[attribute])
    with pytest.raises(ConfigError) as raised:
        load_settings_with_components({"TWILIO_INSTANCES_FILE": str(EXAMPLE), **env_for(tmp_path)})
    message = str(raised.value)
    assert (
        f"share the {attribute}" in message and str(EXAMPLE) in message and str(path) in message and "Fix:" in message
    )


def test_two_components_may_not_share_a_schema(tmp_path):
    declare(tmp_path, "a", {"name": "a", "schema": "twilio_shared"})
    declare(tmp_path, "b", {"name": "b", "schema": "twilio_shared"})
    with pytest.raises(ConfigError, match=re.escape("share the schema 'twilio_shared'")):
        load_settings_with_components(env_for(tmp_path))


@pytest.mark.parametrize(
    "setup, complaint",
    [
        (lambda d: declare(d, "x", {"name": "x"}, type_name="dagster.DefsFolderComponent"), "is not a Twilio instance"),
        (
            lambda d: declare(d, "x", f"type: {COMPONENT}\nattributes:\n  name: x\npost_processing: {{}}\n"),
            "unknown top-level keys",
        ),
        (lambda d: declare(d, "x", f"type: {COMPONENT}\n"), "`attributes` is missing or not a mapping"),
        (lambda d: declare(d, "x", "type: [\n"), "not valid YAML"),
        (lambda d: declare(d, "x", ""), "empty"),
        (lambda d: (d / "assets.py").write_text("import dagster\n"), "would never load"),
        (lambda d: declare(d, "x", {"name": "x"}).rename(d / "x" / "component.yaml"), "rename it to defs.yaml"),
    ],
)
def test_what_the_folder_cannot_hold_is_refused_with_the_fix(tmp_path, setup, complaint):
    setup(tmp_path)
    with pytest.raises(ConfigError, match=re.escape(complaint)) as raised:
        load_component_instances(env_for(tmp_path))
    assert "Fix" in str(raised.value) or "not valid YAML" in str(raised.value)


def test_a_components_dir_that_is_not_a_folder_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match=f"{COMPONENTS_DIR_ENV} points at"):
        load_component_instances(env_for(tmp_path / "missing"))
