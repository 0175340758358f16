"""Writes of certificates and their surveillance audits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import AlreadyExists, DomainError, TransitionNotAllowed
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site

from ..models import Certificate, CertificateStatus, Evidence, Standard, SurveillanceAudit
from ._common import UNSET, Unset, history_by

C = CertificateStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    C.PLANNED: frozenset({C.IN_PROGRESS, C.WITHDRAWN}),
    C.IN_PROGRESS: frozenset({C.CERTIFIED, C.WITHDRAWN}),
    C.CERTIFIED: frozenset({C.SUSPENDED, C.WITHDRAWN, C.EXPIRED}),
    C.SUSPENDED: frozenset({C.CERTIFIED, C.WITHDRAWN, C.EXPIRED}),
    C.WITHDRAWN: frozenset(),
    C.EXPIRED: frozenset(),
}
EDITABLE_FIELDS = ("certification_body", "number", "scope", "issued_on", "expires_on", "owner", "evidence")


def certificate_check(*, certificate: Certificate) -> None:
    """Raise DomainError (or AlreadyExists) when a certificate's fields break a rule; writes nothing."""
    for field in ("issued_on", "expires_on"):
        day = getattr(certificate, field)
        if day is not None and not date_is_plausible(day):
            raise DomainError(str(DATE_OUT_OF_RANGE), field=field)
    if certificate.issued_on and certificate.expires_on and certificate.expires_on <= certificate.issued_on:
        raise DomainError(_("The certificate must expire after it was issued."), field="expires_on")
    if certificate.status == C.CERTIFIED and not (certificate.issued_on and certificate.expires_on):
        raise DomainError(_("A certified certificate needs its issue and expiry dates."), field="expires_on")
    clash = Certificate.objects.filter(
        certification_body=certificate.certification_body, number=certificate.number
    ).exclude(pk=certificate.pk)
    if clash.exists():
        raise AlreadyExists(_("This certification body already has a certificate with this number."))


def _save(certificate: Certificate, *, by: User | None) -> None:
    certificate_check(certificate=certificate)
    history_by(certificate, by)
    certificate.full_clean(exclude=["sites"], validate_unique=False)
    certificate.save()


def _yearly(issued_on: dt.date, expires_on: dt.date) -> list[dt.date]:
    dates: list[dt.date] = []
    year = 1
    while True:
        try:
            due = issued_on.replace(year=issued_on.year + year)
        except ValueError:  # 29 February
            due = issued_on.replace(year=issued_on.year + year, day=28)
        if due >= expires_on:
            return dates
        dates.append(due)
        year += 1


@transaction.atomic
def certificate_create(
    *,
    standard: Standard,
    certification_body: str,
    number: str,
    scope: str,
    sites: Iterable[Site],
    owner: User,
    by: User | None,
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    status: str = C.PLANNED,
    evidence: Evidence | None = None,
    surveillance_dates: Iterable[dt.date] | None = None,
) -> Certificate:
    """Record a certificate. Without surveillance dates (None or none given), one surveillance audit
    a year is planned between issue and expiry (the usual three-year cycle gives two)."""
    sites = list(sites)
    if not sites:
        raise DomainError(_("Choose at least one site."), field="sites")
    planned = sorted(set(surveillance_dates or ()))
    if any(not date_is_plausible(due) for due in planned):
        raise DomainError(str(DATE_OUT_OF_RANGE), field="surveillance_dates")
    certificate = Certificate(
        standard=standard,
        certification_body=certification_body.strip(),
        number=number.strip(),
        scope=scope,
        issued_on=issued_on,
        expires_on=expires_on,
        status=status,
        owner=owner,
        evidence=evidence,
    )
    _save(certificate, by=by)
    certificate.sites.set(sites)
    if not planned and issued_on and expires_on:
        planned = _yearly(issued_on, expires_on)
    for due in planned:
        SurveillanceAudit.objects.create(certificate=certificate, due_on=due)
    return certificate


@transaction.atomic
def certificate_update(
    *,
    certificate: Certificate,
    by: User | None,
    certification_body: str | Unset = UNSET,
    number: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    issued_on: dt.date | None | Unset = UNSET,
    expires_on: dt.date | None | Unset = UNSET,
    owner: User | Unset = UNSET,
    evidence: Evidence | None | Unset = UNSET,
    sites: Iterable[Site] | None = None,
) -> Certificate:
    """Change a certificate's descriptive fields and sites; a field left out stays as it is (its
    status goes through certificate_set_status)."""
    if not isinstance(certification_body, Unset):
        certificate.certification_body = certification_body
    if not isinstance(number, Unset):
        certificate.number = number
    if not isinstance(scope, Unset):
        certificate.scope = scope
    if not isinstance(issued_on, Unset):
        certificate.issued_on = issued_on
    if not isinstance(expires_on, Unset):
        certificate.expires_on = expires_on
    if not isinstance(owner, Unset):
        certificate.owner = owner
    if not isinstance(evidence, Unset):
        certificate.evidence = evidence
    _save(certificate, by=by)
    if sites is not None:
        sites = list(sites)
        if not sites:
            raise DomainError(_("Choose at least one site."), field="sites")
        certificate.sites.set(sites)
    return certificate


@transaction.atomic
def certificate_set_status(*, certificate: Certificate, status: str, by: User | None) -> Certificate:
    """Move a certificate through its life: planned, in progress, certified, then suspended,
    withdrawn or expired. A suspended, withdrawn or expired certificate flags the clauses of its
    standard at its sites on the coverage page."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if status not in TRANSITIONS.get(certificate.status, ()):
        raise TransitionNotAllowed(
            _("A certificate cannot go from “%(from)s” to “%(to)s”.")
            % {"from": C(certificate.status).label, "to": C(status).label if status in C.values else status}
        )
    certificate.status = status
    _save(certificate, by=by)
    return certificate


@transaction.atomic
def certificates_expire_due(*, today: dt.date, by: User | None = None) -> int:
    """Certified or suspended certificates past their expiry date become expired. Returns the count."""
    changed = 0
    for certificate in Certificate.objects.filter(
        status__in=[C.CERTIFIED, C.SUSPENDED], expires_on__lt=today
    ):
        certificate_set_status(certificate=certificate, status=C.EXPIRED, by=by)
        changed += 1
    return changed


@transaction.atomic
def surveillance_audit_record(
    *, audit: SurveillanceAudit, done_on: dt.date, by: User | None, note: str = ""
) -> SurveillanceAudit:
    """Record that a surveillance audit took place (on a date in the plausible range)."""
    if not date_is_plausible(done_on):
        raise DomainError(str(DATE_OUT_OF_RANGE), field="done_on")
    audit.done_on = done_on
    if note:
        audit.note = note
    audit.full_clean()
    audit.save()
    return audit
