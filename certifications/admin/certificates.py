"""Certificates in the admin: recorded through ``certificate_create`` (so the yearly surveillance
audits are planned) and changed through ``certificate_update``; the status moves only through
``certificate_set_status`` on the certificate's page, so it is read-only here, and surveillance
audits are recorded on that page too. As on the pages and in the API, a certificate is never deleted
(that would take its surveillance audits with it): its status records that it lapsed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from greenfactory.core.exceptions import DomainError

from ..models import Certificate, CertificateStatus
from ..services import certificates as certificate_services


class CertificateAdminForm(forms.ModelForm):
    class Meta:
        model = Certificate
        fields = ["standard", *certificate_services.EDITABLE_FIELDS, "sites"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        fields = {k: cleaned[k] for k in certificate_services.EDITABLE_FIELDS if k in cleaned}
        candidate = Certificate(pk=self.instance.pk, status=self.instance.status, **fields)
        try:
            certificate_services.certificate_check(certificate=candidate)
        except DomainError as exc:
            raise ValidationError({exc.field: exc.message} if exc.field else exc.message) from exc
        return cleaned


@admin.register(Certificate)
class CertificateAdmin(SimpleHistoryAdmin):
    form = CertificateAdminForm
    list_display = ["standard", "certification_body", "number", "status", "expires_on"]
    list_filter = ["status", "standard"]
    readonly_fields = ["status"]

    def get_readonly_fields(self, request: HttpRequest, obj: Certificate | None = None) -> list[str]:
        # A certificate stays with the standard it was recorded for.
        return ["status", "standard"] if obj is not None else ["status"]

    def has_delete_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Certificate, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        fields = {name: data[name] for name in certificate_services.EDITABLE_FIELDS}
        if change:
            certificate_services.certificate_update(
                certificate=Certificate.objects.get(pk=obj.pk), by=request.user, sites=data["sites"], **fields
            )
            return
        saved = certificate_services.certificate_create(
            standard=data["standard"],
            sites=data["sites"],
            status=CertificateStatus.PLANNED,
            by=request.user,
            **fields,
        )
        obj.pk = saved.pk

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: list[BaseInlineFormSet], change: bool
    ) -> None:
        # The service set the sites and planned the surveillance audits.
        return None
