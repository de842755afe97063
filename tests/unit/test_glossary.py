"""The column glossary: every synced column is described, briefly, and no entry points at nothing."""

from __future__ import annotations

import pytest

from twilio_assets.catalog import ALL_COLLECTIONS
from twilio_assets.catalog.glossary import FIELDS, OVERRIDES, describe

ALL_COLUMNS = [(collection.name, column.name) for collection in ALL_COLLECTIONS for column in collection.columns]
MAX_LENGTH = 200


@pytest.mark.parametrize(("collection", "column"), ALL_COLUMNS, ids=[f"{c}.{col}" for c, col in ALL_COLUMNS])
def test_every_column_has_a_short_description(collection, column):
    description = describe(collection, column)
    assert description.strip(), f"{collection}.{column} has an empty description"
    assert len(description) <= MAX_LENGTH, f"{collection}.{column}: {len(description)} characters"


def test_every_override_names_a_real_column():
    unused = sorted(key for key in OVERRIDES if key not in set(ALL_COLUMNS))
    assert not unused, f"overrides for columns no collection has: {unused}"


def test_every_shared_field_is_a_real_column_name():
    names = {column for _, column in ALL_COLUMNS}
    unused = sorted(set(FIELDS) - names)
    assert not unused, f"FIELDS entries for names no collection uses: {unused}"


def test_override_wins_over_the_shared_field():
    assert describe("calls", "status") == OVERRIDES[("calls", "status")] != FIELDS["status"]
    assert describe("calls", "account_sid") == FIELDS["account_sid"]


def test_unknown_column_raises_key_error():
    with pytest.raises(KeyError):
        describe("calls", "no_such_column")
    with pytest.raises(KeyError):
        describe("no_such_collection", "no_such_column")


def test_families_never_redefine_an_entry():
    # The families' dicts are merged: a second, different text for a name would silently win.
    from twilio_assets.catalog.glossary import FAMILIES

    for kind in ("FIELDS", "OVERRIDES"):
        seen: dict = {}
        for family in FAMILIES:
            for key, text in getattr(family, kind).items():
                assert seen.setdefault(key, text) == text, f"{kind}[{key!r}] differs in {family.__name__}"
