"""Pages of certificates: the list, recording and editing one, its status and surveillance audits."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error

from ..forms.certificates import CertificateForm, CertificateUpdateForm
from ..models import Certificate, CertificateStatus, SurveillanceAudit
from ..selectors import audits as audit_selectors
from ..selectors import certificates as certificate_selectors
from ..services import certificates as certificate_services
from ..services.certificates import TRANSITIONS


class CertificateListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.CERTIFICATES_READ
    template_name = "certifications/certificates/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["certificates"] = certificate_selectors.certificate_list()
        context["can_write"] = can(self.request.user, Capability.CERTIFICATES_WRITE)
        context["today"] = timezone.localdate()
        return context


class CertificateCreateView(CapabilityRequiredMixin, FormView):
    capability = Capability.CERTIFICATES_WRITE
    template_name = "certifications/certificates/form.html"
    form_class = CertificateForm
    http_method_names = ["get", "post", "head", "options"]

    def get_initial(self):
        return {"owner": self.request.user}

    def form_valid(self, form):
        try:
            certificate = certificate_services.certificate_create(by=self.request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Certificate recorded."))
        return redirect("certificate-detail", pk=certificate.pk)


class CertificateUpdateView(CapabilityRequiredMixin, FormView):
    capability = Capability.CERTIFICATES_WRITE
    template_name = "certifications/certificates/form.html"
    form_class = CertificateUpdateForm
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def certificate(self) -> Certificate:
        return get_object_or_404(Certificate, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.certificate}

    def form_valid(self, form):
        fields = dict(form.cleaned_data)
        sites = fields.pop("sites")
        try:
            certificate_services.certificate_update(
                certificate=self.certificate, by=self.request.user, sites=sites, **fields
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Certificate saved."))
        return redirect("certificate-detail", pk=self.certificate.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "certificate": self.certificate}


class CertificateDetailView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.CERTIFICATES_READ
    template_name = "certifications/certificates/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate = get_object_or_404(certificate_selectors.certificate_list(), pk=kwargs["pk"])
        context.update(
            certificate=certificate,
            transitions=[(s, CertificateStatus(s).label) for s in sorted(TRANSITIONS[certificate.status])],
            can_write=can(self.request.user, Capability.CERTIFICATES_WRITE),
            open_majors=audit_selectors.open_majors_for_certificate(certificate=certificate)
            if can(self.request.user, Capability.AUDITS_READ)
            else [],
        )
        return context


class CertificateStatusView(CapabilityRequiredMixin, View):
    capability = Capability.CERTIFICATES_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        certificate = get_object_or_404(Certificate, pk=kwargs["pk"])
        try:
            certificate = certificate_services.certificate_set_status(
                certificate=certificate, status=request.POST.get("status", ""), by=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Status is now “%(status)s”.") % {"status": certificate.get_status_display()}
            )
        return redirect("certificate-detail", pk=certificate.pk)


class SurveillanceDoneView(CapabilityRequiredMixin, View):
    capability = Capability.CERTIFICATES_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        audit = get_object_or_404(SurveillanceAudit, pk=kwargs["pk"])
        field = forms.DateField()
        try:
            done_on = field.clean(request.POST.get("done_on"))
            certificate_services.surveillance_audit_record(audit=audit, done_on=done_on, by=request.user)
        except forms.ValidationError:
            messages.error(request, _("Enter the date the audit took place."))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Surveillance audit recorded."))
        return redirect("certificate-detail", pk=audit.certificate_id)
