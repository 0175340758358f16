"""The demo plant's audits: last year's integrated internal audit, closed with its findings; this
year's ISO 14001 surveillance audit in reporting, with a major nonconformity whose plan the lead
auditor accepted and a minor one past its due date; and next year's programme."""

from __future__ import annotations

import datetime as dt

from greenfactory.accounts.models import User

from .models import Audit, AuditStatus, AuditType, Certificate, ChecklistResult, FindingClass, Standard
from .services import audits as audit_services
from .services import capa as capa_services
from .services import checklists as checklist_services
from .services import findings as finding_services

HS = (("ISO 9001", "2015"), ("ISO 14001", "2015"), ("ISO 45001", "2018"), ("ISO 50001", "2018"))
SCOPE = (
    "Recycling of spent EV power batteries at the Tianjin plant: reception, discharge, disassembly, "
    "crushing and separation."
)


def _standards(*labels: tuple[str, str]) -> list[Standard]:
    return [Standard.objects.get(code=code, edition=edition) for code, edition in labels]


def _assess(audit: Audit, *, by: User, notes: dict[str, str]) -> None:
    """Every item conforming, with notes on some."""
    for item in audit.checklist.all():
        checklist_services.checklist_item_update(
            item=item,
            version=item.version,
            by=by,
            result=ChecklistResult.CONFORMING,
            notes=notes.get(item.number, ""),
        )


def _calibration_capa(minor, *, staff: User, lead: User, day: dt.date) -> None:
    """Last year's minor nonconformity, taken through its whole corrective action."""
    capa = capa_services.capa_contain(
        capa=minor.capa, containment="Both weighbridges calibrated the same week.", by=staff
    )
    capa = capa_services.capa_analyse(
        capa=capa,
        method="five_why",
        whys=[
            "Calibrations were missed.",
            "The reminder went to a person who had left.",
            "Reminders were kept in a personal calendar.",
        ],
        root_cause="Calibration due dates were not in a shared register.",
        by=staff,
    )
    action = capa_services.capa_action_add(
        capa=capa,
        description="Move calibration due dates into the evidence register with reminders.",
        owner=staff,
        due_on=day + dt.timedelta(days=20),
        by=staff,
    )
    capa = capa_services.capa_plan_propose(capa=capa, by=staff)
    capa = capa_services.capa_plan_accept(capa=capa, by=lead)
    capa_services.capa_action_done(action=action, done_on=day + dt.timedelta(days=14), by=staff)
    capa = capa_services.capa_implement(
        capa=capa, implementation="Register set up; reminders go to the maintenance lead.", by=staff
    )
    capa = capa_services.capa_verify(
        capa=capa,
        effective=True,
        verification="Three months later every calibration was on time.",
        by=lead,
    )
    capa_services.capa_close(capa=capa, by=lead)


def _last_year(*, site, staff: User, lead: User, today: dt.date) -> Audit:
    year = today.year - 1
    start = dt.date(year, 10, 13)
    audit = audit_services.audit_create(
        site=site,
        title="Integrated internal audit (quality, environment, OH&S, energy)",
        audit_type=AuditType.INTERNAL,
        standards=_standards(*HS),
        starts_on=start,
        ends_on=start + dt.timedelta(days=3),
        scope=SCOPE,
        criteria="ISO 9001:2015, ISO 14001:2015, ISO 45001:2018, ISO 50001:2018; the plant's procedures.",
        lead_auditor=lead,
        team=[staff],
        by=staff,
    )
    checklist_services.checklist_generate(audit=audit, by=staff)
    audit_services.audit_transition(audit=audit, to=AuditStatus.IN_PROGRESS, by=staff)
    _assess(
        audit,
        by=staff,
        notes={"9.2.1": "Programme 2025 sampled; all four systems audited.", "6.6": "Meter list complete."},
    )
    day = start + dt.timedelta(days=1)
    minor = finding_services.finding_raise(
        audit=audit,
        checklist_item=audit.checklist.get(number="7.1.5.2"),
        finding_class=FindingClass.MINOR,
        statement="Two of the twelve weighbridge calibrations were overdue by three weeks.",
        objective_evidence="Calibration log WB-02 and WB-05, last entries in June.",
        requirement="ISO 9001:2015 7.1.5.2",
        owner=staff,
        by=lead,
        today=day,
    )
    finding_services.finding_raise(
        audit=audit,
        checklist_item=audit.checklist.get(number="8.1", clauses__standard__code="ISO 14001"),
        finding_class=FindingClass.OBSERVATION,
        statement="Spill kits at the discharge line are complete but not labelled.",
        owner=staff,
        by=lead,
        today=day,
    )
    finding_services.finding_raise(
        audit=audit,
        checklist_item=audit.checklist.get(number="6.3", clauses__standard__code="ISO 50001"),
        finding_class=FindingClass.IMPROVEMENT,
        statement="The energy review could rank the crusher's idle running as a significant energy use.",
        owner=staff,
        by=lead,
        today=day,
    )
    _calibration_capa(minor, staff=staff, lead=lead, day=day)
    for finding in audit.findings.exclude(finding_class=FindingClass.MINOR):
        finding_services.finding_close(finding=finding, note="Considered at the management review.", by=lead)
    audit_services.audit_transition(audit=audit, to=AuditStatus.REPORTING, by=staff)
    audit_services.report_update(
        audit=audit,
        by=lead,
        summary="All clauses of the four standards were audited over four days at the Tianjin plant.",
        conclusions="The integrated management system is effective; one minor nonconformity was raised.",
    )
    audit_services.report_sign_off(audit=audit, by=lead)
    return audit_services.audit_close(audit=audit, by=lead)


