"""The deletion safeguard's thresholds, set per instance in the instances file, refused with a reason when wrong."""

from __future__ import annotations

import pytest

from twilio_assets.instances import ConfigError, parse_instance
from twilio_assets.sync.safeguard import DeletionSafeguard


def test_an_instance_without_the_setting_holds_back_more_than_half_of_ten_rows_or_all_of_a_part():
    safeguard = parse_instance({"name": "prod"}, "file").deletion_safeguard
    assert (safeguard.max_share, safeguard.min_rows) == (0.5, 10)
    assert not safeguard.holds_back(live=20, vanishing=10) and safeguard.holds_back(live=20, vanishing=11)
    assert not safeguard.holds_back(live=9, vanishing=8) and safeguard.holds_back(live=1, vanishing=1)


def test_an_instance_sets_its_own_thresholds():
    raw = {"name": "prod", "deletion_safeguard": {"max_share": 0.9, "min_rows": 100}}
    assert parse_instance(raw, "file").deletion_safeguard == DeletionSafeguard(max_share=0.9, min_rows=100)


@pytest.mark.parametrize(
    "value, named",
    [
        ({"max_share": 2}, "max_share"),
        ({"max_share": "half"}, "max_share"),
        ({"min_rows": 0}, "min_rows"),
        ({"min_rows": 2.5}, "min_rows"),
        ({"share": 0.5}, "takes max_share"),
        (0.5, "takes max_share"),
    ],
)
def test_a_wrong_setting_is_refused_naming_it_and_what_it_takes(value, named):
    with pytest.raises(ConfigError, match=named) as raised:
        parse_instance({"name": "prod", "deletion_safeguard": value}, "twilio_instances.yaml: instances[0]")
    assert "deletion_safeguard" in str(raised.value)
