"""Pages of the standards library: the list, a standard's clause tree and exports, and imports."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.forms import form_refused
from greenfactory.core.uploads import refuse_oversized_body

from ..exceptions import FileTooLarge, ImportRejected
from ..exports.standards import FORMATS, standard_export
from ..forms.standards import StandardImportForm
from ..models import Standard
from ..parsers.standards import read_standard_file
from ..selectors import standards as standard_selectors
from ..services import standards as standard_services


class StandardListView(CapabilityRequiredMixin, TemplateView):
    """The Standards area: every standard and edition, with the way to coverage and certificates."""

    capability = Capability.STANDARDS_READ
    template_name = "certifications/standards/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["standards"] = standard_selectors.standard_list()
        context["can_import"] = can(self.request.user, Capability.STANDARDS_WRITE)
        return context


class StandardDetailView(CapabilityRequiredMixin, TemplateView):
    """A standard's clause tree with its crosswalk; exports as YAML or Excel."""

    capability = Capability.STANDARDS_READ
    template_name = "certifications/standards/detail.html"

    def get(self, request, *args, **kwargs):
        try:
            self.standard = standard_selectors.standard_detail(pk=kwargs["pk"])
        except Standard.DoesNotExist as exc:
            raise Http404 from exc
        export = request.GET.get("export")
        if export in FORMATS:
            file = standard_export(standard=self.standard, fmt=export)
            response = HttpResponse(file.content, content_type=file.content_type)
            response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["standard"] = self.standard
        context["clauses"] = standard_selectors.standard_clauses(standard=self.standard)
        context["editions"] = standard_selectors.standard_other_editions(standard=self.standard)
        return context


class StandardImportView(CapabilityRequiredMixin, FormView):
    """Import a standard or a new edition; every problem is listed with its line or cell."""

    capability = Capability.STANDARDS_WRITE
    template_name = "certifications/standards/import.html"
    form_class = StandardImportForm
    http_method_names = ["get", "post", "head", "options"]

    def post(self, request, *args, **kwargs):
        try:
            refuse_oversized_body(request, limit=settings.EVIDENCE_UPLOAD_MAX_BYTES, error=FileTooLarge)
        except FileTooLarge as exc:
            form = form_refused(self.get_form_class(), exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=exc.status_code)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data, problems = read_standard_file(form.cleaned_data["file"])
        if not problems and data is not None:
            source = form.cleaned_data["carry_over_from"]
            try:
                standard = standard_services.standard_import(
                    data=data, carry_over_from=source, by=self.request.user
                )
            except ImportRejected as exc:
                problems = exc.problems
            else:
                if source is not None:
                    messages.info(
                        self.request,
                        _("Mappings and evidence links carried over from %(label)s.")
                        % {"label": source.label},
                    )
        if problems:
            form.add_error("file", _("The file has problems; nothing was imported."))
            return self.render_to_response(self.get_context_data(form=form, problems=problems), status=400)
        messages.success(self.request, _("%(label)s imported.") % {"label": standard.label})
        replaced = standard_selectors.standard_replaced_editions(standard=standard)
        if replaced:
            messages.info(
                self.request,
                _("%(labels)s is now marked superseded by %(label)s.")
                % {"labels": ", ".join(s.label for s in replaced), "label": standard.label},
            )
        return redirect("standard-detail", pk=standard.pk)
