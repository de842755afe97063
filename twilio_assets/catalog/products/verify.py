"""The `verify` collections: one declarative entry each (descriptions in glossary/verify.py)."""

from __future__ import annotations

from ...read_modes import TimeRange, WholeList
from ..collection import Api, Collection
from ..columns import columns

VERIFY_SERVICES = Collection(
    name="verify_services",
    product="verify",
    description="Verify services of the account and their settings. A short list without a date filter: read whole.",
    api=Api.VERIFY,
    path="/v2/Services",
    list_key="services",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid friendly_name:text code_length:integer lookup_enabled:boolean
        psd2_enabled:boolean skip_sms_to_landlines:boolean dtmf_input_required:boolean tts_name:text
        do_not_share_warning_enabled:boolean custom_code_enabled:boolean push:jsonb totp:jsonb
        default_template_sid:sid whatsapp:jsonb passkeys:jsonb verify_event_subscription_enabled:boolean
        date_created:iso8601 date_updated:iso8601 url:text links:jsonb"""
    ),
    read=WholeList(),
    per_account=False,
)

VERIFY_ATTEMPTS = Collection(
    name="verify_attempts",
    product="verify",
    description=(
        "Verification attempts (each message, call or email that carried a code), the ones Verify bills. "
        "Read one UTC day at a time with `DateCreatedAfter`/`DateCreatedBefore`; price, delivery and "
        "conversion change after creation and are updated when the day is read again. Twilio lists the "
        "last 30 days only."
    ),
    api=Api.VERIFY,
    path="/v2/Attempts",
    list_key="attempts",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid service_sid:sid verification_sid:sid date_created:iso8601
        date_updated:iso8601 conversion_status:text channel:text price=price.value:numeric
        price_unit=price.currency:text country=channel_data.country:text
        message_status=channel_data.message_status:text channel_data:jsonb url:text"""
    ),
    read=TimeRange("DateCreatedAfter", "DateCreatedBefore", "date_created", bounds="iso"),
    per_account=False,
)

COLLECTIONS: tuple[Collection, ...] = (VERIFY_SERVICES, VERIFY_ATTEMPTS)
