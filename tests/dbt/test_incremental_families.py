"""The other families' incremental models (conversations, Studio, message media, alerts, the numbers a
call leg used, Verify attempts, daily spend) over the ticks scenario (tests/dbt/ticks.py): the scenario
changes each family between ticks, every later build rewrites some but not all of each family's rows,
and the parents stamped deleted by hand take their children out of the models, which bring them back
once a sync lists the parent again. Expectations come from the sandbox world (the records each tick's
sync stored) and the raw tables, never from the models under test; that the models equal a full
refresh of the same data is test_incremental.py's business.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from decimal import Decimal
from typing import Any

from .conftest import query
from .ticks import Scenario, Tick

FAMILIES = {
    "conversations": (
        "int_twilio__conversations",
        "int_twilio__conversation_messages",
        "int_twilio__conversation_participants",
        "fct_conversations",
    ),
    "studio": ("int_twilio__studio_executions", "int_twilio__studio_execution_steps", "fct_studio_executions"),
    "messaging": ("int_twilio__message_media",),
    "monitor": ("int_twilio__alerts",),
    "v2010 lists": ("int_twilio__call_leg_numbers",),
    "verify": ("int_twilio__verify_attempts",),
    "spend": ("fct_spend_daily",),
}


def moment(value: str | None) -> dt.datetime | None:
    """A Twilio time: RFC 2822 (API 2010-04-01) or ISO 8601 (the newer APIs)."""
    if not value:
        return None
    if value[:1].isdigit():
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return email.utils.parsedate_to_datetime(value)


def day(value: str | None) -> dt.date | None:
    found = moment(value)
    return found.astimezone(dt.UTC).date() if found else None


def sids(keys: set[str]) -> set[str]:
    """The SIDs of model keys (`<instance>:<sid>`)."""
    return {key.split(":", 1)[1] for key in keys}


def latest(ticks: Scenario, collection: str) -> dict[str, dict[str, Any]]:
    """Every record a sync stored, as the last sync that listed it stored it."""
    records: dict[str, dict[str, Any]] = {}
    for tick in ticks.ticks:
        records.update(tick.seen[collection])
    return records


def stored_between(ticks: Scenario, table: str, tick: Tick, where: str = "true") -> list[tuple]:
    """Raw rows of `table` (usage key or SID, start day if any) that the tick's sync changed, arrived,
    deleted or brought back."""
    column = "usage_key" if table == "usage_records" else "sid"
    day_column = "start_date" if table == "usage_records" else "null::date"
    return query(
        ticks.env,
        f"select {column}, {day_column}, _first_loaded_at >= %s from twilio.{table} "
        f"where greatest(_last_changed_at, _deleted_at) between %s and %s and {where}",
        (tick.synced[0], *tick.synced),
    )


def test_every_family_model_is_incremental(ticks: Scenario):
    models = {model for family in FAMILIES.values() for model in family}
    assert models <= set(ticks.incremental_models)
    assert all(model in ticks.ticks[0].full_markers for model in models)


def test_the_scenario_changes_every_family(ticks: Scenario):
    """What moves between the ticks in the sandbox world, so each family's incremental path is used."""
    start, late, midnight = ticks.ticks
    for earlier, later in ((start, late), (late, midnight)):
        conversations = [
            sid
            for sid, record in later.seen["conversations"].items()
            if sid in earlier.seen["conversations"] and record["state"] != earlier.seen["conversations"][sid]["state"]
        ]
        assert conversations, f"{later.label}: no conversation changed state"
        assert set(later.seen["alerts"]) - set(earlier.seen["alerts"]), f"{later.label}: no alert arrived"
        assert set(later.seen["studio_executions"]) - set(earlier.seen["studio_executions"]), later.label
        assert stored_between(ticks, "verify_attempts", later), f"{later.label}: no Verify attempt arrived"
    # Yesterday's usage is re-rated after midnight.
    rerated = [row for row in stored_between(ticks, "usage_records", midnight) if not row[2]]
    assert {row[1] for row in rerated} == {midnight.days[0]}
    # A flow is revised.
    revised = [
        sid
        for sid, record in midnight.seen["studio_flows"].items()
        if record["revision"] != late.seen["studio_flows"][sid]["revision"]
    ]
    assert revised
    # Messages with media are deleted (their media stay in the raw table: nobody lists them again).
    assert deleted_media(late, midnight)


