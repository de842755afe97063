"""SIP trunks (trunking.twilio.com/v1, served under /trunking): the list against the official spec, the
main account's trunks being created, changed and deleted as the clock passes those moments, subaccounts
without trunks getting an empty list, paging, Twilio's SDK reading the list, and the oracle."""

from __future__ import annotations

import copy
import json
from urllib.parse import urlsplit

import pytest
from openapi_core.validation.response.exceptions import InvalidData
from sandbox_client import NOW, Api
from sandbox_moments import at
from sandbox_spec import validate

from twilio_assets.sandbox.oracle import expected_records

TRUNKS = "/trunking/v1/Trunks"


@pytest.fixture
def trunks(world, main_sid):
    """The main account's planned trunks: (head office, backup, contact center)."""
    planned = world.product_for("trunks").of_account(main_sid)
    by_name = {t.friendly_name: t for t in planned}
    return by_name["Head office PBX"], by_name["Backup carrier"], by_name["Contact center"]


def listed(client: Api) -> dict[str, dict]:
    return {t["sid"]: t for t in client.all(TRUNKS, "trunks")}


def test_the_list_conforms_on_every_page_and_in_every_state(api, sub_api, admin, trunks):
    _, backup, contact = trunks
    moments = [at(contact.created, 1), at(contact.records_from, 1), at(backup.deleted_at, 1), NOW]
    for instant in sorted(moments):
        admin.set_now(instant)
        for client in (api, sub_api):
            for page in client.pages(TRUNKS, {"PageSize": 1}):
                validate(page)
    assert sub_api.get(TRUNKS).json()["trunks"] == []  # validated above: an empty list conforms too


def test_a_tampered_page_fails_the_spec(api):
    good = api.get(TRUNKS, {"PageSize": 1})
    validate(good)
    tamperings = {
        "missing property": lambda rec: rec.pop("domain_name"),
        "undocumented property": lambda rec: rec.update(status="active"),
        "unknown transfer_mode": lambda rec: rec.update(transfer_mode="sometimes"),
        "bad SID": lambda rec: rec.update(sid="TK1"),
        "string where the spec says boolean": lambda rec: rec.update(secure="yes"),
    }
    for name, tamper in tamperings.items():
        bad = copy.copy(good)
        body = good.json()
        tamper(body["trunks"][0])
        bad._content = json.dumps(body).encode()
        with pytest.raises(InvalidData):
            validate(bad)
            pytest.fail(f"the spec accepted a trunk with this change: {name}")


def test_trunks_are_created_changed_and_deleted_as_the_clock_moves(api, admin, trunks):
    head, backup, contact = trunks
    admin.set_now(at(min(contact.created, backup.deleted_at), -1))
    before = listed(api)
    assert {head.sid, backup.sid} <= before.keys()
    if contact.created > backup.deleted_at:
        assert contact.sid not in before

    admin.set_now(at(contact.created, -1))
    assert contact.sid not in listed(api)
    admin.set_now(at(contact.created, 1))
    fresh = listed(api)[contact.sid]
    assert fresh["recording"] == {"mode": "do-not-record", "trim": "do-not-trim"}
    assert fresh["date_updated"] == fresh["date_created"]

    admin.set_now(at(contact.records_from, 1))
    changed = listed(api)[contact.sid]
    assert changed["recording"]["mode"] == "record-from-answer" and changed["date_updated"] > changed["date_created"]

    admin.set_now(at(backup.deleted_at, -1))
    assert backup.sid in listed(api)
    admin.set_now(at(backup.deleted_at, 1))
    assert backup.sid not in listed(api) and head.sid in listed(api)


def test_only_the_calling_accounts_trunks_and_subaccounts_have_none(api, key_api, server, config, main_sid):
    assert {t["account_sid"] for t in api.all(TRUNKS, "trunks")} == {main_sid}
    assert listed(key_api) == listed(api)
    for nick in config.nicknames[1:]:
        sub = Api(server.base_url, auth=(config.account_sid_of(nick), config.account_auth_token(nick)))
        response = sub.get(TRUNKS)
        assert response.status_code == 200 and response.json()["trunks"] == []
        assert response.json()["meta"]["key"] == "trunks"


def test_paging_is_newest_first_and_complete(api, admin, trunks):
    _, backup, contact = trunks
    # All three at once when the contact center's trunk comes before the backup's deletion.
    admin.set_now(at(contact.created, 1) if contact.created < backup.deleted_at else NOW)
    whole = api.get(TRUNKS, {"PageSize": 1000}).json()["trunks"]
    assert len(whole) >= 2
    pages = api.pages(TRUNKS, {"PageSize": 1})
    assert len(pages) == len(whole)
    assert [t["sid"] for p in pages for t in p.json()["trunks"]] == [t["sid"] for t in whole]
    assert [t["date_created"] for t in whole] == sorted((t["date_created"] for t in whole), reverse=True)


def test_the_sdk_and_the_oracle_agree_with_the_list(api, config, server, world, main_sid):
    pytest.importorskip("twilio", reason="the twilio SDK is a dev dependency")
    from test_sandbox_sdk import SandboxHttpClient, _check
    from twilio.rest import Client

    http = SandboxHttpClient(server.base_url)
    client = Client(config.main_account_sid, config.auth_token, http_client=http)
    expected = list(expected_records(world, "trunks", [main_sid]))
    _check(client.trunking.v1.trunks.list(page_size=1), expected)
    assert http.hosts == {"trunking.twilio.com", urlsplit(server.base_url).netloc}
    assert api.all(TRUNKS, "trunks") == expected
    assert list(expected_records(world, "trunks", config.subaccount_sids)) == []
