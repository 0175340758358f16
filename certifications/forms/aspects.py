"""Forms of the environmental aspects register: an aspect with one score per criterion of its
significance method (the criteria and their scales come from the method's data)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.forms import DATE_INPUT
from greenfactory.sites.models import Site

from ..models import AspectCondition, SignificanceMethod
from ..models.standards import _local
from ..selectors.aspects import methods_with_criteria
from ..selectors.evidence import owner_candidates
from .standards import ClausePickerField

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def score_field_name(method: SignificanceMethod, code: str) -> str:
    return f"score__{method.code}__{code}"


class AspectForm(forms.Form):
    reference = forms.CharField(
        max_length=40,
        required=False,
        label=_("Reference"),
        help_text=_("Left empty: the next ASP-<year>-NNN."),
    )
    title = forms.CharField(max_length=300, label=_("Title"))
    title_zh = forms.CharField(max_length=300, required=False, label=_("Chinese title"))
    activity = forms.CharField(max_length=300, label=_("Activity or process"))
    aspect = forms.CharField(max_length=300, label=_("Aspect"))
    impact = forms.CharField(max_length=300, label=_("Impact"))
    condition = forms.ChoiceField(choices=AspectCondition.choices, label=_("Condition"))
    method = forms.ModelChoiceField(
        queryset=SignificanceMethod.objects.order_by("code"), empty_label=None, label=_("Significance method")
    )
    operational_controls = forms.CharField(required=False, widget=TEXTAREA, label=_("Operational controls"))
    objectives = forms.CharField(required=False, widget=TEXTAREA, label=_("Objectives"))
    review_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Review on"))
    owner = forms.ModelChoiceField(queryset=owner_candidates(), label=_("Owner"))
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Sites"),
        help_text=_("Leave empty when the aspect applies to every site."),
    )
    clauses = ClausePickerField(required=False, label=_("Clauses"))
    notes = forms.CharField(required=False, widget=TEXTAREA, label=_("Notes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.methods = list(methods_with_criteria().order_by("code"))
        self.score_groups: list[tuple[SignificanceMethod, list[str]]] = []
        for method in self.methods:
            names = []
            for criterion in method.criteria.all():
                choices = [("", "—")] + [
                    (
                        str(n),
                        f"{n} {_local(criterion.scale.get(str(n), ''), criterion.scale_zh.get(str(n), ''))}",
                    )
                    for n in range(criterion.min_score, criterion.max_score + 1)
                ]
                name = score_field_name(method, criterion.code)
                self.fields[name] = forms.TypedChoiceField(
                    coerce=int, choices=choices, required=False, label=str(criterion)
                )
                names.append(name)
            self.score_groups.append((method, names))

    def entry_fields(self) -> list[forms.BoundField]:
        """The fields before and after the scores, as the page lays them out."""
        return [self[name] for name in self.fields if not name.startswith("score__") and name != "version"]

    def score_fieldsets(self) -> list[tuple[SignificanceMethod, list[forms.BoundField]]]:
        return [(method, [self[name] for name in names]) for method, names in self.score_groups]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        method = cleaned.get("method")
        for chosen, names in self.score_groups:
            if method is None or chosen.pk != method.pk:
                continue
            scores = {}
            for criterion, name in zip(chosen.criteria.all(), names, strict=True):
                value = cleaned.pop(name, None)
                if value in (None, ""):
                    self.add_error(name, _("Give a score."))
                else:
                    scores[criterion.code] = value
            cleaned["scores"] = scores
        for _method, names in self.score_groups:
            for name in names:
                cleaned.pop(name, None)
        return cleaned


class AspectUpdateForm(AspectForm):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


def aspect_initial(aspect: Any) -> dict[str, Any]:
    """The edit form's scores: the stored ones, in the fields of the aspect's method."""
    return {score_field_name(aspect.method, code): value for code, value in aspect.scores.items()}
