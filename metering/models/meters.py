"""Meters and the events (resets, exchanges) that explain a register going down."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metering.choices import Medium, MeterEventKind, MeterKind

validate_meter_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
    _("Use letters, digits, “-”, “_” and “.” (at most 40), starting with a letter or digit."),
)


class Meter(models.Model):
    """A physical or virtual meter at a site.

    A register is a counter read at instants; an interval meter reports a quantity over [start, end).
    A virtual meter has no readings of its own: its formula combines other meters of the same medium.
    """

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="meters", verbose_name=_("site")
    )
    code = models.CharField(_("code"), max_length=40, validators=[validate_meter_code])
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(
        _("Chinese name"),
        max_length=200,
        blank=True,
        db_default="",
        help_text=_("Shown on Chinese pages when given."),
    )
    medium = models.CharField(_("medium"), max_length=24, choices=Medium.choices)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("For example kWh, m3, t, GJ, L or kg."))
    kind = models.CharField(_("kind"), max_length=10, choices=MeterKind.choices, default=MeterKind.REGISTER)
    multiplier = models.DecimalField(
        _("multiplier"),
        max_digits=12,
        decimal_places=4,
        default=1,
        help_text=_("CT/PT ratio: register steps are multiplied by it."),
    )
    register_max = models.DecimalField(
        _("register maximum"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("The highest value the register shows before it returns to 0 (99999 for five digits)."),
    )
    rated_max_flow = models.DecimalField(
        _("rated maximum flow per hour"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("In the meter's unit per hour; a faster step is flagged as a spike."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent meter"),
    )
    active_from = models.DateTimeField(_("active from"))
    active_to = models.DateTimeField(_("active to"), null=True, blank=True)
    is_virtual = models.BooleanField(_("virtual"), default=False)
    formula = models.CharField(
        _("formula"),
        max_length=1000,
        blank=True,
        help_text=_("For virtual meters, e.g. [E-MAIN] - [E-101] - [E-102]. Codes in square brackets."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["site__code", "code"]
        verbose_name = _("meter")
        verbose_name_plural = _("meters")
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="meter_code_unique_per_site"),
            models.CheckConstraint(condition=Q(multiplier__gt=0), name="meter_multiplier_positive"),
            models.CheckConstraint(
                condition=Q(register_max__isnull=True) | Q(register_max__gt=0),
                name="meter_register_max_positive",
            ),
            models.CheckConstraint(
                condition=Q(rated_max_flow__isnull=True) | Q(rated_max_flow__gt=0),
                name="meter_rated_flow_positive",
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gt=F("active_from")),
                name="meter_active_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(is_virtual=False, formula="") | (Q(is_virtual=True) & ~Q(formula="")),
                name="meter_formula_iff_virtual",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def clean(self) -> None:
        from metering.units import UnitError, canonical_unit

        errors = {}
        if self.medium and self.unit:
            try:
                canonical_unit(medium=self.medium, unit=self.unit)
            except UnitError as exc:
                errors["unit"] = str(exc)
        if self.active_from and self.active_to and self.active_to <= self.active_from:
            errors["active_to"] = _("A meter's active period cannot end before it starts.")
        if self.is_virtual and not self.formula.strip():
            errors["formula"] = _("A virtual meter needs a formula.")
        if not self.is_virtual and self.formula.strip():
            errors["formula"] = _("Only virtual meters have a formula.")
        if self.register_max is not None and self.kind == MeterKind.INTERVAL:
            errors["register_max"] = _("Only cumulative registers have a register maximum.")
        if errors:
            raise ValidationError(errors)

    def is_active_at(self, when) -> bool:
        return self.active_from <= when and (self.active_to is None or when < self.active_to)


class MeterEvent(models.Model):
    """A register reset or meter exchange: across it, consumption continues from the new start value."""

    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="events", verbose_name=_("meter"))
    ts = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=10, choices=MeterEventKind.choices)
    old_final_value = models.FloatField(_("old final value"))
    new_start_value = models.FloatField(_("new start value"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meter", "-ts"]
        verbose_name = _("meter event")
        verbose_name_plural = _("meter events")
        constraints = [
            models.UniqueConstraint(fields=["meter", "ts"], name="meter_event_unique_time"),
            models.CheckConstraint(condition=Q(old_final_value__gte=0), name="meter_event_old_not_negative"),
            models.CheckConstraint(condition=Q(new_start_value__gte=0), name="meter_event_new_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.meter.code} {self.get_kind_display()} {self.ts:%Y-%m-%d %H:%M}"
