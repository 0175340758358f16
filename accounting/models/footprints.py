"""Product carbon footprint studies (ISO 14067): the product system of one of the plant's outputs over a
period, its manual inventory items, its co-products for allocation, and the results frozen when issued.

Measured inputs (electricity, fuels, heat, refrigerants, transport) are not stored here: they are read
from the site's KPIs and activity data each time the study is computed (accounting.selectors.footprints),
so an issued result is the only copy of what was counted then.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FootprintProduct(models.TextChoices):
    BLACK_MASS = "black_mass", _("Black mass")
    COPPER = "copper", _("Copper")
    ALUMINIUM = "aluminium", _("Aluminium")
    PLASTICS = "plastics", _("Plastics")
    ELECTROLYTE = "electrolyte", _("Electrolyte")
    BATTERIES = "batteries_processed", _("Batteries processed")


class UnitKind(models.TextChoices):
    DECLARED = "declared", _("Declared unit")
    FUNCTIONAL = "functional", _("Functional unit")


class SystemBoundary(models.TextChoices):
    GATE_TO_GATE = "gate_to_gate", _("Gate to gate (the recycling process)")
    CRADLE_TO_GATE = "cradle_to_gate", _("Cradle to gate (with inputs and transport)")


class Allocation(models.TextChoices):
    MASS = "mass", _("By mass")
    ECONOMIC = "economic", _("By economic value")
    SYSTEM_EXPANSION = "system_expansion", _("System expansion (avoided products)")


class FootprintStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class LifeCycleStage(models.TextChoices):
    RAW_MATERIALS = "raw_materials", _("Raw materials and inputs")
    TRANSPORT = "transport", _("Transport to the plant")
    PRODUCTION = "production", _("Recycling process")
    WASTE = "waste", _("Treatment of process waste")


# How a result names the credits of system expansion, beside the stages.
AVOIDED_LABEL = _("Avoided products (credits)")

# The stages a boundary counts; items of other stages are listed but left out.
BOUNDARY_STAGES = {
    SystemBoundary.GATE_TO_GATE: frozenset({LifeCycleStage.PRODUCTION, LifeCycleStage.WASTE}),
    SystemBoundary.CRADLE_TO_GATE: frozenset(LifeCycleStage),
}


class ItemKind(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity")
    FUEL = "fuel", _("Fuel")
    HEAT = "heat", _("Heat and steam")
    REFRIGERANT = "refrigerant", _("Refrigerant")
    TRANSPORT = "transport", _("Transport")
    CHEMICAL = "chemical", _("Chemical")
    CONSUMABLE = "consumable", _("Consumable")
    PACKAGING = "packaging", _("Packaging")
    WASTE_TREATMENT = "waste_treatment", _("Waste treatment")
    OTHER = "other", _("Other")


_PEDIGREE = [MinValueValidator(1), MaxValueValidator(5)]


class FootprintStudy(models.Model):
    """A footprint study of one product of a site over a period, and the choices its result rests on."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    title = models.CharField(_("title"), max_length=200)
    product = models.CharField(_("product"), max_length=30, choices=FootprintProduct.choices)
    unit_kind = models.CharField(
        _("unit"), max_length=12, choices=UnitKind.choices, default=UnitKind.DECLARED
    )
    declared_unit = models.CharField(
        _("declared or functional unit"), max_length=200, help_text=_("For example: 1 t of black mass.")
    )
    declared_amount_t = models.DecimalField(
        _("tonnes of product in one unit"), max_digits=12, decimal_places=6, default=Decimal(1)
    )
    boundary = models.CharField(_("system boundary"), max_length=20, choices=SystemBoundary.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    cut_off = models.TextField(
        _("cut-off rules"),
        blank=True,
        help_text=_("What was left out and why (e.g. inputs below one per cent of the mass)."),
    )
    allocation = models.CharField(
        _("allocation among co-products"), max_length=20, choices=Allocation.choices
    )
    gwp_set = models.ForeignKey(
        "accounting.FactorSet", on_delete=models.PROTECT, related_name="+", verbose_name=_("GWP set")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FootprintStatus.choices, default=FootprintStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end", "site", "product", "pk"]
        verbose_name = _("footprint study")
        verbose_name_plural = _("footprint studies")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="footprint_period_order"
            ),
            models.CheckConstraint(
                condition=Q(declared_amount_t__gt=0), name="footprint_declared_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def issued(self) -> bool:
        return self.status == FootprintStatus.ISSUED


class FootprintCoProduct(models.Model):
    """An output of the study's period: its tonnes (mass allocation), its price (economic allocation)
    and the emissions its use avoids elsewhere (system expansion)."""

    study = models.ForeignKey(
        FootprintStudy, on_delete=models.CASCADE, related_name="coproducts", verbose_name=_("study")
    )
    product = models.CharField(_("product"), max_length=30, choices=FootprintProduct.choices)
    output_t = models.DecimalField(_("output (t)"), max_digits=16, decimal_places=6)
    price_cny_per_t = models.DecimalField(
        _("price in the period (CNY/t)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    avoided_kg_per_t = models.DecimalField(
        _("avoided emissions (kgCO2e/t)"),
        max_digits=16,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Of the primary product it replaces, for system expansion."),
    )
    avoided_source = models.CharField(_("source of the avoided emissions"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["study", "product"]
        verbose_name = _("co-product")
        verbose_name_plural = _("co-products")
        constraints = [
            models.UniqueConstraint(fields=["study", "product"], name="footprint_coproduct_unique"),
            models.CheckConstraint(condition=Q(output_t__gt=0), name="footprint_coproduct_output_positive"),
            models.CheckConstraint(
                condition=Q(price_cny_per_t__isnull=True) | Q(price_cny_per_t__gte=0),
                name="footprint_coproduct_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(avoided_kg_per_t__isnull=True) | Q(avoided_kg_per_t__gte=0),
                name="footprint_coproduct_avoided_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_product_display()} {self.output_t} t"


class FootprintItem(models.Model):
    """A manual inventory item (chemicals, consumables, packaging, waste treatment...) with its factor,
    source and data-quality rating (pedigree matrix, 1 best to 5 worst)."""

    study = models.ForeignKey(
        FootprintStudy, on_delete=models.CASCADE, related_name="items", verbose_name=_("study")
    )
    stage = models.CharField(_("life-cycle stage"), max_length=20, choices=LifeCycleStage.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=20)
    factor_kg_per_unit = models.DecimalField(_("factor (kgCO2e per unit)"), max_digits=18, decimal_places=6)
    factor_source = models.CharField(_("factor source"), max_length=300)
    gas = models.CharField(
        _("gas"), max_length=30, default="CO2e", help_text=_("CO2e when the factor mixes gases.")
    )
    reliability = models.PositiveSmallIntegerField(_("reliability"), default=3, validators=_PEDIGREE)
    completeness = models.PositiveSmallIntegerField(_("completeness"), default=3, validators=_PEDIGREE)
    temporal = models.PositiveSmallIntegerField(_("temporal correlation"), default=3, validators=_PEDIGREE)
    geographical = models.PositiveSmallIntegerField(
        _("geographical correlation"), default=3, validators=_PEDIGREE
    )
    technological = models.PositiveSmallIntegerField(
        _("technological correlation"), default=3, validators=_PEDIGREE
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["study", "stage", "pk"]
        verbose_name = _("footprint inventory item")
        verbose_name_plural = _("footprint inventory items")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="footprint_item_quantity_not_negative"),
            models.CheckConstraint(
                condition=Q(factor_kg_per_unit__gte=0), name="footprint_item_factor_not_negative"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"footprint_item_{name}_1_to_5",
                )
                for name in ("reliability", "completeness", "temporal", "geographical", "technological")
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def pedigree(self) -> tuple[int, int, int, int, int]:
        return (self.reliability, self.completeness, self.temporal, self.geographical, self.technological)


class FootprintResult(models.Model):
    """The result of a study as it was issued: a read-only snapshot with its version number."""

    study = models.ForeignKey(
        FootprintStudy, on_delete=models.CASCADE, related_name="results", verbose_name=_("study")
    )
    version = models.PositiveIntegerField(_("version"))
    per_unit_kg = models.DecimalField(
        _("kgCO2e per declared unit"), max_digits=22, decimal_places=6, null=True, blank=True
    )
    result = models.JSONField(_("result"))
    issued_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        ordering = ["study", "-version"]
        verbose_name = _("issued footprint result")
        verbose_name_plural = _("issued footprint results")
        constraints = [
            models.UniqueConstraint(fields=["study", "version"], name="footprint_result_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.study_id} v{self.version}"
