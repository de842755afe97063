"""`python -m twilio_assets.connect`: its settings, its token file, its flow, and the command against the
sandbox driven over plain HTTP (the browser version is tests/browser/test_connect.py)."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import REPO_ROOT
from twilio_assets.connect import pages
from twilio_assets.connect.flow import ConnectFlow
from twilio_assets.connect.settings import ConnectError, resolve
from twilio_assets.connect.store import check_store, write_secret
from twilio_assets.sandbox import SandboxConfig, SandboxServer
from twilio_assets.twilio_api import Hosts, OAuthGrant, TwilioAPIError, TwilioClient

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
CLIENT_ID = "OQ" + "d" * 32
CLIENT_SECRET = "the-client-secret-0123456789abcdef"
INSTANCES = "instances:\n  - name: prod\n    schema: twilio_prod\n    env_prefix: TWILIO_PROD_\n"


@pytest.fixture
def instances_file(tmp_path) -> Path:
    path = tmp_path / "instances.yaml"
    path.write_text(INSTANCES)
    return path


def prod_env(instances_file, **extra) -> dict[str, str]:
    return {
        "TWILIO_INSTANCES_FILE": str(instances_file),
        "TWILIO_PROD_OAUTH_CLIENT_ID": CLIENT_ID,
        "TWILIO_PROD_OAUTH_CLIENT_SECRET": CLIENT_SECRET,
        **extra,
    }


# --- settings ----------------------------------------------------------------------------------------


def test_settings_come_from_the_instances_prefix_only(instances_file):
    settings = resolve("prod", prod_env(instances_file, TWILIO_PROD_BASE_URL="http://127.0.0.1:8718"))
    assert settings.client_id == CLIENT_ID and settings.client_secret == CLIENT_SECRET
    assert settings.hosts.oauth == "http://127.0.0.1:8718"
    assert settings.refresh_variable == "TWILIO_PROD_OAUTH_REFRESH_TOKEN"
    assert CLIENT_SECRET not in repr(settings)
    assert resolve("prod", prod_env(instances_file)).hosts.oauth == "https://oauth.twilio.com"
    # Another instance's (or the default instance's) base URL is not borrowed.
    borrowed = resolve("prod", prod_env(instances_file, TWILIO_BASE_URL="http://127.0.0.1:8718"))
    assert borrowed.hosts.oauth == "https://oauth.twilio.com"


@pytest.mark.parametrize("missing", ["TWILIO_PROD_OAUTH_CLIENT_ID", "TWILIO_PROD_OAUTH_CLIENT_SECRET"])
def test_a_missing_client_id_or_secret_is_named_with_the_fix(instances_file, missing):
    env = prod_env(instances_file)
    env.pop(missing)
    with pytest.raises(ConnectError) as raised:
        resolve("prod", env)
    message = str(raised.value)
    assert f"{missing} is not set" in message and "Fix: export" in message and CLIENT_SECRET not in message


def test_an_unknown_instance_lists_the_known_ones(instances_file):
    with pytest.raises(ConnectError, match=r"no instance named 'staging' .*instances: prod"):
        resolve("staging", prod_env(instances_file))


def test_a_bad_base_url_is_a_settings_error(instances_file):
    with pytest.raises(ConnectError, match="TWILIO_PROD_BASE_URL"):
        resolve("prod", prod_env(instances_file, TWILIO_PROD_BASE_URL="ftp://x"))


# --- the token file ------------------------------------------------------------------------------------


def test_the_token_file_is_owner_only_even_when_it_existed_before(tmp_path):
    path = tmp_path / "twilio.env"
    path.write_text("old\n")
    path.chmod(0o644)
    write_secret(check_store(path), "TWILIO_PROD_OAUTH_REFRESH_TOKEN", "abc.def-ghi_jkl")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == "old\nTWILIO_PROD_OAUTH_REFRESH_TOKEN=abc.def-ghi_jkl\n"
    assert [p.name for p in tmp_path.iterdir()] == ["twilio.env"]  # no temporary file left behind


def test_an_existing_env_file_keeps_its_other_lines_and_gets_its_token_line_replaced(tmp_path):
    path = tmp_path / "team.env"
    path.write_text(
        "# the team's settings\n"
        "PGHOST=warehouse.internal\n"
        "export TWILIO_PROD_OAUTH_REFRESH_TOKEN=stale\n"
        "\n"
        "TWILIO_PROD_OAUTH_CLIENT_ID=OQ123\n"
        "TWILIO_PROD_OAUTH_REFRESH_TOKEN='older still'\n"
        "TWILIO_PROD_OAUTH_REFRESH_TOKEN_NOTE=kept"
    )
    write_secret(check_store(path), "TWILIO_PROD_OAUTH_REFRESH_TOKEN", "new token")
    assert path.read_text() == (
        "# the team's settings\n"
        "PGHOST=warehouse.internal\n"
        "TWILIO_PROD_OAUTH_REFRESH_TOKEN='new token'\n"
        "\n"
        "TWILIO_PROD_OAUTH_CLIENT_ID=OQ123\n"
        "TWILIO_PROD_OAUTH_REFRESH_TOKEN_NOTE=kept\n"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["team.env"]


def test_a_store_behind_a_symlink_updates_the_file_it_points_at(tmp_path):
    target = tmp_path / "real.env"
    target.write_text("A=1\n")
    link = tmp_path / "link.env"
    link.symlink_to(target)
    write_secret(check_store(link), "B", "2")
    assert link.is_symlink() and target.read_text() == "A=1\nB=2\n"


def test_unusable_store_paths_are_refused_before_anything_happens(tmp_path):
    with pytest.raises(ConnectError, match="is a directory"):
        check_store(tmp_path)
    with pytest.raises(ConnectError, match="does not exist"):
        check_store(tmp_path / "missing" / "twilio.env")


# --- the flow ----------------------------------------------------------------------------------------------


class Exchanges(list):
    def __init__(self, answer):
        super().__init__()
        self.answer = answer

    def __call__(self, code: str, redirect_uri: str) -> OAuthGrant:
        self.append((code, redirect_uri))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def flow_for(instances_file, answer, store=None) -> tuple[ConnectFlow, Exchanges]:
    exchanges = Exchanges(answer)
    flow = ConnectFlow(resolve("prod", prod_env(instances_file)), "http://127.0.0.1:8719/callback", exchanges, store)
    return flow, exchanges


def grant(refresh="the-refresh-token") -> OAuthGrant:
    return OAuthGrant(access_token="the-access-token", refresh_token=refresh, expires_in=3600)


def test_the_start_page_sends_the_browser_to_twilios_authorize_endpoint(instances_file):
    flow, _ = flow_for(instances_file, grant())
    fields = flow.authorize_fields()
    assert flow.authorize_url == "https://oauth.twilio.com/v2/authorize"
    assert (
        fields["response_type"] == "code" and fields["client_id"] == CLIENT_ID and fields["scope"] == "offline_access"
    )
    assert fields["redirect_uri"] == "http://127.0.0.1:8719/callback" and len(fields["state"]) >= 32
    page = flow.start_page()
    assert 'action="https://oauth.twilio.com/v2/authorize"' in page and ">Connect</button>" in page
    assert CLIENT_SECRET not in page


def test_a_wrong_or_missing_state_is_refused_and_the_run_goes_on(instances_file):
    flow, exchanges = flow_for(instances_file, grant())
    for query in ({"code": "c"}, {"code": "c", "state": "forged"}, {"error": "access_denied", "state": "x"}):
        answer = flow.callback(query)
        assert answer.status == 400 and not answer.final and "does not match" in answer.page
    assert exchanges == []
    state = flow.authorize_fields()["state"]
    assert flow.callback({"code": "c", "state": state}).final


def test_denied_consent_ends_the_run_with_the_fix(instances_file):
    flow, exchanges = flow_for(instances_file, grant())
    answer = flow.callback({"error": "access_denied", "state": flow.authorize_fields()["state"]})
    assert answer.final and answer.exit_code == 1 and exchanges == []
    assert "denied" in answer.report and "click Allow" in answer.report


def test_a_twilio_refusal_ends_the_run_without_secrets(instances_file):
    refused = TwilioAPIError(
        status=400,
        method="POST",
        url="https://oauth.twilio.com/v2/token",
        code=20003,
        message="Invalid client credentials",
        credentials_hint="TWILIO_PROD_OAUTH_CLIENT_ID",
    )
    flow, exchanges = flow_for(instances_file, refused)
    answer = flow.callback({"code": "the-code", "state": flow.authorize_fields()["state"]})
    assert answer.final and answer.exit_code == 1 and exchanges == [("the-code", "http://127.0.0.1:8719/callback")]
    assert "20003" in answer.report and "TWILIO_PROD_OAUTH_CLIENT_ID" in answer.report
    for text in (answer.report, answer.page):
        assert "the-code" not in text and CLIENT_SECRET not in text


def test_no_refresh_token_in_the_grant_is_an_error(instances_file):
    flow, _ = flow_for(instances_file, grant(refresh=None))
    answer = flow.callback({"code": "c", "state": flow.authorize_fields()["state"]})
    assert answer.final and answer.exit_code == 1 and "no refresh token" in answer.report


def test_the_token_is_shown_once_on_the_page_and_never_reported(instances_file):
    flow, _ = flow_for(instances_file, grant())
    state = flow.authorize_fields()["state"]
    answer = flow.callback({"code": "c", "state": state})
    assert answer.final and answer.exit_code == 0
    assert "export TWILIO_PROD_OAUTH_REFRESH_TOKEN=the-refresh-token" in answer.page
    assert "the-refresh-token" not in answer.report and "TWILIO_PROD_OAUTH_REFRESH_TOKEN" in answer.report
    again = flow.callback({"code": "c", "state": state})
    assert again.status == 409 and "the-refresh-token" not in again.page


def test_with_store_the_token_goes_to_the_file_only(instances_file, tmp_path):
    path = tmp_path / "prod.env"
    flow, _ = flow_for(instances_file, grant(), store=path)
    answer = flow.callback({"code": "c", "state": flow.authorize_fields()["state"]})
    assert answer.final and answer.exit_code == 0
    assert path.read_text() == "TWILIO_PROD_OAUTH_REFRESH_TOKEN=the-refresh-token\n"
    assert "the-refresh-token" not in answer.page + answer.report and str(path) in answer.report


def _get(url: str, host: str) -> requests.Response:
    return requests.get(url, headers={"Host": host}, timeout=30)


def test_the_page_refuses_a_foreign_host_header(instances_file):
    from twilio_assets.connect.server import ConnectServer

    flow, exchanges = flow_for(instances_file, grant())
    state = flow.authorize_fields()["state"]
    with ConnectServer(0) as server:
        server.attach(flow)
        own = f"127.0.0.1:{server.port}"
        # What a rebinding site's script sends: its own name, resolved to 127.0.0.1.
        for foreign in (f"attacker.example:{server.port}", "attacker.example", f"localhost:{server.port}"):
            page = _get(server.url, foreign)
            assert page.status_code == 421 and state not in page.text, foreign
            callback = _get(f"{server.url}callback?code=c&state={state}", foreign)
            assert callback.status_code == 421 and exchanges == [], foreign
        page = _get(server.url, own)
        assert page.status_code == 200 and state in page.text


def test_pages_escape_what_they_show():
    page = pages.failed("<script>alert(1)</script>", "fix & go", retry=True)
    assert "<script>" not in page and "&lt;script&gt;" in page and "fix &amp; go" in page


# --- the command, against the sandbox --------------------------------------------------------------------


def _fields(page: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)}


class Command:
    """`python -m twilio_assets.connect` in a subprocess, as a user runs it."""

    def __init__(self, env: dict[str, str], *args: str):
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SANDBOX_"))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "twilio_assets.connect", *args],
            env={**clean, **env},
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.first_lines = [self.process.stdout.readline(), self.process.stdout.readline()]
        found = re.search(r"Open (http://127\.0\.0\.1:\d+/) ", "".join(self.first_lines))
        assert found, "".join(self.first_lines) + self.process.stderr.read()
        self.url = found.group(1)

    def finish(self) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, "".join(self.first_lines) + out, err


def answer_consent(command: Command, decision: str) -> requests.Response:
    """What the browser does: Connect, then Allow or Deny on the sandbox's page (redirects followed)."""
    start = requests.get(command.url, timeout=30)
    action = html.unescape(re.search(r'<form method="get" action="([^"]+)"', start.text).group(1))
    consent = requests.get(action, params=_fields(start.text), timeout=30)
    assert consent.status_code == 200, consent.text
    target = consent.url.split("?")[0]
    return requests.post(target, data={**_fields(consent.text), "decision": decision}, timeout=30)


