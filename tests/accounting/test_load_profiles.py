"""Load profiles on crafted hourly consumption: a known base load, a known peak at a known local hour,
known off-shift energy, the previous period, the advice rules at their thresholds, the page, its
exports and query count, and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounting.selectors.energy_functions import energy_function_list
from accounting.selectors.load_advice import advice_figures, observations, shipped_rules
from accounting.selectors.load_profiles import load_profile
from greenfactory.core.time import Granularity
from greenfactory.sites.services import site_shifts_set
from metering.choices import Source
from metering.models import Meter, MeterRollup, Reading
from tests.metering.helpers import meter

pytestmark = pytest.mark.django_db
URL = "/energy/load-profile/"
API = "/api/v1/load-profile/"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
WEEK = (dt.date(2025, 3, 3), dt.date(2025, 3, 9))  # Monday to Sunday
PEAK_DAY, PEAK_HOUR, PEAK_KW = dt.date(2025, 3, 5), 14, 300.0


def _day(night: list[float]) -> list[float]:
    """00–04: ``night``; 05–07: 40 kW; 08–23 (the shifts): 100 kW."""
    return [*night, 40.0, 40.0, 40.0, *([100.0] * 16)]


NIGHT_NOW = [30.0, 25.0, 20.0, 22.0, 28.0]  # lowest: 20 kW
NIGHT_BEFORE = [20.0, 15.0, 10.0, 12.0, 18.0]  # lowest: 10 kW
DAY_KWH = sum(_day(NIGHT_NOW))  # 1,845 kWh


def _rollup(
    m: Meter, day: dt.date, hourly: list[float | None], zone=SHANGHAI, readings_per_day: int = 24
) -> None:
    """The day's rollup as given, and the register readings behind it (hourly by default; one for a
    meter read once a day)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    MeterRollup.objects.create(
        meter=m,
        granularity=Granularity.DAY,
        start=start,
        quantity=sum(v for v in hourly if v is not None),
        hourly=hourly,
    )
    count = len(hourly) if readings_per_day == 24 else readings_per_day  # 23 or 25 on a DST day
    step, first = dt.timedelta(hours=len(hourly) / count), start.astimezone(dt.UTC)
    Reading.objects.bulk_create(
        Reading(meter=m, ts=first + step * i + dt.timedelta(minutes=1), value=float(i), source=Source.GATEWAY)
        for i in range(count)
    )


def _week(m: Meter, first: dt.date, night: list[float], peak: bool) -> None:
    for d in range(7):
        day = first + dt.timedelta(days=d)
        hourly = _day(night)
        if peak and day == PEAK_DAY:
            hourly[PEAK_HOUR] = PEAK_KW
        _rollup(m, day, hourly)


@pytest.fixture
def plant(site):
    """E-MAIN (the incomer) this week and the week before, a sub-meter that the site's load must not
    count again, and two shifts Monday to Saturday 08:00–24:00."""
    main = meter(site, "E-MAIN")
    sub = meter(site, "E-101", parent=main)
    _week(main, WEEK[0], NIGHT_NOW, peak=True)
    _week(main, WEEK[0] - dt.timedelta(days=7), NIGHT_BEFORE, peak=False)
    for d in range(7):
        _rollup(sub, WEEK[0] + dt.timedelta(days=d), [50.0] * 24)
    site_shifts_set(
        site=site,
        shifts=[("Early", "123456", dt.time(8), dt.time(16)), ("Late", "123456", dt.time(16), dt.time(0))],
    )
    return site


def test_figures_of_a_crafted_week(plant):
    profile = load_profile(site=plant, start=WEEK[0], end=WEEK[1])
    now = profile.current
    energy = 7 * DAY_KWH + (PEAK_KW - 100)
    assert now.days == 7
    assert now.energy == pytest.approx(energy)
    assert now.mean_load == pytest.approx(energy / 168)
    assert now.base_load == pytest.approx(20.0)
    assert now.base_share == pytest.approx(20.0 / (energy / 168))
    assert now.peak == PEAK_KW
    assert now.peak_at == dt.datetime(2025, 3, 5, 14, tzinfo=SHANGHAI)
    assert now.peak_to_average == pytest.approx(PEAK_KW / (energy / 168))
    # Off shift: 00–08 Monday to Saturday (245 kWh a day) and all of Sunday.
    assert now.off_shift == pytest.approx(6 * 245 + DAY_KWH)
    assert now.off_shift_share == pytest.approx((6 * 245 + DAY_KWH) / energy)
    assert profile.unit == "kW"


