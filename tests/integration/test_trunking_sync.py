"""SIP trunks synced by the real engine from the sandbox over HTTP: exact against the oracle, then again
after the clock passes a trunk's creation, a settings change and another trunk's deletion (marked
deleted, not dropped); a re-run changes nothing; subaccounts, which have no trunks, add no rows."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import sandbox_config
from tests.integration.test_messaging_sync import assert_exact, stored, sync
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.sandbox.timefmt import from_us

pytestmark = pytest.mark.integration


def test_trunks_are_created_changed_and_deleted_in_the_warehouse_as_in_twilio(warehouse):
    with SandboxServer(sandbox_config()) as server:
        world, config = server.world, server.config
        trunks = {t.friendly_name: t for t in world.product_for("trunks").of_account(config.main_account_sid)}
        backup, contact = trunks["Backup carrier"], trunks["Contact center"]
        days = (config.first_day, world.now.date())

        # Before the contact center's trunk exists and while the backup trunk still does.
        world.set_now(from_us(min(contact.created, backup.deleted_at)) - dt.timedelta(seconds=1))
        first = sync(server, warehouse, "trunks", *days)
        assert first.inserted == len(assert_exact(server, warehouse, "trunks"))
        assert backup.sid in stored(warehouse, "trunks")[0]

        # After all three moments.
        world.set_now(from_us(max(contact.records_from, backup.deleted_at)) + dt.timedelta(seconds=1))
        second = sync(server, warehouse, "trunks", *days)
        live = assert_exact(server, warehouse, "trunks")
        _, deleted = stored(warehouse, "trunks")
        assert deleted == {backup.sid} and second.deleted == 1
        assert live[contact.sid]["recording"]["mode"] == "record-from-answer"
        assert contact.sid in live

        again = sync(server, warehouse, "trunks", *days)
        assert (again.inserted, again.updated, again.deleted, again.revived) == (0, 0, 0, 0)
        assert again.unchanged == again.fetched == len(live)
        assert {r["account_sid"] for r in live.values()} == {config.main_account_sid}
