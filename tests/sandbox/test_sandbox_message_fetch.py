"""GET /2010-04-01/Accounts/{AC}/Messages/{SM|MM}.json: the current record, or Twilio's 404."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sandbox_client import Api, v2010
from sandbox_moments import at, messages

from twilio_assets.sandbox import SandboxConfig, SandboxServer

DAY = datetime(2025, 3, 9).date()


def _path(account: str, sid: str) -> str:
    return f"/2010-04-01/Accounts/{account}/Messages/{sid}.json"


def _is_not_found(response, path: str) -> None:
    assert response.status_code == 404
    assert response.json() == {
        "code": 20404,
        "message": f"The requested resource {path} was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "status": 404,
    }


def test_every_listed_message_fetches_as_listed(api, key_api, world):
    for account in world.account_nicknames.values():
        listed = api.all(v2010(account, "Messages"), "messages", {"PageSize": 1000})
        assert {r["status"] for r in listed} >= {"scheduled", "delivered", "received"}
        assert {r["sid"][:2] for r in listed} == {"SM", "MM"}
        for record in listed:
            got = api.get(_path(account, record["sid"]))
            assert got.status_code == 200 and got.json() == record
        # The API key reaches subaccounts here as on the lists.
        assert key_api.get(_path(account, listed[-1]["sid"])).json() == listed[-1]


def test_unknown_foreign_future_and_deleted_sids_are_not_found(api, sub_api, admin, world, main_sid, sub_sid):
    for sid in ("SM" + "0" * 32, "MM" + "f" * 32, "SM" + "0123456789abcdef" * 2):
        _is_not_found(api.get(_path(main_sid, sid)), _path(main_sid, sid))
    # A subaccount's message under the main account's path, and the other way round.
    theirs = next(iter(world.records(sub_sid, "messages")))["sid"]
    _is_not_found(api.get(_path(main_sid, theirs)), _path(main_sid, theirs))
    assert api.get(_path(sub_sid, theirs)).status_code == 200
    ours = next(iter(world.records(main_sid, "messages")))["sid"]
    assert sub_api.get(_path(main_sid, ours)).status_code == 401
    # Same SID with the other prefix is another message, which does not exist.
    swapped = ("MM" if ours.startswith("SM") else "SM") + ours[2:]
    _is_not_found(api.get(_path(main_sid, swapped)), _path(main_sid, swapped))

    deleted = next(m for m in messages(world, main_sid, DAY) if m.gone_at is not None)
    admin.set_now(at(deleted.created, -1))
    _is_not_found(api.get(_path(main_sid, deleted.sid)), _path(main_sid, deleted.sid))
    admin.set_now(at(deleted.gone_at, -1))
    assert api.get(_path(main_sid, deleted.sid)).json()["sid"] == deleted.sid
    admin.set_now(at(deleted.gone_at, 0))
    _is_not_found(api.get(_path(main_sid, deleted.sid)), _path(main_sid, deleted.sid))


def test_malformed_sids_and_other_methods():
    cfg = SandboxConfig(now=datetime(2025, 3, 10, 12, tzinfo=UTC), subaccounts=0)
    with SandboxServer(cfg) as server:
        api = Api(server.base_url, auth=(cfg.main_account_sid, cfg.auth_token))
        for sid in ("SM123", "CA" + "0" * 32, "SM" + "g" * 32):
            path = _path(cfg.main_account_sid, sid)
            _is_not_found(api.get(path), path)
        sid = next(iter(server.world.records(cfg.main_account_sid, "messages")))["sid"]
        r = api.session.delete(server.base_url + _path(cfg.main_account_sid, sid))
        assert r.status_code == 405 and r.json()["code"] == 20004


def test_fetch_is_quick_in_a_day_of_a_million_messages():
    cfg = SandboxConfig(
        now=datetime(2025, 3, 10, 23, 59, 59, tzinfo=UTC), days=1, subaccounts=0, messages_per_day=1_000_000
    )
    with SandboxServer(cfg) as server:
        main = cfg.main_account_sid
        api = Api(server.base_url, auth=(main, cfg.auth_token))
        # Messages from early in the day: the newest at or before 06:00 (a cheap cut, unlike a deep Page offset).
        deep = api.get(
            v2010(main, "Messages"), {"DateSent": "2025-03-10", "DateSent<": "2025-03-10T06:00:00Z", "PageSize": 3}
        ).json()
        assert len(deep["messages"]) == 3 and deep["messages"][0]["date_sent"].startswith("Mon, 10 Mar 2025 0")
        started = time.perf_counter()
        for record in deep["messages"]:
            assert api.get(_path(main, record["sid"])).json() == record
        assert time.perf_counter() - started < 1.0
