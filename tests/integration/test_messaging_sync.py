"""Messaging Services and their numbers, synced by the real engine from the sandbox over HTTP into PostgreSQL.

The warehouse equals the sandbox's oracle row for row; as the clock passes the marketing service's
creation, its A2P registration and a number moving to it, a re-sync is exact again (the moved number is
the same row with another service); a re-run changes nothing. The instance's credentials reach its own
account's services only, so no subaccount's service is stored.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import connect, sandbox_config
from twilio_assets.catalog import BY_NAME
from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.sandbox.timefmt import from_us
from twilio_assets.sync import SyncResult, Window, sync_collection
from twilio_assets.twilio_api import BasicAuth, Hosts, InFlightLimit, TwilioClient

pytestmark = pytest.mark.integration

NAMES = ("messaging_services", "messaging_service_phone_numbers")


def sync(server: SandboxServer, env: dict, name: str, first: dt.date, last: dt.date) -> SyncResult:
    """One engine sync of a collection over [first, last] with the main account's credentials."""
    config = server.config
    client = TwilioClient(
        BasicAuth(config.main_account_sid, config.auth_token, "test"),
        Hosts.build(base_url=server.base_url),
        limit=InFlightLimit(4),
    )
    return sync_collection(
        client=client,
        connect=lambda: connect(env),
        schema="twilio",
        collection=BY_NAME[name],
        window=Window.for_days(first, last),
        accounts=[config.main_account_sid],
        main_account_sid=config.main_account_sid,
        run_id="test",
    )


def stored(env: dict, name: str) -> tuple[dict[str, dict], set[str]]:
    """(live rows: key → raw record, keys of rows marked deleted) of a raw table."""
    key = BY_NAME[name].primary_key
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(f'select "{key}", _raw, _deleted_at is not null from twilio."{name}"')
        rows = cursor.fetchall()
    return {k: raw for k, raw, gone in rows if not gone}, {k for k, _, gone in rows if gone}


def expected(server: SandboxServer, name: str, days: list[dt.date] | None = None) -> dict[str, dict]:
    key = BY_NAME[name].primary_key
    return {r[key]: r for r in expected_records(server.world, name, [server.config.main_account_sid], days)}


def assert_exact(server: SandboxServer, env: dict, name: str, days: list[dt.date] | None = None) -> dict:
    live, _ = stored(env, name)
    want = expected(server, name, days)
    assert want, f"the sandbox has no {name}: the comparison would prove nothing"
    assert live.keys() == want.keys(), name
    assert live == want, f"{name}: stored records differ from the sandbox's"
    return live


def test_services_and_numbers_follow_the_clock_exactly_and_idempotently(warehouse):
    with SandboxServer(sandbox_config()) as server:
        world, config = server.world, server.config
        main = config.main_account_sid
        product = world.product_for("messaging_services")
        primary, marketing = product.services_of(main)
        moved = next(n for n in product.numbers_in_services(main) if n.left is not None)
        days = (config.first_day, world.now.date())

        # Before the marketing service exists: one service and its numbers.
        world.set_now(from_us(marketing.created) - dt.timedelta(seconds=1))
        for name in NAMES:
            sync(server, warehouse, name, *days)
            assert_exact(server, warehouse, name)
        services, _ = stored(warehouse, "messaging_services")
        assert set(services) == {primary.sid}
        numbers, _ = stored(warehouse, "messaging_service_phone_numbers")
        assert numbers[moved.number.sid]["service_sid"] == primary.sid

        # Past its creation, its registration and the number's move: exact again.
        world.set_now(from_us(max(marketing.registered_at, moved.left)) + dt.timedelta(seconds=1))
        results = {name: sync(server, warehouse, name, *days) for name in NAMES}
        services = assert_exact(server, warehouse, "messaging_services")
        numbers = assert_exact(server, warehouse, "messaging_service_phone_numbers")
        assert services[marketing.sid]["us_app_to_person_registered"] is True
        assert numbers[moved.number.sid]["service_sid"] == marketing.sid
        assert results["messaging_services"].inserted == 1
        assert results["messaging_service_phone_numbers"].updated >= 1  # the moved number
        assert all(r.deleted == 0 for r in results.values())

        # A re-run changes nothing.
        for name in NAMES:
            again = sync(server, warehouse, name, *days)
            assert (again.inserted, again.updated, again.deleted, again.revived) == (0, 0, 0, 0), name
            assert again.unchanged > 0
            assert_exact(server, warehouse, name)

        # Only the instance's own account: the subaccounts' services need their own credentials.
        assert {r["account_sid"] for r in stored(warehouse, "messaging_services")[0].values()} == {main}
        for sub in config.subaccount_sids:
            assert world.account(sub).messaging_service_sid not in services