@pytest.fixture
def sandbox_env(instances_file):
    with SandboxServer(SandboxConfig(now=NOW)) as server:
        config = server.config
        yield (
            server,
            {
                "TWILIO_INSTANCES_FILE": str(instances_file),
                "TWILIO_PROD_BASE_URL": server.base_url,
                "TWILIO_PROD_OAUTH_CLIENT_ID": config.oauth_client_id,
                "TWILIO_PROD_OAUTH_CLIENT_SECRET": config.oauth_client_secret,
            },
        )


def test_the_command_stores_a_working_refresh_token(sandbox_env, tmp_path):
    server, env = sandbox_env
    store = tmp_path / "prod.env"
    command = Command(env, "--instance", "prod", "--port", "0", "--store", str(store))
    landed = answer_consent(command, "allow")
    code, out, err = command.finish()
    assert code == 0, err
    assert landed.status_code == 200 and landed.url.startswith(command.url + "callback?")
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    name, _, token = store.read_text().strip().partition("=")
    assert name == "TWILIO_PROD_OAUTH_REFRESH_TOKEN" and token
    for text in (out, err, landed.text):
        assert token not in text and server.config.oauth_client_secret not in text
    assert f"stored in {store}" in out
    client = TwilioClient.with_oauth_refresh_token(
        server.config.oauth_client_id, server.config.oauth_client_secret, token, Hosts.build(base_url=server.base_url)
    )
    main = server.config.main_account_sid
    assert client.get_json(f"{server.base_url}/2010-04-01/Accounts/{main}.json")["sid"] == main


def test_the_command_reports_denied_consent(sandbox_env):
    server, env = sandbox_env
    command = Command(env, "--instance", "prod", "--port", "0")
    landed = answer_consent(command, "deny")
    code, out, err = command.finish()
    assert code == 1 and landed.status_code == 400
    assert "Consent was denied" in err and "click Allow" in err
    assert "Consent was denied" in landed.text


def test_the_command_stops_at_once_on_missing_credentials(instances_file):
    result = subprocess.run(
        [sys.executable, "-m", "twilio_assets.connect", "--instance", "prod", "--port", "0"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")},
            "TWILIO_INSTANCES_FILE": str(instances_file),
        },
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert "TWILIO_PROD_OAUTH_CLIENT_ID and TWILIO_PROD_OAUTH_CLIENT_SECRET are not set" in result.stderr
