"""Column descriptions of the `monitor` collections (see core.py for the conventions)."""

from __future__ import annotations

FIELDS: dict[str, str] = {}

# fmt: off
OVERRIDES: dict[tuple[str, str], str] = {
    # alerts
    ("alerts", "sid"): "Alert SID (NO…); primary key.",
    ("alerts", "resource_sid"): "SID of the resource the alert is about, e.g. a call (CA…) or message (SM…/MM…); null if none.",
    ("alerts", "service_sid"): "SID of the service or resource that raised the alert, e.g. the message's Messaging Service (MG…); may be null.",
    ("alerts", "error_code"): "Twilio error code of the problem, as text (e.g. 30003); see twilio.com/docs/errors.",
    ("alerts", "log_level"): "Severity: error, warning, notice or debug.",
    ("alerts", "alert_text"): "The alert's text as Twilio sends it: URL-encoded name=value pairs (message, error code, ...).",
    ("alerts", "more_info"): "URL of the error's page in Twilio's error dictionary.",
    ("alerts", "request_method"): "HTTP method of the request that went wrong (Twilio's to your webhook, or yours to the API).",
    ("alerts", "request_url"): "URL of the request that went wrong: your webhook, or the API resource your application called.",
    ("alerts", "api_version"): "API version in use when the alert was raised; may be empty.",
    ("alerts", "date_generated"): "When the problem happened, in UTC; the alert list's StartDate/EndDate select on this.",
    ("alerts", "date_created"): "When Twilio stored the alert, in UTC; buffering can put it a little after date_generated.",
    ("alerts", "url"): "Absolute API URL of this alert on monitor.twilio.com.",
    # events
    ("events", "sid"): "Event SID (AE…); primary key.",
    ("events", "event_type"): "What happened, as RESOURCE_TYPE.ACTION, e.g. phone-number.created.",
    ("events", "resource_sid"): "SID of the resource the event changed, e.g. a number (PN…) or service (MG…).",
    ("events", "resource_type"): "Type of the resource the event changed, e.g. phone-number.",
    ("events", "actor_sid"): "SID of the Console user who caused the event (US…); null when not available.",
    ("events", "actor_type"): "Who caused the event: user (Console), account (an API request), twilio-admin, ...",
    ("events", "source"): "Where the change came from: web (Console), api, or twilio (Twilio's own systems).",
    ("events", "source_ip_address"): "IP address the change came from; null when Twilio's own systems made it.",
    ("events", "description"): "Readable summary of the event; may be null.",
    ("events", "event_data"): "JSON object of details that depend on event_type, e.g. previous and updated values of changed properties.",
    ("events", "event_date"): "When the event was recorded, in UTC; the event list's StartDate/EndDate select on this.",
    ("events", "url"): "Absolute API URL of this event on monitor.twilio.com.",
    ("events", "links"): "JSON object of related API URLs: the resource changed and, for API actions, the acting account.",
}
# fmt: on
