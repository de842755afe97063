"""The dbt side: where the dbt project lives, the files generated from the instance settings, the docs
server, and (in `project.py`) the `DbtProject` Dagster loads. Importing this package is cheap."""

import shutil
import sys
from pathlib import Path

# The package is installed editable from the repository, so the dbt project sits next to it.
DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


def dbt_executable() -> str:
    """The dbt installed next to this Python, so nothing depends on the virtualenv being on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")
