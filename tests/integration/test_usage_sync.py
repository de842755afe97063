"""Usage records and triggers through the real engine: sandbox over HTTP into PostgreSQL.

Expected rows come from the sandbox's oracle (its own ledger), never from the engine or catalogue.
Twilio rates usage late: a day's rows change for hours after it ends. The 3-hour ticks with the
default lookback re-read each day until well after it settles, and each tick leaves the re-read
days exactly as the sandbox serves them; a re-run changes nothing; and the accounts, each read with
`IncludeSubaccounts=false`, add up to what the parent alone reports with subaccounts included.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import requests

from tests.conftest import TEST_NOW, connect, sandbox_config
from twilio_assets.catalog import BY_NAME
from twilio_assets.instances import DEFAULT_LOOKBACK_DAYS
from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.products.usage.categories import LEAVES, TOTAL
from twilio_assets.sandbox.products.usage.ledger import SETTLED_AFTER
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.sync import Window, sync_collection
from twilio_assets.twilio_api import BasicAuth, Hosts, InFlightLimit, TwilioClient

pytestmark = pytest.mark.integration

RECORDS, TRIGGERS = BY_NAME["usage_records"], BY_NAME["usage_triggers"]
UTC = dt.UTC


def sync(server, env, collection, first: dt.date, last: dt.date, accounts: list[str]):
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
        collection=collection,
        window=Window.for_days(first, last),
        accounts=accounts,
        main_account_sid=config.main_account_sid,
        run_id="test",
    )


def stored(env, collection, days: list[dt.date] | None = None) -> dict[str, dict]:
    """Live rows by primary key (for usage records, those of `days` when given)."""
    where, params = "where _deleted_at is null", ()
    if days is not None and collection is RECORDS:
        where += " and start_date = any(%s)"
        params = (days,)
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute(f'select "{collection.primary_key}", _raw from twilio."{collection.name}" {where}', params)
        return dict(cursor.fetchall())


def keyed(records) -> dict[str, dict]:
    return {"|".join(r[f] for f in ("account_sid", "category", "start_date", "end_date")): r for r in records}


def expected(world, accounts, days=None) -> dict[str, dict]:
    return keyed(expected_records(world, "usage_records", accounts, days))


def test_ticks_with_the_default_lookback_follow_late_rating_to_the_final_figures(warehouse):
    with SandboxServer(sandbox_config()) as server:
        world, config = server.world, server.config
        accounts = [config.main_account_sid, *config.subaccount_sids]
        first_day, today = world.first_day, world.now.date()

        # The backfill of every sandbox day: the warehouse holds exactly what the sandbox serves.
        result = sync(server, warehouse, RECORDS, first_day, today, accounts)
        assert stored(warehouse, RECORDS) == expected(world, accounts) != {}
        assert not result.mismatched_parts, result.parts
        triggers = sync(server, warehouse, TRIGGERS, first_day, today, accounts)
        assert stored(warehouse, TRIGGERS) == {
            r["sid"]: r for r in expected_records(world, "usage_triggers", accounts, None)
        }
        assert triggers.fetched > 0

        # Ticks every 3 hours until the day after tomorrow, each re-reading today and the lookback days.
        moment = TEST_NOW
        seen_after_midnight: list[dict[str, dict]] = []
        while moment < dt.datetime.combine(today + dt.timedelta(days=2), dt.time(), UTC):
            moment = world.advance(3 * 3600)
            tick_today = moment.date()
            window = [tick_today - dt.timedelta(days=k) for k in range(DEFAULT_LOOKBACK_DAYS, -1, -1)]
            result = sync(server, warehouse, RECORDS, window[0], window[-1], accounts)
            assert stored(warehouse, RECORDS, window) == expected(world, accounts, window), f"tick {moment}"
            assert not result.mismatched_parts, (moment, result.parts)
            if tick_today == today + dt.timedelta(days=1):
                seen_after_midnight.append(stored(warehouse, RECORDS, [today]))
            sync(server, warehouse, TRIGGERS, window[0], window[-1], accounts)
            assert stored(warehouse, TRIGGERS) == {
                r["sid"]: r for r in expected_records(world, "usage_triggers", accounts, None)
            }, f"tick {moment}"

        # `today` (the first clock's day) kept changing after it ended: late rating, caught by the lookback.
        distinct = {tuple(sorted((k, r["price"], r["as_of"]) for k, r in rows.items())) for rows in seen_after_midnight}
        assert len(distinct) > 1, "no row of the day changed after midnight: late rating went untested"
        settle_deadline = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), UTC) + dt.timedelta(
            microseconds=SETTLED_AFTER
        )
        assert moment > settle_deadline
        # Every day that has settled is final in the warehouse, and exactly Twilio's.
        settled = [d for d in world.days() if d <= today]
        assert stored(warehouse, RECORDS, settled) == expected(world, accounts, settled)
        assert stored(warehouse, RECORDS) == expected(world, accounts)

        # Running the last tick again changes nothing.
        before = _changed_at(warehouse)
        window = [moment.date() - dt.timedelta(days=1), moment.date()]
        again = sync(server, warehouse, RECORDS, window[0], window[-1], accounts)
        assert (again.inserted, again.updated, again.deleted, again.revived) == (0, 0, 0, 0)
        assert again.unchanged == again.fetched > 0
        assert _changed_at(warehouse) == before


def _changed_at(env) -> dict[str, dt.datetime]:
    with connect(env) as connection, connection.cursor() as cursor:
        cursor.execute("select usage_key, _last_changed_at from twilio.usage_records")
        return dict(cursor.fetchall())


def test_accounts_read_without_subaccounts_add_up_to_the_parents_rolled_up_total(warehouse):
    with SandboxServer(sandbox_config()) as server:
        world, config = server.world, server.config
        main, subs = config.main_account_sid, config.subaccount_sids
        days = world.days()
        sync(server, warehouse, RECORDS, days[0], days[-1], [main, *subs])
        with connect(warehouse) as connection, connection.cursor() as cursor:
            cursor.execute(
                "select start_date, account_sid, sum(price) filter (where category = any(%s)), "
                "sum(price) filter (where category = %s) from twilio.usage_records group by 1, 2",
                (list(LEAVES), TOTAL),
            )
            sums = {(day, account): (leaves, total) for day, account, leaves, total in cursor.fetchall()}
        session = requests.Session()
        session.auth = (main, config.auth_token)
        for day in days:
            # What Twilio answers for the parent by default (IncludeSubaccounts=true): everyone's usage.
            rolled_up = session.get(
                f"{server.base_url}/2010-04-01/Accounts/{main}/Usage/Records/Daily.json",
                params={"StartDate": day.isoformat(), "EndDate": day.isoformat(), "Category": TOTAL},
                timeout=30,
            ).json()["usage_records"]
            assert len(rolled_up) == 1
            parent_alone = sums[(day, main)]
            everyone = [sums[(day, account)] for account in [main, *subs]]
            # Each account's leaves add up to its own total, and the accounts add up to the roll-up.
            assert all(leaves == total for leaves, total in everyone)
            assert sum(total for _, total in everyone) == Decimal(str(rolled_up[0]["price"]))
            # The parent's stored row is its own usage only, well below the rolled-up figure.
            assert parent_alone[1] < Decimal(str(rolled_up[0]["price"]))
