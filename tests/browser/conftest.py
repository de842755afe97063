"""The browser tests' stack: PostgreSQL, the sandbox, the dbt docs site and `dagster dev`, once per session.

One `dagster dev` (about 25 s to start on 2 cores) serves every test. It runs exactly as `make dev`
would run it, on throwaway parts:

* a fresh PostgreSQL (the `pg_server` fixture) holding two new databases: the warehouse (PG*) and
  Dagster's own storage (DAGSTER_PG_*, through a copy of `dagster_home/dagster.yaml` in a temporary
  DAGSTER_HOME);
* the sandbox on a free port, in a thread of this process, with `make dev`'s clock (three days
  ending today at noon UTC, so the UI shows the few partitions a developer sees);
* the dbt prepare step (sources + manifest) and the dbt docs site on a free port (DBT_DOCS_URL);
* `dagster dev -w workspace.yaml` on a free port, in its own session so that SIGTERM to its process
  group stops the webserver, the daemon and the code server cleanly.

Chromium comes from Debian's packages (/usr/bin/chromium). Without it every browser test is skipped,
with the reason in the `-ra` summary and a plain line at the end of the run.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import REPO_ROOT, create_database, drop_database
from twilio_assets.localdev.postgres import free_port
from twilio_assets.localdev.stack import demo_sandbox_config, twilio_env

CHROMIUM = Path(os.environ.get("TWILIO_ASSETS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_REASON = f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run the browser tests"
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
LOGS = REPO_ROOT / "test-artifacts" / "logs"
LOCATION = "twilio_assets"
BIN = Path(sys.executable).parent

# Bounded waits (seconds). Generous for 2 shared cores, short enough to fail rather than hang.
DAGSTER_START_TIMEOUT = 150
DOCS_START_TIMEOUT = 120
PREPARE_TIMEOUT = 240

# What the session's instances file declares: the default instance, spelled out so that a
# twilio_instances.yaml in the checkout cannot change what the tests see.
INSTANCES_YAML = "instances:\n  - name: twilio\n    schema: twilio\n    env_prefix: TWILIO_\n"


def chromium_present() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests, visibly, when Chromium is missing (before any fixture starts)."""
    browser_items = [item for item in items if "tests/browser/" in item.nodeid.replace(os.sep, "/")]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not chromium_present():
        config._browser_skipped = len(browser_items)
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = getattr(config, "_browser_skipped", 0)
    if skipped:
        terminalreporter.write_line(f"BROWSER TESTS SKIPPED ({skipped}): {SKIP_REASON}", yellow=True, bold=True)


# ---------------------------------------------------------------------------------------------------
# The stack


@dataclass
class UiStack:
    url: str
    sandbox_url: str
    warehouse: dict[str, str]
    env: dict[str, str]
    partition: str  # a day the sandbox has data for (its last: today)
    docs_url: str

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        response = requests.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=30)
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise AssertionError(f"GraphQL errors: {body['errors']}")
        return body["data"]


LOCATION_QUERY = """
{ workspaceOrError { __typename
    ... on Workspace { locationEntries { name loadStatus
        locationOrLoadError { __typename ... on PythonError { message stack } } } }
    ... on PythonError { message } } }
"""


def _log_tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def _wait(
    what: str, ready: Callable[[], bool], timeout: float, process: subprocess.Popen | None, log: Path | None
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"{what}: the process exited with {process.returncode}.\n{_log_tail(log) if log else ''}"
            )
        try:
            if ready():
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not ready after {timeout:.0f} s.\n{_log_tail(log) if log else ''}")
        time.sleep(0.5)


def _location_loaded(url: str) -> bool:
    response = requests.post(f"{url}/graphql", json={"query": LOCATION_QUERY}, timeout=10)
    if response.status_code != 200:
        return False
    workspace = response.json().get("data", {}).get("workspaceOrError", {})
    for entry in workspace.get("locationEntries") or []:
        if entry["name"] != LOCATION or entry["loadStatus"] != "LOADED":
            continue
        loaded = entry["locationOrLoadError"] or {}
        if loaded.get("__typename") == "PythonError":
            raise RuntimeError(f"code location {LOCATION} failed to load:\n{loaded['message']}\n{loaded.get('stack')}")
        return loaded.get("__typename") == "RepositoryLocation"
    return False


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop_group(process: subprocess.Popen, timeout: float = 30, stragglers: float = 10) -> None:
    """SIGTERM the process group, wait for its leader, then for the rest: dagster dev's code servers
    can outlive it (seen: a gRPC code server still up long after `dagster dev` exited), so whatever is
    left after `stragglers` seconds gets SIGKILL."""
    pgid = process.pid
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + stragglers
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)
    if process.poll() is None:
        process.wait(timeout=10)


def _base_env() -> dict[str, str]:
    """This process's environment minus anything that would point the stack elsewhere."""
    env = {
        name: value for name, value in os.environ.items() if not name.startswith(("TWILIO_", "PG", "DAGSTER_", "DBT_"))
    }
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


