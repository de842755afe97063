"""The raw assets' checks fail when something is really wrong, and pass when it is not."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest

from tests.conftest import connect, sandbox_config
from tests.integration.test_engine import CALLS, DAY, call, page, rfc, run
from tests.support.scripted_server import Reply, ScriptedServer
from twilio_assets.catalog import BY_NAME
from twilio_assets.defs.freshness import build_freshness_check
from twilio_assets.defs.raw_assets import _listed_equals_stored
from twilio_assets.defs.resources import WarehouseResource
from twilio_assets.instances import Instance
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.sync import Window, sync_collection
from twilio_assets.twilio_api import BasicAuth, Hosts, TwilioClient

pytestmark = pytest.mark.integration


def test_listed_equals_stored_passes_when_each_day_holds_what_twilio_listed(warehouse):
    with ScriptedServer() as server:
        server.script(CALLS, Reply(body=page("calls", [call(1), call(2)])))
        result = run(server, warehouse, BY_NAME["calls"], Window.for_days(DAY, DAY))
    check = _listed_equals_stored(result)
    assert check.passed and result.parts == {DAY.isoformat(): (2, 2)}


def test_listed_equals_stored_fails_when_a_listed_record_lands_outside_its_day(warehouse):
    # Twilio's StartTime filter and the stored start_time disagree (a time-zone slip, say): the record
    # is stored, but not under the day it was listed for, so that day is incomplete.
    slipped = call(2, start_time=rfc(DAY - dt.timedelta(days=1), 23))
    with ScriptedServer() as server:
        server.script(CALLS, Reply(body=page("calls", [call(1), slipped])))
        result = run(server, warehouse, BY_NAME["calls"], Window.for_days(DAY, DAY))
    check = _listed_equals_stored(result)
    assert not check.passed
    assert result.mismatched_parts == {DAY.isoformat(): (2, 1)}
    assert DAY.isoformat() in check.description and "listed 2, stored 1" in check.description


def test_listed_equals_stored_fails_when_a_record_has_no_day_at_all(warehouse):
    with ScriptedServer() as server:
        server.script(CALLS, Reply(body=page("calls", [call(1), call(3, start_time="")])))
        result = run(server, warehouse, BY_NAME["calls"], Window.for_days(DAY, DAY))
    assert not _listed_equals_stored(result).passed


def _freshness(warehouse_env: dict[str, str]) -> dg.AssetCheckResult:
    instance = Instance(name="twilio", schema="twilio", lookback_days=0, collection_names=("calls",))
    check = build_freshness_check(
        instance, BY_NAME["calls"], dg.AssetKey(["twilio", "calls"]), dt.timedelta(hours=3, minutes=30)
    )
    resource = WarehouseResource(
        host=warehouse_env["PGHOST"],
        port=int(warehouse_env["PGPORT"]),
        user=warehouse_env["PGUSER"],
        password=warehouse_env.get("PGPASSWORD"),
        dbname=warehouse_env["PGDATABASE"],
    )
    return check(dg.build_asset_check_context(resources={"warehouse": resource}))


def test_recent_days_synced_fails_until_today_is_synced_and_again_once_the_sync_is_old(warehouse):
    assert not _freshness(warehouse).passed  # nothing synced yet
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with SandboxServer(sandbox_config(now=now, days=1, subaccounts=0)) as server:
        config = server.config
        client = TwilioClient(
            BasicAuth(config.main_account_sid, config.auth_token, "t"), Hosts.build(base_url=server.base_url)
        )
        sync_collection(
            client=client,
            connect=lambda: connect(warehouse),
            schema="twilio",
            collection=BY_NAME["calls"],
            window=Window.for_days(now.date(), now.date()),
            accounts=[config.main_account_sid],
            main_account_sid=config.main_account_sid,
            run_id="t",
        )
    assert _freshness(warehouse).passed
    with connect(warehouse) as connection, connection.cursor() as cursor:
        cursor.execute("update twilio._twilio_sync_log set finished_at = finished_at - interval '4 hours'")
    stale = _freshness(warehouse)
    assert not stale.passed and now.date().isoformat() in stale.description and "schedule" in stale.description
