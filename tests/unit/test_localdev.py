"""The local stack's private parts: the embedded PostgreSQL's folder, and the password-protected Redis."""

from __future__ import annotations

import os
import pwd
import socket
import stat
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from twilio_assets.localdev.postgres import default_data_dir, make_private_folder
from twilio_assets.localdev.redis import LocalRedis, redis_binary


def test_the_default_data_folder_is_not_a_predictable_name_in_tmp(tmp_path):
    environ = {"XDG_STATE_HOME": str(tmp_path / "state")}
    chosen = default_data_dir(environ)
    assert not chosen.is_relative_to(tempfile.gettempdir())
    if os.geteuid() == 0:  # root's home cannot be entered by the postgres user
        assert chosen.parent == Path("/var/lib/twilio_assets")
    else:
        assert chosen.is_relative_to(tmp_path / "state")
    assert default_data_dir({"TWILIO_ASSETS_PGDATA": str(tmp_path / "mine")}) == tmp_path / "mine"


def test_a_new_data_folder_is_private(tmp_path):
    root = tmp_path / "deep" / "pg"
    make_private_folder(root)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_a_folder_others_may_write_to_is_refused(tmp_path):
    root = tmp_path / "pg"
    root.mkdir()
    root.chmod(0o777)
    with pytest.raises(RuntimeError) as raised:
        make_private_folder(root)
    assert str(root) in str(raised.value) and "chmod 700" in str(raised.value)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a folder to another user")
def test_a_folder_of_another_user_is_refused(tmp_path):
    root = tmp_path / "pg"
    root.mkdir(mode=0o700)
    nobody = pwd.getpwnam("nobody")
    os.chown(root, nobody.pw_uid, nobody.pw_gid)
    with pytest.raises(RuntimeError, match="belongs to another user"):
        make_private_folder(root)


def _ask(port: int, *commands: str, lines: int | None = None) -> str:
    """Send raw Redis commands (inline protocol) and return the first `lines` lines that come back
    (default: one per command)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall("".join(f"{command}\r\n" for command in commands).encode())
        answer = b""
        while answer.count(b"\r\n") < (lines or len(commands)):
            chunk = connection.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.decode()


@pytest.mark.skipif(redis_binary() is None, reason="redis-server is not installed (apt-get install redis-server)")
def test_the_local_redis_needs_its_password_which_only_the_url_carries():
    with LocalRedis() as broker:
        password = urlsplit(broker.url).password
        assert password and len(password) >= 24
        assert _ask(broker.port, "PING").startswith("-NOAUTH")
        assert _ask(broker.port, "AUTH wrong-password").startswith("-WRONGPASS")
        assert _ask(broker.port, f"AUTH {password}", "PING") == "+OK\r\n+PONG\r\n"
        bind = _ask(broker.port, f"AUTH {password}", "CONFIG GET bind", lines=6)
        assert bind.endswith("bind\r\n$9\r\n127.0.0.1\r\n"), bind  # loopback only
        command_line = Path(f"/proc/{broker._process.pid}/cmdline").read_bytes().decode()
        for shown in (repr(broker), broker.display_url, command_line):
            assert password not in shown
