"""Forms for activity data: one per kind, used by the page and to check every row of an import
(``activity_import_rows``)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from accounting.models import FuelDelivery, GreenCertificateRetirement, RefrigerantRefill, Scope3Activity
from accounting.services.activity import ActivityImportInvalid, ActivityRow, activity_values
from greenfactory.core.tabular import TableRow
from greenfactory.sites.models import Site

_DATE = forms.DateInput(attrs={"type": "date"})


class _ActivityForm(forms.ModelForm):
    site = forms.ModelChoiceField(
        queryset=Site.objects.order_by("code"), to_field_name="code", label=_("Site")
    )


class RefrigerantRefillForm(_ActivityForm):
    class Meta:
        model = RefrigerantRefill
        fields = ["site", "date", "equipment", "gas", "kg", "note"]
        widgets = {"date": _DATE}


class FuelDeliveryForm(_ActivityForm):
    class Meta:
        model = FuelDelivery
        fields = ["site", "date", "fuel", "quantity", "unit", "note"]
        widgets = {"date": _DATE}


class GreenCertificateForm(_ActivityForm):
    class Meta:
        model = GreenCertificateRetirement
        fields = ["site", "date", "certificate_ref", "kwh", "vintage", "note"]
        widgets = {"date": _DATE}


class Scope3ActivityForm(_ActivityForm):
    class Meta:
        model = Scope3Activity
        fields = [
            "site",
            "date",
            "category",
            "description",
            "quantity",
            "unit",
            "factor_kg_per_unit",
            "factor_source",
            "note",
        ]
        widgets = {"date": _DATE}


ACTIVITY_FORMS: dict[str, tuple[type[_ActivityForm], object]] = {
    "refrigerant-refills": (RefrigerantRefillForm, _("Refrigerant refills")),
    "fuel-deliveries": (FuelDeliveryForm, _("Fuel deliveries")),
    "green-certificates": (GreenCertificateForm, _("Green-certificate retirements")),
    "scope3": (Scope3ActivityForm, _("Scope 3 activity")),
}


class ActivityImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "One row per record; the header names the fields of the form above (site is the site code)."
        ),
    )


def activity_import_rows(*, form_class: type[_ActivityForm], rows: Sequence[dict]) -> list[ActivityRow]:
    """The rows of an import file of one kind, each checked by the kind's form, as the values the
    import service takes. One row the form refuses refuses the file: ActivityImportInvalid lists every
    field error with its line (the header is line 1)."""
    errors: list[str] = []
    valid: list[ActivityRow] = []
    for position, row in enumerate(rows, start=2):
        line = row.line if isinstance(row, TableRow) else position  # rows read from a file know their line
        form = form_class(data={k: "" if v is None else str(v) for k, v in row.items()})
        if not form.is_valid():
            # An ErrorList yields its messages as text (the stubs type its items as ValidationError too).
            errors += [
                f"{line}: {field}: {'; '.join(str(m) for m in messages)}"
                for field, messages in form.errors.items()
            ]
            continue
        data = dict(form.cleaned_data)
        site = data.pop("site")
        values = activity_values(model=form_class._meta.model, data=data)
        valid.append(ActivityRow(line=line, site=site, values=values))
    if errors:
        raise ActivityImportInvalid(errors=errors)
    return valid
