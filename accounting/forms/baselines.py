"""Forms of the energy-baseline pages: define a baseline, degree days, adjustments and targets."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounting.models.baselines import BaselineScope, EnergyMeasure, TargetKind
from greenfactory.core.validators import MONTH_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site
from metering.choices import Medium
from metering.models import Meter

_MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
_DATE = forms.DateInput(attrs={"type": "date"})
ENERGY_MEDIA = [
    (m.value, m.label)
    for m in (Medium.ELECTRICITY, Medium.PV_GENERATION, Medium.GREEN_ELECTRICITY, Medium.HEAT, Medium.STEAM)
]


class MonthField(forms.DateField):
    """A month picker (YYYY-MM); a full date is accepted too and means its month."""

    widget = _MONTH
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        if day and not date_is_plausible(day):
            raise forms.ValidationError(MONTH_OUT_OF_RANGE)
        return day


class BaselineForm(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.order_by("code"), to_field_name="code", label=_("Site")
    )
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=120)
    scope = forms.ChoiceField(label=_("Scope"), choices=BaselineScope.choices, initial=BaselineScope.SITE)
    seu_name = forms.CharField(
        label=_("Significant energy use"),
        max_length=120,
        required=False,
        help_text=_("For example: shredding and crushing. Only for a significant energy use."),
    )
    meters = forms.ModelMultipleChoiceField(
        queryset=Meter.objects.filter(is_virtual=False).select_related("site").order_by("site__code", "code"),
        required=False,
        label=_("Meters of the significant energy use"),
    )
    measure = forms.ChoiceField(label=_("Energy measure"), choices=EnergyMeasure.choices)
    medium = forms.ChoiceField(
        label=_("Medium (for MWh of a whole site)"),
        choices=ENERGY_MEDIA,
        initial=Medium.ELECTRICITY,
        required=False,
    )
    base_start = MonthField(label=_("Baseline period: first month"))
    base_end = MonthField(label=_("Baseline period: last month"))
    use_hdd = forms.BooleanField(label=_("Heating degree days as a driver"), required=False)
    use_cdd = forms.BooleanField(label=_("Cooling degree days as a driver"), required=False)


class DriverValuesForm(forms.Form):
    """One year of degree days for a site: a pair of fields per month."""

    def __init__(self, *args, months: list[dt.date], initial_values: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.months = months
        for month in months:
            hdd, cdd = initial_values.get(month, (None, None))
            key = month.strftime("%Y_%m")
            for name, label, value in (("hdd", _("HDD"), hdd), ("cdd", _("CDD"), cdd)):
                self.fields[f"{name}_{key}"] = forms.DecimalField(
                    label=label,
                    required=False,
                    min_value=0,
                    max_value=2000,
                    decimal_places=2,
                    initial=value,
                    widget=forms.NumberInput(attrs={"aria-label": f"{label} {month:%Y-%m}", "step": "0.01"}),
                )

    def rows(self):
        for month in self.months:
            key = month.strftime("%Y_%m")
            yield month, self[f"hdd_{key}"], self[f"cdd_{key}"]

    def values(self):
        for month in self.months:
            key = month.strftime("%Y_%m")
            yield month, self.cleaned_data.get(f"hdd_{key}"), self.cleaned_data.get(f"cdd_{key}")


class AdjustmentForm(forms.Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=_DATE)
    per_period = forms.DecimalField(
        label=_("Added to expected per month"),
        max_digits=18,
        decimal_places=6,
        help_text=_("In the baseline's unit; negative when the change lowers consumption."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class TargetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Target"), choices=TargetKind.choices)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=6, min_value=0)
    active_from = forms.DateField(label=_("Checked from"), widget=_DATE, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class SiteTargetForm(TargetForm):
    site = forms.ModelChoiceField(
        queryset=Site.objects.order_by("code"),
        to_field_name="code",
        label=_("Site"),
        widget=forms.HiddenInput,
    )
    kind = forms.ChoiceField(
        label=_("Target"), choices=[(TargetKind.TCE_PER_T_MAX.value, TargetKind.TCE_PER_T_MAX.label)]
    )
