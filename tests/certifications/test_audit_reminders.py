"""Corrective-action steps and planned audits in the daily digest, in each owner's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from certifications.models import AuditType, FindingClass, Reminder, ReminderKind
from certifications.services import audits as audit_services
from certifications.services import capa as capa_services
from certifications.services import checklists as checklist_services
from certifications.services import findings as finding_services
from certifications.services import reminders_send_daily
from greenfactory.accounts.roles import Role
from tests.factories import UserFactory

from .factories import ClauseFactory, StandardFactory

TODAY = dt.date(2026, 6, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def open_minor(site, settings):
    settings.REMINDER_LOOKAHEAD_DAYS = 14
    standard = StandardFactory(code="ISO 9999", edition="2020")
    ClauseFactory(standard=standard, number="4")
    planner = UserFactory(username="planner", role=Role.STAFF, email="planner@example.com")
    owner = UserFactory(username="owner", role=Role.STAFF, email="owner@example.com", language="zh-hans")
    audit = audit_services.audit_create(
        site=site,
        title="Internal audit",
        audit_type=AuditType.INTERNAL,
        standards=[standard],
        starts_on=TODAY - dt.timedelta(days=10),
        ends_on=TODAY - dt.timedelta(days=9),
        by=planner,
    )
    checklist_services.checklist_generate(audit=audit, by=planner)
    audit_services.audit_transition(audit=audit, to="in_progress", by=planner)
    finding = finding_services.finding_raise(
        audit=audit,
        checklist_item=audit.checklist.get(),
        finding_class=FindingClass.MINOR,
        statement="Training records incomplete",
        owner=owner,
        by=planner,
        today=TODAY - dt.timedelta(days=10),
    )
    upcoming = audit_services.audit_create(
        site=site,
        title="Surveillance",
        audit_type=AuditType.SURVEILLANCE,
        standards=[standard],
        starts_on=TODAY + dt.timedelta(days=5),
        ends_on=TODAY + dt.timedelta(days=6),
        by=planner,
    )
    return finding, upcoming, planner, owner


def test_an_overdue_containment_step_reaches_its_owner_in_their_language(open_minor):
    finding, upcoming, planner, owner = open_minor
    # The containment was due seven days after the finding was raised: three days ago.
    assert finding.capa.next_due_on == TODAY - dt.timedelta(days=3)
    reminders_send_daily(today=TODAY)
    step = Reminder.objects.get(recipient=owner)
    assert (step.kind, step.finding_id, step.due_on) == (
        ReminderKind.CAPA_STEP,
        finding.pk,
        finding.capa.next_due_on,
    )
    assert step.subject == f"{finding.reference}: Training records incomplete"
    to_owner = next(m for m in mail.outbox if m.to == ["owner@example.com"])
    assert "纠正措施" in to_owner.body  # the kind, in the owner's language
    coming = Reminder.objects.get(recipient=planner)
    assert (coming.kind, coming.audit_id) == (ReminderKind.AUDIT_DUE, upcoming.pk)
    to_planner = next(m for m in mail.outbox if m.to == ["planner@example.com"])
    assert "Audit coming up" in to_planner.body


def test_a_step_done_is_not_reminded_again_but_the_next_step_is(open_minor):
    finding, _upcoming, _planner, owner = open_minor
    reminders_send_daily(today=TODAY)
    capa_services.capa_contain(capa=finding.capa, containment="Records completed", by=owner)
    reminders_send_daily(today=TODAY + dt.timedelta(days=1))
    keys = list(Reminder.objects.filter(recipient=owner).order_by("day").values_list("item_key", flat=True))
    capa = finding.capa
    assert keys == [f"capa:{capa.pk}:open", f"capa:{capa.pk}:contained"]


def test_choosing_a_language_on_a_page_is_remembered_for_the_mail(staff_client, staff_user):
    staff_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    staff_user.refresh_from_db()
    assert staff_user.language == "zh-hans"
    staff_client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    staff_user.refresh_from_db()
    assert staff_user.language == "zh-hans"


def test_the_notification_links_to_the_finding(open_minor, client):
    finding, _upcoming, _planner, owner = open_minor
    reminders_send_daily(today=TODAY)
    client.force_login(owner)
    page = client.get("/evidence/notifications/").content.decode()
    assert f'href="/audits/findings/{finding.pk}/"' in page
