"""An embedded PostgreSQL for the demo, `make dev` and the tests, used when no PG* variables are given.

It runs the machine's PostgreSQL binaries as the `postgres` OS user (initdb refuses root), on
loopback only, with trust authentication and durability switched off: a throwaway server, not a
production one.

    python -m twilio_assets.localdev.postgres start|stop|status|env [--data-dir D] [--port P]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 55432
SERVER_USER = "postgres"


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


def default_data_dir() -> Path:
    # Outside the checkout: a checkout under /root (mode 700) cannot be entered by the postgres user.
    checkout = Path(__file__).resolve().parents[2]  # one embedded server per checkout
    digest = hashlib.sha1(str(checkout).encode()).hexdigest()[:10]
    return Path(os.environ.get("TWILIO_ASSETS_PGDATA", f"/tmp/twilio_assets-pg-{digest}"))


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
    root.mkdir(parents=True, exist_ok=True)
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

    def env(self, database: str = "warehouse") -> dict[str, str]:
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": "postgres",
            "PGPASSWORD": "",
            "PGDATABASE": database,
        }

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
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            server = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, server.pw_uid, server.pw_gid)
        if not (self.data_dir / "PG_VERSION").exists():
            done = self._run_as_server_user(
                "initdb",
                "-D",
                str(self.data_dir),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
            if done.returncode != 0:
                raise RuntimeError(f"initdb failed:\n{done.stderr or done.stdout}")
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
                connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
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
            print(f"export {name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
