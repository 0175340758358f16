"""Writes of permits and licences. Their conditions are obligations (``services.obligations``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import AlreadyExists, DomainError
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site

from ..models import Clause, Evidence, Permit, PermitKind
from ._common import check_version, history_by

PERMIT_FIELDS = (
    "reference",
    "title",
    "title_zh",
    "kind",
    "number",
    "issuer",
    "scope",
    "issued_on",
    "expires_on",
    "reminder_days",
    "revoked_on",
    "owner",
    "notes",
)


def _check(permit: Permit) -> None:
    for name, message in (
        ("reference", _("Give the permit a reference.")),
        ("title", _("Give the permit a title.")),
        ("number", _("Give the permit's number.")),
        ("issuer", _("Name who issued the permit.")),
    ):
        if not getattr(permit, name).strip():
            raise DomainError(message, field=name)
    if permit.kind not in PermitKind.values:
        raise DomainError(_("Choose a valid kind."), field="kind")
    for name in ("issued_on", "expires_on", "revoked_on"):
        day = getattr(permit, name)
        if day is not None and not date_is_plausible(day):
            raise DomainError(str(DATE_OUT_OF_RANGE), field=name)
    if permit.issued_on and permit.expires_on and permit.expires_on < permit.issued_on:
        raise DomainError(_("The expiry date cannot be before the issue date."), field="expires_on")
    if permit.reminder_days is None or permit.reminder_days > 730:
        raise DomainError(_("The renewal reminder is 0 to 730 days before expiry."), field="reminder_days")
    if Permit.objects.filter(reference=permit.reference).exclude(pk=permit.pk).exists():
        raise AlreadyExists(_("Another permit has this reference."), field="reference")


def _set_links(permit: Permit, links: dict[str, Any]) -> None:
    for name, items in links.items():
        if items is not None:
            getattr(permit, name).set(list(items))


@transaction.atomic
def permit_create(
    *,
    by: User,
    reference: str,
    title: str,
    kind: str,
    number: str,
    issuer: str,
    owner: User,
    title_zh: str = "",
    scope: str = "",
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    reminder_days: int = 90,
    revoked_on: dt.date | None = None,
    notes: str = "",
    sites: Iterable[Site] | None = None,
    clauses: Iterable[Clause] | None = None,
    evidence: Iterable[Evidence] | None = None,
) -> Permit:
    """Record a permit or licence."""
    permit = Permit(
        reference=reference.strip(),
        title=title.strip(),
        title_zh=title_zh.strip(),
        kind=kind,
        number=number.strip(),
        issuer=issuer.strip(),
        scope=scope.strip(),
        issued_on=issued_on,
        expires_on=expires_on,
        reminder_days=reminder_days,
        revoked_on=revoked_on,
        owner=owner,
        notes=notes.strip(),
    )
    _check(permit)
    history_by(permit, by)
    permit.save()
    _set_links(permit, {"sites": sites, "clauses": clauses, "evidence": evidence})
    return permit


@transaction.atomic
def permit_update(
    *,
    permit: Permit,
    by: User,
    version: int | None = None,
    sites: Iterable[Site] | None = None,
    clauses: Iterable[Clause] | None = None,
    evidence: Iterable[Evidence] | None = None,
    **values: Any,
) -> Permit:
    """Change a permit from the version the editor saw (renewal: new dates and number; revocation:
    its date); an older version changes nothing (EditConflict)."""
    current = Permit.objects.select_for_update().get(pk=permit.pk)
    check_version(
        current,
        version,
        _("The permit changed since you opened it; nothing was saved. Reload it and try again."),
    )
    for name, value in values.items():
        if name not in PERMIT_FIELDS:
            raise TypeError(name)
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    _check(current)
    current.version += 1
    history_by(current, by)
    current.save()
    _set_links(current, {"sites": sites, "clauses": clauses, "evidence": evidence})
    return current
