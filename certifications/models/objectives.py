"""The objectives register (6.2 of ISO 9001 / 14001 / 45001 / 50001): objective, measure, baseline,
target, due date, owner and progress. Progress is recorded by hand, or the objective follows a site
KPI and its current value is read from the stored KPIs (accounting.selectors) with its provenance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .registers import RegisterEntry
from .standards import Standard


class Direction(models.TextChoices):
    LOWER = "lower", _("Lower is better")
    HIGHER = "higher", _("Higher is better")


class ObjectiveStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Follows(models.TextChoices):
    MANUAL = "manual", _("Progress recorded by hand")
    KPI = "kpi", _("A site KPI")


class KpiFigure(models.TextChoices):
    """The site KPIs an objective can follow, as the KPI selectors give them for a period."""

    ELECTRICITY_KWH = "electricity_kwh", _("Grid electricity (kWh)")
    ELECTRICITY_KWH_PER_T = "electricity_kwh_per_t", _("Electricity per tonne processed (kWh/t)")
    TCE = "tce", _("Energy (tce)")
    KGCE_PER_T = "kgce_per_t", _("Energy per tonne processed (kgce/t)")
    SCOPE1 = "scope1_tco2e", _("Scope 1 emissions (tCO2e)")
    SCOPE2_LOCATION = "scope2_location_tco2e", _("Scope 2 emissions, location-based (tCO2e)")
    SCOPE2_MARKET = "scope2_market_tco2e", _("Scope 2 emissions, market-based (tCO2e)")
    TOTAL = "total_tco2e", _("Total emissions (tCO2e)")
    TCO2E_PER_T = "tco2e_per_t", _("Emissions per tonne processed (tCO2e/t)")
    WATER_PER_T = "water_m3_per_t", _("Water per tonne processed (m³/t)")
    RENEWABLE_SHARE = "renewable_share", _("Renewable electricity share")


_DEC = {"max_digits": 18, "decimal_places": 6}


class Objective(RegisterEntry):
    """A management-system objective: the title is the objective's text."""

    standards = models.ManyToManyField(
        Standard, blank=True, related_name="objective_entries", verbose_name=_("standards")
    )
    measure = models.CharField(_("measure"), max_length=300, help_text=_("How progress is measured."))
    baseline = models.DecimalField(_("baseline"), null=True, blank=True, **_DEC)
    target = models.DecimalField(_("target"), **_DEC)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    starts_on = models.DateField(_("period start"))
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=ObjectiveStatus.choices, default=ObjectiveStatus.ACTIVE
    )
    follows = models.CharField(_("follows"), max_length=10, choices=Follows.choices, default=Follows.MANUAL)
    kpi = models.CharField(_("KPI"), max_length=30, choices=KpiFigure.choices, blank=True)
    kpi_site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("KPI site"),
    )

    _history_m2m_fields = ["sites", "clauses", "evidence", "findings", "standards"]
    list_url_name = "objective-list"

    class Meta(RegisterEntry.Meta):
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(follows="manual") | (~models.Q(kpi="") & models.Q(kpi_site__isnull=False)),
                name="objective_kpi_has_figure_and_site",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("starts_on")), name="objective_period"
            ),
        ]


class ObjectiveProgress(models.Model):
    """A value of the measure on a date, recorded by hand."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="progress", verbose_name=_("objective")
    )
    recorded_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), **_DEC)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_on", "pk"]
        verbose_name = _("objective progress")
        verbose_name_plural = _("objective progress entries")

    def __str__(self) -> str:
        return f"{self.recorded_on} {self.value}"
