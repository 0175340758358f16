"""Forms of dossier requests: from an audit (language only) and from the Dossiers page (the subject)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.sites.models import Site

from ..models import Audit, DossierKind, DossierLanguage, Evaluation, Standard


class DossierLanguageForm(forms.Form):
    language = forms.ChoiceField(choices=DossierLanguage.choices, label=_("Language"))


class DossierRequestForm(DossierLanguageForm):
    kind = forms.ChoiceField(choices=DossierKind.choices, label=_("For"))
    audit = forms.ModelChoiceField(
        queryset=Audit.objects.order_by("-starts_on", "reference"), required=False, label=_("Audit")
    )
    standard = forms.ModelChoiceField(
        queryset=Standard.objects.order_by("sort_key"), required=False, label=_("Standard")
    )
    site = forms.ModelChoiceField(queryset=Site.objects.order_by("code"), required=False, label=_("Site"))
    year = forms.IntegerField(min_value=1990, max_value=2100, required=False, label=_("Inventory year"))
    evaluation = forms.ModelChoiceField(
        queryset=Evaluation.objects.select_related("site").order_by("site__code", "-year"),
        required=False,
        label=_("Green-factory evaluation"),
    )

    field_order = ["kind", "audit", "standard", "site", "year", "evaluation", "language"]


class DossierVerifyForm(forms.Form):
    file = forms.FileField(required=False, label=_("Dossier PDF"))
    sha256 = forms.RegexField(
        regex=r"^[0-9a-fA-F]{64}$",
        required=False,
        label=_("or its SHA-256"),
        error_messages={"invalid": _("A SHA-256 is 64 hexadecimal characters.")},
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("sha256"):
            raise forms.ValidationError(_("Upload the PDF or enter its SHA-256."))
        return data
