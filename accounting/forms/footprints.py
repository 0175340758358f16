"""The forms of footprint studies: a study's definition, a manual inventory item, a co-product.
The rules (period order, pedigree scores 1-5, positive outputs) are the service's; its refusals
show on the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounting.choices import FactorKind
from accounting.models import FactorSet, FootprintCoProduct, FootprintItem, FootprintStudy
from accounting.models.footprints import FootprintProduct
from greenfactory.core.forms import DATE_INPUT
from greenfactory.sites.models import Site

PEDIGREE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class FootprintStudyForm(forms.ModelForm):
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.order_by("code"), to_field_name="code"
    )
    gwp_set = forms.ModelChoiceField(
        label=_("GWP set"), queryset=FactorSet.objects.filter(kind=FactorKind.GWP).order_by("code")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FootprintStudy
        fields = [
            "site",
            "title",
            "product",
            "unit_kind",
            "declared_unit",
            "declared_amount_t",
            "boundary",
            "period_start",
            "period_end",
            "allocation",
            "gwp_set",
            "cut_off",
            "notes",
        ]
        widgets = {
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "cut_off": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # a study stays with its site
            self.fields["site"].disabled = True

    def _post_clean(self) -> None:
        """The service checks the study; the model's own full_clean is not run here."""


class FootprintItemForm(forms.ModelForm):
    reliability = forms.TypedChoiceField(
        label=_("Reliability"), choices=PEDIGREE_CHOICES, coerce=int, initial=3
    )
    completeness = forms.TypedChoiceField(
        label=_("Completeness"), choices=PEDIGREE_CHOICES, coerce=int, initial=3
    )
    temporal = forms.TypedChoiceField(
        label=_("Temporal correlation"), choices=PEDIGREE_CHOICES, coerce=int, initial=3
    )
    geographical = forms.TypedChoiceField(
        label=_("Geographical correlation"), choices=PEDIGREE_CHOICES, coerce=int, initial=3
    )
    technological = forms.TypedChoiceField(
        label=_("Technological correlation"), choices=PEDIGREE_CHOICES, coerce=int, initial=3
    )

    class Meta:
        model = FootprintItem
        fields = [
            "stage",
            "kind",
            "description",
            "quantity",
            "unit",
            "factor_kg_per_unit",
            "factor_source",
            "gas",
            "reliability",
            "completeness",
            "temporal",
            "geographical",
            "technological",
        ]

    def _post_clean(self) -> None:
        """The service checks the item."""


class FootprintCoProductForm(forms.ModelForm):
    product = forms.ChoiceField(
        label=_("Product"),
        choices=[c for c in FootprintProduct.choices if c[0] != FootprintProduct.BATTERIES],
    )

    class Meta:
        model = FootprintCoProduct
        fields = ["product", "output_t", "price_cny_per_t", "avoided_kg_per_t", "avoided_source"]

    def _post_clean(self) -> None:
        """The service checks the co-product (one per product: saving one again corrects it)."""
