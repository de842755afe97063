"""Column descriptions of the `studio` collections (see core.py for the conventions)."""

from __future__ import annotations

# Names that mean the same in every Studio collection.
FIELDS: dict[str, str] = {
    "flow_sid": "SID of the Studio flow (FW…); joins studio_flows.sid.",
    "execution_sid": "SID of the Studio execution (FN…); joins studio_executions.sid.",
}

# fmt: off
OVERRIDES: dict[tuple[str, str], str] = {
    # studio_flows
    ("studio_flows", "sid"): "Flow SID (FW…); primary key, named by studio_executions.flow_sid.",
    ("studio_flows", "author_sid"): "SID of the Twilio user (US…) who created or last saved the flow.",
    ("studio_flows", "friendly_name"): "Name the owner gave the flow.",
    ("studio_flows", "definition"): "The flow's widgets and transitions as JSON; Twilio leaves it null in lists (a fetch of one flow carries it).",
    ("studio_flows", "status"): "draft or published.",
    ("studio_flows", "revision"): "Number of the latest saved revision of the flow's definition.",
    ("studio_flows", "commit_message"): "Note saved with the latest revision; null in lists.",
    ("studio_flows", "valid"): "Whether the latest definition passed Twilio's checks; null in lists.",
    ("studio_flows", "errors"): "JSON list of problems found in the definition; null in lists.",
    ("studio_flows", "warnings"): "JSON list of warnings about the definition; null in lists.",
    ("studio_flows", "webhook_url"): "URL Twilio calls to start the flow from an incoming call or message.",
    ("studio_flows", "url"): "Absolute API URL of this flow on studio.twilio.com.",
    ("studio_flows", "links"): "JSON object of the flow's related API URLs: executions, revisions, test users.",
    # studio_executions
    ("studio_executions", "sid"): "Execution SID (FN…); primary key, named by studio_execution_steps.execution_sid.",
    ("studio_executions", "contact_channel_address"): "Who the execution talks to: the phone number (E.164), SIP address or client name that triggered it or was contacted.",
    ("studio_executions", "contact_sid"): "SID of the Studio contact (FC…): one per address, shared by that address's executions.",
    ("studio_executions", "flow_version"): "Revision of the flow that was live when the execution started.",
    ("studio_executions", "context"): "The execution's saved variables as JSON; empty in lists (its Context sub-resource holds them).",
    ("studio_executions", "status"): "active while the contact is still in the flow, ended once it has left.",
    ("studio_executions", "initiated_by"): "What started it: a call SID (CA…), a message SID (SM…), or the REST API request (RQ…).",
    ("studio_executions", "url"): "Absolute API URL of this execution on studio.twilio.com.",
    ("studio_executions", "links"): "JSON object of the execution's related API URLs: steps and context.",
    ("studio_executions", "date_created"): "When the execution started, in UTC; places it in its daily partition.",
    ("studio_executions", "date_updated"): "When the execution last changed (its latest step, or its end), in UTC.",
    # studio_execution_steps
    ("studio_execution_steps", "sid"): "Step SID (FT…); primary key.",
    ("studio_execution_steps", "parent_step_sid"): "SID of the step this one belongs under (FT…), when a widget runs a nested flow; usually null.",
    ("studio_execution_steps", "name"): "The event that moved the execution on, e.g. incomingCall, keypress, timeout.",
    ("studio_execution_steps", "context"): "The step's saved variables as JSON; empty in lists (its Context sub-resource holds them).",
    ("studio_execution_steps", "transitioned_from"): "Widget the execution left (Trigger for the first step).",
    ("studio_execution_steps", "transitioned_to"): "Widget the execution moved to (Ended for the last step).",
    ("studio_execution_steps", "type"): "Kind of the widget that was left, e.g. trigger, say-play, send-message.",
    ("studio_execution_steps", "date_created"): "When the transition happened, in UTC.",
    ("studio_execution_steps", "date_updated"): "When the step last changed, in UTC (steps do not change once made).",
    ("studio_execution_steps", "url"): "Absolute API URL of this step on studio.twilio.com.",
    ("studio_execution_steps", "links"): "JSON object of the step's related API URLs: its context.",
}
# fmt: on
