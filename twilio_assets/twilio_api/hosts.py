"""Which base URL each Twilio API lives at: global, regional (edge + region), or one stand-in."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import ConfigurationError

# Twilio's products beyond api/insights/oauth, each on its own host (`messaging.twilio.com`, ...).
# A stand-in given as one base URL serves each of them under a path prefix: `{base_url}/messaging/v1/...`.
PRODUCT_HOSTS = ("messaging", "conversations", "studio", "verify", "monitor", "trunking", "taskrouter")


@dataclass(frozen=True)
class Hosts:
    api: str
    insights: str
    oauth: str
    # The same for every product of PRODUCT_HOSTS, e.g. "https://studio.twilio.com"; filled by build().
    products: tuple[tuple[str, str], ...] = ()

    @classmethod
    def build(cls, *, base_url: str | None = None, region: str | None = None, edge: str | None = None) -> Hosts:
        """Global hosts by default; `edge`/`region` give Twilio's regional hosts (api.{edge}.{region}.twilio.com);
        `base_url` points every host at one Twilio-compatible stand-in (the sandbox, a proxy)."""
        if base_url:
            parts = urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigurationError(
                    f"TWILIO_BASE_URL must be an absolute http(s) URL such as http://127.0.0.1:8718, got {base_url!r}"
                )
            root = base_url.rstrip("/")
            return cls(api=root, insights=root, oauth=root, products=tuple((p, f"{root}/{p}") for p in PRODUCT_HOSTS))
        if edge and not region:
            region = "us1"  # Twilio's default region when only an edge is named
        suffix = ".".join(part for part in (edge, region) if part)
        host = f".{suffix}.twilio.com" if suffix else ".twilio.com"
        return cls(
            api=f"https://api{host}",
            insights=f"https://insights{host}",
            # The OAuth token endpoint is global only.
            oauth="https://oauth.twilio.com",
            products=tuple((p, f"https://{p}{host}") for p in PRODUCT_HOSTS),
        )

    def for_api(self, api_name: str) -> str:
        named = {"api": self.api, "insights": self.insights, "oauth": self.oauth, **dict(self.products)}
        return named[api_name]
