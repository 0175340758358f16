"""Pages of the obligations register: the list and its exports, an obligation with its evaluations
of compliance and history, recording and editing one, and recording an evaluation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from ..exports.obligations import obligation_list_response
from ..filters.obligations import ObligationFilter
from ..forms.obligations import EvaluationForm, ObligationForm, ObligationUpdateForm
from ..models import EvaluationResult, Obligation
from ..selectors import obligations as selectors
from ..selectors._common import entry_changes
from ..services import obligations as services
from ._registers_common import (
    RegisterEntryView,
    RegisterFormView,
    RegisterListView,
    blank_as_empty,
    initial_of,
)

_OPTIONAL_TEXT = ("title_zh", "issuer", "article", "processes", "notes")


class ObligationListView(RegisterListView):
    template_name = "certifications/registers/obligations/list.html"
    filter_class = ObligationFilter
    queryset = staticmethod(selectors.obligation_list)
    export = staticmethod(lambda qs, fmt: obligation_list_response(obligations=qs, fmt=fmt))

    def show(self, entries: Sequence[Obligation]) -> None:
        today = timezone.localdate()
        for ob in entries:
            ob.next_due = selectors.next_evaluation_due(ob)  # type: ignore[attr-defined]
            ob.overdue = ob.next_due is not None and ob.next_due < today  # type: ignore[attr-defined]


class ObligationDetailView(RegisterEntryView):
    """An obligation with its evaluations of compliance, links and history (queries constant in
    the number of evaluations)."""

    template_name = "certifications/registers/obligations/detail.html"
    entry_name = "obligation"

    def get_entry(self, pk: int) -> Obligation:
        return selectors.obligation_detail(pk=pk)

    def entry_context(self, entry: Obligation) -> dict[str, Any]:
        next_due = selectors.next_evaluation_due(entry)
        return {
            "next_due": next_due,
            "overdue": next_due is not None and next_due < timezone.localdate(),
            "history": entry_changes(entry=entry),
        }


class ObligationCreateView(RegisterFormView):
    template_name = "certifications/registers/obligations/form.html"
    form_class = ObligationForm

    def get_initial(self):
        initial: dict[str, Any] = {"owner": self.request.user}
        permit = self.request.GET.get("permit")
        if permit and permit.isdigit():
            initial.update(permit=permit, source_type="permit_condition")
        return initial

    def save(self, form):
        ob = services.obligation_create(
            by=self.request.user, **blank_as_empty(form.cleaned_data, _OPTIONAL_TEXT)
        )
        messages.success(self.request, _("Obligation %(reference)s recorded.") % {"reference": ob.reference})
        return redirect("obligation-detail", pk=ob.pk)


class ObligationUpdateView(RegisterFormView):
    template_name = "certifications/registers/obligations/form.html"
    form_class = ObligationUpdateForm

    @cached_property
    def obligation(self) -> Obligation:
        return get_object_or_404(Obligation, pk=self.kwargs["pk"])

    def get_initial(self):
        return initial_of(self.obligation, services.OBLIGATION_FIELDS)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["superseded_by"].queryset = Obligation.objects.exclude(pk=self.obligation.pk).order_by(
            "reference"
        )
        return form

    def save(self, form):
        data = blank_as_empty(form.cleaned_data, _OPTIONAL_TEXT)
        links = {name: data.pop(name) for name in ("sites", "clauses")}
        services.obligation_update(obligation=self.obligation, by=self.request.user, **links, **data)
        messages.success(self.request, _("Obligation saved."))
        return redirect("obligation-detail", pk=self.obligation.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "obligation": self.obligation}


class EvaluationCreateView(RegisterFormView):
    """Record an evaluation of compliance; a failed one raises its finding."""

    template_name = "certifications/registers/obligations/evaluation_form.html"
    form_class = EvaluationForm

    @cached_property
    def obligation(self) -> Obligation:
        return get_object_or_404(Obligation, pk=self.kwargs["pk"])

    def get_initial(self):
        return {"evaluated_on": timezone.localdate(), "finding_owner": self.obligation.owner}

    def save(self, form):
        data = blank_as_empty(form.cleaned_data, ("notes", "finding_statement"))
        evaluation = services.evaluation_record(obligation=self.obligation, by=self.request.user, **data)
        if evaluation.result == EvaluationResult.NOT_COMPLIANT and evaluation.finding:
            messages.warning(
                self.request,
                _("Evaluation recorded; finding %(reference)s raised with its corrective action.")
                % {"reference": evaluation.finding.reference},
            )
        else:
            messages.success(self.request, _("Evaluation recorded."))
        return redirect("obligation-detail", pk=self.obligation.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "obligation": self.obligation}
