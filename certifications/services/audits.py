"""Writes of audit programmes, audits, their plan, checklists and reports.

An audit moves planned -> in progress -> reporting -> closed (or is cancelled before it starts);
every state change goes through ``audit_transition``, which checks the table below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError, NotAllowed, TransitionNotAllowed
from greenfactory.core.unset import UNSET, Unset
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site

from ..exceptions import AuditCannotClose
from ..models import (
    Audit,
    AuditProgramme,
    AuditSession,
    AuditStatus,
    AuditType,
    Certificate,
    Clause,
    FindingClass,
    FindingStatus,
    Standard,
)
from ..models.audits import REFERENCE_PREFIX
from ..models.findings import PLAN_ACCEPTED_STATES
from ._common import history_by

A = AuditStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    A.PLANNED: frozenset({A.IN_PROGRESS, A.CANCELLED}),
    A.IN_PROGRESS: frozenset({A.REPORTING}),
    A.REPORTING: frozenset({A.IN_PROGRESS, A.CLOSED}),
    A.CLOSED: frozenset(),
    A.CANCELLED: frozenset(),
}
# States in which the checklist, findings and the audit's own fields may still change.
OPEN_STATES = (A.PLANNED, A.IN_PROGRESS, A.REPORTING)


def clause_number_key(number: str) -> tuple[int, ...]:
    """4.10 after 4.9: clause numbers sort by their parts as numbers."""
    return tuple(int(part) if part.isdigit() else 0 for part in number.split("."))


# --- programmes ---------------------------------------------------------------------------------


@transaction.atomic
def programme_get_or_create(*, site: Site, year: int, by: User | None = None) -> AuditProgramme:
    """The site's programme for the year, created the first time an audit is planned in it."""
    if not 1990 <= year <= 2100:
        raise DomainError(str(DATE_OUT_OF_RANGE), field="year")
    programme = AuditProgramme.objects.filter(site=site, year=year).first()
    if programme is None:
        programme = AuditProgramme(site=site, year=year)
        history_by(programme, by)
        programme.save()
    return programme


@transaction.atomic
def programme_update(*, programme: AuditProgramme, objectives: str, by: User | None) -> AuditProgramme:
    programme.objectives = objectives
    history_by(programme, by)
    programme.save()
    return programme


# --- audits -------------------------------------------------------------------------------------


def _reference(*, audit_type: str, year: int) -> str:
    prefix = f"{REFERENCE_PREFIX[AuditType(audit_type)]}-{year}-"
    taken = Audit.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(r.removeprefix(prefix)) for r in taken if r.removeprefix(prefix).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def _check_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not date_is_plausible(day):
            raise DomainError(str(DATE_OUT_OF_RANGE), field=name)
    if ends_on < starts_on:
        raise DomainError(_("The audit cannot end before it starts."), field="ends_on")


def _check_scope(
    *, audit_type: str, standards: list[Standard], sites: list[Site], clauses: list[Clause]
) -> None:
    if audit_type not in AuditType.values:
        raise DomainError(_("Choose a valid audit type."), field="audit_type")
    if not standards:
        raise DomainError(_("Choose at least one standard."), field="standards")
    if not sites:
        raise DomainError(_("Choose at least one site."), field="sites")
    ids = {s.pk for s in standards}
    strays = [c for c in clauses if c.standard_id not in ids]
    if strays:
        raise DomainError(
            _("Clause %(clause)s is not in a standard of this audit.") % {"clause": strays[0]},
            field="clauses",
        )


@transaction.atomic
def audit_create(
    *,
    site: Site,
    title: str,
    audit_type: str,
    standards: Iterable[Standard],
    starts_on: dt.date,
    ends_on: dt.date,
    by: User,
    sites: Iterable[Site] = (),
    clauses: Iterable[Clause] = (),
    scope: str = "",
    criteria: str = "",
    lead_auditor: User | None = None,
    lead_auditor_name: str = "",
    team: Iterable[User] = (),
    team_external: str = "",
    certificate: Certificate | None = None,
    certification_body: str = "",
    previous: Audit | None = None,
) -> Audit:
    """Plan an audit in the programme of ``site`` for the year it starts in; ``sites`` adds the other
    sites it covers. Its reference (IA-2026-01, SV-2026-02, ...) is given here."""
    standards = list(standards)
    all_sites = [site, *[s for s in sites if s.pk != site.pk]]
    clauses = list(clauses)
    _check_scope(audit_type=audit_type, standards=standards, sites=all_sites, clauses=clauses)
    _check_dates(starts_on, ends_on)
    if not title.strip():
        raise DomainError(_("Give the audit a title."), field="title")
    if certificate is not None and certificate.standard_id not in {s.pk for s in standards}:
        raise DomainError(
            _("The certificate is for a standard this audit does not cover."), field="certificate"
        )
    programme = programme_get_or_create(site=site, year=starts_on.year, by=by)
    AuditProgramme.objects.select_for_update().filter(pk=programme.pk).first()  # one reference at a time
    audit = Audit(
        programme=programme,
        reference=_reference(audit_type=audit_type, year=starts_on.year),
        title=title.strip(),
        audit_type=audit_type,
        certificate=certificate,
        certification_body=certification_body.strip()
        or (certificate.certification_body if certificate is not None else ""),
        scope=scope,
        criteria=criteria,
        starts_on=starts_on,
        ends_on=ends_on,
        lead_auditor=lead_auditor,
        lead_auditor_name=lead_auditor_name.strip(),
        team_external=team_external.strip(),
        previous=previous,
        created_by=by,
    )
    history_by(audit, by)
    audit.full_clean(validate_unique=False, exclude=["programme", "created_by"])
    audit.save()
    audit.standards.set(standards)
    audit.sites.set(all_sites)
    audit.clauses.set(clauses)
    audit.team.set(list(team))
    return audit


