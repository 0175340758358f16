"""Pages of the permits register: the list and its exports, a permit with its conditions and
history, recording and editing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from ..exports.permits import permit_list_response
from ..filters.permits import PermitFilter
from ..forms.permits import PermitForm, PermitUpdateForm
from ..models import Permit
from ..selectors import permits as selectors
from ..selectors._common import entry_changes
from ..services import permits as services
from ._registers_common import (
    RegisterEntryView,
    RegisterFormView,
    RegisterListView,
    blank_as_empty,
    initial_of,
)

_OPTIONAL_TEXT = ("title_zh", "scope", "notes")


class PermitListView(RegisterListView):
    template_name = "certifications/registers/permits/list.html"
    filter_class = PermitFilter
    queryset = staticmethod(selectors.permit_list)
    export = staticmethod(lambda qs, fmt: permit_list_response(permits=qs, fmt=fmt))


class PermitDetailView(RegisterEntryView):
    template_name = "certifications/registers/permits/detail.html"
    entry_name = "permit"

    def get_entry(self, pk: int) -> Permit:
        return selectors.permit_detail(pk=pk)

    def entry_context(self, entry: Permit) -> dict[str, Any]:
        return {"history": entry_changes(entry=entry)}


class PermitCreateView(RegisterFormView):
    template_name = "certifications/registers/permits/form.html"
    form_class = PermitForm

    def get_initial(self):
        return {"owner": self.request.user}

    def save(self, form):
        permit = services.permit_create(
            by=self.request.user, **blank_as_empty(form.cleaned_data, _OPTIONAL_TEXT)
        )
        messages.success(self.request, _("Permit %(reference)s recorded.") % {"reference": permit.reference})
        return redirect("permit-detail", pk=permit.pk)


class PermitUpdateView(RegisterFormView):
    template_name = "certifications/registers/permits/form.html"
    form_class = PermitUpdateForm

    @cached_property
    def permit(self) -> Permit:
        return get_object_or_404(Permit, pk=self.kwargs["pk"])

    def get_initial(self):
        return initial_of(self.permit, services.PERMIT_FIELDS)

    def save(self, form):
        data = blank_as_empty(form.cleaned_data, _OPTIONAL_TEXT)
        links = {name: data.pop(name) for name in ("sites", "clauses")}
        services.permit_update(permit=self.permit, by=self.request.user, **links, **data)
        messages.success(self.request, _("Permit saved."))
        return redirect("permit-detail", pk=self.permit.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "permit": self.permit}
