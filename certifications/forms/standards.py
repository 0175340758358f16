"""Forms of the standards library, and the clause fields other forms choose clauses with."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Clause
from ..selectors.standards import standard_choices


def clause_label(clause: Clause) -> str:
    return f"{clause.standard.label} · {clause.number} {clause.local_title}"


class ClauseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Clause) -> str:  # type: ignore[override]
        return clause_label(obj)


class ClauseMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Clause) -> str:  # type: ignore[override]
        return clause_label(obj)


class StandardImportForm(forms.Form):
    file = forms.FileField(label=_("YAML or Excel file"), help_text=_("A .yaml/.yml or .xlsx file."))
    carry_over_from = forms.ModelChoiceField(
        queryset=standard_choices(),
        required=False,
        label=_("Carry mappings over from"),
        help_text=_("An earlier edition of the same standard: its crosswalk and evidence links are copied."),
    )