def test_days_read_once_count_for_energy_but_give_no_shape(site):
    """A week read hourly after a week read once a day (its hours spread evenly by the rollup): the
    flat week's base load and peak are not figures, so nothing is compared with them."""
    main = meter(site, "E-MAIN")
    _week(main, WEEK[0], NIGHT_NOW, peak=True)
    for d in range(7):
        _rollup(main, WEEK[0] - dt.timedelta(days=7 - d), [DAY_KWH / 24] * 24, readings_per_day=1)
    profile = load_profile(site=site, start=WEEK[0], end=WEEK[1])
    before = profile.previous
    assert (before.days, before.hourly_days) == (7, 0)
    assert before.energy == pytest.approx(7 * DAY_KWH)
    assert before.mean_load == pytest.approx(DAY_KWH / 24)
    assert (before.base_load, before.peak, before.base_share, before.peak_to_average) == (None,) * 4
    assert profile.change("base_load") is None
    assert profile.change("energy") == pytest.approx((PEAK_KW - 100) / (7 * DAY_KWH) * 100)
    assert (profile.current.hourly_days, profile.current.base_load) == (7, pytest.approx(20.0))


def test_page_and_api_say_which_days_have_no_hourly_shape(site, staff_client):
    main = meter(site, "E-MAIN")
    _week(main, WEEK[0], NIGHT_NOW, peak=True)
    for d in range(7):
        _rollup(main, WEEK[0] - dt.timedelta(days=7 - d), [DAY_KWH / 24] * 24, readings_per_day=1)
    params = {"site": site.code, "start": WEEK[0].isoformat(), "end": WEEK[1].isoformat()}
    page = staff_client.get(
        URL, {"site": site.code, "period": "week", "on": WEEK[1].isoformat()}
    ).content.decode()
    assert "7 of 7 days in this period, 0 of 7 in the previous one" in page
    answer = staff_client.get(API, params).json()
    assert (answer["previous"]["hourly_days"], answer["previous"]["base_load"]) == (0, None)
    assert answer["changes"]["base_load"] is None


def test_a_day_one_incomer_read_once_leaves_the_sites_shape_out(site):
    """Two incomers: on the day one of them was read once, the site's hours are not a shape."""
    main, second = meter(site, "E-MAIN"), meter(site, "E-MAIN-2")
    for d in range(7):
        day = WEEK[0] + dt.timedelta(days=d)
        _rollup(main, day, _day(NIGHT_NOW))
        _rollup(second, day, [10.0] * 24, readings_per_day=1 if d == 0 else 24)
    profile = load_profile(site=site, start=WEEK[0], end=WEEK[1])
    assert (profile.current.days, profile.current.hourly_days) == (7, 6)
    assert profile.current.energy == pytest.approx(7 * (DAY_KWH + 240))
    assert math.isnan(profile.matrix[0][0])
    assert profile.matrix[1][0] == pytest.approx(40.0)


def test_typical_day_separates_weekdays_and_weekends(plant):
    profile = load_profile(site=plant, start=WEEK[0], end=WEEK[1])
    assert profile.weekday[2] == pytest.approx(20.0)
    assert profile.weekday[PEAK_HOUR] == pytest.approx((4 * 100 + PEAK_KW) / 5)
    assert profile.weekend[PEAK_HOUR] == pytest.approx(100.0)
    assert profile.weekend[6] == pytest.approx(40.0)


def test_each_figure_is_compared_with_the_previous_period_of_equal_length(plant):
    profile = load_profile(site=plant, start=WEEK[0], end=WEEK[1])
    assert (profile.previous_start, profile.previous_end) == (dt.date(2025, 2, 24), dt.date(2025, 3, 2))
    assert profile.previous.base_load == pytest.approx(10.0)
    assert profile.change("base_load") == pytest.approx(100.0)
    before = profile.previous.base_share
    assert profile.change("base_share") == pytest.approx((profile.current.base_share - before) * 100)
    assert profile.previous.peak_at == dt.datetime(2025, 2, 24, 8, tzinfo=SHANGHAI)  # the first 100 kW


