"""The form a writer enters a plant reference level with, for a site or the whole organisation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounting.models import BenchmarkMetric
from accounting.selectors.benchmarks import METRIC_UNITS
from greenfactory.core.forms import DATE_INPUT
from greenfactory.sites.models import Site

ORGANISATION = "organisation:"


def unit_choices() -> list[tuple[str, str]]:
    return [(unit, unit) for units in METRIC_UNITS.values() for unit in units]


class ReferenceLevelForm(forms.Form):
    """The scope is a site's code or ``organisation:<code>`` (every site of that organisation).
    Positive values and units of the metric are the service's rules; its refusals show on the fields."""

    scope = forms.ChoiceField(label=_("For"))
    metric = forms.ChoiceField(label=_("Metric"), choices=BenchmarkMetric.choices)
    value = forms.DecimalField(label=_("Value"), max_digits=18, decimal_places=6)
    unit = forms.ChoiceField(label=_("Unit"), choices=unit_choices)
    label = forms.CharField(label=_("Label"), max_length=120)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_INPUT)
    source_note = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the figure comes from: a target decision, a peer plant, a published level."),
    )

    def __init__(self, *args, sites: list[Site], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {s.code: s for s in sites}
        self.organisations = {s.organisation.code: s.organisation for s in sites}
        self.fields["scope"].choices = [
            *(
                (ORGANISATION + code, _("Every site of %(name)s") % {"name": o.name})
                for code, o in self.organisations.items()
            ),
            *((s.code, _("Site %(code)s only") % {"code": s.code}) for s in sites),
        ]

    def scope_values(self) -> dict:
        """The site or the organisation the level is for, as the service takes them."""
        scope = self.cleaned_data["scope"]
        if scope.startswith(ORGANISATION):
            return {"organisation": self.organisations[scope.removeprefix(ORGANISATION)], "site": None}
        return {"site": self.sites[scope], "organisation": None}
