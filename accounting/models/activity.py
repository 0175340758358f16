"""Activity data without a meter: refrigerant refills, fuel deliveries, green certificates, scope 3."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounting.choices import Fuel, Scope3Category


class _Activity(models.Model):
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-date", "-id"]


class RefrigerantRefill(_Activity):
    """Refrigerant put back into a piece of equipment: the leak since the last refill (scope 1)."""

    equipment = models.CharField(_("equipment"), max_length=120)
    gas = models.CharField(
        _("gas"), max_length=30, help_text=_("A gas of the GWP set or a blend, e.g. R-410A.")
    )
    kg = models.DecimalField(_("kg"), max_digits=12, decimal_places=3)
    history = HistoricalRecords(table_name="metering_historicalrefrigerantrefill")

    class Meta(_Activity.Meta):
        db_table = "metering_refrigerantrefill"
        verbose_name = _("refrigerant refill")
        verbose_name_plural = _("refrigerant refills")
        constraints = [models.CheckConstraint(condition=Q(kg__gt=0), name="refrigerant_refill_kg_positive")]

    def __str__(self) -> str:
        return f"{self.date} {self.equipment} {self.gas} {self.kg} kg"


class FuelDelivery(_Activity):
    """Fuel bought and burnt without a meter (counted on its date): scope 1 and tce."""

    fuel = models.CharField(_("fuel"), max_length=20, choices=Fuel.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=10, help_text=_("For example L, kg, t or m3."))
    history = HistoricalRecords(table_name="metering_historicalfueldelivery")

    class Meta(_Activity.Meta):
        db_table = "metering_fueldelivery"
        verbose_name = _("fuel delivery")
        verbose_name_plural = _("fuel deliveries")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="fuel_delivery_positive")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_fuel_display()} {self.quantity} {self.unit}"


class GreenCertificateRetirement(_Activity):
    """Green electricity certificates retired for the site: they cover kWh of the same vintage year."""

    certificate_ref = models.CharField(_("certificate reference"), max_length=120, blank=True)
    kwh = models.DecimalField(_("kWh"), max_digits=16, decimal_places=3)
    vintage = models.PositiveSmallIntegerField(_("vintage year"))
    history = HistoricalRecords(table_name="metering_historicalgreencertificateretirement")

    class Meta(_Activity.Meta):
        db_table = "metering_greencertificateretirement"
        verbose_name = _("green certificate retirement")
        verbose_name_plural = _("green certificate retirements")
        constraints = [models.CheckConstraint(condition=Q(kwh__gt=0), name="green_certificate_kwh_positive")]

    def __str__(self) -> str:
        return f"{self.date} {self.kwh} kWh ({self.vintage})"


class Scope3Activity(_Activity):
    """Indirect activity (transport tonne-km, purchased materials) with its own emission factor."""

    category = models.PositiveSmallIntegerField(_("ISO 14064-1 category"), choices=Scope3Category.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("For example t·km or t."))
    factor_kg_per_unit = models.DecimalField(_("factor (kgCO2e per unit)"), max_digits=14, decimal_places=6)
    factor_source = models.CharField(_("factor source"), max_length=300)
    history = HistoricalRecords(table_name="metering_historicalscope3activity")

    class Meta(_Activity.Meta):
        db_table = "metering_scope3activity"
        verbose_name = _("scope 3 activity")
        verbose_name_plural = _("scope 3 activities")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="scope3_quantity_not_negative"),
            models.CheckConstraint(condition=Q(factor_kg_per_unit__gte=0), name="scope3_factor_not_negative"),
            models.CheckConstraint(
                condition=Q(category__gte=3, category__lte=6), name="scope3_category_3_to_6"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.description}"