def deleted_media(late: Tick, midnight: Tick) -> dict[str, dict[str, Any]]:
    """Media of messages the midnight sync found deleted (re-read days, no longer listed)."""
    gone = {
        sid
        for sid, record in late.seen["messages"].items()
        if sid not in midnight.seen["messages"] and day(record["date_sent"] or record["date_created"]) in midnight.days
    }
    return {sid: media for sid, media in late.seen["message_media"].items() if media["parent_sid"] in gone}


def test_later_ticks_rewrite_some_but_not_all_of_each_family(ticks: Scenario):
    first, *later = ticks.ticks
    for tick in later:
        assert tick.full_markers == [], tick.label
        for family, models in FAMILIES.items():
            for model in models:
                assert tick.rewritten.get(model, 0) > 0, (tick.label, family, model, tick.rewritten)
                assert tick.untouched[model] > 0, (tick.label, family, model, tick.untouched[model], tick.rows[model])


def test_unchanged_records_are_left_alone(ticks: Scenario):
    """Records whose raw rows and links did not change are not rewritten: old alerts, old Verify
    attempts (their service's raw record changed, its name did not), the old executions of a flow that
    was revised, the spend of days no sync re-read."""
    start, late, midnight = ticks.ticks
    new_alerts = set(late.seen["alerts"]) - set(start.seen["alerts"])
    rewritten_alerts = sids(late.rewritten_keys["int_twilio__alerts"])
    assert new_alerts <= rewritten_alerts and set(start.seen["alerts"]) - rewritten_alerts
    changed_services = [sid for sid, _, _ in stored_between(ticks, "verify_services", late)]
    assert changed_services, "no Verify service changed: the rule is not exercised"
    old_attempts = {
        sid
        for (sid,) in query(
            ticks.env,
            "select sid from twilio.verify_attempts where service_sid = any(%s) and _last_changed_at < %s",
            (changed_services, late.synced[0]),
        )
    }
    assert old_attempts and not old_attempts & sids(late.rewritten_keys["int_twilio__verify_attempts"])
    (revised,) = [
        sid
        for sid, record in midnight.seen["studio_flows"].items()
        if record["revision"] != late.seen["studio_flows"][sid]["revision"]
    ]
    assert revised not in late.families_deleted_by_hand["studio_flows"]
    old_executions = {
        sid
        for sid, record in start.seen["studio_executions"].items()
        if record["flow_sid"] == revised and day(record["date_created"]) not in midnight.days
    }
    assert old_executions and not old_executions & sids(midnight.rewritten_keys["int_twilio__studio_executions"])
    untouched_days = [d for d in start.days if d not in late.days and d not in midnight.days]
    assert untouched_days
    for tick in (late, midnight):
        rewritten = {key.split(":", 1)[1] for key in tick.rewritten_keys["fct_spend_daily"]}
        days = {
            d
            for (d,) in query(
                ticks.env, "select start_date from twilio.usage_records where usage_key = any(%s)", (list(rewritten),)
            )
        }
        assert days and not days & set(untouched_days), (tick.label, days)


def test_a_deleted_conversation_takes_its_messages_and_participants_along_and_back(ticks: Scenario):
    start, late, midnight = ticks.ticks
    (conversation,) = late.families_deleted_by_hand["conversations"]
    before = {
        collection: {sid for sid, r in start.seen[collection].items() if r["conversation_sid"] == conversation}
        for collection in ("conversation_messages", "conversation_participants")
    }
    assert before["conversation_messages"] and before["conversation_participants"]
    # The late build: the conversation and everything under it leave, though their raw rows are live.
    assert late.families["raw conversation_messages"] and late.families["raw conversation_participants"]
    for model in FAMILIES["conversations"]:
        assert late.families[model] == [], model
    assert before["conversation_messages"] <= sids(late.rewritten_keys["int_twilio__conversation_messages"])
    assert before["conversation_participants"] <= sids(late.rewritten_keys["int_twilio__conversation_participants"])
    # The midnight sync lists it again: it comes back with its messages (older ones included, which no
    # sync changed) and participants.
    assert conversation in midnight.seen["conversations"]
    expected = {
        collection: sorted(sid for sid, r in latest(ticks, collection).items() if r["conversation_sid"] == conversation)
        for collection in ("conversation_messages", "conversation_participants")
    }
    assert set(before["conversation_messages"]) <= set(expected["conversation_messages"])
    assert midnight.families["int_twilio__conversations"] == [conversation]
    for collection, model in (
        ("conversation_messages", "int_twilio__conversation_messages"),
        ("conversation_participants", "int_twilio__conversation_participants"),
    ):
        assert midnight.families[model] == expected[collection] == midnight.families[f"raw {collection}"], model
    assert midnight.families["fct_conversations"] == [
        (conversation, len(expected["conversation_messages"]), len(expected["conversation_participants"]))
    ]


