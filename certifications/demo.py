"""Demo evidence and certificates for the demo plant, so the coverage page tells a story.

Every standard has approved evidence; some of it is expiring or expired, some clauses are missing,
one is not applicable, and the ISO 45001 certificate is suspended. Idempotent: items are looked up
by their natural keys first, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.db import transaction

from . import services
from .models import (
    Certificate,
    CertificateStatus,
    Clause,
    ClauseExclusion,
    Evidence,
    EvidenceStatus,
    Standard,
)

HS = ("ISO 9001:2015", "ISO 14001:2015", "ISO 45001:2018", "ISO 50001:2018")
APPROVED, EXPIRED, EXPIRING, IN_REVIEW, DRAFT, SUPERSEDED = (
    "approved",
    "expired",
    "expiring",
    "in_review",
    "draft",
    "superseded",
)


def _hs(*numbers: str) -> list[tuple[str, str]]:
    return [(label, n) for label in HS for n in numbers]


# title, clauses (standard label, number), outcome, review in days, expiry in days (None: no expiry)
EVIDENCE: list[tuple[str, list[tuple[str, str]], str, int | None, int | None]] = [
    (
        "Quality manual and QMS scope statement",
        [("ISO 9001:2015", "4.3"), ("ISO 9001:2015", "4.4")],
        APPROVED,
        200,
        None,
    ),
    ("Context and interested-parties register 2026", _hs("4.1", "4.2"), APPROVED, 20, None),
    (
        "Scope statements: environment, OH&S and energy",
        [
            ("ISO 14001:2015", "4.3"),
            ("ISO 14001:2015", "4.4"),
            ("ISO 45001:2018", "4.3"),
            ("ISO 45001:2018", "4.4"),
            ("ISO 50001:2018", "4.3"),
            ("ISO 50001:2018", "4.4"),
        ],
        APPROVED,
        300,
        None,
    ),
    ("Integrated management policy", _hs("5.1", "5.2"), APPROVED, 150, None),
    (
        "Organisation chart and responsibility matrix",
        [*_hs("5.3"), ("IATF 16949:2016", "5.3"), ("IATF 16949:2016", "5.1.1.1")],
        APPROVED,
        120,
        None,
    ),
    (
        "Risk and opportunity register",
        [
            *_hs("6.1"),
            ("ISO 14001:2015", "6.1.1"),
            ("ISO 14001:2015", "6.1.4"),
            ("ISO 45001:2018", "6.1.4"),
            ("IATF 16949:2016", "6.1"),
            ("IATF 16949:2016", "6.1.2.3"),
        ],
        EXPIRING,
        10,
        40,
    ),
    ("Objectives and targets 2026", [*_hs("6.2"), ("ISO 9001:2015", "6.3")], APPROVED, 90, 400),
    (
        "Resource plan and infrastructure maintenance records",
        [*_hs("7.1"), ("IATF 16949:2016", "7.1"), ("IATF 16949:2016", "8.5.1.5")],
        APPROVED,
        180,
        None,
    ),
    (
        "Training matrix and competence records",
        [
            *_hs("7.2", "7.3"),
            ("IATF 16949:2016", "7.2"),
            ("IATF 16949:2016", "7.2.3"),
            ("IATF 16949:2016", "7.3"),
        ],
        APPROVED,
        60,
        300,
    ),
    ("Communication procedure", [*_hs("7.4"), ("IATF 16949:2016", "7.4")], APPROVED, 240, None),
    (
        "Document control procedure",
        [*_hs("7.5"), ("IATF 16949:2016", "7.5"), ("ISO 14064-1:2018", "8.2")],
        APPROVED,
        200,
        None,
    ),
    (
        "Operational control procedures: disassembly and crushing lines",
        [*_hs("8.1"), ("ISO 9001:2015", "8.5"), ("IATF 16949:2016", "8.1"), ("IATF 16949:2016", "8.5")],
        APPROVED,
        100,
        None,
    ),
    (
        "Customer requirements review records",
        [("ISO 9001:2015", "8.2"), ("IATF 16949:2016", "8.2")],
        APPROVED,
        200,
        None,
    ),
    (
        "Release inspection and nonconforming output records",
        [
            ("ISO 9001:2015", "8.6"),
            ("ISO 9001:2015", "8.7"),
            ("IATF 16949:2016", "8.6"),
            ("IATF 16949:2016", "8.7"),
        ],
        APPROVED,
        150,
        365,
    ),
    (
        "Supplier and recycler evaluation records",
        [
            ("ISO 9001:2015", "8.4"),
            ("IATF 16949:2016", "8.4"),
            ("IATF 16949:2016", "8.4.2.3"),
            ("ISO 50001:2018", "8.3"),
            ("ISO 45001:2018", "8.1.4"),
        ],
        APPROVED,
        45,
        200,
    ),
    (
        "Monitoring and measurement plan",
        [*_hs("9.1"), ("IATF 16949:2016", "9.1"), ("IATF 16949:2016", "9.1.1.1")],
        APPROVED,
        120,
        None,
    ),
    (
        "Internal audit report 2025",
        [
            *_hs("9.2"),
            ("IATF 16949:2016", "9.2"),
            ("IATF 16949:2016", "9.2.2.2"),
            ("IATF 16949:2016", "9.2.2.3"),
        ],
        APPROVED,
        30,
        330,
    ),
    ("Management review minutes 2025", [*_hs("9.3"), ("IATF 16949:2016", "9.3")], EXPIRED, None, -20),
    (
        "Corrective action log",
        [
            ("ISO 9001:2015", "10.1"),
            ("ISO 9001:2015", "10.2"),
            ("ISO 14001:2015", "10.1"),
            ("ISO 14001:2015", "10.2"),
            ("ISO 45001:2018", "10.1"),
            ("ISO 45001:2018", "10.2"),
            ("ISO 50001:2018", "10.1"),
            ("IATF 16949:2016", "10.2"),
            ("IATF 16949:2016", "10.2.3"),
        ],
        APPROVED,
        60,
        None,
    ),
    (
        "Continual improvement programme",
        [
            ("ISO 9001:2015", "10.3"),
            ("ISO 14001:2015", "10.3"),
            ("ISO 45001:2018", "10.3"),
            ("ISO 50001:2018", "10.2"),
        ],
        APPROVED,
        200,
        None,
    ),
    ("Environmental aspects and impacts register", [("ISO 14001:2015", "6.1.2")], APPROVED, 25, 365),
    (
        "Compliance obligations register and evaluation",
        [
            ("ISO 14001:2015", "6.1.3"),
            ("ISO 14001:2015", "9.1.2"),
            ("ISO 45001:2018", "6.1.3"),
            ("ISO 45001:2018", "9.1.2"),
            ("GB/T 36132:2025", "4.1"),
        ],
        EXPIRING,
        5,
        30,
    ),
    (
        "Hazardous waste disposal contract with a licensed contractor",
        [("ISO 14001:2015", "8.1"), ("GB/T 36132:2025", "5.3.2")],
        EXPIRED,
        None,
        -45,
    ),
    (
        "Emergency response plan and drill records",
        [("ISO 14001:2015", "8.2"), ("ISO 45001:2018", "8.2")],
        APPROVED,
        80,
        300,
    ),
    (
        "Hazard identification and risk assessment: disassembly line",
        [("ISO 45001:2018", "6.1.2"), ("ISO 45001:2018", "8.1.2")],
        APPROVED,
        90,
        None,
    ),
    ("Management of change procedure", [("ISO 45001:2018", "8.1.3")], APPROVED, 300, None),
    ("Worker consultation committee minutes", [("ISO 45001:2018", "5.4")], IN_REVIEW, 14, 180),
    (
        "Energy review 2025",
        [
            ("ISO 50001:2018", "6.3"),
            ("ISO 50001:2018", "6.4"),
            ("ISO 50001:2018", "6.5"),
            ("GB/T 36132:2025", "5.1.1"),
        ],
        APPROVED,
        100,
        365,
    ),
    ("Energy data collection plan", [("ISO 50001:2018", "6.6")], DRAFT, 7, None),
    (
        "Energy-efficient design criteria for the phase II line",
        [("ISO 50001:2018", "8.2")],
        APPROVED,
        250,
        None,
    ),
    (
        "GHG inventory report 2025",
        [
            ("ISO 14064-1:2018", n)
            for n in (
                "5.1",
                "5.2",
                "5.2.1",
                "5.2.2",
                "5.2.3",
                "5.2.4",
                "6.1",
                "6.2",
                "6.3",
                "6.4",
                "9.1",
                "9.2",
                "9.3",
            )
        ]
        + [("GB/T 36132:2025", "5.1.3")],
        APPROVED,
        120,
        420,
    ),
    (
        "GHG data management procedure and uncertainty assessment",
        [("ISO 14064-1:2018", "8.1"), ("ISO 14064-1:2018", "8.3")],
        APPROVED,
        200,
        None,
    ),
    ("Third-party verification statement 2025", [("ISO 14064-1:2018", "10")], EXPIRED, None, -5),
    (
        "Product carbon footprint study: black mass",
        [("ISO 14067:2018", n) for n in ("5", "6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "7")]
        + [("GB/T 36132:2025", "5.4.2")],
        APPROVED,
        150,
        500,
    ),
    (
        "Carbon neutrality commitment and management plan",
        [("ISO 14068-1:2023", "7.1"), ("ISO 14068-1:2023", "7.2"), ("ISO 14068-1:2023", "6")],
        IN_REVIEW,
        20,
        None,
    ),
    (
        "Carbon footprint for carbon neutrality (2025 base year)",
        [("ISO 14068-1:2023", "8"), ("ISO 14068-1:2023", "5")],
        APPROVED,
        100,
        400,
    ),
    (
        "PAS 2060 qualifying explanatory statement 2023",
        [("PAS 2060:2014", n) for n in ("5", "6", "7", "8", "9", "10", "11")],
        SUPERSEDED,
        None,
        None,
    ),
    (
        "Control plan: battery pack disassembly",
        [("IATF 16949:2016", "8.5.1.1"), ("IATF 16949:2016", "8.3.3.3"), ("IATF 16949:2016", "4.4.1.2")],
        APPROVED,
        60,
        None,
    ),
    ("Measurement systems analysis study", [("IATF 16949:2016", "7.1.5.1.1")], EXPIRED, None, -60),
    ("Customer-specific requirements matrix", [("IATF 16949:2016", "4.3.2")], DRAFT, 10, None),
    (
        "Pollutant discharge permit",
        [("GB/T 36132:2025", "4.1"), ("GB/T 36132:2025", "4.2")],
        APPROVED,
        300,
        700,
    ),
    (
        "Safety and environmental incident record, last three years",
        [("GB/T 36132:2025", "4.3")],
        APPROVED,
        200,
        None,
    ),
    ("Management system certificates (summary)", [("GB/T 36132:2025", "4.4")], APPROVED, 100, None),
    ("Renewable electricity purchase agreement", [("GB/T 36132:2025", "5.1.2")], APPROVED, 150, 250),
    (
        "Water balance test report",
        [("GB/T 36132:2025", "5.2.1"), ("GB/T 36132:2025", "5.2.3")],
        EXPIRED,
        None,
        -10,
    ),
    ("Solid waste utilisation ledger", [("GB/T 36132:2025", "5.2.2")], APPROVED, 50, 55),
    ("Stack emission monitoring reports", [("GB/T 36132:2025", "5.3.1")], APPROVED, 40, 120),
    (
        "Land use certificate and site plan",
        [("GB/T 36132:2025", "5.5.1"), ("GB/T 36132:2025", "5.5.2")],
        APPROVED,
        365,
        None,
    ),
]

EXCLUSIONS = [
    (
        "ISO 9001:2015",
        "8.3",
        "Recovered materials are produced to customer specifications; the plant does not design products.",
    ),
    ("IATF 16949:2016", "8.3", "No product design responsibility at this site."),
    ("IATF 16949:2016", "8.3.3.3", "Special characteristics are defined by the customer's control plan."),
    ("ISO 14068-1:2023", "10.1", "No carbon credits are used: residual emissions are not yet offset."),
]

CERTIFICATES = [
    # standard, body, number, issued days ago, valid years, status
    (
        "ISO 9001:2015",
        "China Quality Certification Centre (CQC)",
        "00125Q31234R1M",
        420,
        3,
        CertificateStatus.CERTIFIED,
    ),
    (
        "ISO 14001:2015",
        "China Quality Certification Centre (CQC)",
        "00125E30567R1M",
        1070,
        3,
        CertificateStatus.CERTIFIED,
    ),
    (
        "ISO 45001:2018",
        "China Quality Certification Centre (CQC)",
        "00125S20890R0M",
        300,
        3,
        CertificateStatus.SUSPENDED,
    ),
]


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
    """Standards, evidence, exclusions, certificates and today's reminders for the demo plant."""
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
    services.reminders_send_daily(today=today)
    return created
