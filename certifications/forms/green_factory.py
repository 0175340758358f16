"""Forms of the green-factory pages: opening an evaluation, entering an indicator by hand, recording a
hand-decided gate item, a what-if value, and loading a scheme file."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.sites.models import Site

from ..models import Evidence, GateOutcome, Indicator, IndicatorType, Scheme
from ..selectors.green_factory import scheme_list

# What a stored value may hold (18 digits, 6 after the point).
VALUE_FIELD = {"max_digits": 18, "decimal_places": 6}


class EvaluationOpenForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.order_by("name"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = scheme_list()


class IndicatorValueForm(forms.Form):
    """A hand-entered value (quantitative and count indicators) or case (qualitative ones)."""

    value = forms.DecimalField(label=_("Value"), required=False, **VALUE_FIELD)
    case = forms.ChoiceField(label=_("Case"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the value is entered by hand, and where it comes from."),
    )
    evidence = forms.ModelMultipleChoiceField(
        label=_("Evidence"),
        queryset=Evidence.objects.none(),
        help_text=_("The evidence records of the site the value comes from."),
    )
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, indicator: Indicator, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["evidence"].queryset = evidence
        if indicator.type == IndicatorType.QUALITATIVE:
            del self.fields["value"]
            self.fields["case"].required = True
            self.fields["case"].choices = [
                (c["code"], f"{c['code']}: {c.get('name_en') or c['name_zh']}") for c in indicator.cases
            ]
        else:
            del self.fields["case"]
            self.fields["value"].required = True
            if indicator.unit:
                self.fields["value"].label = _("Value (%(unit)s)") % {"unit": indicator.unit}


class GateResultForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=GateOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=5000, required=False)
    evidence = forms.ModelMultipleChoiceField(
        label=_("Evidence"),
        queryset=Evidence.objects.none(),
        required=False,
        help_text=_("Required for a pass."),
    )

    def __init__(self, *args, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = evidence


class WhatIfForm(forms.Form):
    """An indicator and the value (or case code) to try; nothing is saved."""

    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    value = forms.CharField(
        label=_("Value or case"),
        max_length=40,
        help_text=_("In the indicator's unit; a case code (A, B, ...) for qualitative indicators."),
    )

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(scheme=scheme).order_by("position")
        self.fields["indicator"].label_from_instance = lambda i: f"{i.code} {i.name_zh} {i.name_en}".strip()

    def clean(self):
        data = super().clean()
        indicator, raw = data.get("indicator"), (data.get("value") or "").strip()
        if indicator is None or not raw:
            return data
        if indicator.type == IndicatorType.QUALITATIVE:
            if raw not in [c["code"] for c in indicator.cases]:
                self.add_error("value", _("Choose one of the indicator's cases."))
            data["what_if"] = raw
            return data
        field = forms.DecimalField(**VALUE_FIELD)
        try:
            number: Decimal = field.clean(raw)
        except forms.ValidationError:
            self.add_error("value", _("Enter a number in the indicator's unit."))
            return data
        data["what_if"] = number
        return data


class SchemeImportForm(forms.Form):
    file = forms.FileField(
        label=_("Scheme file"), help_text=_("A scheme file: YAML, or an Excel workbook (.xlsx).")
    )
