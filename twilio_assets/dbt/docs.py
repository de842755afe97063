"""Build the dbt docs site and serve it locally, so each model's lineage graph is one click away
from its asset in Dagster.

    python -m twilio_assets.dbt.docs [--port 8580] [--host 127.0.0.1] [--no-generate] [--generate-only]

Steps: regenerate the sources from the instance settings, run `dbt docs generate` into
`dbt_project/target/docs` (apart from Dagster's manifest, so the two never race), then serve that
directory. The catalog (column types, row counts) needs the warehouse; when it cannot be reached the
site is built without it, lineage and descriptions intact.

Dagster links each model to `<DBT_DOCS_URL>/#!/model/<unique_id>?g_v=1`; DBT_DOCS_URL defaults to
http://127.0.0.1:8580, so set it when serving elsewhere.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
from pathlib import Path

from ..instances import ConfigError, SyncSettings
from . import DBT_PROJECT_DIR, dbt_executable
from .sources import write_generated_files

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8580
DOCS_TARGET = Path("target") / "docs"


def generate(project_dir: Path = DBT_PROJECT_DIR, settings: SyncSettings | None = None) -> Path:
    """Write the docs site (index.html, manifest.json, catalog.json) and return its directory."""
    if settings is None:  # the instances file's and the components' (needs Dagster: imported here)
        from ..components import load_settings_with_components

        settings = load_settings_with_components()
    write_generated_files(settings, project_dir)
    target = project_dir / DOCS_TARGET
    command = [
        dbt_executable(),
        "docs",
        "generate",
        "--quiet",
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target),
    ]
    if subprocess.run(command).returncode != 0:
        print("dbt docs generate could not read the warehouse; building the site without the catalog.", file=sys.stderr)
        if subprocess.run([*command, "--empty-catalog"]).returncode != 0:
            raise RuntimeError("dbt docs generate failed (see the dbt output above)")
    _copy_schema_picture(target)
    return target


def _copy_schema_picture(site: Path) -> None:
    """The visual schema (`make schema`, docs/ beside the dbt project) goes into the site: its overview shows it."""
    for picture in sorted((DBT_PROJECT_DIR.parent / "docs").glob("twilio_schema.*")):
        shutil.copyfile(picture, site / picture.name)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A browser closing a connection mid-download is routine, not worth a traceback.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def make_server(site: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> http.server.ThreadingHTTPServer:
    """A static file server for the site, bound but not yet serving."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"no docs site in {site}; run without --no-generate first")
    return _Server((host, port), functools.partial(_QuietHandler, directory=str(site)))


def serve(site: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    with make_server(site, host, port) as server:
        print(f"dbt docs at http://{host}:{port}/#!/overview (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate and serve the dbt docs site locally.")
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to listen on (default: %(default)s)")
    parser.add_argument("--project-dir", type=Path, default=DBT_PROJECT_DIR, help=argparse.SUPPRESS)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--no-generate", action="store_true", help="serve the site built last time")
    mode.add_argument("--generate-only", action="store_true", help="build the site and exit")
    args = parser.parse_args(argv)
    try:
        site = args.project_dir / DOCS_TARGET if args.no_generate else generate(args.project_dir)
        if args.generate_only:
            print(f"dbt docs site written to {site}")
            return 0
        serve(site, args.host, args.port)
    except (ConfigError, FileNotFoundError, RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
