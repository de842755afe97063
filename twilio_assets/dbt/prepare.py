"""Make the dbt project ready for Dagster: generate the sources from the instance settings, then
`dbt parse` writes target/manifest.json. Needs no database. Run it before tests, CI and `dagster dev`
in production, and after editing the instances file:

    python -m twilio_assets.dbt.prepare
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from . import DBT_PROJECT_DIR
from .sources import main as generate_sources


def dbt_executable() -> str:
    """The dbt installed next to this Python, so nothing depends on the virtualenv being on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def main() -> int:
    status = generate_sources([])
    if status:
        return status
    command = [dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    parsed = subprocess.run(command)
    if parsed.returncode == 0:
        print(f"dbt manifest ready: {DBT_PROJECT_DIR / 'target' / 'manifest.json'}")
    return parsed.returncode


if __name__ == "__main__":
    sys.exit(main())
