"""Monitor (monitor.twilio.com/v1, served under /monitor): alerts and events against the official spec,
alerts naming the world's failed calls and messages, the inclusive StartDate/EndDate range in both of its
forms, LogLevel, the 30 days of alerts (400 / 20004 beyond), alerts appearing as the clock moves (after
Twilio's buffering), events naming real resources and their filters, each account's own lists only,
Twilio's SDK reading both, and the oracle."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import openapi_schema_validator
import pytest
from openapi_core.validation.response.exceptions import InvalidData
from sandbox_client import NOW, Api, v2010
from sandbox_moments import at
from sandbox_spec import error_schema, validate

from twilio_assets.sandbox.oracle import expected_records
from twilio_assets.sandbox.timefmt import iso, parse_iso

ALERTS = "/monitor/v1/Alerts"
EVENTS = "/monitor/v1/Events"
DAYS = [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)]
ALL = {"PageSize": 1000}


def day_range(day: date) -> dict:
    return {"StartDate": f"{day}T00:00:00Z", "EndDate": f"{day}T23:59:59Z"}


def sent_day(message: dict) -> date:
    return parsedate_to_datetime(message["date_sent"]).date()


@pytest.fixture
def product(world):
    return world.product_for("alerts")


# --- the spec --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, params",
    [
        (ALERTS, {}),
        (ALERTS, day_range(DAYS[1])),
        (ALERTS, {"StartDate": "2025-03-09", "EndDate": "2025-03-09", "LogLevel": "error"}),
        (ALERTS, {"LogLevel": "warning"}),
        (ALERTS, {"LogLevel": "debug"}),  # empty
        (EVENTS, {}),
        (EVENTS, {"StartDate": "2025-03-08T00:00:00Z", "EndDate": "2025-03-09T23:59:59Z"}),
        (EVENTS, {"EventType": "phone-number.updated"}),
        (EVENTS, {"EventType": "no-such.event"}),  # empty
    ],
)
def test_every_page_conforms(api, sub_api, path, params):
    for client in (api, sub_api):
        pages = client.pages(path, {**params, "PageSize": 2})
        for page in pages:
            validate(page)
        assert pages[0].json()["meta"]["key"] == path.rsplit("/", 1)[1].lower()


def test_a_tampered_page_fails_the_spec(api):
    for path, key, tamperings in [
        (
            ALERTS,
            "alerts",
            {
                "missing property": lambda rec: rec.pop("log_level"),
                "a field only a fetched alert has": lambda rec: rec.update(request_variables="To=%2B1415"),
                "integer where the spec says string": lambda rec: rec.update(error_code=30003),
                "bad SID": lambda rec: rec.update(sid="AL" + rec["sid"][2:]),
                "unknown request method": lambda rec: rec.update(request_method="PUT"),
            },
        ),
        (
            EVENTS,
            "events",
            {
                "missing property": lambda rec: rec.pop("event_type"),
                "an account SID as actor_sid": lambda rec: rec.update(actor_sid=rec["account_sid"]),
                "RFC 2822 date": lambda rec: rec.update(event_date="Mon, 10 Mar 2025 12:00:00 +0000"),
            },
        ),
    ]:
        good = api.get(path, {"PageSize": 1})
        validate(good)
        for name, tamper in tamperings.items():
            bad = copy.copy(good)
            body = good.json()
            tamper(body[key][0])
            bad._content = json.dumps(body).encode()
            with pytest.raises(InvalidData):
                validate(bad)
                pytest.fail(f"the spec accepted a record of {path} with this change: {name}")


# --- alerts name the world's failures ----------------------------------------------------


def test_alerts_name_every_failed_message_and_call_and_nothing_else(api, sub_api, config):
    for account_sid, client in ((config.main_account_sid, api), (config.account_sid_of("sub1"), sub_api)):
        alerts = client.all(ALERTS, "alerts", ALL)
        assert alerts and {a["account_sid"] for a in alerts} == {account_sid}
        messages = {m["sid"]: m for m in api.all(v2010(account_sid, "Messages"), "messages", ALL)}
        calls = {c["sid"]: c for c in api.all(v2010(account_sid, "Calls"), "calls", ALL)}
        by_resource = {}
        for alert in alerts:
            resource = alert["resource_sid"]
            assert resource not in by_resource, "one alert per failure"
            by_resource[resource] = alert
            if resource.startswith(("SM", "MM")):
                message = messages[resource]
                assert message["status"] in ("failed", "undelivered")
                assert alert["error_code"] == str(message["error_code"])
                assert alert["log_level"] == ("error" if message["status"] == "failed" else "warning")
                assert alert["service_sid"] == message["messaging_service_sid"]
            else:
                call = calls[resource]
                if alert["log_level"] == "error":
                    assert call["status"] == "failed" and call["direction"] == "outbound-api"
                else:
                    assert alert["error_code"] == "11200" and call["direction"] == "inbound"
            generated = parse_iso(alert["date_generated"])
            assert timedelta(0) < parse_iso(alert["date_created"]) - generated <= timedelta(seconds=90)
        # Every failure of the days before today has its alert (a failure today may still be buffered).
        past = [d for d in DAYS if d < NOW.date()]
        failed_messages = {
            sid for sid, m in messages.items() if m["status"] in ("failed", "undelivered") and sent_day(m) in past
        }
        failed_calls = {
            sid
            for sid, c in calls.items()
            if c["status"] == "failed" and parsedate_to_datetime(c["start_time"]).date() in past
        }
        assert failed_messages and failed_messages <= by_resource.keys()
        assert failed_calls <= by_resource.keys()
        assert any(a["log_level"] == "warning" for a in alerts) and any(a["log_level"] == "error" for a in alerts)


# --- filters ---------------------------------------------------------------------------


def test_start_and_end_are_both_inclusive_in_either_form(api):
    everything = api.all(ALERTS, "alerts", ALL)
    alert = everything[len(everything) // 2]
    moment = alert["date_generated"]
    t = parse_iso(moment)

    def sids(params):
        return {a["sid"] for a in api.all(ALERTS, "alerts", {**params, **ALL})}

    assert alert["sid"] in sids({"StartDate": moment, "EndDate": moment})
    assert alert["sid"] not in sids({"StartDate": iso_s(t + timedelta(seconds=1))})
    assert alert["sid"] not in sids({"EndDate": iso_s(t - timedelta(seconds=1))})
    for day in DAYS:
        on_day = {a["sid"] for a in everything if parse_iso(a["date_generated"]).date() == day}
        assert sids(day_range(day)) == on_day == sids({"StartDate": str(day), "EndDate": str(day)})
    assert set().union(*(sids(day_range(d)) for d in DAYS)) == {a["sid"] for a in everything}


def iso_s(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_log_level_splits_the_list(api):
    everything = {a["sid"] for a in api.all(ALERTS, "alerts", ALL)}
    parts = {
        level: {a["sid"] for a in api.all(ALERTS, "alerts", {"LogLevel": level, **ALL})}
        for level in ("error", "warning", "notice", "debug")
    }
    assert parts["error"] and parts["warning"]
    assert parts["error"] | parts["warning"] | parts["notice"] | parts["debug"] == everything
    assert not parts["error"] & parts["warning"]
    refused = api.get(ALERTS, {"LogLevel": "fatal"})
    assert refused.status_code == 400 and refused.json()["code"] == 20001
    bad_date = api.get(ALERTS, {"StartDate": "last tuesday"})
    assert bad_date.status_code == 400 and bad_date.json()["code"] == 20001


def test_alerts_older_than_30_days_are_refused_as_beyond_retention(api):
    oldest = NOW.date() - timedelta(days=30)
    assert api.get(ALERTS, {"StartDate": str(oldest), "EndDate": str(oldest)}).status_code == 200
    for params in (
        {"StartDate": str(oldest - timedelta(days=1)), "EndDate": str(oldest)},
        day_range(oldest - timedelta(days=1)),
        {"EndDate": f"{oldest - timedelta(days=1)}T23:59:59Z"},
    ):
        refused = api.get(ALERTS, params)
        assert refused.status_code == 400, params
        body = refused.json()
        openapi_schema_validator.validate(body, error_schema())
        assert body["code"] == 20004 and "beyond retention" in body["message"]
    assert api.get(ALERTS).status_code == 200  # no range: the 30 days kept


# --- the clock -------------------------------------------------------------------------


def test_an_alert_is_listed_once_twilio_has_stored_it(api, admin, product, main_sid):
    alert = next(a for a in product.alerts_on(main_sid, DAYS[1].toordinal()) if a.created > a.generated)
    params = {**day_range(DAYS[1]), **ALL}
    admin.set_now(at(alert.generated, 0.5))
    assert alert.sid not in {a["sid"] for a in api.all(ALERTS, "alerts", params)}  # still buffered
    admin.set_now(at(alert.created, 0.5))
    assert alert.sid in {a["sid"] for a in api.all(ALERTS, "alerts", params)}


def test_the_next_day_brings_new_alerts_and_ages_the_oldest_out(api, admin, world, main_sid):
    today = NOW.date()
    before = {a["sid"] for a in api.all(ALERTS, "alerts", ALL)}
    admin.set_now(NOW + timedelta(days=1))
    tomorrow = api.all(ALERTS, "alerts", {**day_range(today + timedelta(days=1)), **ALL})
    assert tomorrow and not {a["sid"] for a in tomorrow} & before
    admin.set_now(NOW + timedelta(days=31))
    aged = api.get(ALERTS, day_range(DAYS[0]))
    assert aged.status_code == 400 and aged.json()["code"] == 20004
    assert list(expected_records(world, "alerts", [main_sid], [DAYS[0]])) == []


# --- events ----------------------------------------------------------------------------


def test_events_name_real_resources(api, sub_api, admin, world, config):
    trunks = {t.sid for t in world.product_for("trunks").of_account(config.main_account_sid)}
    for account_sid, client in ((config.main_account_sid, api), (config.account_sid_of("sub1"), sub_api)):
        events = client.all(EVENTS, "events", ALL)
        assert events and {e["account_sid"] for e in events} == {account_sid}
        numbers = {n["sid"] for n in api.all(v2010(account_sid, "IncomingPhoneNumbers"), "incoming_phone_numbers")}
        addresses = {a["sid"] for a in api.all(v2010(account_sid, "Addresses"), "addresses")}
        recordings = {
            r["sid"]
            for r in api.all(v2010(account_sid, "Recordings"), "recordings", {"IncludeSoftDeleted": "true", **ALL})
        }
        services = {s["sid"] for s in client.all("/messaging/v1/Services", "services")}
        known = {"PN": numbers, "AD": addresses, "RE": recordings, "MG": services, "TK": trunks}
        for event in events:
            assert event["resource_sid"] in known[event["resource_sid"][:2]], event
            assert event["links"]["resource"].startswith(api.base_url)
            if event["event_type"] == "phone-number.updated":
                assert event["event_data"]["resource_properties"]["messaging_service_sid"]["updated"] in services
            if event["source"] == "twilio":
                assert event["source_ip_address"] is None and event["actor_sid"] is None
        assert [e["event_date"] for e in events] == sorted((e["event_date"] for e in events), reverse=True)
    kinds = {e["event_type"] for e in api.all(EVENTS, "events", ALL)}
    assert {"phone-number.updated", "messaging-service.created", "trunk.deleted"} <= kinds


def test_recordings_deleted_through_the_api_are_logged(server_busy):
    api, world, main_sid = server_busy  # enough calls that some recordings are deleted
    deleted = {
        r["sid"]: r
        for r in api.all(v2010(main_sid, "Recordings"), "recordings", {"IncludeSoftDeleted": "true", **ALL})
        if r["status"] == "deleted"
    }
    logged = api.all(EVENTS, "events", {"EventType": "recording.deleted", **ALL})
    assert deleted and {e["resource_sid"] for e in logged} == deleted.keys()
    for event in logged:
        assert event["event_data"] == {"call_sid": deleted[event["resource_sid"]]["call_sid"]}
        assert event["source"] == "api" and event["actor_type"] == "account"
        assert event["links"]["actor"] == f"{api.base_url}/2010-04-01/Accounts/{main_sid}.json"


def test_event_filters(api):
    events = api.all(EVENTS, "events", ALL)
    sample = next(e for e in events if e["source"] == "web")
    for name, field in (
        ("EventType", "event_type"),
        ("ResourceSid", "resource_sid"),
        ("ActorSid", "actor_sid"),
        ("SourceIpAddress", "source_ip_address"),
    ):
        filtered = api.all(EVENTS, "events", {name: sample[field], **ALL})
        assert filtered == [e for e in events if e[field] == sample[field]], name
    day = parse_iso(sample["event_date"]).date()
    on_day = [e for e in events if parse_iso(e["event_date"]).date() == day]
    assert api.all(EVENTS, "events", {**day_range(day), **ALL}) == on_day
    exact = api.all(EVENTS, "events", {"StartDate": sample["event_date"], "EndDate": sample["event_date"]})
    assert sample in exact


def test_an_event_appears_when_it_happens(api, admin, world, main_sid):
    trunk = next(t for t in world.product_for("trunks").of_account(main_sid) if t.records_from is not None)
    params = {"ResourceSid": trunk.sid, "EventType": "trunk.updated"}
    admin.set_now(at(trunk.records_from, -1))
    assert api.all(EVENTS, "events", params) == []
    admin.set_now(at(trunk.records_from, 1))
    (event,) = api.all(EVENTS, "events", params)
    assert event["event_date"] == iso(trunk.records_from)
    assert event["event_data"]["resource_properties"]["recording"]["updated"] == "record-from-answer"


# --- whose lists, the SDK and the oracle -------------------------------------------------


def test_main_credentials_never_list_a_subaccounts_alerts_or_events(api, key_api, sub_api, config):
    main = {a["sid"] for a in api.all(ALERTS, "alerts", ALL)}
    assert {a["sid"] for a in key_api.all(ALERTS, "alerts", ALL)} == main
    assert not main & {a["sid"] for a in sub_api.all(ALERTS, "alerts", ALL)}
    assert not {e["sid"] for e in api.all(EVENTS, "events", ALL)} & {
        e["sid"] for e in sub_api.all(EVENTS, "events", ALL)
    }


def test_the_sdk_lists_both_with_datetimes(config, server, world, main_sid):
    pytest.importorskip("twilio", reason="the twilio SDK is a dev dependency")
    from test_sandbox_sdk import SandboxHttpClient, _check
    from twilio.rest import Client

    http = SandboxHttpClient(server.base_url)
    client = Client(config.main_account_sid, config.auth_token, http_client=http)
    day = DAYS[1]
    start = datetime(day.year, day.month, day.day, tzinfo=NOW.tzinfo)
    end = start + timedelta(hours=23, minutes=59, seconds=59)
    alerts = client.monitor.v1.alerts.list(start_date=start, end_date=end, page_size=5)
    _check(alerts, list(expected_records(world, "alerts", [main_sid], [day])))
    events = client.monitor.v1.events.list(start_date=start - timedelta(days=1), end_date=end, page_size=2)
    _check(events, list(expected_records(world, "events", [main_sid], [day, day - timedelta(days=1)])))
    assert http.hosts == {"monitor.twilio.com", urlsplit(server.base_url).netloc}


def test_the_oracle_is_what_each_account_lists_day_by_day(api, server, config, world):
    for nick in config.nicknames:
        account_sid = config.account_sid_of(nick)
        client = Api(server.base_url, auth=(account_sid, config.account_auth_token(nick)))
        for day in DAYS:
            for path, collection in ((ALERTS, "alerts"), (EVENTS, "events")):
                served = client.all(path, collection, {**day_range(day), **ALL})
                assert served == list(expected_records(world, collection, [account_sid], [day])), (
                    nick,
                    day,
                    collection,
                )
        everything = list(expected_records(world, "alerts", [account_sid]))
        assert everything == client.all(ALERTS, "alerts", ALL)