# Package scope: the UI and Playwright's event loop are gone before other tests run Dagster jobs in
# this process (a still-running loop would make Dagster skip its own event-loop cleanup).
@pytest.fixture(scope="package")
def ui_stack(pg_server, tmp_path_factory) -> Iterator[UiStack]:
    if not chromium_present():  # also guarded by the collection hook; keeps the fixture honest on its own
        pytest.skip(SKIP_REASON)
    LOGS.mkdir(parents=True, exist_ok=True)
    warehouse = create_database(pg_server)
    storage = create_database(pg_server)
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    instances_file = home / "twilio_instances.yaml"
    instances_file.write_text(INSTANCES_YAML)
    processes: list[subprocess.Popen] = []
    logs: list = []

    from twilio_assets.sandbox.server import SandboxServer

    # `make dev`'s clock: the partitions are the sandbox's three days, the newest (today) has data.
    sandbox = SandboxServer(demo_sandbox_config()).start()
    try:
        config = sandbox.config
        docs_port = free_port()
        docs_url = f"http://127.0.0.1:{docs_port}"
        env = {
            **_base_env(),
            **warehouse,
            **twilio_env(config, sandbox.base_url),
            "TWILIO_INSTANCES_FILE": str(instances_file),
            "DAGSTER_PG_HOST": storage["PGHOST"],
            "DAGSTER_PG_PORT": storage["PGPORT"],
            "DAGSTER_PG_USERNAME": storage["PGUSER"],
            "DAGSTER_PG_PASSWORD": storage["PGPASSWORD"],
            "DAGSTER_PG_DB": storage["PGDATABASE"],
            "DAGSTER_HOME": str(home),
            "DBT_DOCS_URL": docs_url,
        }
        python = sys.executable

        # dbt, as `make dev` does it: sources + manifest first, then the docs site (it runs
        # `dbt docs generate` before serving, alongside the dagster dev startup).
        log = LOGS / "dbt-prepare.log"
        with log.open("w") as out:
            done = subprocess.run(
                [python, "-m", "twilio_assets.dbt.prepare"],
                env=env,
                cwd=REPO_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=PREPARE_TIMEOUT,
            )
        if done.returncode != 0:
            raise RuntimeError(f"python -m twilio_assets.dbt.prepare failed ({done.returncode}):\n{_log_tail(log)}")
        docs_log = LOGS / "dbt-docs.log"
        out = docs_log.open("w")
        logs.append(out)
        docs = subprocess.Popen(
            [python, "-m", "twilio_assets.dbt.docs", "--port", str(docs_port)],
            env=env,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        processes.append(docs)

        dagster_port = free_port()
        url = f"http://127.0.0.1:{dagster_port}"
        log = LOGS / "dagster-dev.log"
        out = log.open("w")
        logs.append(out)
        # Its own session: dagster dev maps SIGTERM onto SIGINT, which is ignored in a background job
        # without job control; as a session leader it gets both, and stops its children too.
        dagster = subprocess.Popen(
            [str(BIN / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(dagster_port)],
            env=env,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        processes.append(dagster)
        _wait(
            "dagster dev /server_info",
            lambda: requests.get(f"{url}/server_info", timeout=5).status_code == 200,
            DAGSTER_START_TIMEOUT,
            dagster,
            log,
        )
        _wait(f"code location {LOCATION}", lambda: _location_loaded(url), DAGSTER_START_TIMEOUT, dagster, log)
        # What the community modal's Skip button records, so that it cannot pop up over a screenshot
        # (the page fixture still clicks Skip should it appear anyway).
        requests.post(f"{url}/graphql", json={"query": "mutation { setNuxSeen }"}, timeout=30).raise_for_status()
        _wait(
            "dbt docs site",
            lambda: requests.get(f"{docs_url}/manifest.json", timeout=5).status_code == 200,
            DOCS_START_TIMEOUT,
            docs,
            docs_log,
        )
        yield UiStack(
            url=url,
            sandbox_url=sandbox.base_url,
            warehouse=warehouse,
            env=env,
            partition=config.now.date().isoformat(),
            docs_url=docs_url,
        )
    finally:
        for process in reversed(processes):
            _stop_group(process)
        for out in logs:
            out.close()
        sandbox.stop()
        for database in (warehouse, storage):
            try:
                drop_database(database)
            except Exception:  # a lingering connection must not hide the test result
                pass


# ---------------------------------------------------------------------------------------------------
# The browser


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_call_failed = report.failed
    return report


@pytest.fixture(scope="package")
def browser(ui_stack):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _test_name(request) -> str:
    return re.sub(r"^test_", "", request.node.name)


@pytest.fixture
def page(browser, request):
    """A fresh browser context (no cookies, no local storage) per test; a screenshot when the test fails."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(60_000)
    page = context.new_page()
    # The "Join the Dagster community" modal: dismissed whenever it stands in the way of an action.
    skip = page.get_by_role("button", name="Skip", exact=True)
    page.add_locator_handler(skip, lambda: skip.click())
    try:
        yield page
    finally:
        if getattr(request.node, "browser_call_failed", False):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=str(SCREENSHOTS / f"{_test_name(request)}-failure.png"), full_page=True)
            except Exception:
                pass
        context.close()


@pytest.fixture
def shot(page, request) -> Callable[[str], Path]:
    """shot("step") saves test-artifacts/screenshots/<test>-<NN>-<step>.png (NN: the step's order)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = _test_name(request)
    for old in SCREENSHOTS.glob(f"{test}-*.png"):
        old.unlink()
    counter = iter(range(1, 100))

    def take(step: str, *, of=None, full_page: bool = False) -> Path:
        """of: another page (e.g. a tab the test opened) instead of the test's page."""
        path = SCREENSHOTS / f"{test}-{next(counter):02d}-{step}.png"
        (of or page).screenshot(path=str(path), full_page=full_page)
        return path

    return take
