"""The `trunking` collections: one declarative entry each (descriptions in glossary/trunking.py)."""

from __future__ import annotations

from ..collection import Collection

COLLECTIONS: tuple[Collection, ...] = ()
