"""Slow-moving account data: accounts, addresses and incoming phone numbers.

These are a handful of records per account, so they are built whole. Some predate
the first simulated day (an account's numbers exist before its traffic does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .config import NICKNAMES_MAIN, SandboxConfig
from .hashing import Draw, sid
from .phones import formatted, us_number
from .products.v2010_lists.plan import CallerId, number_applications, traffic_caller_ids
from .timefmt import DAY_US, US, day_start_us, rfc2822

API = "/2010-04-01/Accounts"

_ADDRESS_BOOK = (
    ("375 Beale St", "San Francisco", "CA", "94105", "US"),
    ("1 Main St", "Brooklyn", "NY", "11201", "US"),
    ("200 Biscayne Blvd", "Miami", "FL", "33131", "US"),
    ("500 W Madison St", "Chicago", "IL", "60661", "US"),
    ("1201 3rd Ave", "Seattle", "WA", "98101", "US"),
    ("10 Downing St", "London", "London", "SW1A 2AA", "GB"),
    ("Unter den Linden 1", "Berlin", "Berlin", "10117", "DE"),
)
_COMPANIES = ("Acme Corp", "Globex LLC", "Initech Inc", "Umbrella Health", "Hooli", "Stark Logistics")
_PLACES = ("Head office", "Warehouse", "Support center", "Branch office", "Billing address", "Lab")

ACCOUNT_SUBRESOURCES = (
    ("available_phone_numbers", "AvailablePhoneNumbers"),
    ("calls", "Calls"),
    ("conferences", "Conferences"),
    ("incoming_phone_numbers", "IncomingPhoneNumbers"),
    ("notifications", "Notifications"),
    ("outgoing_caller_ids", "OutgoingCallerIds"),
    ("recordings", "Recordings"),
    ("transcriptions", "Transcriptions"),
    ("addresses", "Addresses"),
    ("signing_keys", "SigningKeys"),
    ("connect_apps", "ConnectApps"),
    ("sip", "SIP"),
    ("authorized_connect_apps", "AuthorizedConnectApps"),
    ("usage", "Usage"),
    ("keys", "Keys"),
    ("applications", "Applications"),
    ("short_codes", "SMS/ShortCodes"),
    ("queues", "Queues"),
    ("messages", "Messages"),
    ("balance", "Balance"),
)


@dataclass(slots=True)
class Address:
    sid: str
    account_sid: str
    created: int
    customer_name: str
    friendly_name: str
    street: str
    street_secondary: str | None
    city: str
    region: str
    postal_code: str
    iso_country: str
    emergency_enabled: bool

    def render(self) -> dict:
        return {
            "account_sid": self.account_sid,
            "city": self.city,
            "customer_name": self.customer_name,
            "date_created": rfc2822(self.created),
            "date_updated": rfc2822(self.created),
            "friendly_name": self.friendly_name,
            "iso_country": self.iso_country,
            "postal_code": self.postal_code,
            "region": self.region,
            "sid": self.sid,
            "street": self.street,
            "uri": f"{API}/{self.account_sid}/Addresses/{self.sid}.json",
            "emergency_enabled": self.emergency_enabled,
            "validated": True,
            "verified": self.iso_country == "US",
            "street_secondary": self.street_secondary,
        }


@dataclass(slots=True)
class PhoneNumber:
    sid: str
    account_sid: str
    created: int
    phone_number: str
    address_sid: str | None
    emergency_address_sid: str | None
    address_requirements: str
    mms: bool
    # Twilio sends "" for an unset application SID (the spec's own example does).
    voice_application_sid: str = ""
    sms_application_sid: str = ""

    def render(self) -> dict:
        emergency = self.emergency_address_sid is not None
        return {
            "account_sid": self.account_sid,
            "address_sid": self.address_sid,
            "address_requirements": self.address_requirements,
            "api_version": "2010-04-01",
            "beta": False,
            "capabilities": {"voice": True, "sms": True, "mms": self.mms, "fax": False},
            "date_created": rfc2822(self.created),
            "date_updated": rfc2822(self.created),
            "friendly_name": formatted(self.phone_number),
            "identity_sid": None,
            "phone_number": self.phone_number,
            "origin": "twilio",
            "sid": self.sid,
            "sms_application_sid": self.sms_application_sid,
            "sms_fallback_method": "POST",
            "sms_fallback_url": "",
            "sms_method": "POST",
            "sms_url": "https://demo.twilio.com/welcome/sms/reply",
            "status_callback": "",
            "status_callback_method": "POST",
            "trunk_sid": None,
            "uri": f"{API}/{self.account_sid}/IncomingPhoneNumbers/{self.sid}.json",
            "voice_receive_mode": "voice",
            "voice_application_sid": self.voice_application_sid,
            "voice_caller_id_lookup": False,
            "voice_fallback_method": "POST",
            "voice_fallback_url": "",
            "voice_method": "POST",
            "voice_url": "https://demo.twilio.com/welcome/voice/",
            "emergency_status": "Active" if emergency else "Inactive",
            "emergency_address_sid": self.emergency_address_sid,
            "emergency_address_status": "registered" if emergency else "unregistered",
            "bundle_sid": None,
            "status": "in-use",
            "type": "local",
        }


@dataclass(slots=True)
class Account:
    sid: str
    nickname: str
    index: int
    owner_sid: str
    created: int
    auth_token: str
    friendly_name: str
    insights_enabled: bool
    calls_per_day: int
    messages_per_day: int
    scheduled_per_day: int
    conferences_per_day: int
    messaging_service_sid: str
    addresses: list[Address] = field(default_factory=list)
    numbers: list[PhoneNumber] = field(default_factory=list)
    # Numbers that exist before the first day: the only ones traffic uses.
    traffic_numbers: list[PhoneNumber] = field(default_factory=list)
    # Outgoing caller IDs that outbound calls use (never deleted; served by products/v2010_lists).
    traffic_caller_ids: list[CallerId] = field(default_factory=list)

    def render(self) -> dict:
        base = f"{API}/{self.sid}"
        return {
            "auth_token": self.auth_token,
            "date_created": rfc2822(self.created),
            "date_updated": rfc2822(self.created),
            "friendly_name": self.friendly_name,
            "owner_account_sid": self.owner_sid,
            "sid": self.sid,
            "status": "active",
            "subresource_uris": {key: f"{base}/{path}.json" for key, path in ACCOUNT_SUBRESOURCES},
            "type": "Full",
            "uri": f"{base}.json",
        }


def _half(n: int) -> int:
    return (n + 1) // 2


def _moment(d: Draw, day: date) -> int:
    """A random second of a day."""
    return day_start_us(day) + d.randint(0, 86_399) * US


def build_accounts(config: SandboxConfig) -> list[Account]:
    first = config.first_day
    window_days = max(1, (config.now.date() - first).days + 1)
    main_sid = config.main_account_sid
    accounts = []
    for index, nick in enumerate(config.nicknames):
        asid = config.account_sid_of(nick)
        d = Draw(config.seed, asid, "account")
        is_main = nick == NICKNAMES_MAIN
        created = day_start_us(first) - (400 if is_main else 30 + 20 * index) * DAY_US + d.randint(0, 86_399) * US
        acct = Account(
            sid=asid,
            nickname=nick,
            index=index,
            owner_sid=main_sid,
            created=created,
            auth_token=config.account_auth_token(nick),
            friendly_name="Sandbox main account" if is_main else f"Sandbox subaccount {index}",
            insights_enabled=nick not in config.insights_disabled,
            calls_per_day=config.calls_per_day if is_main else _half(config.calls_per_day),
            messages_per_day=config.messages_per_day if is_main else _half(config.messages_per_day),
            scheduled_per_day=config.scheduled_per_day if is_main else _half(config.scheduled_per_day),
            conferences_per_day=config.conferences_per_day if is_main else _half(config.conferences_per_day),
            messaging_service_sid=sid("MG", config.seed, asid, "messaging-service"),
        )
        _add_directory(config.seed, acct, first, window_days)
        accounts.append(acct)
    return accounts


def _add_directory(seed: int, acct: Account, first: date, window_days: int) -> None:
    d = Draw(seed, acct.sid, "directory")
    acct.traffic_caller_ids = traffic_caller_ids(seed, acct.sid, acct.index, acct.created, first.toordinal())
    # Three addresses and three numbers predate the window (soon after the account was
    # opened); the rest arrive during it. Even-numbered ones are emergency addresses.
    for k in range(d.randint(4, 6)):
        ad = Draw(seed, acct.sid, "address", k)
        if k < 3:
            created = acct.created + (1 + 3 * k) * DAY_US + ad.randint(0, 86_399) * US
        else:
            created = _moment(ad, date.fromordinal(first.toordinal() + ad.randint(0, window_days - 1)))
        street, city, region, postal, country = ad.choice(_ADDRESS_BOOK)
        acct.addresses.append(
            Address(
                sid=sid("AD", seed, acct.sid, "address", k),
                account_sid=acct.sid,
                created=created,
                customer_name=ad.choice(_COMPANIES),
                friendly_name=ad.choice(_PLACES),
                street=street,
                street_secondary=ad.choice((None, None, "Suite 200", "Floor 3")),
                city=city,
                region=region,
                postal_code=postal,
                iso_country=country,
                emergency_enabled=k in (0, 2),
            )
        )
    for k in range(d.randint(3, 5)):
        nd = Draw(seed, acct.sid, "number", k)
        if k < 3:
            address = acct.addresses[k]
            created = address.created + DAY_US + nd.randint(0, 86_399) * US
        else:
            created = _moment(nd, date.fromordinal(first.toordinal() + nd.randint(0, window_days - 1)))
            address = acct.addresses[0]
        number = PhoneNumber(
            sid=sid("PN", seed, acct.sid, "number", k),
            account_sid=acct.sid,
            created=created,
            phone_number=us_number(seed, acct.sid, "own", k),
            address_sid=address.sid,
            emergency_address_sid=address.sid if k % 2 == 0 else None,
            address_requirements=nd.choice(("none", "any", "local")),
            mms=nd.chance(0.7),
        )
        number.voice_application_sid, number.sms_application_sid = number_applications(
            seed, acct.sid, acct.index, acct.created, first.toordinal(), k
        )
        acct.numbers.append(number)
        if k < 3:
            acct.traffic_numbers.append(number)
    acct.addresses.sort(key=lambda a: (a.created, a.sid))
    acct.numbers.sort(key=lambda n: (n.created, n.sid))
