"""Demo evidence and certificates for the demo plant, so the coverage page tells a story.

Every standard has approved evidence; some of it is expiring or expired, some clauses are missing,
one is not applicable, and the ISO 45001 certificate is suspended. Idempotent: items are looked up
by their natural keys first, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.db import transaction

from . import sealing, services
from .demo_audits import demo_audits_load
from .demo_data import APPROVED, CERTIFICATES, DRAFT, EVIDENCE, EXCLUSIONS, EXPIRED, IN_REVIEW, SUPERSEDED
from .demo_green_factory import demo_green_factory_load
from .demo_material_balance import demo_material_balance_load
from .demo_objectives import demo_risks_load as demo_objectives_load  # registers: risks, objectives
from .demo_obligations import demo_obligations_load
from .demo_risks import demo_risks_load  # registers: aspects, hazards, incidents
from .models import (
    Certificate,
    CertificateStatus,
    Clause,
    ClauseExclusion,
    Evidence,
    EvidenceStatus,
    Standard,
)


def _pdf(title: str) -> bytes:
    """A small one-page PDF standing in for a scanned document."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 60 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _clause(label: str, number: str) -> Clause:
    code, _sep, edition = label.rpartition(":")
    return Clause.objects.get(standard__code=code, standard__edition=edition, number=number)


def _slug(title: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")[:60] + ".pdf"


def _evidence(*, title, clauses, outcome, review, expiry, today, owner, approver) -> bool:
    if Evidence.objects.filter(title=title).exists():
        return False
    expiry_date = today + dt.timedelta(days=expiry) if expiry is not None else None
    evidence = services.evidence_create(
        title=title,
        owner=owner,
        by=owner,
        clauses=[_clause(label, number) for label, number in clauses],
        review_date=today + dt.timedelta(days=review) if review is not None else None,
        expiry_date=expiry_date,
    )
    if outcome == DRAFT:
        return True
    services.evidence_revision_add(evidence=evidence, file=BytesIO(_pdf(title)), name=_slug(title), by=owner)
    services.evidence_transition(evidence=evidence, to=EvidenceStatus.IN_REVIEW, by=owner)
    if outcome == IN_REVIEW:
        return True
    # Expired items were approved while still valid: approve as of the day before they lapsed.
    approved_on = expiry_date - dt.timedelta(days=1) if outcome == EXPIRED else today
    services.evidence_transition(
        evidence=evidence, to=EvidenceStatus.APPROVED, by=approver, today=approved_on
    )
    if outcome == EXPIRED:
        services.evidence_transition(evidence=evidence, to=EvidenceStatus.EXPIRED, by=approver)
    if outcome == SUPERSEDED:
        services.evidence_transition(evidence=evidence, to=EvidenceStatus.SUPERSEDED, by=approver)
    return True


@transaction.atomic
def demo_load(*, site, staff, approver, today: dt.date) -> dict[str, int]:
    """Standards, evidence, exclusions, certificates, audits and today's reminders for the demo plant."""
    owner = staff
    created = {"standards": services.standards_load_shipped()["standards"], "evidence": 0, "certificates": 0}
    for title, clauses, outcome, review, expiry in EVIDENCE:
        if _evidence(
            title=title,
            clauses=clauses,
            outcome=outcome,
            review=review,
            expiry=expiry,
            today=today,
            owner=owner,
            approver=approver,
        ):
            created["evidence"] += 1
    for label, number, justification in EXCLUSIONS:
        clause = _clause(label, number)
        if not ClauseExclusion.objects.filter(clause=clause, site=site).exists():
            services.clause_exclude(clause=clause, site=site, justification=justification, by=owner)
    for label, body, number, days_ago, years, status in CERTIFICATES:
        if Certificate.objects.filter(certification_body=body, number=number).exists():
            continue
        code, _sep, edition = label.rpartition(":")
        standard = Standard.objects.get(code=code, edition=edition)
        issued = today - dt.timedelta(days=days_ago)
        file_title = f"{label} certificate {number}"
        _evidence(
            title=file_title,
            clauses=[],
            outcome=APPROVED,
            review=None,
            expiry=None,
            today=today,
            owner=owner,
            approver=approver,
        )
        certificate = services.certificate_create(
            standard=standard,
            certification_body=body,
            number=number,
            scope="Recycling of spent EV power batteries: reception, discharge, disassembly, crushing and "
            "separation into black mass, copper, aluminium and plastics.",
            sites=[site],
            owner=owner,
            by=owner,
            issued_on=issued,
            expires_on=issued.replace(year=issued.year + years),
            status=CertificateStatus.CERTIFIED,
            evidence=Evidence.objects.get(title=file_title),
        )
        for audit in certificate.surveillance_audits.filter(due_on__lt=today):
            services.surveillance_audit_record(
                audit=audit, done_on=audit.due_on + dt.timedelta(days=3), by=owner
            )
        if status != CertificateStatus.CERTIFIED:
            services.certificate_set_status(certificate=certificate, status=status, by=approver)
        created["certificates"] += 1
    created["audits"] = demo_audits_load(site=site, staff=staff, approver=approver, today=today)
    created["risks"] = demo_risks_load(site=site, staff=staff, today=today)  # aspects, hazards, incidents
    created["risks_objectives"] = demo_objectives_load(site=site, staff=staff, today=today)
    created["obligations"] = demo_obligations_load(site=site, staff=staff, today=today)
    created["green_factory"] = demo_green_factory_load(site=site, staff=staff, approver=approver, today=today)
    created["material_balance"] = demo_material_balance_load(
        site=site, staff=staff, approver=approver, today=today
    )
    created["seal"] = _demo_seal(organisation=site.organisation.name)
    services.reminders_send_daily(today=today)
    return created


def _demo_seal(*, organisation: str) -> int:
    """A throwaway dossier authority for the demo, unless one is configured (never replaced)."""
    if sealing.authority().cert(sealing.ROOT).exists():
        return 0
    sealing.create_authority(sealing.authority().directory, organisation=organisation)
    return 1
