"""Studio (studio.twilio.com/v2, served under /studio): flows, executions and steps against the official
spec, their filters and paging, executions running through their steps as the clock moves (and some
deleted), the world's calls and messages that trigger them, Twilio's SDK reading them, the oracle
against the server, and subaccounts without Studio."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta

import pytest
from openapi_core.validation.response.exceptions import InvalidData
from sandbox_client import NOW, Api
from sandbox_moments import at
from sandbox_spec import validate

from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.timefmt import iso, to_us

DAYS = [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)]
BASE = "/studio/v2"
COLLECTIONS = ("studio_flows", "studio_executions", "studio_execution_steps")


@pytest.fixture
def product(world):
    return world.product_for("studio_flows")


def _executions(product, account: str, flow=None) -> list:
    """Every execution of the sandbox's days (deleted ones too), oldest first."""
    flows = [flow] if flow is not None else product.flows(account)
    found = [e for day in DAYS for f in flows for e in product.day(account, day.toordinal()).get(f.sid, [])]
    return sorted(found, key=lambda e: (e.created, e.sid))


def _day_range(day: date) -> dict:
    return {"DateCreatedFrom": f"{day}T00:00:00Z", "DateCreatedTo": f"{day + timedelta(days=1)}T00:00:00Z"}


def _flow_path(flow_sid: str) -> str:
    return f"{BASE}/Flows/{flow_sid}/Executions"


def _steps_path(execution) -> str:
    return f"{BASE}/Flows/{execution.flow_sid}/Executions/{execution.sid}/Steps"


def _walk(api, path: str, params: dict, key: str, size: int) -> list[dict]:
    pages = api.pages(path, {**params, "PageSize": size})
    for page in pages:
        validate(page)
    return [r for p in pages for r in p.json()[key]]


# --- the spec --------------------------------------------------------------------------


def test_every_list_conforms_on_every_page_and_in_every_state(api, admin, server, config, product, main_sid):
    executions = _executions(product, main_sid)
    long_run = max(executions, key=lambda e: e.ended - e.created)
    deleted = next(e for e in executions if e.deleted_at is not None)
    # While an execution is halfway through its steps, just after its end, and once another one is deleted.
    instants = [at(long_run.steps[1].created, 1), at(long_run.ended, 1), at(deleted.deleted_at, 1), NOW]
    seen = set()
    for instant in instants:
        admin.set_now(instant)
        flows = _walk(api, f"{BASE}/Flows", {}, "flows", 2)
        assert len(flows) == 4
        for flow in flows:
            for params in ({}, {"status": "active"}, {"status": "ended"}, _day_range(DAYS[1])):
                listed = _walk(api, _flow_path(flow["sid"]), params, "executions", 7)
                seen |= {e["status"] for e in listed}
        for execution in (long_run, executions[0]):
            if execution.exists(to_us(instant)):
                _walk(api, _steps_path(execution), {}, "steps", 2)
    assert seen == {"active", "ended"}
    # An account without Studio gets empty lists that conform as well.
    sub = Api(server.base_url, auth=(config.account_sid_of("sub1"), config.account_auth_token("sub1")))
    validate(sub.get(f"{BASE}/Flows"))


def test_the_validator_rejects_what_the_studio_spec_forbids(api, product, main_sid):
    execution = next(e for e in _executions(product, main_sid) if e.exists(to_us(NOW)))
    cases = {
        f"{BASE}/Flows": ("flows", {"status": "live", "revision": "3", "sid": "FW123"}),
        _flow_path(execution.flow_sid): ("executions", {"status": "running", "date_created": "Mon, 10 Mar 2025"}),
        _steps_path(execution): ("steps", {"execution_sid": "CA" + "0" * 32, "undocumented": 1}),
    }
    for path, (key, changes) in cases.items():
        good = api.get(path, {"PageSize": 2})
        validate(good)
        for field, value in [*changes.items(), ("account_sid", None)]:
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


def test_day_ranges_select_executions_by_creation_half_open(api, product, main_sid):
    now = to_us(NOW)
    for flow in product.flows(main_sid):
        for day in DAYS:
            served = api.all(_flow_path(flow.sid), "executions", {**_day_range(day), "PageSize": 1000})
            wanted = [e for e in _executions(product, main_sid, flow) if e.exists(now) and at(e.created).date() == day]
            assert [e["sid"] for e in served] == [e.sid for e in reversed(wanted)]  # newest first
    # To the second: From is inclusive, To exclusive.
    execution = next(e for e in _executions(product, main_sid) if e.exists(now))
    second = iso(execution.created)
    later = iso(execution.created + 1_000_000)

    def sids(params):
        return {e["sid"] for e in api.all(_flow_path(execution.flow_sid), "executions", params)}

    assert execution.sid in sids({"DateCreatedFrom": second, "DateCreatedTo": later})
    assert execution.sid not in sids({"DateCreatedTo": second})
    assert execution.sid not in sids({"DateCreatedFrom": later})


