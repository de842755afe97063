"""Elastic SIP trunks (`trunking.twilio.com/v1/Trunks`): the main account's three, none elsewhere.

Two trunks predate the sandbox days; the backup one is deleted on one of those days. A third, for the
contact center, is set up on one of them and starts recording calls a few hours later (its
`recording` and `date_updated` change). Subaccounts have no trunks: their list is empty. Like the
other non-v2010 hosts, the list answers only for the calling account's own trunks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from ..hashing import Draw, hex_digits, sid
from ..timefmt import DAY_US, US, iso
from .base import Product, Route
from .messaging import PAGING_ONLY, Planned, meta_page, window_moment

if TYPE_CHECKING:
    from ..app import SandboxApp
    from ..auth import Principal
    from ..http_types import Request
    from ..world import World

HOST = "trunking"
_TRUNKS = re.compile(r"/v1/Trunks")
_LINKS = (
    ("origination_urls", "OriginationUrls"),
    ("credential_lists", "CredentialLists"),
    ("ip_access_control_lists", "IpAccessControlLists"),
    ("phone_numbers", "PhoneNumbers"),
)
_NOT_RECORDING = {"mode": "do-not-record", "trim": "do-not-trim"}
_RECORDING = {"mode": "record-from-answer", "trim": "trim-silence"}


@dataclass(frozen=True, slots=True)
class Trunk:
    sid: str
    account_sid: str
    created: int
    friendly_name: str
    domain_name: str
    auth_type: str  # "" (none), "IP_ACL" or "CREDENTIAL_LIST"
    secure: bool
    records_from: int | None  # when call recording was switched on; None: never
    deleted_at: int | None

    def exists(self, now: int) -> bool:
        return self.created <= now and (self.deleted_at is None or now < self.deleted_at)

    def records(self, now: int) -> bool:
        return self.records_from is not None and self.records_from <= now

    def render(self, now: int, base_url: str) -> dict:
        url = f"{base_url}/v1/Trunks/{self.sid}"
        return {
            "sid": self.sid,
            "account_sid": self.account_sid,
            "domain_name": self.domain_name,
            "disaster_recovery_method": "POST",
            "disaster_recovery_url": "https://demo.twilio.com/welcome/voice/" if self.secure else None,
            "friendly_name": self.friendly_name,
            "secure": self.secure,
            "cnam_lookup_enabled": self.auth_type == "IP_ACL",
            "symmetric_rtp_enabled": False,
            "recording": dict(_RECORDING if self.records(now) else _NOT_RECORDING),
            "transfer_mode": "sip-only" if self.secure else "disable-all",
            "transfer_caller_id": "from-transferee",
            "auth_type": self.auth_type,
            "auth_type_set": [self.auth_type] if self.auth_type else [],
            "date_created": iso(self.created),
            "date_updated": iso(self.records_from if self.records(now) else self.created),
            "url": url,
            "links": {key: f"{url}/{path}" for key, path in _LINKS},
        }


class Trunking(Product):
    name = "trunking"
    collections = ("trunks",)

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.of_account = cache(self._plan)

    @property
    def base_url(self) -> str:
        return f"{self.world.public_base_url}/{HOST}"

    def _plan(self, account_sid: str) -> tuple[Trunk, ...]:
        acct = self.world.by_sid[account_sid]
        if acct.index != 0:
            return ()
        seed = self.world.config.seed

        def trunk(k: int, name: str, created: int, auth: str, secure: bool, **changes: Any) -> Trunk:
            slug = f"{name.lower().replace(' ', '-')}-{hex_digits(6, seed, account_sid, 'trunk-domain', k)}"
            return Trunk(
                sid=sid("TK", seed, account_sid, "trunk", k),
                account_sid=account_sid,
                created=created,
                friendly_name=name,
                domain_name=f"{slug}.pstn.twilio.com",
                auth_type=auth,
                secure=secure,
                records_from=changes.get("records_from"),
                deleted_at=changes.get("deleted_at"),
            )

        d = Draw(seed, account_sid, "trunks")
        opened = acct.created
        contact_center = window_moment(self.world, Draw(seed, account_sid, "trunks", "contact-center"))
        trunks = [
            trunk(0, "Head office PBX", opened + 5 * DAY_US + d.randint(0, 86_399) * US, "IP_ACL", True),
            trunk(
                1,
                "Backup carrier",
                opened + 40 * DAY_US + d.randint(0, 86_399) * US,
                "CREDENTIAL_LIST",
                False,
                deleted_at=window_moment(self.world, Draw(seed, account_sid, "trunks", "backup-gone")),
            ),
            trunk(
                2,
                "Contact center",
                contact_center,
                "CREDENTIAL_LIST",
                True,
                records_from=contact_center + int(d.between(1, 12) * 3600 * US),
            ),
        ]
        trunks.sort(key=lambda t: (t.created, t.sid))
        return tuple(trunks)

    def routes(self, app: SandboxApp) -> tuple[Route, ...]:
        def trunks(req: Request, principal: Principal, match: re.Match[str]) -> dict:
            listing = self._listing(principal.account_sid, req.now, req.base_url)
            return meta_page(app, req, listing, "trunks", PAGING_ONLY)

        return (Route(HOST, _TRUNKS, trunks),)

    def _listing(self, account_sid: str, now: int, base_url: str) -> Planned:
        return Planned(self.of_account(account_sid), now, lambda t: t.render(now, base_url), lambda t: t.exists(now))

    def expected(self, collection: str, account_sids: list[str], days: list[date] | None) -> Iterator[dict[str, Any]]:
        """Read whole (`days` does not apply): each account's live trunks, as its own credentials list them."""
        # Only the credentials' own account answers on this host: the first of account_sids (see base.py).
        for account_sid in account_sids[:1]:
            yield from (r for _, r in self._listing(account_sid, self.world.now_us, self.base_url).desc())


PRODUCTS: tuple[type[Product], ...] = (Trunking,)
