"""Each fault knob produces its fault; decisions are deterministic from the seed."""

from __future__ import annotations

import base64
import http.client
import socket
import threading
import time

import pytest
import requests
from sandbox_client import NOW, Admin, Api, v2010

from twilio_assets.sandbox import SandboxConfig, SandboxServer


def _served(admin: Admin) -> dict:
    return admin.info()["faults_served"]


def test_latency_is_added_to_every_request(api, admin, main_sid):
    admin.faults(latency_ms=300)
    started = time.perf_counter()
    assert api.get(v2010(main_sid, "Calls")).status_code == 200
    assert time.perf_counter() - started >= 0.3
    assert _served(admin)["latency"] == 1
    # Admin endpoints stay fast and fault-free.
    started = time.perf_counter()
    admin.info()
    assert time.perf_counter() - started < 0.3


def test_concurrency_limit_answers_429_above_the_limit(server, admin, config, main_sid):
    admin.faults(concurrency_limit=2, latency_ms=400)
    results = []

    def call():
        client = Api(server.base_url, auth=(main_sid, config.auth_token))
        results.append(client.get(v2010(main_sid, "Calls")))

    threads = [threading.Thread(target=call) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in results)
    assert statuses.count(200) >= 1 and statuses.count(429) >= 1, statuses
    limited = next(r for r in results if r.status_code == 429)
    assert limited.json() == {
        "code": 20429,
        "message": "Too Many Requests",
        "more_info": "https://www.twilio.com/docs/errors/20429",
        "status": 429,
    }
    assert int(limited.headers["Twilio-Concurrent-Requests"]) > 2
    assert _served(admin)["concurrency"] == statuses.count(429)


def test_sequential_requests_never_hit_the_concurrency_limit(api, admin, main_sid):
    admin.faults(concurrency_limit=1)
    assert all(api.get(v2010(main_sid, "Calls"), {"PageSize": 1}).status_code == 200 for _ in range(30))


def test_rate_429_without_and_with_retry_after(api, admin, main_sid):
    admin.faults(rate_429=1.0)
    r = api.get(v2010(main_sid, "Calls"))
    assert r.status_code == 429 and r.json()["code"] == 20429
    assert "Retry-After" not in r.headers  # Twilio documents none
    admin.faults(retry_after=7)
    r = api.get(v2010(main_sid, "Calls"))
    assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    assert _served(admin)["429"] == 2


def test_rate_5xx_answers_500_or_503_with_a_twilio_body(api, admin, main_sid):
    admin.faults(rate_5xx=1.0)
    seen = set()
    for page in range(12):
        r = api.get(v2010(main_sid, "Calls"), {"Page": page})
        assert r.status_code in (500, 503)
        assert r.json() == {
            "code": 20000 + r.status_code,
            "message": r.json()["message"],
            "more_info": f"https://www.twilio.com/docs/errors/{20000 + r.status_code}",
            "status": r.status_code,
        }
        seen.add(r.status_code)
    assert seen == {500, 503}
    assert _served(admin)["5xx"] == 12


def test_rate_reset_closes_the_connection_without_a_response(server, admin, config, main_sid):
    admin.faults(rate_reset=1.0)
    with pytest.raises(requests.ConnectionError):
        requests.get(server.base_url + v2010(main_sid, "Calls"), auth=(main_sid, config.auth_token), timeout=5)
    # At the socket level: no status line ever arrives.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", v2010(main_sid, "Calls"))
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected, ConnectionAbortedError)):
        conn.getresponse()
    assert _served(admin)["reset"] == 2


def test_slow_responses_exceed_a_client_timeout(api, admin, main_sid):
    admin.faults(rate_slow=1.0, slow_ms=1200)
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.get(v2010(main_sid, "Calls"), timeout=0.3)
    started = time.perf_counter()
    assert api.get(v2010(main_sid, "Messages"), timeout=5).status_code == 200
    assert time.perf_counter() - started >= 1.2
    assert _served(admin)["slow"] == 2


def test_truncated_bodies_announce_the_full_length(server, admin, api, config, main_sid):
    admin.faults(rate_truncate=1.0)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        api.get(v2010(main_sid, "Calls"))
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        token = base64.b64encode(f"{main_sid}:{config.auth_token}".encode()).decode()
        sock.sendall(
            f"GET {v2010(main_sid, 'Calls')} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {token}\r\n\r\n".encode()
        )
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    length = int(
        next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    )
    assert head.startswith(b"HTTP/1.1 200") and 0 < len(body) < length
    assert _served(admin)["truncate"] == 2


