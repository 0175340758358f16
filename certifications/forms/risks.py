"""Forms of the risks and opportunities register: an entry, and an action with its evaluation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.forms import DATE_INPUT
from greenfactory.sites.models import Site

from ..models import RiskAction, RiskOpportunity, Standard
from ..models.risks import risk_matrix
from ..selectors.evidence import owner_candidates
from .standards import ClausePickerField

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class RiskForm(forms.ModelForm):
    clauses = ClausePickerField(required=False, label=_("Clauses"))
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput, required=False)

    class Meta:
        model = RiskOpportunity
        fields = [
            "reference",
            "kind",
            "title",
            "title_zh",
            "standards",
            "source",
            "context",
            "description",
            "likelihood",
            "consequence",
            "status",
            "owner",
            "sites",
            "review_on",
            "notes",
        ]
        widgets = {
            "context": TEXTAREA,
            "description": TEXTAREA,
            "notes": TEXTAREA,
            "review_on": DATE_INPUT,
            "sites": forms.CheckboxSelectMultiple,
            "standards": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        matrix = risk_matrix()
        self.fields["likelihood"] = forms.TypedChoiceField(
            coerce=int,
            label=_("Likelihood"),
            choices=[(x.level, f"{x.level} {x.label}") for x in matrix.likelihood],
        )
        self.fields["consequence"] = forms.TypedChoiceField(
            coerce=int,
            label=_("Consequence"),
            choices=[(x.level, f"{x.level} {x.label}") for x in matrix.consequence],
            help_text=_("For an opportunity: how large the benefit would be."),
        )
        self.fields["owner"].queryset = owner_candidates()
        self.fields["sites"].queryset = Site.objects.order_by("code")
        self.fields["standards"].queryset = Standard.objects.order_by("sort_key", "code")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["clauses"].initial = [c.pk for c in self.instance.clauses.all()]


class RiskActionForm(forms.ModelForm):
    class Meta:
        model = RiskAction
        fields = ["action", "owner", "due_on", "done_on", "effectiveness", "evaluated_on", "notes"]
        widgets = {
            "action": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "due_on": DATE_INPUT,
            "done_on": DATE_INPUT,
            "evaluated_on": DATE_INPUT,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_candidates()
