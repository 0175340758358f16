"""Pages of green-factory schemes under /green-factory/schemes/: the editions and industry variants, a
scheme's groups, indicators and gate with its source (YAML and Excel downloads), and loading a file."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exports import xlsx_file_response
from greenfactory.core.forms import form_refused
from greenfactory.core.uploads import file_too_large_message, refuse_oversized_body

from ..exceptions import FileTooLarge, ImportRejected
from ..exports.green_factory import scheme_filename, scheme_xlsx, scheme_yaml
from ..exports.standards import YAML_TYPE
from ..forms.green_factory import SchemeImportForm
from ..models import Scheme
from ..selectors import green_factory as selectors
from ..services import green_factory as scheme_services

# A scheme file is a few dozen kilobytes; this leaves room for long industry variants (as the API).
SCHEME_FILE_MAX_BYTES = 2 * 1024 * 1024


class SchemeListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.GREEN_FACTORY_READ
    template_name = "certifications/green_factory/scheme_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            tab="schemes",
            schemes=selectors.scheme_list(),
            can_write=can(self.request.user, Capability.GREEN_FACTORY_WRITE),
        )
        return context


class SchemeDetailView(CapabilityRequiredMixin, TemplateView):
    """A scheme's tree, gate and source; ``?export=yaml`` or ``?export=xlsx`` downloads it."""

    capability = Capability.GREEN_FACTORY_READ
    template_name = "certifications/green_factory/scheme_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            self.scheme, self.groups, self.gate = selectors.scheme_detail(pk=kwargs["pk"])
        except Scheme.DoesNotExist as exc:
            raise Http404 from exc
        export = request.GET.get("export")
        if export == "yaml":
            response = HttpResponse(scheme_yaml(self.scheme).encode("utf-8"), content_type=YAML_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{scheme_filename(self.scheme)}.yaml"'
            return response
        if export == "xlsx":
            return xlsx_file_response(filename=scheme_filename(self.scheme), content=scheme_xlsx(self.scheme))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(tab="schemes", scheme=self.scheme, groups=self.groups, gate=self.gate)
        return context


class SchemeImportView(CapabilityRequiredMixin, FormView):
    """Load a scheme file (YAML or Excel) or upgrade the loaded scheme of the same code; every problem
    is listed with its line, or its sheet and row, and nothing is written."""

    capability = Capability.GREEN_FACTORY_WRITE
    template_name = "certifications/green_factory/scheme_import.html"
    form_class = SchemeImportForm
    http_method_names = ["get", "post", "head", "options"]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "tab": "schemes"}

    def post(self, request, *args, **kwargs):
        try:
            refuse_oversized_body(request, limit=SCHEME_FILE_MAX_BYTES, error=FileTooLarge)
        except FileTooLarge as exc:
            form = form_refused(self.get_form_class(), exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=exc.status_code)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > SCHEME_FILE_MAX_BYTES:
            form.add_error("file", file_too_large_message(SCHEME_FILE_MAX_BYTES))
            return self.render_to_response(self.get_context_data(form=form), status=413)
        try:
            scheme = scheme_services.scheme_load_file(content=upload.read(), by=self.request.user)
        except ImportRejected as exc:
            form.add_error("file", exc.message)
            context = self.get_context_data(form=form, problems=exc.problems)
            return self.render_to_response(context, status=400)
        messages.success(self.request, _("Scheme %(code)s loaded.") % {"code": scheme.code})
        return redirect("green-factory-scheme", pk=scheme.pk)
