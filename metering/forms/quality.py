"""Forms of the data-quality page."""

from django import forms

from metering.models import SiteQualitySettings


class SiteQualitySettingsForm(forms.ModelForm):
    class Meta:
        model = SiteQualitySettings
        fields = ["balance_tolerance_pct", "stale_gateway_hours", "flatline_hours"]
