"""Fault injection: which request gets which fault, decided by hashing, not by chance.

The n-th request for a given method and URL gets the same fault on every run with the
same seed (so a retry of that URL gets a fresh decision, and concurrency does not change
which URL fails). Every fault served is counted for /__sandbox__/info, and so are the
requests per account and the most that were ever in flight at once for each (a client
that claims to respect a concurrency budget can be checked against it).
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from .config import FAULT_KNOBS, SandboxConfig, check_fault_knob
from .hashing import unit

_INT_KNOBS = {
    "latency_ms",
    "concurrency_limit",
    "retry_after",
    "slow_ms",
    "token_ttl_seconds",
    "empty_page_from",
    "retention_page_from",
}
# Checked in this order; the first that fires is the request's fault.
_RATED = (
    ("reset", "rate_reset"),
    ("429", "rate_429"),
    ("5xx", "rate_5xx"),
    ("truncate", "rate_truncate"),
    ("slow", "rate_slow"),
)


class Faults:
    def __init__(self, config: SandboxConfig):
        self.seed = config.seed
        self._knobs = config.fault_knobs()
        self._lock = threading.Lock()
        self._seen: Counter = Counter()
        self._inflight: Counter = Counter()
        self._peak: Counter = Counter()
        self._requests: Counter = Counter()
        self.served: Counter = Counter()

    def knobs(self) -> dict:
        with self._lock:
            return dict(self._knobs)

    def get(self, name: str):
        return self._knobs[name]

    def update(self, changes: dict) -> dict:
        unknown = set(changes) - set(FAULT_KNOBS)
        if unknown:
            raise ValueError(f"unknown fault knobs: {sorted(unknown)}; known: {', '.join(FAULT_KNOBS)}")
        clean = {}
        for name, value in changes.items():
            checked = check_fault_knob(name, value)
            clean[name] = int(checked) if name in _INT_KNOBS else float(checked)
        with self._lock:
            self._knobs.update(clean)
            return dict(self._knobs)

    def pick(self, method: str, target: str) -> str | None:
        """The fault for this request (None = serve it normally)."""
        with self._lock:
            n = self._seen[(method, target)]
            self._seen[(method, target)] = n + 1
            knobs = dict(self._knobs)
        for kind, knob in _RATED:
            rate = knobs[knob]
            if kind == "slow" and not knobs["slow_ms"]:
                continue
            if rate > 0 and unit(self.seed, "fault", kind, method, target, n) < rate:
                return kind
        return None

    def listing_fault(self, body: Any) -> str | None:
        """'retention' or 'empty' when this answer is a list page the knobs refuse or empty, else None.
        Decided by the page's number alone, so a test knows exactly which pages are affected."""
        number = _page_number(body)
        if number is None:
            return None
        with self._lock:
            knobs = dict(self._knobs)
        for kind, knob in (("retention", "retention_page_from"), ("empty", "empty_page_from")):
            if knobs[knob] and number + 1 >= knobs[knob]:
                return kind
        return None

    def with_nul_bytes(self, body: Any) -> Any:
        """The answer with a NUL appended to one text field of each record the `rate_nul_byte` knob picks
        (by SID, so a record is the same on every answer, one by one or in a list)."""
        rate = self.get("rate_nul_byte")
        if not rate or not isinstance(body, dict):
            return body
        if "sid" in body:
            return _with_nul(body) if unit(self.seed, "nul", body["sid"]) < rate else body
        return {
            name: [
                _with_nul(r) if isinstance(r, dict) and "sid" in r and unit(self.seed, "nul", r["sid"]) < rate else r
                for r in value
            ]
            if isinstance(value, list)
            else value
            for name, value in body.items()
        }

    def five_hundred(self, method: str, target: str) -> int:
        return 503 if unit(self.seed, "fault-5xx-kind", method, target) < 0.5 else 500

    def enter(self, account: str) -> int:
        with self._lock:
            self._inflight[account] += 1
            depth = self._inflight[account]
            self._requests[account] += 1
            if depth > self._peak[account]:
                self._peak[account] = depth
            return depth

    def leave(self, account: str) -> None:
        with self._lock:
            self._inflight[account] -= 1

    def count(self, kind: str) -> None:
        with self._lock:
            self.served[kind] += 1

    def served_counts(self) -> dict:
        with self._lock:
            return dict(self.served)

    def peak_inflight(self) -> dict:
        with self._lock:
            return dict(self._peak)

    def request_counts(self) -> dict:
        with self._lock:
            return dict(self._requests)

    def reset_counters(self) -> None:
        """Start counting afresh: peaks restart from what is in flight right now."""
        with self._lock:
            self._peak = Counter({k: n for k, n in self._inflight.items() if n > 0})
            self._requests.clear()
            self.served.clear()


def _page_number(body: Any) -> int | None:
    """The 0-based number of a list page (v2010 `page`, or `meta.page` of the newer APIs); None otherwise."""
    if not isinstance(body, dict):
        return None
    meta = body.get("meta")
    if isinstance(meta, dict) and "next_page_url" in meta:
        return int(meta.get("page") or 0)
    if "next_page_uri" in body:
        return int(body.get("page") or 0)
    return None


def empty_page(body: Any) -> dict:
    """A list page with no records and no next page: a valid answer that says the list ends here."""
    emptied = {name: [] if isinstance(value, list) else value for name, value in body.items()}
    if isinstance(body.get("meta"), dict):
        emptied["meta"] = {**body["meta"], "next_page_url": None}
    else:
        emptied["next_page_uri"] = None
    return emptied


# The first of these a record has as text gets the NUL (PostgreSQL refuses \u0000 in jsonb and text).
_NUL_FIELDS = ("body", "friendly_name", "status", "to")


def _with_nul(record: dict) -> dict:
    name = next((f for f in _NUL_FIELDS if isinstance(record.get(f), str)), None)
    return record if name is None else {**record, name: record[name] + "\x00"}