def test_one_meter_is_its_own_profile_and_the_site_counts_only_incomers(plant):
    sub = Meter.objects.get(code="E-101")
    alone = load_profile(site=plant, start=WEEK[0], end=WEEK[1], meter=sub)
    assert alone.current.mean_load == pytest.approx(50.0)
    assert alone.previous.days == 0
    assert alone.change("mean_load") is None
    site = load_profile(site=plant, start=WEEK[0], end=WEEK[1])
    assert site.current.energy == pytest.approx(7 * DAY_KWH + 200)  # E-101 not counted twice


def test_hours_are_the_sites_local_hours_in_shanghai(site):
    """A Shanghai day starts at 16:00 UTC the day before; its hour 0 is the local midnight."""
    m = meter(site, "E-MAIN")
    hourly = [0.0] * 24
    hourly[0] = 500.0
    _rollup(m, dt.date(2025, 3, 3), hourly)
    profile = load_profile(site=site, start=dt.date(2025, 3, 3), end=dt.date(2025, 3, 3))
    assert profile.current.peak_at == dt.datetime(2025, 3, 3, 0, tzinfo=SHANGHAI)
    assert profile.current.peak_at.astimezone(dt.UTC).hour == 16
    assert profile.matrix[0, 0] == 500.0


def test_a_daylight_saving_day_puts_each_value_in_its_local_hour(site):
    site.time_zone = "Europe/Berlin"
    site.save()
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    m = meter(site, "E-MAIN")
    _rollup(m, dt.date(2025, 3, 30), [float(i) for i in range(23)], zone=berlin)  # 02:00 skipped
    profile = load_profile(site=site, start=dt.date(2025, 3, 30), end=dt.date(2025, 3, 30))
    row = profile.matrix[0]
    assert math.isnan(row[2])
    assert row[3] == 2.0
    assert row[23] == 22.0


def test_no_hourly_data_gives_no_figures(site):
    meter(site, "E-MAIN")
    profile = load_profile(site=site, start=WEEK[0], end=WEEK[1])
    assert profile.current.days == 0
    assert profile.current.mean_load is None
    assert observations(advice_figures(profile)) == []


RULE = {
    "key": "r",
    "figure": "base_share_pct",
    "threshold": 30,
    "text": "{value:.0f} %",
    "text_zh": "{value:.0f} 百分",
}


@pytest.mark.parametrize(
    ("op", "value", "shown"),
    [(">=", 30.0, True), (">=", 29.99, False), (">", 30.0, False), (">", 30.01, True), ("<", 30.0, False)],
)
def test_rules_pass_exactly_at_their_thresholds(op, value, shown):
    found = observations({"base_share_pct": value}, rules=({**RULE, "op": op},))
    assert bool(found) is shown


@pytest.mark.parametrize("rule", shipped_rules(), ids=lambda r: r["key"])
def test_every_shipped_rule_fires_at_its_threshold_and_cites_its_figure(rule):
    at = float(rule["threshold"])
    below = at - 0.01 if rule["op"] in (">=", ">") else at + 0.01
    assert observations({rule["figure"]: below}, rules=(rule,)) == []
    [found] = observations({rule["figure"]: at + (0.001 if rule["op"] == ">" else 0)}, rules=(rule,))
    assert found.figure == rule["figure"]
    assert f"{at:.0f}" in found.text or f"{at:.1f}" in found.text
    assert observations({}, rules=(rule,)) == []  # an unknown figure says nothing


def test_observations_cite_the_figures_of_the_crafted_week(plant):
    found = {
        o.key: o for o in observations(advice_figures(load_profile(site=plant, start=WEEK[0], end=WEEK[1])))
    }
    assert found["base-load-rising"].text.startswith("Base load rose by 100 %")
    # 300 kW over a mean of 13,115 kWh / 168 h = 78.1 kW: 3.8 times.
    assert found["peak-to-average-high"].text.startswith("Peak demand is 3.8 times the mean load")
    share = 20.0 / ((7 * DAY_KWH + 200) / 168) * 100
    assert share < 30
    assert "base-load-high" not in found


