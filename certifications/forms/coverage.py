"""Forms of the coverage page: which standard at which site, and marking a clause not applicable."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.sites.models import Site

from ..models import Clause
from ..selectors.standards import standard_choices


class CoverageForm(forms.Form):
    standard = forms.ModelChoiceField(queryset=standard_choices(), label=_("Standard"))
    site = forms.ModelChoiceField(
        queryset=Site.objects.order_by("code"), to_field_name="code", label=_("Site")
    )


class ClauseExcludeForm(forms.Form):
    clause = forms.ModelChoiceField(queryset=Clause.objects.all(), widget=forms.HiddenInput)
    site = forms.ModelChoiceField(queryset=Site.objects.all(), to_field_name="code", widget=forms.HiddenInput)
    justification = forms.CharField(
        label=_("Why it does not apply"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
