from django import forms

from .models import ProductionRecord


class ProductionRecordForm(forms.ModelForm):
    class Meta:
        model = ProductionRecord
        fields = ["site", "period_start", "period_end", "kind", "material", "tonnes", "note"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def validate_unique(self) -> None:
        # Uniqueness is the service's rule, reported as a form error by the view.
        return None
