"""Pages of the objectives register: the list with each objective's current value and progress,
an objective with where its value comes from, its progress entries and history, and its form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error

from ..exceptions import EditConflict
from ..exports.registers import EXPORT_FORMATS, register_table_response
from ..filters.objectives import ObjectiveFilter
from ..forms.objectives import ObjectiveForm, ProgressForm
from ..models import Objective, ObjectiveProgress
from ..selectors import objectives as objective_selectors
from ..selectors import risks as risk_selectors
from ..services import objectives as objective_services
from .registers import RegisterImportView

PAGE_SIZE = 50
_LINKS = ("standards", "sites", "clauses")
HISTORY_FIELDS = (
    "title",
    "title_zh",
    "measure",
    "baseline",
    "target",
    "unit",
    "direction",
    "starts_on",
    "due_on",
    "status",
    "follows",
    "kpi",
    "kpi_site",
    "owner",
    "notes",
)


class ObjectiveListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.REGISTERS_READ
    template_name = "certifications/registers/objectives/list.html"

    def get(self, request, *args, **kwargs):
        self.filterset = ObjectiveFilter(request.GET or None, queryset=objective_selectors.objective_list())
        if request.GET.get("export") in EXPORT_FORMATS:
            return self._export(request.GET["export"])
        return super().get(request, *args, **kwargs)

    def _export(self, fmt: str):
        objectives = list(self.filterset.qs.prefetch_related("clauses__standard"))
        values = objective_selectors.current_values(objectives)
        for objective in objectives:
            objective.current = values[objective.pk]
        table = objective_services.objective_table()
        return register_table_response(
            columns=table.columns, entries=objectives, fmt=fmt, filename=table.filename, sheet=table.sheet
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        values = objective_selectors.current_values(page.object_list)
        for objective in page.object_list:
            objective.current = values[objective.pk]
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=self.filterset,
            page_obj=page,
            query=query.urlencode(),
            can_write=can(self.request.user, Capability.REGISTERS_WRITE),
        )
        return context


class ObjectiveDetailView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.REGISTERS_READ
    template_name = "certifications/registers/objectives/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            objective = objective_selectors.objective_detail(self.kwargs["pk"])
        except Objective.DoesNotExist as exc:
            raise Http404 from exc
        current = objective_selectors.current_values([objective], with_meters=True)[objective.pk]
        context.update(
            objective=objective,
            current=current,
            progress_form=ProgressForm(),
            history=risk_selectors.entry_history(entry=objective, fields=HISTORY_FIELDS),
            can_write=can(self.request.user, Capability.REGISTERS_WRITE),
        )
        return context


class ObjectiveFormView(CapabilityRequiredMixin, FormView):
    """Create an objective, or edit one (``pk`` in the address) from the version it was opened at."""

    capability = Capability.REGISTERS_WRITE
    template_name = "certifications/registers/objectives/form.html"
    form_class = ObjectiveForm
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def objective(self) -> Objective | None:
        pk = self.kwargs.get("pk")
        return None if pk is None else get_object_or_404(Objective, pk=pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.objective}

    def get_initial(self):
        return {} if self.objective else {"owner": self.request.user}

    def form_valid(self, form):
        data: dict[str, Any] = dict(form.cleaned_data)
        version = data.pop("version", None)
        links = {name: data.pop(name) for name in _LINKS}
        try:
            if self.objective is None:
                objective = objective_services.objective_create(by=self.request.user, **data, **links)
            else:
                objective = objective_services.objective_update(
                    objective=self.objective,
                    by=self.request.user,
                    version=version or self.objective.version,
                    **data,
                    **links,
                )
        except EditConflict as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(reference)s saved.") % {"reference": objective.reference})
        return redirect("objective-detail", pk=objective.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "objective": self.objective}


class ProgressAddView(CapabilityRequiredMixin, FormView):
    capability = Capability.REGISTERS_WRITE
    template_name = "certifications/registers/objectives/progress_form.html"
    form_class = ProgressForm
    http_method_names = ["post"]

    @cached_property
    def objective(self) -> Objective:
        return get_object_or_404(Objective, pk=self.kwargs["pk"])

    def form_valid(self, form):
        try:
            objective_services.progress_add(
                objective=self.objective, by=self.request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
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
