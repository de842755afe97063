"""The `monitor` collections: one declarative entry each (descriptions in glossary/monitor.py)."""

from __future__ import annotations

from ..collection import Collection

COLLECTIONS: tuple[Collection, ...] = ()
