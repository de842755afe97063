"""The `v2010_lists` collections: one declarative entry each (descriptions in glossary/v2010_lists.py)."""

from __future__ import annotations

from ..collection import Collection

COLLECTIONS: tuple[Collection, ...] = ()
