"""The dbt project as Dagster sees it, in a module of its own.

It defines nothing else, so `dagster-dbt project prepare-and-package --file twilio_assets/dbt/project.py`
can import it without the manifest existing yet.

Under `dagster dev` (and `dg` commands), the sources are regenerated from the current instance
settings and `dbt parse` runs on every code-location load, so edits to the instances file or the
models show up on reload. Everywhere else (tests, CI, production) the manifest must be prepared
beforehand, which writes the sources and parses the project:

    python -m twilio_assets.dbt.prepare
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtProject
from dagster_dbt.dbt_project import using_dagster_dev

from . import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

if using_dagster_dev():
    # Imported only here: regenerating needs the settings and the catalogue, plain loads do not.
    from ..components import load_settings_with_components
    from .sources import write_generated_files

    write_generated_files(load_settings_with_components(), DBT_PROJECT_DIR)
    # dagster-dbt's preparer runs plain `dbt`: let it find the one installed next to this Python
    # when the virtualenv is not on PATH.
    if shutil.which("dbt") is None:
        os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
dbt_project.prepare_if_dev()
