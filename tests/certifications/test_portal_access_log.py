"""The staff's view of the portal access log: per audit and per auditor, filtered, exported as CSV
and Excel with formulas neutralised; staff and administrators only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certifications.models import PortalAccessLog
from certifications.services import portal as portal_services

from .portal_setup import build_world, invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(site, staff_user):
    return build_world(site=site, staff=staff_user)


@pytest.fixture
def visits(world):
    """Two auditors of the audit, each with a view; one also downloaded something."""
    first = invite(world, email="li@cqc.example", name="Li Wei")
    second = invite(world, email="wang@cqc.example", name="Wang Fang")
    for invitation, address in ((first, "203.0.113.1"), (second, "203.0.113.2")):
        client = Client(REMOTE_ADDR=address)
        client.force_login(invitation.auditor)
        client.get(reverse("portal-audit", args=[invitation.pk]))
    portal_services.portal_access_record(
        user=first.auditor,
        invitation=first,
        path="/portal/x/=HYPERLINK(1)",
        action="download",
        remote_address="203.0.113.1",
        note="stamped copy",
    )
    return first, second


def test_the_audit_log_lists_every_auditor_and_filters_by_auditor_and_action(staff_client, world, visits):
    first, _second = visits
    url = reverse("audit-access-log", args=[world.audit.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert len(page.context["page_obj"].object_list) == 3
    body = page.content.decode()
    for shown in ("Li Wei", "Wang Fang", "203.0.113.2"):
        assert shown in body
    only_li = staff_client.get(url, {"auditor": first.auditor_id})
    assert {r.user_id for r in only_li.context["page_obj"].object_list} == {first.auditor_id}
    downloads = staff_client.get(url, {"action": "download"})
    assert [r.note for r in downloads.context["page_obj"].object_list] == ["stamped copy"]


def test_the_date_filter_keeps_the_days_asked_for(staff_client, world, visits):
    url = reverse("audit-access-log", args=[world.audit.pk])
    today = timezone.localdate()
    PortalAccessLog.objects.filter(action="download").update(at=timezone.now() - dt.timedelta(days=3))
    today_only = staff_client.get(url, {"since": today.isoformat(), "until": today.isoformat()})
    assert len(today_only.context["page_obj"].object_list) == 2
    earlier = staff_client.get(url, {"until": (today - dt.timedelta(days=1)).isoformat()})
    assert [r.action for r in earlier.context["page_obj"].object_list] == ["download"]
    nonsense = staff_client.get(url, {"since": "not-a-date", "auditor": "x"})
    assert nonsense.status_code == 200


def test_the_auditor_log_shows_that_auditors_rows_only(staff_client, visits):
    first, _second = visits
    page = staff_client.get(reverse("auditor-access-log", args=[first.auditor_id]))
    assert page.status_code == 200
    assert {r.user_id for r in page.context["page_obj"].object_list} == {first.auditor_id}
    assert len(page.context["page_obj"].object_list) == 2


def test_a_user_never_invited_has_no_log_page(staff_client, staff_user):
    assert staff_client.get(reverse("auditor-access-log", args=[staff_user.pk])).status_code == 404
    assert staff_client.get(reverse("audit-access-log", args=[999_999])).status_code == 404


def test_the_log_exports_as_csv_and_excel_with_formulas_neutralised(staff_client, world, visits):
    url = reverse("audit-access-log", args=[world.audit.pk])
    csv_body = b"".join(staff_client.get(url, {"export": "csv", "action": "download"}).streaming_content)
    lines = csv_body.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("At,Auditor,E-mail address,Audit")
    assert len(lines) == 2
    assert "203.0.113.1" in lines[1]
    xlsx = staff_client.get(url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    assert "/portal/x/=HYPERLINK(1)" in [r[6] for r in rows[1:]]  # not a formula: kept as it is
    assert {r[5] for r in rows[1:]} == {"Page view", "Download"}


def test_a_formula_in_a_logged_value_is_neutralised(staff_client, world, visits):
    first, _second = visits
    portal_services.portal_access_record(
        user=first.auditor, invitation=first, path="=cmd|'/c calc'!A1", remote_address="203.0.113.1"
    )
    xlsx = staff_client.get(reverse("audit-access-log", args=[world.audit.pk]), {"export": "xlsx"})
    paths = [r[6] for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)]
    assert "'=cmd|'/c calc'!A1" in paths


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("auditor", 403), ("gateway", 403), ("staff", 200), ("admin", 200)],
)
def test_only_staff_and_admins_see_the_log(role_clients, world, visits, role, status):
    first, _second = visits
    for url in (
        reverse("audit-access-log", args=[world.audit.pk]),
        reverse("auditor-access-log", args=[first.auditor_id]),
        reverse("audit-access-log", args=[world.audit.pk]) + "?export=csv",
    ):
        assert role_clients[role].get(url).status_code == status
