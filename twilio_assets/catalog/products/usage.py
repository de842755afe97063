"""The `usage` collections: one declarative entry each (descriptions in glossary/usage.py)."""

from __future__ import annotations

from ..collection import Collection

COLLECTIONS: tuple[Collection, ...] = ()
