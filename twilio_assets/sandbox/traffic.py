"""The daily traffic curve: quiet UTC nights, busy office hours.

Slot k of n sits at the instant where k/n of the day's traffic has happened, so slots are
denser by day than by night while staying in order.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from .timefmt import US

_WEIGHTS = [1] * 8 + [3] * 12 + [1] * 4  # per UTC hour
_TOTAL = sum(_WEIGHTS)
_CUM = [0.0] + [c / _TOTAL for c in accumulate(_WEIGHTS)]
# Shortest time per unit of traffic, relative to a flat day: bounds how close slots get.
DENSEST = min(_TOTAL / (24 * w) for w in _WEIGHTS)


def offset_us(fraction: float) -> int:
    """Microseconds after midnight by which `fraction` (0 <= f < 1) of the traffic has happened."""
    hour = min(bisect_right(_CUM, fraction) - 1, 23)
    within = (fraction - _CUM[hour]) / (_CUM[hour + 1] - _CUM[hour])
    return int((hour + within) * 3600 * US)
