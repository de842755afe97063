"""`python -m twilio_assets.sandbox`: run the sandbox in the foreground, or print its env.

Secrets are never printed on start-up; `--print-env` prints them on purpose, as shell
exports, for scripts that need matching credentials (the Makefile demo).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from .config import SandboxConfig
from .server import SandboxServer

ENV_NAMES = (
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_API_KEY_SID",
    "TWILIO_API_KEY_SECRET",
    "TWILIO_OAUTH_CLIENT_ID",
    "TWILIO_OAUTH_CLIENT_SECRET",
    "TWILIO_BASE_URL",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m twilio_assets.sandbox",
        description="A local, deterministic Twilio-compatible server (REST API 2010-04-01, Voice Insights, "
        "OAuth v2 token) on one port. Admin endpoints: /__sandbox__/info, clock, faults, counts.",
    )
    server = parser.add_argument_group("server")
    server.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    server.add_argument("--port", type=int, default=8718, help="port to listen on; 0 picks a free one (default 8718)")
    server.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host that is not loopback (other machines can then read the sandbox and change its "
        "clock and faults: the admin endpoints have no authentication)",
    )
    server.add_argument(
        "--print-env", action="store_true", help="print `export TWILIO_...=` lines with matching credentials and exit"
    )
    server.add_argument("--verbose", action="store_true", help="log every request to stderr")
    SandboxConfig.add_arguments(parser)
    return parser


def env_lines(config: SandboxConfig, base_url: str) -> list[str]:
    values = (
        config.main_account_sid,
        config.auth_token,
        config.api_key_sid,
        config.api_key_secret,
        config.oauth_client_id,
        config.oauth_client_secret,
        base_url,
    )
    return [f"export {name}={shlex.quote(value)}" for name, value in zip(ENV_NAMES, values, strict=True)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = SandboxConfig.from_namespace(args)
        if args.print_env:
            print("\n".join(env_lines(config, f"http://{args.host}:{args.port}")))
            return 0
        server = SandboxServer(
            config, host=args.host, port=args.port, verbose=args.verbose, allow_remote=args.allow_remote
        ).start()
    except ValueError as exc:
        parser.error(str(exc))  # exits with status 2
    print(
        f"Twilio sandbox on {server.base_url} | main account {config.main_account_sid} | "
        f"clock {config.now.isoformat()} | credentials: run with --print-env for "
        f"{', '.join(ENV_NAMES[1:6])}",
        flush=True,
    )
    server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
