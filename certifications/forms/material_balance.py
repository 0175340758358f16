"""Forms of the material balance: the month's figures, its output products (a formset), its
import from Excel, and the list's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.validators import MONTH_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site

from ..models import Evidence

_MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
_NUMBER = {"min_value": 0, "max_digits": 14, "decimal_places": 4, "required": False}


class MonthField(forms.DateField):
    """A month picker (YYYY-MM); a full date is accepted too and means its month."""

    widget = _MONTH
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        if day and not date_is_plausible(day):
            raise forms.ValidationError(MONTH_OUT_OF_RANGE)
        return day.replace(day=1) if day else day


def _tonnes(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, **{**_NUMBER, **kwargs})


class MaterialBalanceForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.order_by("code"), label=_("Site"))
    period_start = MonthField(label=_("Month"))
    input_ncm_t = _tonnes(_("NCM batteries in (t)"), required=True, initial=0)
    input_lfp_t = _tonnes(_("LFP batteries in (t)"), required=True, initial=0)
    input_lco_t = _tonnes(_("LCO batteries in (t)"), required=True, initial=0)
    input_lmo_t = _tonnes(_("LMO batteries in (t)"), required=True, initial=0)
    input_other_t = _tonnes(_("Other batteries in (t)"), required=True, initial=0)
    input_li_t = _tonnes(
        _("Li in the input (t)"), help_text=_("From the assay; leave empty when not assayed.")
    )
    input_ni_t = _tonnes(_("Ni in the input (t)"))
    input_co_t = _tonnes(_("Co in the input (t)"))
    input_mn_t = _tonnes(_("Mn in the input (t)"))
    input_cu_t = _tonnes(_("Cu in the input (t)"))
    input_al_t = _tonnes(_("Al in the input (t)"))
    powder_input_t = _tonnes(_("Electrode powder in the input (t)"))
    powder_recovered_t = _tonnes(_("Electrode powder recovered after crushing and separation (t)"))
    powder_al_pct = _tonnes(_("Al impurity in the powder (%)"), max_value=100)
    powder_cu_pct = _tonnes(_("Cu impurity in the powder (%)"), max_value=100)
    water_used_m3 = _tonnes(_("Process water used (m³)"), decimal_places=3)
    water_recycled_m3 = _tonnes(_("Process water recycled (m³)"), decimal_places=3)
    evidence = forms.ModelMultipleChoiceField(
        queryset=Evidence.objects.order_by("title"),
        required=False,
        label=_("Assay reports (evidence)"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Notes"))


class MaterialBalanceUpdateForm(MaterialBalanceForm):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A balance stays on its site and month; a wrong month is a new balance.
        for name in ("site", "period_start"):
            self.fields[name].disabled = True


class OutputForm(forms.Form):
    product = forms.CharField(max_length=120, required=False, label=_("Product"))
    tonnes = _tonnes(_("Tonnes"))
    li_t = _tonnes(_("Li (t)"))
    ni_t = _tonnes(_("Ni (t)"))
    co_t = _tonnes(_("Co (t)"))
    mn_t = _tonnes(_("Mn (t)"))
    cu_t = _tonnes(_("Cu (t)"))
    al_t = _tonnes(_("Al (t)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["style"] = "width: 10rem" if name == "product" else "width: 6.5rem"

    def clean(self):
        data = super().clean()
        figures = [v for k, v in data.items() if k != "product" and v is not None]
        if figures and not data.get("product"):
            raise forms.ValidationError(_("Name the product of this row."))
        if data.get("product") and data.get("tonnes") is None:
            self.add_error("tonnes", _("Give its tonnes."))
        return data


OutputFormSet = forms.formset_factory(OutputForm, extra=3, max_num=30, absolute_max=30)


class MaterialBalanceImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook"), help_text=_("Filled in from the template."))


class MaterialBalanceFilterForm(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.order_by("code"), required=False, label=_("Site"), empty_label=_("All sites")
    )
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100, label=_("Year"))
