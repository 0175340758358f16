"""Audit dossiers: one PDF per request, for an audit, a standard's coverage at a site or a GHG
inventory year, rendered by a worker and never re-rendered in place (a new request is a new
version)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..storage import private_storage
from .audits import Audit
from .standards import Standard


class DossierKind(models.TextChoices):
    AUDIT = "audit", _("Audit")
    COVERAGE = "coverage", _("Standard coverage at a site")
    GHG_YEAR = "ghg_year", _("GHG inventory year at a site")
    GREEN = "green", _("Green-factory self-evaluation")


class DossierLanguage(models.TextChoices):
    EN = "en", _("English")
    ZH = "zh-hans", _("Simplified Chinese")


class DossierStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    COMPLETE = "complete", _("Complete")
    FAILED = "failed", _("Failed")


# Which subject field each kind needs (the site is set for every kind).
_SUBJECT = {
    DossierKind.AUDIT: Q(
        audit__isnull=False, standard__isnull=True, year__isnull=True, evaluation__isnull=True
    ),
    DossierKind.COVERAGE: Q(
        audit__isnull=True, standard__isnull=False, year__isnull=True, evaluation__isnull=True
    ),
    DossierKind.GHG_YEAR: Q(
        audit__isnull=True, standard__isnull=True, year__isnull=False, evaluation__isnull=True
    ),
    DossierKind.GREEN: Q(
        audit__isnull=True, standard__isnull=True, year__isnull=True, evaluation__isnull=False
    ),
}


class Dossier(models.Model):
    """One requested dossier: its subject, language, version, rendering progress and the file."""

    kind = models.CharField(_("for"), max_length=12, choices=DossierKind.choices)
    audit = models.ForeignKey(
        Audit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("audit"),
    )
    standard = models.ForeignKey(
        Standard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("standard"),
    )
    evaluation = models.ForeignKey(
        "certifications.Evaluation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("green-factory evaluation"),
    )
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("site")
    )
    year = models.PositiveSmallIntegerField(_("inventory year"), null=True, blank=True)
    # The same subject's versions share this key (kind and subject ids), so versions count per subject.
    subject_key = models.CharField(_("subject"), max_length=60, editable=False)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    language = models.CharField(_("language"), max_length=8, choices=DossierLanguage.choices)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=DossierStatus.choices, default=DossierStatus.QUEUED
    )
    sections_done = models.PositiveSmallIntegerField(_("sections done"), default=0)
    sections_total = models.PositiveSmallIntegerField(_("sections"), default=0)
    pages_done = models.PositiveIntegerField(_("pages so far"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dossiers_requested",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="dossiers/", max_length=200, blank=True
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    sealed = models.BooleanField(_("sealed"), default=False)
    seal_note = models.CharField(_("seal note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in DossierKind]), name="dossier_kind_known"
            ),
            models.CheckConstraint(
                condition=(
                    (Q(kind=DossierKind.AUDIT) & _SUBJECT[DossierKind.AUDIT])
                    | (Q(kind=DossierKind.COVERAGE) & _SUBJECT[DossierKind.COVERAGE])
                    | (Q(kind=DossierKind.GHG_YEAR) & _SUBJECT[DossierKind.GHG_YEAR])
                    | (Q(kind=DossierKind.GREEN) & _SUBJECT[DossierKind.GREEN])
                ),
                name="dossier_subject_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in DossierStatus]), name="dossier_status_known"
            ),
            models.CheckConstraint(
                condition=Q(language__in=[lang.value for lang in DossierLanguage]),
                name="dossier_language_known",
            ),
            models.CheckConstraint(
                condition=~Q(status=DossierStatus.COMPLETE) | (~Q(sha256="") & ~Q(file="")),
                name="dossier_complete_has_file",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="dossier_version_positive"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1990, year__lte=2100), name="dossier_year"
            ),
            models.UniqueConstraint(fields=["subject_key", "version"], name="dossier_version_unique"),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["sha256"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The dossier id printed on every page: DOS-<id>-v<version>."""
        return f"DOS-{self.pk:05d}-v{self.version}"

    @property
    def finished(self) -> bool:
        return self.status in (DossierStatus.COMPLETE, DossierStatus.FAILED)

    @property
    def subject_label(self) -> str:
        if self.kind == DossierKind.AUDIT and self.audit is not None:
            return f"{self.audit.reference} {self.audit.title}"
        if self.kind == DossierKind.COVERAGE and self.standard is not None:
            return f"{self.standard} · {self.site}"
        if self.kind == DossierKind.GREEN and self.evaluation is not None:
            return f"{_('Green-factory self-evaluation')} {self.evaluation.year} · {self.site}"
        return f"{_('GHG inventory')} {self.year} · {self.site}"
