"""The `taskrouter` collections: one declarative entry each (descriptions in glossary/taskrouter.py)."""

from __future__ import annotations

from ...read_modes import Parents, PerParent, WholeList
from ..collection import Api, Collection
from ..columns import columns

WORKSPACES = "/v1/Workspaces"
EVERY_WORKSPACE = Parents(path=WORKSPACES, list_key="workspaces", fields={"workspace_sid": "sid"})

TASKROUTER_WORKSPACES = Collection(
    name="taskrouter_workspaces",
    product="taskrouter",
    description="TaskRouter workspaces of the account. A short list without a date filter: read whole on every run.",
    api=Api.TASKROUTER,
    path=WORKSPACES,
    list_key="workspaces",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid friendly_name:text default_activity_name:text default_activity_sid:sid
        event_callback_url:text events_filter:text multi_task_enabled:boolean timeout_activity_name:text
        timeout_activity_sid:sid prioritize_queue_order:text date_created:iso8601 date_updated:iso8601
        url:text links:jsonb"""
    ),
    read=WholeList(),
    per_account=False,
)

TASKROUTER_WORKERS = Collection(
    name="taskrouter_workers",
    product="taskrouter",
    description=(
        "The workers of every workspace, with their current activity. Workspaces are listed whole, then "
        "each one's workers whole, on every run."
    ),
    api=Api.TASKROUTER,
    path="/v1/Workspaces/{workspace_sid}/Workers",
    list_key="workers",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid workspace_sid:sid friendly_name:text activity_name:text activity_sid:sid
        attributes:text available:boolean date_created:iso8601 date_status_changed:iso8601
        date_updated:iso8601 url:text links:jsonb"""
    ),
    read=PerParent(parents=EVERY_WORKSPACE, parent_key="workspace_sid"),
    per_account=False,
)

TASKROUTER_TASKS = Collection(
    name="taskrouter_tasks",
    product="taskrouter",
    description=(
        "The tasks of every workspace. Workspaces are listed whole, then each one's tasks whole (no date "
        "filter exists). Twilio deletes finished tasks after a while, so a task no longer listed is marked "
        "deleted: the warehouse keeps its last state."
    ),
    api=Api.TASKROUTER,
    path="/v1/Workspaces/{workspace_sid}/Tasks",
    list_key="tasks",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid workspace_sid:sid age:integer assignment_status:text attributes:text
        addons:text priority:integer reason:text task_queue_sid:sid task_queue_friendly_name:text
        task_channel_sid:sid task_channel_unique_name:text timeout:integer workflow_sid:sid
        workflow_friendly_name:text routing_target:sid ignore_capacity:boolean
        task_queue_entered_date:iso8601 virtual_start_time:iso8601 date_created:iso8601
        date_updated:iso8601 url:text links:jsonb"""
    ),
    read=PerParent(parents=EVERY_WORKSPACE, parent_key="workspace_sid"),
    per_account=False,
)

COLLECTIONS: tuple[Collection, ...] = (TASKROUTER_WORKSPACES, TASKROUTER_WORKERS, TASKROUTER_TASKS)
