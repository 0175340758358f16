"""Month and bucket arithmetic in greenfactory.core.time."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from greenfactory.core.time import (
    Granularity,
    bucket_floor,
    bucket_next,
    bucket_starts,
    local_today,
    month_end,
    month_floor,
    month_next,
    month_starts,
    months_add,
    months_around,
    months_before,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 1)),
        (dt.date(2025, 12, 15), 1, dt.date(2026, 1, 1)),
        (dt.date(2025, 3, 1), -1, dt.date(2025, 2, 1)),
        (dt.date(2025, 1, 10), -1, dt.date(2024, 12, 1)),
        (dt.date(2025, 5, 5), 0, dt.date(2025, 5, 1)),
        (dt.date(2025, 11, 30), 14, dt.date(2027, 1, 1)),
        (dt.date(2025, 2, 28), -26, dt.date(2022, 12, 1)),
    ],
)
def test_months_add_lands_on_the_first_of_the_month(day, months, expected):
    assert months_add(day, months) == expected


def test_month_floor_next_and_starts():
    assert month_floor(dt.date(2024, 2, 29)) == dt.date(2024, 2, 1)
    assert month_next(dt.date(2024, 12, 31)) == dt.date(2025, 1, 1)
    assert month_starts(dt.date(2024, 11, 20), dt.date(2025, 2, 1)) == [
        dt.date(2024, 11, 1),
        dt.date(2024, 12, 1),
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 1),
    ]
    assert month_starts(dt.date(2025, 3, 5), dt.date(2025, 2, 1)) == []


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2024, 2, 10), dt.date(2024, 2, 29)),
        (dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        (dt.date(2025, 12, 31), dt.date(2025, 12, 31)),
        (dt.date(2025, 4, 30), dt.date(2025, 4, 30)),
    ],
)
def test_month_end_is_the_last_day_of_the_month(day, expected):
    assert month_end(day) == expected


def test_months_before_lists_whole_earlier_months_oldest_first():
    assert months_before(dt.date(2025, 2, 14), 3) == [
        dt.date(2024, 11, 1),
        dt.date(2024, 12, 1),
        dt.date(2025, 1, 1),
    ]
    assert len(months_before(dt.date(2025, 3, 1), 12)) == 12
    assert months_before(dt.date(2025, 3, 1), 12)[0] == dt.date(2024, 3, 1)
    assert months_before(dt.date(2025, 3, 1), 0) == []


def test_local_today_is_the_date_in_the_given_zone(monkeypatch):
    late_utc = dt.datetime(2025, 1, 31, 17, tzinfo=dt.UTC)  # already 1 February in Shanghai
    monkeypatch.setattr(timezone, "now", lambda: late_utc)
    assert local_today(time_zone="Asia/Shanghai") == dt.date(2025, 2, 1)
    assert local_today(time_zone="Europe/Berlin") == dt.date(2025, 1, 31)


def test_month_buckets_follow_the_local_calendar():
    late_utc = dt.datetime(2025, 1, 31, 17, tzinfo=dt.UTC)  # already 1 February in Shanghai
    start = bucket_floor(late_utc, granularity=Granularity.MONTH, zone=SHANGHAI)
    assert start == dt.datetime(2025, 2, 1, tzinfo=SHANGHAI)
    assert bucket_next(start, granularity=Granularity.MONTH, zone=SHANGHAI) == dt.datetime(
        2025, 3, 1, tzinfo=SHANGHAI
    )
    december = dt.datetime(2025, 12, 1, tzinfo=SHANGHAI)
    assert bucket_next(december, granularity=Granularity.MONTH, zone=SHANGHAI) == dt.datetime(
        2026, 1, 1, tzinfo=SHANGHAI
    )


def test_bucket_starts_cover_the_half_open_range():
    starts = bucket_starts(
        dt.datetime(2025, 3, 30, 12, tzinfo=BERLIN),
        dt.datetime(2025, 4, 1, tzinfo=BERLIN),
        granularity=Granularity.DAY,
        zone=BERLIN,
    )
    assert starts == [dt.datetime(2025, 3, 30, tzinfo=BERLIN), dt.datetime(2025, 3, 31, tzinfo=BERLIN)]
    # 30 March 2025 in Berlin has 23 hours (the clocks go forward).
    hours = bucket_starts(
        dt.datetime(2025, 3, 30, tzinfo=BERLIN),
        dt.datetime(2025, 3, 31, tzinfo=BERLIN),
        granularity=Granularity.HOUR,
        zone=BERLIN,
    )
    assert len(hours) == 23


def test_months_around_takes_whole_local_months():
    lo, hi = months_around(
        dt.datetime(2025, 4, 30, 16, 30, tzinfo=dt.UTC),  # 1 May in Shanghai
        dt.datetime(2025, 5, 31, 15, 0, tzinfo=dt.UTC),  # 31 May 23:00 in Shanghai
        zone=SHANGHAI,
    )
    assert (lo, hi) == (dt.datetime(2025, 5, 1, tzinfo=SHANGHAI), dt.datetime(2025, 6, 1, tzinfo=SHANGHAI))
