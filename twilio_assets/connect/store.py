"""The --store file: one `NAME=value` line (for `set -a; . FILE`, systemd or docker env files), readable
by its owner only (0600) from the moment it exists, replaced whole, never half written."""

from __future__ import annotations

import os
import secrets
import shlex
from pathlib import Path

from .settings import ConnectError


def check_store(path: Path) -> Path:
    """Refuse, before any consent, a place the token could not be written to."""
    path = path.expanduser().absolute()
    if path.is_dir():
        raise ConnectError(f"--store {path} is a directory. Fix: name a file, e.g. {path / 'twilio.env'}")
    parent = path.parent
    if not parent.is_dir():
        raise ConnectError(f"--store {path}: the directory {parent} does not exist. Fix: create it first")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ConnectError(f"--store {path}: the directory {parent} is not writable. Fix: choose another place")
    return path


def write_secret(path: Path, name: str, value: str) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            os.fchmod(descriptor, 0o600)
            os.write(descriptor, f"{name}={shlex.quote(value)}\n".encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ConnectError(
            f"could not write {path}: {exc.strerror}. Nothing was stored; fix the path and run this again"
        ) from None
