"""The daily reminder digest: one e-mail per person a day, and the in-app notification list."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User

from ..models import (
    Audit,
    AuditStatus,
    CapaState,
    Certificate,
    CertificateStatus,
    CorrectiveAction,
    Evidence,
    EvidenceRequestStatus,
    EvidenceStatus,
    Reminder,
    ReminderKind,
    SurveillanceAudit,
)


@dataclass(frozen=True)
class _Due:
    recipient_id: int
    kind: str
    item_key: str
    due_on: dt.date
    subject: str
    evidence_id: int | None = None
    certificate_id: int | None = None
    finding_id: int | None = None
    audit_id: int | None = None
    obligation_id: int | None = None
    permit_id: int | None = None


def _due_items(*, today: dt.date, horizon: dt.date) -> list[_Due]:
    items: list[_Due] = []
    live = [EvidenceStatus.DRAFT, EvidenceStatus.IN_REVIEW, EvidenceStatus.APPROVED]
    for e in Evidence.objects.filter(status__in=live, review_date__lte=horizon).only(
        "id", "owner_id", "title", "review_date"
    ):
        if e.review_date is None:  # excluded by the filter; tells the type checker
            continue
        items.append(
            _Due(
                e.owner_id,
                ReminderKind.EVIDENCE_REVIEW,
                f"evidence:{e.pk}",
                e.review_date,
                e.title,
                evidence_id=e.pk,
            )
        )
    for e in Evidence.objects.filter(status=EvidenceStatus.APPROVED, expiry_date__lte=horizon).only(
        "id", "owner_id", "title", "expiry_date"
    ):
        if e.expiry_date is None:
            continue
        items.append(
            _Due(
                e.owner_id,
                ReminderKind.EVIDENCE_EXPIRY,
                f"evidence:{e.pk}",
                e.expiry_date,
                e.title,
                evidence_id=e.pk,
            )
        )
    held = [CertificateStatus.CERTIFIED, CertificateStatus.SUSPENDED]
    for c in Certificate.objects.filter(status__in=held, expires_on__lte=horizon).select_related("standard"):
        if c.expires_on is None:
            continue
        items.append(
            _Due(
                c.owner_id,
                ReminderKind.CERTIFICATE_EXPIRY,
                f"certificate:{c.pk}",
                c.expires_on,
                f"{c.standard} {c.certification_body} {c.number}",
                certificate_id=c.pk,
            )
        )
    for s in SurveillanceAudit.objects.filter(
        Q(done_on__isnull=True), due_on__lte=horizon, certificate__status__in=held
    ).select_related("certificate__standard"):
        c = s.certificate
        items.append(
            _Due(
                c.owner_id,
                ReminderKind.SURVEILLANCE,
                f"surveillance:{s.pk}",
                s.due_on,
                f"{c.standard} {c.certification_body} {c.number}",
                certificate_id=c.pk,
            )
        )
    items += _energy_target_items(today=today)
    items += _budget_overrun_items(today=today)
    items += _audit_items(horizon=horizon)
    items += _register_items(today=today, horizon=horizon)
    items += _evidence_request_items()
    return items


def _evidence_request_items() -> list[_Due]:
    """Every open evidence request, each day until it is answered or declined, for the person it
    landed with: an auditor is waiting on it. Due on the date wanted, else the day it was asked."""
    from ..selectors.evidence_requests import evidence_request_list

    items = []
    for request in evidence_request_list().filter(status=EvidenceRequestStatus.OPEN):
        clause = request.clause
        items.append(
            _Due(
                request.owner_id,
                ReminderKind.EVIDENCE_REQUEST,
                f"evidence-request:{request.pk}",
                request.due_on or timezone.localdate(request.requested_at),
                f"{request.label} · {clause.standard.code} {clause.number}: {request.text[:200]}",
            )
        )
    return items


def _register_items(*, today: dt.date, horizon: dt.date) -> list[_Due]:
    """Registers: evaluations of compliance overdue (past their next due date) for the obligation's
    owner, and permits inside their own renewal window (or expired) for the permit's owner."""
    from ..models import PermitStatus
    from ..selectors.obligations import evaluations_due
    from ..selectors.permits import permit_list

    items: list[_Due] = []
    for due in evaluations_due(horizon=today - dt.timedelta(days=1), today=today):
        ob = due.obligation
        items.append(
            _Due(
                ob.owner_id,
                ReminderKind.EVALUATION_OVERDUE,
                f"obligation:{ob.pk}",
                due.due_on,
                f"{ob.reference} {ob.title_zh or ob.title}",
                obligation_id=ob.pk,
            )
        )
    for permit in permit_list().filter(expires_on__isnull=False).exclude(revoked_on__lte=today):
        if permit.status_on(today) == PermitStatus.VALID or permit.expires_on is None:
            continue
        items.append(
            _Due(
                permit.owner_id,
                ReminderKind.PERMIT_EXPIRY,
                f"permit:{permit.pk}",
                permit.expires_on,
                f"{permit.reference} {permit.title_zh or permit.title} {permit.number}",
                permit_id=permit.pk,
            )
        )
    return items


