"""The `verify` collections: one declarative entry each (descriptions in glossary/verify.py)."""

from __future__ import annotations

from ..collection import Collection

COLLECTIONS: tuple[Collection, ...] = ()
