"""Forms of the OH&S hazards register: a hazard with its factors before and after controls on the
scales of its risk method (from the method's data), and its controls by the hierarchy."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.forms import DATE_INPUT
from greenfactory.sites.models import Site

from ..models import ControlLevel, RiskMethod
from ..models.standards import _local
from ..selectors.evidence import owner_candidates
from .standards import ClausePickerField

TEXTAREA = forms.Textarea(attrs={"rows": 3})
STAGES = ("initial", "residual")


def factor_field_name(stage: str, method: RiskMethod, code: str) -> str:
    return f"{stage}__{method.code}__{code}"


def _number(value: str) -> int | float:
    """A factor value as the method's data writes it: 3 as 3, 0.5 as 0.5."""
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


class HazardForm(forms.Form):
    reference = forms.CharField(
        max_length=40,
        required=False,
        label=_("Reference"),
        help_text=_("Left empty: the next HAZ-<year>-NNN."),
    )
    title = forms.CharField(max_length=300, label=_("Title"))
    title_zh = forms.CharField(max_length=300, required=False, label=_("Chinese title"))
    hazard = forms.CharField(max_length=300, label=_("Hazard"))
    activity = forms.CharField(max_length=300, label=_("Activity"))
    exposed = forms.CharField(max_length=300, required=False, label=_("Who is exposed"))
    method = forms.ModelChoiceField(
        queryset=RiskMethod.objects.order_by("code"), empty_label=None, label=_("Risk method")
    )
    review_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Review on"))
    owner = forms.ModelChoiceField(queryset=owner_candidates(), label=_("Owner"))
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Sites"),
        help_text=_("Leave empty when the hazard applies to every site."),
    )
    clauses = ClausePickerField(required=False, label=_("Clauses"))
    notes = forms.CharField(required=False, widget=TEXTAREA, label=_("Notes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.methods = list(RiskMethod.objects.order_by("code"))
        self.factor_groups: list[tuple[str, RiskMethod, list[tuple[str, str]]]] = []
        for stage in STAGES:
            for method in self.methods:
                names = []
                for factor in method.factors:
                    values = sorted(factor["values"], key=Decimal, reverse=True)
                    labels_zh = factor.get("values_zh", {})
                    choices = [("", "—")] + [
                        (v, f"{v} {_local(factor['values'][v], labels_zh.get(v, ''))}") for v in values
                    ]
                    name = factor_field_name(stage, method, factor["code"])
                    label = _local(factor["name"], factor.get("name_zh", ""))
                    self.fields[name] = forms.ChoiceField(
                        choices=choices, required=False, label=f"{factor['code']} · {label}"
                    )
                    names.append((factor["code"], name))
                self.factor_groups.append((stage, method, names))

    def entry_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.fields if not n.startswith(STAGES) and n != "version"]

    def factor_fieldsets(self) -> list[dict[str, Any]]:
        return [
            {"stage": stage, "method": method, "fields": [self[name] for _code, name in names]}
            for stage, method, names in self.factor_groups
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        method = cleaned.get("method")
        for stage, chosen, names in self.factor_groups:
            values = {code: cleaned.pop(name, "") for code, name in names}
            if method is None or chosen.pk != method.pk:
                continue
            given = {code: _number(v) for code, v in values.items() if v}
            if stage == "residual" and not given:
                cleaned["residual_factors"] = {}
                continue
            for code, name in names:
                if code not in given:
                    self.add_error(name, _("Choose a value."))
            cleaned[f"{stage}_factors"] = given
        return cleaned


class HazardUpdateForm(HazardForm):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class HazardControlForm(forms.Form):
    level = forms.ChoiceField(
        choices=[("", "—"), *ControlLevel.choices], required=False, label=_("Level of the hierarchy")
    )
    description = forms.CharField(max_length=500, required=False, label=_("Control"))
    in_place = forms.BooleanField(required=False, initial=True, label=_("In place"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("description") and not cleaned.get("level"):
            self.add_error("level", _("Choose a level of the hierarchy of controls."))
        return cleaned


ControlFormSet = forms.formset_factory(HazardControlForm, extra=3, max_num=30, validate_max=True)


def controls_of(formset: Any) -> list[tuple[str, str, bool]]:
    """The controls a valid formset lists: rows with a description (an emptied row is removed)."""
    return [
        (row["level"], row["description"], row["in_place"])
        for row in formset.cleaned_data
        if row.get("description")
    ]


def hazard_initial(hazard: Any) -> dict[str, Any]:
    """The edit form's factor fields: the stored values, in the fields of the hazard's method."""
    initial = {}
    for stage in STAGES:
        for code, value in (getattr(hazard, f"{stage}_factors") or {}).items():
            initial[factor_field_name(stage, hazard.method, code)] = format(
                Decimal(str(value)).normalize(), "f"
            )
    return initial
