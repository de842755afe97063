"""Every read mode leaves a part out of its deletion scope once any of its listings was refused.

No Twilio and no database: each catalogue collection's plan is driven by hand, one listing refused for
retention, and the complete parts checked by their labels.
"""

from __future__ import annotations

import pytest

from tests.unit.test_read_modes import refused, request
from twilio_assets.catalog import ALL_COLLECTIONS, BY_NAME
from twilio_assets.read_modes import NewestFirstScan
from twilio_assets.read_modes.base import Listing

# One per read mode whose first listing is a part of its own (per-parent modes have their own tests:
# a refused parent list empties the scope, a refused child listing takes its parent out).
ONE_PER_MODE = {c.read.name: c.name for c in ALL_COLLECTIONS if c.per_account and c.read.name != "per_parent"}


@pytest.mark.parametrize("name", sorted(ONE_PER_MODE.values()))
def test_a_refused_listing_takes_its_part_out_of_the_deletion_scope(name):
    plan = BY_NAME[name].read.plan(request(name))
    first: Listing = next(iter(plan.listings()))
    assert first.label in [part.label for part in plan.complete_parts()]
    assert plan.skip_on_error(first, refused(20004))
    assert first.label not in [part.label for part in plan.complete_parts()]


def test_a_newest_first_scan_refused_on_a_later_page_has_no_scope_at_all():
    collection = BY_NAME["transcriptions"]
    assert isinstance(collection.read, NewestFirstScan)
    plan = collection.read.plan(request("transcriptions"))
    scan = next(iter(plan.listings()))
    plan.accept(scan, [])  # a first page was read...
    assert plan.skip_on_error(scan, refused(20004))  # ...then a later one refused
    assert plan.parts() == [] and plan.complete_parts() == []
