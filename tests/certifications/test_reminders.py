"""The daily digest: one e-mail per owner a day, in-app notifications, never twice for an item."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from certifications import services
from certifications.models import CertificateStatus, EvidenceStatus, Reminder
from certifications.tasks import reminders_daily
from tests.factories import UserFactory

from .factories import TODAY, make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_items(staff_user, standard, site, settings):
    settings.REMINDER_LOOKAHEAD_DAYS = 30
    make_evidence(owner=staff_user, title="Aspects register", review_date=TODAY + dt.timedelta(days=3))
    make_evidence(owner=staff_user, title="Permit", expiry_date=TODAY + dt.timedelta(days=10))
    make_evidence(owner=staff_user, title="Far away", expiry_date=TODAY + dt.timedelta(days=300))
    other = UserFactory(username="energy-lead")
    make_evidence(owner=other, title="Energy review", review_date=TODAY - dt.timedelta(days=1))
    services.certificate_create(
        standard=standard,
        certification_body="CQC",
        number="Q-1",
        scope="Recycling",
        sites=[site],
        owner=staff_user,
        by=staff_user,
        issued_on=dt.date(2023, 6, 20),
        expires_on=dt.date(2026, 6, 20),
        status=CertificateStatus.CERTIFIED,
        surveillance_dates=[dt.date(2026, 6, 15)],
    )
    return {"staff": staff_user, "other": other}


def test_each_owner_gets_one_digest_listing_their_items(due_items):
    result = reminders_daily.delay(TODAY.isoformat()).get()
    assert result["emails"] == 2
    assert len(mail.outbox) == 2
    staff_mail = next(m for m in mail.outbox if m.to == [due_items["staff"].email])
    assert "Aspects register" in staff_mail.body
    assert "Permit" in staff_mail.body
    assert "Far away" not in staff_mail.body
    assert "Certificate expiring" in staff_mail.body
    assert "Surveillance audit coming up" in staff_mail.body


def test_running_the_daily_job_twice_sends_nothing_more(due_items):
    reminders_daily.delay(TODAY.isoformat()).get()
    count = Reminder.objects.count()
    second = reminders_daily.delay(TODAY.isoformat()).get()
    assert second["emails"] == 0
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == count


def test_the_next_day_reminds_again(due_items):
    reminders_daily.delay(TODAY.isoformat()).get()
    reminders_daily.delay((TODAY + dt.timedelta(days=1)).isoformat()).get()
    assert len(mail.outbox) == 4


def test_the_database_refuses_a_duplicate_reminder(due_items):
    from django.db import IntegrityError, transaction

    services.reminders_send_daily(today=TODAY)
    existing = Reminder.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            recipient=existing.recipient,
            kind=existing.kind,
            day=existing.day,
            due_on=existing.due_on,
            subject="again",
            item_key=existing.item_key,
        )


def test_the_daily_job_expires_lapsed_evidence_and_stops_reminding_it(staff_user, settings):
    make_evidence(
        owner=staff_user, title="Old permit", expiry_date=dt.date(2026, 5, 1), today=dt.date(2026, 4, 1)
    )
    result = reminders_daily.delay(TODAY.isoformat()).get()
    assert result["expired_evidence"] == 1
    assert result["emails"] == 0


def test_superseded_evidence_is_not_reminded(staff_user):
    make_evidence(owner=staff_user, title="Old manual", review_date=TODAY, status=EvidenceStatus.SUPERSEDED)
    assert services.reminders_send_daily(today=TODAY) == {"emails": 0, "reminders": 0}


def test_notifications_page_lists_own_reminders_and_marks_them_read(staff_client, due_items):
    services.reminders_send_daily(today=TODAY)
    page = staff_client.get("/evidence/notifications/").content.decode()
    assert "Aspects register" in page
    assert "Energy review" not in page
    reminder = Reminder.objects.filter(recipient=due_items["staff"]).first()
    staff_client.post(f"/evidence/notifications/{reminder.pk}/read/")
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_nobody_marks_someone_elses_reminder_read(admin_client, due_items):
    services.reminders_send_daily(today=TODAY)
    reminder = Reminder.objects.filter(recipient=due_items["staff"]).first()
    assert admin_client.post(f"/evidence/notifications/{reminder.pk}/read/").status_code == 404
    assert admin_client.post(f"/api/v1/reminders/{reminder.pk}/read/").status_code == 404


def test_the_beat_schedule_runs_the_digest_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["certifications-daily-digest"]
    assert entry["task"] == "certifications.reminders_daily"
