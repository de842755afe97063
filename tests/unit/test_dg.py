"""`dg`, Dagster's project command line, on this project: check, list, dev's code location, scaffold.

Each command runs as a subprocess with this virtualenv's bin first on PATH, in the environment the
definition tests use (no instances file, no start-date override, the repository's components folder).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from twilio_assets.catalog import ALL_COLLECTIONS

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COMPONENT = "twilio_assets.components.TwilioInstance"


def dg_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        # `make test` exports DAGSTER_HOME, whose dagster.yaml needs the DAGSTER_PG_* settings of a real
        # deployment; dg then runs on an ephemeral instance instead, as a developer's first `dg check` does.
        if k not in ("TWILIO_INSTANCES_FILE", "TWILIO_START_DATE", "TWILIO_COMPONENTS_DIR", "DAGSTER_HOME")
    }
    env.update(
        PATH=os.pathsep.join([str(BIN), env.get("PATH", "")]), VIRTUAL_ENV=str(BIN.parent), COLUMNS="200", NO_COLOR="1"
    )
    env.update(extra)
    return env


def dg(*args: str, cwd: Path = REPO_ROOT, timeout: int = 300, **env: str) -> subprocess.CompletedProcess:
    assert (BIN / "dg").exists(), f"dg is not installed in {BIN}: pip install -e '.[dev]' (it pins dagster-dg-cli)"
    return subprocess.run(
        [str(BIN / "dg"), *args], cwd=cwd, env=dg_env(**env), capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def manifest() -> Path:
    """The dbt manifest the code location needs (conftest's pytest_sessionstart prepares it too)."""
    path = REPO_ROOT / "dbt_project" / "target" / "manifest.json"
    if not path.exists():
        subprocess.run([sys.executable, "-m", "twilio_assets.dbt.prepare"], cwd=REPO_ROOT, env=dg_env(), check=True)
    return path


def test_dg_check_defs_passes(manifest):
    result = dg("check", "defs")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions loaded successfully" in result.stdout + result.stderr


def test_dg_list_defs_shows_the_assets_job_schedule_and_resources(manifest):
    result = dg("list", "defs", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    listed = json.loads(result.stdout)
    raw = {a["asset_key"] for a in listed["assets"] if a["group_name"].startswith("raw_twilio__")}
    assert {"twilio/calls", "twilio/messages", "twilio/call_feedback"} <= raw
    assert any(a["asset_key"] == "twilio_marts/fct_calls" for a in listed["assets"])
    assert [job["name"] for job in listed["jobs"]] == ["twilio_sync_job"]
    assert [s["name"] for s in listed["schedules"]] == ["twilio_sync_every_3_hours"]
    assert {r["name"] for r in listed["resources"]} >= {"twilio_twilio", "warehouse", "dbt"}


def test_dg_dev_serves_the_code_location_of_workspace_yaml():
    """`dg dev` builds its workspace from [tool.dg.project]: the same location `make dev` serves."""
    from dagster_dg_cli.cli.utils import create_temp_workspace_file
    from dagster_dg_core.context import DgContext

    context = DgContext.from_file_discovery_and_command_line_config(REPO_ROOT, {})
    with create_temp_workspace_file(context) as workspace_file:
        (dg_entry,) = yaml.safe_load(Path(workspace_file).read_text())["load_from"]
    (make_entry,) = yaml.safe_load((REPO_ROOT / "workspace.yaml").read_text())["load_from"]
    dg_module, make_module = dg_entry["python_module"], make_entry["python_module"]
    assert dg_module["location_name"] == make_module["location_name"] == "twilio_assets"
    assert dg_module["module_name"] == make_module["module_name"] == "twilio_assets.definitions"
    assert Path(dg_module["working_directory"]) == (REPO_ROOT / make_module["working_directory"]).resolve()


def temp_project(tmp_path: Path) -> Path:
    """A copy of the project's dg configuration with an empty defs folder of its own: dg writes there,
    and the repository's tree is left as it was."""
    project = tmp_path / "project"
    (project / "twilio_assets" / "defs_components").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def test_dg_scaffold_defs_writes_an_instance_the_code_location_loads(tmp_path, monkeypatch):
    project = temp_project(tmp_path)
    result = dg("scaffold", "defs", COMPONENT, "twilio_prod", cwd=project, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    defs_folder = project / "twilio_assets" / "defs_components"
    written = yaml.safe_load((defs_folder / "twilio_prod" / "defs.yaml").read_text())
    assert written["type"] == COMPONENT
    assert written["attributes"] == {
        "name": "prod",
        "schema": "twilio_prod",
        "env_prefix": "TWILIO_PROD_",
        "lookback_days": 1,
        "accounts": "main",
        "max_in_flight": 8,
    }

    import dagster as dg_

    from twilio_assets.definitions import defs

    for name in ("TWILIO_INSTANCES_FILE", "TWILIO_START_DATE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no instances file here
    monkeypatch.setenv("TWILIO_COMPONENTS_DIR", str(defs_folder))
    definitions = defs()
    dg_.Definitions.validate_loadable(definitions)
    graph = definitions.resolve_asset_graph()
    raw = {key for key in graph.get_all_asset_keys() if graph.get(key).group_name.startswith("raw_prod__")}
    assert dg_.AssetKey(["twilio_prod", "calls"]) in raw and len(raw) == len(ALL_COLLECTIONS)
    # The component stands in for the default instance, as an instances file would.
    assert not any(graph.get(key).group_name.startswith("raw_twilio__") for key in graph.get_all_asset_keys())
    assert "twilio_prod" in definitions.resources


def test_dg_check_yaml_names_a_bad_attribute(tmp_path):
    project = temp_project(tmp_path)
    folder = project / "twilio_assets" / "defs_components" / "eu"
    folder.mkdir()
    (folder / "defs.yaml").write_text(
        f"type: {COMPONENT}\nattributes:\n  name: eu\n  lookback_days: 120\n  colour: blue\n"
    )
    result = dg("check", "yaml", cwd=project, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "attributes.lookback_days" in output and "maximum of 90" in output
    assert "attributes.colour" in output and "not allowed" in output
