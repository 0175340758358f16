"""Meter pages: the meter register, one meter's readings, events, and staff file imports."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError, PayloadTooLarge
from greenfactory.core.exports import csv_response, xlsx_response
from metering.choices import ImportStatus
from metering.filters.readings import MeterFilter, MeterReadingFilter
from metering.forms.meters import ImportUploadForm, MeterEventForm
from metering.selectors import readings as selectors
from metering.services import imports, meters

PAGE_SIZE = 50


class MeterListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.READINGS_READ
    template_name = "metering/meters/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = MeterFilter(self.request.GET or None, queryset=selectors.meter_list_with_latest())
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=filterset, page_obj=page, query=query.urlencode())
        return context


class MeterDetailView(CapabilityRequiredMixin, TemplateView):
    """A meter's facts, latest reading, gateways' last contact, events, and its readings table."""

    capability = Capability.READINGS_READ
    template_name = "metering/meters/detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.meter = get_object_or_404(selectors.meter_list(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.filterset = MeterReadingFilter(
            request.GET or None, queryset=selectors.reading_list(meter=self.meter)
        )
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return self._export(export)
        return super().get(request, *args, **kwargs)

    def _rows(self):
        zone = zoneinfo.ZoneInfo(self.meter.site.time_zone)
        # Evaluated while the response streams: pin the query's SQL (and its time zone) now.
        readings = self.filterset.qs
        str(readings.query)
        for r in readings.iterator(chunk_size=5000):
            yield [
                self.meter.code,
                r.start.astimezone(zone).isoformat() if r.start else "",
                r.ts.astimezone(zone).isoformat(),
                r.value,
                self.meter.unit,
                r.get_quality_display(),
                r.get_source_display(),
            ]

    def _export(self, fmt: str):
        header = [_("Meter"), _("Start"), _("Time"), _("Value"), _("Unit"), _("Quality"), _("Source")]
        name = f"readings-{self.meter.site.code}-{self.meter.code}"
        if fmt == "csv":
            return csv_response(filename=name, header=header, rows=self._rows())
        return xlsx_response(filename=name, sheet=_("Readings"), header=header, rows=self._rows())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)  # evaluated now, under the site's time zone
        query = self.request.GET.copy()
        query.pop("page", None)
        can_write = can(self.request.user, Capability.METERS_WRITE)
        context.update(
            meter=self.meter,
            time_zone=self.meter.site.time_zone,
            latest=selectors.meter_latest_reading(meter=self.meter),
            last_seen=selectors.meter_last_seen(meter=self.meter),
            events=selectors.meter_event_list().filter(meter=self.meter)[:20],
            children=self.meter.children.order_by("code"),
            filter=self.filterset,
            page_obj=page,
            query=query.urlencode(),
            can_write=can_write,
            event_form=kwargs.get("event_form") or (MeterEventForm() if can_write else None),
        )
        return context


class MeterEventCreateView(MeterDetailView):
    """POST a reset or exchange from the meter page; errors show on the same page with the input kept."""

    capability = Capability.METERS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = MeterEventForm(request.POST)
        if form.is_valid():
            zone = zoneinfo.ZoneInfo(self.meter.site.time_zone)
            data = dict(form.cleaned_data)
            data["ts"] = (
                timezone.make_naive(data["ts"]).replace(tzinfo=zone)
                if timezone.is_aware(data["ts"])
                else data["ts"].replace(tzinfo=zone)
            )
            try:
                meters.meter_event_create(meter=self.meter, by=request.user, **data)
            except (DomainError, ValidationError) as exc:
                form.add_error(None, getattr(exc, "message", None) or "; ".join(exc.messages))
            else:
                messages.success(request, _("Event recorded; consumption across it will be recomputed."))
                return redirect("meter-detail", pk=self.meter.pk)
        self.filterset = MeterReadingFilter(None, queryset=selectors.reading_list(meter=self.meter))
        return self.render_to_response(self.get_context_data(event_form=form), status=400)


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
                form.add_error("file", exc.message)
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
        columns = list(job.preview[0].keys()) if job.preview else []
        error_lines = {e["line"] for e in job.errors}
        context.update(job=job, columns=columns, Status=ImportStatus, error_lines=error_lines)
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
