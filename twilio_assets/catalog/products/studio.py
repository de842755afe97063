"""The `studio` collections: one declarative entry each (descriptions in glossary/studio.py)."""

from __future__ import annotations

from ...read_modes import DayParams, Parents, PerParent, WholeList
from ..collection import Api, Collection
from ..columns import columns

FLOWS = "/v2/Flows"
EXECUTIONS = "/v2/Flows/{flow_sid}/Executions"
# Studio's execution filters: from the day's start (inclusive) to the next day's start (exclusive), ISO 8601.
EXECUTION_DAYS = DayParams("DateCreatedFrom", "DateCreatedTo", bounds="iso")
EVERY_FLOW = Parents(path=FLOWS, list_key="flows", fields={"flow_sid": "sid"})

STUDIO_FLOWS = Collection(
    name="studio_flows",
    product="studio",
    description=(
        "Studio flows of the account (drafts and published ones, with their latest revision number). "
        "No date filter and a short list: read whole on every run."
    ),
    api=Api.STUDIO,
    path=FLOWS,
    list_key="flows",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid author_sid:sid friendly_name:text definition:jsonb status:text
        revision:integer commit_message:text valid:boolean errors:jsonb warnings:jsonb
        date_created:iso8601 date_updated:iso8601 webhook_url:text url:text links:jsonb"""
    ),
    read=WholeList(),
    per_account=False,
)

STUDIO_EXECUTIONS = Collection(
    name="studio_executions",
    product="studio",
    description=(
        "Studio flow executions (one person's run through a flow). The flows are listed whole, then each "
        "flow's executions one UTC day at a time with `DateCreatedFrom`/`DateCreatedTo`, so executions "
        "still `active` are updated, and deleted ones marked, when their day is read again."
    ),
    api=Api.STUDIO,
    path=EXECUTIONS,
    list_key="executions",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid flow_sid:sid contact_channel_address:text contact_sid:sid
        flow_version:integer context:jsonb status:text date_created:iso8601 date_updated:iso8601
        initiated_by:text url:text links:jsonb"""
    ),
    read=PerParent(parents=EVERY_FLOW, parent_key="flow_sid", child_days=EXECUTION_DAYS, child_column="date_created"),
    per_account=False,
)

STUDIO_EXECUTION_STEPS = Collection(
    name="studio_execution_steps",
    product="studio",
    description=(
        "The steps of Studio executions (each a transition from one widget to the next). Steps have no date "
        "filter: the executions created on each day of the window are listed (flow by flow), then each "
        "one's steps, whole."
    ),
    api=Api.STUDIO,
    path="/v2/Flows/{flow_sid}/Executions/{execution_sid}/Steps",
    list_key="steps",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid flow_sid:sid execution_sid:sid parent_step_sid:sid name:text
        context:jsonb transitioned_from:text transitioned_to:text type:text
        date_created:iso8601 date_updated:iso8601 url:text links:jsonb"""
    ),
    read=PerParent(
        parents=Parents(
            path=EXECUTIONS,
            list_key="executions",
            fields={"execution_sid": "sid", "flow_sid": "flow_sid"},
            by_day=EXECUTION_DAYS,
            parents=EVERY_FLOW,
        ),
        parent_key="execution_sid",
    ),
    per_account=False,
)

COLLECTIONS: tuple[Collection, ...] = (STUDIO_FLOWS, STUDIO_EXECUTIONS, STUDIO_EXECUTION_STEPS)