def _require_open(audit: Audit) -> None:
    if audit.status not in OPEN_STATES:
        raise TransitionNotAllowed(
            _("The audit is %(status)s; it can no longer change.") % {"status": audit.get_status_display()}
        )


@transaction.atomic
def audit_update(
    *,
    audit: Audit,
    by: User,
    title: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    criteria: str | Unset = UNSET,
    starts_on: dt.date | Unset = UNSET,
    ends_on: dt.date | Unset = UNSET,
    lead_auditor: User | None | Unset = UNSET,
    lead_auditor_name: str | Unset = UNSET,
    team: Iterable[User] | Unset = UNSET,
    team_external: str | Unset = UNSET,
    certification_body: str | Unset = UNSET,
    opening_meeting_at: dt.datetime | None | Unset = UNSET,
    opening_meeting_notes: str | Unset = UNSET,
    closing_meeting_at: dt.datetime | None | Unset = UNSET,
    closing_meeting_notes: str | Unset = UNSET,
) -> Audit:
    """Change what the audit is about and who runs it, and record its opening and closing meetings.
    The standards, sites and clause groups are fixed once the checklist exists."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_open(audit)
    values: dict[str, Any] = {
        "title": title,
        "scope": scope,
        "criteria": criteria,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "lead_auditor": lead_auditor,
        "lead_auditor_name": lead_auditor_name,
        "team_external": team_external,
        "certification_body": certification_body,
        "opening_meeting_at": opening_meeting_at,
        "opening_meeting_notes": opening_meeting_notes,
        "closing_meeting_at": closing_meeting_at,
        "closing_meeting_notes": closing_meeting_notes,
    }
    for name, value in values.items():
        if value is not UNSET:
            setattr(audit, name, value.strip() if isinstance(value, str) else value)
    if not audit.title:
        raise DomainError(_("Give the audit a title."), field="title")
    _check_dates(audit.starts_on, audit.ends_on)
    if audit.starts_on.year != audit.programme.year:
        raise DomainError(
            _("The audit belongs to the %(year)s programme; its start stays in that year.")
            % {"year": audit.programme.year},
            field="starts_on",
        )
    history_by(audit, by)
    audit.full_clean(validate_unique=False, exclude=["programme", "created_by"])
    audit.save()
    if team is not UNSET:
        audit.team.set(list(team))
    return audit


@transaction.atomic
def audit_transition(*, audit: Audit, to: str, by: User) -> Audit:
    """Start the fieldwork, move to reporting, reopen the fieldwork, or cancel a planned audit.
    Closing goes through ``audit_close``, which checks the report and the findings."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if to == A.CLOSED:
        return audit_close(audit=audit, by=by)
    if to not in TRANSITIONS.get(audit.status, ()):
        raise TransitionNotAllowed(
            _("An audit cannot go from “%(from)s” to “%(to)s”.")
            % {"from": A(audit.status).label, "to": A(to).label if to in A.values else to}
        )
    if to == A.IN_PROGRESS and not audit.checklist.exists():
        raise TransitionNotAllowed(_("Generate the checklist before the audit starts."))
    if to == A.IN_PROGRESS and audit.report_signed_at is not None:
        raise TransitionNotAllowed(_("The report is signed off; the fieldwork cannot reopen."))
    audit.status = to
    history_by(audit, by)
    audit.save(update_fields=["status"])
    return audit


