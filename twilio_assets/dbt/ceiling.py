"""A ceiling on every statement a dbt build runs, and what to say when a build hits it.

dbt-postgres has no setting for a statement timeout, but libpq reads `PGOPTIONS` when dbt connects,
so the build's process gets `-c statement_timeout=<ceiling>` there: a statement past it is cancelled
by PostgreSQL itself, its transaction rolled back, and dbt reports the model as failed. With it goes
`client_connection_check_interval`: when the dbt process is killed (a terminated step, a lost
machine) PostgreSQL notices the closed socket within seconds and stops the statement, instead of
running it to the end for nobody. A cancelled step (SIGINT/SIGTERM to dbt) ends its statements
through dbt's own cancellation.

`TWILIO_DBT_STATEMENT_TIMEOUT` sets the ceiling, in PostgreSQL's units (`90s`, `30min`, `2h`; `0`
turns it off); 30 minutes by default: a tick's statements take seconds, and a first build of a busy
year takes minutes per model on the machines this runs on.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

from ..warehouse.connection import postgres_duration

STATEMENT_TIMEOUT_ENV = "TWILIO_DBT_STATEMENT_TIMEOUT"
DEFAULT_STATEMENT_TIMEOUT = "30min"
# How often PostgreSQL checks, while a statement runs, that its client is still there.
CLIENT_CHECK_INTERVAL = "5s"
_TIMEOUT_MESSAGE = "canceling statement due to statement timeout"


def statement_timeout(environ: Mapping[str, str] | None = None) -> str:
    """The ceiling from the environment, checked; "0" means none."""
    environ = os.environ if environ is None else environ
    return postgres_duration(
        STATEMENT_TIMEOUT_ENV, environ.get(STATEMENT_TIMEOUT_ENV, "").strip() or DEFAULT_STATEMENT_TIMEOUT
    )


def dbt_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a dbt build runs with: the given one (default: this process's) with the
    ceiling and the client check added to `PGOPTIONS` (options already there are kept, and win)."""
    environ = dict(os.environ if environ is None else environ)
    options = (
        f"-c statement_timeout={statement_timeout(environ)} -c client_connection_check_interval={CLIENT_CHECK_INTERVAL}"
    )
    existing = environ.get("PGOPTIONS", "").strip()
    environ["PGOPTIONS"] = f"{options} {existing}".strip()
    return environ


@contextlib.contextmanager
def statement_ceiling(environ: MutableMapping[str, str] | None = None) -> Iterator[str]:
    """Within the block, dbt processes started from this one get the ceiling (`PGOPTIONS` as in
    `dbt_environment`); yields the ceiling. For launchers that copy `os.environ` when they start dbt
    (dagster-dbt's `DbtCliResource.cli`)."""
    environ = os.environ if environ is None else environ
    previous = environ.get("PGOPTIONS")
    environ["PGOPTIONS"] = dbt_environment(environ)["PGOPTIONS"]
    try:
        yield statement_timeout(environ)
    finally:
        if previous is None:
            environ.pop("PGOPTIONS", None)
        else:
            environ["PGOPTIONS"] = previous


def explain_build_failure(run_results: Mapping[str, Any] | None, timeout: str) -> str | None:
    """What to tell the user when a build failed because statements hit the ceiling: the models and
    what to do. None when no statement timed out (dbt's own error is then the message)."""
    if not run_results:
        return None
    timed_out = sorted(
        _node_name(result.get("unique_id", ""))
        for result in run_results.get("results", [])
        if result.get("status") == "error" and _TIMEOUT_MESSAGE in (result.get("message") or "")
    )
    if not timed_out:
        return None
    names = ", ".join(timed_out)
    return (
        f"dbt stopped {names}: a statement ran longer than the {timeout} ceiling ({STATEMENT_TIMEOUT_ENV}) "
        "and PostgreSQL cancelled it, rolling the model back (its table is as before). Fix: rebuild "
        f"it in full once (`dbt build --full-refresh --select {' '.join(timed_out)}`), which is bounded by the table's size; if a full build itself needs longer, "
        f"raise {STATEMENT_TIMEOUT_ENV}. Then tell us: an incremental build should never take that long."
    )


def _node_name(unique_id: str) -> str:
    return unique_id.rsplit(".", 1)[-1]
