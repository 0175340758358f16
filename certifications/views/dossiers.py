"""Pages of audit dossiers: the list with its exports, requests (from the list and from an audit),
a dossier with its progress and past versions, the download, and the verification page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error

from ..exports.dossiers import dossier_file_response, dossier_list_response
from ..filters.dossiers import DossierFilter
from ..forms.dossiers import DossierLanguageForm, DossierRequestForm, DossierVerifyForm
from ..models import Audit, Dossier, DossierKind, DossierStatus, Evaluation
from ..selectors import dossier_shares as share_selectors
from ..selectors import dossiers as dossier_selectors
from ..services import dossier_verify
from ..services import dossiers as dossier_services
from ._registers_common import RegisterListView


class DossierListView(RegisterListView):
    """Every dossier issued: filters, pagination, CSV and Excel export."""

    capability = Capability.DOSSIERS_READ
    write_capability = Capability.DOSSIERS_WRITE
    template_name = "certifications/dossiers/list.html"
    filter_class = DossierFilter
    queryset = staticmethod(dossier_selectors.dossier_list)
    export = staticmethod(lambda entries, fmt: dossier_list_response(dossiers=entries, fmt=fmt))


class DossierRequestView(CapabilityRequiredMixin, FormView):
    """Request a dossier for any subject: an audit, a standard's coverage at a site, a GHG year."""

    capability = Capability.DOSSIERS_WRITE
    http_method_names = ["get", "post"]
    template_name = "certifications/dossiers/request.html"
    form_class = DossierRequestForm

    def get_initial(self):
        return {"language": "zh-hans" if self.request.LANGUAGE_CODE.startswith("zh") else "en"}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            dossier = dossier_services.dossier_request(
                kind=data["kind"],
                language=data["language"],
                site=data["site"],
                audit=data["audit"],
                standard=data["standard"],
                year=data["year"],
                evaluation=data.get("evaluation"),
                by=self.request.user,
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Dossier %(ref)s requested.") % {"ref": dossier.reference})
        return redirect("dossier-detail", pk=dossier.pk)


class AuditDossierRequestView(CapabilityRequiredMixin, View):
    """ "Issue a dossier" on an audit's page: the audit is the subject, the form gives the language."""

    capability = Capability.DOSSIERS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        audit = get_object_or_404(Audit.objects.select_related("programme__site"), pk=kwargs["pk"])
        form = DossierLanguageForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose English or Simplified Chinese."))
            return redirect("audit-detail", pk=audit.pk)
        dossier = dossier_services.dossier_request(
            kind=DossierKind.AUDIT, audit=audit, language=form.cleaned_data["language"], by=request.user
        )
        messages.success(request, _("Dossier %(ref)s requested.") % {"ref": dossier.reference})
        return redirect("dossier-detail", pk=dossier.pk)


class EvaluationDossierRequestView(CapabilityRequiredMixin, View):
    """ "Issue a dossier" on a green-factory evaluation's page: the evaluation is the subject."""

    capability = Capability.DOSSIERS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        evaluation = get_object_or_404(Evaluation.objects.select_related("site"), pk=kwargs["pk"])
        form = DossierLanguageForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose English or Simplified Chinese."))
            return redirect("green-factory-evaluation", pk=evaluation.pk)
        dossier = dossier_services.dossier_request(
            kind=DossierKind.GREEN,
            evaluation=evaluation,
            language=form.cleaned_data["language"],
            by=request.user,
        )
        messages.success(request, _("Dossier %(ref)s requested.") % {"ref": dossier.reference})
        return redirect("dossier-detail", pk=dossier.pk)


class DossierDetailView(CapabilityRequiredMixin, TemplateView):
    """One dossier: progress until it is complete or failed, then its file, hash and seal; every
    version of its subject."""

    capability = Capability.DOSSIERS_READ
    template_name = "certifications/dossiers/detail.html"

    @cached_property
    def dossier(self) -> Dossier:
        try:
            return dossier_selectors.dossier_detail(pk=self.kwargs["pk"])
        except Dossier.DoesNotExist as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            dossier=self.dossier,
            Status=DossierStatus,
            versions=dossier_selectors.dossier_versions(dossier=self.dossier),
            can_write=can(self.request.user, Capability.DOSSIERS_WRITE),
            language_form=DossierLanguageForm(initial={"language": self.dossier.language}),
            shares=share_selectors.dossier_shares(dossier=self.dossier),
            invitations=share_selectors.shareable_invitations(dossier=self.dossier),
        )
        return context


class DossierProgressView(DossierDetailView):
    """The progress fragment the dossier page polls with HTMX while the dossier renders."""

    template_name = "certifications/dossiers/_progress.html"


class DossierRerequestView(CapabilityRequiredMixin, View):
    """A new version of the same subject (a dossier is never re-rendered in place)."""

    capability = Capability.DOSSIERS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        old = get_object_or_404(dossier_selectors.dossier_list(), pk=kwargs["pk"])
        form = DossierLanguageForm(request.POST)
        language = form.cleaned_data["language"] if form.is_valid() else old.language
        dossier = dossier_services.dossier_request(
            kind=old.kind,
            site=old.site,
            audit=old.audit,
            standard=old.standard,
            year=old.year,
            evaluation=old.evaluation,
            language=language,
            by=request.user,
        )
        messages.success(request, _("Dossier %(ref)s requested.") % {"ref": dossier.reference})
        return redirect("dossier-detail", pk=dossier.pk)


class DossierDownloadView(CapabilityRequiredMixin, View):
    capability = Capability.DOSSIERS_READ

    def get(self, request, *args, **kwargs):
        try:
            dossier = dossier_selectors.dossier_for_download(pk=kwargs["pk"])
        except Dossier.DoesNotExist as exc:
            raise Http404 from exc
        return dossier_file_response(dossier)


class DossierVerifyView(CapabilityRequiredMixin, FormView):
    """Check a file (or a SHA-256) against the dossiers issued here."""

    capability = Capability.DOSSIERS_READ
    write_capability = Capability.DOSSIERS_READ  # checking writes nothing
    http_method_names = ["get", "post"]
    template_name = "certifications/dossiers/verify.html"
    form_class = DossierVerifyForm

    def form_valid(self, form):
        upload = form.cleaned_data.get("file")
        if upload is not None:
            result = dossier_verify.dossier_verify_file(data=upload.read())
        else:
            result = dossier_verify.dossier_verify_hash(sha256=form.cleaned_data["sha256"])
        return self.render_to_response(self.get_context_data(form=form, result=result))
