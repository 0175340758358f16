"""The data-quality page and API: what staff see and do, what bad input gets, both languages."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from metering.models import FindingKind, FindingStatus, QualityFinding, SiteQualitySettings

from .helpers import ingest, meter

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
URL = "/kpis/quality/"
API = "/api/v1/quality-findings/"


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2025, 5, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def plant(site, django_capture_on_commit_callbacks):
    """E-1 with a gap (05:00-10:00 on 1 May) and a spike (12:00-13:00), rolled up as in production."""
    meter(site, "E-1", rated_max_flow=Decimal("10"))
    meter(site, "W-1")
    values = {h: 5.0 * h for h in (0, 1, 2, 3, 4, 5, 10, 11, 12)}
    values.update({13: 200.0, 14: 205.0})
    rows = [{"meter": "E-1", "ts": at(1, h).isoformat(), "value": v} for h, v in values.items()]
    with django_capture_on_commit_callbacks(execute=True):
        ingest(site, rows)
    return site


def gap():
    return QualityFinding.objects.get(kind=FindingKind.GAP)


def spike():
    return QualityFinding.objects.get(kind=FindingKind.SPIKE)


def test_page_lists_findings_with_counts_and_a_link_to_the_readings(plant, staff_client):
    response = staff_client.get(URL, {"site": plant.code})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No reading for 5.0 h (readings usually every 1.0 h)." in html
    assert "The register rose at 140.0 kWh/h, above the rated maximum of 10.0." in html
    counts = {c["kind"]: (c["open"], c["explained"]) for c in response.context["counts"]}
    assert counts[FindingKind.GAP] == (1, 0)
    assert counts[FindingKind.SPIKE] == (1, 0)
    assert counts[FindingKind.FLATLINE] == (0, 0)
    meter_id = gap().meter_id
    assert f'href="/meters/{meter_id}/?start=2025-05-01&amp;end=2025-05-01"' in html


def test_readings_link_opens_the_meters_readings_of_those_days(plant, staff_client):
    response = staff_client.get(f"/meters/{gap().meter_id}/", {"start": "2025-05-01", "end": "2025-05-01"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 11


@pytest.mark.parametrize(
    ("query", "kinds"),
    [
        ({"kind": "gap"}, {"gap"}),
        ({"status": "explained"}, set()),
        ({"status": "open"}, {"gap", "spike"}),
        ({"start": "2025-05-02"}, set()),
        ({"end": "2025-04-30"}, set()),
        ({"start": "2025-05-01", "end": "2025-05-01"}, {"gap", "spike"}),
    ],
)
def test_filters_narrow_the_list(plant, staff_client, query, kinds):
    response = staff_client.get(URL, {"site": plant.code, **query})
    assert response.status_code == 200
    assert {row["finding"].kind for row in response.context["rows"]} == kinds


def test_meter_filter_offers_the_sites_meters(plant, staff_client):
    from metering.models import Meter

    other = Meter.objects.get(code="W-1")
    response = staff_client.get(URL, {"site": plant.code, "meter": other.pk})
    assert response.status_code == 200
    assert response.context["rows"] == []


@pytest.mark.parametrize(
    "query", [{"kind": "bogus"}, {"start": "not-a-date"}, {"meter": "999999"}, {"status": "x"}]
)
def test_bad_filters_answer_400_with_the_reason(plant, staff_client, query):
    response = staff_client.get(URL, {"site": plant.code, **query})
    assert response.status_code == 400
    assert response.context["filter"].errors


def test_unknown_site_is_404(plant, staff_client):
    assert staff_client.get(URL, {"site": "NOPE"}).status_code == 404


def test_exports_hold_the_filtered_findings(plant, staff_client):
    response = staff_client.get(URL, {"site": plant.code, "kind": "spike", "export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Kind,Meter or gateway,Start,End,Magnitude")
    assert len(lines) == 2
    assert lines[1].startswith("Spike,E-1,2025-05-01T12:00:00+08:00,2025-05-01T13:00:00+08:00,140.0")
    xlsx = staff_client.get(URL, {"site": plant.code, "export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_staff_explain_a_finding_and_it_shows_as_explained(plant, staff_client, staff_user):
    finding = gap()
    response = staff_client.post(
        reverse("quality-explain", args=[finding.pk]) + f"?site={plant.code}&kind=gap",
        {"note": "Gateway offline for a firmware update"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("kind=gap&site=TJ-01") or "kind=gap" in response["Location"]
    finding.refresh_from_db()
    assert (finding.status, finding.note, finding.explained_by) == (
        FindingStatus.EXPLAINED,
        "Gateway offline for a firmware update",
        staff_user,
    )
    html = staff_client.get(URL, {"site": plant.code}).content.decode()
    assert "Gateway offline for a firmware update" in html


def test_an_empty_explanation_is_refused_and_changes_nothing(plant, staff_client):
    finding = gap()
    response = staff_client.post(reverse("quality-explain", args=[finding.pk]), {"note": "  "})
    assert response.status_code == 400
    assert "Say what explains this finding." in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_explaining_twice_is_a_conflict(plant, staff_client):
    finding = gap()
    staff_client.post(reverse("quality-explain", args=[finding.pk]), {"note": "known"})
    response = staff_client.post(reverse("quality-explain", args=[finding.pk]), {"note": "again"})
    assert response.status_code == 409
    finding.refresh_from_db()
    assert finding.note == "known"


def test_auditors_cannot_see_or_explain(plant, auditor_client):
    assert auditor_client.get(URL).status_code == 403
    assert auditor_client.post(reverse("quality-explain", args=[gap().pk]), {"note": "x"}).status_code == 403
    assert gap().status == FindingStatus.OPEN


def test_staff_set_the_sites_thresholds(plant, staff_client):
    response = staff_client.post(
        reverse("quality-settings") + f"?site={plant.code}",
        {"balance_tolerance_pct": "7.5", "stale_gateway_hours": "48", "flatline_hours": "12"},
    )
    assert response.status_code == 302
    page = staff_client.get(response.url)
    assert "being re-evaluated over its whole history" in page.content.decode()
    saved = SiteQualitySettings.objects.get(site=plant)
    assert (saved.balance_tolerance_pct, saved.stale_gateway_hours, saved.flatline_hours) == (
        Decimal("7.5"),
        48,
        12,
    )


def test_impossible_thresholds_are_refused_and_change_nothing(plant, staff_client):
    response = staff_client.post(
        reverse("quality-settings") + f"?site={plant.code}",
        {"balance_tolerance_pct": "150", "stale_gateway_hours": "0", "flatline_hours": "x"},
    )
    assert response.status_code == 400
    assert response.context["settings_form"].errors.keys() == {
        "balance_tolerance_pct",
        "stale_gateway_hours",
        "flatline_hours",
    }
    assert not SiteQualitySettings.objects.exists()


def test_dashboard_shows_the_open_findings_with_a_link(plant, staff_client):
    response = staff_client.get("/kpis/", {"site": plant.code, "period": "month", "on": "2025-05-01"})
    html = response.content.decode()
    assert "2 open data-quality findings" in html
    assert f"/kpis/quality/?site={plant.code}&amp;status=open" in html


def test_page_in_chinese(plant, staff_client):
    with translation.override("zh-hans"):
        response = staff_client.get(URL, {"site": plant.code}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert "数据质量" in html
    assert "缺测" in html
    assert "小时内没有读数" in html
    assert "No reading for" not in html


def test_query_count_does_not_grow_with_findings(plant, staff_client, django_assert_max_num_queries):
    from metering.models import Meter

    m = Meter.objects.get(code="E-1")

    def add(n: int) -> None:
        QualityFinding.objects.bulk_create(
            QualityFinding(
                site=plant,
                meter=m,
                kind=FindingKind.FLATLINE,
                start=at(10, 0) + dt.timedelta(days=len(QualityFinding.objects.all()) + i),
                end=at(10, 0) + dt.timedelta(days=len(QualityFinding.objects.all()) + i, hours=30),
                magnitude=30,
                details={"threshold_hours": 24},
            )
            for i in range(n)
        )

    add(3)
    with django_assert_max_num_queries(20) as small:
        staff_client.get(URL, {"site": plant.code})
    add(120)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = staff_client.get(URL, {"site": plant.code})
    assert len(response.context["rows"]) == 50


# --- API -------------------------------------------------------------------------------------------


def test_api_lists_and_filters_findings(plant, staff_client):
    body = staff_client.get(API, {"site": plant.code, "kind": "spike"}).json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["kind"] == "spike"
    assert row["meter"]["code"] == "E-1"
    assert row["magnitude"] == 140.0
    assert row["start"] == "2025-05-01T12:00:00+08:00"
    assert row["status"] == "open"
    assert staff_client.get(API, {"start": "2025-05-02T00:00:00+08:00"}).json()["count"] == 0
    assert staff_client.get(API, {"end": "2025-05-01T11:00:00+08:00"}).json()["count"] == 1  # the gap


def test_api_detail_and_explain(plant, staff_client, staff_user):
    finding = spike()
    assert staff_client.get(f"{API}{finding.pk}/").json()["kind_display"] == "Spike"
    response = staff_client.post(
        f"{API}{finding.pk}/explain/", {"note": "Test injection"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "explained"
    assert response.json()["explained_by"] == str(staff_user)
    again = staff_client.post(f"{API}{finding.pk}/explain/", {"note": "x"}, content_type="application/json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    "body",
    [{}, {"note": ""}, {"note": "   "}, {"note": "x" * 2001}, {"note": "a\x00b"}, {"note": ["a"]}],
)
def test_api_explain_refuses_bad_notes_and_changes_nothing(plant, staff_client, body):
    finding = gap()
    response = staff_client.post(f"{API}{finding.pk}/explain/", body, content_type="application/json")
    assert response.status_code == 400
    assert "note" in response.json() or "NUL" in response.json()["detail"]
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "bogus"},
        {"status": "closed"},
        {"meter": "abc"},
        {"meter": "1e30"},
        {"start": "yesterday"},
        {"site": "NOPE"},
    ],
)
def test_api_bad_filters_answer_400(plant, staff_client, query):
    assert staff_client.get(API, query).status_code == 400


def test_api_is_closed_to_auditors(plant, auditor_client):
    assert auditor_client.get(API).status_code == 403
    response = auditor_client.post(
        f"{API}{gap().pk}/explain/", {"note": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_the_export_rows_say_what_the_page_says(plant, staff_client):
    from metering.exports.quality import finding_rows
    from metering.selectors.quality import finding_list

    page = staff_client.get(URL, {"site": plant.code})
    shown = {r["finding"].pk: r["description"] for r in page.context["rows"]}
    findings = finding_list(site=plant)
    rows = list(finding_rows(site=plant, findings=findings))
    assert len(rows) == len(shown) == findings.count() > 0
    assert [row[5] for row in rows] == [shown[f.pk] for f in findings]
    api = staff_client.get(API, {"site": plant.code}).json()["results"]
    assert {f["id"]: f["description"] for f in api} == shown
