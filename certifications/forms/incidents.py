"""Forms of the incidents register: an incident at one site with its figures and its national grade
(grades from the grading data), its investigation once recorded, and a step of its workflow."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.forms import DATE_INPUT
from greenfactory.sites.models import Site

from ..models import Finding
from ..models.incidents import IncidentGrade, IncidentKind, IncidentStatus
from ..selectors.evidence import evidence_choices, owner_candidates
from .standards import ClausePickerField

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IncidentForm(forms.Form):
    reference = forms.CharField(
        max_length=40,
        required=False,
        label=_("Reference"),
        help_text=_("Left empty: the next INC-<year>-NNN."),
    )
    title = forms.CharField(max_length=300, label=_("Title"))
    title_zh = forms.CharField(max_length=300, required=False, label=_("Chinese title"))
    kind = forms.ChoiceField(choices=IncidentKind.choices, label=_("Kind"))
    occurred_at = forms.DateTimeField(widget=DATETIME_INPUT, label=_("Occurred at"))
    site = forms.ModelChoiceField(queryset=Site.objects.order_by("code"), label=_("Site"))
    deaths = forms.IntegerField(min_value=0, max_value=100000, initial=0, label=_("Deaths"))
    serious_injuries = forms.IntegerField(
        min_value=0, max_value=100000, initial=0, label=_("Serious injuries")
    )
    minor_injuries = forms.IntegerField(min_value=0, max_value=100000, initial=0, label=_("Minor injuries"))
    direct_loss_cny = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=2, initial=0, label=_("Direct loss (CNY)")
    )
    grade = forms.ModelChoiceField(
        queryset=IncidentGrade.objects.order_by("scheme", "rank"),
        required=False,
        label=_("Grade"),
        help_text=_("Left empty: the figures suggest the grade by the national rules."),
    )
    description = forms.CharField(required=False, widget=TEXTAREA, label=_("Description"))
    owner = forms.ModelChoiceField(queryset=owner_candidates(), label=_("Owner"))
    clauses = ClausePickerField(required=False, label=_("Clauses"))
    evidence = forms.ModelMultipleChoiceField(
        queryset=evidence_choices(), required=False, label=_("Evidence")
    )
    findings = forms.ModelMultipleChoiceField(
        queryset=Finding.objects.order_by("reference"),
        required=False,
        label=_("Findings"),
    )
    notes = forms.CharField(required=False, widget=TEXTAREA, label=_("Notes"))

    def entry_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name != "version"]


class IncidentUpdateForm(IncidentForm):
    investigation = forms.CharField(required=False, widget=TEXTAREA, label=_("Investigation"))
    root_cause = forms.CharField(required=False, widget=TEXTAREA, label=_("Root cause"))
    investigated_by = forms.ModelChoiceField(
        queryset=owner_candidates(), required=False, label=_("Investigated by")
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class IncidentTransitionForm(forms.Form):
    status = forms.ChoiceField(choices=IncidentStatus.choices)
    closed_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Closed on"))


def links_initial(incident: Any) -> dict[str, Any]:
    return {"evidence": list(incident.evidence.all()), "findings": list(incident.findings.all())}
