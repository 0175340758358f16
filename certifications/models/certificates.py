import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from greenfactory.core.validators import validate_plausible_date

from .evidence import Evidence
from .standards import Standard


class CertificateStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    CERTIFIED = "certified", _("Certified")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


# A certificate in one of these states no longer backs the clauses of its standard.
LAPSED_STATUSES = (CertificateStatus.SUSPENDED, CertificateStatus.WITHDRAWN, CertificateStatus.EXPIRED)
# The statuses a certificate may be recorded with; the others are reached through transitions.
INITIAL_STATUSES = (CertificateStatus.PLANNED, CertificateStatus.IN_PROGRESS, CertificateStatus.CERTIFIED)
# The statuses of a certificate that is held, so its expiry date decides whether it still counts.
HELD_STATUSES = (CertificateStatus.CERTIFIED, CertificateStatus.SUSPENDED)
# Recertification takes an audit planned months ahead: a certificate is "expiring" this long before.
EXPIRY_WARNING_DAYS = 90


class Certificate(models.Model):
    """A certificate a certification body issued for one edition of a standard, for some sites."""

    standard = models.ForeignKey(
        Standard, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("standard")
    )
    certification_body = models.CharField(_("certification body"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=100)
    scope = models.TextField(_("scope"))
    sites = models.ManyToManyField("sites.Site", related_name="certificates", verbose_name=_("sites"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True, validators=[validate_plausible_date])
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.PLANNED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("owner"),
    )
    evidence = models.ForeignKey(
        Evidence,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("certificate file (evidence)"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["standard__sort_key", "expires_on"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["certification_body", "number"], name="certificate_number_unique_per_body"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gt=F("issued_on")),
                name="certificate_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard} · {self.certification_body} {self.number}"

    def status_on(self, day: dt.date) -> str:
        """The status as shown on ``day``: a held certificate is expired the day after its expiry
        date, whether or not the daily job has recorded it yet."""
        if self.status in HELD_STATUSES and self.expires_on is not None and self.expires_on < day:
            return CertificateStatus.EXPIRED
        return self.status

    @property
    def shown_status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def shown_status_label(self) -> str:
        return str(CertificateStatus(self.shown_status).label)

    @property
    def is_held(self) -> bool:
        """Whether the certificate still stands today (certified or suspended, not yet expired)."""
        return self.shown_status in HELD_STATUSES

    @property
    def expires_in_days(self) -> int | None:
        """Days until a held certificate expires, when that is within the warning window."""
        if self.shown_status not in HELD_STATUSES or self.expires_on is None:
            return None
        days = (self.expires_on - timezone.localdate()).days
        return days if days <= EXPIRY_WARNING_DAYS else None

    @property
    def next_surveillance(self) -> "SurveillanceAudit | None":
        """The earliest surveillance audit not yet done (uses prefetched audits when present)."""
        pending = [a for a in self.surveillance_audits.all() if a.done_on is None]
        return min(pending, key=lambda a: a.due_on, default=None)


class SurveillanceAudit(models.Model):
    """A planned surveillance (or recertification) audit of a certificate."""

    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.CASCADE,
        related_name="surveillance_audits",
        verbose_name=_("certificate"),
    )
    due_on = models.DateField(_("due on"), validators=[validate_plausible_date])
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[validate_plausible_date])
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["certificate", "due_on"]
        verbose_name = _("surveillance audit")
        verbose_name_plural = _("surveillance audits")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "due_on"], name="surveillance_unique_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.due_on}"
