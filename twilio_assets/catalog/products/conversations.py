"""The `conversations` collections: one declarative entry each (descriptions in glossary/conversations.py)."""

from __future__ import annotations

from ..collection import Collection

COLLECTIONS: tuple[Collection, ...] = ()
