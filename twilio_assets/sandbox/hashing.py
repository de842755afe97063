"""Deterministic randomness: every generated value is a hash of where it lives.

Nothing here keeps state between records, so record i of day d can be built without
building records 0..i-1 (the reason a day of a million messages can be paged).
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import blake2b
from typing import TypeVar

T = TypeVar("T")

_SEP = "\x1f"


def _key(parts: tuple) -> bytes:
    return _SEP.join(map(str, parts)).encode()


def sid(prefix: str, *parts: object) -> str:
    """A Twilio-style SID: two-letter prefix + 32 lowercase hex digits."""
    return prefix + blake2b(_key(parts), digest_size=16).hexdigest()


def hex_digits(n: int, *parts: object) -> str:
    return blake2b(_key(parts), digest_size=(n + 1) // 2).hexdigest()[:n]


class Draw:
    """A stream of uniform numbers seeded by a tuple of parts.

    64 bytes of hash give 16 draws; further draws rehash with a block counter.
    """

    __slots__ = ("_key", "_buf", "_pos", "_block")

    def __init__(self, *parts: object) -> None:
        self._key = _key(parts)
        self._buf = blake2b(self._key, digest_size=64).digest()
        self._pos = 0
        self._block = 0

    def u32(self) -> int:
        if self._pos >= 64:
            self._block += 1
            self._buf = blake2b(self._key + b"#%d" % self._block, digest_size=64).digest()
            self._pos = 0
        p = self._pos
        self._pos = p + 4
        return int.from_bytes(self._buf[p : p + 4], "big")

    def unit(self) -> float:
        """Uniform in [0, 1)."""
        return self.u32() / 4294967296.0

    def between(self, lo: float, hi: float) -> float:
        return lo + (hi - lo) * self.unit()

    def randint(self, lo: int, hi: int) -> int:
        """Uniform integer in [lo, hi] (inclusive)."""
        return lo + self.u32() % (hi - lo + 1)

    def chance(self, p: float) -> bool:
        return self.unit() < p

    def choice(self, seq: Sequence[T]) -> T:
        return seq[self.u32() % len(seq)]

    def weighted(self, options: Sequence[tuple[T, float]]) -> T:
        total = sum(w for _, w in options)
        x = self.unit() * total
        for value, w in options:
            x -= w
            if x < 0:
                return value
        return options[-1][0]


def unit(*parts: object) -> float:
    """One uniform number in [0, 1) for a tuple of parts (cheaper than a Draw)."""
    return int.from_bytes(blake2b(_key(parts), digest_size=4).digest(), "big") / 4294967296.0
