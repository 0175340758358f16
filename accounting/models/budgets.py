"""Energy and carbon budgets: a site's year, its monthly budget per quantity (tce, a medium in its
unit, tCO2e), the tariffs that price a medium per period, and the tolerance of the over-budget alert."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

_DEC = {"max_digits": 18, "decimal_places": 6}


class BudgetQuantity(models.TextChoices):
    TCE = "tce", _("Comprehensive energy (tce)")
    MEDIUM = "medium", _("One medium, in its unit")
    TCO2E = "tco2e", _("Emissions (tCO2e)")


class EnergyBudget(models.Model):
    """A site's energy and carbon budget for one calendar year."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    tolerance_percent = models.DecimalField(
        _("tolerance (%)"),
        max_digits=6,
        decimal_places=2,
        default=5,
        help_text=_("A month whose actual exceeds its budget by more than this share is reported."),
    )
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "-year"]
        verbose_name = _("energy budget")
        verbose_name_plural = _("energy budgets")
        constraints = [
            models.UniqueConstraint(fields=["site", "year"], name="energy_budget_unique_year"),
            models.CheckConstraint(
                condition=Q(tolerance_percent__gte=0), name="energy_budget_tolerance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.year}"


class BudgetLine(models.Model):
    """One month's budget of one quantity (``medium`` names the medium for BudgetQuantity.MEDIUM)."""

    budget = models.ForeignKey(EnergyBudget, on_delete=models.CASCADE, related_name="lines")
    quantity = models.CharField(_("quantity"), max_length=6, choices=BudgetQuantity.choices)
    medium = models.CharField(_("medium"), max_length=20, blank=True)
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    amount = models.DecimalField(_("budget"), **_DEC)
    history = HistoricalRecords()

    class Meta:
        ordering = ["budget", "quantity", "medium", "month"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "quantity", "medium", "month"], name="budget_line_unique_month"
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="budget_line_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount_not_negative"),
            models.CheckConstraint(
                condition=(Q(quantity="medium") & ~Q(medium="")) | (~Q(quantity="medium") & Q(medium="")),
                name="budget_line_medium_only_for_media",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_id} {self.quantity} {self.medium} {self.month}"


class BudgetTariff(models.Model):
    """The price of a medium (CNY per unit of the medium) over a period, to cost a budget and its actuals."""

    budget = models.ForeignKey(EnergyBudget, on_delete=models.CASCADE, related_name="tariffs")
    medium = models.CharField(_("medium"), max_length=20)
    price_cny = models.DecimalField(_("price (CNY per unit)"), **_DEC)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["budget", "medium", "valid_from"]
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        constraints = [
            models.CheckConstraint(condition=Q(price_cny__gte=0), name="budget_tariff_price_not_negative"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="budget_tariff_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_id} {self.medium} {self.price_cny} from {self.valid_from}"
