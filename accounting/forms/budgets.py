"""The energy-budget form: a site's year with twelve monthly amounts per quantity in one form."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounting.models import BudgetQuantity
from greenfactory.sites.models import Site
from metering.choices import Medium

MONTHS = range(1, 13)
ROWS = (("tce", _("Comprehensive energy (tce)")), ("medium", _("Medium")), ("tco2e", _("Emissions (tCO2e)")))
_AMOUNT = {"min_value": Decimal(0), "max_digits": 18, "decimal_places": 6, "required": False}


def month_field(row: str, month: int) -> str:
    return f"{row}_{month}"


class BudgetForm(forms.Form):
    """Rows left blank are not budgeted; a row with any month filled needs all twelve."""

    site = forms.ModelChoiceField(
        queryset=Site.objects.order_by("code"), to_field_name="code", label=_("Site")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    tolerance_percent = forms.DecimalField(
        label=_("Tolerance (%)"), min_value=Decimal(0), max_value=Decimal(1000), decimal_places=2, initial=5
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    medium = forms.ChoiceField(label=_("Medium"), choices=Medium.choices, initial=Medium.ELECTRICITY)
    tariff_price = forms.DecimalField(
        label=_("Tariff of the medium (CNY per unit)"), min_value=Decimal(0), required=False, decimal_places=6
    )
    tariff_from = forms.DateField(
        label=_("Tariff valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tariff_to = forms.DateField(
        label=_("Tariff valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    months = list(MONTHS)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for row, label in ROWS:
            for month in MONTHS:
                attrs = {"step": "any", "class": "month-amount", "aria-label": f"{label} {month}"}
                self.fields[month_field(row, month)] = forms.DecimalField(
                    **_AMOUNT, label=f"{label} {month}", widget=forms.NumberInput(attrs=attrs)
                )
        if editing:
            self.fields["site"].disabled = True
            self.fields["year"].disabled = True

    def grid(self):
        """The rows of the monthly table as (key, label, [bound fields])."""
        return [(row, label, [self[month_field(row, m)] for m in MONTHS]) for row, label in ROWS]

    def clean(self):
        data = super().clean()
        lines = {}
        for row, _label in ROWS:
            amounts = [data.get(month_field(row, m)) for m in MONTHS]
            if all(a is None for a in amounts):
                continue
            if any(a is None for a in amounts):
                raise forms.ValidationError(_("Fill all twelve months of a row, or leave the row blank."))
            key = (row, data.get("medium", "")) if row == BudgetQuantity.MEDIUM else (row, "")
            lines[key] = amounts
        if not lines:
            raise forms.ValidationError(_("Give the monthly budget of at least one quantity."))
        data["lines"] = lines
        price, start = data.get("tariff_price"), data.get("tariff_from")
        if (price is None) != (start is None):
            raise forms.ValidationError(_("A tariff needs both its price and the day it is valid from."))
        data["tariffs"] = (
            [
                {
                    "medium": data["medium"],
                    "price_cny": price,
                    "valid_from": start,
                    "valid_to": data.get("tariff_to"),
                }
            ]
            if price is not None
            else []
        )
        return data


class CopyForm(forms.Form):
    """Fill the form from a year's stored actuals, changed by a percentage."""

    copy_year = forms.IntegerField(label=_("Actuals of year"), min_value=2000, max_value=2100)
    percent = forms.DecimalField(
        label=_("Change (%)"), initial=0, min_value=Decimal(-100), max_value=Decimal(1000)
    )
