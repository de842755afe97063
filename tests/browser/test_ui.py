"""The Dagster UI as a developer uses it after `make dev`, driven through Debian's Chromium.

One test per touchpoint, each saving a screenshot per step under test-artifacts/screenshots/:
the asset graph grouped by instance and layer; materializing one partition of a collection and
seeing its row count; turning the 3-hour schedule on and off; following a dbt model's docs link to
the dbt docs lineage graph. Every wait is for real state (a run's status, the schedule's stored
state, a rendered graph), bounded, never a sleep.
"""

from __future__ import annotations

import re
import time

import psycopg2
import pytest
import requests
from playwright.sync_api import Page, expect

from twilio_assets.catalog import ALL_COLLECTIONS

pytestmark = pytest.mark.browser

RAW_GROUP = "raw_twilio"  # the default instance `twilio`; one group per product: raw_twilio__voice, ...
PRODUCTS = sorted({collection.product for collection in ALL_COLLECTIONS})
LAYERS = ("staging", "linkage", "marts")
SCHEDULE = "twilio_sync_every_3_hours"
COLLECTION = "calls"
DBT_MODEL = "fct_calls"  # a mart: its lineage reaches several raw sources

UI_TIMEOUT = 60_000  # ms: the first page of a fresh context compiles a lot of JavaScript on 2 cores
RUN_TIMEOUT = 240_000  # ms: queue, start a run process, sync one day from the sandbox


def open_ui(page: Page, stack, path: str) -> None:
    page.goto(f"{stack.url}{path}")
    # The app shell is up once the left navigation renders.
    expect(page.get_by_role("link", name="Lineage")).to_be_visible(timeout=UI_TIMEOUT)


# ---------------------------------------------------------------------------------------------------


def test_asset_graph_groups_assets_by_instance_and_layer(page: Page, ui_stack, shot):
    open_ui(page, ui_stack, "/asset-groups")
    expect(page.get_by_text("Global asset lineage")).to_be_visible()
    sidebar_rows = page.locator("[data-index]")

    # The groups are collapsed boxes in the graph, laid out along the lineage: raw -> staging -> linkage -> marts.
    groups = page.locator("svg foreignObject.group")
    boxes = {}
    for name in (f"{RAW_GROUP}__voice", *LAYERS):
        node = groups.filter(has_text=re.compile(rf"^{name}")).first
        expect(node).to_be_visible(timeout=UI_TIMEOUT)
        boxes[name] = node.bounding_box()
    lefts = [box["x"] for box in boxes.values()]
    assert lefts == sorted(lefts) and len(set(lefts)) == 4, (
        f"groups not laid out raw -> staging -> linkage -> marts: {boxes}"
    )
    # One raw group per product, all left of staging.
    for product in PRODUCTS:
        node = groups.filter(has_text=re.compile(rf"^{RAW_GROUP}__{product}")).first
        expect(node).to_be_visible(timeout=UI_TIMEOUT)
        assert node.bounding_box()["x"] < boxes["staging"]["x"], f"raw group {product} not left of staging"
    shot("groups-by-instance-product-and-layer")

    # Opening an instance's product group in the sidebar lists one asset per collection of that product.
    for product in PRODUCTS:
        raw_row = sidebar_rows.filter(has=page.get_by_title(f"{RAW_GROUP}__{product}", exact=True))
        raw_row.get_by_role("img", name="arrow_drop_down").click()
    for collection in ALL_COLLECTIONS:
        expect(sidebar_rows.filter(has=page.get_by_title(collection.name, exact=True)).first).to_be_visible()
    shot("instance-groups-opened")


def _live_rows(warehouse: dict[str, str], table: str) -> int:
    connection = psycopg2.connect(
        host=warehouse["PGHOST"],
        port=warehouse["PGPORT"],
        user=warehouse["PGUSER"],
        password=warehouse["PGPASSWORD"],
        dbname=warehouse["PGDATABASE"],
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"select count(*) from {table} where _deleted_at is null")
            return cursor.fetchone()[0]
    finally:
        connection.close()


RUN_QUERY = """
query Run($id: ID!) { runOrError(runId: $id) { __typename
  ... on Run { status tags { key value } assetSelection { path } } } }
"""


