"""Evidence requests: an invited auditor asks for evidence against a clause of their audit (the
portal's one write), and the plant answers by linking evidence to that clause, or declines with a
reason. Open -> answered or declined; nothing moves on from there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError, TransitionNotAllowed
from greenfactory.core.validators import date_is_plausible

from ..models import (
    Audit,
    AuditInvitation,
    Clause,
    Evidence,
    EvidenceRequest,
    EvidenceRequestStatus,
    InvitationStatus,
    PortalAction,
)
from ..models.evidence_requests import TEXT_MAX_LENGTH
from ..selectors.evidence_requests import request_owner
from ..selectors.portal import scope_evidence, scope_of
from ._common import history_by
from .evidence import evidence_link_clauses
from .portal import portal_access_record

S = EvidenceRequestStatus
TRANSITIONS: dict[str, set[str]] = {S.OPEN: {S.ANSWERED, S.DECLINED}, S.ANSWERED: set(), S.DECLINED: set()}


class OutOfScope(DomainError):
    """The invitation is not the auditor's or not in force, or the clause is outside its scope:
    answered like an id that does not exist."""

    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class RequestLimitReached(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "too_many_requests"


def _clean_text(text: str, *, field: str, missing: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(missing, field=field)
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(_("Keep it under %(limit)s characters.") % {"limit": TEXT_MAX_LENGTH}, field=field)
    return text


def _check_due(due_on: dt.date | None) -> None:
    if due_on is None:
        return
    if not date_is_plausible(due_on):
        raise DomainError(_("Enter a plausible date."), field="due_on")
    if due_on < timezone.localdate():
        raise DomainError(_("The date wanted cannot be in the past."), field="due_on")


def _check_rate(*, by: User, now: dt.datetime) -> None:
    limit = settings.PORTAL_EVIDENCE_REQUESTS_PER_HOUR
    recent = EvidenceRequest.objects.filter(requested_by=by, requested_at__gt=now - dt.timedelta(hours=1))
    if recent.count() >= limit:
        raise RequestLimitReached(
            _("You have made %(limit)s requests in the last hour; please wait a while before the next.")
            % {"limit": limit}
        )


@transaction.atomic
def evidence_request_create(
    *,
    invitation: AuditInvitation,
    clause: Clause,
    text: str,
    due_on: dt.date | None,
    by: User,
    path: str,
    remote_address: str | None = None,
) -> EvidenceRequest:
    """``by`` asks through ``invitation`` for evidence against ``clause``. Refused unless the
    invitation is theirs and in force (re-read under its lock), the clause is in its scope, the text
    is given, and they made fewer than PORTAL_EVIDENCE_REQUESTS_PER_HOUR requests in the last hour.
    Numbered within the audit, given to ``request_owner``, logged as a portal request."""
    invitation = AuditInvitation.objects.select_for_update().get(pk=invitation.pk)
    now = timezone.now()
    if invitation.auditor_id != by.pk or invitation.status_at(now) != InvitationStatus.IN_FORCE:
        raise OutOfScope(_("Not found."))
    scope = scope_of(invitation)
    if clause.pk not in scope.clause_ids:
        raise OutOfScope(_("Not found."))
    text = _clean_text(text, field="text", missing=_("Say what evidence you need."))
    _check_due(due_on)
    _check_rate(by=by, now=now)
    # The audit's row lock numbers requests made at once through its different invitations.
    audit = Audit.objects.select_for_update().get(pk=invitation.audit_id)
    last = EvidenceRequest.objects.filter(audit=audit).aggregate(n=Max("number"))["n"] or 0
    request = EvidenceRequest(
        audit=audit,
        number=last + 1,
        invitation=invitation,
        clause=clause,
        text=text,
        due_on=due_on,
        requested_by=by,
        owner=request_owner(scope=scope, clause=clause),
    )
    history_by(request, by)
    request.save()
    portal_access_record(
        user=by,
        invitation=invitation,
        path=path,
        action=PortalAction.REQUEST,
        obj=request,
        remote_address=remote_address,
        note=f"#{request.number} {clause.standard.code} {clause.number}",
    )
    return request


def _locked(request: EvidenceRequest, to: str) -> EvidenceRequest:
    request = (
        EvidenceRequest.objects.select_for_update(of=("self",))
        .select_related("clause__standard", "invitation")
        .get(pk=request.pk)
    )
    if to not in TRANSITIONS[request.status]:
        raise TransitionNotAllowed(
            _("This request is already %(status)s.") % {"status": request.get_status_display().lower()}
        )
    return request


@transaction.atomic
def evidence_request_answer(
    *, request: EvidenceRequest, evidence: Sequence[Evidence], note: str, by: User
) -> EvidenceRequest:
    """Answer an open request with existing evidence: each item is linked to the request's clause
    (so it is in the auditor's scope) and recorded on the request with the note. Refused, with
    nothing linked, when an item would still be outside the auditor's scope (another site's or
    superseded)."""
    request = _locked(request, S.ANSWERED)
    items = list({e.pk: e for e in evidence}.values())
    if not items:
        raise DomainError(_("Choose the evidence that answers the request."), field="evidence")
    for item in items:
        evidence_link_clauses(evidence=item, clauses=[request.clause], by=by)
    visible = set(
        scope_evidence(scope_of(request.invitation))
        .filter(pk__in=[e.pk for e in items])
        .values_list("pk", flat=True)
    )
    hidden = [e for e in items if e.pk not in visible]
    if hidden:
        # Raised inside the transaction: the links just made are rolled back with it.
        raise DomainError(
            _(
                "The auditor could not open %(titles)s (another site's, or superseded); choose evidence of the audit's sites."
            )
            % {"titles": ", ".join(e.local_title for e in hidden)},
            field="evidence",
        )
    request.status = S.ANSWERED
    request.note = note.strip()[:TEXT_MAX_LENGTH]
    request.answered_by = by
    request.answered_at = timezone.now()
    history_by(request, by)
    request.save(update_fields=["status", "note", "answered_by", "answered_at"])
    request.evidence.set(items)
    return request


@transaction.atomic
def evidence_request_decline(*, request: EvidenceRequest, reason: str, by: User) -> EvidenceRequest:
    """Decline an open request; the reason is required and shown to the auditor."""
    request = _locked(request, S.DECLINED)
    request.decline_reason = _clean_text(
        reason, field="reason", missing=_("Say why the request is declined.")
    )
    request.status = S.DECLINED
    request.answered_by = by
    request.answered_at = timezone.now()
    history_by(request, by)
    request.save(update_fields=["status", "decline_reason", "answered_by", "answered_at"])
    return request
