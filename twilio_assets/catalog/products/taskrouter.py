"""The `taskrouter` collections: one declarative entry each (descriptions in glossary/taskrouter.py)."""

from __future__ import annotations

from ..collection import Collection

COLLECTIONS: tuple[Collection, ...] = ()
