"""The generic sync engine (no Dagster): windows, rows and the page-by-page upsert loop."""

from ..window import Window
from .engine import SyncError, SyncResult, sync_collection
from .rows import MalformedRecord, Redaction, build_row

__all__ = ["Redaction", "MalformedRecord", "SyncError", "SyncResult", "Window", "build_row", "sync_collection"]