def test_page_shows_figures_observations_drawings_and_exports(plant, staff_client):
    page = staff_client.get(URL, {"site": plant.code, "period": "week", "on": "2025-03-09"})
    body = page.content.decode()
    assert "Base load rose by 100 %" in body
    assert "2025-03-05 14:00" in body
    assert 'class="load-heat-map"' in body
    assert 'class="load-typical-day"' in body
    assert "2025-03-05 14:00 · 300.0 kW" in body
    export = staff_client.get(
        URL, {"site": plant.code, "period": "week", "on": "2025-03-09", "export": "csv", "table": "hours"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 7 * 24
    assert ["2025-03-05", "14:00", "300.0"] in rows
    figures = staff_client.get(
        URL, {"site": plant.code, "period": "week", "on": "2025-03-09", "export": "csv", "table": "figures"}
    )
    table = list(csv.reader(io.StringIO(b"".join(figures.streaming_content).decode("utf-8-sig"))))
    base = next(r for r in table if r[0] == "Base load (night minimum)")
    assert base[2:] == ["20.0", "10.0", "100.0"]


def test_page_in_chinese_shows_observations_in_chinese(plant, staff_client):
    staff_client.cookies["django_language"] = "zh-hans"
    body = staff_client.get(URL, {"site": plant.code, "on": "2025-03-09"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "基础负荷比上一周期上升 100 %" in body.content.decode()


def test_page_query_count_does_not_grow_with_meters(plant, staff_client):
    main = Meter.objects.get(code="E-MAIN")
    query = {"site": plant.code, "on": "2025-03-09"}
    counts = []
    for size in (3, 30):
        for i in range(Meter.objects.filter(site=plant).count(), size):
            sub = meter(plant, f"E-{200 + i}", parent=main)
            _rollup(sub, WEEK[0], [1.0] * 24)
        staff_client.get(URL, query)  # caches warmed alike
        with CaptureQueriesContext(connection) as captured:
            page = staff_client.get(URL, query)
        assert page.content.decode().count('<option value="E-2') == size - 2
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_api_gives_the_figures_changes_and_observations(plant, staff_client):
    answer = staff_client.get(API, {"site": plant.code, "start": "2025-03-03", "end": "2025-03-09"}).json()
    assert answer["current"]["base_load"] == pytest.approx(20.0)
    assert answer["current"]["peak"] == PEAK_KW
    assert answer["current"]["peak_at"].startswith("2025-03-05T14:00:00+08:00")
    assert answer["changes"]["base_load"] == pytest.approx(100.0)
    assert [o["rule"] for o in answer["observations"]] == [
        "off-shift-energy-high",
        "peak-to-average-high",
        "base-load-rising",
    ]
    assert answer["observations"][2]["figure"] == "base_load_change_pct"
    one = staff_client.get(
        API, {"site": plant.code, "meter": "E-101", "start": "2025-03-03", "end": "2025-03-09"}
    )
    assert one.json()["current"]["mean_load"] == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2025-03-09", "end": "2025-03-01"}, "end"),
        ({"start": "2024-01-01", "end": "2025-12-31"}, "end"),
        ({"start": "2025-03-01", "end": "2025-03-09", "meter": "NOPE"}, "meter"),
    ],
)
def test_api_answers_a_bad_query_with_400(plant, staff_client, query, field):
    answer = staff_client.get(API, {"site": plant.code, **query})
    assert answer.status_code == 400
    assert field in answer.json()


def test_functions_list_names_the_load_profile_page():
    function = next(f for f in energy_function_list() if f.key == "consumption-analysis")
    assert function.provided
    assert function.url == URL


def test_demo_load_profile_shows_a_night_base_load_observation(django_capture_on_commit_callbacks):
    from greenfactory.web.demo import demo_load

    today = dt.date(2026, 11, 28)
    with django_capture_on_commit_callbacks(execute=True):
        demo_load(today=today)
    site = Meter.objects.get(code="E-MAIN").site
    profile = load_profile(site=site, start=today - dt.timedelta(days=7), end=today - dt.timedelta(days=1))
    found = {o.key: o for o in observations(advice_figures(profile))}
    assert profile.current.days == 7
    assert "base-load-high" in found, advice_figures(profile)
    assert found["base-load-high"].text.startswith("Base load is ")


def test_shifts_are_edited_with_the_site_in_the_admin(plant, admin_client):
    page = admin_client.get(f"/admin/sites/site/{plant.pk}/change/").content.decode()
    assert "Production shifts" in page or "production shifts" in page
    assert 'value="123456"' in page


@pytest.mark.parametrize("weekdays", ["", "128", "112"])
def test_a_shift_refuses_weekdays_that_are_not_each_weekday_once(site, weekdays):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="weekday"):
        site_shifts_set(site=site, shifts=[("x", weekdays, dt.time(8), dt.time(16))])
    assert not site.shifts.exists()
