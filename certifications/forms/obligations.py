"""Forms of the obligations register: an obligation, and an evaluation of compliance with it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.forms import DATE_INPUT
from greenfactory.sites.models import Site

from ..models import EvaluationResult, Evidence, FindingClass, Obligation, ObligationSource, Permit
from ..selectors.evidence import owner_candidates
from .standards import ClausePickerField

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ObligationForm(forms.Form):
    """Record or edit an obligation (an edit carries the version it was opened at)."""

    reference = forms.CharField(max_length=40, label=_("Reference"))
    title = forms.CharField(max_length=300, label=_("Title"))
    title_zh = forms.CharField(max_length=300, required=False, label=_("Chinese title"))
    source_type = forms.ChoiceField(choices=ObligationSource.choices, label=_("Source"))
    issuer = forms.CharField(max_length=200, required=False, label=_("Issuer"))
    article = forms.CharField(max_length=200, required=False, label=_("Article or clause"))
    effective_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Effective from"))
    repealed_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Repealed on"))
    processes = forms.CharField(required=False, widget=TEXTAREA, label=_("Processes it applies to"))
    review_months = forms.IntegerField(
        min_value=1, max_value=120, initial=12, label=_("Review frequency (months)")
    )
    superseded_by = forms.ModelChoiceField(
        queryset=Obligation.objects.order_by("reference"), required=False, label=_("Superseded by")
    )
    permit = forms.ModelChoiceField(
        queryset=Permit.objects.order_by("reference"),
        required=False,
        label=_("Permit"),
        help_text=_("For a permit condition: the permit it belongs to."),
    )
    owner = forms.ModelChoiceField(queryset=owner_candidates(), label=_("Owner"))
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Sites"),
        help_text=_("Leave empty when the obligation applies to every site."),
    )
    clauses = ClausePickerField(required=False, label=_("Clauses"))
    notes = forms.CharField(required=False, widget=TEXTAREA, label=_("Notes"))


class ObligationUpdateForm(ObligationForm):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class EvaluationForm(forms.Form):
    """Record an evaluation of compliance; a failed one needs what the finding says, its owner and
    due date."""

    evaluated_on = forms.DateField(widget=DATE_INPUT, label=_("Evaluated on"))
    result = forms.ChoiceField(choices=EvaluationResult.choices, label=_("Result"))
    notes = forms.CharField(required=False, widget=TEXTAREA, label=_("Notes"))
    evidence = forms.ModelMultipleChoiceField(
        queryset=Evidence.objects.order_by("title"), required=False, label=_("Evidence records")
    )
    finding_statement = forms.CharField(
        required=False,
        widget=TEXTAREA,
        label=_("What is not compliant"),
        help_text=_("For a result of not compliant: the finding's statement (the notes when empty)."),
    )
    finding_class = forms.ChoiceField(
        choices=[(c.value, c.label) for c in (FindingClass.MINOR, FindingClass.MAJOR)],
        initial=FindingClass.MINOR,
        label=_("Finding class"),
    )
    finding_owner = forms.ModelChoiceField(
        queryset=owner_candidates(), required=False, label=_("Corrective action owner")
    )
    finding_due_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Corrective action due"))


class ObligationImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel or CSV file"),
        help_text=_("One obligation a line; a line whose reference exists updates that obligation."),
    )
