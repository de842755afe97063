"""Verify services and attempts through the real engine: sandbox over HTTP into PostgreSQL.

Expected rows come from the sandbox's oracle, never from the engine or catalogue. Attempts are priced,
delivered and converted minutes after they are made, and a service is edited: 3-hourly ticks over the
lookback window leave the warehouse equal to Twilio; a re-run changes nothing; each account reads its
own Verify (a subaccount its one service, another subaccount nothing, without an error); and days
beyond the 30 Twilio lists are read as empty, not refused.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import connect, sandbox_config
from twilio_assets.catalog import BY_NAME
from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.sandbox.timefmt import from_us
from twilio_assets.sync import Window, sync_collection
from twilio_assets.twilio_api import BasicAuth, Hosts, InFlightLimit, TwilioClient

pytestmark = pytest.mark.integration

SERVICES, ATTEMPTS = BY_NAME["verify_services"], BY_NAME["verify_attempts"]
UTC = dt.UTC


def sync(server, env, collection, first: dt.date, last: dt.date, account: str, token: str, schema: str = "twilio"):
    """One sync with one account's own credentials (Verify shows a caller its own records only)."""
    client = TwilioClient(
        BasicAuth(account, token, "test"), Hosts.build(base_url=server.base_url), limit=InFlightLimit(4)
    )
    return sync_collection(
        client=client,
        connect=lambda: connect(env),
        schema=schema,
        collection=collection,
        window=Window.for_days(first, last),
        accounts=[account],
        main_account_sid=account,
        run_id="test",
    )


def live(env, collection, days: list[dt.date] | None = None, schema: str = "twilio") -> dict[str, dict]:
    """Live rows by SID; for attempts, those created on `days` when given."""
    where, params = ["_deleted_at is null"], []
    if days is not None:
        start = dt.datetime.combine(min(days), dt.time(), UTC)
        where.append("date_created >= %s and date_created < %s")
        params += [start, start + dt.timedelta(days=len(days))]
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(f'select sid, _raw from {schema}."{collection.name}" where {" and ".join(where)}', params)
        return dict(cursor.fetchall())


def expected(world, collection, account: str, days=None) -> dict[str, dict]:
    return {r["sid"]: r for r in expected_records(world, collection.name, [account], days)}


def test_ticks_follow_prices_deliveries_and_conversions(warehouse):
    with SandboxServer(sandbox_config()) as server:
        world, config = server.world, server.config
        main, token = config.main_account_sid, config.auth_token
        days = world.days()
        # Start the clock just after the day's last converted attempt was delivered: it converts on a later tick.
        product = world.product_for("verify_attempts")
        today = [a for a in product.day(main, days[-1].toordinal()) if a.converted_at is not None]
        world.set_now(from_us(today[-1].delivered_at) + dt.timedelta(seconds=1))

        for collection in (SERVICES, ATTEMPTS):
            sync(server, warehouse, collection, days[0], days[-1], main, token)
        assert live(warehouse, SERVICES) == expected(world, SERVICES, main) != {}
        assert live(warehouse, ATTEMPTS) == expected(world, ATTEMPTS, main) != {}
        pending = {sid for sid, raw in live(warehouse, ATTEMPTS).items() if raw["conversion_status"] == "unconverted"}

        updated = 0
        for _tick in range(6):  # 15:00 ... 06:00 the next day
            moment = world.advance(3 * 3600)
            window = [moment.date() - dt.timedelta(days=1), moment.date()]
            sync(server, warehouse, SERVICES, window[0], window[1], main, token)
            result = sync(server, warehouse, ATTEMPTS, window[0], window[1], main, token)
            assert not result.mismatched_parts, (moment, result.parts)
            updated += result.updated
            assert live(warehouse, SERVICES) == expected(world, SERVICES, main), moment
            assert live(warehouse, ATTEMPTS, window) == expected(world, ATTEMPTS, main, window), moment

        stored = live(warehouse, ATTEMPTS)
        converted = {sid for sid in pending if stored[sid]["conversion_status"] == "converted"}
        assert converted, "no stored attempt was converted after it was first synced"
        assert updated > 0
        assert any(raw["do_not_share_warning_enabled"] for raw in live(warehouse, SERVICES).values())
        with connect(warehouse) as connection, connection.cursor() as cursor:
            cursor.execute("select count(*) from twilio.verify_attempts where price is not null and price_unit = 'usd'")
            assert cursor.fetchone()[0] > 0, "typed price columns read the nested price object"

        before = _changed_at(warehouse)
        window = [moment.date() - dt.timedelta(days=1), moment.date()]
        for collection in (SERVICES, ATTEMPTS):
            again = sync(server, warehouse, collection, window[0], window[1], main, token)
            assert (again.inserted, again.updated, again.deleted, again.revived) == (0, 0, 0, 0), collection.name
            assert again.unchanged == again.fetched > 0
        assert _changed_at(warehouse) == before


def test_each_account_reads_its_own_verify_or_nothing(warehouse):
    with SandboxServer(sandbox_config()) as server:
        world, config = server.world, server.config
        days = world.days()
        # One instance per subaccount, each with its own credentials and schema.
        for nickname in ("sub1", "sub2"):
            account, token, schema = config.account_sid_of(nickname), config.account_auth_token(nickname), nickname
            for collection in (SERVICES, ATTEMPTS):
                result = sync(server, warehouse, collection, days[0], days[-1], account, token, schema)
                assert not result.unreadable and not result.mismatched_parts
                assert live(warehouse, collection, schema=schema) == expected(world, collection, account)
        assert len(live(warehouse, SERVICES, schema="sub1")) == 1 and live(warehouse, ATTEMPTS, schema="sub1")
        assert {r["account_sid"] for r in live(warehouse, ATTEMPTS, schema="sub1").values()} == {
            config.account_sid_of("sub1")
        }
        assert live(warehouse, SERVICES, schema="sub2") == {} == live(warehouse, ATTEMPTS, schema="sub2")


def test_days_beyond_the_30_twilio_lists_are_empty_not_refused(warehouse):
    config = sandbox_config(days=35, subaccounts=0, calls_per_day=1, messages_per_day=1, scheduled_per_day=0)
    with SandboxServer(config) as server:
        world = server.world
        days = world.days()
        result = sync(server, warehouse, ATTEMPTS, days[0], days[-1], config.main_account_sid, config.auth_token)
        assert not result.unreadable
        stored = live(warehouse, ATTEMPTS)
        assert stored == expected(world, ATTEMPTS, config.main_account_sid, days) != {}
        oldest = min(dt.date.fromisoformat(raw["date_created"][:10]) for raw in stored.values())
        assert oldest == days[-1] - dt.timedelta(days=30) > days[0]


def _changed_at(env) -> dict[str, dt.datetime]:
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select sid, _last_changed_at from twilio.verify_attempts union all "
            "select sid, _last_changed_at from twilio.verify_services"
        )
        return dict(cursor.fetchall())
