"""Which accounts an instance syncs: its own, all its subaccounts too, or a chosen list."""

from __future__ import annotations

from collections.abc import Sequence

from ..twilio_api import TwilioClient
from ..twilio_api.sids import require_sid


def resolve_accounts(client: TwilioClient, main_account_sid: str, selection: str | Sequence[str]) -> list[str]:
    """`main` → the credentials' account; `all` → it and every subaccount Twilio lists that is not
    closed (closed accounts have no data to read); a list → exactly those SIDs."""
    if selection == "main":
        return [main_account_sid]
    if selection != "all":
        return list(selection)
    accounts = [main_account_sid]
    url = f"{client.hosts.api}/2010-04-01/Accounts.json"
    for page in client.pages(url, {}, "accounts"):
        for account in page.records:
            sid = account.get("sid")
            if sid and sid != main_account_sid and account.get("status") != "closed":
                # Each goes into the URL paths of every per-account listing.
                accounts.append(require_sid(sid, where=f"'sid' of a record at {url}"))
    return accounts
