"""The command line: --help, --print-env, start-up line without secrets, credentials from env."""

from __future__ import annotations

import dataclasses
import os
import shlex
import subprocess
import sys
from datetime import UTC, datetime

import requests
from sandbox_client import v2010

from twilio_assets.sandbox import SandboxConfig
from twilio_assets.sandbox.cli import build_parser, main

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
        proc.wait(timeout=10)
