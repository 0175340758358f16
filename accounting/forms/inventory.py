"""Forms of the GHG inventory pages: the year filter and the settings sections (boundary, categories,
base year and its recalculation events, source uncertainties)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from accounting.models import (
    BaseYearRecalculation,
    InventoryCategory,
    InventorySettings,
    InventorySite,
    SourceUncertainty,
)
from accounting.models.inventory import EmissionSource
from accounting.selectors.inventory_report import CATEGORY_LABELS
from greenfactory.core.validators import EARLIEST_YEAR, LATEST_YEAR
from greenfactory.sites.models import Organisation, Site


class InventoryQueryForm(forms.Form):
    """The page's year filter: a calendar year in range, or empty for the latest year with data."""

    year = forms.IntegerField(min_value=EARLIEST_YEAR, max_value=LATEST_YEAR, required=False)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = InventorySettings
        fields = [
            "consolidation",
            "boundary_note",
            "base_year",
            "base_year_tco2e",
            "recalculation_threshold_pct",
        ]
        widgets = {"boundary_note": forms.Textarea(attrs={"rows": 2})}


class SiteBoundaryForm(forms.ModelForm):
    class Meta:
        model = InventorySite
        fields = ["site", "included", "equity_share_pct", "note"]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(organisation=organisation).order_by("code")

    def validate_unique(self):
        """One entry per site: saving an existing site's entry changes it (the service upserts)."""


class CategoryForm(forms.ModelForm):
    category = forms.TypedChoiceField(
        label=gettext_lazy("Category"), coerce=int, choices=[(k, v) for k, v in CATEGORY_LABELS.items()]
    )

    class Meta:
        model = InventoryCategory
        fields = ["category", "included", "justification"]
        widgets = {"justification": forms.Textarea(attrs={"rows": 2})}

    def validate_unique(self):
        """One entry per category: saving it again changes it (the service upserts)."""


class EventForm(forms.ModelForm):
    class Meta:
        model = BaseYearRecalculation
        fields = ["date", "kind", "effect_tco2e", "reason"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }


class UncertaintyForm(forms.ModelForm):
    source = forms.ChoiceField(label=gettext_lazy("Emission source"), choices=EmissionSource.choices)

    class Meta:
        model = SourceUncertainty
        fields = ["source", "percent", "basis"]

    def validate_unique(self):
        """The source's row exists already: the form corrects it."""


FORMS = {
    "settings": SettingsForm,
    "site": SiteBoundaryForm,
    "category": CategoryForm,
    "event": EventForm,
    "uncertainty": UncertaintyForm,
}
