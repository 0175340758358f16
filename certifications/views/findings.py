"""Pages of findings: the list and its exports, raising one from an audit, a finding with its
corrective action, and the forms that move the corrective action on, one step at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error

from ..exceptions import EditConflict
from ..exports.audits import EXPORT_FORMATS, finding_list_response
from ..filters.audits import FindingFilter
from ..forms.audits import (
    ActionAddForm,
    ActionDoneForm,
    AnalyseForm,
    ContainForm,
    DueDatesForm,
    FindingCloseForm,
    FindingForm,
    ImplementForm,
    NoteForm,
    RejectForm,
    VerifyForm,
    VersionForm,
)
from ..models import Audit, CapaAction, CapaState, ChecklistItem, CorrectiveAction, Finding, FindingStatus
from ..models.findings import EIGHT_D_FIELDS, FISHBONE_LABELS
from ..selectors import audits as audit_selectors
from ..services import capa as capa_services
from ..services import findings as finding_services

PAGE_SIZE = 50
S = CapaState


class FindingListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.AUDITS_READ
    template_name = "certifications/audits/finding_list.html"

    def get(self, request, *args, **kwargs):
        self.filterset = FindingFilter(request.GET or None, queryset=audit_selectors.finding_list())
        export = request.GET.get("export")
        if export in EXPORT_FORMATS:
            return finding_list_response(findings=self.filterset.qs, fmt=export)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        for finding in page.object_list:
            finding.overdue = finding.is_overdue(today)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=self.filterset, page_obj=page, query=query.urlencode())
        return context


class FindingCreateView(CapabilityRequiredMixin, FormView):
    """Raise a finding in an audit, optionally from a checklist item (``?item=<id>``)."""

    capability = Capability.AUDITS_WRITE
    template_name = "certifications/audits/finding_form.html"
    form_class = FindingForm
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def audit(self) -> Audit:
        return get_object_or_404(Audit, pk=self.kwargs["pk"])

    @cached_property
    def item(self) -> ChecklistItem | None:
        raw = self.request.POST.get("checklist_item") or self.request.GET.get("item") or ""
        if not raw.isdigit():
            return None
        return self.audit.checklist.filter(pk=int(raw)).prefetch_related("clauses__standard").first()

    def get_form_kwargs(self):
        clauses = audit_selectors.clause_choices(standards=self.audit.standards.all())
        return {**super().get_form_kwargs(), "clauses": clauses}

    def get_initial(self):
        initial: dict[str, Any] = {"owner": self.request.user}
        if self.item is not None:
            initial["checklist_item"] = self.item.pk
            initial["requirement"] = f"{self.item.number} {self.item.local_title}"
            initial["objective_evidence"] = self.item.notes
        return initial

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        data.pop("checklist_item", None)
        try:
            finding = finding_services.finding_raise(
                audit=self.audit, by=self.request.user, checklist_item=self.item, **data
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Finding %(reference)s raised.") % {"reference": finding.reference})
        return redirect("finding-detail", pk=finding.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "audit": self.audit, "item": self.item}


# Steps, the states they start from and how the service is called with the form's values.
Step = Callable[[CorrectiveAction, Any, Any, int], CorrectiveAction]
STEPS: dict[str, tuple[tuple[str, ...], type[forms.Form], Step]] = {
    "contain": (
        (S.OPEN,),
        ContainForm,
        lambda c, d, by, v: capa_services.capa_contain(
            capa=c, containment=d["containment"], by=by, version=v
        ),
    ),
    "analyse": (
        (S.CONTAINED,),
        AnalyseForm,
        lambda c, f, by, v: capa_services.capa_analyse(
            capa=c,
            method=f.cleaned_data["method"],
            root_cause=f.cleaned_data["root_cause"],
            whys=f.whys(),
            fishbone=f.fishbone(),
            eight_d=f.eight_d(),
            by=by,
            version=v,
        ),
    ),
    "propose": (
        (S.ANALYSED,),
        VersionForm,
        lambda c, d, by, v: capa_services.capa_plan_propose(capa=c, by=by, version=v),
    ),
    "accept": (
        (S.PLANNED,),
        NoteForm,
        lambda c, d, by, v: capa_services.capa_plan_accept(capa=c, note=d["note"], by=by, version=v),
    ),
    "reject": (
        (S.PLANNED,),
        RejectForm,
        lambda c, d, by, v: capa_services.capa_plan_reject(capa=c, reason=d["reason"], by=by, version=v),
    ),
    "implement": (
        (S.ACCEPTED,),
        ImplementForm,
        lambda c, d, by, v: capa_services.capa_implement(
            capa=c, implementation=d["implementation"], by=by, version=v
        ),
    ),
    "verify": (
        (S.IMPLEMENTED,),
        VerifyForm,
        lambda c, d, by, v: capa_services.capa_verify(
            capa=c, effective=d["effective"], verification=d["verification"], by=by, version=v
        ),
    ),
    "close": (
        (S.VERIFIED,),
        NoteForm,
        lambda c, d, by, v: capa_services.capa_close(capa=c, note=d["note"], by=by, version=v),
    ),
}
# Steps whose service reads the whole form (its helpers), not only the cleaned values.
WHOLE_FORM = {"analyse"}


def _step_forms(capa: CorrectiveAction, bound: dict[str, forms.Form]) -> dict[str, forms.Form]:
    """The forms of the steps the corrective action may take now, keyed by step name."""
    out: dict[str, forms.Form] = {}
    for name, (states, form_class, _call) in STEPS.items():
        if capa.state in states:
            out[name] = bound.get(name) or form_class(initial={"version": capa.version}, prefix=name)
    return out


class FindingDetailView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.AUDITS_READ
    template_name = "certifications/audits/finding_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            finding = audit_selectors.finding_detail(pk=kwargs["pk"])
        except Finding.DoesNotExist as exc:
            raise Http404 from exc
        capa = getattr(finding, "capa", None)
        bound: dict[str, forms.Form] = kwargs.get("bound") or {}
        context.update(
            finding=finding,
            capa=capa,
            overdue=finding.is_overdue(),
            fishbone=[(FISHBONE_LABELS.get(k, k), v) for k, v in capa.fishbone.items()] if capa else [],
            eight_d=[(label, capa.eight_d[key]) for key, label, _n in EIGHT_D_FIELDS if key in capa.eight_d]
            if capa
            else [],
            step_forms=_step_forms(capa, bound) if capa is not None else {},
            planning=capa is not None and capa.state in capa_services.PLANNING_STATES,
            marking=capa is not None and capa.state in (S.ACCEPTED, *capa_services.PLANNING_STATES),
            action_form=bound.get("action_add")
            or ActionAddForm(prefix="action", initial={"owner": finding.owner}),
            due_form=bound.get("due_dates")
            or (
                DueDatesForm(
                    prefix="due",
                    initial={
                        "owner": capa.owner,
                        **{n: getattr(capa, n) for n in DueDatesForm.base_fields if n != "owner"},
                    },
                )
                if capa is not None
                else None
            ),
            close_form=bound.get("finding_close") or FindingCloseForm(prefix="close"),
            may_close=finding.status == FindingStatus.OPEN and not finding.is_nonconformity,
            conflict=kwargs.get("conflict", False),
            can_write=can(self.request.user, Capability.AUDITS_WRITE),
        )
        return context


def _render_finding(request, finding_pk: int, status: int = 400, **extra: Any):
    view = FindingDetailView(request=request, kwargs={"pk": finding_pk})
    return view.render_to_response(view.get_context_data(pk=finding_pk, **extra), status=status)


class CapaStepView(CapabilityRequiredMixin, View):
    """One step of a corrective action, named by the posted ``step``: only the steps its state
    allows are offered; a stale ``version`` is refused with nothing saved."""

    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        finding = get_object_or_404(Finding.objects.select_related("capa"), pk=kwargs["pk"])
        capa = getattr(finding, "capa", None)
        if capa is None:
            raise Http404
        step = request.POST.get("step", "")
        if step == "action_add":
            return self._action_add(request, finding, capa)
        if step == "due_dates":
            return self._due_dates(request, finding, capa)
        if step not in STEPS:
            messages.error(request, _("Unknown step."))
            return redirect("finding-detail", pk=finding.pk)
        _states, form_class, call = STEPS[step]
        form = form_class(request.POST, prefix=step)
        if not form.is_valid():
            return _render_finding(request, finding.pk, bound={step: form})
        values = form if step in WHOLE_FORM else form.cleaned_data
        try:
            call(capa, values, request.user, form.cleaned_data["version"])
        except EditConflict as exc:
            form.add_error(None, exc.message)
            return _render_finding(request, finding.pk, status=409, bound={step: form}, conflict=True)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return _render_finding(request, finding.pk, status=exc.status_code, bound={step: form})
        messages.success(request, _("Corrective action updated."))
        return redirect("finding-detail", pk=finding.pk)

    def _action_add(self, request, finding, capa):
        form = ActionAddForm(request.POST, prefix="action")
        if form.is_valid():
            try:
                capa_services.capa_action_add(capa=capa, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Action added to the plan."))
                return redirect("finding-detail", pk=finding.pk)
        return _render_finding(request, finding.pk, bound={"action_add": form})

    def _due_dates(self, request, finding, capa):
        form = DueDatesForm(request.POST, prefix="due")
        if form.is_valid():
            try:
                capa_services.capa_due_dates_set(capa=capa, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Due dates saved."))
                return redirect("finding-detail", pk=finding.pk)
        return _render_finding(request, finding.pk, bound={"due_dates": form})


class CapaActionDoneView(CapabilityRequiredMixin, View):
    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        action = get_object_or_404(CapaAction.objects.select_related("capa"), pk=kwargs["pk"])
        form = ActionDoneForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter the date the action was done."))
        else:
            try:
                capa_services.capa_action_done(
                    action=action, done_on=form.cleaned_data["done_on"], by=request.user
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Action updated."))
        return redirect(reverse("finding-detail", args=[action.capa.finding_id]) + "#plan")


class CapaActionDeleteView(CapabilityRequiredMixin, View):
    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        action = get_object_or_404(CapaAction.objects.select_related("capa"), pk=kwargs["pk"])
        finding_pk = action.capa.finding_id
        try:
            capa_services.capa_action_delete(action=action, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Action removed from the plan."))
        return redirect(reverse("finding-detail", args=[finding_pk]) + "#plan")


class FindingCloseView(CapabilityRequiredMixin, View):
    """Close an observation or an opportunity for improvement, with how it was considered."""

    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        finding = get_object_or_404(Finding, pk=kwargs["pk"])
        form = FindingCloseForm(request.POST, prefix="close")
        if form.is_valid():
            try:
                finding_services.finding_close(
                    finding=finding, note=form.cleaned_data["note"], by=request.user
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Finding closed."))
                return redirect("finding-detail", pk=finding.pk)
        return _render_finding(request, finding.pk, bound={"finding_close": form})
