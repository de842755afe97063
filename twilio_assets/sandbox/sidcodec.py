"""SIDs that look random but can be decoded back to the record's position.

Fetching one message by SID must not scan a day of a million messages, so a message SID
is its position (series, day, index) run through a keyed 128-bit permutation: a small
Feistel network whose round function is keyed BLAKE2b. Forty zero bits ride along as a
check, so a SID that was never issued decodes to garbage and is rejected.
"""

from __future__ import annotations

from hashlib import blake2b

_MASK64 = (1 << 64) - 1
_ROUNDS = 4
_CHECK_BITS = 40
_SERIES_BITS = 8
_DAY_BITS = 32
_INDEX_BITS = 48


class PositionSids:
    def __init__(self, *key_parts: object):
        self._key = blake2b("\x1f".join(map(str, key_parts)).encode(), digest_size=32).digest()

    def _round(self, n: int, half: int) -> int:
        data = n.to_bytes(1, "big") + half.to_bytes(8, "big")
        return int.from_bytes(blake2b(data, key=self._key, digest_size=8).digest(), "big")

    def encode(self, prefix: str, series: int, dord: int, index: int) -> str:
        block = (series << (_DAY_BITS + _INDEX_BITS)) | (dord << _INDEX_BITS) | index
        left, right = block >> 64, block & _MASK64
        for n in range(_ROUNDS):
            left, right = right, left ^ self._round(n, right)
        return prefix + "%032x" % ((left << 64) | right)

    def decode(self, sid: str) -> tuple[int, int, int] | None:
        """(series, dord, index) of a SID this codec issued, else None (prefix not checked)."""
        try:
            value = int(sid[2:], 16)
        except ValueError:
            return None
        if len(sid) != 34 or value >> 128:
            return None
        left, right = value >> 64, value & _MASK64
        for n in reversed(range(_ROUNDS)):
            left, right = right ^ self._round(n, left), left
        block = (left << 64) | right
        if block >> (128 - _CHECK_BITS):
            return None
        index = block & ((1 << _INDEX_BITS) - 1)
        dord = (block >> _INDEX_BITS) & ((1 << _DAY_BITS) - 1)
        series = (block >> (_DAY_BITS + _INDEX_BITS)) & ((1 << _SERIES_BITS) - 1)
        return series, dord, index
