"""The data-quality page of a site: findings with filters and exports, explanations, thresholds."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error
from greenfactory.core.site_picker import pick_by_code
from greenfactory.sites.models import Site
from greenfactory.sites.selectors import site_list
from metering.exports.quality import quality_export
from metering.filters.quality import SiteQualityFindingFilter
from metering.forms.quality import SiteQualitySettingsForm
from metering.models import QualityFinding
from metering.selectors import quality as quality_selectors
from metering.selectors.pipeline import pipeline_failures
from metering.services import quality

PAGE_SIZE = 50


def readings_url(finding: QualityFinding, zone: zoneinfo.ZoneInfo) -> str | None:
    """The meter page's readings over the finding's days (the gateway's meters for a gateway)."""
    if finding.meter_id is None:
        return f"{reverse('meter-list')}?site={finding.site.code}"
    first = finding.start.astimezone(zone).date()
    last = finding.end.astimezone(zone).date()
    return f"{reverse('meter-detail', args=[finding.meter_id])}?start={first:%Y-%m-%d}&end={last:%Y-%m-%d}"


class QualityFindingListView(CapabilityRequiredMixin, TemplateView):
    """One site's findings: counts by kind, filters, table, exports, explanations and thresholds."""

    capability = Capability.KPIS_READ
    write_capability = Capability.QUALITY_WRITE
    template_name = "metering/quality/findings.html"
    http_method_names = ["get", "head", "options"]

    def _site(self, code: str | None) -> tuple[list[Site], Site | None]:
        picked = pick_by_code(choices=site_list(), code=code)
        return picked.choices, picked.chosen

    def get(self, request, *args, **kwargs):
        sites, site = self._site(request.GET.get("site"))
        if site is None:
            return self.render_to_response({"sites": sites, "site": None})
        filterset = self._filterset(site, request.GET)
        invalid = filterset.is_bound and not filterset.is_valid()
        export = request.GET.get("export")
        if export in ("csv", "xlsx") and not invalid:
            return quality_export(fmt=export, site=site, findings=filterset.qs)
        status = 400 if invalid else 200
        return self.render_to_response(
            self.get_context_data(sites=sites, site=site, filterset=filterset), status=status
        )

    def _filterset(self, site: Site, data) -> SiteQualityFindingFilter:
        data = data.copy()
        for name in ("site", "page", "export"):
            data.pop(name, None)
        return SiteQualityFindingFilter(
            data or None, queryset=quality_selectors.finding_list(site=site), site=site
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site: Site = kwargs["site"]
        filterset: SiteQualityFindingFilter = kwargs["filterset"]
        zone = zoneinfo.ZoneInfo(site.time_zone)
        invalid = filterset.is_bound and not filterset.is_valid()
        findings = QualityFinding.objects.none() if invalid else filterset.qs
        page = Paginator(findings, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = [
            {
                "finding": f,
                "description": quality_selectors.finding_description(f),
                "readings_url": readings_url(f, zone),
            }
            for f in page.object_list
        ]
        query = self.request.GET.copy()
        for name in ("page", "export"):
            query.pop(name, None)
        query["site"] = site.code
        can_write = can(self.request.user, Capability.QUALITY_WRITE)
        settings_ = quality.site_quality_settings(site=site)
        context.update(
            sites=kwargs["sites"],
            site=site,
            time_zone=site.time_zone,
            filter=filterset,
            page_obj=page,
            rows=rows,
            counts=quality_selectors.finding_counts_by_kind(
                findings=quality_selectors.finding_list(site=site)
            ),
            query=query.urlencode(),
            can_write=can_write,
            quality_settings=settings_,
            settings_form=kwargs.get("settings_form")
            or (SiteQualitySettingsForm(instance=settings_) if can_write else None),
            explain_errors=kwargs.get("explain_errors", {}),
            explain_note=kwargs.get("explain_note", ""),
            pipeline_failures=pipeline_failures(site_id=site.pk),
        )
        return context


class QualityFindingExplainView(QualityFindingListView):
    """POST a note that explains an open finding (staff); errors show on the page with the note kept."""

    capability = Capability.QUALITY_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        finding = get_object_or_404(QualityFinding.objects.select_related("site"), pk=kwargs["pk"])
        note = request.POST.get("note", "")
        try:
            quality.finding_explain(finding=finding, by=request.user, note=note)
        except DomainError as exc:
            sites, site = self._site(finding.site.code)
            filterset = self._filterset(site, request.GET)
            context = self.get_context_data(
                sites=sites,
                site=site,
                filterset=filterset,
                explain_errors={finding.pk: exc.message},
                explain_note=note,
            )
            return self.render_to_response(context, status=exc.status_code)
        messages.success(request, _("Finding explained; it stays explained when the data is recomputed."))
        query = request.GET.copy()
        query["site"] = finding.site.code
        return redirect(f"{reverse('quality-findings')}?{query.urlencode()}")


class QualitySettingsView(QualityFindingListView):
    """POST a site's thresholds (staff)."""

    capability = Capability.QUALITY_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        sites, site = self._site(request.GET.get("site"))
        if site is None:
            raise Http404(_("No such site."))
        form = SiteQualitySettingsForm(request.POST, instance=quality.site_quality_settings(site=site))
        if form.is_valid():
            try:
                quality.site_quality_settings_save(site=site, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Thresholds saved; the site's findings are being re-evaluated over its whole history."),
                )
                return redirect(f"{reverse('quality-findings')}?site={site.code}")
        context = self.get_context_data(
            sites=sites, site=site, filterset=self._filterset(site, {}), settings_form=form
        )
        return self.render_to_response(context, status=400)
