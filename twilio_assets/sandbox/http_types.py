"""The request and response shapes passed between the HTTP layer and the API handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl


@dataclass
class Request:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    now: int  # the world clock, read once per request
    base_url: str  # scheme://host:port as the client addressed us

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))


@dataclass
class Response:
    status: int
    body: object
    headers: dict[str, str] = field(default_factory=dict)
