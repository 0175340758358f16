"""Staff file imports of readings and production records: upload (checked, not yet imported), the
check's result and progress, then commit or cancel."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability
from greenfactory.core.exceptions import DomainError, PayloadTooLarge
from greenfactory.core.forms import form_add_domain_error
from greenfactory.core.messages import text_render
from metering.choices import ImportStatus
from metering.forms.imports import ImportUploadForm
from metering.selectors import imports as selectors
from metering.services import imports
from metering.services.imports import LINE_KEY


class ImportListView(CapabilityRequiredMixin, TemplateView):
    """Upload a file (it is checked, not yet imported) and see earlier imports."""

    capability = Capability.READINGS_WRITE
    template_name = "metering/imports/list.html"
    http_method_names = ["get", "post", "head", "options"]

    def post(self, request, *args, **kwargs):
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > settings.IMPORT_MAX_BYTES:  # refuse before reading it into memory
                    raise PayloadTooLarge(
                        _("The file is larger than the limit of %(limit)s bytes.")
                        % {"limit": settings.IMPORT_MAX_BYTES}
                    )
                job = imports.import_job_create(
                    site=form.cleaned_data["site"],
                    kind=form.cleaned_data["kind"],
                    name=upload.name,
                    data=upload.read(),
                    by=request.user,
                )
            except DomainError as exc:
                form_add_domain_error(form, exc, field="file")
            else:
                return redirect("import-detail", pk=job.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ImportUploadForm(
            initial={"site": self.request.GET.get("site")}
        )
        context["jobs"] = selectors.import_job_list()[:50]
        return context


class ImportDetailView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.READINGS_WRITE
    template_name = "metering/imports/detail.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = get_object_or_404(selectors.import_job_list(), pk=kwargs["pk"])
        columns = [c for c in job.preview[0] if c != LINE_KEY] if job.preview else []
        error_lines = {e["line"] for e in job.errors}
        # (line, values) per preview row; a job checked before lines were stored counts them.
        preview = [
            (row.get(LINE_KEY) or position, [row.get(c, "") for c in columns])
            for position, row in enumerate(job.preview or [], start=2)
        ]
        # Reasons are stored as their source: shown in the reader's language.
        errors = [{**e, "reason": text_render(e.get("reason"))} for e in job.errors]
        context.update(
            job=job,
            columns=columns,
            preview=preview,
            errors=errors,
            Status=ImportStatus,
            error_lines=error_lines,
        )
        return context


class ImportProgressView(ImportDetailView):
    """The progress fragment the import page polls with HTMX while the import runs."""

    template_name = "metering/imports/_progress.html"


class ImportActionView(CapabilityRequiredMixin, TemplateView):
    """Confirm or cancel a checked import."""

    capability = Capability.READINGS_WRITE
    http_method_names = ["post"]
    action = "commit"

    def post(self, request, *args, **kwargs):
        job = get_object_or_404(selectors.import_job_list(), pk=kwargs["pk"])
        try:
            if self.action == "commit":
                imports.import_job_commit(job=job, by=request.user)
            else:
                imports.import_job_cancel(job=job, by=request.user)
                messages.info(request, _("Import cancelled; nothing was written."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("import-detail", pk=job.pk)
