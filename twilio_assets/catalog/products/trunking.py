"""The `trunking` collections: one declarative entry each (descriptions in glossary/trunking.py)."""

from __future__ import annotations

from ...read_modes import WholeList
from ..collection import Api, Collection
from ..columns import columns

TRUNKS = Collection(
    name="trunks",
    product="voice",
    description=(
        "Elastic SIP trunks (`trunking.twilio.com/v1/Trunks`), which `calls.trunk_sid` and "
        "`incoming_phone_numbers.trunk_sid` name. A short list with no date filter: read whole on every run, "
        "so setting changes and deleted trunks show up on the next run. The instance's own account only, as "
        "the Trunking API answers for the calling account alone."
    ),
    api=Api.TRUNKING,
    path="/v1/Trunks",
    list_key="trunks",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid friendly_name:text domain_name:text auth_type:text auth_type_set:jsonb
        secure:boolean cnam_lookup_enabled:boolean symmetric_rtp_enabled:boolean transfer_mode:text
        transfer_caller_id:text recording:jsonb recording_mode=recording.mode:text disaster_recovery_url:text
        disaster_recovery_method:text date_created:iso8601 date_updated:iso8601 url:text links:jsonb"""
    ),
    read=WholeList(),
    per_account=False,
)

COLLECTIONS: tuple[Collection, ...] = (TRUNKS,)
