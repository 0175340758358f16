from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    EVIDENCE_REVIEW = "evidence_review", _("Evidence due for review")
    EVIDENCE_EXPIRY = "evidence_expiry", _("Evidence expiring")
    CERTIFICATE_EXPIRY = "certificate_expiry", _("Certificate expiring")
    SURVEILLANCE = "surveillance", _("Surveillance audit coming up")
    ENERGY_TARGET = "energy_target", _("Energy target missed")
    BUDGET_OVERRUN = "budget_overrun", _("Energy budget overrun")
    CAPA_STEP = "capa_step", _("Corrective action step due")
    AUDIT_DUE = "audit_due", _("Audit coming up")
    # Registers: obligations and permits
    EVALUATION_OVERDUE = "evaluation_overdue", _("Evaluation of compliance overdue")
    PERMIT_EXPIRY = "permit_expiry", _("Permit expiring")
    EVIDENCE_REQUEST = "evidence_request", _("Evidence requested by an auditor")


class Reminder(models.Model):
    """One reminder of one item to one person on one day: the in-app notification and the line in
    that day's e-mail digest. The unique constraint is what keeps reminders from repeating."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ReminderKind.choices)
    day = models.DateField(_("day"))
    due_on = models.DateField(_("due on"))
    subject = models.CharField(_("subject"), max_length=300)
    evidence = models.ForeignKey(
        "certifications.Evidence", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    certificate = models.ForeignKey(
        "certifications.Certificate", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    finding = models.ForeignKey(
        "certifications.Finding", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    audit = models.ForeignKey(
        "certifications.Audit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Registers: obligations and permits
    obligation = models.ForeignKey(
        "certifications.Obligation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    permit = models.ForeignKey(
        "certifications.Permit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    item_key = models.CharField(_("item"), max_length=60)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "due_on"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "item_key", "day"], name="reminder_once_per_item_and_day"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.item_key}"

    @property
    def energy_budget_id(self) -> int | None:
        """The budget an overrun reminder is about, read from its item key
        ("energy-budget:<budget>:<line>:<month>")."""
        prefix, _sep, rest = self.item_key.partition(":")
        if self.kind != ReminderKind.BUDGET_OVERRUN or prefix != "energy-budget":
            return None
        budget_id = rest.partition(":")[0]
        return int(budget_id) if budget_id.isdigit() else None

    @property
    def evidence_request_id(self) -> int | None:
        """The evidence request a reminder is about, read from its item key ("evidence-request:<id>")."""
        prefix, _sep, rest = self.item_key.partition(":")
        if self.kind != ReminderKind.EVIDENCE_REQUEST or prefix != "evidence-request":
            return None
        return int(rest) if rest.isdigit() else None
