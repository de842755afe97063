"""Packaging hygiene: env files stay out of git, the virtualenv's installers are current, the image
does not run as root."""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.skipif(shutil.which("git") is None or not (REPO_ROOT / ".git").exists(), reason="not a git checkout")
def test_env_files_are_ignored_but_an_example_is_not():
    def ignored(path: str) -> bool:
        return subprocess.run(["git", "check-ignore", "-q", path], cwd=REPO_ROOT).returncode == 0

    for path in (".env", ".env.local", ".env.production", "prod.env", "deploy/twilio.env", "sub/dir/.env"):
        assert ignored(path), path
    for path in (".env.example", "twilio.env.example", "twilio_assets/connect/store.py"):
        assert not ignored(path), path


def _pinned(name: str) -> str:
    found = re.search(rf"^{name}_VERSION := (\S+)$", (REPO_ROOT / "Makefile").read_text(), re.MULTILINE)
    assert found, f"the Makefile pins no {name} version"
    return found.group(1)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_the_install_step_pins_current_pip_and_setuptools():
    # The versions venv seeds on Python 3.11 (pip 23.2.1, setuptools 65.5.0) have published advisories.
    assert _version(_pinned("PIP")) >= (25, 3) and _version(_pinned("SETUPTOOLS")) >= (78, 1, 1)
    install = (REPO_ROOT / "Makefile").read_text().split("$(VENV)/.installed:")[1].split("\n\n")[0]
    upgrade, project = install.index("'pip==$(PIP_VERSION)'"), install.index("-e '.[")
    assert upgrade < project, "the installers must be upgraded before the project is installed"


@pytest.mark.skipif(Path(sys.prefix) != REPO_ROOT / ".venv", reason="runs in the checkout's own virtualenv")
def test_this_virtualenv_has_the_pinned_pip_and_setuptools():
    assert importlib.metadata.version("pip") == _pinned("PIP")
    assert importlib.metadata.version("setuptools") == _pinned("SETUPTOOLS")


def test_the_image_sketch_runs_as_a_numeric_non_root_user():
    lines = [line.strip() for line in (REPO_ROOT / "deploy" / "Dockerfile").read_text().splitlines()]
    users = [line.split(None, 1)[1] for line in lines if line.startswith("USER ")]
    assert users, "the Dockerfile never leaves root"
    arguments = dict(
        line.removeprefix("ARG ").split("=", 1) for line in lines if line.startswith("ARG ") and "=" in line
    )
    user = re.sub(r"\$\{(\w+)\}", lambda m: arguments[m.group(1)], users[-1]).split(":")[0]
    assert user.isdigit() and int(user) >= 1000, users[-1]
