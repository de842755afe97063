"""An embedded PostgreSQL for the demo, `make dev` and the tests, used when no PG* variables are given.

It runs the machine's PostgreSQL binaries as the `postgres` OS user when started by root (initdb
refuses root), on loopback only, with durability switched off: a throwaway server, not a production
one. Every connection needs a password (scram-sha-256), generated when the server is made and kept
in a file only its owner can read (`password`, mode 0600) in the server's private folder (mode 0700):
under `$XDG_STATE_HOME` (or `~/.local/state`), or `/var/lib/twilio_assets` for root, whose home the
`postgres` user cannot enter. `env` prints it as PGPASSWORD with the other PG* settings.

    python -m twilio_assets.localdev.postgres start|stop|status|env [--data-dir D] [--port P]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import pwd
import secrets
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 55432
SERVER_USER = "postgres"
# The superuser the tools connect as; its password is generated per server.
DATABASE_USER = "postgres"
# Where root's embedded servers live: not world-writable, and reachable by the postgres user.
ROOT_STATE_DIR = Path("/var/lib/twilio_assets")


def find_bin_dir() -> Path:
    """The newest installed PostgreSQL's binaries (Debian keeps them under /usr/lib/postgresql/N/bin)."""
    override = os.environ.get("TWILIO_ASSETS_PG_BIN")
    if override:
        return Path(override)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError(
        "no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and PATH). Fix: install "
        "them (apt-get install postgresql) or point PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE at a server."
    )


def default_data_dir(environ: dict[str, str] | None = None) -> Path:
    """One embedded server per checkout, in a folder no other user can write to.

    Not under the checkout: a checkout under /root (mode 700) cannot be entered by the postgres user.
    Not in /tmp either, where anyone could create the predictable name first."""
    environ = dict(os.environ if environ is None else environ)
    if environ.get("TWILIO_ASSETS_PGDATA"):
        return Path(environ["TWILIO_ASSETS_PGDATA"])
    checkout = Path(__file__).resolve().parents[2]
    digest = hashlib.sha1(str(checkout).encode()).hexdigest()[:10]
    if os.geteuid() == 0:
        return ROOT_STATE_DIR / f"pg-{digest}"
    state = Path(environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "twilio_assets" / f"pg-{digest}"


def server_owner() -> pwd.struct_passwd:
    """The OS user the server runs as: `postgres` when started by root, else whoever starts it."""
    return pwd.getpwnam(SERVER_USER) if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())


