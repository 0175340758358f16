"""Forms of the carbon-neutrality pages: the programme, a target with its milestones, an action, a
period's footprint, a batch of retired credits, a claim and its requirements' evidence."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounting.models import FootprintStudy
from accounting.models.neutrality import (
    ActionStatus,
    ClaimKind,
    ClaimVerification,
    CreditKind,
    CreditQuality,
    CreditRegistry,
    FootprintSource,
    NeutralitySubject,
    Scope2Basis,
)
from greenfactory.accounts.models import User
from greenfactory.core.forms import DATE_INPUT
from greenfactory.core.validators import EARLIEST_YEAR, LATEST_YEAR
from greenfactory.sites.models import Organisation

_TCO2E = {"min_value": Decimal(0), "max_digits": 18, "decimal_places": 6}
_PERCENT = {"min_value": Decimal(0), "max_value": Decimal(100), "max_digits": 6, "decimal_places": 2}
_YEAR = {"min_value": EARLIEST_YEAR, "max_value": LATEST_YEAR}
MILESTONE_ROWS = 4


def _year_field(label, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, **_YEAR, **kwargs)


class ProgrammeForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("code"), to_field_name="code", label=_("Organisation")
    )
    subject = forms.ChoiceField(label=_("Subject"), choices=NeutralitySubject.choices)
    product_name = forms.CharField(
        label=_("Product"), max_length=200, required=False, help_text=_("Only for a product's programme.")
    )
    boundary = forms.CharField(label=_("Boundary"), widget=forms.Textarea(attrs={"rows": 3}))
    base_year = _year_field(_("Base period (year)"))
    target_date = forms.DateField(label=_("Target date"), widget=DATE_INPUT)
    offsetting_strategy = forms.CharField(
        label=_("Offsetting strategy"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    formerly_pas_2060 = forms.BooleanField(
        label=_("Began under PAS 2060 (withdrawn; now ISO 14068-1:2023)"), required=False
    )


class ProgrammeEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    product_name = forms.CharField(
        label=_("Product"), max_length=200, required=False, help_text=_("Only for a product's programme.")
    )
    boundary = forms.CharField(label=_("Boundary"), widget=forms.Textarea(attrs={"rows": 3}))
    target_date = forms.DateField(label=_("Target date"), widget=DATE_INPUT)
    offsetting_strategy = forms.CharField(
        label=_("Offsetting strategy"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    formerly_pas_2060 = forms.BooleanField(
        label=_("Began under PAS 2060 (withdrawn; now ISO 14068-1:2023)"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class TargetForm(forms.Form):
    """A target with up to four milestones (rows left blank are none)."""

    description = forms.CharField(label=_("Target"), max_length=300)
    target_year = _year_field(_("Target year"))
    reduction_percent = forms.DecimalField(label=_("Reduction against the base period (%)"), **_PERCENT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MILESTONE_ROWS + 1):
            self.fields[f"milestone_{n}_year"] = _year_field(
                _("Milestone %(n)s: year") % {"n": n}, required=False
            )
            self.fields[f"milestone_{n}_percent"] = forms.DecimalField(
                label=_("Milestone %(n)s: reduction (%%)") % {"n": n}, required=False, **_PERCENT
            )

    def clean(self):
        data = super().clean()
        milestones = []
        for n in range(1, MILESTONE_ROWS + 1):
            year, percent = data.get(f"milestone_{n}_year"), data.get(f"milestone_{n}_percent")
            if year is None and percent is None:
                continue
            if year is None or percent is None:
                raise forms.ValidationError(_("A milestone needs both its year and its reduction."))
            milestones.append((year, percent))
        data["milestones"] = milestones
        return data


class MilestoneForm(forms.Form):
    year = _year_field(_("Year"))
    reduction_percent = forms.DecimalField(label=_("Reduction against the base period (%)"), **_PERCENT)


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        label=_("Owner"),
    )
    start_date = forms.DateField(label=_("Start"), widget=DATE_INPUT)
    due_date = forms.DateField(label=_("Due"), widget=DATE_INPUT)
    target = forms.TypedChoiceField(label=_("Target"), required=False, coerce=int, empty_value=None)
    expected_reduction_tco2e = forms.DecimalField(
        label=_("Expected reduction (tCO2e a year)"), required=False, **_TCO2E
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            ("", "—"),
            *((t.pk, f"{t.target_year}: {t.description}") for t in targets),
        ]


class PeriodForm(forms.Form):
    year = _year_field(_("Year"))
    source = forms.ChoiceField(label=_("Footprint source"), choices=FootprintSource.choices)
    scope2_basis = forms.ChoiceField(
        label=_("Scope 2 basis (from the inventory)"), choices=Scope2Basis.choices, initial=Scope2Basis.MARKET
    )
    footprint_tco2e = forms.DecimalField(
        label=_("Footprint (tCO2e)"), required=False, help_text=_("Only when entered."), **_TCO2E
    )
    source_note = forms.CharField(
        label=_("Source of the footprint"),
        max_length=500,
        required=False,
        help_text=_("Only when entered: the report or verification statement it comes from."),
    )
    footprint_study = forms.ModelChoiceField(
        label=_("Footprint study"),
        queryset=FootprintStudy.objects.none(),
        required=False,
        help_text=_("Only for a product: the issued study of the year; its newest issued version is used."),
    )
    removals_tco2e = forms.DecimalField(label=_("Removals within the boundary (tCO2e)"), initial=0, **_TCO2E)
    removals_note = forms.CharField(
        label=_("How the removals were quantified"), max_length=500, required=False
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        studies = FootprintStudy.objects.filter(results__isnull=False).distinct().select_related("site")
        if organisation is not None:
            studies = studies.filter(site__organisation=organisation)
        self.fields["footprint_study"].queryset = studies.order_by("-period_end", "title")


class CreditForm(forms.Form):
    period = forms.TypedChoiceField(label=_("Period"), coerce=int)
    registry = forms.ChoiceField(label=_("Registry"), choices=CreditRegistry.choices)
    serial_prefix = forms.CharField(
        label=_("Serial prefix"),
        max_length=200,
        required=False,
        help_text=_("The serial number without its running number, as the registry shows it."),
    )
    serial_start = forms.IntegerField(label=_("First serial"), min_value=1, max_value=2**63 - 2)
    serial_end = forms.IntegerField(label=_("Last serial"), min_value=1, max_value=2**63 - 2)
    quantity_tco2e = forms.IntegerField(
        label=_("Quantity (tCO2e)"),
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text=_("Checked against the serial range (one tonne a serial)."),
    )
    project = forms.CharField(label=_("Project"), max_length=300)
    standard = forms.CharField(label=_("Standard or methodology"), max_length=200)
    kind = forms.ChoiceField(label=_("Reduction or removal"), choices=CreditKind.choices)
    vintage = _year_field(_("Vintage"))
    retired_on = forms.DateField(label=_("Retirement date"), widget=DATE_INPUT)
    quality_criteria = forms.MultipleChoiceField(
        label=_("Quality criteria met"),
        choices=CreditQuality.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence_reference = forms.CharField(
        label=_("Retirement evidence"),
        max_length=500,
        help_text=_("The registry's retirement statement: its number or address."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.pk, str(p.year)) for p in periods]


class ClaimForm(forms.Form):
    period = forms.TypedChoiceField(label=_("Period"), coerce=int)
    kind = forms.ChoiceField(label=_("Claim"), choices=ClaimKind.choices)
    verification = forms.ChoiceField(label=_("Verification"), choices=ClaimVerification.choices)
    verifier = forms.CharField(label=_("Verifier"), max_length=200, required=False)
    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.pk, str(p.year)) for p in periods]


class RequirementForm(forms.Form):
    title = forms.CharField(label=_("Requirement"), max_length=300)
    evidence_reference = forms.CharField(label=_("Evidence"), max_length=500, required=False)


class EvidenceForm(forms.Form):
    evidence_reference = forms.CharField(label=_("Evidence"), max_length=500, required=False)
