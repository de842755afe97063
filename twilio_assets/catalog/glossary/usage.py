"""Column descriptions of the `usage` collections (see core.py for the conventions).

Usage records are Twilio's own rating of an account's use, per period and category. Unlike the price of
a call or message, a usage record's price is what was charged, as a positive amount. Categories nest
(`totalprice` holds every other; `calls` holds `calls-inbound` and `calls-outbound`; ...), so only leaf
categories may be added up. Everything else (account_sid, uri, api_version, ...) reads as in core.py.
"""

from __future__ import annotations

FIELDS: dict[str, str] = {}

# One entry per line reads as a table, so the formatter leaves this dict alone.
# fmt: off
OVERRIDES: dict[tuple[str, str], str] = {
    # usage_records
    ("usage_records", "usage_key"): "Primary key: account_sid|category|start_date|end_date (usage records have no SID).",
    ("usage_records", "account_sid"): "SID of the account whose own usage this is (AC…); read without subaccounts, so no usage counts twice.",
    ("usage_records", "category"): "Usage category, e.g. calls-inbound or sms-outbound-longcode; categories nest under totalprice, so add up leaves only.",
    ("usage_records", "start_date"): "First UTC day the record covers; a daily record's start_date and end_date are its day.",
    ("usage_records", "end_date"): "Last UTC day the record covers (inclusive).",
    ("usage_records", "price"): "What the usage cost in price_unit, as a positive amount; still changes for hours after the day while Twilio rates late usage.",
    ("usage_records", "price_unit"): "ISO 4217 code of the price currency; Twilio writes it in lower case here (usd).",
    ("usage_records", "count"): "Number of usage events (calls, messages, numbers, ...) in count_unit; null on totalprice.",
    ("usage_records", "count_unit"): "What count counts, e.g. calls or messages; empty on totalprice.",
    ("usage_records", "usage"): "Amount billed in usage_unit (minutes for calls, messages for SMS segments); on totalprice it equals the price.",
    ("usage_records", "usage_unit"): "Unit of usage, e.g. minutes or messages (usd on totalprice).",
    ("usage_records", "description"): "Twilio's plain-language name of the category, e.g. Inbound Voice Minutes.",
    ("usage_records", "as_of"): "When Twilio last brought the figures up to date (text, YYYY-MM-DDTHH:MM:SS+00:00, UTC).",
    ("usage_records", "uri"): "API path that lists this record again (category and dates as query parameters), relative to https://api.twilio.com.",
    ("usage_records", "subresource_uris"): "JSON object of API paths to the same category over other periods (daily, monthly, all_time, today, ...).",
    # usage_triggers
    ("usage_triggers", "sid"): "Usage trigger SID (UT…); primary key.",
    ("usage_triggers", "account_sid"): "SID of the account whose usage the trigger watches (AC…); joins accounts.sid.",
    ("usage_triggers", "friendly_name"): "Label the owner gave the trigger.",
    ("usage_triggers", "usage_category"): "Usage category the trigger watches, e.g. totalprice or sms; joins usage_records.category.",
    ("usage_triggers", "trigger_by"): "Field of the usage record the trigger compares: count, usage or price.",
    ("usage_triggers", "trigger_value"): "Value of trigger_by at which the trigger fires.",
    ("usage_triggers", "current_value"): "Current value of trigger_by over the trigger's current period, as Twilio last rated it.",
    ("usage_triggers", "recurring"): "Period the value is counted over: daily, monthly or yearly (UTC), or alltime for a one-off trigger.",
    ("usage_triggers", "callback_method"): "HTTP method of the webhook call: GET or POST.",
    ("usage_triggers", "callback_url"): "Webhook URL Twilio calls when the trigger fires; Twilio marks it personal data (PII), so treat it as such.",
    ("usage_triggers", "date_fired"): "When the trigger last fired, in UTC; null if it has not fired.",
    ("usage_triggers", "usage_record_uri"): "API path of the usage records the trigger watches, relative to https://api.twilio.com.",
    ("usage_triggers", "uri"): "API path of this trigger, relative to https://api.twilio.com.",
}
# fmt: on
