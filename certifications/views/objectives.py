"""Pages of the objectives register: the list with each objective's current value and progress,
an objective with where its value comes from, its progress entries and history, and its form."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability

from ..exports.registers import register_table_response
from ..filters.objectives import ObjectiveFilter
from ..forms.objectives import ObjectiveForm, ProgressForm
from ..models import Objective, ObjectiveProgress
from ..selectors import objectives as objective_selectors
from ..selectors._common import entry_history
from ..services import objectives as objective_services
from ._registers_common import RegisterEntryView, RegisterFormView, RegisterListView, VersionedEntryFormView
from .registers import RegisterImportView

# An objective's history shows every field its form edits but the reference.
HISTORY_FIELDS = tuple(name for name in objective_services.OBJECTIVE_FIELDS if name != "reference")


def _with_current(objectives: Sequence[Objective]) -> None:
    values = objective_selectors.current_values(objectives)
    for objective in objectives:
        objective.current = values[objective.pk]  # type: ignore[attr-defined]


def _export(entries, fmt: str):
    objectives = list(entries.prefetch_related("clauses__standard"))
    _with_current(objectives)
    table = objective_services.objective_table()
    return register_table_response(
        columns=table.columns, entries=objectives, fmt=fmt, filename=table.filename, sheet=table.sheet
    )


class ObjectiveListView(RegisterListView):
    template_name = "certifications/registers/objectives/list.html"
    filter_class = ObjectiveFilter
    queryset = staticmethod(objective_selectors.objective_list)
    export = staticmethod(_export)

    def show(self, entries: Sequence[Objective]) -> None:
        _with_current(entries)


class ObjectiveDetailView(RegisterEntryView):
    template_name = "certifications/registers/objectives/detail.html"
    entry_name = "objective"

    def get_entry(self, pk: int) -> Objective:
        return objective_selectors.objective_detail(pk)

    def entry_context(self, entry: Objective) -> dict:
        return {
            "current": objective_selectors.current_values([entry], with_meters=True)[entry.pk],
            "progress_form": ProgressForm(),
            "history": entry_history(entry=entry, fields=HISTORY_FIELDS),
        }


class ObjectiveFormView(VersionedEntryFormView):
    """Create an objective, or edit one (``pk`` in the address) from the version it was opened at."""

    template_name = "certifications/registers/objectives/form.html"
    form_class = ObjectiveForm
    model = Objective
    entry_name = "objective"
    detail_url_name = "objective-detail"
    create = staticmethod(objective_services.objective_create)
    update = staticmethod(objective_services.objective_update)


class ProgressAddView(RegisterFormView):
    template_name = "certifications/registers/objectives/progress_form.html"
    form_class = ProgressForm
    http_method_names = ["post"]

    @cached_property
    def objective(self) -> Objective:
        return get_object_or_404(Objective, pk=self.kwargs["pk"])

    def save(self, form):
        objective_services.progress_add(objective=self.objective, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Progress recorded."))
        return redirect("objective-detail", pk=self.objective.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "objective": self.objective}


class ProgressDeleteView(CapabilityRequiredMixin, View):
    capability = Capability.REGISTERS_WRITE
    http_method_names = ["post"]

    def post(self, request, pk: int):
        row = get_object_or_404(ObjectiveProgress, pk=pk)
        objective_services.progress_delete(row=row, by=request.user)
        messages.success(request, _("Progress entry removed."))
        return redirect("objective-detail", pk=row.objective_id)


class ObjectiveImportView(RegisterImportView):
    table = objective_services.objective_table()
    title = gettext_lazy("Import objectives")
