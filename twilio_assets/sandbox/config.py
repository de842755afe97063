"""What a sandbox is made of: the seed, the clock, volumes, credentials and fault knobs.

Everything the sandbox serves is a pure function of this object and the clock, so a
test and the server compute the same data from the same config.
"""

from __future__ import annotations

import argparse
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .timefmt import parse_iso

NICKNAMES_MAIN = "main"

# Environment variables that may carry credentials instead of flags (flags win).
CREDENTIAL_ENV = {
    "auth_token": "SANDBOX_AUTH_TOKEN",
    "api_key_sid": "SANDBOX_API_KEY_SID",
    "api_key_secret": "SANDBOX_API_KEY_SECRET",
    "oauth_client_id": "SANDBOX_OAUTH_CLIENT_ID",
    "oauth_client_secret": "SANDBOX_OAUTH_CLIENT_SECRET",
}

# Each fault knob and the range it must stay in (inclusive). Rates are fractions of requests; the
# maxima keep a typo (seconds for milliseconds) from stalling every client for hours.
FAULT_KNOB_RANGES: dict[str, tuple[float, float]] = {
    "latency_ms": (0, 60_000),
    "concurrency_limit": (0, 10_000),
    "rate_429": (0, 1),
    "retry_after": (0, 3_600),
    "rate_5xx": (0, 1),
    "rate_reset": (0, 1),
    "slow_ms": (0, 600_000),
    "rate_slow": (0, 1),
    "rate_truncate": (0, 1),
    "token_ttl_seconds": (1, 86_400),
    # From which page on a list answers empty / refused for retention (0: never).
    "empty_page_from": (0, 1_000_000),
    "retention_page_from": (0, 1_000_000),
    "rate_nul_byte": (0, 1),
}
FAULT_KNOBS = tuple(FAULT_KNOB_RANGES)


def check_fault_knob(name: str, value: object) -> float:
    """`value` for knob `name`, or a ValueError naming the knob, its range and what was given."""
    if name not in FAULT_KNOB_RANGES:
        raise ValueError(f"unknown fault knob {name!r}; known: {', '.join(FAULT_KNOBS)}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number; got {value!r}")
    low, high = FAULT_KNOB_RANGES[name]
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}; got {value!r}")
    return value


def _derived(seed: int, what: str, n: int = 32) -> str:
    return hashlib.sha256(f"{seed}:{what}".encode()).hexdigest()[:n]


def default_now() -> datetime:
    """Today 12:00:00 UTC: the CLI's clock when --now is not given."""
    today = datetime.now(UTC).date()
    return datetime(today.year, today.month, today.day, 12, tzinfo=UTC)


