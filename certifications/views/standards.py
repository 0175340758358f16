from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.exports import xlsx_response
from greenfactory.sites.models import Site

from .. import selectors, services
from ..exceptions import FileTooLarge, ImportRejected
from ..forms import ClauseExcludeForm, CoverageForm, StandardImportForm, form_refused
from ..models import ClauseExclusion, Standard
from ..standards_io import parse_xlsx, parse_yaml, to_xlsx, to_yaml
from .evidence import refuse_oversized_body

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StandardListView(CapabilityRequiredMixin, TemplateView):
    """The Standards area: every standard and edition, with the way to coverage and certificates."""

    capability = Capability.STANDARDS_READ
    template_name = "certifications/standard_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["standards"] = selectors.standard_list()
        context["can_import"] = can(self.request.user, Capability.STANDARDS_WRITE)
        return context


def _filename(standard: Standard) -> str:
    return f"{standard.code}-{standard.edition}".replace("/", "").replace(" ", "-").replace(":", "-").lower()


class StandardDetailView(CapabilityRequiredMixin, TemplateView):
    """A standard's clause tree with its crosswalk; exports as YAML or Excel."""

    capability = Capability.STANDARDS_READ
    template_name = "certifications/standard_detail.html"

    def get(self, request, *args, **kwargs):
        self.standard = get_object_or_404(Standard.objects.select_related("replaced_by"), pk=kwargs["pk"])
        export = request.GET.get("export")
        if export == "yaml":
            data = selectors.standard_export_data(standard=self.standard)
            response = HttpResponse(to_yaml(data), content_type="application/yaml; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{_filename(self.standard)}.yaml"'
            return response
        if export == "xlsx":
            data = selectors.standard_export_data(standard=self.standard)
            response = HttpResponse(to_xlsx(data), content_type=XLSX_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{_filename(self.standard)}.xlsx"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["standard"] = self.standard
        context["clauses"] = selectors.standard_clauses(standard=self.standard)
        context["editions"] = Standard.objects.filter(code=self.standard.code).exclude(pk=self.standard.pk)
        return context


def read_standard_file(upload):
    """Parse an uploaded YAML or Excel file; answers (data, problems)."""
    name = (upload.name or "").lower()
    content = upload.read()
    if name.endswith((".yaml", ".yml")):
        return parse_yaml(content)
    if name.endswith(".xlsx") or content.startswith(b"PK\x03\x04"):
        return parse_xlsx(content)
    return parse_yaml(content)


class StandardImportView(CapabilityRequiredMixin, FormView):
    """Import a standard or a new edition; every problem is listed with its line or cell."""

    capability = Capability.STANDARDS_WRITE
    template_name = "certifications/standard_import.html"
    form_class = StandardImportForm
    http_method_names = ["get", "post", "head", "options"]

    def post(self, request, *args, **kwargs):
        try:
            refuse_oversized_body(request)
        except FileTooLarge as exc:
            form = form_refused(self.get_form_class(), exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=exc.status_code)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data, problems = read_standard_file(form.cleaned_data["file"])
        if not problems:
            source = form.cleaned_data["carry_over_from"]
            try:
                standard = services.standard_import(data=data, carry_over_from=source, by=self.request.user)
            except ImportRejected as exc:
                problems = exc.problems
            else:
                if source is not None:
                    messages.info(
                        self.request,
                        _("Mappings and evidence links carried over from %(label)s.")
                        % {"label": source.label},
                    )
        if problems:
            form.add_error("file", _("The file has problems; nothing was imported."))
            return self.render_to_response(self.get_context_data(form=form, problems=problems), status=400)
        messages.success(self.request, _("%(label)s imported.") % {"label": standard.label})
        return redirect("standard-detail", pk=standard.pk)


class CoverageView(CapabilityRequiredMixin, TemplateView):
    """Coverage of one standard at one site, with totals and a gap list that exports to Excel."""

    capability = Capability.EVIDENCE_READ
    template_name = "certifications/coverage.html"

    def get(self, request, *args, **kwargs):
        initial = {}
        if "standard" not in request.GET:
            first = Standard.objects.filter(code="ISO 9001").first() or Standard.objects.first()
            initial["standard"] = first.pk if first else None
        if "site" not in request.GET:
            site = Site.objects.order_by("code").first()
            initial["site"] = site.code if site else None
        self.form = CoverageForm({**initial, **request.GET.dict()})
        self.report = None
        if self.form.is_valid():
            self.report = selectors.coverage(
                standard=self.form.cleaned_data["standard"], site=self.form.cleaned_data["site"]
            )
            if request.GET.get("export") == "xlsx":
                return self._gaps_xlsx()
        return super().get(request, *args, **kwargs)

    def _gaps_xlsx(self):
        report = self.report
        header = [
            _("Standard"),
            _("Site"),
            _("Clause"),
            _("Title"),
            _("State"),
            _("Evidence"),
            _("Latest expiry"),
            _("Certificate lapsed"),
        ]
        rows = (
            [
                report.standard.label,
                report.site.code,
                row.clause.number,
                row.clause.local_title,
                str(row.state_label),
                "; ".join(e.title for e in row.evidence),
                row.best_expiry,
                _("yes") if row.certificate_lapsed else "",
            ]
            for row in report.gaps
        )
        name = f"gaps-{report.site.code}-{report.standard.code}-{report.standard.edition}".replace(
            "/", ""
        ).replace(" ", "")
        return xlsx_response(filename=name.lower(), sheet=_("Gaps"), header=header, rows=rows)

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
                services.clause_exclude(by=request.user, **form.cleaned_data)
                messages.success(request, _("Clause marked not applicable."))
            except DomainError as exc:
                messages.error(request, exc.message)
        return _back_to_coverage(request)


class ClauseExclusionDeleteView(CapabilityRequiredMixin, View):
    capability = Capability.EVIDENCE_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        exclusion = get_object_or_404(ClauseExclusion, pk=kwargs["pk"])
        services.clause_exclusion_remove(exclusion=exclusion, by=request.user)
        messages.success(request, _("The clause applies again."))
        return _back_to_coverage(request)


def _back_to_coverage(request):
    standard = request.POST.get("standard", "")
    site = request.POST.get("site_code", "")
    url = redirect("coverage").url
    if standard.isdigit() and site:
        url += "?" + urlencode({"standard": standard, "site": site})
    return redirect(url)
