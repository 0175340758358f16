"""Meter pages: the meter register, one meter's readings (with their export), and its events."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error
from metering.exports.readings import readings_export
from metering.filters.meters import MeterFilter
from metering.filters.readings import MeterReadingFilter
from metering.forms.meters import MeterEventForm
from metering.selectors import meters as selectors
from metering.selectors import readings as reading_selectors
from metering.services import meters

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
            request.GET or None, queryset=reading_selectors.reading_list(meter=self.meter)
        )
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return readings_export(fmt=export, meter=self.meter, readings=self.filterset.qs)
        return super().get(request, *args, **kwargs)

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
            latest=reading_selectors.meter_latest_reading(meter=self.meter),
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
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Event recorded; consumption across it will be recomputed."))
                return redirect("meter-detail", pk=self.meter.pk)
        self.filterset = MeterReadingFilter(None, queryset=reading_selectors.reading_list(meter=self.meter))
        return self.render_to_response(self.get_context_data(event_form=form), status=400)