def _audit_items(*, horizon: dt.date) -> list[_Due]:
    """Corrective-action steps due (or overdue) for their owners, and planned audits coming up for
    their lead auditors (else whoever planned them). Subjects name the record, not the step, so the
    digest's language comes from the kind alone."""
    items: list[_Due] = []
    capas = CorrectiveAction.objects.exclude(state=CapaState.CLOSED).select_related("finding")
    for capa in capas:
        due = capa.next_due_on
        if due is None or due > horizon:
            continue
        finding = capa.finding
        items.append(
            _Due(
                capa.owner_id,
                ReminderKind.CAPA_STEP,
                f"capa:{capa.pk}:{capa.state}",
                due,
                f"{finding.reference}: {finding.statement[:200]}",
                finding_id=finding.pk,
            )
        )
    for audit in Audit.objects.filter(status=AuditStatus.PLANNED, starts_on__lte=horizon):
        items.append(
            _Due(
                audit.lead_auditor_id or audit.created_by_id,
                ReminderKind.AUDIT_DUE,
                f"audit:{audit.pk}",
                audit.starts_on,
                f"{audit.reference} {audit.title}",
                audit_id=audit.pk,
            )
        )
    return items


def _energy_target_items(*, today: dt.date) -> list[_Due]:
    """Months that missed an energy target, each told once: an alert already reminded is skipped."""
    from accounting.services import baselines

    told = set(Reminder.objects.filter(kind=ReminderKind.ENERGY_TARGET).values_list("item_key", flat=True))
    items = []
    for alert in baselines.target_alerts_for_digest():
        key = f"energy-alert:{alert.pk}"
        recipient = baselines.alert_recipient_id(alert)
        if key in told or recipient is None:
            continue
        items.append(
            _Due(recipient, ReminderKind.ENERGY_TARGET, key, alert.period, baselines.alert_subject(alert))
        )
    return items


def _budget_overrun_items(*, today: dt.date) -> list[_Due]:
    """Months over their energy budget by more than its tolerance, each told once to whoever made
    the budget, worded in that person's language (the line names the figures, not a record)."""
    from accounting.selectors.budgets import budget_overruns

    told = set(Reminder.objects.filter(kind=ReminderKind.BUDGET_OVERRUN).values_list("item_key", flat=True))
    overruns = [o for o in budget_overruns(on=today) if o.budget.created_by_id is not None]
    languages = dict(
        User.objects.filter(pk__in={o.budget.created_by_id for o in overruns}).values_list("pk", "language")
    )
    items = []
    for overrun in overruns:
        key = f"energy-budget:{overrun.budget.pk}:{overrun.series_key}:{overrun.month:%Y-%m}"
        recipient = overrun.budget.created_by_id
        if key in told or recipient is None:
            continue
        with translation.override(languages.get(recipient) or settings.LANGUAGE_CODE):
            subject = overrun.subject
        items.append(_Due(recipient, ReminderKind.BUDGET_OVERRUN, key, overrun.month, subject))
    return items


