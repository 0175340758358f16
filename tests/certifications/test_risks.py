"""The risks and opportunities register: the matrix as data (edges), rating on save, actions and
their effectiveness, edit conflicts, pages (query counts constant), exports, API and history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from certifications.exceptions import EditConflict
from certifications.models import RiskOpportunity
from certifications.models.risks import parse_matrix, risk_matrix
from certifications.services import risks as risk_services
from greenfactory.core.exceptions import DomainError

from .factories import StandardFactory

MATRIX = """
method: product
likelihood: [{level: 1, en: Rare, zh: 极少}, {level: 2, en: Likely, zh: 很可能}]
consequence: [{level: 1, en: Minor, zh: 较小}, {level: 3, en: Severe, zh: 严重}]
bands:
  - {code: low, min: 1, max: 2, en: Low, zh: 低}
  - {code: high, min: 3, max: 6, en: High, zh: 高}
"""


def _entry(owner, **kwargs):
    values = {
        "by": owner,
        "reference": "RO-1",
        "title": "Fire at the storage yard",
        "title_zh": "储存场所火灾",
        "kind": "risk",
        "source": "internal",
        "likelihood": 2,
        "consequence": 5,
        "owner": owner,
    }
    values.update(kwargs)
    return risk_services.risk_create(**values)


def test_shipped_matrix_bands_cover_every_score_at_their_edges():
    matrix = risk_matrix()
    assert [matrix.band_of(s).code for s in (1, 4, 5, 9, 10, 16, 17, 25)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
        "very_high",
        "very_high",
    ]
    assert matrix.score(likelihood=5, consequence=5) == 25
    with pytest.raises(ValueError, match="not on the scale"):
        matrix.score(likelihood=6, consequence=1)


def test_a_matrix_whose_bands_leave_a_score_out_or_overlap_is_refused():
    assert parse_matrix(MATRIX).band_of(6).code == "high"
    with pytest.raises(ValueError, match="score 3"):
        parse_matrix(MATRIX.replace("min: 3, max: 6", "min: 4, max: 6"))
    with pytest.raises(ValueError, match="score 2"):
        parse_matrix(MATRIX.replace("min: 3, max: 6", "min: 2, max: 6"))
    with pytest.raises(ValueError, match="product"):
        parse_matrix(MATRIX.replace("method: product", "method: lec"))


def test_an_entry_is_rated_from_the_matrix_and_rerated_when_changed(staff_user):
    entry = _entry(staff_user)
    assert (entry.score, entry.band) == (10, "high")
    entry = risk_services.risk_update(entry=entry, by=staff_user, version=1, likelihood=1, consequence=4)
    entry.refresh_from_db()
    assert (entry.score, entry.band, entry.version) == (4, "low", 2)
    assert entry.history.count() == 2
    assert entry.history.first().history_user == staff_user


def test_a_level_off_the_scale_is_refused_naming_its_field(staff_user):
    with pytest.raises(DomainError) as exc:
        _entry(staff_user, consequence=6)
    assert exc.value.field == "consequence"
    assert not RiskOpportunity.objects.exists()


def test_an_edit_from_an_older_version_changes_nothing(staff_user):
    entry = _entry(staff_user)
    risk_services.risk_update(entry=entry, by=staff_user, version=1, title="Fire in the yard")
    with pytest.raises(EditConflict):
        risk_services.risk_update(entry=entry, by=staff_user, version=1, title="Stale")
    entry.refresh_from_db()
    assert entry.title == "Fire in the yard"


def test_an_action_is_evaluated_only_once_done_and_with_a_date(staff_user):
    entry = _entry(staff_user)
    day = dt.date(2026, 3, 1)
    with pytest.raises(DomainError) as exc:
        risk_services.risk_action_add(
            entry=entry, by=staff_user, action="Thermal cameras", owner=staff_user, effectiveness="effective"
        )
    assert exc.value.field == "effectiveness"
    row = risk_services.risk_action_add(
        entry=entry, by=staff_user, action="Thermal cameras", owner=staff_user
    )
    with pytest.raises(DomainError) as exc:
        risk_services.risk_action_update(
            row=row,
            by=staff_user,
            done_on=day,
            effectiveness="partly",
            evaluated_on=day - dt.timedelta(days=1),
        )
    assert exc.value.field == "evaluated_on"
    row = risk_services.risk_action_update(
        row=row, by=staff_user, done_on=day, effectiveness="partly", evaluated_on=day
    )
    row.refresh_from_db()
    assert row.get_effectiveness_display() == "Partly effective"


@pytest.mark.django_db
def test_list_page_filters_by_band_and_counts_queries_constant(
    staff_client, staff_user, django_assert_max_num_queries
):
    iso = StandardFactory(code="ISO 45001", edition="2018")
    _entry(staff_user, reference="RO-1", standards=[iso])
    _entry(
        staff_user,
        reference="RO-2",
        title="PV on the roof",
        title_zh="厂房屋顶光伏",
        kind="opportunity",
        likelihood=1,
        consequence=1,
    )
    url = reverse("risk-list")
    page = staff_client.get(url).content.decode()
    assert "储存场所火灾" not in page  # English page: English titles
    assert "Fire at the storage yard" in page
    assert "High · 10" in page
    assert "Low · 1" in page
    only_high = staff_client.get(url, {"band": "high"}).content.decode()
    assert "RO-1" in only_high
    assert "RO-2" not in only_high
    with django_assert_max_num_queries(20) as small:
        staff_client.get(url)
    for i in range(3, 30):
        row = _entry(staff_user, reference=f"RO-{i}", standards=[iso])
        risk_services.risk_action_add(entry=row, by=staff_user, action="Act", owner=staff_user)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = staff_client.get(url).content.decode()
    assert "RO-29" in page


@pytest.mark.django_db
def test_chinese_page_shows_chinese_titles_and_band_labels(staff_client, staff_user):
    _entry(staff_user)
    page = staff_client.get(reverse("risk-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "储存场所火灾" in page
    assert "高 · 10" in page


@pytest.mark.django_db
def test_export_csv_has_the_rating(staff_client, staff_user):
    _entry(staff_user)
    response = staff_client.get(reverse("risk-list"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "RO-1" in body
    assert ",10,High," in body


@pytest.mark.django_db
def test_create_and_edit_through_the_pages_with_a_stale_version_refused(staff_client, staff_user):
    response = staff_client.post(
        reverse("risk-create"),
        {
            "reference": "RO-9",
            "kind": "risk",
            "title": "Electricity price",
            "source": "external",
            "likelihood": "3",
            "consequence": "3",
            "status": "open",
            "owner": staff_user.pk,
        },
    )
    entry = RiskOpportunity.objects.get(reference="RO-9")
    assert response.status_code == 302
    assert entry.band == "medium"
    detail = staff_client.get(reverse("risk-detail", args=[entry.pk])).content.decode()
    assert "Medium · 9" in detail
    assert "Electricity price" in detail
    form = {
        "reference": "RO-9",
        "kind": "risk",
        "title": "Price",
        "source": "external",
        "likelihood": "4",
        "consequence": "3",
        "status": "open",
        "owner": staff_user.pk,
        "version": "1",
    }
    assert staff_client.post(reverse("risk-update", args=[entry.pk]), form).status_code == 302
    stale = staff_client.post(reverse("risk-update", args=[entry.pk]), {**form, "title": "Stale"})
    assert "changed since you opened it" in stale.content.decode()
    entry.refresh_from_db()
    assert (entry.title, entry.score) == ("Price", 12)
    history = staff_client.get(reverse("risk-detail", args=[entry.pk])).content.decode()
    assert "Electricity price" in history
    assert "Likelihood" in history


@pytest.mark.django_db
def test_actions_on_the_page(staff_client, staff_user):
    entry = _entry(staff_user)
    staff_client.post(
        reverse("risk-action-add", args=[entry.pk]),
        {"action": "Sand-bed isolation", "owner": staff_user.pk, "effectiveness": "not_evaluated"},
    )
    row = entry.actions.get()
    response = staff_client.post(
        reverse("risk-action-update", args=[row.pk]),
        {
            "action": "Sand-bed isolation",
            "owner": staff_user.pk,
            "done_on": "2026-03-01",
            "effectiveness": "not_effective",
            "evaluated_on": "2026-04-01",
        },
    )
    assert response.status_code == 302
    listing = staff_client.get(reverse("risk-list")).content.decode()
    assert "1 not effective" in listing
    staff_client.post(reverse("risk-action-delete", args=[row.pk]))
    assert not entry.actions.exists()


@pytest.mark.django_db
def test_api_create_patch_conflict_and_bad_level(staff_client, staff_user):
    iso = StandardFactory(code="ISO 9001", edition="2015")
    body = {
        "reference": "RO-7",
        "kind": "opportunity",
        "title": "Green electricity trading",
        "source": "external",
        "likelihood": 3,
        "consequence": 4,
        "owner": staff_user.username,
        "standards": [iso.pk],
    }
    created = staff_client.post("/api/v1/risks/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["score"], data["rating"], data["standards"]) == (12, "high", [iso.pk])
    bad = staff_client.patch(
        f"/api/v1/risks/{data['id']}/", {"version": 1, "likelihood": 9}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "likelihood" in bad.json()
    ok = staff_client.patch(
        f"/api/v1/risks/{data['id']}/", {"version": 1, "likelihood": 1}, content_type="application/json"
    )
    assert ok.json()["rating"] == "low"
    stale = staff_client.patch(
        f"/api/v1/risks/{data['id']}/", {"version": 1, "likelihood": 5}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert RiskOpportunity.objects.get().likelihood == 1
    listed = staff_client.get("/api/v1/risks/", {"kind": "opportunity"}).json()
    assert [r["reference"] for r in listed["results"]] == ["RO-7"]
    action = staff_client.post(
        "/api/v1/risk-actions/",
        {"entry": data["id"], "action": "Join the trading platform", "owner": staff_user.username},
        content_type="application/json",
    )
    assert action.status_code == 201
    assert action.json()["effectiveness"] == "not_evaluated"


@pytest.mark.django_db
def test_detail_page_queries_stay_constant_with_many_actions_and_edits(
    staff_client, staff_user, django_assert_max_num_queries
):
    entry = _entry(staff_user)
    url = reverse("risk-detail", args=[entry.pk])
    risk_services.risk_action_add(entry=entry, by=staff_user, action="Act 0", owner=staff_user)
    with django_assert_max_num_queries(40) as small:
        staff_client.get(url)
    for i in range(1, 20):
        risk_services.risk_action_add(entry=entry, by=staff_user, action=f"Act {i}", owner=staff_user)
        entry = risk_services.risk_update(entry=entry, by=staff_user, version=entry.version, notes=f"n{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = staff_client.get(url).content.decode()
    assert "Act 19" in page
    assert "n19" in page
