"""The dbt side: where the dbt project lives, the files generated from the instance settings, the docs
server, and (in `project.py`) the `DbtProject` Dagster loads. Importing this package is cheap."""

from pathlib import Path

# The package is installed editable from the repository, so the dbt project sits next to it.
DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