def _surveillance(*, site, staff: User, auditor: User, today: dt.date) -> Audit:
    certificate = Certificate.objects.filter(standard__code="ISO 14001").first()
    start = today - dt.timedelta(days=12)
    audit = audit_services.audit_create(
        site=site,
        title="ISO 14001 surveillance audit",
        audit_type=AuditType.SURVEILLANCE,
        standards=_standards(("ISO 14001", "2015")),
        starts_on=start,
        ends_on=start + dt.timedelta(days=1),
        scope=SCOPE,
        criteria="ISO 14001:2015",
        lead_auditor=auditor,
        lead_auditor_name="",
        certificate=certificate,
        by=staff,
    )
    checklist_services.checklist_generate(audit=audit, by=staff)
    audit_services.audit_transition(audit=audit, to=AuditStatus.IN_PROGRESS, by=staff)
    major = finding_services.finding_raise(
        audit=audit,
        checklist_item=audit.checklist.get(number="6.1.3"),
        finding_class=FindingClass.MAJOR,
        statement="The hazardous-waste permit for electrolyte residues expired and was not renewed.",
        objective_evidence="Permit HW-2023-117 valid until last month; no renewal application on file.",
        requirement="ISO 14001:2015 6.1.3 Compliance obligations",
        owner=staff,
        by=auditor,
        today=start,
    )
    finding_services.finding_raise(
        audit=audit,
        checklist_item=audit.checklist.get(number="7.2"),
        finding_class=FindingClass.MINOR,
        statement="Three forklift drivers had no record of spill-response training.",
        owner=staff,
        by=auditor,
        due_on=start + dt.timedelta(days=7),
        today=start,
    )
    capa = capa_services.capa_contain(
        capa=major.capa,
        containment="Electrolyte residues held on site in the bunded store; renewal filed.",
        by=staff,
    )
    capa = capa_services.capa_analyse(
        capa=capa,
        method="fishbone",
        fishbone={
            "method": ["No register of permit expiry dates"],
            "people": ["Permit holder changed roles"],
        },
        root_cause="Permits were not part of the compliance-obligations register.",
        by=staff,
    )
    capa_services.capa_action_add(
        capa=capa,
        description="Add every permit with its expiry date to the compliance-obligations register.",
        owner=staff,
        due_on=today + dt.timedelta(days=20),
        by=staff,
    )
    capa = capa_services.capa_plan_propose(capa=capa, by=staff)
    capa_services.capa_plan_accept(capa=capa, by=auditor, note="Plan accepted at the closing meeting.")
    audit_services.audit_transition(audit=audit, to=AuditStatus.REPORTING, by=staff)
    return audit


NEXT_YEAR = (
    # title, type, standards, month, day, days
    ("Integrated internal audit", AuditType.INTERNAL, HS, 4, 13, 4),
    ("ISO 45001 surveillance audit", AuditType.SURVEILLANCE, (("ISO 45001", "2018"),), 1, 19, 2),
    ("ISO 9001 surveillance audit", AuditType.SURVEILLANCE, (("ISO 9001", "2015"),), 9, 21, 2),
    ("ISO 50001 certification audit, stage 1", AuditType.STAGE_1, (("ISO 50001", "2018"),), 3, 9, 1),
    ("ISO 50001 certification audit, stage 2", AuditType.STAGE_2, (("ISO 50001", "2018"),), 5, 11, 2),
    ("Supplier audit: crushing-line contractor", AuditType.SECOND_PARTY, (("ISO 45001", "2018"),), 7, 6, 1),
)


def demo_audits_load(*, site, staff: User, approver: User, today: dt.date) -> int:
    """Load the demo audits once (nothing happens when an audit exists already)."""
    if Audit.objects.exists():
        return 0
    auditor = User.objects.filter(username="auditor").first() or approver
    _last_year(site=site, staff=staff, lead=approver, today=today)
    _surveillance(site=site, staff=staff, auditor=auditor, today=today)
    # The ISO 14001 certificate runs out within weeks: its recertification audit is coming up.
    recertify = today + dt.timedelta(days=10)
    audit_services.audit_create(
        site=site,
        title="ISO 14001 recertification audit",
        audit_type=AuditType.RECERTIFICATION,
        standards=_standards(("ISO 14001", "2015")),
        starts_on=recertify,
        ends_on=recertify + dt.timedelta(days=2),
        scope=SCOPE,
        lead_auditor_name="China Quality Certification Centre",
        certificate=Certificate.objects.filter(standard__code="ISO 14001").first(),
        by=staff,
    )
    year = today.year + 1
    for title, audit_type, labels, month, day, days in NEXT_YEAR:
        start = dt.date(year, month, day)
        standards = _standards(*labels)
        certificate = (
            Certificate.objects.filter(standard=standards[0]).first() if len(standards) == 1 else None
        )
        audit_services.audit_create(
            site=site,
            title=title,
            audit_type=audit_type,
            standards=standards,
            starts_on=start,
            ends_on=start + dt.timedelta(days=days - 1),
            scope=SCOPE,
            lead_auditor=approver if audit_type == AuditType.INTERNAL else None,
            lead_auditor_name=""
            if audit_type == AuditType.INTERNAL
            else "China Quality Certification Centre",
            certificate=certificate
            if audit_type in (AuditType.SURVEILLANCE, AuditType.RECERTIFICATION)
            else None,
            by=staff,
        )
    return Audit.objects.count()
