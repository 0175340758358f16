"""Forms of the audit pages: planning, the plan, meetings, checklist items, the report, findings and
the steps of a corrective action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.forms import DATE_INPUT
from greenfactory.sites.models import Site

from ..models import (
    Audit,
    AuditType,
    Certificate,
    ChecklistResult,
    Clause,
    Evidence,
    FindingClass,
    RootCauseMethod,
    Standard,
)
from ..models.findings import EIGHT_D_FIELDS, FISHBONE_LABELS
from ..selectors.evidence import owner_candidates
from ..services.capa import FISHBONE_CATEGORIES
from .standards import ClausePickerField

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXTAREA = forms.Textarea(attrs={"rows": 3})
WHY_COUNT = 5


def _user_field(label: Any, *, required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=owner_candidates(), required=required, label=label)


class AuditForm(forms.Form):
    """Plan an audit."""

    site = forms.ModelChoiceField(queryset=Site.objects.order_by("code"), label=_("Site"))
    title = forms.CharField(max_length=200, label=_("Title"))
    audit_type = forms.ChoiceField(choices=AuditType.choices, label=_("Type"))
    standards = forms.ModelMultipleChoiceField(
        queryset=Standard.objects.order_by("sort_key"),
        widget=forms.CheckboxSelectMultiple,
        label=_("Standards"),
    )
    clauses = ClausePickerField(
        required=False,
        label=_("Clause groups"),
        help_text=_("Leave empty to audit every clause of the standards; a clause covers its sub-clauses."),
    )
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Other sites"),
    )
    scope = forms.CharField(required=False, widget=TEXTAREA, label=_("Scope"))
    criteria = forms.CharField(required=False, widget=TEXTAREA, label=_("Criteria"))
    starts_on = forms.DateField(widget=DATE_INPUT, label=_("Starts on"))
    ends_on = forms.DateField(widget=DATE_INPUT, label=_("Ends on"))
    lead_auditor = _user_field(_("Lead auditor"))
    lead_auditor_name = forms.CharField(
        max_length=200,
        required=False,
        label=_("Lead auditor (external)"),
        help_text=_("The certification body's lead auditor, when they have no account yet."),
    )
    team = forms.ModelMultipleChoiceField(
        queryset=owner_candidates(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Audit team"),
    )
    team_external = forms.CharField(max_length=500, required=False, label=_("External team members"))
    certificate = forms.ModelChoiceField(
        queryset=Certificate.objects.select_related("standard"), required=False, label=_("Certificate")
    )
    certification_body = forms.CharField(max_length=200, required=False, label=_("Certification body"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A shared clause picked once stands for its equals in every standard: keep the audit's.
        standards = {s.pk for s in data.get("standards") or []}
        clauses: list[Clause] = list(data.get("clauses") or [])
        data["clauses"] = [c for c in clauses if c.standard_id in standards] if standards else clauses
        return data


class AuditUpdateForm(forms.ModelForm):
    class Meta:
        model = Audit
        fields = [
            "title",
            "scope",
            "criteria",
            "starts_on",
            "ends_on",
            "lead_auditor",
            "lead_auditor_name",
            "team",
            "team_external",
            "certification_body",
        ]
        widgets = {
            "scope": TEXTAREA,
            "criteria": TEXTAREA,
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "team": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_auditor"].queryset = owner_candidates()
        self.fields["team"].queryset = owner_candidates()

    def validate_unique(self) -> None:
        """The service checks the audit; the form only reads the values."""


class ProgrammeForm(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.all(), to_field_name="code", widget=forms.HiddenInput, label=_("Site")
    )
    year = forms.IntegerField(min_value=1990, max_value=2100, widget=forms.HiddenInput, label=_("Year"))
    objectives = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("Objectives")
    )


class ChecklistGenerateForm(forms.Form):
    copy_from = forms.ModelChoiceField(
        queryset=Audit.objects.none(),
        required=False,
        label=_("Start from a previous audit"),
        help_text=_("Each item starts from that audit's result and notes for the same clause, as a draft."),
    )

    def __init__(self, *args: Any, choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["copy_from"].queryset = choices


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(widget=DATETIME_INPUT, label=_("Starts at"))
    ends_at = forms.DateTimeField(widget=DATETIME_INPUT, label=_("Ends at"))
    topic = forms.CharField(max_length=200, label=_("Clauses or process"))
    auditees = forms.CharField(max_length=300, required=False, label=_("Auditees"))
    auditor = _user_field(_("Auditor"))
    location = forms.CharField(max_length=200, required=False, label=_("Location"))


class MeetingsForm(forms.Form):
    opening_meeting_at = forms.DateTimeField(
        required=False, widget=DATETIME_INPUT, label=_("Opening meeting")
    )
    opening_meeting_notes = forms.CharField(
        required=False, widget=TEXTAREA, label=_("Opening meeting record")
    )
    closing_meeting_at = forms.DateTimeField(
        required=False, widget=DATETIME_INPUT, label=_("Closing meeting")
    )
    closing_meeting_notes = forms.CharField(
        required=False, widget=TEXTAREA, label=_("Closing meeting record")
    )


class ChecklistItemForm(forms.Form):
    """One item's result; rendered by hand on the audit page so the page's queries stay constant."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    result = forms.ChoiceField(choices=ChecklistResult.choices, required=False, label=_("Result"))
    notes = forms.CharField(required=False, label=_("Notes"))
    justification = forms.CharField(required=False, label=_("Justification"))
    sampled_evidence = forms.ModelMultipleChoiceField(
        queryset=Evidence.objects.all(), required=False, label=_("Evidence sampled")
    )


