"""Column descriptions for the raw tables, one module per product family (core.py: the first ten).

`describe(collection, column)` looks up a (collection, column) entry in the overrides first, then the
field name in the shared fields. A family's FIELDS are names with one meaning across that family's
collections; they may not contradict the core FIELDS (a test checks the merge loses nothing).
"""

from __future__ import annotations

from . import conversations, core, messaging, monitor, studio, taskrouter, trunking, usage, v2010_lists, verify

FAMILIES = (core, usage, v2010_lists, messaging, monitor, trunking, conversations, studio, verify, taskrouter)

FIELDS: dict[str, str] = {name: text for family in FAMILIES for name, text in family.FIELDS.items()}
OVERRIDES: dict[tuple[str, str], str] = {key: text for family in FAMILIES for key, text in family.OVERRIDES.items()}


def describe(collection: str, column: str) -> str:
    """The description of `column` in `collection`: its override, else the shared one; KeyError if neither."""
    try:
        return OVERRIDES[(collection, column)]
    except KeyError:
        pass
    try:
        return FIELDS[column]
    except KeyError:
        raise KeyError(f"no description for {collection}.{column}") from None
