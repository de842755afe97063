"""The command line: --help, --print-env, start-up line without secrets, credentials from env."""

from __future__ import annotations

import dataclasses
import os
import shlex
import subprocess
import sys
from datetime import UTC, datetime

import pytest
import requests
from sandbox_client import v2010

from twilio_assets.sandbox import SandboxConfig
from twilio_assets.sandbox.cli import build_parser, main
from twilio_assets.sandbox.server import SandboxServer

PY = sys.executable


def test_help_lists_every_setting_with_its_meaning():
    text = build_parser().format_help()
    for f in dataclasses.fields(SandboxConfig):
        flag = "--" + f.name.replace("_", "-")
        assert flag in text, flag
        line = text[text.index(flag) :].splitlines()
        assert len(" ".join(line[:3]).split()) > 3, f"{flag} has no description"
    for flag in ("--port", "--host", "--print-env"):
        assert flag in text


def test_print_env_prints_matching_exports(capsys):
    assert main(["--print-env", "--port", "8718", "--seed", "11", "--now", "2025-03-10T12:00:00Z"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    env = dict(shlex.split(line.removeprefix("export "))[0].split("=", 1) for line in lines)
    cfg = SandboxConfig(now=datetime(2025, 3, 10, 12, tzinfo=UTC), seed=11)
    assert env == {
        "TWILIO_ACCOUNT_SID": cfg.main_account_sid,
        "TWILIO_AUTH_TOKEN": cfg.auth_token,
        "TWILIO_API_KEY_SID": cfg.api_key_sid,
        "TWILIO_API_KEY_SECRET": cfg.api_key_secret,
        "TWILIO_OAUTH_CLIENT_ID": cfg.oauth_client_id,
        "TWILIO_OAUTH_CLIENT_SECRET": cfg.oauth_client_secret,
        "TWILIO_BASE_URL": "http://127.0.0.1:8718",
    }
    assert cfg.api_key_sid.startswith("SK") and len(cfg.api_key_sid) == 34


def test_credentials_from_flags_and_environment():
    environ = {"SANDBOX_AUTH_TOKEN": "env-token", "SANDBOX_API_KEY_SECRET": "env-secret"}
    cfg = SandboxConfig.from_args(
        [
            "--now",
            "2025-03-10T12:00:00Z",
            "--api-key-secret",
            "flag-secret",
            "--insights-disabled",
            "sub1,sub2",
            "--rate-429",
            "0.25",
            "--days",
            "5",
        ],
        environ=environ,
    )
    assert cfg.auth_token == "env-token" and cfg.api_key_secret == "flag-secret"
    assert cfg.insights_disabled == ("sub1", "sub2") and cfg.rate_429 == 0.25 and cfg.days == 5
    assert cfg.account_auth_token("sub1") != cfg.auth_token
    default = SandboxConfig.from_args(["--now", "2025-03-10T12:00:00Z"], environ={})
    assert default.auth_token != "env-token" and len(default.auth_token) == 32


def test_start_up_line_names_url_and_account_but_no_secret():
    cfg = SandboxConfig(now=datetime(2025, 3, 10, 12, tzinfo=UTC))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [PY, "-m", "twilio_assets.sandbox", "--port", "0", "--now", "2025-03-10T12:00:00Z"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline()
        base = next(w for w in line.split() if w.startswith("http://"))
        assert cfg.main_account_sid in line
        for secret in (cfg.auth_token, cfg.api_key_secret, cfg.oauth_client_secret):
            assert secret not in line
        assert "TWILIO_AUTH_TOKEN" in line
        r = requests.get(
            base + v2010(cfg.main_account_sid, "Calls"),
            auth=(cfg.main_account_sid, cfg.auth_token),
            params={"PageSize": 1},
            timeout=10,
        )
        assert r.status_code == 200 and len(r.json()["calls"]) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=60)  # a loaded machine can take a while to stop it


# --- where it listens, and the fault knobs' bounds ----------------------------------------------------


def test_a_non_loopback_address_is_refused_unless_allowed(capsys):
    cfg = SandboxConfig(now=datetime(2025, 3, 10, 12, tzinfo=UTC))
    for host in ("0.0.0.0", "", "::"):
        with pytest.raises(ValueError, match="--allow-remote"):
            SandboxServer(cfg, host=host)
    for host in ("127.0.0.1", "localhost"):
        SandboxServer(cfg, host=host)  # loopback: no objection (not started)
    with pytest.raises(SystemExit) as exited:
        main(["--host", "0.0.0.0", "--port", "0", "--now", "2025-03-10T12:00:00Z"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "0.0.0.0" in error and "not a loopback address" in error and "--allow-remote" in error
    with SandboxServer(cfg, host="0.0.0.0", allow_remote=True) as server:
        r = requests.get(f"http://127.0.0.1:{server.port}/__sandbox__/info", timeout=10)
        assert r.status_code == 200


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--rate-429", "1.5", "rate_429 must be between 0 and 1; got 1.5"),
        ("--rate-reset", "-0.1", "rate_reset must be between 0 and 1; got -0.1"),
        ("--latency-ms", "3600000", "latency_ms must be between 0 and 60000; got 3600000"),
        ("--slow-ms", "86400000", "slow_ms must be between 0 and 600000; got 86400000"),
        ("--retry-after", "99999", "retry_after must be between 0 and 3600; got 99999"),
        ("--concurrency-limit", "-1", "concurrency_limit must be between 0 and 10000; got -1"),
        ("--token-ttl-seconds", "0", "token_ttl_seconds must be between 1 and 86400; got 0"),
    ],
)
def test_fault_knobs_out_of_bounds_are_refused_at_start_up(capsys, flag, value, expected):
    with pytest.raises(SystemExit) as exited:
        main(["--print-env", "--now", "2025-03-10T12:00:00Z", flag, value])
    assert exited.value.code == 2
    assert expected in capsys.readouterr().err


def test_fault_knobs_out_of_bounds_are_refused_by_the_admin_endpoint():
    cfg = SandboxConfig(now=datetime(2025, 3, 10, 12, tzinfo=UTC))
    with SandboxServer(cfg) as server:
        url = f"{server.base_url}/__sandbox__/faults"
        refused = requests.post(url, json={"latency_ms": 10_000_000}, timeout=10)
        assert refused.status_code == 400 and "latency_ms must be between 0 and 60000" in refused.text
        assert requests.post(url, json={"rate_5xx": 1.01}, timeout=10).status_code == 400
        assert requests.get(url, timeout=10).json()["faults"]["latency_ms"] == 0  # nothing changed
        assert requests.post(url, json={"latency_ms": 60_000, "rate_5xx": 1}, timeout=10).status_code == 200
