"""Pages, page tokens and the two list envelopes (v2010 and Insights' `meta`).

A PageToken carries the position of the record next to the page boundary ('PA': continue
below it, 'PB': the page above it), signed so that clients cannot build their own.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from hashlib import blake2b
from itertools import islice
from urllib.parse import quote, urlencode

from .errors import invalid_parameter
from .series import Key


class TokenCodec:
    def __init__(self, secret: bytes):
        self._secret = secret

    def _mac(self, text: str) -> str:
        return blake2b(text.encode(), key=self._secret, digest_size=6).hexdigest()

    def encode(self, direction: str, key: Key) -> str:
        text = ".".join(map(str, key))
        return f"P{direction}" + (text + "." + self._mac(text)).encode().hex()

    def decode(self, token: str) -> tuple[str, Key]:
        try:
            if len(token) < 3 or token[:2] not in ("PA", "PB"):
                raise ValueError
            text = bytes.fromhex(token[2:]).decode()
            body, mac = text.rsplit(".", 1)
            if not hmac.compare_digest(mac, self._mac(body)):
                raise ValueError
            return token[1], tuple(int(x) for x in body.split("."))
        except ValueError:
            raise invalid_parameter("Invalid PageToken") from None


@dataclass
class Page:
    records: list[dict]
    first_key: Key | None
    last_key: Key | None
    has_next: bool


def take_page(listing, size: int, page: int, token: tuple[str, Key] | None) -> Page:
    if token is None:
        # Page without a token counts from the newest record (an offset).
        rows = list(islice(listing.desc(), page * size, page * size + size + 1))
    elif token[0] == "A":
        rows = list(islice(listing.desc(below=token[1]), size + 1))
    else:
        newer = list(islice(listing.asc(above=token[1]), size))
        rows = newer[::-1]
        if rows:
            rows += list(islice(listing.desc(below=rows[-1][0]), 1))
    page_rows = rows[:size]
    return Page(
        records=[r for _, r in page_rows],
        first_key=page_rows[0][0] if page_rows else None,
        last_key=page_rows[-1][0] if page_rows else None,
        has_next=len(rows) > size,
    )


def _query(filters: list[tuple[str, str]], size: int, page: int, token: str | None) -> str:
    pairs = list(filters) + [("PageSize", str(size)), ("Page", str(page))]
    if token:
        pairs.append(("PageToken", token))
    # Encode '<', '>', '+' and ':' as Twilio's own URIs do (DateSent%3E=..., To=%2B1...).
    return urlencode(pairs, quote_via=quote, safe="")


@dataclass
class PageLinks:
    first: str
    current: str
    next: str | None
    previous: str | None


def links(
    codec: TokenCodec, filters: list[tuple[str, str]], size: int, page_no: int, token: str | None, page: Page
) -> PageLinks:
    nxt = prev = None
    if page.has_next and page.last_key is not None:
        nxt = _query(filters, size, page_no + 1, codec.encode("A", page.last_key))
    if page_no > 0:
        back = codec.encode("B", page.first_key) if page.first_key is not None else None
        prev = _query(filters, size, page_no - 1, back)
    return PageLinks(_query(filters, size, 0, None), _query(filters, size, page_no, token), nxt, prev)


def v2010_envelope(path: str, list_key: str, size: int, page_no: int, page: Page, ln: PageLinks) -> dict:
    start = page_no * size
    return {
        list_key: page.records,
        "end": start + len(page.records) - 1 if page.records else start,
        "first_page_uri": f"{path}?{ln.first}",
        "next_page_uri": f"{path}?{ln.next}" if ln.next else None,
        "page": page_no,
        "page_size": size,
        "previous_page_uri": f"{path}?{ln.previous}" if ln.previous else None,
        "start": start,
        "uri": f"{path}?{ln.current}",
    }


def insights_envelope(
    base_url: str, path: str, list_key: str, size: int, page_no: int, page: Page, ln: PageLinks
) -> dict:
    url = base_url + path
    return {
        list_key: page.records,
        "meta": {
            "page": page_no,
            "page_size": size,
            "first_page_url": f"{url}?{ln.first}",
            "previous_page_url": f"{url}?{ln.previous}" if ln.previous else None,
            "url": f"{url}?{ln.current}",
            "next_page_url": f"{url}?{ln.next}" if ln.next else None,
            "key": list_key,
        },
    }
