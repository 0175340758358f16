"""Forms of the permits register."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.forms import DATE_INPUT
from greenfactory.sites.models import Site

from ..models import PermitKind
from ..selectors.evidence import owner_candidates
from .standards import ClausePickerField

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class PermitForm(forms.Form):
    reference = forms.CharField(max_length=40, label=_("Reference"))
    title = forms.CharField(max_length=300, label=_("Title"))
    title_zh = forms.CharField(max_length=300, required=False, label=_("Chinese title"))
    kind = forms.ChoiceField(choices=PermitKind.choices, label=_("Kind"))
    number = forms.CharField(max_length=100, label=_("Permit number"))
    issuer = forms.CharField(max_length=200, label=_("Issuer"))
    scope = forms.CharField(required=False, widget=TEXTAREA, label=_("Scope"))
    issued_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Issued on"))
    expires_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Expires on"))
    reminder_days = forms.IntegerField(
        min_value=0, max_value=730, initial=90, label=_("Renewal reminder (days before expiry)")
    )
    revoked_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Revoked on"))
    owner = forms.ModelChoiceField(queryset=owner_candidates(), label=_("Owner"))
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Sites"),
        help_text=_("Leave empty when the permit covers every site."),
    )
    clauses = ClausePickerField(required=False, label=_("Clauses"))
    notes = forms.CharField(required=False, widget=TEXTAREA, label=_("Notes"))


class PermitUpdateForm(PermitForm):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
