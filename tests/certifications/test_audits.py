"""Audits: programmes, integrated checklists, the audit workflow, its report and its closure."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from certifications.exceptions import AuditCannotClose, EditConflict
from certifications.models import (
    Audit,
    AuditStatus,
    AuditType,
    ChecklistResult,
    Clause,
    Finding,
    FindingClass,
    Standard,
)
from certifications.services import audits as audit_services
from certifications.services import capa as capa_services
from certifications.services import checklists as checklist_services
from certifications.services import findings as finding_services
from greenfactory.accounts.roles import Role
from greenfactory.core.exceptions import DomainError, NotAllowed, TransitionNotAllowed
from tests.factories import UserFactory

from .factories import ClauseFactory, StandardFactory

TODAY = dt.date(2026, 6, 1)
HS = (("ISO 9001", "2015"), ("ISO 14001", "2015"), ("ISO 45001", "2018"), ("ISO 50001", "2018"))


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", role=Role.STAFF)


def plan(*, site, by, standards, audit_type=AuditType.INTERNAL, **extra) -> Audit:
    return audit_services.audit_create(
        site=site,
        title="Integrated internal audit",
        audit_type=audit_type,
        standards=standards,
        starts_on=extra.pop("starts_on", TODAY),
        ends_on=extra.pop("ends_on", TODAY + dt.timedelta(days=2)),
        by=by,
        **extra,
    )


def hs_standards() -> list[Standard]:
    return [Standard.objects.get(code=c, edition=e) for c, e in HS]


def started(audit: Audit, by) -> Audit:
    checklist_services.checklist_generate(audit=audit, by=by)
    return audit_services.audit_transition(audit=audit, to=AuditStatus.IN_PROGRESS, by=by)


@pytest.fixture
def small(db):
    """A two-level standard: 4 with 4.1 and 4.2, and 5."""
    standard = StandardFactory(code="ISO 9999", edition="2020")
    four = ClauseFactory(standard=standard, number="4", position=0)
    ClauseFactory(standard=standard, number="4.1", parent=four, depth=1, position=1)
    ClauseFactory(standard=standard, number="4.2", parent=four, depth=1, position=2)
    ClauseFactory(standard=standard, number="5", position=3)
    return standard


# --- planning -------------------------------------------------------------------------------------


def test_an_audit_gets_a_reference_and_lands_in_its_sites_programme_for_its_year(site, staff_user, small):
    first = plan(site=site, by=staff_user, standards=[small])
    second = plan(site=site, by=staff_user, standards=[small], audit_type=AuditType.SURVEILLANCE)
    third = plan(site=site, by=staff_user, standards=[small])
    assert (first.reference, second.reference, third.reference) == ("IA-2026-01", "SV-2026-01", "IA-2026-02")
    assert first.programme == second.programme
    assert (first.programme.site, first.programme.year) == (site, 2026)
    assert list(first.sites.all()) == [site]


def test_planning_refuses_an_end_before_the_start_and_a_clause_of_another_standard(site, staff_user, small):
    with pytest.raises(DomainError) as end:
        plan(
            site=site, by=staff_user, standards=[small], starts_on=TODAY, ends_on=TODAY - dt.timedelta(days=1)
        )
    assert end.value.field == "ends_on"
    stray = ClauseFactory(standard=StandardFactory(code="ISO 1"), number="4")
    with pytest.raises(DomainError) as clause:
        plan(site=site, by=staff_user, standards=[small], clauses=[stray])
    assert clause.value.field == "clauses"
    with pytest.raises(DomainError):
        plan(site=site, by=staff_user, standards=[])
    assert Audit.objects.count() == 0


# --- checklists -------------------------------------------------------------------------------------


def test_an_integrated_audit_has_one_item_per_harmonized_clause_and_the_items_of_each_standard(
    shipped, site, staff_user
):
    audit = plan(site=site, by=staff_user, standards=hs_standards())
    count = checklist_services.checklist_generate(audit=audit, by=staff_user)
    items = list(audit.checklist.prefetch_related("clauses__standard").order_by("position"))
    assert count == len(items)
    by_number: dict[str, list] = {}
    for item in items:
        by_number.setdefault(item.number, []).append(item)
    # 9.2.1 is the same requirement in the four standards: one item covering all four clauses.
    internal_audit = by_number["9.2.1"]
    assert len(internal_audit) == 1
    assert sorted(c.standard.code for c in internal_audit[0].clauses.all()) == sorted(c for c, _ in HS)
    # 5.4 (worker consultation) is ISO 45001's alone.
    consultation = by_number["5.4"]
    assert [[c.standard.code for c in i.clauses.all()] for i in consultation] == [["ISO 45001"]]
    # Headings are not items: 9.2 has sub-clauses in every standard.
    assert "9.2" not in by_number
    # Every leaf clause of the four standards is covered exactly once.
    standards = hs_standards()
    leaves = set(
        Clause.objects.filter(standard__in=standards)
        .exclude(pk__in=Clause.objects.filter(parent__isnull=False).values("parent_id"))
        .values_list("pk", flat=True)
    )
    covered = [c.pk for item in items for c in item.clauses.all()]
    assert sorted(covered) == sorted(leaves)
    # Items follow the clause numbers: 4.1 first, 10.3 after 9.x.
    numbers = [i.number for i in items]
    assert numbers[0] == "4.1"
    assert numbers.index("10.1") > numbers.index("9.3")


def test_a_checklist_limited_to_clause_groups_covers_their_sub_clauses_in_every_standard(
    shipped, site, staff_user
):
    standards = hs_standards()
    nine = Clause.objects.get(standard__code="ISO 9001", number="9")
    audit = plan(site=site, by=staff_user, standards=standards, clauses=[nine])
    checklist_services.checklist_generate(audit=audit, by=staff_user)
    numbers = set(audit.checklist.values_list("number", flat=True))
    assert numbers
    assert all(n.startswith("9.") for n in numbers)
    item = audit.checklist.get(number="9.1.1")
    # The crosswalk brings ISO 14001's, 45001's and 50001's 9 along with ISO 9001's.
    assert item.clauses.count() == 4


def test_a_checklist_can_start_from_the_previous_audit_as_a_draft(site, staff_user, small):
    last = started(plan(site=site, by=staff_user, standards=[small]), staff_user)
    item = last.checklist.get(number="4.1")
    checklist_services.checklist_item_update(
        item=item,
        version=item.version,
        by=staff_user,
        result=ChecklistResult.CONFORMING,
        notes="Context review seen",
    )
    audit = plan(site=site, by=staff_user, standards=[small])
    checklist_services.checklist_generate(audit=audit, by=staff_user, copy_from=last)
    copied = audit.checklist.get(number="4.1")
    assert (copied.result, copied.notes, copied.copied) == ("conforming", "Context review seen", True)
    fresh = audit.checklist.get(number="4.2")
    assert (fresh.result, fresh.copied) == ("", False)
    audit.refresh_from_db()
    assert audit.previous == last


def test_generating_twice_or_after_the_start_is_refused(site, staff_user, small):
    audit = plan(site=site, by=staff_user, standards=[small])
    assert checklist_services.checklist_generate(audit=audit, by=staff_user) == 3
    with pytest.raises(TransitionNotAllowed):
        checklist_services.checklist_generate(audit=audit, by=staff_user)
    assert audit.checklist.count() == 3


def test_an_audit_starts_only_with_a_checklist(site, staff_user, small):
    audit = plan(site=site, by=staff_user, standards=[small])
    with pytest.raises(TransitionNotAllowed, match="checklist"):
        audit_services.audit_transition(audit=audit, to=AuditStatus.IN_PROGRESS, by=staff_user)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.PLANNED


def test_a_change_made_on_an_older_version_is_refused_and_keeps_the_other_auditors_work(
    site, staff_user, lead, small
):
    audit = started(plan(site=site, by=staff_user, standards=[small]), staff_user)
    item = audit.checklist.get(number="4.1")
    opened = item.version
    checklist_services.checklist_item_update(
        item=item, version=opened, by=lead, result=ChecklistResult.CONFORMING, notes="Seen by lead"
    )
    with pytest.raises(EditConflict) as conflict:
        checklist_services.checklist_item_update(
            item=item, version=opened, by=staff_user, result=ChecklistResult.OBSERVATION, notes="Mine"
        )
    assert conflict.value.current_version == opened + 1
    item.refresh_from_db()
    assert (item.result, item.notes, item.updated_by) == ("conforming", "Seen by lead", lead)


def test_not_applicable_needs_a_justification(site, staff_user, small):
    audit = started(plan(site=site, by=staff_user, standards=[small]), staff_user)
    item = audit.checklist.get(number="5")
    with pytest.raises(DomainError) as refused:
        checklist_services.checklist_item_update(
            item=item, version=item.version, by=staff_user, result=ChecklistResult.NOT_APPLICABLE
        )
    assert refused.value.field == "justification"
    item.refresh_from_db()
    assert item.result == ""


# --- the audit workflow -----------------------------------------------------------------------------

ALLOWED = {
    ("planned", "in_progress"),
    ("planned", "cancelled"),
    ("in_progress", "reporting"),
    ("reporting", "in_progress"),
    ("reporting", "closed"),
}


@pytest.mark.parametrize(("start", "to"), list(itertools.product(AuditStatus.values, repeat=2)))
def test_every_audit_transition_is_allowed_or_refused_as_the_table_says(site, staff_user, small, start, to):
    audit = plan(site=site, by=staff_user, standards=[small], lead_auditor=staff_user)
    checklist_services.checklist_generate(audit=audit, by=staff_user)
    Audit.objects.filter(pk=audit.pk).update(status=start, report_summary="S", report_conclusions="C")
    if start == "reporting" and to == "closed":
        Audit.objects.filter(pk=audit.pk).update(
            report_signed_by=staff_user, report_signed_at=dt.datetime(2026, 6, 3, tzinfo=dt.UTC)
        )
    if (start, to) in ALLOWED:
        audit_services.audit_transition(audit=audit, to=to, by=staff_user)
        audit.refresh_from_db()
        assert audit.status == to
    else:
        with pytest.raises(TransitionNotAllowed):
            audit_services.audit_transition(audit=audit, to=to, by=staff_user)
        audit.refresh_from_db()
        assert audit.status == start


def test_only_the_lead_auditor_signs_the_report_off_and_only_once_it_is_written(
    site, staff_user, lead, small
):
    audit = started(plan(site=site, by=staff_user, standards=[small], lead_auditor=lead), staff_user)
    audit_services.audit_transition(audit=audit, to=AuditStatus.REPORTING, by=staff_user)
    with pytest.raises(DomainError):
        audit_services.report_sign_off(audit=audit, by=lead)
    audit_services.report_update(
        audit=audit, by=staff_user, summary="All clauses sampled.", conclusions="Effective."
    )
    with pytest.raises(NotAllowed):
        audit_services.report_sign_off(audit=audit, by=staff_user)
    audit_services.report_sign_off(audit=audit, by=lead)
    audit.refresh_from_db()
    assert audit.report_signed_by == lead
    assert audit.report_signed_at is not None
    with pytest.raises(TransitionNotAllowed):
        audit_services.report_update(audit=audit, by=staff_user, summary="Changed afterwards")
    audit.refresh_from_db()
    assert audit.report_summary == "All clauses sampled."


def _to_reporting_signed(audit: Audit, *, by, lead) -> Audit:
    audit_services.audit_transition(audit=audit, to=AuditStatus.REPORTING, by=by)
    audit_services.report_update(audit=audit, by=by, summary="Summary", conclusions="Conclusions")
    return audit_services.report_sign_off(audit=audit, by=lead)


def test_an_audit_closes_only_when_no_major_lacks_an_accepted_plan_and_says_which_block_it(
    site, staff_user, lead, small
):
    audit = started(
        plan(
            site=site, by=staff_user, standards=[small], lead_auditor=lead, audit_type=AuditType.SURVEILLANCE
        ),
        staff_user,
    )
    item = audit.checklist.get(number="4.1")
    major = finding_services.finding_raise(
        audit=audit,
        checklist_item=item,
        finding_class=FindingClass.MAJOR,
        statement="No internal audit in 2025",
        owner=staff_user,
        by=lead,
        today=TODAY,
    )
    minor = finding_services.finding_raise(
        audit=audit,
        finding_class=FindingClass.MINOR,
        statement="Calibration record missing",
        clauses=[audit.checklist.get(number="5").clauses.get()],
        owner=staff_user,
        by=lead,
        today=TODAY,
    )
    assert major.body_deadline == TODAY + dt.timedelta(days=90)
    assert minor.body_deadline is None
    audit_services.audit_transition(audit=audit, to=AuditStatus.REPORTING, by=staff_user)
    with pytest.raises(AuditCannotClose) as unsigned:
        audit_services.audit_close(audit=audit, by=staff_user)
    assert unsigned.value.blocking[0] == "The audit report is not signed off by the lead auditor."
    audit_services.report_update(audit=audit, by=staff_user, summary="Summary", conclusions="Conclusions")
    audit_services.report_sign_off(audit=audit, by=lead)
    with pytest.raises(AuditCannotClose) as blocked:
        audit_services.audit_transition(audit=audit, to=AuditStatus.CLOSED, by=staff_user)
    assert blocked.value.blocking == [
        f"{major.reference} is a major nonconformity without an accepted action plan."
    ]
    audit.refresh_from_db()
    assert audit.status == AuditStatus.REPORTING

    capa = major.capa
    capa = capa_services.capa_contain(capa=capa, containment="Audit scheduled", by=staff_user)
    capa = capa_services.capa_analyse(
        capa=capa, method="five_why", whys=["Auditor left"], root_cause="No backup auditor", by=staff_user
    )
    capa_services.capa_action_add(
        capa=capa,
        description="Train two auditors",
        owner=staff_user,
        due_on=TODAY + dt.timedelta(days=30),
        by=staff_user,
    )
    capa = capa_services.capa_plan_propose(capa=capa, by=staff_user)
    with pytest.raises(NotAllowed):  # an external finding's plan is accepted by the lead auditor
        capa_services.capa_plan_accept(capa=capa, by=staff_user)
    capa_services.capa_plan_accept(capa=capa, by=lead)
    # The minor nonconformity, still open, does not hold the audit.
    closed = audit_services.audit_close(audit=audit, by=staff_user)
    assert closed.status == AuditStatus.CLOSED
    assert closed.closed_at is not None


def test_an_audit_with_findings_cannot_be_deleted(site, staff_user, small):
    audit = started(plan(site=site, by=staff_user, standards=[small]), staff_user)
    finding_services.finding_raise(
        audit=audit,
        checklist_item=audit.checklist.first(),
        finding_class=FindingClass.OBSERVATION,
        statement="Labels fading",
        owner=staff_user,
        by=staff_user,
        today=TODAY,
    )
    with pytest.raises(TransitionNotAllowed, match="findings"):
        audit_services.audit_delete(audit=audit, by=staff_user)
    assert Audit.objects.filter(pk=audit.pk).exists()
    empty = plan(site=site, by=staff_user, standards=[small])
    audit_services.audit_delete(audit=empty, by=staff_user)
    assert not Audit.objects.filter(pk=empty.pk).exists()


def test_a_closed_audit_refuses_changes(site, staff_user, lead, small):
    audit = started(plan(site=site, by=staff_user, standards=[small], lead_auditor=lead), staff_user)
    _to_reporting_signed(audit, by=staff_user, lead=lead)
    audit_services.audit_close(audit=audit, by=staff_user)
    with pytest.raises(TransitionNotAllowed):
        audit_services.audit_update(audit=audit, by=staff_user, title="Renamed")
    item = audit.checklist.first()
    with pytest.raises(TransitionNotAllowed):
        checklist_services.checklist_item_update(item=item, version=item.version, by=staff_user, notes="late")
    audit.refresh_from_db()
    assert audit.title == "Integrated internal audit"
    assert Finding.objects.count() == 0


def test_raising_from_an_item_records_its_result_unless_someone_assessed_it_meanwhile(
    site, staff_user, lead, small
):
    audit = started(plan(site=site, by=staff_user, standards=[small]), staff_user)
    stale = audit.checklist.get(number="4.1")
    checklist_services.checklist_item_update(
        item=stale, version=stale.version, by=lead, result=ChecklistResult.OBSERVATION, notes="Lead's note"
    )
    finding_services.finding_raise(
        audit=audit,
        checklist_item=stale,
        finding_class=FindingClass.MINOR,
        statement="S",
        owner=staff_user,
        by=staff_user,
        today=TODAY,
    )
    kept = audit.checklist.get(number="4.1")
    assert (kept.result, kept.notes, kept.version) == ("observation", "Lead's note", 2)
    fresh = audit.checklist.get(number="4.2")
    finding_services.finding_raise(
        audit=audit,
        checklist_item=fresh,
        finding_class=FindingClass.MAJOR,
        statement="S",
        owner=staff_user,
        by=staff_user,
        today=TODAY,
    )
    fresh.refresh_from_db()
    assert (fresh.result, fresh.version) == ("nonconformity", 2)


@pytest.mark.parametrize(
    ("status", "days_after_end", "overdue"),
    [
        ("planned", -1, True),  # its start, two days before its end, has passed
        ("in_progress", 0, False),
        ("in_progress", 1, True),
        ("reporting", 30, False),
        ("reporting", 31, True),
        ("closed", 400, False),
    ],
)
def test_an_audit_is_overdue_when_its_start_end_or_report_is_late(
    site, staff_user, small, status, days_after_end, overdue
):
    from certifications.selectors.audits import audits_overdue_q

    audit = plan(site=site, by=staff_user, standards=[small])
    Audit.objects.filter(pk=audit.pk).update(status=status)
    audit.refresh_from_db()
    day = audit.ends_on + dt.timedelta(days=days_after_end)
    assert audit.is_overdue(day) is overdue
    assert Audit.objects.filter(audits_overdue_q(day)).exists() is overdue