def test_token_ttl_knob(server, admin, config):
    admin.faults(token_ttl_seconds=42)
    r = requests.post(
        server.base_url + "/v2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": config.oauth_client_id,
            "client_secret": config.oauth_client_secret,
        },
    )
    assert r.json()["expires_in"] == 42


def _outcomes(seed: int, n: int = 60) -> list[int]:
    cfg = SandboxConfig(now=NOW, seed=seed, rate_429=0.3, rate_5xx=0.2)
    with SandboxServer(cfg) as server:
        api = Api(server.base_url, auth=(cfg.main_account_sid, cfg.auth_token))
        return [api.get(v2010(cfg.main_account_sid, "Calls"), {"PageSize": 1}).status_code for _ in range(n)]


def test_fault_decisions_are_deterministic_from_the_seed():
    first, again, other = _outcomes(7), _outcomes(7), _outcomes(8)
    assert first == again
    assert first != other
    share_429 = first.count(429) / len(first)
    share_5xx = sum(s >= 500 for s in first) / len(first)
    assert 0.1 < share_429 < 0.5 and 0.05 < share_5xx < 0.4 and first.count(200) > 10


def test_knobs_from_config_and_validation_of_changes(admin):
    assert admin.faults(rate_429=2).status_code == 400
    assert admin.faults(jitter=1).status_code == 400
    assert admin.faults(latency_ms="slow").status_code == 400
    cfg = SandboxConfig(now=NOW, rate_429=1.0)
    with SandboxServer(cfg) as server:
        r = Api(server.base_url, auth=(cfg.main_account_sid, cfg.auth_token)).get("/2010-04-01/Accounts.json")
        assert r.status_code == 429
        assert Admin(server).info()["faults"]["rate_429"] == 1.0


def _concurrently(server, config, account: str, n: int) -> list[requests.Response]:
    results: list[requests.Response] = []
    start = threading.Barrier(n)

    def call():
        client = Api(server.base_url, auth=(config.main_account_sid, config.auth_token))
        start.wait()
        results.append(client.get(v2010(account, "Calls"), {"PageSize": 1}))

    threads = [threading.Thread(target=call) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_peak_inflight_and_requests_per_account(server, admin, config, main_sid, sub_sid):
    admin.faults(concurrency_limit=2, latency_ms=400)
    results = _concurrently(server, config, main_sid, 5)
    depths = [int(r.headers["Twilio-Concurrent-Requests"]) for r in results]
    info = admin.info()
    # The peak is the deepest any request found the account at when it arrived (the header says so).
    assert info["peak_inflight"][main_sid] == max(depths) >= 3
    assert info["requests"][main_sid] == 5, "429s are requests too"
    assert sub_sid not in info["peak_inflight"]
    assert sum(r.status_code == 429 for r in results) == info["faults_served"]["concurrency"]

    # A reset starts afresh; the other account's counters are its own.
    assert admin.faults(reset_counters=True, latency_ms=0).status_code == 200
    info = admin.info()
    assert info["peak_inflight"] == {} and info["requests"] == {} and info["faults_served"] == {}
    assert info["faults"]["latency_ms"] == 0 and info["faults"]["concurrency_limit"] == 2
    api = Api(server.base_url, auth=(config.main_account_sid, config.auth_token))
    for _ in range(3):
        assert api.get(v2010(sub_sid, "Messages"), {"PageSize": 1}).status_code == 200
    info = admin.info()
    assert info["peak_inflight"] == {sub_sid: 1} and info["requests"] == {sub_sid: 3}
    current = requests.get(server.base_url + "/__sandbox__/faults", timeout=10).json()
    assert current["peak_inflight"] == {sub_sid: 1} and current["requests"] == {sub_sid: 3}


def test_insights_and_anonymous_requests_are_counted_by_account(server, admin, config, api, anon, main_sid, sub_sid):
    admin.faults(reset_counters=True)
    assert api.get("/v1/Voice/Summaries").status_code == 200
    assert api.get("/v1/Conferences", {"Subaccount": sub_sid}).status_code == 200
    assert anon.get("/v1/Voice/Summaries").status_code == 401
    info = admin.info()
    assert info["requests"] == {main_sid: 1, sub_sid: 1, "unauthenticated": 1}
    assert config.auth_token not in str(info) and "Basic" not in str(info)


def test_reset_counters_must_be_a_boolean_and_a_bad_knob_resets_nothing(api, admin, main_sid):
    assert api.get(v2010(main_sid, "Calls"), {"PageSize": 1}).status_code == 200
    assert admin.faults(reset_counters="yes").status_code == 400
    assert admin.faults(reset_counters=True, jitter=1).status_code == 400
    assert admin.info()["requests"] == {main_sid: 1}
    assert admin.faults(reset_counters=False).status_code == 200
    assert admin.info()["requests"] == {main_sid: 1}
