"""The /__sandbox__/ control endpoints."""

from __future__ import annotations

from datetime import date, timedelta

import requests
from sandbox_client import NOW

from twilio_assets.sandbox import COLLECTIONS


def test_info_describes_the_world(admin, server, world, config):
    info = admin.info()
    assert info["now"] == "2025-03-10T12:00:00Z"
    assert info["first_day"] == "2025-03-08" and info["last_day"] == "2025-03-10"
    assert info["base_url"] == server.base_url
    assert [(a["nickname"], a["insights_enabled"]) for a in info["accounts"]] == [
        ("main", True),
        ("sub1", True),
        ("sub2", True),
    ]
    assert info["accounts"][0]["sid"] == config.main_account_sid
    for sid, counts in info["counts"].items():
        assert set(counts) == set(COLLECTIONS)
        assert counts == {c: world.count(sid, c) for c in COLLECTIONS}
    assert info["faults_served"] == {}
    assert "auth_token" not in str(info)


def test_counts_per_day(admin, server, world):
    r = requests.get(server.base_url + "/__sandbox__/counts", params={"day": "2025-03-09"}, timeout=10).json()
    for sid, counts in r["counts"].items():
        assert counts == {c: world.count(sid, c, day=date(2025, 3, 9)) for c in COLLECTIONS}
        assert counts["calls"] > 0
    bad = requests.get(server.base_url + "/__sandbox__/counts", params={"day": "9 March"}, timeout=10)
    assert bad.status_code == 400


def test_clock_set_and_advance(admin, world):
    assert admin.advance(90)["now"] == "2025-03-10T12:01:30Z"
    assert world.now == NOW + timedelta(seconds=90)
    assert admin.set_now(NOW - timedelta(days=1))["now"] == "2025-03-09T12:00:00Z"
    assert world.now == NOW - timedelta(days=1)


def test_clock_and_faults_reject_bad_input(server):
    base = server.base_url + "/__sandbox__/"
    assert requests.post(base + "clock", json={"now": "noon"}, timeout=10).status_code == 400
    assert requests.post(base + "clock", json={}, timeout=10).status_code == 400
    assert requests.post(base + "clock", data="not json", timeout=10).status_code == 400
    assert requests.post(base + "faults", json={"rate_5xx": -1}, timeout=10).status_code == 400
    assert requests.get(base + "nope", timeout=10).status_code == 404
    assert requests.get(base + "clock", timeout=10).status_code == 405


def test_faults_endpoint_reports_knobs(admin, server):
    assert admin.faults(latency_ms=5, rate_429=0.5).json()["faults"]["rate_429"] == 0.5
    current = requests.get(server.base_url + "/__sandbox__/faults", timeout=10).json()
    assert current["faults"]["latency_ms"] == 5
