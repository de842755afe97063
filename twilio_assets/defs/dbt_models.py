"""The dbt models as Dagster assets: one `dbt build` over the whole project, tests as asset checks.

Why the dbt assets are not partitioned, unlike the raw assets: the raw tables already hold the
latest state of every day synced (late changes and deletions included), and the linkage, mart and
history models are incremental on the raw tables' change times (dbt_project/README.md), so one build
rewrites exactly what changed since the last one, whatever days it falls on, while per-day model runs
would re-parse dbt for each day and could leave a mart built from a mix of days. So a run that syncs
any days then runs one `dbt build` (snapshots included), and backfills of the raw assets are followed
by a single build (`BackfillPolicy.single_run()`); the `dbt` pool keeps two builds from overlapping.

Sources map to the raw assets through `config.meta.dagster.asset_key` (written by
`python -m twilio_assets.dbt.sources`), so the raw assets appear upstream of the staging models.
Models are grouped by layer (`staging`, `linkage`, `marts`, `history`; the snapshots go with
`history`), and each links to its page in the dbt
docs site (`python -m twilio_assets.dbt.docs`, at $DBT_DOCS_URL or http://127.0.0.1:8580) with the
lineage graph open.
"""

import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from ..dbt import dbt_executable
from ..dbt.build_figures import figures_for, profile_connection_settings
from ..dbt.ceiling import explain_build_failure, statement_ceiling
from ..warehouse import connect
from .resources import sealed

DBT_DOCS_URL_ENV = "DBT_DOCS_URL"
DEFAULT_DBT_DOCS_URL = "http://127.0.0.1:8580"
LAYERS = ("staging", "linkage", "marts", "history")
SNAPSHOT_GROUP = "history"
DBT_ASSETS_NAME = "twilio_dbt_models"


def dbt_docs_url(unique_id: str, base_url: str | None = None) -> str:
    """The dbt docs page of a node with its lineage graph open (`g_v=1`), narrowed to the node's
    own ancestors and descendants (`g_i=+name+`, the graph's --select box) instead of the whole project."""
    base = (base_url or os.environ.get(DBT_DOCS_URL_ENV) or DEFAULT_DBT_DOCS_URL).rstrip("/")
    resource_type, _, rest = unique_id.partition(".")
    name = rest.partition(".")[2]
    return f"{base}/#!/{resource_type}/{unique_id}?g_v=1&g_i=%2B{name}%2B"


def _table_name(props: Mapping[str, Any]) -> str:
    # Same form as the raw assets' `dagster/table_name` (postgres.<schema>.<table>).
    relation = props["name"] if props["resource_type"] == "source" else props.get("alias") or props["name"]
    return f"postgres.{props['schema']}.{relation}"


