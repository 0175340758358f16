"""Carbon-neutrality pages (ISO 14068-1): the programmes register, a programme's page (plan, periods
with their standing, credits, claims with what each still lacks), and the forms that write them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from accounting.exports.neutrality import programme_list_export, programme_workbook, statement_workbook
from accounting.filters.neutrality import ProgrammeFilter
from accounting.forms import neutrality as forms
from accounting.models.neutrality import STANDARD, ClaimStatus
from accounting.selectors import neutrality as selectors
from accounting.services import neutrality as service
from accounting.services import neutrality_claims as claims_service
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")


def _or_404(read, **kwargs):
    try:
        return read(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


class ProgrammeListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.KPIS_READ
    template_name = "accounting/neutrality/list.html"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        self.filterset = ProgrammeFilter(request.GET or None, queryset=selectors.programme_list())
        if request.GET.get("export") in EXPORT_FORMATS:
            return programme_list_export(fmt=request.GET["export"], programmes=self.filterset.qs)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "filter": self.filterset,
            "page_obj": Paginator(self.filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page")),
            "query": query.urlencode(),
            "can_write": can(self.request.user, Capability.NEUTRALITY_WRITE),
            "standard": STANDARD,
        }


def detail_context(request, programme) -> dict[str, Any]:
    """What the programme's page shows: the plan, each period's standing, credits and claims with
    their checks."""
    statuses = selectors.period_statuses(programme=programme)
    has_targets = bool(programme.targets.all())
    claims = [
        (claim, selectors.claim_check(claim=claim, statuses=statuses, has_targets=has_targets))
        for claim in programme.claims.all()
    ]
    return {
        "programme": programme,
        "statuses": statuses,
        "claims": claims,
        "can_write": can(request.user, Capability.NEUTRALITY_WRITE),
        "requirement_form": forms.RequirementForm(),
        "draft": ClaimStatus.DRAFT,
        "made": ClaimStatus.MADE,
    }


class ProgrammeDetailView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.KPIS_READ
    template_name = "accounting/neutrality/detail.html"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, pk: int, **kwargs):
        programme = _or_404(selectors.programme_get, pk=pk)
        if request.GET.get("export") == "xlsx":
            return programme_workbook(
                programme=programme, statuses=selectors.period_statuses(programme=programme)
            )
        return self.render_to_response(detail_context(request, programme))


class StatementView(CapabilityRequiredMixin, View):
    """The neutrality statement of a claim, as an Excel workbook."""

    capability = Capability.KPIS_READ
    http_method_names = ["get", "head", "options"]

    def get(self, request, pk: int):
        claim = _or_404(selectors.claim_get, pk=pk)
        return statement_workbook(
            claim=claim,
            status=selectors.period_status(period=claim.period),
            check=selectors.claim_check(claim=claim),
            credits=selectors.period_credits(period=claim.period),
        )


class _FormView(CapabilityRequiredMixin, TemplateView):
    """A form of the programme's page: ``save(form)`` calls one service; a refusal is shown on the
    form with the refusal's status, and nothing is saved."""

    capability = Capability.NEUTRALITY_WRITE
    template_name = "accounting/neutrality/form.html"
    http_method_names = ["get", "post", "head", "options"]
    form_class: Any = None
    heading = ""
    success = ""

    @cached_property
    def programme(self):
        return _or_404(selectors.programme_get, pk=self.kwargs["pk"])

    def form_kwargs(self) -> dict[str, Any]:
        return {}

    def initial(self) -> dict[str, Any]:
        return {}

    def save(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def render_form(self, form, status: int = 200) -> HttpResponse:
        return self.render_to_response(
            {"form": form, "programme": self.programme, "heading": self.heading}, status=status
        )

    def get(self, request, *args, **kwargs):
        return self.render_form(self.form_class(initial=self.initial(), **self.form_kwargs()))

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, initial=self.initial(), **self.form_kwargs())
        status = 400
        if form.is_valid():
            try:
                self.save(form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, self.success)
                return redirect("neutrality-detail", pk=self.programme.pk)
        return self.render_form(form, status=status)


