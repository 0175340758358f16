"""Audit findings and the corrective actions (CAPA) of nonconformities, with their step log."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from greenfactory.core.validators import validate_plausible_date

from .audits import Audit, ChecklistItem
from .evidence import Evidence
from .standards import Clause


class FindingClass(models.TextChoices):
    MAJOR = "major", _("Major nonconformity")
    MINOR = "minor", _("Minor nonconformity")
    OBSERVATION = "observation", _("Observation")
    IMPROVEMENT = "improvement", _("Opportunity for improvement")


# Classes that need a corrective action; the others are closed once considered.
NONCONFORMITIES = (FindingClass.MAJOR, FindingClass.MINOR)
# A certification body's usual deadline for a major nonconformity raised in its audit.
MAJOR_DEADLINE_DAYS = 90


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Finding(models.Model):
    """What an audit found: class, the clauses (across standards), the statement and its evidence."""

    # Empty for a finding raised from an evaluation of compliance (its ``compliance_evaluation``).
    audit = models.ForeignKey(
        Audit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("audit"),
    )
    checklist_item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("checklist item"),
    )
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    finding_class = models.CharField(_("class"), max_length=12, choices=FindingClass.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    clauses = models.ManyToManyField(Clause, related_name="findings", verbose_name=_("clauses"))
    statement = models.TextField(_("statement"))
    objective_evidence = models.TextField(_("objective evidence"), blank=True)
    requirement = models.CharField(_("requirement reference"), max_length=300, blank=True)
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="findings", verbose_name=_("evidence records")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="findings_owned",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"), validators=[validate_plausible_date])
    body_deadline = models.DateField(
        _("certification body's deadline"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
        help_text=_("Set for a major nonconformity raised in a certification audit (usually 90 days)."),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    raised_on = models.DateField(_("raised on"), validators=[validate_plausible_date])
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "reference"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.reference} {self.get_finding_class_display()}"

    @property
    def is_nonconformity(self) -> bool:
        return self.finding_class in NONCONFORMITIES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        if self.status != FindingStatus.OPEN:
            return False
        today = today or timezone.localdate()
        deadline = min(d for d in (self.due_on, self.body_deadline) if d is not None)
        return deadline < today


class CapaState(models.TextChoices):
    OPEN = "open", _("Open")
    CONTAINED = "contained", _("Containment done")
    ANALYSED = "analysed", _("Root cause analysed")
    PLANNED = "planned", _("Action plan proposed")
    ACCEPTED = "accepted", _("Plan accepted")
    IMPLEMENTED = "implemented", _("Implemented")
    VERIFIED = "verified", _("Effectiveness verified")
    CLOSED = "closed", _("Closed")


# States in which a major nonconformity no longer blocks closing its audit.
PLAN_ACCEPTED_STATES = (CapaState.ACCEPTED, CapaState.IMPLEMENTED, CapaState.VERIFIED, CapaState.CLOSED)


# The 8D disciplines recorded with the analysis (D3 is the containment, D5 and D6 the plan and its
# implementation, D8 the closure): key, label, whether an 8D analysis needs it.
EIGHT_D_FIELDS = (
    ("team", _("D1 Team"), True),
    ("problem", _("D2 Problem description (is / is not)"), True),
    ("occurrence", _("D4 Why it occurred"), True),
    ("escape", _("D4 Why it was not detected"), True),
    ("prevention", _("D7 Preventing recurrence elsewhere"), False),
)


# The fishbone's categories (the 6 Ms) as the analysis form and the step log name them.
FISHBONE_LABELS = {
    "people": _("People"),
    "machine": _("Machine"),
    "method": _("Method"),
    "material": _("Material"),
    "measurement": _("Measurement"),
    "environment": _("Environment"),
}


class RootCauseMethod(models.TextChoices):
    FIVE_WHY = "five_why", _("5 whys")
    FISHBONE = "fishbone", _("Fishbone (Ishikawa)")
    EIGHT_D = "8d", _("8D")


class CorrectiveAction(models.Model):
    """The corrective action of one nonconformity, moved through its workflow by the CAPA service."""

    finding = models.OneToOneField(
        Finding, on_delete=models.CASCADE, related_name="capa", verbose_name=_("finding")
    )
    state = models.CharField(_("state"), max_length=12, choices=CapaState.choices, default=CapaState.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="capas_owned",
        verbose_name=_("owner"),
    )
    containment = models.TextField(_("containment"), blank=True)
    root_cause_method = models.CharField(
        _("root cause method"), max_length=10, choices=RootCauseMethod.choices, blank=True
    )
    whys = models.JSONField(_("5 whys"), default=list, blank=True)
    fishbone = models.JSONField(_("fishbone causes"), default=dict, blank=True)
    eight_d = models.JSONField(_("8D record"), default=dict, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    plan_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan accepted by"),
    )
    plan_accepted_at = models.DateTimeField(_("plan accepted at"), null=True, blank=True)
    implementation = models.TextField(_("implementation record"), blank=True)
    verification = models.TextField(_("verification of effectiveness"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    containment_due_on = models.DateField(_("containment due"), null=True, blank=True)
    analysis_due_on = models.DateField(_("root cause due"), null=True, blank=True)
    plan_due_on = models.DateField(_("action plan due"), null=True, blank=True)
    implementation_due_on = models.DateField(_("implementation due"), null=True, blank=True)
    verification_due_on = models.DateField(_("verification due"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["finding"]
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")

    def __str__(self) -> str:
        return f"CAPA {self.finding.reference}"

    # The step each state waits for, and the field holding its due date.
    NEXT_STEP_DUE = {
        CapaState.OPEN: "containment_due_on",
        CapaState.CONTAINED: "analysis_due_on",
        CapaState.ANALYSED: "plan_due_on",
        CapaState.PLANNED: "plan_due_on",
        CapaState.ACCEPTED: "implementation_due_on",
        CapaState.IMPLEMENTED: "verification_due_on",
        CapaState.VERIFIED: "verification_due_on",
    }

    @property
    def next_due_on(self) -> dt.date | None:
        """When the step this action waits for is due (None once closed or when no date is set)."""
        name = self.NEXT_STEP_DUE.get(self.state)
        return getattr(self, name) if name else None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        due = self.next_due_on
        return due is not None and due < (today or timezone.localdate())


class CapaAction(models.Model):
    """One action of a corrective action's plan, with its owner and due date."""

    capa = models.ForeignKey(
        CorrectiveAction,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("corrective action"),
    )
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="capa_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"), validators=[validate_plausible_date])
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[validate_plausible_date])
    history = HistoricalRecords()

    class Meta:
        ordering = ["capa", "due_on", "pk"]
        verbose_name = _("planned action")
        verbose_name_plural = _("planned actions")

    def __str__(self) -> str:
        return self.description[:60]


class CapaStep(models.Model):
    """The step log of a corrective action: who moved it, from what to what, when, and what changed."""

    capa = models.ForeignKey(
        CorrectiveAction, on_delete=models.CASCADE, related_name="steps", verbose_name=_("corrective action")
    )
    from_state = models.CharField(_("from"), max_length=12, choices=CapaState.choices)
    to_state = models.CharField(_("to"), max_length=12, choices=CapaState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        ordering = ["capa", "at", "pk"]
        verbose_name = _("corrective action step")
        verbose_name_plural = _("corrective action steps")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_state=models.F("to_state")), name="capa_step_changes_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.capa_id} {self.from_state} → {self.to_state}"
