"""Incidents: accidents, near misses, environmental incidents, quality escapes and occupational
disease, graded by the national rules (grades are data, loaded from
``certifications/data/registers/incident-grades.yaml``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from greenfactory.core.validators import validate_plausible_date

from .registers import RegisterEntry
from .standards import _local


class IncidentKind(models.TextChoices):
    SAFETY_ACCIDENT = "safety_accident", _("Production-safety accident")
    NEAR_MISS = "near_miss", _("Near miss")
    ENVIRONMENTAL = "environmental", _("Environmental incident")
    QUALITY_ESCAPE = "quality_escape", _("Quality escape")
    OCCUPATIONAL_DISEASE = "occupational_disease", _("Occupational disease")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    INVESTIGATING = "investigating", _("Under investigation")
    CLOSED = "closed", _("Closed")


class IncidentGrade(models.Model):
    """One grade of a national grading scheme and the figures from which it applies."""

    scheme = models.CharField(_("grading scheme"), max_length=40)
    scheme_name = models.CharField(_("scheme name"), max_length=200)
    scheme_name_zh = models.CharField(_("Chinese scheme name"), max_length=200, blank=True)
    # The incident kinds this scheme grades, comma separated.
    kinds = models.CharField(_("kinds graded"), max_length=200)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"))
    counts_as_major = models.BooleanField(_("counts as major for the green-factory gate"))
    min_deaths = models.PositiveIntegerField(_("from deaths"))
    min_serious_injuries = models.PositiveIntegerField(_("from serious injuries"))
    min_direct_loss_cny = models.DecimalField(_("from direct loss (CNY)"), max_digits=14, decimal_places=2)
    criteria = models.TextField(_("criteria"))
    criteria_zh = models.TextField(_("Chinese criteria"), blank=True)

    class Meta:
        ordering = ["scheme", "rank"]
        verbose_name = _("incident grade")
        verbose_name_plural = _("incident grades")
        constraints = [models.UniqueConstraint(fields=["scheme", "rank"], name="incident_grade_rank")]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return _local(self.name, self.name_zh)

    @property
    def kind_list(self) -> list[str]:
        return [k for k in self.kinds.split(",") if k]


class Incident(RegisterEntry):
    """An incident at one site. ``sites`` (from the base) always holds exactly that site."""

    kind = models.CharField(_("kind"), max_length=24, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="incidents", verbose_name=_("site")
    )
    grade = models.ForeignKey(
        IncidentGrade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("grade"),
    )
    description = models.TextField(_("description"), blank=True)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    serious_injuries = models.PositiveIntegerField(_("serious injuries"), default=0)
    minor_injuries = models.PositiveIntegerField(_("minor injuries"), default=0)
    direct_loss_cny = models.DecimalField(_("direct loss (CNY)"), max_digits=14, decimal_places=2, default=0)
    investigation = models.TextField(_("investigation"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    investigated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("investigated by"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, validators=[validate_plausible_date])
    status = models.CharField(
        _("status"), max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )

    list_url_name = "register-incidents"

    class Meta(RegisterEntry.Meta):
        ordering = ["-occurred_at", "reference"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [models.Index(fields=["site", "occurred_at"], name="incident_site_when")]