class ProgrammeCreateView(_FormView):
    form_class = forms.ProgrammeForm

    @cached_property
    def programme(self):
        return None

    def render_form(self, form, status: int = 200) -> HttpResponse:
        return self.render_to_response(
            {"form": form, "heading": _("New carbon-neutrality programme")}, status=status
        )

    def initial(self):
        return {"boundary": "", "subject": "organisation"}

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                programme = service.programme_create(**form.cleaned_data, by=request.user)
            except DomainError as exc:
                form_add_domain_error(form, exc)
                return self.render_form(form, status=exc.status_code)
            messages.success(request, _("Programme saved."))
            return redirect("neutrality-detail", pk=programme.pk)
        return self.render_form(form, status=400)


class ProgrammeEditView(_FormView):
    form_class = forms.ProgrammeEditForm
    success = _("Programme saved.")

    @property
    def heading(self):
        return _("Edit %(reference)s") % {"reference": self.programme.reference}

    def initial(self):
        p = self.programme
        return {
            "title": p.title,
            "product_name": p.product_name,
            "boundary": p.boundary,
            "target_date": p.target_date,
            "offsetting_strategy": p.offsetting_strategy,
            "formerly_pas_2060": p.formerly_pas_2060,
            "version": p.version,
        }

    def save(self, data):
        return service.programme_update(programme=self.programme, by=self.request.user, **data)


class TargetCreateView(_FormView):
    form_class = forms.TargetForm
    heading = _("New reduction target")
    success = _("Target saved.")

    def save(self, data):
        return service.target_create(
            programme=self.programme,
            description=data["description"],
            target_year=data["target_year"],
            reduction_percent=data["reduction_percent"],
            milestones=data["milestones"],
            by=self.request.user,
        )


class ActionCreateView(_FormView):
    form_class = forms.ActionForm
    heading = _("New reduction action")
    success = _("Action saved.")

    def form_kwargs(self):
        return {"targets": list(self.programme.targets.all())}

    def initial(self):
        return {"owner": self.request.user.username}

    def save(self, data):
        targets = {t.pk: t for t in self.programme.targets.all()}
        return service.action_create(
            programme=self.programme,
            title=data["title"],
            owner=data["owner"],
            start_date=data["start_date"],
            due_date=data["due_date"],
            target=targets.get(data["target"]) if data["target"] else None,
            expected_reduction_tco2e=data["expected_reduction_tco2e"],
            status=data["status"],
            by=self.request.user,
        )


class PeriodCreateView(_FormView):
    form_class = forms.PeriodForm
    heading = _("Footprint of a period")
    success = _("Period saved.")

    def initial(self):
        return {"source": "inventory" if self.programme.subject == "organisation" else "entered"}

    def save(self, data):
        return service.period_save(
            programme=self.programme,
            year=data["year"],
            source=data["source"],
            footprint_tco2e=data["footprint_tco2e"],
            source_note=data["source_note"],
            scope2_basis=data["scope2_basis"],
            removals_tco2e=data["removals_tco2e"],
            removals_note=data["removals_note"],
            footprint_study=data.get("footprint_study"),
            by=self.request.user,
        )

    def form_kwargs(self):
        return {"organisation": self.programme.organisation}


class _PeriodChoiceView(_FormView):
    def form_kwargs(self):
        return {"periods": list(self.programme.periods.all())}

    def period(self, pk: int):
        found = next((p for p in self.programme.periods.all() if p.pk == pk), None)
        if found is None:
            raise service.NeutralityInvalid(_("Record the period first."), field="period")
        return found


class CreditCreateView(_PeriodChoiceView):
    form_class = forms.CreditForm
    heading = _("Retired carbon credits")
    success = _("Credits recorded.")

    def save(self, data):
        return claims_service.credit_retire(
            programme=self.programme,
            period=self.period(data["period"]),
            registry=data["registry"],
            serial_prefix=data["serial_prefix"],
            serial_start=data["serial_start"],
            serial_end=data["serial_end"],
            quantity_tco2e=data["quantity_tco2e"],
            project=data["project"],
            standard=data["standard"],
            kind=data["kind"],
            vintage=data["vintage"],
            retired_on=data["retired_on"],
            quality_criteria=data["quality_criteria"],
            evidence_reference=data["evidence_reference"],
            note=data["note"],
            by=self.request.user,
        )


