"""Forms of evidence requests: the auditor's request (portal), the answer and the refusal (staff)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.forms import DATE_INPUT

from ..models.evidence_requests import TEXT_MAX_LENGTH


class EvidenceRequestForm(forms.Form):
    clause = forms.TypedChoiceField(label=_("Clause"), coerce=int)
    text = forms.CharField(
        label=_("Evidence needed"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: the calibration records of meter E-MAIN for 2026."),
    )
    due_on = forms.DateField(label=_("Wanted by"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, clauses=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clause"].choices = [("", "—")] + [(c.pk, str(c)) for c in clauses]


class EvidenceRequestAnswerForm(forms.Form):
    evidence = forms.ModelMultipleChoiceField(
        label=_("Evidence"),
        queryset=None,
        help_text=_("Each item is linked to the request's clause, so the auditor can open it."),
    )
    note = forms.CharField(
        label=_("Note to the auditor"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["evidence"]
        field.queryset = candidates
        field.label_from_instance = lambda e: f"{e.local_title} ({e.get_status_display()})"


class EvidenceRequestDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
