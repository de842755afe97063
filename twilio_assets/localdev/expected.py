"""What the warehouse should hold after syncing the sandbox: the sandbox's own records, per collection."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Iterator

from ..catalog import Collection, ReadMode
from ..sync.rows import without_dropped_fields

# Catalogue name → the sandbox world's name, where they differ.
WORLD_NAMES = {"call_feedback": "call_summaries"}


def expected_rows(
    world: Any,
    collection: Collection,
    account_sids: Iterable[str],
    days: Iterable[dt.date] | None = None,
) -> Iterator[dict[str, Any]]:
    """The records a full sync of `days` (default: every sandbox day) should have stored, as Twilio
    sent them minus dropped fields. Collections read whole ignore `days`."""
    name = WORLD_NAMES.get(collection.name, collection.name)
    if not collection.per_account:
        records: Iterable[dict[str, Any]] = world.accounts()
    elif collection.read is ReadMode.FULL:
        records = (r for sid in account_sids for r in world.records(sid, name))
    else:
        chosen_days = list(days) if days is not None else list(world.days())
        records = (r for sid in account_sids for day in chosen_days for r in world.records_for_day(sid, name, day))
    for record in records:
        if collection.keep is None or collection.keep(record):
            yield without_dropped_fields(collection, record)
