"""Forms of the staff file imports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.sites.models import Site
from metering.choices import ImportKind


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices)
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.order_by("code"), to_field_name="code"
    )
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Readings: columns meter, ts, value (or meter, start, end, value) and optional quality; times "
            "without a UTC offset are read in the site's time zone. Production: period_start, period_end, "
            "material, kind, tonnes and optional note."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
