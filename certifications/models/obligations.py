"""Compliance obligations (ISO 14001 / 45001 6.1.3, ISO 50001 legal requirements) and the
evaluations of compliance against them (9.1.2).

An obligation's status is derived, never stored: superseded once it points to its successor,
repealed once its repeal date has passed, in force otherwise. Its next evaluation is due one review
period after the last one (or from its effective date when never evaluated).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from greenfactory.core.validators import validate_plausible_date

from .evidence import Evidence
from .findings import Finding
from .registers import RegisterEntry


class ObligationSource(models.TextChoices):
    LAW = "law", _("Law")
    REGULATION = "regulation", _("Regulation")
    NATIONAL_STANDARD = "national_standard", _("National standard")
    SECTOR_STANDARD = "sector_standard", _("Sector standard")
    PERMIT_CONDITION = "permit_condition", _("Permit condition")
    CUSTOMER = "customer", _("Customer requirement")
    INDUSTRY = "industry", _("Industry requirement")


class ObligationStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    REPEALED = "repealed", _("Repealed")
    SUPERSEDED = "superseded", _("Superseded")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


class Obligation(RegisterEntry):
    """One compliance obligation: a law, regulation, standard, permit condition or other requirement."""

    source_type = models.CharField(_("source"), max_length=20, choices=ObligationSource.choices)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    article = models.CharField(_("article or clause"), max_length=200, blank=True)
    effective_on = models.DateField(
        _("effective from"), null=True, blank=True, validators=[validate_plausible_date]
    )
    repealed_on = models.DateField(
        _("repealed on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    processes = models.TextField(_("processes it applies to"), blank=True)
    review_months = models.PositiveSmallIntegerField(
        _("review frequency (months)"), default=12, help_text=_("How often compliance is evaluated.")
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    permit = models.ForeignKey(
        "certifications.Permit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conditions",
        verbose_name=_("permit"),
        help_text=_("For a permit condition: the permit it belongs to."),
    )

    list_url_name = "obligation-list"

    class Meta(RegisterEntry.Meta):
        verbose_name = _("compliance obligation")
        verbose_name_plural = _("compliance obligations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(repealed_on__isnull=True)
                | models.Q(effective_on__isnull=True)
                | models.Q(repealed_on__gte=models.F("effective_on")),
                name="obligation_repeal_after_effect",
            ),
            models.CheckConstraint(
                condition=models.Q(review_months__gte=1), name="obligation_review_months_positive"
            ),
        ]

    def status_on(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.superseded_by_id is not None:
            return ObligationStatus.SUPERSEDED
        if self.repealed_on is not None and self.repealed_on <= today:
            return ObligationStatus.REPEALED
        return ObligationStatus.IN_FORCE

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return str(ObligationStatus(self.status).label)

    def next_evaluation_due(self, last: dt.date | None) -> dt.date | None:
        """One review period after ``last`` (the latest evaluation), or the effective date when
        never evaluated; None for an obligation no longer in force."""
        if self.status != ObligationStatus.IN_FORCE:
            return None
        if last is None:
            return self.effective_on or self.created_at.date()
        return add_months(last, self.review_months)


class EvaluationResult(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    NOT_COMPLIANT = "not_compliant", _("Not compliant")
    NOT_YET_APPLICABLE = "not_applicable", _("Not yet applicable")


class ComplianceEvaluation(models.Model):
    """One evaluation of compliance with an obligation; a failed one carries its finding."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("obligation")
    )
    evaluated_on = models.DateField(_("evaluated on"), validators=[validate_plausible_date])
    result = models.CharField(_("result"), max_length=16, choices=EvaluationResult.choices)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("evaluated by")
    )
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="compliance_evaluations", verbose_name=_("evidence records")
    )
    notes = models.TextField(_("notes"), blank=True)
    finding = models.OneToOneField(
        Finding,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compliance_evaluation",
        verbose_name=_("finding"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[evidence])

    class Meta:
        ordering = ["obligation", "-evaluated_on", "-pk"]
        verbose_name = _("evaluation of compliance")
        verbose_name_plural = _("evaluations of compliance")
        indexes = [models.Index(fields=["obligation", "evaluated_on"])]

    def __str__(self) -> str:
        return f"{self.obligation.reference} {self.evaluated_on} {self.get_result_display()}"
