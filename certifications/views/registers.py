"""What every register's pages share: the registers overview, and the spreadsheet import page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability
from greenfactory.core.tabular import ImportInvalid
from greenfactory.core.uploads import file_too_large_message

from ..exports.registers import import_template_response
from ..selectors import registers as register_selectors
from ..services.register_import import RegisterImportInvalid, RegisterTable, import_register
from ._registers_common import UploadLimitMixin


class RegisterOverviewView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.REGISTERS_READ
    template_name = "certifications/registers/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registers"] = register_selectors.register_overview()
        return context


class RegisterImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel or CSV file"),
        help_text=gettext_lazy("An .xlsx workbook (its first sheet) or UTF-8 CSV text."),
    )


class RegisterImportView(UploadLimitMixin, CapabilityRequiredMixin, FormView):
    """Import a register from a spreadsheet; every problem is listed with its line and column and
    nothing is saved until the whole file is right. A register's view sets ``table`` (its
    RegisterTable), ``list_url_name`` and ``title``; ``?template=1`` downloads the empty template."""

    capability = Capability.REGISTERS_WRITE
    template_name = "certifications/registers/import.html"
    form_class = RegisterImportForm
    http_method_names = ["get", "post", "head", "options"]
    table: RegisterTable
    title: str | Promise = ""

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            return import_template_response(
                columns=self.table.columns, filename=self.table.filename, sheet=self.table.sheet
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            list_url=reverse(self.table.model.list_url_name),
            columns=self.table.columns,
        )
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            form.add_error("file", file_too_large_message(settings.IMPORT_MAX_BYTES))
            return self.render_to_response(self.get_context_data(form=form), status=413)
        try:
            result = import_register(table=self.table, data=upload.read(), by=self.request.user)
        except RegisterImportInvalid as exc:
            form.add_error("file", exc.message)
            context = self.get_context_data(form=form, errors=exc.errors, error_count=exc.total)
            return self.render_to_response(context, status=400)
        except ImportInvalid as exc:
            form.add_error("file", exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            self.request,
            _("Imported: %(created)s new, %(updated)s updated.")
            % {"created": result.created, "updated": result.updated},
        )
        return redirect(self.table.model.list_url_name)
