"""The deletion safeguard: one answer alone never takes a large share of a part's rows away.

A listing that is valid but wrong (an empty page, a missing next-page link, an answer cut short by a
proxy) looks exactly like deletions. Real deletions are usually few at a time, so when one sync would
mark more than `max_share` of a part's live rows deleted (for a part of at least `min_rows`), or every
live row of a part, the rows stay live and their keys wait in the schema's pending-deletions table. A
later sync whose complete listing of the part again lacks them applies the deletion; a sync that lists
them again forgets them. Rows Twilio answered "not found" for, one by one, need no second answer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeletionSafeguard:
    max_share: float = 0.5  # more than half of a part's live rows at once is held back...
    min_rows: int = 10  # ...when the part has at least this many (smaller parts: only all of them is)

    def __post_init__(self) -> None:
        share = self.max_share
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
            raise ValueError(
                f"the deletion safeguard's max_share is the largest share of a part's rows one sync may mark "
                f"deleted, a number above 0 and at most 1 (1 = hold back only a whole part); got {self.max_share!r}"
            )
        if isinstance(self.min_rows, bool) or not isinstance(self.min_rows, int) or self.min_rows < 1:
            raise ValueError(
                f"the deletion safeguard's min_rows is the smallest part its share applies to, a whole number "
                f"of rows of at least 1; got {self.min_rows!r}"
            )

    def holds_back(self, live: int, vanishing: int) -> bool:
        """True when `vanishing` of a part's `live` rows, missing from one answer, must wait for another."""
        if vanishing <= 0:
            return False
        if vanishing >= live:
            return True  # the whole part: what an empty or cut-short answer looks like
        return live >= self.min_rows and vanishing > self.max_share * live


DEFAULT_SAFEGUARD = DeletionSafeguard()
