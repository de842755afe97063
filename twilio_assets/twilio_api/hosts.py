"""Which base URL each Twilio API lives at: global, regional (edge + region), or one stand-in."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import ConfigurationError


@dataclass(frozen=True)
class Hosts:
    api: str
    insights: str
    oauth: str

    @classmethod
    def build(cls, *, base_url: str | None = None, region: str | None = None, edge: str | None = None) -> "Hosts":
        """Global hosts by default; `edge`/`region` give Twilio's regional hosts (api.{edge}.{region}.twilio.com);
        `base_url` points every host at one Twilio-compatible stand-in (the sandbox, a proxy)."""
        if base_url:
            parts = urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigurationError(
                    f"TWILIO_BASE_URL must be an absolute http(s) URL such as http://127.0.0.1:8718, got {base_url!r}"
                )
            root = base_url.rstrip("/")
            return cls(api=root, insights=root, oauth=root)
        if edge and not region:
            region = "us1"  # Twilio's default region when only an edge is named
        suffix = ".".join(part for part in (edge, region) if part)
        if suffix:
            return cls(
                api=f"https://api.{suffix}.twilio.com",
                insights=f"https://insights.{suffix}.twilio.com",
                # The OAuth token endpoint is global only.
                oauth="https://oauth.twilio.com",
            )
        return cls(api="https://api.twilio.com", insights="https://insights.twilio.com", oauth="https://oauth.twilio.com")

    def for_api(self, api_name: str) -> str:
        return {"api": self.api, "insights": self.insights, "oauth": self.oauth}[api_name]
