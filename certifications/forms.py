from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from greenfactory.sites.models import Site

from .models import Certificate, CertificateStatus, Clause, Evidence, Standard

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClauseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.standard.label} · {obj.number} {obj.local_title}"


class ClauseMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.standard.label} · {obj.number} {obj.local_title}"


def form_refused(form_class, message: str) -> forms.Form:
    """An empty bound form carrying one error, for requests refused before their body was read."""
    form = form_class(data={})
    form.full_clean()
    form.errors.clear()
    form.add_error(None, message)
    return form


def _clauses():
    return Clause.objects.select_related("standard").order_by(
        "standard__code", "standard__edition", "position"
    )


def _people():
    from .selectors import owner_candidates

    return owner_candidates()


class EvidenceForm(forms.ModelForm):
    clauses = ClauseMultipleChoiceField(
        queryset=_clauses(),
        required=False,
        label=_("Clauses"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Hold Ctrl (⌘ on a Mac) to choose several. You can link more clauses, and their "
            "crosswalk equivalents, later."
        ),
    )

    class Meta:
        model = Evidence
        fields = ["title", "description", "owner", "sites", "review_date", "expiry_date"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "review_date": DATE,
            "expiry_date": DATE,
            "sites": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        self.fields["sites"].queryset = Site.objects.order_by("code")
        if self.instance.pk:
            del self.fields["clauses"]


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, Word, Excel, PowerPoint, CSV or text, up to %(mb)s MB."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.EVIDENCE_UPLOAD_MAX_BYTES
        self.fields["file"].help_text = self.fields["file"].help_text % {"mb": round(limit / 1024 / 1024, 1)}


class EvidenceLinkForm(forms.Form):
    clauses = ClauseMultipleChoiceField(queryset=_clauses(), label=_("Clauses"))


class ClauseExcludeForm(forms.Form):
    clause = forms.ModelChoiceField(queryset=Clause.objects.all(), widget=forms.HiddenInput)
    site = forms.ModelChoiceField(queryset=Site.objects.all(), to_field_name="code", widget=forms.HiddenInput)
    justification = forms.CharField(
        label=_("Why it does not apply"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class StandardImportForm(forms.Form):
    file = forms.FileField(label=_("YAML or Excel file"), help_text=_("A .yaml/.yml or .xlsx file."))
    carry_over_from = forms.ModelChoiceField(
        queryset=Standard.objects.order_by("code", "edition"),
        required=False,
        label=_("Carry mappings over from"),
        help_text=_("An earlier edition of the same standard: its crosswalk and evidence links are copied."),
    )


class CoverageForm(forms.Form):
    standard = forms.ModelChoiceField(
        queryset=Standard.objects.order_by("code", "edition"), label=_("Standard")
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.order_by("code"), to_field_name="code", label=_("Site")
    )


class CertificateForm(forms.ModelForm):
    surveillance_dates = forms.CharField(
        label=_("Surveillance audits"),
        required=False,
        help_text=_(
            "Dates (YYYY-MM-DD) separated by commas; empty plans one a year between issue and expiry."
        ),
    )

    class Meta:
        model = Certificate
        fields = [
            "standard",
            "certification_body",
            "number",
            "scope",
            "sites",
            "issued_on",
            "expires_on",
            "status",
            "owner",
            "evidence",
        ]
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 2}),
            "issued_on": DATE,
            "expires_on": DATE,
            "sites": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        self.fields["evidence"].queryset = Evidence.objects.order_by("title")
        if "status" in self.fields:
            self.fields["status"].choices = [
                c for c in CertificateStatus.choices if c[0] in ("planned", "in_progress", "certified")
            ]

    def validate_unique(self) -> None:
        return None  # the service's rule, reported as a form error


class CertificateUpdateForm(CertificateForm):
    """The descriptive fields; the standard stays, the status changes through its own buttons."""

    class Meta(CertificateForm.Meta):
        fields = [f for f in CertificateForm.Meta.fields if f not in ("standard", "status")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["surveillance_dates"]

    def clean_surveillance_dates(self):
        import datetime as dt

        raw = self.cleaned_data["surveillance_dates"].strip()
        if not raw:
            return None
        try:
            return [dt.date.fromisoformat(part.strip()) for part in raw.split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("Write dates as YYYY-MM-DD, separated by commas.")) from exc
