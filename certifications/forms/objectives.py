"""Forms of the objectives register: an objective and a progress entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.forms import DATE_INPUT
from greenfactory.sites.models import Site

from ..models import Objective, ObjectiveProgress, Standard
from ..selectors.evidence import owner_candidates
from .standards import ClausePickerField

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ObjectiveForm(forms.ModelForm):
    clauses = ClausePickerField(required=False, label=_("Clauses"))
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput, required=False)

    class Meta:
        model = Objective
        fields = [
            "reference",
            "title",
            "title_zh",
            "standards",
            "measure",
            "baseline",
            "target",
            "unit",
            "direction",
            "starts_on",
            "due_on",
            "status",
            "follows",
            "kpi",
            "kpi_site",
            "owner",
            "sites",
            "notes",
        ]
        labels = {"title": _("Objective")}
        widgets = {
            "notes": TEXTAREA,
            "starts_on": DATE_INPUT,
            "due_on": DATE_INPUT,
            "sites": forms.CheckboxSelectMultiple,
            "standards": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "kpi": _("When the objective follows a KPI: the figure, summed over the period up to yesterday."),
            "kpi_site": _("When the objective follows a KPI: the site whose KPI it follows."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_candidates()
        self.fields["sites"].queryset = Site.objects.order_by("code")
        self.fields["kpi_site"].queryset = Site.objects.order_by("code")
        self.fields["standards"].queryset = Standard.objects.order_by("sort_key", "code")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["clauses"].initial = [c.pk for c in self.instance.clauses.all()]


class ProgressForm(forms.ModelForm):
    class Meta:
        model = ObjectiveProgress
        fields = ["recorded_on", "value", "note"]
        widgets = {"recorded_on": DATE_INPUT}
