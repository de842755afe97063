"""Daily partitions shared by every raw asset (one job needs one partitions definition)."""

from __future__ import annotations

import dagster as dg

from ..instances import SyncSettings


def daily_partitions(settings: SyncSettings) -> dg.DailyPartitionsDefinition:
    # end_offset=1 makes today a partition: Twilio's day-granular filters are re-read while it fills up.
    return dg.DailyPartitionsDefinition(start_date=settings.start_date.isoformat(), timezone="UTC", end_offset=1)
