"""Phone numbers: the accounts' own numbers and a pool of recurring customers."""

from __future__ import annotations

from functools import lru_cache

from .hashing import Draw

AREA_CODES = ("415", "212", "305", "646", "312", "206", "512", "617", "702", "303", "404", "213")
CARRIERS = ("AT&T Wireless", "Verizon Wireless", "T-Mobile USA, Inc.", "Comcast Cable", "Lumen Technologies")
CONNECTIONS = ("mobile", "mobile", "mobile", "landline", "voip")
# A bounded pool, so the same customer shows up in several calls and messages.
CUSTOMERS_PER_ACCOUNT = 500


def us_number(*parts: object) -> str:
    d = Draw("phone", *parts)
    return f"+1{d.choice(AREA_CODES)}{d.randint(201, 989)}{d.randint(0, 9999):04d}"


@lru_cache(maxsize=8192)  # a few hundred customers per account, looked up per record
def customer_number(seed: int, account_sid: str, customer: int) -> str:
    return us_number(seed, account_sid, "customer", customer)


def formatted(e164: str) -> str:
    """'+14155550123' -> '(415) 555-0123', Twilio's *_formatted style for NANP numbers."""
    if e164.startswith("+1") and len(e164) == 12:
        d = e164[2:]
        return f"({d[:3]}) {d[3:6]}-{d[6:]}"
    return e164


def number_profile(number: str) -> dict:
    """Carrier facts Voice Insights attaches to each side of a call."""
    d = Draw("profile", number)
    return {
        "carrier": d.choice(CARRIERS),
        "connection": d.choice(CONNECTIONS),
        "number_prefix": number[2:6] if number.startswith("+1") else number[1:5],
        "location": {"lat": round(d.between(25.0, 48.0), 5), "lon": round(d.between(-122.0, -71.0), 5)},
        "country_code": "US",
    }