def audit_close_blockers(audit: Audit) -> list[str]:
    """What keeps the audit open, each as a sentence naming the finding (empty: it may close)."""
    blockers: list[str] = []
    if audit.report_signed_at is None:
        blockers.append(_("The audit report is not signed off by the lead auditor."))
    majors = audit.findings.filter(
        finding_class=FindingClass.MAJOR, status=FindingStatus.OPEN
    ).select_related("capa")
    for finding in majors.order_by("reference"):
        capa = getattr(finding, "capa", None)
        if capa is None or capa.state not in PLAN_ACCEPTED_STATES:
            blockers.append(
                _("%(finding)s is a major nonconformity without an accepted action plan.")
                % {"finding": finding.reference}
            )
    return blockers


@transaction.atomic
def audit_close(*, audit: Audit, by: User) -> Audit:
    """Close the audit: only from reporting, with the report signed off and every open major
    nonconformity holding an accepted action plan. Otherwise it says what blocks it."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if A.CLOSED not in TRANSITIONS.get(audit.status, ()):
        raise TransitionNotAllowed(
            _("An audit cannot go from “%(from)s” to “%(to)s”.")
            % {"from": A(audit.status).label, "to": A.CLOSED.label}
        )
    blockers = audit_close_blockers(audit)
    if blockers:
        raise AuditCannotClose(_("The audit cannot close yet: %s") % " ".join(blockers), blocking=blockers)
    audit.status = A.CLOSED
    audit.closed_at = timezone.now()
    history_by(audit, by)
    audit.save(update_fields=["status", "closed_at"])
    return audit


@transaction.atomic
def audit_delete(*, audit: Audit, by: User) -> None:
    """Delete an audit planned by mistake; one with findings is part of the record and stays."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.findings.exists():
        raise TransitionNotAllowed(
            _("The audit has findings and cannot be deleted; cancel or close it instead."), field=None
        )
    if audit.status == A.CLOSED:
        raise TransitionNotAllowed(_("A closed audit cannot be deleted."))
    history_by(audit, by)
    audit.delete()


# --- the plan -----------------------------------------------------------------------------------


@transaction.atomic
def session_add(
    *,
    audit: Audit,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    topic: str,
    by: User,
    auditees: str = "",
    auditor: User | None = None,
    location: str = "",
) -> AuditSession:
    """Add a session to the audit plan."""
    _require_open(audit)
    if ends_at <= starts_at:
        raise DomainError(_("A session ends after it starts."), field="ends_at")
    if not topic.strip():
        raise DomainError(_("Say which clauses or process the session covers."), field="topic")
    first = dt.datetime.combine(audit.starts_on, dt.time.min, tzinfo=starts_at.tzinfo)
    last = dt.datetime.combine(audit.ends_on, dt.time.max, tzinfo=starts_at.tzinfo)
    if starts_at < first or ends_at > last:
        raise DomainError(_("A session falls within the audit's dates."), field="starts_at")
    session = AuditSession(
        audit=audit,
        starts_at=starts_at,
        ends_at=ends_at,
        topic=topic.strip(),
        auditees=auditees.strip(),
        auditor=auditor,
        location=location.strip(),
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_delete(*, session: AuditSession, by: User) -> None:
    _require_open(session.audit)
    session.delete()


# --- the report ---------------------------------------------------------------------------------


@transaction.atomic
def report_update(
    *, audit: Audit, by: User, summary: str | Unset = UNSET, conclusions: str | Unset = UNSET
) -> Audit:
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_open(audit)
    if audit.report_signed_at is not None:
        raise TransitionNotAllowed(_("The report is signed off and can no longer change."))
    if summary is not UNSET:
        audit.report_summary = summary
    if conclusions is not UNSET:
        audit.report_conclusions = conclusions
    history_by(audit, by)
    audit.save(update_fields=["report_summary", "report_conclusions"])
    return audit


@transaction.atomic
def report_sign_off(*, audit: Audit, by: User) -> Audit:
    """The lead auditor signs the report off (staff record it for an external lead auditor without
    an account). Only in reporting, with a summary and conclusions written."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.status != A.REPORTING:
        raise TransitionNotAllowed(_("The report is signed off once the audit is in reporting."))
    if audit.report_signed_at is not None:
        raise TransitionNotAllowed(_("The report is already signed off."))
    if audit.lead_auditor_id is not None and audit.lead_auditor_id != by.pk:
        raise NotAllowed(
            _("Only the lead auditor, %(name)s, signs the report off.") % {"name": audit.lead_auditor_label}
        )
    if audit.lead_auditor_id is None and not audit.lead_auditor_name:
        raise TransitionNotAllowed(_("Name the lead auditor before the report is signed off."))
    if not audit.report_summary.strip() or not audit.report_conclusions.strip():
        raise DomainError(
            _("Write the summary and the conclusions before signing off."), field="report_summary"
        )
    audit.report_signed_by = by
    audit.report_signed_at = timezone.now()
    history_by(audit, by)
    audit.save(update_fields=["report_signed_by", "report_signed_at"])
    return audit
