"""Recording, editing, moving on and importing incidents on their pages: what is stored and shown,
refusals that keep what was typed and store nothing, edit conflicts, the workflow's steps, and an
import that names its bad line."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from certifications.models import Incident, IncidentGrade
from certifications.services import incidents as services

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
HEADER = "reference,title,sites,owner,kind,occurred_on,grade,deaths,direct_loss_cny\n"


@pytest.fixture
def grades(db):
    services.incident_grades_load()


def incident_post(staff_user, site, **extra):
    data = {
        "reference": "",
        "title": "Fire in the cell store",
        "title_zh": "电芯仓库火灾",
        "kind": "safety_accident",
        "occurred_at": "2025-06-03T14:30",
        "site": site.pk,
        "deaths": "0",
        "serious_injuries": "2",
        "minor_injuries": "5",
        "direct_loss_cny": "1250000.50",
        "grade": IncidentGrade.objects.get(code="ps_general").pk,
        "description": "Thermal runaway of a damaged pack.",
        "owner": staff_user.pk,
        "notes": "",
    }
    return {**data, **extra}


def test_an_incident_recorded_on_its_page_stores_and_shows_its_figures(
    grades, staff_client, staff_user, site
):
    list_page = staff_client.get(reverse("register-incidents")).content.decode()
    assert reverse("register-incident-create") in list_page
    answer = staff_client.post(reverse("register-incident-create"), incident_post(staff_user, site))
    incident = Incident.objects.get()
    assert answer.url == reverse("register-incident", args=[incident.pk])
    assert (incident.title_zh, incident.grade.code, incident.serious_injuries, incident.minor_injuries) == (
        "电芯仓库火灾",
        "ps_general",
        2,
        5,
    )
    assert incident.direct_loss_cny == Decimal("1250000.50")
    assert timezone.localtime(incident.occurred_at).replace(tzinfo=None) == dt.datetime(2025, 6, 3, 14, 30)
    assert incident.reference == "INC-2025-001"
    assert list(incident.sites.all()) == [site]
    with translation.override("en"):
        detail = staff_client.get(answer.url).content.decode()
    assert "General accident" in detail
    assert reverse("register-incident-update", args=[incident.pk]) in detail


def test_bad_input_is_refused_with_400_keeps_what_was_typed_and_stores_nothing(
    grades, staff_client, staff_user, site
):
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for bad in ({"deaths": "-1"}, {"kind": "explosion"}, {"occurred_at": future}):
        answer = staff_client.post(
            reverse("register-incident-create"), incident_post(staff_user, site, **bad)
        )
        assert answer.status_code == 400
        assert 'value="Fire in the cell store"' in answer.content.decode()
    environmental = incident_post(staff_user, site, grade=IncidentGrade.objects.get(code="env_general").pk)
    answer = staff_client.post(reverse("register-incident-create"), environmental)
    assert answer.status_code == 400
    assert "does not apply to this kind of incident" in answer.content.decode()
    assert not Incident.objects.exists()


def test_an_edit_keeps_history_and_a_stale_version_is_refused_with_the_input_kept(
    grades, staff_client, staff_user, site
):
    staff_client.post(reverse("register-incident-create"), incident_post(staff_user, site))
    incident = Incident.objects.get()
    url = reverse("register-incident-update", args=[incident.pk])
    form = staff_client.get(url).content.decode()
    assert 'value="2025-06-03T14:30"' in form
    changed = incident_post(
        staff_user,
        site,
        reference=incident.reference,
        version="1",
        investigation="Pack stored without a fire blanket.",
        root_cause="No quarantine for damaged packs.",
        serious_injuries="3",
    )
    assert staff_client.post(url, changed).status_code == 302
    incident.refresh_from_db()
    assert (incident.serious_injuries, incident.root_cause, incident.version) == (
        3,
        "No quarantine for damaged packs.",
        2,
    )
    stale = staff_client.post(url, {**changed, "title": "Overwritten title"})
    assert stale.status_code == 400
    body = stale.content.decode()
    assert "changed since you opened it" in body
    assert 'value="Overwritten title"' in body
    incident.refresh_from_db()
    assert (incident.title, incident.version) == ("Fire in the cell store", 2)
    with translation.override("en"):
        detail = staff_client.get(reverse("register-incident", args=[incident.pk])).content.decode()
    assert "<del>2</del>" in detail
    assert "<ins>3</ins>" in detail


def test_the_workflow_moves_on_from_the_page_and_a_refused_step_changes_nothing(
    grades, staff_client, staff_user, site
):
    staff_client.post(reverse("register-incident-create"), incident_post(staff_user, site))
    incident = Incident.objects.get()
    url = reverse("register-incident-transition", args=[incident.pk])
    refused = staff_client.post(url, {"status": "closed", "closed_on": "2025-06-10"})
    assert refused.status_code == 400
    assert "Record the investigation and its root cause" in refused.content.decode()
    incident.refresh_from_db()
    assert (incident.status, incident.closed_on, incident.version) == ("reported", None, 1)
    assert staff_client.post(url, {"status": "investigating"}).status_code == 302
    incident.refresh_from_db()
    assert incident.status == "investigating"
    not_allowed = staff_client.post(url, {"status": "reported"})
    assert not_allowed.status_code == 400
    assert "cannot go from Under investigation" in not_allowed.content.decode()
    services.incident_update(
        incident=incident, by=staff_user, version=None, investigation="Looked", root_cause="Storage"
    )
    with translation.override("en"):
        page = staff_client.get(reverse("register-incident", args=[incident.pk])).content.decode()
    assert "Close the incident" in page
    assert "Start the investigation" not in page
    assert staff_client.post(url, {"status": "closed", "closed_on": "2025-06-10"}).status_code == 302
    incident.refresh_from_db()
    assert (incident.status, incident.closed_on) == ("closed", dt.date(2025, 6, 10))


def test_an_import_with_one_bad_line_writes_nothing_and_names_the_line(
    grades, staff_client, staff_user, site
):
    url = reverse("register-incident-import")
    good_line = f"INC-X-1,Fire,TJ-01,{staff_user.username},safety_accident,2025-03-04,ps_larger,3,0\n"
    bad_line = f"INC-X-2,Spill,TJ-01,{staff_user.username},environmental,2025-03-05,no_such_grade,0,0\n"
    data = (HEADER + good_line + bad_line).encode()
    answer = staff_client.post(url, {"file": SimpleUploadedFile("incidents.csv", data, "text/csv")})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "No incident grade is called no_such_grade" in page
    assert '<td class="num">3</td><td class="nowrap">grade</td>' in page
    assert not Incident.objects.exists()
    fixed = (HEADER + good_line).encode()
    answer = staff_client.post(url, {"file": SimpleUploadedFile("incidents.csv", fixed, "text/csv")})
    assert answer.url == reverse("register-incidents")
    assert Incident.objects.get().grade.code == "ps_larger"


def test_the_form_and_page_query_counts_do_not_grow_with_the_register(
    grades, staff_client, staff_user, site, django_assert_max_num_queries
):
    for i in range(1, 6):
        services.incident_create(
            by=staff_user, kind="near_miss", occurred_at=dt.datetime(2025, 3, i, 9, tzinfo=TZ), site=site,
            title=f"Near miss {i}",
        )  # fmt: skip
    incident = Incident.objects.first()
    with django_assert_max_num_queries(25):
        staff_client.get(reverse("register-incident-update", args=[incident.pk]))
    with django_assert_max_num_queries(25):
        staff_client.get(reverse("register-incident", args=[incident.pk]))
