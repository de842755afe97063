"""The `usage` collections: one declarative entry each (descriptions in glossary/usage.py)."""

from __future__ import annotations

from ...read_modes import TimeRange, WholeList
from ..collection import Api, Collection
from ..columns import columns

V2010 = "/2010-04-01/Accounts/{account_sid}"

USAGE_RECORDS = Collection(
    name="usage_records",
    product="usage",
    description=(
        "What each account spent, per UTC day and usage category (`/Usage/Records/Daily.json`), read one day "
        "at a time with `StartDate`=`EndDate`=the day. Twilio includes subaccounts' usage in a parent's rows "
        "unless told not to, so every account is read with `IncludeSubaccounts=false`: each row is that "
        "account's own usage, and adding up the accounts counts nothing twice. Categories nest (`totalprice` "
        "holds everything, `calls` holds `calls-inbound`, ...): add up leaf categories only, or use "
        "`totalprice`. Twilio rates usage late, so recent days change for hours after they end: the lookback "
        "re-reads them. No SID: the key joins account, category and the two dates."
    ),
    api=Api.V2010,
    path=f"{V2010}/Usage/Records/Daily.json",
    list_key="usage_records",
    primary_key="usage_key",
    columns=columns(
        """usage_key=account_sid+category+start_date+end_date:key account_sid:sid category:text
        start_date:date end_date:date price:numeric price_unit:text count:numeric count_unit:text
        usage:numeric usage_unit:text description:text as_of:text api_version:text
        uri:text subresource_uris:jsonb"""
    ),
    read=TimeRange("StartDate", "EndDate", "start_date", bounds="date"),
    params={"IncludeSubaccounts": "false"},
)

USAGE_TRIGGERS = Collection(
    name="usage_triggers",
    product="usage",
    description=(
        "Usage triggers: alerts that call a webhook when a usage category's count, usage or price reaches a "
        "value in a period (`/Usage/Triggers.json`). A small list with no date filter: read whole on every "
        "run, so `current_value`, `date_fired` and deletions show up on the next run."
    ),
    api=Api.V2010,
    path=f"{V2010}/Usage/Triggers.json",
    list_key="usage_triggers",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid friendly_name:text usage_category:text trigger_by:text
        trigger_value:numeric current_value:numeric recurring:text callback_method:text callback_url:text
        date_fired:rfc2822 usage_record_uri:text api_version:text date_created:rfc2822
        date_updated:rfc2822 uri:text"""
    ),
    read=WholeList(),
)

COLLECTIONS: tuple[Collection, ...] = (USAGE_RECORDS, USAGE_TRIGGERS)
