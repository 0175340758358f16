from decimal import Decimal as D

import pytest

from certifications.scoring import indicator_points


def test_renewable_share_vector():
    points = indicator_points(value=D(30), baseline=D(18), leading=D(55), weight=D(8))
    assert round(points, 3) == D("2.595")


def test_lower_is_better_indicator():
    # kgce per tonne: baseline 60, leading 40, measured 50 -> half the weight
    assert indicator_points(value=D(50), baseline=D(60), leading=D(40), weight=D(10)) == D(5)


@pytest.mark.parametrize(("value", "expected"), [(D(10), D(0)), (D(80), D(8))])
def test_points_are_clipped_to_zero_and_the_full_weight(value, expected):
    assert indicator_points(value=value, baseline=D(18), leading=D(55), weight=D(8)) == expected


def test_equal_baseline_and_leading_values_are_refused():
    with pytest.raises(ValueError, match="must differ"):
        indicator_points(value=D(1), baseline=D(2), leading=D(2), weight=D(1))