class ClaimCreateView(_PeriodChoiceView):
    form_class = forms.ClaimForm
    heading = _("New carbon-neutrality claim")
    success = _("Claim drafted; attach the evidence of each requirement, then make it.")

    def save(self, data):
        return claims_service.claim_create(
            programme=self.programme,
            period=self.period(data["period"]),
            kind=data["kind"],
            verification=data["verification"],
            verifier=data["verifier"],
            statement=data["statement"],
            by=self.request.user,
        )


class _ActionView(CapabilityRequiredMixin, View):
    """A button of the programme's page: ``act(request, pk)`` calls one service and returns the
    programme; a refusal shows the page again with the reason and the refusal's status."""

    capability = Capability.NEUTRALITY_WRITE
    http_method_names = ["post", "options"]
    success = ""

    def act(self, request, pk: int):
        raise NotImplementedError

    def programme_of(self, pk: int):
        raise NotImplementedError

    def post(self, request, pk: int):
        try:
            programme = self.act(request, pk)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        except DomainError as exc:
            programme = selectors.programme_get(pk=self.programme_of(pk))
            context = {**detail_context(request, programme), "error": exc.message}
            return render(request, "accounting/neutrality/detail.html", context, status=exc.status_code)
        messages.success(request, self.success)
        return redirect(reverse("neutrality-detail", kwargs={"pk": programme.pk}) + "#claims")


class MilestoneAddView(_ActionView):
    success = _("Milestone added.")

    def programme_of(self, pk):
        return selectors.target_get(pk=pk).programme_id

    def act(self, request, pk):
        target = selectors.target_get(pk=pk)
        form = forms.MilestoneForm(request.POST)
        if not form.is_valid():
            raise service.NeutralityInvalid(" ".join(e for errors in form.errors.values() for e in errors))
        service.milestone_add(target=target, by=request.user, **form.cleaned_data)
        return target.programme


class RequirementAddView(_ActionView):
    success = _("Requirement added.")

    def programme_of(self, pk):
        return selectors.claim_get(pk=pk).programme_id

    def act(self, request, pk):
        claim = selectors.claim_get(pk=pk)
        form = forms.RequirementForm(request.POST)
        if not form.is_valid():
            raise service.NeutralityInvalid(_("Name the requirement."))
        claims_service.requirement_add(claim=claim, by=request.user, **form.cleaned_data)
        return claim.programme


class RequirementEvidenceView(_ActionView):
    success = _("Evidence saved.")

    def programme_of(self, pk):
        return selectors.requirement_get(pk=pk).claim.programme_id

    def act(self, request, pk):
        requirement = selectors.requirement_get(pk=pk)
        form = forms.EvidenceForm(request.POST)
        if not form.is_valid():
            raise service.NeutralityInvalid(_("The evidence reference is too long."))
        claims_service.requirement_evidence_set(
            requirement=requirement,
            evidence_reference=form.cleaned_data["evidence_reference"],
            by=request.user,
        )
        return requirement.claim.programme


class ClaimMakeView(_ActionView):
    success = _("Claim made.")

    def programme_of(self, pk):
        return selectors.claim_get(pk=pk).programme_id

    def act(self, request, pk):
        claim = claims_service.claim_make(claim=selectors.claim_get(pk=pk), by=request.user)
        return claim.programme


class ClaimWithdrawView(_ActionView):
    success = _("Claim withdrawn.")

    def programme_of(self, pk):
        return selectors.claim_get(pk=pk).programme_id

    def act(self, request, pk):
        claim = claims_service.claim_withdraw(claim=selectors.claim_get(pk=pk), by=request.user)
        return claim.programme
