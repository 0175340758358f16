"""Forms of the standards library, and the clause fields other forms choose clauses with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Clause
from ..selectors.standards import clause_equal_groups, clause_list, standard_choices

# The value of a choice that stands for a crosswalk group: every clause of it.
GROUP_PREFIX = "group:"


def clause_label(clause: Clause) -> str:
    return f"{clause.standard.label} · {clause.number} {clause.local_title}"


class ClauseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Clause) -> str:  # type: ignore[override]
        return clause_label(obj)


class ClauseMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Clause) -> str:  # type: ignore[override]
        return clause_label(obj)


class ClausePickerWidget(forms.SelectMultiple):
    """A multiple select that static/js/clause_picker.js turns into a searchable list of
    checkboxes; without JavaScript it stays a plain multiple select."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "size": 10,
                "data-clause-picker": "",
                "data-search-placeholder": _("Search: a number or words of the title"),
                "data-chosen-label": _("Chosen clauses"),
                "data-remove-label": _("Remove"),
                "data-status-text": _("{chosen} chosen · {shown} shown"),
                **(attrs or {}),
            }
        )
        self.members: dict[str, str] = {}

    def create_option(
        self, name: str, value: Any, label: Any, selected: Any, index: int, **kwargs: Any
    ) -> Any:
        option = super().create_option(name, value, label, selected, index, **kwargs)
        if str(value) in self.members:
            option["attrs"]["data-members"] = self.members[str(value)]
        return option


class ClausePickerField(ClauseMultipleChoiceField):
    """Clauses of every standard, grouped by standard, and first the crosswalk's groups of equal
    clauses: one choice links the same clause in every Harmonized Structure standard."""

    widget = ClausePickerWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", clause_list())
        super().__init__(**kwargs)
        self._groups: dict[str, list[int]] | None = None

    def _load(self) -> None:
        groups = clause_equal_groups()
        self._groups = {f"{GROUP_PREFIX}{g[0].pk}": [c.pk for c in g] for g in groups}
        by_standard: dict[str, list[tuple[str, str]]] = {}
        for clause in self.queryset:
            by_standard.setdefault(clause.standard.label, []).append(
                (str(clause.pk), f"{clause.number} {clause.local_title}")
            )
        shared = [
            (
                f"{GROUP_PREFIX}{g[0].pk}",
                f"{g[0].number} {g[0].local_title} · "
                + ", ".join(f"{c.standard.code} {c.number}" for c in g),
            )
            for g in groups
        ]
        choices: list[Any] = []
        if shared:
            choices.append((gettext("Same clause in every Harmonized Structure standard"), shared))
        choices += list(by_standard.items())
        self.widget.choices = choices
        if isinstance(self.widget, ClausePickerWidget):
            self.widget.members = {key: ",".join(map(str, pks)) for key, pks in self._groups.items()}

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> forms.BoundField:
        self._load()
        return super().get_bound_field(form, field_name)

    def clean(self, value: Any) -> Any:
        if self._groups is None:
            self._groups = {f"{GROUP_PREFIX}{g[0].pk}": [c.pk for c in g] for g in clause_equal_groups()}
        return super().clean(self._expand(value))

    def _expand(self, value: Iterable[str] | None) -> list[str]:
        expanded: list[str] = []
        for item in value or ():
            item = str(item)
            if item.startswith(GROUP_PREFIX):
                expanded += [str(pk) for pk in (self._groups or {}).get(item, [item])]
            else:
                expanded.append(item)
        return list(dict.fromkeys(expanded))


class StandardImportForm(forms.Form):
    file = forms.FileField(label=_("YAML or Excel file"), help_text=_("A .yaml/.yml or .xlsx file."))
    carry_over_from = forms.ModelChoiceField(
        queryset=standard_choices(),
        required=False,
        label=_("Carry mappings over from"),
        help_text=_("An earlier edition of the same standard: its crosswalk and evidence links are copied."),
    )