def test_a_deleted_execution_and_flow_take_their_children_along_and_back(ticks: Scenario):
    start, late, midnight = ticks.ticks
    (flow,) = late.families_deleted_by_hand["studio_flows"]
    (execution,) = late.families_deleted_by_hand["studio_executions"]
    executions = latest(ticks, "studio_executions")
    steps = latest(ticks, "studio_execution_steps")
    assert executions[execution]["flow_sid"] != flow and execution in start.seen["studio_executions"]
    family = {sid for sid, r in executions.items() if r["flow_sid"] == flow} | {execution}
    # Executions of days the midnight sync does not re-read: only the raw tables can bring them back.
    assert {sid for sid in family if day(executions[sid]["date_created"]) not in midnight.days}
    family_steps = {sid for sid, r in steps.items() if r["execution_sid"] in family}
    assert family_steps
    for model in FAMILIES["studio"]:
        assert late.families[model] == [], model
    assert set(late.families["raw studio_executions"]) == {
        sid
        for sid in family - {execution}
        if sid in start.seen["studio_executions"] or sid in late.seen["studio_executions"]
    }
    assert late.families["raw studio_execution_steps"]
    assert {execution, flow} <= {*midnight.seen["studio_executions"], *midnight.seen["studio_flows"]}
    assert (
        set(midnight.families["int_twilio__studio_executions"])
        == family
        == set(midnight.families["raw studio_executions"])
    )
    assert set(midnight.families["int_twilio__studio_execution_steps"]) == family_steps
    assert set(midnight.families["raw studio_execution_steps"]) == family_steps
    step_counts = {sid: sum(1 for r in steps.values() if r["execution_sid"] == sid) for sid in family}
    assert dict(midnight.families["fct_studio_executions"]) == step_counts


def test_media_of_a_deleted_message_stay_on_their_own_day(ticks: Scenario):
    """A message the midnight sync found deleted leaves its media unresolved, counted on their own day."""
    _, late, midnight = ticks.ticks
    media = deleted_media(late, midnight)
    assert media
    assert set(media) <= sids(midnight.rewritten_keys["int_twilio__message_media"])
    rows = {
        sid: (resolved, activity_date)
        for sid, resolved, activity_date in query(
            ticks.env,
            "select media_sid, resolved_message_key, activity_date from twilio_linkage.int_twilio__message_media "
            "where media_sid = any(%s)",
            (list(media),),
        )
    }
    assert rows == {sid: (None, day(record["date_created"])) for sid, record in media.items()}


def test_a_daily_total_listed_again_rewrites_its_days_spend(ticks: Scenario):
    """The start build found yesterday's `totalprice` deleted: that day's spend rows carry no total.
    The late sync lists it again, unchanged, and only it: the late build rewrites every spend row of
    the day with the total."""
    start, late, _ = ticks.ticks
    (total,) = start.families_deleted_by_hand["usage_records"]
    (price, deleted_at, changed_at, total_day) = query(
        ticks.env,
        "select price, _deleted_at, greatest(_last_changed_at, _deleted_at), start_date from twilio.usage_records "
        "where usage_key = %s",
        (total,),
    )[0]
    assert deleted_at is None and late.synced[0] <= changed_at <= late.synced[1]
    others = query(
        ticks.env,
        "select max(greatest(_last_changed_at, _deleted_at)) from twilio.usage_records "
        "where start_date = %s and end_date = start_date and usage_key <> %s",
        (total_day, total),
    )[0][0]
    assert others < late.synced[0], "the day's other records changed: the rule is not exercised"
    assert start.families["fct_spend_daily"] and all(row[1] is None for row in start.families["fct_spend_daily"])
    assert late.families["fct_spend_daily"] and all(
        row[1] == Decimal(price) for row in late.families["fct_spend_daily"]
    )
    assert {key for key, _ in late.families["fct_spend_daily"]} <= late.rewritten_keys["fct_spend_daily"]
