"""The command line: read the settings, serve the Connect page, report how it ended.

Exit codes: 0 connected, 1 Twilio or the user refused (the page and stderr say why), 2 the settings are
wrong (nothing was served), 130 interrupted."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..twilio_api import TwilioClient
from .flow import ConnectFlow
from .server import ConnectServer
from .settings import ConnectError, ConnectSettings, resolve
from .store import check_store

DEFAULT_PORT = 8719  # beside the sandbox's 8718; the OAuth app's Redirect URL names it


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m twilio_assets.connect",
        description="Connect an instance to Twilio with OAuth 2.0 (authorization code): serves a page with a "
        "Connect button on 127.0.0.1, and gives you the refresh token once you allow access on "
        "Twilio's page. Needs <prefix>OAUTH_CLIENT_ID and <prefix>OAUTH_CLIENT_SECRET.",
    )
    parser.add_argument("--instance", required=True, help="the instance's name, as in the instances file (e.g. twilio)")
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"local port; the OAuth app must list http://127.0.0.1:PORT/callback among its Redirect "
        f"URLs (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        help="write the refresh token to this file (mode 0600) instead of showing it on the page",
    )
    return parser


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    environ = os.environ if environ is None else environ
    try:
        settings = resolve(args.instance, environ)
        store = check_store(args.store) if args.store is not None else None
    except ConnectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        server = ConnectServer(args.port)
    except OSError as exc:
        print(
            f"error: cannot listen on 127.0.0.1:{args.port} ({exc.strerror}). Fix: pick another --port, and list "
            f"http://127.0.0.1:PORT/callback among the OAuth app's Redirect URLs",
            file=sys.stderr,
        )
        return 2
    client = TwilioClient(None, settings.hosts, max_attempts=4, credentials_hint=settings.client_variables)
    with server, client:
        flow = ConnectFlow(settings, server.redirect_uri, _exchange(client, settings, server.redirect_uri), store)
        server.attach(flow)
        print(
            f"Connecting instance {settings.instance.name!r} with OAuth app {settings.client_id} "
            f"(Twilio at {settings.hosts.oauth}).",
            flush=True,
        )
        print(
            f"Open {server.url} in your browser and click Connect. Twilio sends you back to "
            f"{server.redirect_uri}: it must be a Redirect URL of the OAuth app. Ctrl-C stops.",
            flush=True,
        )
        try:
            answer = server.wait()
        except KeyboardInterrupt:
            print("Stopped before Twilio answered; nothing was stored.", file=sys.stderr)
            return 130
    assert answer is not None
    print(answer.report, file=sys.stdout if answer.exit_code == 0 else sys.stderr, flush=True)
    return answer.exit_code


def _exchange(client: TwilioClient, settings: ConnectSettings, redirect_uri: str):
    fix = (
        f"check {settings.client_variables} (an OAuth app with grant type Authorization code) and that {redirect_uri} "
        "is among its Redirect URLs; a code works once and for a few minutes only, so run this again and click Connect"
    )

    def exchange(code: str, redirect: str):
        return client.exchange_authorization_code(settings.client_id, settings.client_secret, code, redirect, fix=fix)

    return exchange
