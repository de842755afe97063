"""The `messaging` collections: one declarative entry each (descriptions in glossary/messaging.py)."""

from __future__ import annotations

from ..collection import Collection

COLLECTIONS: tuple[Collection, ...] = ()
