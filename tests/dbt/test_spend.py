"""`fct_spend_daily` over the synced sandbox: its rows are the raw leaf usage records, its totals are the
sandbox's own ledger (computed from the sandbox world, never from the warehouse), a parent account is
not counted twice, and the dbt test that leaves add up to Twilio's total passes and can fail."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import psycopg2
import pytest

from tests.conftest import sandbox_config
from twilio_assets.sandbox import World
from twilio_assets.sandbox.products.usage.categories import BY_NAME, LEAVES, TOTAL
from twilio_assets.sandbox.products.usage.ledger import UNITS

from .conftest import Build, query

MODELS = ("stg_twilio__usage_records", "stg_twilio__usage_triggers", "fct_spend_daily")
PASSED = {"success", "pass"}


def relation(build: Build, model: str) -> str:
    node = build.models()[model]
    return f'"{node["schema"]}"."{node["alias"]}"'


def node(build: Build, name: str) -> dict:
    return next(n for n in build.manifest["nodes"].values() if n["name"] == name)


@pytest.fixture(scope="module")
def world() -> World:
    """The sandbox the synced warehouse was read from: same seed, same clock."""
    return World(sandbox_config())


def own_ledger(world: World, account: str, day) -> dict[str, Decimal]:
    """Each category's price for the account's own usage on the day, from the sandbox's ledger."""
    ledger = world.product_for("usage_records").ledger  # type: ignore[union-attr]
    totals = ledger.totals(account, day.toordinal(), world.now_us)
    return {name: Decimal(price) / UNITS for name, (_, _, price) in totals.figures.items()}


def mart_rows(build: Build) -> list[tuple]:
    return query(
        build.warehouse.env,
        f"select instance_name, account_sid, usage_date, category, price, usage_count, usage_amount, "
        f"twilio_total_price, currency, parent_category from {relation(build, 'fct_spend_daily')}",
    )


def test_the_usage_models_and_their_tests_pass(dbt_build: Build):
    ran = {r["unique_id"]: r["status"] for r in dbt_build.results}
    ours = [
        uid
        for uid, n in dbt_build.manifest["nodes"].items()
        if (n["resource_type"] == "model" and n["name"] in MODELS)
        or (n["resource_type"] == "test" and any(dep.split(".")[-1] in MODELS for dep in n["depends_on"]["nodes"]))
    ]
    assert len(ours) > 10
    assert {uid: ran.get(uid) for uid in ours if ran.get(uid) not in PASSED} == {}


def test_mart_rows_are_the_raw_tables_live_leaf_rows(dbt_build: Build):
    warehouse = dbt_build.warehouse
    mart = {(r[0], r[1], r[2], r[3]): r[4:7] for r in mart_rows(dbt_build)}
    raw: dict[tuple, tuple] = {}
    for instance in (warehouse.main, warehouse.copy):
        rows = query(
            warehouse.env,
            f'select account_sid, start_date, category, price, "count", "usage" from "{instance.schema}".usage_records '
            "where _deleted_at is null and category = any(%s) and start_date = end_date",
            (list(LEAVES),),
        )
        raw.update({(instance.name, a, d, c): (p, n, u) for a, d, c, p, n, u in rows})
    assert mart == raw and len(mart) > 0
    assert {r[8] for r in mart_rows(dbt_build)} == {"USD"}


def test_the_tree_in_dbt_places_every_sandbox_category_as_the_sandbox_does(dbt_build: Build):
    placed = query(
        dbt_build.warehouse.env,
        "select distinct category, parent_category, is_leaf_category, is_known_category "
        f"from {relation(dbt_build, 'stg_twilio__usage_records')}",
    )
    assert {c: (p, leaf, known) for c, p, leaf, known in placed} == {
        name: (category.parent, name in LEAVES, True) for name, category in BY_NAME.items()
    }


def test_mart_totals_equal_the_sandbox_ledger_per_account_day_and_category(dbt_build: Build, world: World):
    by_day: dict[tuple, dict[str, Decimal]] = defaultdict(dict)
    totals: dict[tuple, set] = defaultdict(set)
    for instance, account, day, category, price, _, _, twilio_total, _, _ in mart_rows(dbt_build):
        by_day[(instance, account, day)][category] = price
        totals[(instance, account, day)].add(twilio_total)
    synced_days = {day for _, _, day in by_day}
    assert synced_days == set(world.days()), "the mart covers every sandbox day"
    for (instance, account, day), prices in by_day.items():
        ledger = own_ledger(world, account, day)
        assert prices == {leaf: ledger[leaf] for leaf in LEAVES}, (instance, account, day)
        assert sum(prices.values()) == ledger[TOTAL] > 0
        assert totals[(instance, account, day)] == {ledger[TOTAL]}, "Twilio's total, once per account and day"


def test_a_parent_account_is_not_counted_twice(dbt_build: Build, world: World):
    main = world.config.main_account_sid
    subaccounts = world.config.subaccount_sids
    spend: dict[tuple, Decimal] = defaultdict(Decimal)
    for instance, account, day, _, price, *_ in mart_rows(dbt_build):
        spend[(instance, account, day)] += price
    main_days = {(i, d): s for (i, a, d), s in spend.items() if a == main}
    assert main_days, "the synced warehouse holds the main account's usage"
    for (instance, day), total in main_days.items():
        own = own_ledger(world, main, day)[TOTAL]
        rolled_up = own + sum(own_ledger(world, sub, day)[TOTAL] for sub in subaccounts)
        # What Twilio's default (IncludeSubaccounts=true) would have stored for the parent.
        assert subaccounts and rolled_up > own
        assert total == own, (instance, day)
        # And every account in the mart adds its own spend only, so the accounts together never
        # exceed the roll-up.
        accounts_total = sum(s for (i, a, d), s in spend.items() if i == instance and d == day)
        assert accounts_total <= rolled_up


def test_the_reconciliation_test_fails_when_a_leaf_is_off(dbt_build: Build):
    """The dbt test's own SQL, run in a transaction where one leaf's price is wrong: it reports that
    account and day, and nothing once the change is rolled back."""
    compiled = node(dbt_build, "assert_spend_adds_up_to_twilio_total")["compiled_code"]
    mart = relation(dbt_build, "fct_spend_daily")
    env = dbt_build.warehouse.env
    connection = psycopg2.connect(
        host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"], password=env["PGPASSWORD"], dbname=env["PGDATABASE"]
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"select count(*) from ({compiled}) as failures")
            assert cursor.fetchone()[0] == 0
            cursor.execute(
                f"update {mart} set price = price + 0.02 where spend_key = (select min(spend_key) from {mart}) "
                "returning instance_name, account_sid, usage_date"
            )
            changed = cursor.fetchone()
            cursor.execute(f"select instance_name, account_sid, usage_date from ({compiled}) as failures")
            assert cursor.fetchall() == [changed]
        connection.rollback()
    finally:
        connection.close()
