"""Which base URL each Twilio API lives at: global, regional (edge + region), or one stand-in.

Every host built here receives Twilio credentials, so what a setting may name is checked: `https`
(plain `http` only on this machine's loopback), no user-info, query or fragment, and regions and
edges of the shape Twilio documents (nothing that could smuggle in another host)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from .errors import ConfigurationError

# Twilio's products beyond api/insights/oauth, each on its own host (`messaging.twilio.com`, ...).
# A stand-in given as one base URL serves each of them under a path prefix: `{base_url}/messaging/v1/...`.
PRODUCT_HOSTS = ("messaging", "conversations", "studio", "verify", "monitor", "trunking", "taskrouter")

# Twilio's processing regions are a country code and a number (us1, ie1, au1); its edge locations are
# lower-case place names, hyphenated for two words or a private interconnect (sao-paulo, ashburn-ix).
REGION_SHAPE = re.compile(r"[a-z]{2}[0-9]{1,2}")
EDGE_SHAPE = re.compile(r"[a-z]+(?:-[a-z]+)*")
DEFAULT_REGION = "us1"  # Twilio's region when only an edge is named


@dataclass(frozen=True)
class Hosts:
    api: str
    insights: str
    oauth: str
    # The same for every product of PRODUCT_HOSTS, e.g. "https://studio.twilio.com"; filled by build().
    products: tuple[tuple[str, str], ...] = ()
    # The settings that chose these hosts, for messages ("TWILIO_BASE_URL", "Twilio's global hosts").
    setting: str = "Twilio's global hosts"

    @classmethod
    def build(
        cls,
        *,
        base_url: str | None = None,
        region: str | None = None,
        edge: str | None = None,
        env_prefix: str = "TWILIO_",
    ) -> Hosts:
        """Global hosts by default; `edge`/`region` give Twilio's regional hosts (api.{edge}.{region}.twilio.com);
        `base_url` points every host at one Twilio-compatible stand-in (the sandbox, a proxy).

        `env_prefix` names the variables in errors (TWILIO_BASE_URL, TWILIO_PROD_REGION, ...)."""
        if base_url:
            root = checked_base_url(base_url, f"{env_prefix}BASE_URL")
            return cls(
                api=root,
                insights=root,
                oauth=root,
                products=tuple((p, f"{root}/{p}") for p in PRODUCT_HOSTS),
                setting=f"{env_prefix}BASE_URL",
            )
        if region:
            _check_shape(region, REGION_SHAPE, f"{env_prefix}REGION", "a Twilio region such as us1, ie1 or au1")
        if edge:
            _check_shape(edge, EDGE_SHAPE, f"{env_prefix}EDGE", "a Twilio edge location such as dublin or sydney")
        named = [f"{env_prefix}{name}" for name, value in (("EDGE", edge), ("REGION", region)) if value]
        if edge and not region:
            region = DEFAULT_REGION
        suffix = ".".join(part for part in (edge, region) if part)
        host = f".{suffix}.twilio.com" if suffix else ".twilio.com"
        return cls(
            api=f"https://api{host}",
            insights=f"https://insights{host}",
            # The OAuth token endpoint is global only.
            oauth="https://oauth.twilio.com",
            products=tuple((p, f"https://{p}{host}") for p in PRODUCT_HOSTS),
            setting=f"Twilio's hosts for {' and '.join(named)}" if named else "Twilio's global hosts",
        )

    def for_api(self, api_name: str) -> str:
        named = {"api": self.api, "insights": self.insights, "oauth": self.oauth, **dict(self.products)}
        return named[api_name]


def checked_base_url(url: str, variable: str) -> str:
    """The stand-in's base URL without its trailing slash, or a ConfigurationError naming `variable`
    (the URL is shown without any password it holds)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        raise ConfigurationError(
            f"{variable} is not a valid URL ({shown_url(url)}). Fix: set it to an absolute URL such as "
            "https://proxy.example.com or http://127.0.0.1:8718 (the sandbox)."
        ) from None
    problem = _base_url_problem(url, parts)
    if problem:
        raise ConfigurationError(
            f"{variable} {problem} (it is {shown_url(url)}). It receives Twilio credentials with every request. "
            "Fix: set it to https://<host>[:port][/path], or http://127.0.0.1:<port> for the sandbox on this machine."
        )
    return url.rstrip("/")


def _base_url_problem(url: str, parts: SplitResult) -> str | None:
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an absolute http(s) URL"
    if "@" in parts.netloc:
        return "must not hold a user name or password (user:password@)"
    if "?" in url or "#" in url:
        return "must not have a query (?...) or fragment (#...)"
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return "must use https: plain http is only accepted for this machine's loopback (127.0.0.1, ::1, localhost)"
    return None


def is_loopback(hostname: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: a server on this machine (the sandbox, a test server)."""
    if hostname.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def shown_url(url: str) -> str:
    """`url` fit for a message: user-info, query and fragment left out (any of them may hold a secret)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<not a URL>"
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    userinfo = "***@" if "@" in parts.netloc else ""
    rest = " (query left out)" if parts.query else ""
    return f"{parts.scheme}://{userinfo}{host}{port}{parts.path}{rest}"


def _check_shape(value: str, shape: re.Pattern[str], variable: str, expected: str) -> None:
    if not shape.fullmatch(value):
        shown = f"{value[:40]!r}{'…' if len(value) > 40 else ''}"
        raise ConfigurationError(
            f"{variable} must be {expected} (lower-case, as Twilio spells it), got {shown}. Fix: set it to "
            "one from https://www.twilio.com/docs/global-infrastructure/edge-locations, or unset it."
        )