def make_private_folder(root: Path) -> None:
    """Create `root` (mode 0700, owned by the server's user), or check that an existing one is private.

    Refuses a folder owned by another user, or one that others may write to: whoever can write there
    could swap the server's files or read its password."""
    owner = server_owner()
    if not root.exists():
        root.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        root.mkdir(mode=0o700)
    info = root.lstat()
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise RuntimeError(
            f"{root} is not a plain folder, so the embedded PostgreSQL will not keep its data and password "
            "there. Fix: remove it, or set TWILIO_ASSETS_PGDATA to a folder of your own."
        )
    if info.st_uid not in (owner.pw_uid, os.geteuid()):
        raise RuntimeError(
            f"{root} belongs to another user (uid {info.st_uid}), so the embedded PostgreSQL will not use it: "
            "they could read its password or swap its files. Fix: remove it, or set TWILIO_ASSETS_PGDATA to a "
            "folder of your own."
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise RuntimeError(
            f"{root} can be written by other users (mode {stat.S_IMODE(info.st_mode):o}), so the embedded "
            f"PostgreSQL will not use it. Fix: chmod 700 {root}, or remove it."
        )
    if info.st_uid != owner.pw_uid:  # made by root for the postgres user (a test's temporary folder)
        os.chown(root, owner.pw_uid, owner.pw_gid)
    os.chmod(root, 0o700)


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def remembered_port(root: Path, preferred: int) -> int:
    """The port this data directory's server uses: the one it used before, else `preferred` if free,
    else any free port. Remembered in the data directory, so two checkouts never fight over a port and
    `make psql`/`make dev` find the server `make demo` started."""
    record = root / "port"
    if record.exists():
        return int(record.read_text().strip())
    port = preferred if port_is_free(preferred) else free_port()
    make_private_folder(root)
    record.write_text(f"{port}\n")
    return port


def create_missing_databases(connection, names) -> None:
    """Create each named database that does not exist yet, on a connection to the server's `postgres` db."""
    connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute("select 1 from pg_database where datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(f'create database "{name}"')


@dataclass
class LocalPostgres:
    root: Path
    port: int = DEFAULT_PORT

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    @property
    def password_file(self) -> Path:
        return self.root / "password"

    def password(self) -> str:
        try:
            return self.password_file.read_text().strip()
        except FileNotFoundError:
            raise RuntimeError(
                f"the embedded PostgreSQL in {self.root} has no password file ({self.password_file}): it has not "
                "been started yet, or was made by an older version with trust authentication. Fix: run "
                "`python -m twilio_assets.localdev.postgres start`; if it says the same, stop it and delete "
                f"{self.root} (a throwaway server: the demo rebuilds its data)."
            ) from None

    def env(self, database: str = "warehouse") -> dict[str, str]:
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": DATABASE_USER,
            "PGPASSWORD": self.password(),
            "PGDATABASE": database,
        }

    def _new_password(self) -> str:
        """A fresh password, written to the password file (mode 0600 from the moment it exists)."""
        password = secrets.token_urlsafe(24)
        self.password_file.unlink(missing_ok=True)
        descriptor = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(password + "\n")
        # The server's user reads it once, for initdb (it owns every database anyway).
        owner = server_owner()
        os.chown(self.password_file, owner.pw_uid, owner.pw_gid)
        return password

    def _run_as_server_user(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(find_bin_dir() / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        return subprocess.run(command, capture_output=True, text=True)

    def is_running(self) -> bool:
        if not (self.data_dir / "postmaster.pid").exists():
            return False
        return self._run_as_server_user("pg_ctl", "-D", str(self.data_dir), "status").returncode == 0

    def start(self, databases: tuple[str, ...] = ("warehouse", "dagster")) -> None:
        if self.is_running():
            self.create_databases(databases)
            return
        make_private_folder(self.root)
        if not (self.data_dir / "PG_VERSION").exists():
            self._new_password()
            done = self._run_as_server_user(
                "initdb",
                "-D",
                str(self.data_dir),
                "--auth=scram-sha-256",
                f"--pwfile={self.password_file}",
                "-U",
                DATABASE_USER,
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
            if done.returncode != 0:
                raise RuntimeError(f"initdb failed:\n{done.stderr or done.stdout}")
        self.password()  # a server made with trust before has none: say so now, not at the first connection
        if not port_is_free(self.port):
            raise RuntimeError(
                f"port {self.port} is taken, so the embedded PostgreSQL cannot start. Fix: stop what uses it, "
                "or choose another port with PGPORT (make) or --port."
            )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        done = self._run_as_server_user(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w", "-t", "60", "-o", options, "start"
        )
        if done.returncode != 0:
            tail = self.log_file.read_text()[-2000:] if self.log_file.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start:\n{done.stderr or done.stdout}\n{tail}")
        self.create_databases(databases)

    def create_databases(self, names: tuple[str, ...]) -> None:
        import psycopg2

        deadline = time.monotonic() + 30
        while True:
            try:
                connection = psycopg2.connect(
                    host="127.0.0.1", port=self.port, user=DATABASE_USER, password=self.password(), dbname="postgres"
                )
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        try:
            create_missing_databases(connection, names)
        finally:
            connection.close()

    def stop(self) -> None:
        if self.is_running():
            self._run_as_server_user("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status", "env"])
    parser.add_argument("--data-dir", type=Path, default=None, help="where the server keeps its files")
    parser.add_argument("--port", type=int, default=None, help=f"first choice of port (default {DEFAULT_PORT})")
    args = parser.parse_args(argv)
    try:
        return _act(args)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _act(args: argparse.Namespace) -> int:
    root = args.data_dir or default_data_dir()
    preferred = args.port or int(os.environ.get("TWILIO_ASSETS_PGPORT", DEFAULT_PORT))
    server = LocalPostgres(root=root, port=remembered_port(root, preferred))
    if args.action == "start":
        server.start()
        print(f"embedded PostgreSQL running on 127.0.0.1:{server.port} (data in {server.root})")
    elif args.action == "stop":
        server.stop()
        print("embedded PostgreSQL stopped")
    elif args.action == "status":
        running = server.is_running()
        print("running" if running else "stopped")
        return 0 if running else 1
    else:
        for name, value in server.env().items():
            print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
