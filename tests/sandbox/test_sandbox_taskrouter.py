"""TaskRouter (taskrouter.twilio.com/v1, served under /taskrouter): workspaces, workers and tasks against
the official spec, their filters and oldest-first paging, tasks moving through their states and being
deleted hours after they finish, workers' activities following their shifts, a worker joining, Twilio's
SDK reading the three lists, the oracle against the server, and subaccounts without TaskRouter."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta

import pytest
from openapi_core.validation.response.exceptions import InvalidData
from sandbox_client import NOW, Api
from sandbox_moments import at
from sandbox_spec import validate

from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.timefmt import dord_of, iso, to_us

BASE = "/taskrouter/v1"
COLLECTIONS = ("taskrouter_workspaces", "taskrouter_workers", "taskrouter_tasks")


@pytest.fixture
def product(world):
    return world.product_for("taskrouter_tasks")


@pytest.fixture
def support(product, main_sid):
    return product.workspaces(main_sid)[0]


def _tasks(product, ws, around=NOW) -> list:
    """The tasks of the day before `around` and of its day, oldest first (deleted ones too)."""
    dord = dord_of(to_us(around))
    return [t for d in (dord - 1, dord) for t in product.day(ws.sid, d)]


def _path(ws, what: str) -> str:
    return f"{BASE}/Workspaces/{ws.sid}/{what}"


def _walk(api, path: str, params: dict, key: str, size: int) -> list[dict]:
    pages = api.pages(path, {**params, "PageSize": size})
    for page in pages:
        validate(page)
    return [r for p in pages for r in p.json()[key]]


# --- the spec --------------------------------------------------------------------------


def test_every_list_conforms_on_every_page_and_in_every_state(api, sub_api, admin, product, support, main_sid):
    task = next(t for t in _tasks(product, support) if len(t.steps) == 4)
    canceled = next(t for t in _tasks(product, support) if t.steps[-1][1] == "canceled")
    instants = [at(task.created, 1), *(at(t, 1) for t, _ in task.steps), at(canceled.steps[-1][0], 1), NOW]
    seen = {"tasks": set(), "workers": set()}
    for instant in instants:
        admin.set_now(instant)
        spaces = _walk(api, f"{BASE}/Workspaces", {}, "workspaces", 1)
        assert len(spaces) == 2
        for ws in product.workspaces(main_sid):
            for params in ({}, {"Available": "true"}, {"ActivityName": "Offline"}):
                listed = _walk(api, _path(ws, "Workers"), params, "workers", 3)
                seen["workers"] |= {w["activity_name"] for w in listed}
            for params in ({}, {"AssignmentStatus": "completed,canceled"}, {"Priority": "10"}):
                listed = _walk(api, _path(ws, "Tasks"), params, "tasks", 4)
                seen["tasks"] |= {t["assignment_status"] for t in listed}
    assert seen["tasks"] == {"pending", "reserved", "assigned", "wrapping", "completed", "canceled"}
    assert {"Offline", "Available", "Break"} <= seen["workers"]
    validate(sub_api.get(f"{BASE}/Workspaces"))


def test_the_validator_rejects_what_the_taskrouter_spec_forbids(api, support):
    cases = {
        f"{BASE}/Workspaces": ("workspaces", {"prioritize_queue_order": "RANDOM", "sid": "WK" + "0" * 32}),
        _path(support, "Workers"): ("workers", {"available": "yes", "date_created": "Mon, 10 Mar 2025"}),
        _path(support, "Tasks"): ("tasks", {"assignment_status": "done", "age": "12", "priority": 1.5}),
    }
    for path, (key, changes) in cases.items():
        good = api.get(path, {"PageSize": 2})
        validate(good)
        for field, value in [*changes.items(), ("account_sid", None), ("surprise", 1)]:
            body = good.json()
            if value is None:
                body[key][0].pop(field)
            else:
                body[key][0][field] = value
            bad = copy.copy(good)
            bad._content = json.dumps(body).encode()
            with pytest.raises(InvalidData):
                validate(bad)


# --- filters, paging, errors -------------------------------------------------------------


def test_tasks_are_oldest_first_and_filtered(api, product, support):
    now = to_us(NOW)
    listed = api.all(_path(support, "Tasks"), "tasks", {"PageSize": 1000})
    assert [t["sid"] for t in listed] == [t.sid for t in _tasks(product, support) if t.exists(now)]
    assert listed, "tasks are live at the starting clock"
    for params, keep in (
        ({"AssignmentStatus": "completed"}, lambda t: t["assignment_status"] == "completed"),
        ({"Priority": "10"}, lambda t: t["priority"] == 10),
        ({"TaskQueueName": "Billing"}, lambda t: t["task_queue_friendly_name"] == "Billing"),
        ({"TaskQueueSid": support.queues[1][0]}, lambda t: t["task_queue_sid"] == support.queues[1][0]),
        ({"WorkflowSid": support.workflow[0]}, lambda t: True),
        ({"WorkflowName": "nope"}, lambda t: False),
    ):
        assert api.all(_path(support, "Tasks"), "tasks", {**params, "PageSize": 1000}) == [
            t for t in listed if keep(t)
        ], params
    # A repeated AssignmentStatus is a list of statuses, like a comma-separated one, and stays in the page links.
    both = api.get(
        _path(support, "Tasks"), [("AssignmentStatus", "completed"), ("AssignmentStatus", "wrapping"), ("PageSize", 1)]
    ).json()
    assert both["tasks"] == [t for t in listed if t["assignment_status"] in ("completed", "wrapping")][:1]
    assert both["meta"]["url"].count("AssignmentStatus=") == 2


def test_workers_are_oldest_first_and_filtered(api, product, support):
    listed = api.all(_path(support, "Workers"), "workers")
    assert [w["sid"] for w in listed] == [w.sid for w in product._workers[support.sid] if w.created <= to_us(NOW)]
    for params, keep in (
        ({"Available": "true"}, lambda w: w["available"]),
        ({"Available": "1"}, lambda w: w["available"]),
        ({"Available": "false"}, lambda w: not w["available"]),
        ({"Available": "whatever"}, lambda w: not w["available"]),
        ({"ActivityName": "Offline"}, lambda w: w["activity_name"] == "Offline"),
        ({"FriendlyName": "Grace"}, lambda w: w["friendly_name"] == "Grace"),
    ):
        assert api.all(_path(support, "Workers"), "workers", params) == [w for w in listed if keep(w)], params
    assert [w["friendly_name"] for w in api.all(f"{BASE}/Workspaces", "workspaces", {"FriendlyName": "Sales"})] == [
        "Sales"
    ]


def test_paging_follows_tokens_both_ways(api, admin, support):
    admin.set_now(NOW + timedelta(hours=4))  # the busiest hours: enough tasks for three pages
    path = _path(support, "Tasks")
    whole = api.all(path, "tasks", {"PageSize": 1000})
    first = api.get(path, {"PageSize": 3}).json()
    second = api.get(first["meta"]["next_page_url"]).json()
    assert [t["sid"] for t in first["tasks"] + second["tasks"]] == [t["sid"] for t in whole[:6]]
    assert "PageToken=PA" in second["meta"]["next_page_url"] and second["meta"]["key"] == "tasks"
    assert api.get(second["meta"]["previous_page_url"]).json()["tasks"] == first["tasks"]
    assert api.get(path, {"PageSize": 3, "Page": 1}).json()["tasks"] == second["tasks"]


def test_errors_are_twilios(api, support):
    for path, params, status, code in (
        (_path(support, "Tasks"), {"Priority": "high"}, 400, 20001),
        (_path(support, "Tasks"), {"PageSize": 1001}, 400, 20007),
        (_path(support, "Workers"), {"PageToken": "PAforged"}, 400, 20001),
        (f"{BASE}/Workspaces/WS{'0' * 32}/Tasks", {}, 404, 20404),
        (f"{BASE}/Workspaces/WS{'0' * 32}/Workers", {}, 404, 20404),
    ):
        answer = api.get(path, params)
        assert answer.status_code == status, (path, params)
        assert answer.json()["code"] == code and answer.json()["status"] == status


# --- the clock -----------------------------------------------------------------------------


def test_a_task_moves_through_its_states_then_is_deleted(api, admin, product, support):
    task = next(t for t in _tasks(product, support) if len(t.steps) == 4 and t.created > to_us(NOW))
    path = _path(support, "Tasks")
    seen = []
    for instant in (at(task.created, 1), *(at(t, 1) for t, _ in task.steps), at(task.deleted_at, -1)):
        admin.set_now(instant)
        record = next(t for t in api.all(path, "tasks", {"PageSize": 1000}) if t["sid"] == task.sid)
        seen.append((record["assignment_status"], record["reason"], record["age"]))
        assert record["age"] == (to_us(instant) - task.created) // 1_000_000
    statuses = [s for s, _, _ in seen]
    assert statuses == ["pending", "reserved", "assigned", "wrapping", "completed", "completed"]
    assert [r for _, r, _ in seen] == [None] * 4 + ["Task completed"] * 2
    admin.set_now(at(task.deleted_at, 1))
    assert task.sid not in {t["sid"] for t in api.all(path, "tasks", {"PageSize": 1000})}


def test_every_task_is_gone_within_a_day_of_its_creation(api, admin, product, support):
    admin.set_now(NOW + timedelta(days=1))
    listed = api.all(_path(support, "Tasks"), "tasks", {"PageSize": 1000})
    assert listed and all(datetime.fromisoformat(t["date_created"]) > NOW for t in listed)
    yesterday = {t.sid for t in _tasks(product, support) if t.created <= to_us(NOW)}
    assert yesterday and not yesterday & {t["sid"] for t in listed}


def test_workers_follow_their_shifts(api, admin, product, support):
    worker = next(w for w in product._workers[support.sid] if w.shift(dord_of(to_us(NOW)) + 1))
    changes = worker.shift(dord_of(to_us(NOW)) + 1)
    for when, activity in changes:
        admin.set_now(at(when, 1))
        record = next(w for w in api.all(_path(support, "Workers"), "workers") if w["sid"] == worker.sid)
        assert (record["activity_name"], record["available"]) == (activity, activity == "Available")
        assert record["date_status_changed"] == record["date_updated"] == iso(when)
        assert record["activity_sid"] == support.activity_sid(activity)


def test_a_worker_joins_after_the_starting_clock(api, admin, product, support):
    joiner = product._workers[support.sid][-1]
    assert joiner.created > to_us(NOW)
    names = [w["friendly_name"] for w in api.all(_path(support, "Workers"), "workers")]
    admin.set_now(at(joiner.created, 1))
    after = api.all(_path(support, "Workers"), "workers")
    assert [w["friendly_name"] for w in after] == [*names, joiner.friendly_name]
    assert after[-1]["activity_name"] == "Offline" and after[-1]["date_status_changed"] == iso(joiner.created)


# --- accounts, the oracle, the SDK ------------------------------------------------------


def test_accounts_without_taskrouter_get_empty_lists(server, config, sub_api, support, sub_sid):
    answer = sub_api.get(f"{BASE}/Workspaces")
    assert answer.status_code == 200 and answer.json()["workspaces"] == []
    assert sub_api.get(_path(support, "Tasks")).status_code == 404
    key = Api(server.base_url, auth=(config.api_key_sid, config.api_key_secret))
    assert key.get(_path(support, "Tasks")).status_code == 200
    for name in COLLECTIONS:
        assert list(expected_records(server.world, name, [sub_sid])) == []


def test_the_oracle_is_what_the_server_lists(api, admin, world, product, main_sid, sub_sid):
    for instant in (NOW, NOW + timedelta(hours=7)):
        admin.set_now(instant)
        spaces = api.all(f"{BASE}/Workspaces", "workspaces")
        assert list(expected_records(world, "taskrouter_workspaces", [main_sid, sub_sid], [NOW.date()])) == spaces
        for what in ("workers", "tasks"):
            served = [r for ws in spaces for r in api.all(ws["links"][what], what, {"PageSize": 1000})]
            # Whole lists: the days asked for do not matter.
            assert list(expected_records(world, f"taskrouter_{what}", [main_sid], [NOW.date()])) == served
            assert list(expected_records(world, f"taskrouter_{what}", [main_sid])) == served and served


def test_the_sdk_reads_every_taskrouter_list(server, config, world, main_sid):
    from test_sandbox_sdk import SandboxHttpClient, _check
    from twilio.rest import Client

    http = SandboxHttpClient(server.base_url)
    taskrouter = Client(config.main_account_sid, config.auth_token, http_client=http).taskrouter.v1
    spaces = taskrouter.workspaces.list(page_size=1)
    _check(spaces, list(expected_records(world, "taskrouter_workspaces", [main_sid])))
    workers = [w for ws in spaces for w in taskrouter.workspaces(ws.sid).workers.list(page_size=3)]
    _check(workers, list(expected_records(world, "taskrouter_workers", [main_sid])))
    tasks = [t for ws in spaces for t in taskrouter.workspaces(ws.sid).tasks.list(page_size=2)]
    _check(tasks, list(expected_records(world, "taskrouter_tasks", [main_sid])))
    assert "taskrouter.twilio.com" in http.hosts
