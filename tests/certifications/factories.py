"""Factories and service-driven helpers for certifications tests: state is set up as users would."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from certifications import services
from certifications.models import Clause, Evidence, EvidenceStatus, Standard
from certifications.models.standards import standard_sort_key
from tests.factories import UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TODAY = dt.date(2026, 6, 1)


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Standard
        django_get_or_create = ("code", "edition")

    code = factory.Sequence(lambda n: f"TS {n}")
    edition = "2020"
    title = factory.LazyAttribute(lambda s: f"Test standard {s.code}")
    title_zh = "测试标准"
    sort_key = factory.LazyAttribute(lambda s: standard_sort_key(code=s.code, edition=s.edition))


class ClauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clause

    standard = factory.SubFactory(StandardFactory)
    number = factory.Sequence(lambda n: f"{n + 1}")
    title = factory.Sequence(lambda n: f"Clause title {n}")
    title_zh = factory.Sequence(lambda n: f"条款 {n}")
    position = factory.Sequence(lambda n: n)


def pdf_upload(name: str = "report.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def second_person():
    """A reviewer other than the author: approval by a second person is the default."""
    return UserFactory()


def make_evidence(
    *,
    owner,
    approver=None,
    clauses=(),
    sites=(),
    status: str = EvidenceStatus.APPROVED,
    expiry_date: dt.date | None = None,
    review_date: dt.date | None = None,
    title: str = "Internal audit report",
    today: dt.date = TODAY,
) -> Evidence:
    """An evidence item taken through the real workflow up to ``status``."""
    evidence = services.evidence_create(
        title=title,
        owner=owner,
        by=owner,
        clauses=clauses,
        sites=sites,
        expiry_date=expiry_date,
        review_date=review_date,
    )
    if status == EvidenceStatus.DRAFT:
        return evidence
    services.evidence_revision_add(evidence=evidence, file=BytesIO(PDF_BYTES), name="file.pdf", by=owner)
    services.evidence_transition(evidence=evidence, to=EvidenceStatus.IN_REVIEW, by=owner, today=today)
    if status == EvidenceStatus.IN_REVIEW:
        return evidence
    approved_on = min(today, expiry_date) if expiry_date else today
    approver = approver or second_person()
    evidence = services.evidence_transition(
        evidence=evidence, to=EvidenceStatus.APPROVED, by=approver, today=approved_on
    )
    if status in (EvidenceStatus.EXPIRED, EvidenceStatus.SUPERSEDED):
        evidence = services.evidence_transition(evidence=evidence, to=status, by=approver, today=today)
    return evidence
