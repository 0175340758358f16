"""Pages of the obligations register: the list and its exports, an obligation with its evaluations
of compliance and history, recording and editing one, and recording an evaluation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error

from ..exceptions import EditConflict
from ..exports.obligations import EXPORT_FORMATS, obligation_list_response
from ..filters.obligations import ObligationFilter
from ..forms.obligations import EvaluationForm, ObligationForm, ObligationUpdateForm
from ..models import EvaluationResult, Obligation
from ..selectors import obligations as selectors
from ..services import obligations as services

PAGE_SIZE = 50


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class ObligationListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.REGISTERS_READ
    template_name = "certifications/registers/obligations/list.html"

    def get(self, request, *args, **kwargs):
        self.filterset = ObligationFilter(request.GET or None, queryset=selectors.obligation_list())
        export = request.GET.get("export")
        if export in EXPORT_FORMATS:
            return obligation_list_response(obligations=self.filterset.qs, fmt=export)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        for ob in page.object_list:
            ob.next_due = selectors.next_evaluation_due(ob)
            ob.overdue = ob.next_due is not None and ob.next_due < today
        context.update(
            filter=self.filterset,
            page_obj=page,
            query=_query_without_page(self.request),
            can_write=can(self.request.user, Capability.REGISTERS_WRITE),
        )
        return context


class ObligationDetailView(CapabilityRequiredMixin, TemplateView):
    """An obligation with its evaluations of compliance, links and history (queries constant in
    the number of evaluations)."""

    capability = Capability.REGISTERS_READ
    template_name = "certifications/registers/obligations/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            ob = selectors.obligation_detail(pk=kwargs["pk"])
        except Obligation.DoesNotExist as exc:
            raise Http404 from exc
        next_due = selectors.next_evaluation_due(ob)
        context.update(
            obligation=ob,
            next_due=next_due,
            overdue=next_due is not None and next_due < timezone.localdate(),
            history=selectors.entry_history(entry=ob),
            can_write=can(self.request.user, Capability.REGISTERS_WRITE),
        )
        return context


def _form_data(cleaned: dict[str, Any]) -> dict[str, Any]:
    data = dict(cleaned)
    for name in ("title_zh", "issuer", "article", "processes", "notes"):
        data[name] = data.get(name) or ""
    return data


class ObligationCreateView(CapabilityRequiredMixin, FormView):
    capability = Capability.REGISTERS_WRITE
    template_name = "certifications/registers/obligations/form.html"
    form_class = ObligationForm
    http_method_names = ["get", "post", "head", "options"]

    def get_initial(self):
        initial: dict[str, Any] = {"owner": self.request.user}
        permit = self.request.GET.get("permit")
        if permit and permit.isdigit():
            initial.update(permit=permit, source_type="permit_condition")
        return initial

    def form_valid(self, form):
        try:
            ob = services.obligation_create(by=self.request.user, **_form_data(form.cleaned_data))
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Obligation %(reference)s recorded.") % {"reference": ob.reference})
        return redirect("obligation-detail", pk=ob.pk)


class ObligationUpdateView(CapabilityRequiredMixin, FormView):
    capability = Capability.REGISTERS_WRITE
    template_name = "certifications/registers/obligations/form.html"
    form_class = ObligationUpdateForm
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def obligation(self) -> Obligation:
        return get_object_or_404(Obligation, pk=self.kwargs["pk"])

    def get_initial(self):
        ob = self.obligation
        initial = {name: getattr(ob, name) for name in services.OBLIGATION_FIELDS}
        initial.update(version=ob.version, sites=list(ob.sites.all()), clauses=list(ob.clauses.all()))
        return initial

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["superseded_by"].queryset = Obligation.objects.exclude(pk=self.obligation.pk).order_by(
            "reference"
        )
        return form

    def form_valid(self, form):
        data = _form_data(form.cleaned_data)
        links = {name: data.pop(name) for name in ("sites", "clauses")}
        try:
            services.obligation_update(obligation=self.obligation, by=self.request.user, **links, **data)
        except EditConflict as exc:  # the version is a hidden field: say it on top
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Obligation saved."))
        return redirect("obligation-detail", pk=self.obligation.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "obligation": self.obligation}


class EvaluationCreateView(CapabilityRequiredMixin, FormView):
    """Record an evaluation of compliance; a failed one raises its finding."""

    capability = Capability.REGISTERS_WRITE
    template_name = "certifications/registers/obligations/evaluation_form.html"
    form_class = EvaluationForm
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def obligation(self) -> Obligation:
        return get_object_or_404(Obligation, pk=self.kwargs["pk"])

    def get_initial(self):
        return {"evaluated_on": timezone.localdate(), "finding_owner": self.obligation.owner}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        data["notes"] = data.get("notes") or ""
        data["finding_statement"] = data.get("finding_statement") or ""
        try:
            evaluation = services.evaluation_record(obligation=self.obligation, by=self.request.user, **data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
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
