"""Forms of the evidence register: an item, a file upload and clause links."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from greenfactory.core.forms import DATE_INPUT
from greenfactory.sites.models import Site

from ..models import Evidence
from ..selectors.evidence import owner_candidates
from .standards import ClausePickerField

CLAUSES_HELP = _(
    "Search by number or title and tick the clauses; a shared clause links it in every Harmonized "
    "Structure standard at once. You can link more clauses, and their crosswalk equivalents, later."
)


class EvidenceForm(forms.ModelForm):
    clauses = ClausePickerField(required=False, label=_("Clauses"), help_text=CLAUSES_HELP)

    class Meta:
        model = Evidence
        fields = ["title", "title_zh", "description", "owner", "sites", "review_date", "expiry_date"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "review_date": DATE_INPUT,
            "expiry_date": DATE_INPUT,
            "sites": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_candidates()
        self.fields["sites"].queryset = Site.objects.order_by("code")
        if self.instance.pk:
            del self.fields["clauses"]


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, Word, Excel, PowerPoint, CSV or text, up to %(mb)s MB."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.EVIDENCE_UPLOAD_MAX_BYTES
        self.fields["file"].help_text = self.fields["file"].help_text % {"mb": round(limit / 1024 / 1024, 1)}


class EvidenceLinkForm(forms.Form):
    clauses = ClausePickerField(label=_("Link to more clauses"), help_text=CLAUSES_HELP)
