"""The usage categories the sandbox bills, as a tree: each parent's row is the sum of its children's.

Names are Twilio's own (the `usage_record_daily_enum_category` list of the 2024-02 v2010 spec). The
nesting follows the names, as Twilio's do: `calls-inbound-local` sits under `calls-inbound`, under
`calls`; every top-level category sits under `totalprice`, the account's whole spend. A fee category
(carrier fees) is a surcharge on messages already counted elsewhere: it adds to its parents' price,
never to their count or usage.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

TOTAL = "totalprice"


@dataclass(frozen=True)
class Category:
    name: str
    parent: str | None
    description: str
    count_unit: str
    usage_unit: str
    fee: bool = False


def _c(name: str, parent: str | None, description: str, count_unit: str, usage_unit: str, fee: bool = False):
    return Category(name, parent, description, count_unit, usage_unit, fee)


# Parents before their children.
CATEGORIES: tuple[Category, ...] = (
    _c(TOTAL, None, "Total Price", "", "usd"),
    _c("calls", TOTAL, "Voice Minutes", "calls", "minutes"),
    _c("calls-inbound", "calls", "Inbound Voice Minutes", "calls", "minutes"),
    _c("calls-inbound-local", "calls-inbound", "Inbound Local Calls", "calls", "minutes"),
    _c("calls-inbound-tollfree", "calls-inbound", "Inbound Toll-Free Calls", "calls", "minutes"),
    _c("calls-outbound", "calls", "Outbound Voice Minutes", "calls", "minutes"),
    _c("sms", TOTAL, "SMS", "messages", "messages"),
    _c("sms-inbound", "sms", "Inbound SMS", "messages", "messages"),
    _c("sms-inbound-longcode", "sms-inbound", "Inbound Longcode SMS", "messages", "messages"),
    _c("sms-inbound-shortcode", "sms-inbound", "Short Code Inbound SMS", "messages", "messages"),
    _c("sms-outbound", "sms", "Outbound SMS", "messages", "messages"),
    _c("sms-outbound-longcode", "sms-outbound", "Outbound Longcode SMS", "messages", "messages"),
    _c("sms-outbound-shortcode", "sms-outbound", "Short Code Outbound SMS", "messages", "messages"),
    _c("sms-messages-carrierfees", "sms", "SMS Carrier Fees", "messages", "messages", fee=True),
    _c("mms", TOTAL, "MMS", "messages", "messages"),
    _c("mms-inbound", "mms", "Inbound MMS", "messages", "messages"),
    _c("mms-inbound-longcode", "mms-inbound", "Inbound Longcode MMS", "messages", "messages"),
    _c("mms-outbound", "mms", "Outbound MMS", "messages", "messages"),
    _c("mms-outbound-longcode", "mms-outbound", "Outbound Longcode MMS", "messages", "messages"),
    _c("mms-messages-carrierfees", "mms", "MMS Carrier Fees", "messages", "messages", fee=True),
    _c("recordings", TOTAL, "Recordings", "recordings", "minutes"),
    _c("transcriptions", TOTAL, "Transcriptions", "transcriptions", "minutes"),
    _c("phonenumbers", TOTAL, "Phone Numbers", "phone-numbers", "phone-numbers"),
    _c("phonenumbers-local", "phonenumbers", "Local Phone Numbers", "phone-numbers", "phone-numbers"),
    _c("phonenumbers-tollfree", "phonenumbers", "Toll-Free Phone Numbers", "phone-numbers", "phone-numbers"),
)

BY_NAME = {c.name: c for c in CATEGORIES}
PARENTS = frozenset(c.parent for c in CATEGORIES if c.parent is not None)
LEAVES = tuple(c.name for c in CATEGORIES if c.name not in PARENTS)
# Listed in alphabetical order within a day, as a sorted list reads.
LISTED = tuple(sorted(BY_NAME))


def ancestors(name: str) -> list[str]:
    """The categories above `name`, nearest first (totalprice last)."""
    out = []
    parent = BY_NAME[name].parent
    while parent is not None:
        out.append(parent)
        parent = BY_NAME[parent].parent
    return out


@cache
def leaves_under(name: str) -> tuple[str, ...]:
    """The leaf categories whose sum is `name`'s row (`name` itself for a leaf)."""
    return tuple(leaf for leaf in LEAVES if leaf == name or name in ancestors(leaf))
