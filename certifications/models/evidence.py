from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from certifications.storage import private_storage

from .standards import Clause, _local


class EvidenceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")
    EXPIRED = "expired", _("Expired")


class Evidence(models.Model):
    """Documented information kept as evidence. Status changes only through the evidence services.

    An item without sites applies to every site of the organisation.
    """

    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(
        _("Chinese title"), max_length=200, blank=True, help_text=_("Shown on Chinese pages when given.")
    )
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("owner")
    )
    sites = models.ManyToManyField(
        "sites.Site",
        blank=True,
        related_name="evidence",
        verbose_name=_("sites"),
        help_text=_("Leave empty when the evidence applies to every site."),
    )
    clauses = models.ManyToManyField(Clause, blank=True, related_name="evidence", verbose_name=_("clauses"))
    status = models.CharField(
        _("status"), max_length=16, choices=EvidenceStatus.choices, default=EvidenceStatus.DRAFT
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approver"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Links to sites and clauses are part of the audit trail too.
    history = HistoricalRecords(m2m_fields=[sites, clauses])

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in EvidenceStatus]), name="evidence_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approver__isnull=False),
                name="evidence_approved_has_approver",
            ),
        ]
        indexes = [models.Index(fields=["status", "expiry_date"]), models.Index(fields=["review_date"])]

    def __str__(self) -> str:
        return self.local_title

    @property
    def local_title(self) -> str:
        return _local(self.title, self.title_zh)


class EvidencePolicy(models.Model):
    """How an organisation runs approval of its evidence. Without a policy, a second person approves."""

    organisation = models.OneToOneField(
        "sites.Organisation",
        on_delete=models.CASCADE,
        related_name="evidence_policy",
        verbose_name=_("organisation"),
    )
    self_approval_allowed = models.BooleanField(
        _("allow self-approval"),
        default=False,
        help_text=_(
            "For small teams: the person who created an evidence item or uploaded its latest file "
            "may approve it. Otherwise a second person must."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence policy")
        verbose_name_plural = _("evidence policies")

    def __str__(self) -> str:
        return str(self.organisation)


class EvidenceRevision(models.Model):
    """One uploaded file of an evidence item. The stored name is generated; the user's name is kept
    only as a label for downloads."""

    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("evidence")
    )
    number = models.PositiveIntegerField(_("revision"))
    file = models.FileField(_("file"), storage=private_storage, upload_to="evidence/", max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    media_type = models.CharField(_("media type"), max_length=100)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["evidence", "-number"]
        verbose_name = _("evidence revision")
        verbose_name_plural = _("evidence revisions")
        constraints = [
            models.UniqueConstraint(fields=["evidence", "number"], name="evidence_revision_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="evidence_revision_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.evidence_id} r{self.number}"


class ClauseExclusion(models.Model):
    """A clause marked not applicable at a site, with the justification an auditor will ask for."""

    clause = models.ForeignKey(
        Clause, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("clause")
    )
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="clause_exclusions", verbose_name=_("site")
    )
    justification = models.TextField(_("justification"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clause not applicable")
        verbose_name_plural = _("clauses not applicable")
        constraints = [
            models.UniqueConstraint(fields=["clause", "site"], name="clause_exclusion_unique_per_site"),
            models.CheckConstraint(condition=~Q(justification=""), name="clause_exclusion_has_justification"),
        ]

    def __str__(self) -> str:
        return f"{self.clause_id}@{self.site_id}"
