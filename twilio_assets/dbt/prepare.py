"""Make the dbt project ready for Dagster: generate the sources from the instance settings, then
`dbt parse` writes target/manifest.json. Needs no database. Run it before tests, CI and `dagster dev`
in production, and after editing the instances file:

    python -m twilio_assets.dbt.prepare
"""

from __future__ import annotations

import subprocess
import sys

from . import DBT_PROJECT_DIR, dbt_executable
from .sources import main as generate_sources


def main() -> int:
    status = generate_sources([])
    if status:
        return status
    command = [
        dbt_executable(),
        "parse",
        "--quiet",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
    ]
    parsed = subprocess.run(command)
    if parsed.returncode == 0:
        print(f"dbt manifest ready: {DBT_PROJECT_DIR / 'target' / 'manifest.json'}")
    return parsed.returncode


if __name__ == "__main__":
    sys.exit(main())
