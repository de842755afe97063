"""What the warehouse should hold after syncing the sandbox: a thin wrapper over the sandbox's oracle.

The oracle computes everything from the sandbox world alone; only the collection's name is taken
from the catalogue, so the engine's own rules never decide what counts as correct.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from ..sandbox.oracle import expected_records


def expected_rows(
    world: Any,
    collection: Any,
    account_sids: Iterable[str],
    days: Iterable[dt.date] | None = None,
) -> Iterator[dict[str, Any]]:
    """The records a full sync of `days` (default: every sandbox day) should have stored for a catalogue
    `Collection`, as their raw JSON. Collections read whole ignore `days`."""
    return expected_records(world, collection.name, account_sids, days)
