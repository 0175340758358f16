"""Staff pages of the auditor portal: inviting an auditor to an audit, revoking an invitation, and
the access log per audit and per auditor."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from greenfactory.accounts.models import User
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error

from ..exports.portal import EXPORT_FORMATS, access_log_response
from ..forms.portal import AccessLogFilterForm, InvitationForm
from ..models import Audit, AuditInvitation
from ..selectors import audits as audit_selectors
from ..selectors import portal as portal_selectors
from ..services import portal as portal_services
from ..services.portal import invitation_window

PAGE_SIZE = 100


class InvitationCreateView(CapabilityRequiredMixin, FormView):
    """Invite an external auditor to an audit by e-mail address."""

    capability = Capability.AUDITS_WRITE
    template_name = "certifications/portal/invite.html"
    form_class = InvitationForm
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def audit(self) -> Audit:
        try:
            return audit_selectors.audit_detail(pk=self.kwargs["pk"])
        except Audit.DoesNotExist as exc:
            raise Http404 from exc

    def get_initial(self):
        return {"organisation": self.audit.certification_body, "require_second_factor": True}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            invitation = portal_services.invitation_create(
                audit=self.audit,
                email=data["email"],
                name=data["name"],
                organisation=data["organisation"],
                require_second_factor=data["require_second_factor"],
                by=self.request.user,
                base_url=self.request.build_absolute_uri("/"),
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(email)s is invited; the e-mail with the link to set a password is sent.")
            % {"email": invitation.email},
        )
        return redirect(reverse("audit-detail", args=[self.audit.pk]) + "#invitations")

    def get_context_data(self, **kwargs):
        starts, ends = invitation_window(audit=self.audit)
        return {**super().get_context_data(**kwargs), "audit": self.audit, "starts": starts, "ends": ends}


class InvitationRevokeView(CapabilityRequiredMixin, View):
    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            invitation = AuditInvitation.objects.select_related("audit").get(pk=kwargs["pk"])
        except AuditInvitation.DoesNotExist as exc:
            raise Http404 from exc
        try:
            portal_services.invitation_revoke(invitation=invitation, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("The invitation of %(email)s is revoked.") % {"email": invitation.email}
            )
        return redirect(reverse("audit-detail", args=[invitation.audit_id]) + "#invitations")


class _AccessLogView(CapabilityRequiredMixin, TemplateView):
    """The access log with filters, a page of rows and CSV/Excel export."""

    capability = Capability.AUDITS_READ
    template_name = "certifications/portal/access_log.html"
    audit: Audit | None = None
    auditor: User | None = None

    def get(self, request, *args, **kwargs):
        auditors = portal_selectors.access_log_auditors(audit=self.audit)
        self.form = AccessLogFilterForm(request.GET or None, auditors=auditors)
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        chosen = self.auditor
        if chosen is None and filters.get("auditor"):
            chosen = next((u for u in auditors if u.pk == filters["auditor"]), None)
        self.rows = portal_selectors.access_log(
            audit=self.audit,
            auditor=chosen,
            action=filters.get("action") or "",
            since=filters.get("since"),
            until=filters.get("until"),
        )
        export = request.GET.get("export")
        if export in EXPORT_FORMATS:
            return access_log_response(rows=self.rows, fmt=export)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context.update(
            audit=self.audit,
            auditor=self.auditor,
            form=self.form,
            page_obj=Paginator(self.rows, PAGE_SIZE).get_page(self.request.GET.get("page")),
            query=query.urlencode(),
        )
        return context


class AuditAccessLogView(_AccessLogView):
    def get(self, request, *args, **kwargs):
        try:
            self.audit = Audit.objects.get(pk=kwargs["pk"])
        except Audit.DoesNotExist as exc:
            raise Http404 from exc
        return super().get(request, *args, **kwargs)


class AuditorAccessLogView(_AccessLogView):
    def get(self, request, *args, **kwargs):
        # Only people who were invited at least once have a log page.
        self.auditor = User.objects.filter(pk=kwargs["pk"], audit_invitations__isnull=False).first()
        if self.auditor is None:
            raise Http404
        return super().get(request, *args, **kwargs)