def certifications_daily(*, today: dt.date) -> dict[str, int]:
    """The daily job: mark lapsed evidence and certificates expired, then send the digests.

    Not one transaction: each step commits on its own, so a mail failure for one person keeps the
    expiries and the other people's reminders. Safe to run twice a day.
    """
    from accounting.services.baselines import target_alerts_refresh

    from .certificates import certificates_expire_due
    from .evidence import evidence_expire_due

    expired_evidence = evidence_expire_due(today=today)
    expired_certificates = certificates_expire_due(today=today)
    target_alerts_refresh()
    sent = reminders_send_daily(today=today)
    return {"expired_evidence": expired_evidence, "expired_certificates": expired_certificates, **sent}


def reminders_send_daily(*, today: dt.date | None = None) -> dict[str, int]:
    """Send each owner one digest of what is due within REMINDER_LOOKAHEAD_DAYS (or overdue), and
    record each line as an in-app reminder. Running again on the same day sends nothing new: an
    item already reminded today is skipped, and the unique constraint settles any race."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=settings.REMINDER_LOOKAHEAD_DAYS)
    by_recipient: dict[int, list[_Due]] = defaultdict(list)
    for item in _due_items(today=today, horizon=horizon):
        by_recipient[item.recipient_id].append(item)
    sent = {"emails": 0, "reminders": 0}
    for recipient_id, items in by_recipient.items():
        created = _digest_for(recipient_id=recipient_id, items=items, today=today)
        if created:
            sent["emails"] += 1
            sent["reminders"] += created
    return sent


@transaction.atomic
def _digest_for(*, recipient_id: int, items: list[_Due], today: dt.date) -> int:
    recipient = User.objects.get(pk=recipient_id)
    done = set(Reminder.objects.filter(recipient=recipient, day=today).values_list("kind", "item_key"))
    new: list[Reminder] = []
    # Grouped under one heading per kind, in the order the kinds are declared.
    order = {kind: n for n, kind in enumerate(ReminderKind.values)}
    for item in sorted(items, key=lambda i: (order.get(i.kind, len(order)), i.due_on, i.item_key)):
        if (item.kind, item.item_key) in done:
            continue
        done.add((item.kind, item.item_key))
        reminder = Reminder(
            recipient=recipient,
            kind=item.kind,
            day=today,
            due_on=item.due_on,
            subject=item.subject[:300],
            item_key=item.item_key,
            evidence_id=item.evidence_id,
            certificate_id=item.certificate_id,
            finding_id=item.finding_id,
            audit_id=item.audit_id,
            obligation_id=item.obligation_id,
            permit_id=item.permit_id,
        )
        try:
            with transaction.atomic():
                reminder.save()
        except IntegrityError:  # another run recorded it first
            continue
        new.append(reminder)
    if not new:
        return 0
    if recipient.email and recipient.is_active:
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            body = render_to_string(
                "certifications/reminders/email/digest.txt",
                {"recipient": recipient, "reminders": new, "today": today},
            )
            subject = _("Green Factory: %(count)s items due") % {"count": len(new)}
        # If the mail cannot be sent the reminders roll back, so tomorrow's run tries again.
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
        Reminder.objects.filter(pk__in=[r.pk for r in new]).update(emailed_at=timezone.now())
    return len(new)


@transaction.atomic
def reminder_mark_read(*, reminder: Reminder, by: User) -> Reminder:
    """Mark one of the user's own reminders as read."""
    if reminder.recipient_id != by.pk:
        raise PermissionDenied
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])
    return reminder
