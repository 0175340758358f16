"""Pages of coverage: a standard's clauses at a site, the gap export, and not-applicable marks."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError

from ..exports.coverage import gaps_response
from ..forms.coverage import ClauseExcludeForm, CoverageForm
from ..models import ClauseExclusion
from ..selectors import coverage as coverage_selectors
from ..services import evidence as evidence_services


class CoverageView(CapabilityRequiredMixin, TemplateView):
    """Coverage of one standard at one site, with totals and a gap list that exports to Excel."""

    capability = Capability.EVIDENCE_READ
    template_name = "certifications/coverage/report.html"

    def get(self, request, *args, **kwargs):
        initial = {}
        if "standard" not in request.GET:
            first = coverage_selectors.coverage_default_standard()
            initial["standard"] = first.pk if first else None
        if "site" not in request.GET:
            site = coverage_selectors.coverage_default_site()
            initial["site"] = site.code if site else None
        self.form = CoverageForm({**initial, **request.GET.dict()})
        self.report = None
        if self.form.is_valid():
            self.report = coverage_selectors.coverage_report(
                standard=self.form.cleaned_data["standard"], site=self.form.cleaned_data["site"]
            )
            if request.GET.get("export") == "xlsx":
                return gaps_response(self.report)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("export", None)
        context.update(
            form=self.form,
            report=self.report,
            query=query.urlencode(),
            can_write=can(self.request.user, Capability.EVIDENCE_WRITE),
        )
        return context


class ClauseExcludeView(CapabilityRequiredMixin, View):
    capability = Capability.EVIDENCE_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ClauseExcludeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why the clause does not apply."))
        else:
            try:
                evidence_services.clause_exclude(
                    clause=form.cleaned_data["clause"],
                    site=form.cleaned_data["site"],
                    justification=form.cleaned_data["justification"],
                    by=request.user,
                )
                messages.success(request, _("Clause marked not applicable."))
            except DomainError as exc:
                messages.error(request, exc.message)
        return _back_to_coverage(request)


class ClauseExclusionDeleteView(CapabilityRequiredMixin, View):
    capability = Capability.EVIDENCE_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        exclusion = get_object_or_404(ClauseExclusion, pk=kwargs["pk"])
        evidence_services.clause_exclusion_remove(exclusion=exclusion, by=request.user)
        messages.success(request, _("The clause applies again."))
        return _back_to_coverage(request)


def _back_to_coverage(request: HttpRequest) -> HttpResponseRedirect:
    standard = request.POST.get("standard", "")
    site = request.POST.get("site_code", "")
    url = redirect("coverage").url
    if standard.isdigit() and site:
        url += "?" + urlencode({"standard": standard, "site": site})
    return redirect(url)
