"""Factor sets: versioned, editable data (coefficients, emission factors, GWPs) with their sources."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounting.choices import CombustionMethod, FactorKind, GridRegion


class FactorSet(models.Model):
    """A named table of factors. Its version goes up whenever a factor in it changes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=FactorKind.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(table_name="metering_historicalfactorset")

    class Meta:
        db_table = "metering_factorset"
        ordering = ["kind", "code"]
        verbose_name = _("factor set")
        verbose_name_plural = _("factor sets")
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="factor_set_version_positive")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Factor(models.Model):
    """One value of a factor set, per the canonical unit of its medium, with its source and year."""

    factor_set = models.ForeignKey(
        FactorSet, on_delete=models.CASCADE, related_name="factors", verbose_name=_("factor set")
    )
    key = models.CharField(_("key"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=8)
    unit = models.CharField(_("unit"), max_length=30)
    source = models.CharField(_("source"), max_length=300)
    history = HistoricalRecords(table_name="metering_historicalfactor")

    class Meta:
        db_table = "metering_factor"
        ordering = ["factor_set", "key", "year"]
        verbose_name = _("factor")
        verbose_name_plural = _("factors")
        constraints = [
            models.UniqueConstraint(fields=["factor_set", "key", "year"], name="factor_unique_key_year"),
            models.CheckConstraint(condition=Q(value__gte=0), name="factor_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.factor_set.code} {self.key} {self.year}: {self.value} {self.unit}"


class SiteKpiSettings(models.Model):
    """Which factors a site's KPIs use: grid region, residual factor, GWP set, combustion method."""

    site = models.OneToOneField(
        "sites.Site", on_delete=models.CASCADE, related_name="kpi_settings", verbose_name=_("site")
    )
    grid_region = models.CharField(
        _("grid region"), max_length=30, choices=GridRegion.choices, default=GridRegion.NORTH_CHINA
    )
    residual_region = models.CharField(
        _("residual factor (market-based)"),
        max_length=30,
        choices=GridRegion.choices,
        default=GridRegion.NATIONAL_EXCL_MARKET,
        help_text=_("China publishes no residual mix: this grid factor stands in for it."),
    )
    gwp_set = models.ForeignKey(
        FactorSet,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": FactorKind.GWP},
        verbose_name=_("GWP set"),
    )
    combustion_method = models.CharField(
        _("combustion method"),
        max_length=10,
        choices=CombustionMethod.choices,
        default=CombustionMethod.CHINA,
    )
    history = HistoricalRecords(table_name="metering_historicalsitekpisettings")

    class Meta:
        db_table = "metering_sitekpisettings"
        verbose_name = _("site KPI settings")
        verbose_name_plural = _("site KPI settings")

    def __str__(self) -> str:
        return str(self.site)