def test_status_filter_partitions_the_list(api, product, main_sid):
    for flow in product.flows(main_sid):
        everything = api.all(_flow_path(flow.sid), "executions", {"PageSize": 1000})
        for status in ("active", "ended"):
            listed = api.all(_flow_path(flow.sid), "executions", {"status": status, "PageSize": 1000})
            assert listed == [e for e in everything if e["status"] == status]


def test_paging_follows_tokens_both_ways(api, product, main_sid):
    flow = max(product.flows(main_sid), key=lambda f: len(_executions(product, main_sid, f)))
    path = _flow_path(flow.sid)
    whole = api.all(path, "executions", {"PageSize": 1000})
    first = api.get(path, {"PageSize": 4}).json()
    second = api.get(first["meta"]["next_page_url"]).json()
    assert [e["sid"] for e in first["executions"] + second["executions"]] == [e["sid"] for e in whole[:8]]
    assert second["meta"]["page"] == 1 and "PageToken=PA" in second["meta"]["next_page_url"]
    assert api.get(second["meta"]["previous_page_url"]).json()["executions"] == first["executions"]
    assert api.get(path, {"PageSize": 4, "Page": 1}).json()["executions"] == second["executions"]
    dated = api.get(path, {**_day_range(DAYS[0]), "status": "ended", "PageSize": 1}).json()["meta"]
    assert "DateCreatedFrom=2025-03-08T00%3A00%3A00Z" in dated["url"] and "status=ended" in dated["url"]
    assert dated["key"] == "executions" and dated["url"].startswith(api.base_url + path)


def test_errors_are_twilios(api, product, main_sid):
    flow = product.flows(main_sid)[0]
    other = product.flows(main_sid)[1]
    execution = next(e for e in _executions(product, main_sid, flow) if e.exists(to_us(NOW)))
    for path, params, status, code in (
        (_flow_path(flow.sid), {"DateCreatedFrom": "yesterday"}, 400, 20001),
        (_flow_path(flow.sid), {"status": "running"}, 400, 20001),
        (_flow_path(flow.sid), {"PageSize": 1001}, 400, 20007),
        (_flow_path(flow.sid), {"PageToken": "PAforged"}, 400, 20001),
        (_flow_path("FW" + "0" * 32), {}, 404, 20404),
        (f"{BASE}/Flows/{other.sid}/Executions/{execution.sid}/Steps", {}, 404, 20404),
        (f"{BASE}/Flows/{flow.sid}/Executions/FN{'0' * 32}/Steps", {}, 404, 20404),
    ):
        answer = api.get(path, params)
        assert answer.status_code == status, path
        assert answer.json()["code"] == code and answer.json()["status"] == status


# --- the world behind the executions ---------------------------------------------------------


def test_executions_answer_the_worlds_inbound_calls_and_messages(api, world, product, main_sid):
    calls = {c["sid"]: c for c in world.records(main_sid, "calls")}
    messages = {m["sid"]: m for m in world.records(main_sid, "messages")}
    triggered = {"call": 0, "message": 0, "rest": 0}
    for flow in product.flows(main_sid):
        for execution in api.all(_flow_path(flow.sid), "executions", {"PageSize": 1000}):
            created = datetime.fromisoformat(execution["date_created"])
            source = execution["initiated_by"]
            if flow.trigger == "call":
                call = calls[source]
                assert call["direction"] == "inbound" and call["from"] == execution["contact_channel_address"]
                assert call["start_time"] == created.strftime("%a, %d %b %Y %H:%M:%S +0000")
            elif flow.trigger == "message":
                message = messages[source]
                assert message["direction"] == "inbound" and message["from"] == execution["contact_channel_address"]
            else:
                assert source.startswith("RQ")
            triggered[flow.trigger] += 1
    assert all(n >= 5 for n in triggered.values()), triggered
    assert not _executions(product, main_sid, product.flows(main_sid)[3]), "a draft flow never runs"


