"""Verify (verify.twilio.com/v2): the account's Verify services and their verification attempts.

The main account has two services, the first subaccount one, the others none (their lists are empty).
Verifications start through each day; each sends its code once, and one in five sends it again a minute
or two later (another attempt of the same verification). An attempt is priced once its message or call
goes out (email attempts carry no price), its `message_status` follows delivery, and three verifications
in four are confirmed within minutes: their last attempt turns from `unconverted` to `converted`.
Twilio lists attempts of the last 30 days only (counted in whole UTC days, as the other retention rules
of the sandbox): older ones are simply not listed. Lists are newest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..filters import check_enum, first_values, kept_filters, page_params, parse_moment
from ..hashing import Draw, sid, unit
from ..paging import insights_envelope, links, take_page
from ..phones import customer_number
from ..retention import oldest_day, within
from ..series import FOREVER, NEVER, FnSeries
from ..timefmt import DAY_US, US, day_start_us, iso, to_us
from ..traffic import offset_us
from ..world import CollectionDef, Listing, Options
from .base import Product, Route

if TYPE_CHECKING:
    from ..world import World

HOST = "verify"
RETENTION_DAYS = 30
ATTEMPT_PARAMS = (
    "DateCreatedAfter",
    "DateCreatedBefore",
    "ChannelData.To",
    "Country",
    "Channel",
    "VerifyServiceSid",
    "VerificationSid",
    "Status",
)
CHANNELS = ("sms", "call", "email", "whatsapp", "rbm")
# Verifications started per day: the main account's; a subaccount with a service gets half.
VERIFICATIONS_PER_DAY = 24
# Where codes go: (country, dialling prefix, SMS price in USD, mcc, mnc, carrier); the US most of the time.
DESTINATIONS = (
    (("US", "+1", "0.0079", "310", "260", "T-Mobile USA, Inc."), 0.75),
    (("CO", "+57", "0.0530", "732", "103", "Colombia Movil (Tigo)"), 0.08),
    (("GB", "+44", "0.0463", "234", "15", "Vodafone UK"), 0.09),
    (("BR", "+55", "0.0400", "724", "05", "Claro Brasil"), 0.08),
)
CALL_PRICE = "0.0140"
WHATSAPP_PRICE = "0.0050"
# (friendly name, code length, PSD2) per service, per account index.
SERVICES = {0: (("Acme Login", 6, False), ("Acme Payments", 8, True)), 1: (("Acme Support Portal", 6, False),)}
SERVICE_LINKS = (
    ("verification_checks", "VerificationCheck"),
    ("verifications", "Verifications"),
    ("rate_limits", "RateLimits"),
    ("messaging_configurations", "MessagingConfigurations"),
    ("entities", "Entities"),
    ("webhooks", "Webhooks"),
    ("access_tokens", "AccessTokens"),
)


@dataclass(frozen=True)
class Service:
    sid: str
    account_sid: str
    friendly_name: str
    code_length: int
    psd2_enabled: bool
    created: int
    # The do-not-share warning is switched on at this time (None: never); that is the service's one edit.
    warning_from: int | None

    def render(self, now: int, base: str) -> dict:
        url = f"{base}/v2/Services/{self.sid}"
        warning = self.warning_from is not None and now >= self.warning_from
        return {
            "sid": self.sid,
            "account_sid": self.account_sid,
            "friendly_name": self.friendly_name,
            "code_length": self.code_length,
            "lookup_enabled": True,
            "psd2_enabled": self.psd2_enabled,
            "skip_sms_to_landlines": False,
            "dtmf_input_required": True,
            "tts_name": None,
            "do_not_share_warning_enabled": warning,
            "custom_code_enabled": False,
            "push": {"include_date": False, "apn_credential_sid": None, "fcm_credential_sid": None},
            "totp": {"issuer": self.friendly_name, "time_step": 30, "code_length": 6, "skew": 1},
            "default_template_sid": None,
            "whatsapp": {"msg_service_sid": None, "from": None},
            "passkeys": {
                "relying_party": {"id": None, "name": None, "origins": None},
                "authenticator_attachment": None,
                "discoverable_credentials": None,
                "user_verification": None,
            },
            "verify_event_subscription_enabled": False,
            "date_created": iso(self.created),
            "date_updated": iso(self.warning_from if warning else self.created),
            "url": url,
            "links": {key: f"{url}/{path}" for key, path in SERVICE_LINKS},
        }


@dataclass(frozen=True)
class Attempt:
    sid: str
    account_sid: str
    service_sid: str
    verification_sid: str
    created: int
    channel: str
    to: str
    country: str | None
    code_length: int
    carrier: tuple[str, str, str] | None  # mcc, mnc, carrier name (SMS and WhatsApp)
    price: str | None  # USD, once priced_at has passed
    priced_at: int
    delivered_at: int  # when the message reached its final status (or the call ended)
    delivered: bool
    converted_at: int | None  # the user entered the code this attempt carried

    def status(self, now: int) -> str:
        return "converted" if self.converted_at is not None and now >= self.converted_at else "unconverted"

    def updated(self, now: int) -> int:
        return max(t for t in (self.created, self.priced_at, self.delivered_at, self.converted_at or 0) if t <= now)

    def channel_data(self, now: int) -> dict:
        data: dict[str, Any] = {"verification_sid": self.verification_sid, "to": self.to}
        data["status"] = "confirmed" if self.status(now) == "converted" else "unconfirmed"
        if self.channel in ("sms", "whatsapp"):
            if now < self.priced_at:
                data["message_status"] = "queued"
            elif now < self.delivered_at:
                data["message_status"] = "sent"
            else:
                data["message_status"] = "delivered" if self.delivered else "undelivered"
            if now >= self.delivered_at and not self.delivered:
                data["error_code"] = "30008"
        elif self.channel == "call":
            data["call_status"] = "completed" if now >= self.delivered_at else "in-progress"
        if self.country is not None:
            data["country"] = self.country
        data["code_length"] = self.code_length
        data["locale"] = "en"
        if self.carrier is not None:
            data["mcc"], data["mnc"], data["carrier"] = self.carrier
        return data

    def render(self, now: int, base: str) -> dict:
        priced = self.price is not None and now >= self.priced_at
        return {
            "sid": self.sid,
            "account_sid": self.account_sid,
            "service_sid": self.service_sid,
            "verification_sid": self.verification_sid,
            "date_created": iso(self.created),
            "date_updated": iso(self.updated(now)),
            "conversion_status": self.status(now),
            "channel": self.channel,
            "price": {"value": self.price, "currency": "usd"} if priced else None,
            "channel_data": self.channel_data(now),
            "url": f"{base}/v2/Attempts/{self.sid}",
        }


class Verify(Product):
    name = "verify"
    collections = ("verify_services", "verify_attempts")

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.seed = world.config.seed
        self._services = {a.sid: self._plan_services(a.sid, a.index, a.created) for a in world.by_sid.values()}
        self.day = lru_cache(maxsize=20_000)(self._build_day)

    # --- state -----------------------------------------------------------------------

    def services(self, account_sid: str) -> list[Service]:
        return self._services.get(account_sid, [])

    def _plan_services(self, account_sid: str, index: int, opened: int) -> list[Service]:
        out = []
        for k, (friendly, length, psd2) in enumerate(SERVICES.get(index, ())):
            d = Draw(self.seed, account_sid, "verify-service", k)
            warning = to_us(self.world.config.now) + int(d.between(1, 3) * 3600 * US) if k == 0 else None
            out.append(
                Service(
                    sid=sid("VA", self.seed, account_sid, "verify-service", k),
                    account_sid=account_sid,
                    friendly_name=friendly,
                    code_length=length,
                    psd2_enabled=psd2,
                    created=opened + (5 + 15 * k) * DAY_US + d.randint(0, 86_399) * US,
                    warning_from=warning,
                )
            )
        return out

    def _build_day(self, account_sid: str, dord: int) -> list[Attempt]:
        """Every attempt created on a day, ascending by creation. Each verification starts before 23:57 and
        its attempts follow within two minutes, so all of them fall on the day it started."""
        services = self.services(account_sid)
        if not services:
            return []
        n = VERIFICATIONS_PER_DAY if account_sid == self.world.config.main_account_sid else VERIFICATIONS_PER_DAY // 2
        start = day_start_us(date.fromordinal(dord))
        attempts: list[Attempt] = []
        for i in range(n):
            t0 = start + offset_us(0.996 * (i + unit(self.seed, account_sid, "verify-t", dord, i)) / n)
            attempts.extend(self._verification(account_sid, services, dord, i, t0))
        attempts.sort(key=lambda a: (a.created, a.sid))
        return attempts

    def _verification(self, account_sid: str, services: list[Service], dord: int, i: int, t0: int) -> list[Attempt]:
        d = Draw(self.seed, account_sid, "verification", dord, i)
        service = d.choice(services)
        verification = sid("VE", self.seed, account_sid, "verification", dord, i)
        email = d.chance(0.1)
        destination, prefix, sms_price, mcc, mnc, carrier = d.weighted(DESTINATIONS)
        country: str | None = None if email else destination
        if email:
            to = f"user{d.randint(100, 999)}@example.com"
        elif prefix == "+1":
            to = customer_number(self.seed, account_sid, d.randint(0, 499))
        else:
            to = f"{prefix}{d.randint(300_000_000, 399_999_999)}"
        channels = ["email"] if email else [d.weighted((("sms", 0.8), ("whatsapp", 0.12), ("call", 0.08)))]
        if not email and d.chance(0.2):
            channels.append(d.choice(("sms", "call")))  # the code is sent again (a retry)
        converted = d.chance(0.75)
        made, t = [], t0
        for k, channel in enumerate(channels):
            if k:
                t += int(d.between(30, 120) * US)
            priced_at = t + int(d.between(1, 20) * US)
            delivered_at = priced_at + int(d.between(2, 30) * US)
            delivered = channel in ("email", "call") or d.chance(0.95)
            price = {"sms": sms_price, "whatsapp": WHATSAPP_PRICE, "call": CALL_PRICE}.get(channel)
            last = k == len(channels) - 1
            made.append(
                Attempt(
                    sid=sid("VL", self.seed, account_sid, "verify-attempt", dord, i, k),
                    account_sid=account_sid,
                    service_sid=service.sid,
                    verification_sid=verification,
                    created=t,
                    channel=channel,
                    to=to,
                    country=country,
                    code_length=service.code_length,
                    carrier=(mcc, mnc, carrier) if channel in ("sms", "whatsapp") else None,
                    price=price,
                    priced_at=priced_at,
                    delivered_at=delivered_at,
                    delivered=delivered,
                    converted_at=delivered_at + int(d.between(15, 300) * US)
                    if last and converted and delivered
                    else None,
                )
            )
        return made

    # --- listings --------------------------------------------------------------------

    def service_listing(self, account_sid: str, now: int, base: str) -> Listing:
        services = self.services(account_sid)
        coll = CollectionDef(
            None, lambda a: services, lambda s, now, o: True, lambda s, now, o: s.render(now, o.base_url)
        )
        return Listing(self.world, account_sid, coll, now, NEVER, FOREVER, Options(base_url=base), None)

    def attempt_listing(
        self, account_sid: str, now: int, base: str, lo: int = NEVER, hi: int = FOREVER, predicate=None
    ) -> Listing:
        series = FnSeries(
            lambda a, d: len(self.day(a, d)),
            lambda a, d, i: self.day(a, d)[i].created,
            lambda a, d, i: [self.day(a, d)[i]],
        )
        coll = CollectionDef(
            series, lambda a: [], lambda at, now, o: True, lambda at, now, o: at.render(now, o.base_url)
        )
        # Twilio keeps 30 days of attempts: anything created before that is not listed, whatever the filter.
        lo = max(lo, day_start_us(oldest_day(now, RETENTION_DAYS)))
        return Listing(self.world, account_sid, coll, now, lo, hi, Options(base_url=base), predicate)

    # --- routes ----------------------------------------------------------------------

    def routes(self, app) -> tuple[Route, ...]:
        def page(req, listing, list_key: str, known: tuple[str, ...]) -> dict:
            params = first_values(req.query)
            size, page_no, token = page_params(params)
            found = take_page(listing, size, page_no, app.tokens.decode(token) if token else None)
            ln = links(app.tokens, kept_filters(req.query, known), size, page_no, token, found)
            return insights_envelope(req.base_url, req.path, list_key, size, page_no, found, ln)

        def services(req, principal, match) -> dict:
            return page(req, self.service_listing(principal.account_sid, req.now, req.base_url), "services", ())

        def attempts(req, principal, match) -> dict:
            params = first_values(req.query)
            lo = parse_moment(params["DateCreatedAfter"])[0] if "DateCreatedAfter" in params else NEVER
            hi = parse_moment(params["DateCreatedBefore"])[0] if "DateCreatedBefore" in params else FOREVER
            check_enum(params, "Channel", CHANNELS)
            if "Status" in params:
                params["Status"] = params["Status"].lower()
                check_enum(params, "Status", ("converted", "unconverted"))
            equal = {
                "VerifyServiceSid": "service_sid",
                "VerificationSid": "verification_sid",
                "Channel": "channel",
                "Status": "conversion_status",
            }
            checks = [(field, params[name]) for name, field in equal.items() if name in params]
            wanted = {"to": params.get("ChannelData.To"), "country": params.get("Country")}

            def predicate(attempt, record) -> bool:
                data = record["channel_data"]
                return all(record[f] == v for f, v in checks) and all(
                    v is None or data.get(f) == v for f, v in wanted.items()
                )

            listing = self.attempt_listing(principal.account_sid, req.now, req.base_url, lo, hi, predicate)
            return page(req, listing, "attempts", ATTEMPT_PARAMS)

        return (
            Route(HOST, re.compile(r"/v2/Services"), services),
            Route(HOST, re.compile(r"/v2/Attempts"), attempts),
        )

    # --- oracle ----------------------------------------------------------------------

    def expected(self, collection: str, account_sids: list[str], days: list[date] | None) -> Iterator[dict[str, Any]]:
        """Read once with the credentials of the first account named (Verify shows a caller its own
        services and attempts only): its services; its attempts created on `days` that are still within
        the 30 days Twilio lists."""
        if not account_sids:
            return
        account, now = account_sids[0], self.world.now_us
        base = f"{self.world.public_base_url}/{HOST}"
        if collection == "verify_services":
            yield from (record for _, record in self.service_listing(account, now, base).desc())
            return
        for day in days if days is not None else self.world.days():
            if within(day, now, RETENTION_DAYS):
                start = day_start_us(day)
                yield from (
                    record for _, record in self.attempt_listing(account, now, base, start, start + DAY_US).desc()
                )


PRODUCTS: tuple[type[Product], ...] = (Verify,)
