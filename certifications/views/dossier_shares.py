"""Sharing a dossier with an invited auditor (staff) and the auditor's personal copy (portal)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability
from greenfactory.core.exceptions import DomainError

from ..exports.evidence import attachment_header
from ..files import PDF
from ..models import AuditInvitation, DossierShare
from ..selectors import dossier_shares as share_selectors
from ..selectors import dossiers as dossier_selectors
from ..services import dossier_shares as share_services
from .portal import PortalScopeMixin, _address


class DossierShareView(CapabilityRequiredMixin, View):
    capability = Capability.DOSSIERS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        dossier = get_object_or_404(dossier_selectors.dossier_list(), pk=kwargs["pk"])
        invitation = AuditInvitation.objects.filter(pk=request.POST.get("invitation") or 0).first()
        if invitation is None or not str(request.POST.get("invitation", "")).isdigit():
            messages.error(request, _("Choose an invitation."))
            return redirect("dossier-detail", pk=dossier.pk)
        try:
            share_services.dossier_share(dossier=dossier, invitation=invitation, by=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Shared with %(name)s.") % {"name": invitation.name})
        return redirect("dossier-detail", pk=dossier.pk)


class DossierShareRevokeView(CapabilityRequiredMixin, View):
    capability = Capability.DOSSIERS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        dossier = get_object_or_404(dossier_selectors.dossier_list(), pk=kwargs["pk"])
        try:
            share = share_selectors.dossier_share_of(dossier=dossier, pk=kwargs["item"])
        except DossierShare.DoesNotExist as exc:
            raise Http404 from exc
        share_services.dossier_share_revoke(share=share, by=request.user)
        messages.success(request, _("The share is revoked."))
        return redirect("dossier-detail", pk=dossier.pk)


class PortalDossierView(PortalScopeMixin, View):
    """The auditor's personal copy of a dossier shared with their invitation."""

    def get(self, request, *args, **kwargs):
        try:
            share = share_selectors.invitation_share(invitation=self.scope.invitation, pk=kwargs["item"])
        except DossierShare.DoesNotExist as exc:
            raise Http404 from exc
        try:
            issued = share_services.dossier_copy_issue(
                share=share,
                auditor=request.user,
                path=request.get_full_path(),
                remote_address=_address(request),
            )
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = HttpResponse(issued.data, content_type=PDF)
        response["Content-Disposition"] = attachment_header(f"{share.dossier.reference}-copy.pdf")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
