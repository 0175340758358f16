"""The one span type of greenfactory.core.spans, and the plausible-date range of core.validators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from greenfactory.core.spans import Span, span_cover, spans_cover_by, spans_merge
from greenfactory.core.validators import (
    date_is_plausible,
    validate_plausible_date,
    validate_plausible_year,
    year_is_plausible,
)

D = dt.date


def test_a_span_refuses_to_end_before_it_starts():
    with pytest.raises(ValueError, match="ends after it starts"):
        Span(D(2025, 2, 1), D(2025, 1, 1))
    assert Span(D(2025, 1, 1), D(2025, 1, 1)).start == D(2025, 1, 1)


def test_cover_and_overlap():
    a, b = Span(D(2025, 1, 1), D(2025, 1, 10)), Span(D(2025, 1, 10), D(2025, 2, 1))
    assert a.overlaps(b)
    assert b.overlaps(a)
    assert not a.overlaps(Span(D(2025, 1, 11), D(2025, 1, 12)))
    assert a.cover(Span(D(2025, 3, 1), D(2025, 3, 2))) == Span(D(2025, 1, 1), D(2025, 3, 2))
    assert span_cover([]) is None
    assert span_cover([b, a]) == Span(D(2025, 1, 1), D(2025, 2, 1))


def test_spans_cover_by_widens_one_span_per_key():
    covered = spans_cover_by(
        [
            ("E-1", D(2025, 1, 5), D(2025, 1, 6)),
            ("E-2", D(2025, 3, 1), D(2025, 3, 1)),
            ("E-1", D(2025, 1, 1), D(2025, 1, 2)),
            ("E-1", D(2025, 1, 20), D(2025, 1, 30)),
        ]
    )
    assert covered == {"E-1": Span(D(2025, 1, 1), D(2025, 1, 30)), "E-2": Span(D(2025, 3, 1), D(2025, 3, 1))}
    assert list(covered) == ["E-1", "E-2"]


def test_spans_merge_joins_overlapping_and_touching_spans_only():
    utc = dt.UTC
    t = [dt.datetime(2025, m, 1, tzinfo=utc) for m in range(1, 9)]
    merged = spans_merge(
        [Span(t[5], t[6]), Span(t[0], t[2]), Span(t[1], t[3]), Span(t[3], t[4]), Span(t[7], t[7])]
    )
    assert merged == [Span(t[0], t[4]), Span(t[5], t[6]), Span(t[7], t[7])]
    assert spans_merge([]) == []


@pytest.mark.parametrize(
    ("day", "plausible"),
    [
        (D(1989, 12, 31), False),
        (D(1990, 1, 1), True),
        (D(2025, 6, 1), True),
        (D(2100, 12, 31), True),
        (D(2101, 1, 1), False),
        (dt.datetime(2100, 12, 31, 23, 59, tzinfo=dt.UTC), True),
    ],
)
def test_one_plausible_date_range(day, plausible):
    assert date_is_plausible(day) is plausible
    if plausible:
        validate_plausible_date(day)
    else:
        with pytest.raises(ValidationError) as refused:
            validate_plausible_date(day)
        assert refused.value.messages == ["Give a date between 1990 and 2100."]


def test_plausible_years():
    assert [year_is_plausible(y) for y in (1989, 1990, 2100, 2101)] == [False, True, True, False]
    validate_plausible_year(2025)
    with pytest.raises(ValidationError):
        validate_plausible_year(20255)
