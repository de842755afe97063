"""The `messaging` collections: one declarative entry each (descriptions in glossary/messaging.py)."""

from __future__ import annotations

from ...read_modes import Parents, PerParent, WholeList
from ..collection import Api, Collection
from ..columns import columns

MESSAGING_SERVICES = Collection(
    name="messaging_services",
    product="messaging",
    description=(
        "Messaging Services (`messaging.twilio.com/v1/Services`): the sender pools messages are sent through, "
        "named by `messages.messaging_service_sid`. A short list with no date filter: read whole on every run, "
        "so settings changes and deletions show up on the next run. The Messaging API answers only for the "
        "account whose credentials call it, so an instance holds its own account's services, not its "
        "subaccounts' (those need the subaccount's own credentials, as an instance of their own)."
    ),
    api=Api.MESSAGING,
    path="/v1/Services",
    list_key="services",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid friendly_name:text usecase:text us_app_to_person_registered:boolean
        inbound_request_url:text inbound_method:text fallback_url:text fallback_method:text status_callback:text
        use_inbound_webhook_on_number:boolean sticky_sender:boolean mms_converter:boolean smart_encoding:boolean
        scan_message_content:text fallback_to_long_code:boolean area_code_geomatch:boolean
        synchronous_validation:boolean validity_period:integer date_created:iso8601 date_updated:iso8601
        url:text links:jsonb"""
    ),
    read=WholeList(),
    per_account=False,
)

MESSAGING_SERVICE_PHONE_NUMBERS = Collection(
    name="messaging_service_phone_numbers",
    product="messaging",
    description=(
        "The phone numbers in each Messaging Service (`/v1/Services/{ServiceSid}/PhoneNumbers`): every run lists "
        "the services whole, then each one's numbers. `sid` is the number's own SID (`PN…`, as in "
        "incoming_phone_numbers); a number sits in one service at a time, so a number moved to another service "
        "is the same row with a new `service_sid`, and one taken out of every service is marked deleted."
    ),
    api=Api.MESSAGING,
    path="/v1/Services/{service_sid}/PhoneNumbers",
    list_key="phone_numbers",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid service_sid:sid phone_number:text country_code:text capabilities:jsonb
        date_created:iso8601 date_updated:iso8601 url:text"""
    ),
    read=PerParent(
        parents=Parents(path="/v1/Services", list_key="services", fields={"service_sid": "sid"}),
        parent_key="service_sid",
    ),
    per_account=False,
)

COLLECTIONS: tuple[Collection, ...] = (MESSAGING_SERVICES, MESSAGING_SERVICE_PHONE_NUMBERS)