class ReportForm(forms.Form):
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("Summary"))
    conclusions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("Conclusions")
    )


class FindingForm(forms.Form):
    finding_class = forms.ChoiceField(choices=FindingClass.choices, label=_("Class"))
    statement = forms.CharField(widget=TEXTAREA, label=_("Statement"))
    objective_evidence = forms.CharField(required=False, widget=TEXTAREA, label=_("Objective evidence"))
    requirement = forms.CharField(max_length=300, required=False, label=_("Requirement reference"))
    clauses = forms.ModelMultipleChoiceField(
        queryset=Clause.objects.none(),
        required=False,
        label=_("Clauses"),
        help_text=_("Leave empty to use the checklist item's clauses."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    owner = _user_field(_("Owner"), required=True)
    due_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Due on"))
    body_deadline = forms.DateField(
        required=False, widget=DATE_INPUT, label=_("Certification body's deadline")
    )
    checklist_item = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, clauses: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if clauses is not None:
            self.fields["clauses"].queryset = clauses
            self.fields["clauses"].label_from_instance = lambda c: (
                f"{c.standard.code} {c.number} {c.local_title}"
            )


class FindingCloseForm(forms.Form):
    note = forms.CharField(widget=TEXTAREA, label=_("How the finding was considered"))


# --- corrective action steps --------------------------------------------------------------------


class VersionForm(forms.Form):
    """A step that takes nothing but the version it was shown at."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ContainForm(VersionForm):
    containment = forms.CharField(widget=TEXTAREA, label=_("Containment"))


class AnalyseForm(VersionForm):
    method = forms.ChoiceField(choices=RootCauseMethod.choices, label=_("Root cause method"))
    root_cause = forms.CharField(widget=TEXTAREA, label=_("Root cause"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, WHY_COUNT + 1):
            self.fields[f"why_{n}"] = forms.CharField(
                required=False, max_length=500, label=_("Why %(n)s?") % {"n": n}
            )
        for category in FISHBONE_CATEGORIES:
            self.fields[f"fishbone_{category}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=FISHBONE_LABELS[category],
                help_text=_("One cause a line."),
            )
        for key, label, _needed in EIGHT_D_FIELDS:
            self.fields[f"eight_d_{key}"] = forms.CharField(
                required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label=label
            )
        self.order_fields(["version", "method", *[f"why_{n}" for n in range(1, WHY_COUNT + 1)]])

    def whys(self) -> list[str]:
        return [self.cleaned_data[f"why_{n}"] for n in range(1, WHY_COUNT + 1)]

    def fishbone(self) -> dict[str, list[str]]:
        return {c: self.cleaned_data[f"fishbone_{c}"].splitlines() for c in FISHBONE_CATEGORIES}

    def eight_d(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"eight_d_{key}"] for key, _label, _needed in EIGHT_D_FIELDS}


class ActionAddForm(forms.Form):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Action"))
    owner = _user_field(_("Owner"), required=True)
    due_on = forms.DateField(widget=DATE_INPUT, label=_("Due on"))


class NoteForm(VersionForm):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Note"))


class RejectForm(VersionForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("Why the plan is not accepted")
    )


class ImplementForm(VersionForm):
    implementation = forms.CharField(widget=TEXTAREA, label=_("Implementation record"))


class VerifyForm(VersionForm):
    effective = forms.TypedChoiceField(
        choices=[("yes", _("Yes, effective")), ("no", _("No, not effective"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label=_("Was the action effective?"),
    )
    verification = forms.CharField(widget=TEXTAREA, label=_("How effectiveness was verified, or why not"))


class DueDatesForm(forms.Form):
    containment_due_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Containment due"))
    analysis_due_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Root cause due"))
    plan_due_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Action plan due"))
    implementation_due_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Implementation due"))
    verification_due_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Verification due"))
    owner = _user_field(_("Owner"), required=True)


class ActionDoneForm(forms.Form):
    done_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Done on"))
