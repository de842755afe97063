"""The code location: raw Twilio assets per instance, dbt models, the sync job and its schedule.

Needs the dbt manifest: `python -m twilio_assets.dbt.prepare` (the Makefile and `dagster dev` run it).
"""

from __future__ import annotations

import warnings

import dagster as dg

# BackfillPolicy is still flagged beta in Dagster 1.13; single-run backfills are a deliberate choice
# here (one run reads a whole range of days), so that one notice is silenced, nothing else.
warnings.filterwarnings("ignore", message=r".*`backfill_policy`.*", category=dg.BetaWarning)


@dg.definitions
def defs() -> dg.Definitions:
    # Imported here so that importing the package stays cheap (the sandbox and tests need no Dagster).
    # The instances: the instances file's and those declared as components (twilio_assets/defs_components/).
    from .components import load_settings_with_components
    from .defs.automation import step_executor, sync_job, sync_schedule
    from .defs.dbt_models import build_dbt_definitions
    from .defs.raw_assets import build_raw_asset_checks, build_raw_assets, raw_asset_key
    from .defs.resources import resources_for

    settings = load_settings_with_components()
    raw_assets = build_raw_assets(settings)
    raw_keys = {
        instance.name: [raw_asset_key(instance, collection) for collection in instance.collections]
        for instance in settings.instances
    }
    dbt = build_dbt_definitions()
    dbt_assets = [assets_def for assets_def in dbt.assets or [] if isinstance(assets_def, dg.AssetsDefinition)]
    model_keys = [key for assets_def in dbt_assets for key in assets_def.keys]
    job = sync_job(dg.AssetSelection.assets(*raw_assets, *dbt_assets))
    sync = dg.Definitions(
        assets=raw_assets,
        asset_checks=build_raw_asset_checks(settings),
        jobs=[job],
        schedules=[sync_schedule(settings, job, raw_keys, model_keys)],
        resources=resources_for(settings),
        executor=step_executor(),
    )
    return dg.Definitions.merge(sync, dbt)