class TwilioDbtTranslator(DagsterDbtTranslator):
    """Layer groups, docs links, table names; dbt tests stay asset checks."""

    def __init__(self, docs_base_url: str | None = None) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
        self._docs_base_url = docs_base_url

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # fqn is [project, <folder>, ...]: the first folder under models/ is the layer.
        fqn = dbt_resource_props.get("fqn") or []
        if dbt_resource_props["resource_type"] == "snapshot":
            return SNAPSHOT_GROUP
        if dbt_resource_props["resource_type"] == "model" and len(fqn) > 2 and fqn[1] in LAYERS:
            return fqn[1]
        return super().get_group_name(dbt_resource_props)

    def get_metadata(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, Any]:
        metadata = dict(super().get_metadata(dbt_resource_props))
        metadata["dagster/table_name"] = _table_name(dbt_resource_props)
        if dbt_resource_props["resource_type"] != "source":
            metadata["dbt_docs"] = dg.MetadataValue.url(
                dbt_docs_url(dbt_resource_props["unique_id"], self._docs_base_url)
            )
        return metadata

    def get_asset_check_spec(
        self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        # dagster-dbt only reads a check description from `meta`; the yml says why a test exists (and
        # why some only warn) in the test's own description, so show that.
        description = self.get_resource_props(manifest, unique_id).get("description")
        if spec is not None and description and not spec.description:
            spec = spec._replace(description=description)
        return spec


RUN_DIRS_KEPT = 10


def prune_run_dirs(project: DbtProject, keep: int = RUN_DIRS_KEPT) -> None:
    """Each run writes its artifacts to a new target/<assets name>-<run>-<hash> directory; keep the newest few."""
    target = project.project_dir / project.target_path
    runs = sorted(target.glob(f"{DBT_ASSETS_NAME}-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def _manifest_database(manifest_path: Path) -> str | None:
    """The database the manifest's models were parsed for (dbt-postgres names it in every relation)."""
    nodes = json.loads(manifest_path.read_text()).get("nodes", {})
    return next((node.get("database") for node in nodes.values() if node.get("resource_type") == "model"), None)


def with_build_figures(events: Iterable[Any], manifest_path: Path) -> Iterator[Any]:
    """The build's events, each model's and snapshot's with its row count (and, for incremental models,
    the keys its build rewrote) read from the dbt bookkeeping, so no tick counts a whole table
    (twilio_assets/dbt/build_figures.py)."""
    nodes = json.loads(manifest_path.read_text())["nodes"]
    connection = None
    try:
        for event in events:
            unique_id = (
                event.metadata.get("unique_id") if isinstance(event, dg.Output | dg.AssetMaterialization) else None
            )
            node = nodes.get(unique_id.value if isinstance(unique_id, dg.TextMetadataValue) else unique_id)
            if node is None:
                yield event
                continue
            if connection is None:
                connection = connect(**profile_connection_settings())
                connection.autocommit = True
            with connection.cursor() as cursor:
                figures = figures_for(cursor, node)
            yield event.with_metadata({**event.metadata, **figures.as_metadata()}) if figures else event
    finally:
        if connection is not None:
            connection.close()


def build_dbt_definitions(project: DbtProject | None = None, docs_base_url: str | None = None) -> dg.Definitions:
    """The dbt assets (and their checks) plus the `dbt` resource. Needs a prepared manifest."""
    if project is None:
        from ..dbt.project import dbt_project

        project = dbt_project
    if not project.manifest_path.exists():
        raise FileNotFoundError(
            f"dbt manifest not found at {project.manifest_path}. Fix: from the repository root run "
            "`python -m twilio_assets.dbt.prepare` (it writes the dbt sources for your instances and parses "
            "the project; `make prepare` and `dagster dev` run it too)."
        )

    parsed_for = _manifest_database(project.manifest_path)

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        name=DBT_ASSETS_NAME,
        dagster_dbt_translator=TwilioDbtTranslator(docs_base_url),
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool="dbt",
    )
    def twilio_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        """Build the selected models and run their tests (dagster-dbt passes the selection)."""
        prune_run_dirs(project)
        with statement_ceiling() as timeout:
            invocation = dbt.cli(["build"], context=context, raise_on_error=False)
        yield from _events_with_figures(context, invocation.stream(), project, parsed_for)
        if not invocation.is_successful():
            explanation = explain_build_failure(invocation.get_artifact("run_results.json"), timeout)
            if explanation:
                raise dg.Failure(description=explanation)
            error = invocation.get_error()
            if error is not None:
                raise error

    return dg.Definitions(
        assets=[twilio_dbt_models],
        resources={
            "dbt": sealed(
                lambda: DbtCliResource(project_dir=project, dbt_executable=dbt_executable()),
                "dbt, run from the project's own virtualenv on the packaged dbt project.",
            )
        },
    )


def _events_with_figures(
    context: dg.AssetExecutionContext, events: Iterable[Any], project: DbtProject, parsed_for: str | None
) -> Iterator[Any]:
    """The build's events, with row counts added when the manifest belongs to this run's database."""
    current = os.environ.get("PGDATABASE") or "warehouse"  # profiles.yml's default
    if parsed_for != current:
        # The figures are read for the relations named in the prepared manifest, which belong to
        # the database it was parsed for; against another database they would be wrong.
        context.log.warning(
            f"The dbt manifest was prepared for database {parsed_for!r} but this run writes to "
            f"{current!r}, so row counts are skipped. Fix: run `python -m twilio_assets.dbt.prepare` "
            "with this run's PG* settings."
        )
        yield from events
    else:
        yield from with_build_figures(events, project.manifest_path)
