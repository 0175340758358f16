"""Importing the obligations register from a spreadsheet: every problem listed with its line and
column, nothing saved unless the whole file is right; and the empty template to fill in."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability
from greenfactory.core.exceptions import DomainError

from ..exports.registers import import_template_response
from ..forms.obligations import ObligationImportForm
from ..services.obligations import obligation_table
from ..services.register_import import RegisterImportInvalid, import_register
from ._registers_common import UploadLimitMixin


class ObligationImportView(UploadLimitMixin, CapabilityRequiredMixin, FormView):
    capability = Capability.REGISTERS_WRITE
    template_name = "certifications/registers/obligations/import.html"
    form_class = ObligationImportForm
    http_method_names = ["get", "post", "head", "options"]

    def upload_limit(self) -> int:
        return settings.EVIDENCE_UPLOAD_MAX_BYTES

    def form_valid(self, form):
        try:
            result = import_register(
                table=obligation_table(), data=form.cleaned_data["file"].read(), by=self.request.user
            )
        except RegisterImportInvalid as exc:
            return self.render_to_response(
                self.get_context_data(form=form, problem=exc.message, errors=exc.errors), status=400
            )
        except DomainError as exc:  # a file that cannot be read as a table
            return self.render_to_response(self.get_context_data(form=form, problem=exc.message), status=400)
        messages.success(
            self.request,
            _("Imported: %(created)s obligation(s) recorded, %(updated)s updated.")
            % {"created": result.created, "updated": result.updated},
        )
        return redirect("obligation-list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = obligation_table().columns
        return context


class ObligationImportTemplateView(CapabilityRequiredMixin, View):
    capability = Capability.REGISTERS_READ

    def get(self, request, *args, **kwargs):
        table = obligation_table()
        return import_template_response(columns=table.columns, filename=table.filename, sheet=table.sheet)
