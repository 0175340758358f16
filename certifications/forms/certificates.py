"""Forms of certificates: recording one, and changing its descriptive fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.forms import DATE_INPUT
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible

from ..models import Certificate, CertificateStatus
from ..models.certificates import INITIAL_STATUSES
from ..selectors.evidence import evidence_choices, owner_candidates


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
            "issued_on": DATE_INPUT,
            "expires_on": DATE_INPUT,
            "sites": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_candidates()
        self.fields["evidence"].queryset = evidence_choices()
        if "status" in self.fields:
            self.fields["status"].choices = [c for c in CertificateStatus.choices if c[0] in INITIAL_STATUSES]

    def validate_unique(self) -> None:
        return None  # the service's rule, reported as a form error

    def clean_surveillance_dates(self) -> list[dt.date] | None:
        raw = self.cleaned_data["surveillance_dates"].strip()
        if not raw:
            return None
        try:
            dates = [dt.date.fromisoformat(part.strip()) for part in raw.split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("Write dates as YYYY-MM-DD, separated by commas.")) from exc
        if any(not date_is_plausible(day) for day in dates):
            raise forms.ValidationError(DATE_OUT_OF_RANGE)
        return dates or None


class CertificateUpdateForm(CertificateForm):
    """The descriptive fields; the standard stays, the status changes through its own buttons."""

    class Meta(CertificateForm.Meta):
        fields = [f for f in CertificateForm.Meta.fields if f not in ("standard", "status")]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["surveillance_dates"]
