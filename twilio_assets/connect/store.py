"""The --store file: `NAME=value` lines (for `set -a; . FILE`, systemd or docker env files), readable
by its owner only (0600) from the moment it exists, never half written.

An existing file is updated, not replaced: the line that sets the refresh token's variable gets the
new value (or is added at the end), and every other line stays as it was, so a team's env file keeps
its other settings."""

from __future__ import annotations

import os
import re
import secrets
import shlex
import stat
from pathlib import Path

from .settings import ConnectError


def check_store(path: Path) -> Path:
    """Refuse, before any consent, a place the token could not be written to."""
    path = path.expanduser().absolute()
    if path.is_symlink():
        path = path.resolve()  # update the file the link points at, not the link
    if path.is_dir():
        raise ConnectError(f"--store {path} is a directory. Fix: name a file, e.g. {path / 'twilio.env'}")
    parent = path.parent
    if not parent.is_dir():
        raise ConnectError(f"--store {path}: the directory {parent} does not exist. Fix: create it first")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ConnectError(f"--store {path}: the directory {parent} is not writable. Fix: choose another place")
    if path.exists():
        if not stat.S_ISREG(path.stat().st_mode):
            raise ConnectError(f"--store {path} is not a regular file. Fix: name a plain file")
        if not os.access(path, os.R_OK):
            raise ConnectError(
                f"--store {path} exists but cannot be read, so its other lines could not be kept. Fix: make it "
                "readable by you, or choose another file"
            )
    return path


def updated_lines(existing: str, name: str, line: str) -> str:
    """`existing` with its assignment of `name` replaced by `line` (appended when there is none);
    every other line, comments and blank lines included, kept as it was."""
    assigns = re.compile(rf"^\s*(?:export\s+)?{re.escape(name)}\s*=")
    kept: list[str] = []
    replaced = False
    for current in existing.splitlines():
        if assigns.match(current):
            if not replaced:
                kept.append(line)
                replaced = True
            continue  # a second assignment would override the new one when the file is sourced
        kept.append(current)
    if not replaced:
        kept.append(line)
    return "\n".join(kept) + "\n"


def write_secret(path: Path, name: str, value: str) -> None:
    try:
        existing = path.read_text() if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConnectError(f"could not read {path} to keep its other lines: {exc}. Nothing was stored") from None
    content = updated_lines(existing, name, f"{name}={shlex.quote(value)}")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)  # whatever the umask
            handle.write(content.encode())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ConnectError(
            f"could not write {path}: {exc.strerror}. Nothing was stored; fix the path and run this again"
        ) from None
