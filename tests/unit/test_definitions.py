"""The code location loads, and its assets, job and schedule are what users are promised."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pytest

from twilio_assets.catalog import ALL_COLLECTIONS
from twilio_assets.defs.automation import RANGE_END_TAG, RANGE_START_TAG, SYNC_JOB, SYNC_SCHEDULE

EXAMPLE = Path(__file__).resolve().parents[2] / "twilio_instances.example.yaml"


def load(monkeypatch, instances_file: Path | None = None, **env: str) -> dg.Definitions:
    for name in ("TWILIO_INSTANCES_FILE", "TWILIO_START_DATE"):
        monkeypatch.delenv(name, raising=False)
    if instances_file:
        monkeypatch.setenv("TWILIO_INSTANCES_FILE", str(instances_file))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    from twilio_assets.definitions import defs

    definitions = defs()
    dg.Definitions.validate_loadable(definitions)
    return definitions


def raw_specs(definitions: dg.Definitions) -> dict[dg.AssetKey, dg.AssetSpec]:
    graph = definitions.resolve_asset_graph()
    return {key: graph.get(key) for key in graph.get_all_asset_keys() if graph.get(key).group_name.startswith("raw_")}


def test_default_instance_has_one_daily_partitioned_asset_per_collection(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no instances file here
    definitions = load(monkeypatch, TWILIO_START_DATE="2026-03-01")
    raw = raw_specs(definitions)
    assert set(raw) == {dg.AssetKey(["twilio", c.name]) for c in ALL_COLLECTIONS}
    calls = raw[dg.AssetKey(["twilio", "calls"])]
    assert calls.group_name == "raw_twilio__voice"
    assert raw[dg.AssetKey(["twilio", "messages"])].group_name == "raw_twilio__messaging"
    assert calls.kinds == {"twilio", "postgres"}
    assert "StartTime=YYYY-MM-DD" in calls.description
    partitions = calls.partitions_def
    assert isinstance(partitions, dg.DailyPartitionsDefinition)
    assert partitions.get_first_partition_key() == "2026-03-01"
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert partitions.get_last_partition_key() == today  # today is a partition while it fills up
    assert calls.backfill_policy == dg.BackfillPolicy.single_run()
    assert calls.metadata["dagster/table_name"] == "postgres.twilio.calls"
    assert "sid" in [c.name for c in calls.metadata["dagster/column_schema"].columns]
    checks = {check.name for check in definitions.resolve_asset_graph().asset_check_keys}
    assert {"listed_equals_stored", "recent_days_synced"} <= checks


def test_each_instance_is_its_own_group_and_schema(monkeypatch):
    raw = raw_specs(load(monkeypatch, EXAMPLE))
    groups = {spec.group_name.split("__")[0] for spec in raw.values()}
    assert groups == {"raw_prod", "raw_eu"}
    assert dg.AssetKey(["twilio_eu", "calls"]) in raw and dg.AssetKey(["twilio_eu", "messages"]) not in raw


def test_the_schedule_is_off_by_default_and_runs_every_three_hours(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    definitions = load(monkeypatch, TWILIO_START_DATE="2026-01-01")
    schedule = definitions.resolve_schedule_def(SYNC_SCHEDULE)
    assert schedule.cron_schedule == "0 */3 * * *"
    assert schedule.execution_timezone == "UTC"
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    assert definitions.resolve_job_def(SYNC_JOB) is not None


def evaluate(definitions: dg.Definitions, moment: dt.datetime) -> list[dg.RunRequest]:
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_schedule_context(
            instance=instance, repository_def=definitions.get_repository_def(), scheduled_execution_time=moment
        )
        return list(definitions.resolve_schedule_def(SYNC_SCHEDULE).evaluate_tick(context).run_requests or [])


def test_a_tick_refreshes_today_and_yesterday_as_one_run(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    definitions = load(monkeypatch, TWILIO_START_DATE="2026-01-01")
    (request,) = evaluate(definitions, dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC))
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == ("2026-03-09", "2026-03-10")
    assert set(request.asset_selection) >= {dg.AssetKey(["twilio", "calls"])}
    # Ticks of the same day are distinct runs, not deduplicated away.
    (later,) = evaluate(definitions, dt.datetime(2026, 3, 10, 6, 0, tzinfo=dt.UTC))
    assert later.run_key != request.run_key


def test_instances_with_different_lookbacks_get_their_own_ranges(monkeypatch):
    definitions = load(monkeypatch, EXAMPLE, TWILIO_START_DATE="2026-01-01")
    requests = evaluate(definitions, dt.datetime(2026, 3, 10, 21, 0, tzinfo=dt.UTC))
    ranges = {
        (r.tags[RANGE_START_TAG], r.tags[RANGE_END_TAG]): {key.path[0] for key in r.asset_selection} for r in requests
    }
    assert ranges[("2026-03-09", "2026-03-10")] >= {"twilio_eu"}
    assert ranges[("2026-03-08", "2026-03-10")] >= {"twilio_prod"}
    assert "twilio_prod" not in ranges[("2026-03-09", "2026-03-10")]
    # Every run ends with the dbt models, so each instance's fresh rows reach the marts on its tick.
    assert all("twilio_marts" in schemas for schemas in ranges.values())


def test_no_run_before_the_first_partition(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    definitions = load(monkeypatch, TWILIO_START_DATE="2026-06-01")
    assert evaluate(definitions, dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC)) == []


@pytest.mark.parametrize("bad", ["twilio-prod", "Prod"])
def test_a_bad_instances_file_stops_the_load_with_the_fix(monkeypatch, tmp_path, bad):
    path = tmp_path / "twilio_instances.yaml"
    path.write_text(f"instances:\n  - name: prod\n    schema: {bad}\n")
    with pytest.raises(Exception, match="schema name"):
        load(monkeypatch, path)
