"""Connect, as a user does it in Debian's Chromium: `python -m twilio_assets.connect` serves its page, the
user clicks Connect, then Allow on the sandbox's consent page, lands back on the success page and copies
the refresh token. A sync of one collection then runs on that token (no auth token, no API key anywhere)
and the warehouse holds exactly what the sandbox's oracle says, and the token nowhere, nor do the logs.

This test needs only the sandbox, PostgreSQL and Chromium: not the package's `dagster dev` stack (its
`browser` and `page` fixtures), so it launches its own browser the same way, with the same flags. The
package's collection hook skips it, like every browser test, when Chromium is missing.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.conftest import REPO_ROOT, TEST_NOW, connect
from twilio_assets.catalog import BY_NAME
from twilio_assets.defs.resources import TwilioResource
from twilio_assets.sandbox.oauth_consent import APP_NAME
from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sync import Window, sync_collection
from twilio_assets.warehouse.tables import SYNC_LOG_TABLE

pytestmark = pytest.mark.browser

COLLECTION = "calls"
SCHEMA = "twilio"
INSTANCES_YAML = "instances:\n  - name: twilio\n    schema: twilio\n    env_prefix: TWILIO_\n"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
TIMEOUT = 30_000  # ms


@pytest.fixture
def chromium_page(request):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        context.set_default_timeout(TIMEOUT)
        page = context.new_page()
        try:
            yield page
        finally:
            if getattr(request.node, "browser_call_failed", False):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                try:
                    page.screenshot(path=str(SCREENSHOTS / "connect-failure.png"), full_page=True)
                except Exception:
                    pass
            context.close()
            browser.close()


def screenshot(page, step: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"connect-{step}.png"), full_page=True)


class ConnectCommand:
    """The command in a subprocess, in an environment with the OAuth client only (no other credential)."""

    def __init__(self, env: dict[str, str]):
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SANDBOX_"))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "twilio_assets.connect", "--instance", "twilio", "--port", "0"],
            env={**clean, **env},
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.banner = self.process.stdout.readline() + self.process.stdout.readline()
        found = re.search(r"Open (http://127\.0\.0\.1:\d+/) ", self.banner)
        if not found:
            self.process.kill()
            raise AssertionError(f"no URL in the command's output: {self.banner}{self.process.stderr.read()}")
        self.url = found.group(1)

    def finish(self) -> tuple[int, str]:
        try:
            out, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        return self.process.returncode, self.banner + out + err


def text_values(env: dict[str, str]) -> list[str]:
    """Every value of every text-like column of the raw tables and the sync log, and every row as text."""
    values: list[str] = []
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select table_name, column_name from information_schema.columns where table_schema = %s "
            "and data_type in ('text', 'character varying', 'character', 'json', 'jsonb')",
            (SCHEMA,),
        )
        columns = cursor.fetchall()
        assert {table for table, _ in columns} >= {COLLECTION, SYNC_LOG_TABLE}
        for table, column in columns:
            cursor.execute(f'select "{column}"::text from "{SCHEMA}"."{table}" where "{column}" is not null')
            values.extend(value for (value,) in cursor.fetchall())
        for table in {table for table, _ in columns}:
            cursor.execute(f'select t::text from "{SCHEMA}"."{table}" t')
            values.extend(row for (row,) in cursor.fetchall())
    return values


def test_connect_then_sync_with_the_refresh_token_only(chromium_page, sandbox, warehouse, tmp_path, caplog, capfd):
    caplog.set_level(logging.DEBUG)  # urllib3 and everything else, as verbose as it gets
    page = chromium_page
    config = sandbox.config
    instances = tmp_path / "twilio_instances.yaml"
    instances.write_text(INSTANCES_YAML)
    command = ConnectCommand(
        {
            "TWILIO_INSTANCES_FILE": str(instances),
            "TWILIO_BASE_URL": sandbox.base_url,
            "TWILIO_OAUTH_CLIENT_ID": config.oauth_client_id,
            "TWILIO_OAUTH_CLIENT_SECRET": config.oauth_client_secret,
        }
    )

    # The command's page: one Connect button.
    page.goto(command.url)
    connect_button = page.get_by_role("button", name="Connect", exact=True)
    expect(connect_button).to_be_visible()
    screenshot(page, "01-connect-page")
    connect_button.click()

    # The sandbox's consent page names the app and the account.
    page.wait_for_url(re.compile(re.escape(sandbox.base_url) + r"/v2/authorize\?"))
    expect(page.get_by_role("heading", name=f"Authorize {APP_NAME}")).to_be_visible()
    expect(page.get_by_text(sandbox.world.account(config.main_account_sid).friendly_name)).to_be_visible()
    expect(page.get_by_role("button", name="Deny", exact=True)).to_be_visible()
    screenshot(page, "02-consent")
    page.get_by_role("button", name="Allow", exact=True).click()

    # Back on the command's page: connected, the token shown with its export line.
    page.wait_for_url(re.compile(re.escape(command.url) + r"callback\?"))
    expect(page.get_by_role("heading", name="Connected")).to_be_visible()
    token = page.locator("#refresh-token").inner_text().strip()
    assert token
    expect(page.locator("#export")).to_have_text(f"export TWILIO_OAUTH_REFRESH_TOKEN={token}")
    screenshot(page, "03-connected")
    code, output = command.finish()
    assert code == 0, output
    assert "TWILIO_OAUTH_REFRESH_TOKEN" in output and token not in output
    assert config.oauth_client_secret not in output

    # A sync on the refresh token alone: no auth token, no API key.
    resource = TwilioResource(
        account_sid=config.main_account_sid,
        oauth_client_id=config.oauth_client_id,
        oauth_client_secret=config.oauth_client_secret,
        oauth_refresh_token=token,
        base_url=sandbox.base_url,
    )
    assert resource.auth_method() == "oauth_refresh_token"
    lines: list[str] = []
    main = config.main_account_sid
    days = [config.first_day, TEST_NOW.date()]
    with resource.build_client(on_retry=lines.append) as client:
        result = sync_collection(
            client=client,
            connect=lambda: connect(warehouse),
            schema=SCHEMA,
            collection=BY_NAME[COLLECTION],
            window=Window.for_days(*days),
            accounts=[main],
            main_account_sid=main,
            run_id="connect-browser-test",
            log=lines.append,
        )
        assert client.stats.token_fetches >= 1

    expected = {r["sid"]: r for r in expected_records(sandbox.world, COLLECTION, [main], sandbox.world.days())}
    with connect(warehouse) as connection, connection.cursor() as cursor:
        cursor.execute(f'select sid, _raw from "{SCHEMA}"."{COLLECTION}" where _deleted_at is null')
        stored = dict(cursor.fetchall())
    assert expected, "the sandbox has no calls: the test would prove nothing"
    assert stored == expected
    assert result.fetched >= len(expected)

    # The refresh token (and any bearer token, and the client secret) is nowhere.
    captured = capfd.readouterr()
    places = {
        "warehouse": "\n".join(text_values(warehouse)),
        "logs": caplog.text + "\n".join(lines) + captured.out + captured.err,
        "command output": output,
        "sync result": repr(result),
    }
    for place, text in places.items():
        assert token not in text, f"the refresh token found in {place}"
        assert config.oauth_client_secret not in text, f"the client secret found in {place}"
        assert not JWT.search(text), f"a token (JWT) found in {place}"
    # The logs were really captured, down to each request to the token endpoint.
    assert '"POST /v2/token HTTP/1.1" 200' in caplog.text and f"/Accounts/{main}/Calls.json" in caplog.text
