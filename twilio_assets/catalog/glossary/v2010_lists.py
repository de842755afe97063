"""Column descriptions of the `v2010_lists` collections (see core.py for the conventions)."""

from __future__ import annotations

FIELDS: dict[str, str] = {}
OVERRIDES: dict[tuple[str, str], str] = {}
