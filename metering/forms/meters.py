"""Forms of the meter pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from metering.choices import MeterEventKind


class MeterEventForm(forms.Form):
    ts = forms.DateTimeField(
        label=_("Time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the site's time zone."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=MeterEventKind.choices)
    old_final_value = forms.FloatField(label=_("Old final value"), min_value=0)
    new_start_value = forms.FloatField(label=_("New start value"), min_value=0)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
