"""Compliance obligations and evaluations of compliance: derived status, next evaluation, a failed
evaluation's finding and corrective action, the digest, and the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certifications.models import (
    CapaState,
    EvaluationResult,
    Finding,
    FindingClass,
    ObligationSource,
    ObligationStatus,
    Reminder,
    ReminderKind,
)
from certifications.models.obligations import add_months
from certifications.services import capa as capa_services
from certifications.services import obligations as services
from certifications.services.reminders import reminders_send_daily
from greenfactory.core.exceptions import DomainError

from ..factories import UserFactory


@pytest.fixture
def today():
    return timezone.localdate()


def make_obligation(by, *, reference="LAW-001", **extra):
    values = {
        "title": "Environmental Protection Law",
        "title_zh": "中华人民共和国环境保护法",
        "source_type": ObligationSource.LAW,
        "issuer": "全国人民代表大会常务委员会",
        "article": "第四十二条",
        "effective_on": dt.date(2015, 1, 1),
        "review_months": 12,
        "owner": by,
        **extra,
    }
    return services.obligation_create(by=by, reference=reference, **values)


def fail(ob, by, today, **extra):
    return services.evaluation_record(
        obligation=ob,
        by=by,
        evaluated_on=today,
        result=EvaluationResult.NOT_COMPLIANT,
        notes="Waste-gas monitoring report for Q3 missing",
        finding_owner=by,
        finding_due_on=today + dt.timedelta(days=30),
        **extra,
    )


# --- rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 11, 15), 2, dt.date(2027, 1, 15)),
        (dt.date(2026, 3, 1), 12, dt.date(2027, 3, 1)),
    ],
)
def test_months_are_added_by_calendar_clamped_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_status_is_derived_from_repeal_date_and_successor(staff_user, today):
    old = make_obligation(staff_user, reference="REG-OLD", repealed_on=today + dt.timedelta(days=1))
    assert old.status_on(today) == ObligationStatus.IN_FORCE
    assert old.status_on(today + dt.timedelta(days=1)) == ObligationStatus.REPEALED
    new = make_obligation(staff_user, reference="REG-NEW")
    old = services.obligation_update(obligation=old, by=staff_user, superseded_by=new)
    assert old.status_on(today) == ObligationStatus.SUPERSEDED
    assert old.next_evaluation_due(today) is None


def test_a_supersession_loop_is_refused_and_changes_nothing(staff_user):
    a = make_obligation(staff_user, reference="A")
    b = make_obligation(staff_user, reference="B", superseded_by=a)
    with pytest.raises(DomainError):
        services.obligation_update(obligation=a, by=staff_user, superseded_by=b)
    a.refresh_from_db()
    assert a.superseded_by is None


def test_a_permit_condition_needs_its_permit(staff_user):
    with pytest.raises(DomainError) as exc:
        make_obligation(staff_user, source_type=ObligationSource.PERMIT_CONDITION)
    assert exc.value.field == "permit"


def test_an_edit_from_an_older_version_changes_nothing(staff_user):
    ob = make_obligation(staff_user)
    services.obligation_update(obligation=ob, by=staff_user, version=1, issuer="NPC")
    with pytest.raises(DomainError) as exc:
        services.obligation_update(obligation=ob, by=staff_user, version=1, issuer="Other")
    ob.refresh_from_db()
    assert (exc.value.code, ob.issuer, ob.version) == ("edit_conflict", "NPC", 2)


def test_next_evaluation_is_the_last_one_plus_the_review_frequency(staff_user, today):
    ob = make_obligation(staff_user, review_months=6)
    assert ob.next_evaluation_due(None) == dt.date(2015, 1, 1)
    day = today - dt.timedelta(days=10)
    services.evaluation_record(
        obligation=ob, by=staff_user, evaluated_on=day, result=EvaluationResult.COMPLIANT
    )
    assert ob.next_evaluation_due(day) == add_months(day, 6)


# --- a failed evaluation ---------------------------------------------------------------------------


def test_a_failed_evaluation_raises_a_minor_finding_outside_any_audit_with_its_capa(staff_user, today):
    ob = make_obligation(staff_user)
    evaluation = fail(ob, staff_user, today)
    finding = Finding.objects.get(pk=evaluation.finding_id)
    assert finding.audit is None
    assert finding.reference == "EVAL-LAW-001-1"
    assert finding.finding_class == FindingClass.MINOR
    assert finding.statement == "Waste-gas monitoring report for Q3 missing"
    assert finding.due_on == today + dt.timedelta(days=30)
    assert finding.capa.state == CapaState.OPEN
    assert list(ob.findings.all()) == [finding]
    second = fail(ob, staff_user, today)
    assert second.finding.reference == "EVAL-LAW-001-2"


def test_a_failed_evaluation_without_owner_or_due_date_records_nothing(staff_user, today):
    ob = make_obligation(staff_user)
    with pytest.raises(DomainError) as exc:
        services.evaluation_record(
            obligation=ob, by=staff_user, evaluated_on=today, result=EvaluationResult.NOT_COMPLIANT, notes="x"
        )
    assert exc.value.field == "finding_owner"
    assert (ob.evaluations.count(), Finding.objects.count()) == (0, 0)


def test_the_capa_of_an_evaluation_finding_runs_through_the_workflow(staff_user, today):
    finding = fail(make_obligation(staff_user), staff_user, today).finding
    capa = capa_services.capa_contain(capa=finding.capa, containment="Report requested", by=staff_user)
    assert capa.state == CapaState.CONTAINED


def test_an_overdue_evaluation_goes_into_the_owners_digest_once(staff_user, today):
    make_obligation(staff_user)  # effective 2015, never evaluated: overdue
    current = make_obligation(staff_user, reference="LAW-002")
    services.evaluation_record(
        obligation=current, by=staff_user, evaluated_on=today, result=EvaluationResult.COMPLIANT
    )
    reminders_send_daily(today=today)
    reminders = Reminder.objects.filter(kind=ReminderKind.EVALUATION_OVERDUE)
    assert [r.subject for r in reminders] == ["LAW-001 中华人民共和国环境保护法"]
    assert reminders[0].obligation.reference == "LAW-001"
    assert "LAW-001" in mail.outbox[0].body
    reminders_send_daily(today=today)
    assert reminders.count() == 1


# --- pages -----------------------------------------------------------------------------------------


def test_the_list_shows_obligations_with_status_and_filters_by_status(staff_client, staff_user, today):
    make_obligation(staff_user, reference="LAW-001")
    make_obligation(staff_user, reference="REG-OLD", title="Old rules", repealed_on=today)
    body = staff_client.get(reverse("obligation-list")).content.decode()
    assert "Environmental Protection Law" in body
    assert "Old rules" in body
    assert "overdue" in body
    body = staff_client.get(reverse("obligation-list"), {"status": "repealed"}).content.decode()
    assert "Old rules" in body
    assert "LAW-001" not in body


def test_the_list_query_count_does_not_grow_with_the_register(staff_client, staff_user):
    make_obligation(staff_user, reference="A-1")
    with CaptureQueriesContext(connection) as small:
        staff_client.get(reverse("obligation-list"))
    for n in range(2, 12):
        make_obligation(staff_user, reference=f"A-{n}")
    with CaptureQueriesContext(connection) as big:
        staff_client.get(reverse("obligation-list"))
    assert len(big) == len(small)


def test_the_detail_shows_evaluations_and_their_findings_in_constant_queries(staff_client, staff_user, today):
    ob = make_obligation(staff_user)
    fail(ob, staff_user, today)
    with CaptureQueriesContext(connection) as one:
        staff_client.get(reverse("obligation-detail", args=[ob.pk]))
    for _ in range(5):
        fail(ob, staff_user, today)
    with CaptureQueriesContext(connection) as six:
        body = staff_client.get(reverse("obligation-detail", args=[ob.pk])).content.decode()
    assert "EVAL-LAW-001-6" in body
    assert "Not compliant" in body
    assert len(six) == len(one)


def test_recording_a_failed_evaluation_from_the_page_shows_the_finding_in_the_findings_list(
    staff_client, staff_user, today
):
    ob = make_obligation(staff_user)
    response = staff_client.post(
        reverse("obligation-evaluate", args=[ob.pk]),
        {
            "evaluated_on": today.isoformat(),
            "result": "not_compliant",
            "notes": "Noise at the boundary above 65 dB(A) by day",
            "finding_class": "minor",
            "finding_owner": staff_user.pk,
            "finding_due_on": (today + dt.timedelta(days=20)).isoformat(),
        },
        follow=True,
    )
    assert "EVAL-LAW-001-1" in response.content.decode()
    body = staff_client.get(reverse("finding-list")).content.decode()
    assert "EVAL-LAW-001-1" in body
    assert "Evaluation of compliance LAW-001" in body
    detail = staff_client.get(reverse("finding-detail", args=[Finding.objects.get().pk])).content.decode()
    assert "Evaluation of compliance LAW-001" in detail


def test_a_failed_evaluation_without_owner_shows_the_error_and_records_nothing(
    staff_client, staff_user, today
):
    ob = make_obligation(staff_user)
    response = staff_client.post(
        reverse("obligation-evaluate", args=[ob.pk]),
        {
            "evaluated_on": today.isoformat(),
            "result": "not_compliant",
            "notes": "x",
            "finding_class": "minor",
        },
    )
    assert "Name who owns the corrective action." in response.content.decode()
    assert ob.evaluations.count() == 0


def test_the_edit_form_refuses_a_stale_version(staff_client, staff_user):
    ob = make_obligation(staff_user)
    services.obligation_update(obligation=ob, by=staff_user, issuer="NPC")
    data = {
        "reference": "LAW-001",
        "title": "EPL",
        "source_type": "law",
        "review_months": 12,
        "owner": staff_user.pk,
        "version": 1,
    }
    response = staff_client.post(reverse("obligation-update", args=[ob.pk]), data)
    assert "changed since you opened it" in response.content.decode()
    ob.refresh_from_db()
    assert ob.title == "Environmental Protection Law"


def test_the_export_lists_obligations_with_next_due(staff_client, staff_user):
    make_obligation(staff_user)
    response = staff_client.get(reverse("obligation-list"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "LAW-001" in body
    assert "第四十二条" in body
    assert "2015-01-01" in body


def test_someone_without_register_rights_cannot_record(db, today):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory())
    response = client.get(reverse("obligation-create"))
    assert response.status_code in (302, 403)


def test_findings_pages_api_and_export_work_with_a_finding_without_an_audit(staff_client, staff_user, today):
    finding = fail(make_obligation(staff_user), staff_user, today).finding
    api = staff_client.get("/api/v1/findings/").json()
    rows = api["results"] if isinstance(api, dict) else api
    assert [(r["reference"], r["audit"]) for r in rows] == [("EVAL-LAW-001-1", None)]
    assert staff_client.get(f"/api/v1/findings/{finding.pk}/").json()["reference"] == "EVAL-LAW-001-1"
    response = staff_client.get(reverse("finding-list"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Evaluation of compliance LAW-001" in body
    filtered = staff_client.get(
        reverse("finding-list"), {"status": "open", "overdue": "true"}
    ).content.decode()
    assert "EVAL-LAW-001-1" not in filtered
    capa = staff_client.get(f"/api/v1/corrective-actions/{finding.capa.pk}/").json()
    assert capa["state"] == "open"
