"""The `studio` collections: one declarative entry each (descriptions in glossary/studio.py)."""

from __future__ import annotations

from ..collection import Collection

COLLECTIONS: tuple[Collection, ...] = ()
