"""Evidence in the admin: its descriptive fields change through ``evidence_update`` (same date rule,
same audit trail); status, approval, files and clause links only through the evidence pages and
their services, so they are read-only here. New evidence is recorded on the pages, and evidence is
never deleted (neither the pages nor the API delete it): its revisions' files and hashes are what
dossiers and auditors rely on; an outdated record is superseded or expires through its transitions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from greenfactory.core.exceptions import DomainError

from ..models import Evidence, EvidencePolicy
from ..services import evidence as evidence_services
from .base import NoAddAdminMixin


class EvidenceAdminForm(forms.ModelForm):
    class Meta:
        model = Evidence
        fields = [*evidence_services.EDITABLE_FIELDS, "sites"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            evidence_services.evidence_dates_check(
                review_date=cleaned.get("review_date"), expiry_date=cleaned.get("expiry_date")
            )
        except DomainError as exc:
            raise ValidationError({exc.field: exc.message} if exc.field else exc.message) from exc
        return cleaned


@admin.register(Evidence)
class EvidenceAdmin(NoAddAdminMixin, SimpleHistoryAdmin):
    form = EvidenceAdminForm
    list_display = ["title", "owner", "status", "review_date", "expiry_date"]
    list_filter = ["status"]
    search_fields = ["title", "description"]
    readonly_fields = ["status", "approver", "approved_at", "clauses"]
    filter_horizontal = ["sites"]

    def has_delete_permission(self, request: HttpRequest, obj: Evidence | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Evidence, form: forms.ModelForm, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in evidence_services.EDITABLE_FIELDS}
        evidence_services.evidence_update(
            evidence=Evidence.objects.get(pk=obj.pk),
            by=request.user,
            sites=form.cleaned_data["sites"],
            **fields,
        )

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: list[BaseInlineFormSet], change: bool
    ) -> None:
        # The service set the sites; only inline formsets (none today) are left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(EvidencePolicy)
class EvidencePolicyAdmin(SimpleHistoryAdmin):
    """Per organisation: whether the people who wrote an evidence item may also approve it."""

    list_display = ["organisation", "self_approval_allowed"]
    fields = ["organisation", "self_approval_allowed"]

    def get_readonly_fields(self, request: HttpRequest, obj: EvidencePolicy | None = None) -> list[str]:
        return ["organisation"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: EvidencePolicy | None = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: EvidencePolicy, form: forms.ModelForm, change: bool
    ) -> None:
        saved = evidence_services.evidence_policy_set(
            organisation=obj.organisation,
            self_approval_allowed=form.cleaned_data["self_approval_allowed"],
            by=request.user,
        )
        obj.pk = saved.pk
