"""Column descriptions of the `taskrouter` collections (see core.py for the conventions)."""

from __future__ import annotations

FIELDS: dict[str, str] = {
    "workspace_sid": "SID of the TaskRouter workspace (WS…); joins taskrouter_workspaces.sid.",
}

# fmt: off
OVERRIDES: dict[tuple[str, str], str] = {
    # taskrouter_workspaces
    ("taskrouter_workspaces", "sid"): "Workspace SID (WS…); primary key, named by the workers' and tasks' workspace_sid.",
    ("taskrouter_workspaces", "friendly_name"): "Name the owner gave the workspace, e.g. Customer Support.",
    ("taskrouter_workspaces", "default_activity_name"): "Activity new workers start in, e.g. Offline.",
    ("taskrouter_workspaces", "default_activity_sid"): "SID of that default activity (WA…).",
    ("taskrouter_workspaces", "event_callback_url"): "URL that receives the workspace's events, if set.",
    ("taskrouter_workspaces", "events_filter"): "Comma-separated event types sent to event_callback_url (all when null).",
    ("taskrouter_workspaces", "multi_task_enabled"): "Whether a worker may handle several tasks at once.",
    ("taskrouter_workspaces", "timeout_activity_name"): "Activity a worker is moved to when a reservation times out.",
    ("taskrouter_workspaces", "timeout_activity_sid"): "SID of that timeout activity (WA…).",
    ("taskrouter_workspaces", "prioritize_queue_order"): "Which of two tasks with equal priority goes first: FIFO (oldest) or LIFO (newest).",
    ("taskrouter_workspaces", "url"): "Absolute API URL of this workspace on taskrouter.twilio.com.",
    ("taskrouter_workspaces", "links"): "JSON object of the workspace's related API URLs (workers, tasks, queues, statistics, ...).",
    # taskrouter_workers
    ("taskrouter_workers", "sid"): "Worker SID (WK…); primary key.",
    ("taskrouter_workers", "friendly_name"): "Name of the worker, unique in its workspace (case-insensitive).",
    ("taskrouter_workers", "activity_name"): "The worker's current activity, e.g. Available, Offline, Break.",
    ("taskrouter_workers", "activity_sid"): "SID of the current activity (WA…).",
    ("taskrouter_workers", "attributes"): "The worker's attributes as a JSON string; Twilio sends null in lists (only a fetch of one worker shows them).",
    ("taskrouter_workers", "available"): "Whether the current activity lets the worker take tasks.",
    ("taskrouter_workers", "date_status_changed"): "When the worker's activity last changed, in UTC.",
    ("taskrouter_workers", "url"): "Absolute API URL of this worker on taskrouter.twilio.com.",
    ("taskrouter_workers", "links"): "JSON object of the worker's related API URLs (channels, reservations, statistics, ...).",
    # taskrouter_tasks
    ("taskrouter_tasks", "sid"): "Task SID (WT…); primary key.",
    ("taskrouter_tasks", "age"): "Seconds since the task was created, as of the read that stored this row.",
    ("taskrouter_tasks", "assignment_status"): "pending, reserved, assigned, wrapping, completed or canceled.",
    ("taskrouter_tasks", "attributes"): "The task's attributes as a JSON string; Twilio sends null in lists (only a fetch of one task shows them).",
    ("taskrouter_tasks", "addons"): "Data of the installed Add-ons for this task, as a JSON string.",
    ("taskrouter_tasks", "priority"): "Priority score: a higher value is assigned before a lower one.",
    ("taskrouter_tasks", "reason"): "Why the task was completed or canceled; null before that.",
    ("taskrouter_tasks", "task_queue_sid"): "SID of the task queue the task waits in (WQ…).",
    ("taskrouter_tasks", "task_queue_friendly_name"): "Name of that task queue.",
    ("taskrouter_tasks", "task_channel_sid"): "SID of the task channel (TC…), e.g. the voice or chat channel.",
    ("taskrouter_tasks", "task_channel_unique_name"): "Unique name of the task channel, e.g. voice, chat, sms.",
    ("taskrouter_tasks", "timeout"): "Seconds the task may wait to be assigned before it is canceled.",
    ("taskrouter_tasks", "workflow_sid"): "SID of the workflow routing the task (WW…).",
    ("taskrouter_tasks", "workflow_friendly_name"): "Name of that workflow.",
    ("taskrouter_tasks", "routing_target"): "SID of the worker, queue or workflow the task was sent to directly, if any.",
    ("taskrouter_tasks", "ignore_capacity"): "Whether a task routed to a worker ignores that worker's capacity and availability.",
    ("taskrouter_tasks", "task_queue_entered_date"): "When the task entered its queue, in UTC.",
    ("taskrouter_tasks", "virtual_start_time"): "Time used to order the task for routing, in UTC (the creation time unless set).",
    ("taskrouter_tasks", "date_updated"): "When the task last changed (its latest status change), in UTC.",
    ("taskrouter_tasks", "url"): "Absolute API URL of this task on taskrouter.twilio.com.",
    ("taskrouter_tasks", "links"): "JSON object of the task's related API URLs (queue, workflow, workspace, reservations).",
}
# fmt: on
