"""`make dev`: the Dagster UI on the embedded PostgreSQL (or your PG* server), wired to the sandbox.

Starts the warehouse, the sandbox (http://127.0.0.1:8718, the same clock as `make demo`), the dbt docs
site (http://127.0.0.1:8580) and `dagster dev` (http://127.0.0.1:3000), and stops them all on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from ..sandbox.server import SandboxServer
from .stack import (
    REPO_ROOT,
    SANDBOX_PORT,
    dagster_env,
    demo_sandbox_config,
    ensure_dagster_database,
    twilio_env,
    warehouse_env,
)

DAGSTER_PORT = int(os.environ.get("DAGSTER_PORT", "3000"))


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # run the same clean shutdown as Ctrl-C


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    pg = warehouse_env()
    dagster = dagster_env(pg)
    ensure_dagster_database(dagster)
    config = demo_sandbox_config()
    with SandboxServer(config, port=SANDBOX_PORT) as sandbox:
        env = {**os.environ, **pg, **dagster, **twilio_env(config, sandbox.base_url)}
        python = str(Path(sys.executable))
        subprocess.run([python, "-m", "twilio_assets.dbt.prepare"], env=env, cwd=REPO_ROOT, check=True)
        env["DBT_DOCS_URL"] = env.get("DBT_DOCS_URL") or "http://127.0.0.1:8580"
        # `dagster dev` recommends `dg dev`, which cannot read workspace.yaml: keep the console clean.
        env.setdefault("PYTHONWARNINGS", "ignore:Function `dev_command` is superseded")
        docs = subprocess.Popen([python, "-m", "twilio_assets.dbt.docs", "--port", "8580"], env=env, cwd=REPO_ROOT)
        print(
            f"Sandbox: {sandbox.base_url}   dbt docs: http://127.0.0.1:8580   Dagster UI: http://127.0.0.1:{DAGSTER_PORT}"
        )
        # dagster dev ignores SIGTERM unless it leads its own process group (see the stack notes).
        ui = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("dagster")),
                "dev",
                "-w",
                "workspace.yaml",
                "-h",
                "127.0.0.1",
                "-p",
                str(DAGSTER_PORT),
            ],
            env=env,
            cwd=REPO_ROOT,
            start_new_session=True,
        )
        try:
            return ui.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            _stop(docs, group=False)
            _stop(ui, group=True)


def _stop(child: subprocess.Popen, *, group: bool, grace_seconds: float = 20.0) -> None:
    """SIGTERM, then SIGKILL whatever is left: `dagster dev` can leave code servers behind in its group."""

    def signal_all(sig: int) -> None:
        try:
            os.killpg(child.pid, sig) if group else child.send_signal(sig)
        except ProcessLookupError:
            pass

    signal_all(signal.SIGTERM)
    try:
        child.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        pass
    if group:
        signal_all(signal.SIGKILL)  # stragglers in the group, even when the leader has exited
    elif child.poll() is None:
        child.kill()


if __name__ == "__main__":
    sys.exit(main())
