"""Audit programmes, audits, their plan and their checklists (ISO 19011, ISO/IEC 17021-1)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from greenfactory.core.localized import local_text
from greenfactory.core.validators import validate_plausible_date

from .certificates import Certificate
from .evidence import Evidence
from .standards import Clause, Standard


class AuditType(models.TextChoices):
    INTERNAL = "internal", _("Internal audit")
    SECOND_PARTY = "second_party", _("Second-party (supplier) audit")
    STAGE_1 = "stage_1", _("Certification audit, stage 1")
    STAGE_2 = "stage_2", _("Certification audit, stage 2")
    SURVEILLANCE = "surveillance", _("Surveillance audit")
    RECERTIFICATION = "recertification", _("Recertification audit")
    PROCESS = "process", _("Manufacturing process audit (IATF 16949)")
    PRODUCT = "product", _("Product audit (IATF 16949)")


# Audits a certification body runs: their majors carry the body's deadline and their action plans
# are accepted by the lead auditor.
EXTERNAL_TYPES = (AuditType.STAGE_1, AuditType.STAGE_2, AuditType.SURVEILLANCE, AuditType.RECERTIFICATION)
# Short prefixes of the audit references (IA-2026-01, SV-2026-01, ...).
REFERENCE_PREFIX = {
    AuditType.INTERNAL: "IA",
    AuditType.SECOND_PARTY: "SP",
    AuditType.STAGE_1: "S1",
    AuditType.STAGE_2: "S2",
    AuditType.SURVEILLANCE: "SV",
    AuditType.RECERTIFICATION: "RC",
    AuditType.PROCESS: "PA",
    AuditType.PRODUCT: "PR",
}


# Days after the fieldwork ends within which the report is signed off and the audit closed.
REPORT_DAYS = 30


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTING = "reporting", _("Reporting")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class AuditProgramme(models.Model):
    """One site's audit programme for one year: the audits planned, their objectives and risks."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="audit_programmes", verbose_name=_("site")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    objectives = models.TextField(_("objectives"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site__code", "-year"]
        verbose_name = _("audit programme")
        verbose_name_plural = _("audit programmes")
        constraints = [
            models.UniqueConstraint(fields=["site", "year"], name="audit_programme_unique_per_site_year"),
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2100), name="audit_programme_year"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.year}"


class Audit(models.Model):
    """An audit: its type, standards, sites, scope and criteria, period, team, plan and report."""

    programme = models.ForeignKey(
        AuditProgramme, on_delete=models.PROTECT, related_name="audits", verbose_name=_("programme")
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    audit_type = models.CharField(_("type"), max_length=20, choices=AuditType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=AuditStatus.choices, default=AuditStatus.PLANNED
    )
    standards = models.ManyToManyField(Standard, related_name="audits", verbose_name=_("standards"))
    clauses = models.ManyToManyField(
        Clause,
        blank=True,
        related_name="audits",
        verbose_name=_("clause groups"),
        help_text=_("Leave empty to audit every clause of the standards; a clause covers its sub-clauses."),
    )
    sites = models.ManyToManyField("sites.Site", related_name="audits", verbose_name=_("sites"))
    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audits",
        verbose_name=_("certificate"),
        help_text=_("The certificate an external audit keeps alive."),
    )
    certification_body = models.CharField(_("certification body"), max_length=200, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    criteria = models.TextField(_("criteria"), blank=True)
    starts_on = models.DateField(_("starts on"), validators=[validate_plausible_date])
    ends_on = models.DateField(_("ends on"), validators=[validate_plausible_date])
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits_led",
        verbose_name=_("lead auditor"),
    )
    lead_auditor_name = models.CharField(
        _("lead auditor (external)"),
        max_length=200,
        blank=True,
        help_text=_("The certification body's lead auditor, when they have no account yet."),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="audit_teams", verbose_name=_("audit team")
    )
    team_external = models.CharField(_("external team members"), max_length=500, blank=True)
    opening_meeting_at = models.DateTimeField(_("opening meeting"), null=True, blank=True)
    opening_meeting_notes = models.TextField(_("opening meeting record"), blank=True)
    closing_meeting_at = models.DateTimeField(_("closing meeting"), null=True, blank=True)
    closing_meeting_notes = models.TextField(_("closing meeting record"), blank=True)
    report_summary = models.TextField(_("report summary"), blank=True)
    report_conclusions = models.TextField(_("conclusions"), blank=True)
    report_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("report signed off by"),
    )
    report_signed_at = models.DateTimeField(_("report signed off at"), null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous audit of this scope"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[standards, sites, team])

    class Meta:
        ordering = ["starts_on", "reference"]
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="audit_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_external(self) -> bool:
        return self.audit_type in EXTERNAL_TYPES

    @property
    def lead_auditor_label(self) -> str:
        if self.lead_auditor is not None:
            return self.lead_auditor.display_name
        return self.lead_auditor_name

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Planned and its start date has passed, its fieldwork running past its end, or its report
        not closed within REPORT_DAYS of the end."""
        today = today or timezone.localdate()
        if self.status == AuditStatus.PLANNED:
            return self.starts_on < today
        if self.status == AuditStatus.IN_PROGRESS:
            return self.ends_on < today
        if self.status == AuditStatus.REPORTING:
            return self.ends_on + dt.timedelta(days=REPORT_DAYS) < today
        return False


class AuditSession(models.Model):
    """One session of the audit plan: when, which clauses, who is audited, by whom."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("audit")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    topic = models.CharField(_("clauses or process"), max_length=200)
    auditees = models.CharField(_("auditees"), max_length=300, blank=True)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auditor"),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)

    class Meta:
        ordering = ["audit", "starts_at"]
        verbose_name = _("audit session")
        verbose_name_plural = _("audit sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="audit_session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit_id} {self.starts_at:%Y-%m-%d %H:%M} {self.topic}"


class ChecklistResult(models.TextChoices):
    OPEN = "", _("Not yet assessed")
    CONFORMING = "conforming", _("Conforming")
    NONCONFORMITY = "nonconformity", _("Nonconformity")
    OBSERVATION = "observation", _("Observation")
    IMPROVEMENT = "improvement", _("Opportunity for improvement")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ChecklistItem(models.Model):
    """One line of an audit's checklist: a clause number and the clauses of each selected standard it
    covers (one Harmonized Structure clause covers all four management-system standards at once).

    ``version`` grows with every change: an update names the version it was made on, and one made on
    an older version is refused as a conflict instead of overwriting another auditor's work."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("audit")
    )
    position = models.PositiveIntegerField(_("position"))
    number = models.CharField(_("clause number"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    clauses = models.ManyToManyField(Clause, related_name="checklist_items", verbose_name=_("clauses"))
    result = models.CharField(
        _("result"), max_length=16, choices=ChecklistResult.choices, blank=True, default=ChecklistResult.OPEN
    )
    justification = models.TextField(_("justification"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sampled_evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="checklist_items", verbose_name=_("evidence sampled")
    )
    copied = models.BooleanField(
        _("copied from the previous audit"),
        default=False,
        help_text=_("The result and notes are a draft copied from the previous audit of this scope."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "position"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["audit", "position"], name="checklist_item_position_unique"),
            models.CheckConstraint(
                condition=~Q(result="not_applicable") | ~Q(justification=""),
                name="checklist_not_applicable_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit_id} {self.number} {self.title}"

    @property
    def local_title(self) -> str:
        return local_text(self, "title")
