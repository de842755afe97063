"""Twilio SIDs: two capital letters naming the kind of record (AC, CA, FW, ...) and 32 hex digits."""

from __future__ import annotations

import re
from typing import Any

from .errors import UnexpectedResponse

SID_SHAPE = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")


def require_sid(value: Any, *, where: str) -> str:
    """`value` when it is a SID; otherwise UnexpectedResponse naming `where` it came from.

    For values taken from Twilio's answers that go into a URL path: anything else (`../..`, `x?y`)
    could point the request, and the credentials it carries, at another resource."""
    if isinstance(value, str) and SID_SHAPE.fullmatch(value):
        return value
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:80] + "…"
    raise UnexpectedResponse(
        f"{where} is {shown}, not a Twilio SID (two capital letters and 32 hex digits), so it is not put into a "
        "URL path. Fix: check that the base URL points at Twilio or the sandbox; report it if it does."
    )
