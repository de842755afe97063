"""Read modes: each way of reading a Twilio collection, one file each (see base.py for the contract)."""

from .base import (
    RETENTION_ERROR_CODES,
    Accepted,
    Index,
    Listing,
    Part,
    ReadMode,
    ReadPlan,
    ReadRequest,
)
from .day_filter import DayFilter
from .day_params import DayParams
from .newest_first import NewestFirstScan
from .per_parent import Parents, PerParent
from .sent_or_pending import SentOrPending
from .time_range import TimeRange
from .whole_list import WholeList

__all__ = [
    "RETENTION_ERROR_CODES",
    "Accepted",
    "DayFilter",
    "DayParams",
    "Index",
    "Listing",
    "NewestFirstScan",
    "Parents",
    "Part",
    "PerParent",
    "ReadMode",
    "ReadPlan",
    "ReadRequest",
    "SentOrPending",
    "TimeRange",
    "WholeList",
]
