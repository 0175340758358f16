"""Evidence requests: what an invited auditor asks the plant to provide against a clause of their
audit, and how the plant answered. An audit's requests are its PBC ("provided by client") list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .audits import Audit
from .evidence import Evidence
from .portal import AuditInvitation
from .standards import Clause

# The longest request, answer note or reason accepted, in characters.
TEXT_MAX_LENGTH = 2000


class EvidenceRequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("Declined")


class EvidenceRequest(models.Model):
    """One request of an auditor, made through an invitation in force, for evidence against an
    in-scope clause of the invited audit. It lands with ``owner``; it is answered by linking
    evidence to the clause, or declined with a reason. Changes go through the request services."""

    audit = models.ForeignKey(
        Audit, on_delete=models.PROTECT, related_name="evidence_requests", verbose_name=_("audit")
    )
    number = models.PositiveIntegerField(_("number"))
    invitation = models.ForeignKey(
        AuditInvitation,
        on_delete=models.PROTECT,
        related_name="evidence_requests",
        verbose_name=_("invitation"),
    )
    clause = models.ForeignKey(
        Clause, on_delete=models.PROTECT, related_name="evidence_requests", verbose_name=_("clause")
    )
    text = models.TextField(_("request"))
    due_on = models.DateField(_("wanted by"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evidence_requests_owned",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EvidenceRequestStatus.choices, default=EvidenceRequestStatus.OPEN
    )
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="evidence_requests", verbose_name=_("evidence provided")
    )
    note = models.TextField(_("answer"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[evidence])

    class Meta:
        ordering = ["audit", "number"]
        verbose_name = _("evidence request")
        verbose_name_plural = _("evidence requests")
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="evidence_request_number_per_audit"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in EvidenceRequestStatus]),
                name="evidence_request_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(answered_by__isnull=False) & Q(answered_at__isnull=False)),
                name="evidence_request_closed_has_author",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="evidence_request_declined_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return f"{self.audit_id} #{self.number}"

    @property
    def label(self) -> str:
        return f"{self.audit.reference} #{self.number}"
