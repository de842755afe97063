"""The `monitor` collections: one declarative entry each (descriptions in glossary/monitor.py)."""

from __future__ import annotations

from ...read_modes import TimeRange
from ..collection import Api, Collection
from ..columns import columns

ALERTS = Collection(
    name="alerts",
    product="monitor",
    description=(
        "The debugger's alerts (`monitor.twilio.com/v1/Alerts`): errors and warnings Twilio raised about calls, "
        "messages and webhooks, each naming the resource it is about (`resource_sid`). Read one UTC day at a "
        "time on `date_generated`, with `StartDate`/`EndDate` from the day's first to its last second (both "
        "inclusive). Twilio keeps 30 days of alerts: older days are reported as not readable, and the rows "
        "already stored for them stay. The list carries no request or response bodies (only a single alert's "
        "fetch does), so none are stored. The instance's own account only, as with every Monitor list."
    ),
    api=Api.MONITOR,
    path="/v1/Alerts",
    list_key="alerts",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid resource_sid:sid service_sid:sid error_code:text log_level:text
        alert_text:text more_info:text request_method:text request_url:text api_version:text
        date_generated:iso8601 date_created:iso8601 date_updated:iso8601 url:text"""
    ),
    read=TimeRange("StartDate", "EndDate", "date_generated", bounds="iso_through"),
    per_account=False,
)

EVENTS = Collection(
    name="events",
    product="monitor",
    description=(
        "The account's audit log (`monitor.twilio.com/v1/Events`): who changed what and from where (a number "
        "bought, a service created, a recording deleted, ...), each naming the resource (`resource_sid`). Read "
        "one UTC day at a time on `event_date`, with `StartDate`/`EndDate` through the day's last second. "
        "Twilio keeps 30 days of events on its free edition and 13 months on paid ones: backfill older days "
        "while Twilio still has them. The instance's own account only."
    ),
    api=Api.MONITOR,
    path="/v1/Events",
    list_key="events",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid event_type:text resource_sid:sid resource_type:text actor_sid:sid
        actor_type:text source:text source_ip_address:text description:text event_data:jsonb
        event_date:iso8601 url:text links:jsonb"""
    ),
    read=TimeRange("StartDate", "EndDate", "event_date", bounds="iso_through"),
    per_account=False,
)

COLLECTIONS: tuple[Collection, ...] = (ALERTS, EVENTS)