@dataclass(kw_only=True)
class SandboxConfig:
    """Settings of one simulated Twilio. Credentials left empty are derived from the seed."""

    seed: int = 7
    now: datetime
    start: date | None = None
    days: int = 3
    subaccounts: int = 2
    calls_per_day: int = 40
    messages_per_day: int = 120
    # Messages scheduled through a Messaging Service: date_sent stays null until they go out.
    scheduled_per_day: int = 6
    conferences_per_day: int = 3
    auth_token: str = ""
    api_key_sid: str = ""
    api_key_secret: str = ""
    oauth_client_id: str = ""
    oauth_client_secret: str = ""
    token_ttl_seconds: int = 3600
    insights_disabled: tuple[str, ...] = ()
    # Fault knobs (all off by default).
    latency_ms: int = 0
    concurrency_limit: int = 0
    rate_429: float = 0.0
    retry_after: int = 0
    rate_5xx: float = 0.0
    rate_reset: float = 0.0
    slow_ms: int = 0
    rate_slow: float = 0.0
    rate_truncate: float = 0.0
    # List answers that are valid but wrong, for the sync's deletion safeguards (1-based page numbers).
    empty_page_from: int = 0
    retention_page_from: int = 0
    rate_nul_byte: float = 0.0

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("SandboxConfig.now must be timezone-aware (UTC)")
        self.now = self.now.astimezone(UTC)
        if self.days < 1:
            raise ValueError("days must be >= 1")
        for name in ("subaccounts", "calls_per_day", "messages_per_day", "scheduled_per_day", "conferences_per_day"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        for name in FAULT_KNOBS:
            check_fault_knob(name, getattr(self, name))
        self.insights_disabled = tuple(self.insights_disabled)
        unknown = set(self.insights_disabled) - set(self.nicknames)
        if unknown:
            raise ValueError(f"insights_disabled names unknown accounts: {sorted(unknown)}")
        defaults = {
            "auth_token": _derived(self.seed, "auth"),
            "api_key_sid": "SK" + _derived(self.seed, "api-key-sid"),
            "api_key_secret": _derived(self.seed, "api-key-secret"),
            "oauth_client_id": "OQ" + _derived(self.seed, "oauth-client-id"),
            "oauth_client_secret": _derived(self.seed, "oauth-client-secret", 48),
        }
        for name, value in defaults.items():
            if not getattr(self, name):
                setattr(self, name, value)

    # --- derived facts -------------------------------------------------------------

    @property
    def first_day(self) -> date:
        return self.start if self.start is not None else self.now.date() - timedelta(days=self.days - 1)

    @property
    def nicknames(self) -> list[str]:
        return [NICKNAMES_MAIN] + [f"sub{k}" for k in range(1, self.subaccounts + 1)]

    def account_sid_of(self, nickname: str) -> str:
        index = self.nicknames.index(nickname)
        return "AC" + _derived(self.seed, f"account:{index}")

    @property
    def main_account_sid(self) -> str:
        return self.account_sid_of(NICKNAMES_MAIN)

    @property
    def subaccount_sids(self) -> list[str]:
        return [self.account_sid_of(n) for n in self.nicknames[1:]]

    def account_auth_token(self, nickname: str) -> str:
        if nickname == NICKNAMES_MAIN:
            return self.auth_token
        # Derived from the main token so that changing it changes every account's.
        return hashlib.sha256(f"{self.auth_token}:{nickname}".encode()).hexdigest()[:32]

    def fault_knobs(self) -> dict:
        return {name: getattr(self, name) for name in FAULT_KNOBS}

    def with_changes(self, **changes) -> SandboxConfig:
        return replace(self, **changes)

    # --- command line ------------------------------------------------------------

    @staticmethod
    def add_arguments(parser: argparse.ArgumentParser) -> None:
        """Add one flag per setting; --help lists each with its meaning."""
        data = parser.add_argument_group("simulated data")
        data.add_argument("--seed", type=int, default=7, help="seed of every generated value (default 7)")
        data.add_argument(
            "--now", type=_parse_now, default=None, help="frozen clock, ISO 8601 (default: today 12:00:00Z)"
        )
        data.add_argument(
            "--start",
            type=date.fromisoformat,
            default=None,
            help="first simulated day YYYY-MM-DD (default: --days days up to now's day)",
        )
        data.add_argument("--days", type=int, default=3, help="simulated days up to now's day (default 3)")
        data.add_argument("--subaccounts", type=int, default=2, help="subaccounts of the main account (default 2)")
        data.add_argument(
            "--calls-per-day",
            type=int,
            default=40,
            help="parent calls per account per day; subaccounts get half (default 40)",
        )
        data.add_argument(
            "--messages-per-day",
            type=int,
            default=120,
            help="messages per account per day; subaccounts get half (default 120)",
        )
        data.add_argument(
            "--scheduled-per-day",
            type=int,
            default=6,
            help="scheduled messages (date_sent null until sent, up to 35 days later) per account "
            "per day; subaccounts get half; 0 = none (default 6)",
        )
        data.add_argument(
            "--conferences-per-day",
            type=int,
            default=3,
            help="conferences per account per day; subaccounts get half (default 3)",
        )
        data.add_argument(
            "--insights-disabled",
            default="",
            help="comma-separated account nicknames (main,sub1,...) without Voice Insights "
            "Advanced Features: their Insights requests get 403 / 20403",
        )
        creds = parser.add_argument_group(
            "credentials (default: derived from the seed; also read from the SANDBOX_* variables)"
        )
        creds.add_argument("--auth-token", default=None, help="main account auth token [SANDBOX_AUTH_TOKEN]")
        creds.add_argument("--api-key-sid", default=None, help="API key SID, SK + 32 hex [SANDBOX_API_KEY_SID]")
        creds.add_argument("--api-key-secret", default=None, help="API key secret [SANDBOX_API_KEY_SECRET]")
        creds.add_argument("--oauth-client-id", default=None, help="OAuth app client id [SANDBOX_OAUTH_CLIENT_ID]")
        creds.add_argument(
            "--oauth-client-secret", default=None, help="OAuth app client secret [SANDBOX_OAUTH_CLIENT_SECRET]"
        )
        creds.add_argument(
            "--token-ttl-seconds",
            type=int,
            default=3600,
            help="lifetime of OAuth access tokens, real wall-clock seconds (default 3600)",
        )
        faults = parser.add_argument_group(
            "fault knobs (deterministic from the seed; 0 = off; rates 0 to 1, delays at most "
            f"{FAULT_KNOB_RANGES['latency_ms'][1]} ms of latency and {FAULT_KNOB_RANGES['slow_ms'][1]} ms slow)"
        )
        faults.add_argument("--latency-ms", type=int, default=0, help="delay added to every API request")
        faults.add_argument(
            "--concurrency-limit",
            type=int,
            default=0,
            help="in-flight requests per account above which the answer is 429 / 20429",
        )
        faults.add_argument("--rate-429", type=float, default=0.0, help="fraction of requests answered 429 / 20429")
        faults.add_argument(
            "--retry-after",
            type=int,
            default=0,
            help="Retry-After seconds on 429s (0 = no header, as Twilio documents none)",
        )
        faults.add_argument(
            "--rate-5xx",
            type=float,
            default=0.0,
            help="fraction of requests answered 500 or 503 with a Twilio error body",
        )
        faults.add_argument(
            "--rate-reset", type=float, default=0.0, help="fraction of connections reset without a response"
        )
        faults.add_argument("--slow-ms", type=int, default=0, help="delay of a slow response (see --rate-slow)")
        faults.add_argument(
            "--rate-slow",
            type=float,
            default=0.0,
            help="fraction of responses delayed by --slow-ms (to exceed a client's timeout)",
        )
        faults.add_argument(
            "--rate-truncate",
            type=float,
            default=0.0,
            help="fraction of bodies cut mid-JSON (Content-Length of the full body)",
        )
        faults.add_argument(
            "--empty-page-from",
            type=int,
            default=0,
            help="list pages from this one on (1 = the first) answer 200 with no records and no next page",
        )
        faults.add_argument(
            "--retention-page-from",
            type=int,
            default=0,
            help="list pages from this one on (1 = the first) answer 400 / 20004 (17002 on Insights), "
            "as beyond Twilio's retention",
        )
        faults.add_argument(
            "--rate-nul-byte",
            type=float,
            default=0.0,
            help="fraction of records (chosen by SID, the same on every answer) whose text holds a NUL "
            "(\\u0000), which PostgreSQL cannot store",
        )

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace, environ: dict | None = None) -> SandboxConfig:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "insights_disabled":
                raw = ns.insights_disabled or ""
                values[f.name] = tuple(x.strip() for x in raw.split(",") if x.strip())
            elif f.name in CREDENTIAL_ENV:
                values[f.name] = getattr(ns, f.name) or env.get(CREDENTIAL_ENV[f.name], "")
            elif f.name == "now":
                values[f.name] = ns.now or default_now()
            else:
                values[f.name] = getattr(ns, f.name)
        return cls(**values)

    @classmethod
    def from_args(cls, argv: Sequence[str] | None = None, environ: dict | None = None) -> SandboxConfig:
        parser = argparse.ArgumentParser(description="Twilio sandbox settings")
        cls.add_arguments(parser)
        return cls.from_namespace(parser.parse_args(argv), environ)


def _parse_now(text: str) -> datetime:
    try:
        return parse_iso(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from exc