def test_materialize_one_partition_then_see_row_count(page: Page, ui_stack, shot):
    partition = ui_stack.partition
    open_ui(page, ui_stack, f"/assets/twilio/{COLLECTION}")
    expect(page.get_by_text("Never materialized")).to_be_visible(timeout=UI_TIMEOUT)
    shot("asset-page-before")

    # Partitioned assets say "Materialize…" and open the partition dialog.
    page.locator("button").filter(has_text=re.compile(r"^\s*Materialize(…|\.\.\.)?\s*$")).first.click()
    dialog = page.get_by_role("dialog").filter(has_text=f"Launch runs to materialize twilio / {COLLECTION}")
    expect(dialog).to_be_visible()
    keys = dialog.get_by_placeholder(re.compile("partition", re.I))
    keys.fill(partition)
    keys.press("Enter")
    expect(dialog.get_by_text("1 partition", exact=True)).to_be_visible()
    launch = dialog.get_by_role("button", name="Launch 1 run")
    expect(launch).to_be_enabled()
    shot("partition-dialog")
    # "Are you sure?" only shows when upstream assets were never materialized; confirm it if it does.
    confirm = page.get_by_role("button", name="Confirm", exact=True)
    page.add_locator_handler(confirm, lambda: confirm.click())
    launch.click()

    # A toast names the run ("Launched run 1a2b3c4d") with a link to it.
    notice = page.get_by_role("listitem").filter(has_text=re.compile(r"Launched run [0-9a-f]{8}"))
    expect(notice).to_be_visible()
    short_id = re.search(r"Launched run ([0-9a-f]{8})", notice.inner_text()).group(1)
    notice.get_by_role("link", name="View").click()
    expect(page).to_have_url(re.compile(rf"/runs/{short_id}[0-9a-f-]{{28}}"), timeout=UI_TIMEOUT)
    run_id = re.search(r"/runs/([0-9a-f-]{36})", page.url).group(1)

    # The run page's status tag turns to Success (it updates live); the stored run agrees.
    expect(page.get_by_text("Success", exact=True).first).to_be_visible(timeout=RUN_TIMEOUT)
    run = ui_stack.graphql(RUN_QUERY, {"id": run_id})["runOrError"]
    assert run["status"] == "SUCCESS", run
    assert {"key": "dagster/partition", "value": partition} in run["tags"], run["tags"]
    assert run["assetSelection"] == [{"path": ["twilio", COLLECTION]}], run["assetSelection"]
    expect(page.get_by_text(f"partition: {partition}")).to_be_visible()
    shot("run-succeeded")

    # Back on the asset page: the latest materialization, its partition and the row count.
    expected = _live_rows(ui_stack.warehouse, f"twilio.{COLLECTION}")
    assert expected > 0, "the sandbox served no calls for the partition: nothing to see on the asset page"
    open_ui(page, ui_stack, f"/assets/twilio/{COLLECTION}")
    row_count = page.get_by_text("Row count", exact=True).locator("xpath=..")
    expect(row_count).to_have_text(re.compile(rf"^\s*Row count\s*{expected:,}\s*$"), timeout=UI_TIMEOUT)
    expect(page.get_by_text(partition, exact=True).first).to_be_visible()
    shot("asset-page-row-count")


SCHEDULE_QUERY = """
query Schedule($selector: ScheduleSelector!) { scheduleOrError(scheduleSelector: $selector) { __typename
  ... on Schedule { scheduleState { status } } ... on PythonError { message } } }
"""


def _stored_schedule_status(stack) -> str:
    selector = {"repositoryLocationName": "twilio_assets", "repositoryName": "__repository__", "scheduleName": SCHEDULE}
    found = stack.graphql(SCHEDULE_QUERY, {"selector": selector})["scheduleOrError"]
    assert found["__typename"] == "Schedule", found
    return found["scheduleState"]["status"]


def _wait_status(stack, wanted: str, timeout: float = 30) -> None:
    """The schedule's state as stored by the instance (what the daemon acts on), polled until it matches."""
    deadline = time.monotonic() + timeout
    while (status := _stored_schedule_status(stack)) != wanted:
        assert time.monotonic() < deadline, f"schedule {SCHEDULE} is {status}, expected {wanted}"
        time.sleep(0.5)


def test_turn_the_schedule_on_and_off(page: Page, ui_stack, shot):
    assert _stored_schedule_status(ui_stack) == "STOPPED", "the schedule must start stopped (default_status)"
    open_ui(page, ui_stack, "/automation")
    page.get_by_role("link").filter(has_text=SCHEDULE).click()
    expect(page).to_have_url(re.compile(rf"/schedules/{SCHEDULE}"))

    running_row = page.get_by_role("row").filter(has=page.get_by_text("Running", exact=True))
    switch = running_row.get_by_role("checkbox")
    next_tick = page.get_by_role("row").filter(has=page.get_by_text("Next tick", exact=True))
    expect(switch).not_to_be_checked(timeout=UI_TIMEOUT)
    expect(next_tick).to_have_count(0)
    shot("stopped")

    # The switch's input is visually hidden; its label is what a user clicks.
    running_row.locator("label").click()
    expect(switch).to_be_checked()
    expect(next_tick).to_be_visible()
    _wait_status(ui_stack, "RUNNING")
    page.reload()
    expect(switch).to_be_checked(timeout=UI_TIMEOUT)
    shot("running")

    running_row.locator("label").click()
    expect(switch).not_to_be_checked()
    expect(next_tick).to_have_count(0)
    _wait_status(ui_stack, "STOPPED")
    page.reload()
    expect(switch).not_to_be_checked(timeout=UI_TIMEOUT)
    shot("stopped-again")

    # The Automation list agrees: the schedule's row has a selection box and, at the end, its switch, off.
    open_ui(page, ui_stack, "/automation")
    listed = page.locator("[data-index]").filter(has=page.get_by_role("link").filter(has_text=SCHEDULE))
    expect(listed.get_by_role("checkbox")).to_have_count(2, timeout=UI_TIMEOUT)
    expect(listed.get_by_text(re.compile(r"every 3 hours"))).to_be_visible(timeout=UI_TIMEOUT)  # row loaded
    expect(listed.get_by_role("checkbox").last).to_be_enabled()
    expect(listed.get_by_role("checkbox").last).not_to_be_checked()
    shot("automation-list")


