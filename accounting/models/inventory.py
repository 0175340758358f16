"""ISO 14064-1 inventory settings per organisation: boundaries, base year, uncertainty per source."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from greenfactory.core.validators import EARLIEST_YEAR, LATEST_YEAR


class ConsolidationApproach(models.TextChoices):
    OPERATIONAL_CONTROL = "operational_control", _("Operational control")
    FINANCIAL_CONTROL = "financial_control", _("Financial control")
    EQUITY_SHARE = "equity_share", _("Equity share")


class RecalculationKind(models.TextChoices):
    STRUCTURAL = "structural", _("Structural change (acquisition, divestment, outsourcing)")
    METHOD = "method", _("Change of method or emission factors")
    ERROR = "error", _("Error found")


class EmissionSource(models.TextChoices):
    STATIONARY_COMBUSTION = "stationary_combustion", _("Fuel combustion (natural gas, diesel, gasoline, LPG)")
    REFRIGERANTS = "refrigerants", _("Refrigerant leaks")
    IMPORTED_ELECTRICITY = "imported_electricity", _("Imported electricity")
    IMPORTED_HEAT = "imported_heat", _("Imported heat and steam")
    CATEGORY3 = "category3", _("Transport (category 3)")
    CATEGORY4 = "category4", _("Products used by the organisation (category 4)")
    CATEGORY5 = "category5", _("Use of the organisation's products (category 5)")
    CATEGORY6 = "category6", _("Other indirect emissions (category 6)")


class InventorySettings(models.Model):
    """An organisation's inventory: consolidation approach, base year and recalculation policy."""

    organisation = models.OneToOneField(
        "sites.Organisation",
        on_delete=models.CASCADE,
        related_name="inventory_settings",
        verbose_name=_("organisation"),
    )
    consolidation = models.CharField(
        _("consolidation approach"),
        max_length=30,
        choices=ConsolidationApproach.choices,
        default=ConsolidationApproach.OPERATIONAL_CONTROL,
    )
    boundary_note = models.TextField(_("organisational boundary, described"), blank=True)
    base_year = models.PositiveSmallIntegerField(
        _("base year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR)],
    )
    base_year_tco2e = models.DecimalField(
        _("base-year total (tCO2e)"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    recalculation_threshold_pct = models.DecimalField(
        _("recalculation threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(5),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    history = HistoricalRecords(table_name="metering_historicalinventorysettings")

    class Meta:
        db_table = "metering_inventorysettings"
        verbose_name = _("GHG inventory settings")
        verbose_name_plural = _("GHG inventory settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(recalculation_threshold_pct__gt=0) & Q(recalculation_threshold_pct__lte=100),
                name="inventory_threshold_range",
            ),
            models.CheckConstraint(
                condition=Q(base_year_tco2e__isnull=True) | Q(base_year_tco2e__gte=0),
                name="inventory_base_total_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class InventorySite(models.Model):
    """A site in (or out of) the organisational boundary, with the equity share it is counted at."""

    site = models.OneToOneField(
        "sites.Site", on_delete=models.CASCADE, related_name="inventory_boundary", verbose_name=_("site")
    )
    included = models.BooleanField(_("included"), default=True)
    equity_share_pct = models.DecimalField(
        _("equity share (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Used only with the equity-share approach."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords(table_name="metering_historicalinventorysite")

    class Meta:
        db_table = "metering_inventorysite"
        ordering = ["site__code"]
        verbose_name = _("site in the inventory boundary")
        verbose_name_plural = _("sites in the inventory boundary")
        constraints = [
            models.CheckConstraint(
                condition=Q(equity_share_pct__gte=0) & Q(equity_share_pct__lte=100),
                name="inventory_site_share_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.equity_share_pct} %"


class InventoryCategory(models.Model):
    """Whether an ISO 14064-1 category is in the reporting boundary, and why not when it is left out."""

    organisation = models.ForeignKey(
        "sites.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    category = models.PositiveSmallIntegerField(
        _("ISO 14064-1 category"), validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    included = models.BooleanField(_("included"), default=True)
    justification = models.TextField(_("justification"), blank=True)
    history = HistoricalRecords(table_name="metering_historicalinventorycategory")

    class Meta:
        db_table = "metering_inventorycategory"
        ordering = ["organisation", "category"]
        verbose_name = _("reporting-boundary category")
        verbose_name_plural = _("reporting-boundary categories")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "category"], name="inventory_category_unique"),
            models.CheckConstraint(
                condition=Q(category__gte=1, category__lte=6), name="inventory_category_1_to_6"
            ),
            models.CheckConstraint(
                condition=Q(included=True) | ~Q(justification=""), name="inventory_exclusion_justified"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.category}"

    def clean(self) -> None:
        if self.included:
            return
        if self.category in (1, 2):  # direct and imported-energy emissions are always quantified
            raise ValidationError(
                {"included": _("Categories 1 and 2 are always part of an ISO 14064-1 inventory.")}
            )
        if not self.justification.strip():
            raise ValidationError({"justification": _("Say why the category is excluded.")})


class BaseYearRecalculation(models.Model):
    """A structural change, method change or error, with its effect on the base-year total."""

    organisation = models.ForeignKey(
        "sites.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=RecalculationKind.choices)
    effect_tco2e = models.DecimalField(
        _("effect on the base year (tCO2e)"),
        max_digits=18,
        decimal_places=6,
        help_text=_("Positive when it adds emissions (an acquisition), negative when it removes them."),
    )
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords(table_name="metering_historicalbaseyearrecalculation")

    class Meta:
        db_table = "metering_baseyearrecalculation"
        ordering = ["organisation", "date", "id"]
        verbose_name = _("base-year recalculation event")
        verbose_name_plural = _("base-year recalculation events")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="base_year_recalculation_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.effect_tco2e}"


class SourceUncertainty(models.Model):
    """The relative uncertainty (95 % interval, in %) of one emission source type; defaults are data."""

    source = models.CharField(
        _("emission source"), max_length=30, choices=EmissionSource.choices, unique=True
    )
    percent = models.DecimalField(
        _("uncertainty (± %)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(500))],
    )
    basis = models.CharField(_("basis"), max_length=300)
    history = HistoricalRecords(table_name="metering_historicalsourceuncertainty")

    class Meta:
        db_table = "metering_sourceuncertainty"
        ordering = ["source"]
        verbose_name = _("uncertainty of an emission source")
        verbose_name_plural = _("uncertainties of emission sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=500), name="source_uncertainty_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} ±{self.percent} %"
