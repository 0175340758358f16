"""ISO 50001 / ISO 50006 energy baselines: the fitted model, its adjustments, driver values, targets
and the alerts raised when a period misses a target."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

_DEC = {"max_digits": 18, "decimal_places": 6}


class BaselineScope(models.TextChoices):
    SITE = "site", _("Whole site")
    SEU = "seu", _("Significant energy use (a group of meters)")


class EnergyMeasure(models.TextChoices):
    MWH = "mwh", _("MWh of one medium")
    TCE = "tce", _("Comprehensive energy (tce)")


class EnergyBaseline(models.Model):
    """An energy baseline (EnB) of a site or a significant energy use, monthly, fitted by OLS on
    production (and HDD/CDD when chosen) over its baseline period."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=120)
    scope = models.CharField(
        _("scope"), max_length=4, choices=BaselineScope.choices, default=BaselineScope.SITE
    )
    seu_name = models.CharField(_("significant energy use"), max_length=120, blank=True)
    meters = models.ManyToManyField(
        "metering.Meter", blank=True, related_name="+", verbose_name=_("meters of the significant energy use")
    )
    measure = models.CharField(_("energy measure"), max_length=4, choices=EnergyMeasure.choices)
    medium = models.CharField(_("medium"), max_length=20, blank=True)
    granularity = models.CharField(_("period"), max_length=5, default="month", editable=False)
    base_start = models.DateField(_("baseline period start"))
    base_end = models.DateField(_("baseline period end"))
    use_hdd = models.BooleanField(_("heating degree days as a driver"), default=False)
    use_cdd = models.BooleanField(_("cooling degree days as a driver"), default=False)
    intercept = models.FloatField(_("intercept"), null=True, blank=True)
    coefficients = models.JSONField(_("coefficients"), default=dict, blank=True)
    r2 = models.FloatField(_("R²"), null=True, blank=True)
    cv_rmse = models.FloatField(_("CV(RMSE)"), null=True, blank=True)
    periods = models.PositiveIntegerField(_("periods fitted"), default=0)
    data_versions = models.JSONField(_("data used"), default=dict, blank=True)
    fitted_at = models.DateTimeField(_("fitted at"), null=True, blank=True)
    owner = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(table_name="metering_historicalenergybaseline")

    class Meta:
        db_table = "metering_energybaseline"
        ordering = ["site", "name"]
        verbose_name = _("energy baseline")
        verbose_name_plural = _("energy baselines")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="energy_baseline_unique_name"),
            models.CheckConstraint(
                condition=Q(base_end__gt=models.F("base_start")), name="energy_baseline_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.name}"

    @property
    def unit(self) -> str:
        return "tce" if self.measure == EnergyMeasure.TCE else "MWh"

    @property
    def drivers(self) -> list[str]:
        return ["production", *(["hdd"] if self.use_hdd else []), *(["cdd"] if self.use_cdd else [])]

    @property
    def coefficient_items(self) -> list[tuple[str, float]]:
        """Coefficients in driver order (PostgreSQL's jsonb does not keep key order)."""
        return [(name, self.coefficients[name]) for name in self.drivers if name in self.coefficients]

    @property
    def medium_label(self) -> str:
        from metering.choices import Medium

        return Medium(self.medium).label if self.medium in Medium.values else self.medium

    @property
    def cv_rmse_percent(self) -> float | None:
        return None if self.cv_rmse is None else self.cv_rmse * 100

    @property
    def weak(self) -> bool:
        from accounting.formulas import WEAK_MODEL_R2

        return self.r2 is not None and self.r2 < WEAK_MODEL_R2


class DriverValue(models.Model):
    """Heating and cooling degree days of a site's month, entered by staff."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    hdd = models.DecimalField(_("heating degree days"), max_digits=8, decimal_places=2, null=True, blank=True)
    cdd = models.DecimalField(_("cooling degree days"), max_digits=8, decimal_places=2, null=True, blank=True)
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(table_name="metering_historicaldrivervalue")

    class Meta:
        db_table = "metering_drivervalue"
        ordering = ["site", "period"]
        verbose_name = _("driver value")
        verbose_name_plural = _("driver values")
        constraints = [
            models.UniqueConstraint(fields=["site", "period"], name="driver_value_unique_month"),
            models.CheckConstraint(condition=Q(hdd__gte=0) | Q(hdd__isnull=True), name="driver_value_hdd"),
            models.CheckConstraint(condition=Q(cdd__gte=0) | Q(cdd__isnull=True), name="driver_value_cdd"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.period} HDD {self.hdd} CDD {self.cdd}"


class BaselineAdjustment(models.Model):
    """A static-factor change (ISO 50006): a fixed quantity per period added to expected from a date."""

    baseline = models.ForeignKey(
        EnergyBaseline, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("baseline")
    )
    effective_from = models.DateField(_("effective from"))
    per_period = models.DecimalField(_("added to expected per period"), **_DEC)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords(table_name="metering_historicalbaselineadjustment")

    class Meta:
        db_table = "metering_baselineadjustment"
        ordering = ["baseline", "effective_from", "id"]
        verbose_name = _("baseline adjustment")
        verbose_name_plural = _("baseline adjustments")

    def __str__(self) -> str:
        return f"{self.baseline_id} {self.effective_from} {self.per_period}"


class TargetKind(models.TextChoices):
    ENPI_MAX = "enpi_max", _("EnPI at most")
    TCE_PER_T_MAX = "tce_per_t_max", _("tce per tonne processed below")


class EnergyTarget(models.Model):
    """An energy objective checked every month: on a baseline's EnPI, or on a site's tce/t."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    baseline = models.ForeignKey(
        EnergyBaseline,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("baseline"),
    )
    kind = models.CharField(_("target"), max_length=16, choices=TargetKind.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=6)
    note = models.CharField(_("note"), max_length=300, blank=True)
    active_from = models.DateField(_("checked from"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(table_name="metering_historicalenergytarget")

    class Meta:
        db_table = "metering_energytarget"
        ordering = ["site", "kind", "id"]
        verbose_name = _("energy target")
        verbose_name_plural = _("energy targets")
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="energy_target_value_positive"),
            models.CheckConstraint(
                condition=~Q(kind="enpi_max") | Q(baseline__isnull=False),
                name="energy_target_enpi_needs_baseline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class TargetAlert(models.Model):
    """A month that missed a target. Recomputing keeps one row per target and month."""

    target = models.ForeignKey(EnergyTarget, on_delete=models.CASCADE, related_name="alerts")
    period = models.DateField(_("month"))
    actual = models.DecimalField(_("actual"), max_digits=18, decimal_places=6)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        db_table = "metering_targetalert"
        ordering = ["-period", "target"]
        verbose_name = _("target alert")
        verbose_name_plural = _("target alerts")
        constraints = [
            models.UniqueConstraint(fields=["target", "period"], name="target_alert_once_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.period} {self.actual}"
