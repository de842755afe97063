"""Column descriptions of the `usage` collections (see core.py for the conventions)."""

from __future__ import annotations

FIELDS: dict[str, str] = {}
OVERRIDES: dict[tuple[str, str], str] = {}