def test_an_execution_adds_its_steps_until_it_ends(api, admin, product, main_sid):
    execution = next(e for e in _executions(product, main_sid) if len(e.steps) >= 4 and e.deleted_at is None)
    path = _flow_path(execution.flow_sid)
    times = [s.created for s in execution.steps]
    for k, step in enumerate(execution.steps):
        # Halfway to the next step (some follow within a second).
        admin.set_now(at((step.created + times[k + 1]) // 2) if k + 1 < len(times) else at(step.created, 1))
        steps = api.all(_steps_path(execution), "steps")
        assert [s["sid"] for s in steps] == [s.sid for s in execution.steps[: k + 1]][::-1]
        listed = next(e for e in api.all(path, "executions", {"PageSize": 1000}) if e["sid"] == execution.sid)
        assert listed["status"] == ("ended" if k == len(execution.steps) - 1 else "active")
        assert listed["date_updated"] == steps[0]["date_created"] == iso(step.created)
    assert steps[0]["transitioned_to"] == "Ended" and steps[-1]["transitioned_from"] == "Trigger"
    assert all(
        newer["transitioned_from"] == older["transitioned_to"] for newer, older in zip(steps, steps[1:], strict=False)
    )


def test_deleted_executions_vanish_with_their_steps(api, admin, product, main_sid):
    execution = next(e for e in _executions(product, main_sid) if e.deleted_at is not None)
    for instant, present in ((at(execution.deleted_at, -1), True), (at(execution.deleted_at, 1), False)):
        admin.set_now(instant)
        sids = {e["sid"] for e in api.all(_flow_path(execution.flow_sid), "executions", {"PageSize": 1000})}
        assert (execution.sid in sids) is present
        assert api.get(_steps_path(execution)).status_code == (200 if present else 404)


def test_a_flow_revision_shows_in_the_list_and_in_later_executions(api, admin, product, main_sid):
    ivr = product.flows(main_sid)[0]
    revised = ivr.revisions[-1]
    assert revised > to_us(NOW), "the IVR is revised after the starting clock"
    before = next(f for f in api.all(f"{BASE}/Flows", "flows") if f["sid"] == ivr.sid)
    admin.set_now(at(revised, 1) + timedelta(hours=6))
    after = next(f for f in api.all(f"{BASE}/Flows", "flows") if f["sid"] == ivr.sid)
    assert after["revision"] == before["revision"] + 1 and after["date_updated"] == iso(revised)
    versions = {
        datetime.fromisoformat(e["date_created"]) >= at(revised): e["flow_version"]
        for e in api.all(_flow_path(ivr.sid), "executions", {"PageSize": 1000})
    }
    assert versions == {False: before["revision"], True: after["revision"]}


def test_new_executions_appear_as_the_clock_runs(api, admin, product, main_sid):
    flow = product.flows(main_sid)[1]
    before = api.all(_flow_path(flow.sid), "executions", {"PageSize": 1000})
    admin.set_now(NOW + timedelta(hours=6))
    after = api.all(_flow_path(flow.sid), "executions", {"PageSize": 1000})
    new = [e for e in after if datetime.fromisoformat(e["date_created"]) > NOW]
    assert new and after[: len(new)] == new, "newest first: the new executions lead the list"
    assert {e["sid"] for e in after[len(new) :]} <= {e["sid"] for e in before}


# --- accounts, the oracle, the SDK ------------------------------------------------------


def test_accounts_without_studio_get_empty_lists(server, config, product, main_sid, sub_sid):
    sub = Api(server.base_url, auth=(sub_sid, config.account_auth_token("sub1")))
    answer = sub.get(f"{BASE}/Flows")
    assert answer.status_code == 200 and answer.json()["flows"] == []
    # Studio is reached with the account's own credentials only: the main account's flows are not the subaccount's.
    flow = product.flows(main_sid)[0]
    assert sub.get(_flow_path(flow.sid)).status_code == 404
    key = Api(server.base_url, auth=(config.api_key_sid, config.api_key_secret))
    assert key.get(_flow_path(flow.sid)).status_code == 200
    for name in COLLECTIONS:
        assert list(expected_records(server.world, name, [sub_sid])) == []


def test_the_oracle_is_what_the_server_lists(api, admin, world, product, main_sid, sub_sid):
    deleted = next(e for e in _executions(product, main_sid) if e.deleted_at is not None)
    admin.set_now(at(deleted.deleted_at, 1))  # some executions are gone by then
    flows = api.all(f"{BASE}/Flows", "flows")
    assert list(expected_records(world, "studio_flows", [main_sid, sub_sid], DAYS[:1])) == flows
    for day in DAYS:
        executions, steps = [], []
        for flow in flows:
            listed = api.all(_flow_path(flow["sid"]), "executions", {**_day_range(day), "PageSize": 1000})
            executions += listed
            for execution in listed:
                steps += api.all(execution["links"]["steps"], "steps")
        assert list(expected_records(world, "studio_executions", [main_sid], [day])) == executions
        assert list(expected_records(world, "studio_execution_steps", [main_sid], [day])) == steps
        assert deleted.sid not in {e["sid"] for e in executions}
    assert len(list(expected_records(world, "studio_executions", [main_sid]))) == sum(
        len(api.all(_flow_path(f["sid"]), "executions", {"PageSize": 1000})) for f in flows
    )


def test_the_sdk_reads_every_studio_list(server, config, world, product, main_sid):
    from test_sandbox_sdk import SandboxHttpClient, _check
    from twilio.rest import Client

    http = SandboxHttpClient(server.base_url)
    studio = Client(config.main_account_sid, config.auth_token, http_client=http).studio.v2
    _check(studio.flows.list(page_size=3), list(expected_records(world, "studio_flows", [main_sid])))
    day = datetime(2025, 3, 9, tzinfo=NOW.tzinfo)
    executions, steps = [], []
    for flow in studio.flows.list():
        listed = studio.flows(flow.sid).executions.list(
            date_created_from=day, date_created_to=day + timedelta(days=1), page_size=5
        )
        executions += listed
        for execution in listed:
            steps += studio.flows(flow.sid).executions(execution.sid).steps.list(page_size=2)
    _check(executions, list(expected_records(world, "studio_executions", [main_sid], [day.date()])))
    _check(steps, list(expected_records(world, "studio_execution_steps", [main_sid], [day.date()])))
    assert "studio.twilio.com" in http.hosts