# ---------------------------------------------------------------------------------------------------
# dbt docs

# Reads the lineage graph dbt docs draws (cytoscape, on a canvas): the nodes it shows, by unique_id.
GRAPH_NODES_JS = """() => {
  const container = document.querySelector('#cy');
  const cy = container && container._cyreg && container._cyreg.cy;
  if (!cy) return null;
  return cy.nodes(':visible').map(n => n.id());
}"""

ASSET_KEYS_QUERY = "{ assetNodes { assetKey { path } groupName } }"


def _reachable(edges: dict[str, list[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for node in edges.get(todo.pop(), []):
            if node not in seen:
                seen.add(node)
                todo.append(node)
    return seen


def _settled_graph(docs: Page, timeout: float = UI_TIMEOUT / 1000) -> set[str]:
    """The graph's nodes once drawn and no longer changing (the selection applies after the first draw)."""
    docs.wait_for_function(f"(({GRAPH_NODES_JS})() || []).length > 0", timeout=UI_TIMEOUT)
    deadline = time.monotonic() + timeout
    previous = None
    while True:
        current = frozenset(docs.evaluate(GRAPH_NODES_JS) or ())
        if current and current == previous:
            return set(current)
        assert time.monotonic() < deadline, "the dbt docs lineage graph kept changing"
        previous = current
        docs.wait_for_timeout(500)


def test_dbt_docs_link_opens_the_lineage_graph(page: Page, ui_stack, shot):
    nodes = ui_stack.graphql(ASSET_KEYS_QUERY)["assetNodes"]
    keys = [n["assetKey"]["path"] for n in nodes if n["assetKey"]["path"][-1] == DBT_MODEL]
    assert len(keys) == 1, f"expected one asset for dbt model {DBT_MODEL}, found {keys}"
    key = keys[0]
    assert next(n["groupName"] for n in nodes if n["assetKey"]["path"] == key) == "marts"

    manifest = requests.get(f"{ui_stack.docs_url}/manifest.json", timeout=30).json()
    model_id = next(
        uid for uid, node in manifest["nodes"].items() if uid.startswith("model.") and node["name"] == DBT_MODEL
    )
    upstream = _reachable(manifest["parent_map"], model_id)
    downstream = _reachable(manifest["child_map"], model_id)
    sources = {node for node in upstream if node.startswith("source.")}
    assert len(sources) > 1, f"{model_id} should read several raw sources; the docs manifest has {sources}"

    open_ui(page, ui_stack, "/assets/" + "/".join(key))
    link_row = page.get_by_role("row").filter(has=page.get_by_text("dbt_docs", exact=True))
    link = link_row.get_by_role("link").filter(has_text=ui_stack.docs_url).first
    expect(link).to_be_visible(timeout=UI_TIMEOUT)
    href = link.get_attribute("href")
    assert href.startswith(f"{ui_stack.docs_url}/#!/model/{model_id}"), href
    assert "g_v=1" in href, href
    link.hover()  # scrolls it into view (and retries while the page re-renders)
    shot("dagster-asset-docs-link")

    with page.context.expect_page() as opened:
        link.click()
    docs = opened.value
    docs.set_viewport_size({"width": 1600, "height": 1000})
    expect(docs.get_by_text("Lineage Graph", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    shown = _settled_graph(docs)
    assert model_id in shown, f"{model_id} is not in the lineage graph"
    missing = sources - shown
    assert not missing, f"upstream sources missing from the lineage graph of {model_id}: {sorted(missing)}"
    # The link selects the model's own lineage (+model+), not the whole project.
    unrelated = shown - upstream - downstream - {model_id}
    assert not unrelated, f"the graph shows nodes outside the lineage of {model_id}: {sorted(unrelated)[:10]}"
    shot("dbt-docs-lineage-graph", of=docs)
