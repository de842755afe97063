"""A small HTTP client for the tests: real requests against a running sandbox."""

from __future__ import annotations

from datetime import UTC, datetime

import requests

from twilio_assets.sandbox import SandboxServer

# The tests' fixed clock, so expectations never depend on the day the suite runs.
NOW = datetime(2025, 3, 10, 12, 0, 0, tzinfo=UTC)


def v2010(account_sid: str, resource: str) -> str:
    return f"/2010-04-01/Accounts/{account_sid}/{resource}.json"


class Api:
    def __init__(self, base_url: str, auth=None, headers: dict | None = None):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.auth = auth
        self.session.headers.update(headers or {})

    def get(self, path: str, params=None, **kwargs) -> requests.Response:
        url = path if path.startswith("http") else self.base_url + path
        return self.session.get(url, params=params, timeout=kwargs.pop("timeout", 30), **kwargs)

    def pages(self, path: str, params=None, limit: int = 10_000) -> list[requests.Response]:
        """Every page of a list, following next_page_uri (v2010) or meta.next_page_url (Insights)."""
        out = [self.get(path, params)]
        while len(out) < limit:
            last = out[-1]
            assert last.status_code == 200, last.text
            body = last.json()
            nxt = body["meta"]["next_page_url"] if "meta" in body else body["next_page_uri"]
            if not nxt:
                return out
            out.append(self.get(nxt))
        raise AssertionError("paging did not end")

    def all(self, path: str, list_key: str, params=None) -> list[dict]:
        return [rec for page in self.pages(path, params) for rec in page.json()[list_key]]


class Admin:
    def __init__(self, server: SandboxServer):
        self.base = server.base_url + "/__sandbox__"

    def info(self) -> dict:
        return requests.get(self.base + "/info", timeout=30).json()

    def set_now(self, when: datetime) -> dict:
        r = requests.post(self.base + "/clock", json={"now": when.isoformat()}, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    def advance(self, seconds: float) -> dict:
        r = requests.post(self.base + "/clock", json={"advance_seconds": seconds}, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    def faults(self, **knobs) -> requests.Response:
        return requests.post(self.base + "/faults", json=knobs, timeout=30)
