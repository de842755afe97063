"""The dbt models as Dagster assets: raw assets upstream, layer groups, tests as checks, docs links,
and a real materialization through the `dbt` resource."""

from __future__ import annotations

import dagster as dg
import pytest
from dagster_dbt import DbtProject

from twilio_assets.defs.dbt_models import DBT_ASSETS_NAME, build_dbt_definitions, dbt_docs_url

from .conftest import Build, query

LAYER_GROUPS = {"staging", "linkage", "marts", "history"}


@pytest.fixture(scope="module")
def project(dbt_build: Build) -> DbtProject:
    assert dbt_build.returncode == 0, dbt_build.output[-3000:]
    return DbtProject(project_dir=dbt_build.project_dir, profiles_dir=dbt_build.project_dir)


@pytest.fixture(scope="module")
def definitions(project: DbtProject) -> dg.Definitions:
    definitions = build_dbt_definitions(project, docs_base_url="http://docs.example:8580/")
    dg.Definitions.validate_loadable(definitions)
    return definitions


def model_specs(definitions: dg.Definitions) -> dict[dg.AssetKey, dg.AssetSpec]:
    assets_def = next(
        a for a in definitions.assets if isinstance(a, dg.AssetsDefinition) and a.node_def.name == DBT_ASSETS_NAME
    )
    return {spec.key: spec for spec in assets_def.specs}


def test_models_are_assets_grouped_by_layer_with_dbt_docs_links(definitions, dbt_build: Build):
    specs = model_specs(definitions)
    models = dbt_build.models()
    snapshots = {n["name"]: n for n in dbt_build.manifest["nodes"].values() if n["resource_type"] == "snapshot"}
    assert len(specs) == len(models) + len(snapshots) and snapshots
    for name, node in snapshots.items():
        spec = specs[dg.AssetKey([node["schema"], name])]
        assert spec.group_name == "history" and spec.description, name
    for name, node in models.items():
        spec = specs[dg.AssetKey([node["schema"], name])]
        assert spec.group_name == node["fqn"][1] and spec.group_name in LAYER_GROUPS
        assert spec.metadata["dbt_docs"] == dg.MetadataValue.url(
            f"http://docs.example:8580/#!/model/{node['unique_id']}?g_v=1&g_i=%2B{name}%2B"
        )
        assert spec.metadata["dagster/table_name"] == f"postgres.{node['schema']}.{name}"
        assert spec.description


def test_raw_assets_are_upstream_of_staging(definitions, dbt_build: Build):
    graph = definitions.resolve_asset_graph()
    instances = dbt_build.warehouse.settings.instances
    for collection in ("calls", "call_feedback"):
        parents = graph.get(dg.AssetKey(["twilio_staging", f"stg_twilio__{collection}"])).parent_keys
        expected = {dg.AssetKey([i.schema, collection]) for i in instances if collection in i.collection_names}
        assert parents == expected
    assert graph.get(dg.AssetKey(["twilio_marts", "fct_calls"])).parent_keys >= {
        dg.AssetKey(["twilio_linkage", "int_twilio__call_legs"])
    }


def test_dbt_tests_are_asset_checks_and_warnings_do_not_block(definitions, dbt_build: Build):
    assets_def = next(
        a for a in definitions.assets if isinstance(a, dg.AssetsDefinition) and a.node_def.name == DBT_ASSETS_NAME
    )
    checks = {spec.name: spec for spec in assets_def.check_specs}
    tests = [n for n in dbt_build.manifest["nodes"].values() if n["resource_type"] == "test"]
    assert set(checks) == {t["name"] for t in tests}
    for test in tests:
        check = checks[test["name"]]
        assert check.blocking == (test["config"]["severity"].lower() == "error")
        if test["description"]:
            assert check.description == test["description"]
    assert checks["assert_daily_activity_adds_up"].asset_key == dg.AssetKey(
        ["twilio_marts", "fct_account_daily_activity"]
    )


def test_not_partitioned_single_run_in_the_dbt_pool(definitions):
    assets_def = next(
        a for a in definitions.assets if isinstance(a, dg.AssetsDefinition) and a.node_def.name == DBT_ASSETS_NAME
    )
    assert assets_def.partitions_def is None
    assert assets_def.backfill_policy == dg.BackfillPolicy.single_run()
    assert assets_def.node_def.pool == "dbt"
    assert "dbt" in definitions.resources


def test_docs_url_form(monkeypatch):
    monkeypatch.delenv("DBT_DOCS_URL", raising=False)
    assert (
        dbt_docs_url("model.twilio_assets.fct_calls")
        == "http://127.0.0.1:8580/#!/model/model.twilio_assets.fct_calls?g_v=1&g_i=%2Bfct_calls%2B"
    )
    monkeypatch.setenv("DBT_DOCS_URL", "https://docs.internal/twilio/")
    assert (
        dbt_docs_url("model.twilio_assets.fct_calls")
        == "https://docs.internal/twilio/#!/model/model.twilio_assets.fct_calls?g_v=1&g_i=%2Bfct_calls%2B"
    )


def test_missing_manifest_says_how_to_prepare_it(tmp_path):
    (tmp_path / "dbt_project.yml").write_text("name: twilio_assets\n")
    with pytest.raises(FileNotFoundError, match="twilio_assets.dbt.prepare"):
        build_dbt_definitions(DbtProject(project_dir=tmp_path))


def test_materializing_models_streams_results_row_counts_and_checks(definitions, dbt_build: Build, monkeypatch):
    for name, value in dbt_build.warehouse.env.items():
        monkeypatch.setenv(name, value)
    staging, mart = dg.AssetKey(["twilio_staging", "stg_twilio__calls"]), dg.AssetKey(["twilio_marts", "fct_messages"])
    assets_def = definitions.resolve_assets_def(mart)
    result = dg.materialize([assets_def], selection=[staging, mart], raise_on_error=False)
    assert result.success
    materialized = {e.asset_key: e.materialization for e in result.get_asset_materialization_events()}
    assert set(materialized) == {staging, mart}
    (rows,) = query(dbt_build.warehouse.env, "select count(*) from twilio_marts.fct_messages")[0]
    assert materialized[mart].metadata["dagster/row_count"].value == rows  # as the build kept it
    assert "full_build" in materialized[mart].metadata
    evaluations = result.get_asset_check_evaluations()
    assert {e.asset_key for e in evaluations} == {staging, mart}
    assert all(e.passed for e in evaluations)
