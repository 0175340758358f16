"""The data-quality page of a site: findings with filters and exports, explanations, thresholds."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.exports import csv_response, xlsx_response
from greenfactory.sites.models import Site
from metering.filters.quality import SiteQualityFindingFilter
from metering.models import FindingKind, QualityFinding, SiteQualitySettings
from metering.selectors import quality as quality_selectors
from metering.services import quality
from metering.units import canonical_unit

PAGE_SIZE = 50


class SiteQualitySettingsForm(forms.ModelForm):
    class Meta:
        model = SiteQualitySettings
        fields = ["balance_tolerance_pct", "stale_gateway_hours", "flatline_hours"]


def _n(value, places: int = 1) -> str:
    return number_format(round(float(value), places), decimal_pos=places, use_l10n=True)


def finding_description(finding: QualityFinding) -> str:
    """One sentence saying what was found, in the user's language."""
    d = finding.details or {}
    kind = finding.kind
    if kind == FindingKind.GAP:
        if d.get("usual_hours"):
            return _("No reading for %(hours)s h (readings usually every %(usual)s h).") % {
                "hours": _n(finding.magnitude),
                "usual": _n(d["usual_hours"]),
            }
        return _("No interval covers %(hours)s h.") % {"hours": _n(finding.magnitude)}
    if kind == FindingKind.SPIKE:
        return _("The register rose at %(rate)s %(unit)s, above the rated maximum of %(rated)s.") % {
            "rate": _n(finding.magnitude),
            "unit": d.get("unit", ""),
            "rated": _n(d.get("rated_max_flow") or 0),
        }
    if kind == FindingKind.DECREASE:
        return _("The register fell from %(before)s to %(after)s with no reset or exchange recorded.") % {
            "before": _n(d.get("before") or 0),
            "after": _n(d.get("after") or 0),
        }
    if kind == FindingKind.FLATLINE:
        return _("The register did not move for %(hours)s h (threshold %(threshold)s h).") % {
            "hours": _n(finding.magnitude),
            "threshold": d.get("threshold_hours", ""),
        }
    if kind == FindingKind.NEGATIVE_INTERVAL:
        return _("The interval's value is %(value)s %(unit)s, below zero.") % {
            "value": _n(finding.magnitude, 3),
            "unit": d.get("unit", ""),
        }
    if kind == FindingKind.STALE_GATEWAY:
        if d.get("never_used"):
            return _("Never uploaded since it was created %(hours)s h ago (threshold %(threshold)s h).") % {
                "hours": _n(finding.magnitude),
                "threshold": d.get("threshold_hours", ""),
            }
        return _("No upload for %(hours)s h (threshold %(threshold)s h).") % {
            "hours": _n(finding.magnitude),
            "threshold": d.get("threshold_hours", ""),
        }
    unit = canonical_unit(medium=finding.meter.medium, unit=finding.meter.unit) if finding.meter else ""
    values = {
        "parent": _n(d.get("parent", 0)),
        "sub": _n(d.get("sub_meters", 0)),
        "unit": unit,
        "pct": _n(finding.magnitude, 2),
        "tolerance": _n(d.get("tolerance_pct", 0), 2),
    }
    if d.get("direction") == "above_parent":
        return (
            _("Sub-meters sum to %(sub)s %(unit)s, above the parent's %(parent)s %(unit)s (by %(pct)s %%).")
            % values
        )
    return (
        _(
            "Losses of %(pct)s %% between the parent (%(parent)s %(unit)s) and its sub-meters "
            "(%(sub)s %(unit)s), above the tolerance of %(tolerance)s %%."
        )
        % values
    )


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
        sites = list(Site.objects.order_by("code").only("code", "name", "time_zone"))
        if not sites:
            return sites, None
        site = next((s for s in sites if s.code == (code or sites[0].code)), None)
        if site is None:
            raise Http404(_("No such site."))
        return sites, site

    def get(self, request, *args, **kwargs):
        sites, site = self._site(request.GET.get("site"))
        if site is None:
            return self.render_to_response({"sites": sites, "site": None})
        filterset = self._filterset(site, request.GET)
        invalid = filterset.is_bound and not filterset.is_valid()
        export = request.GET.get("export")
        if export in ("csv", "xlsx") and not invalid:
            return self._export(export, site, filterset.qs)
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

    def _export(self, fmt: str, site: Site, findings):
        zone = zoneinfo.ZoneInfo(site.time_zone)
        header = [
            _("Kind"),
            _("Meter or gateway"),
            _("Start"),
            _("End"),
            _("Magnitude"),
            _("What was found"),
            _("Status"),
            _("Explanation"),
            _("Explained by"),
            _("Explained at"),
            _("Still detected"),
        ]

        def rows():
            for f in findings.iterator(chunk_size=2000):
                yield [
                    f.get_kind_display(),
                    f.meter.code if f.meter_id else f.gateway.name,
                    f.start.astimezone(zone).isoformat(),
                    f.end.astimezone(zone).isoformat(),
                    f.magnitude,
                    finding_description(f),
                    f.get_status_display(),
                    f.note,
                    str(f.explained_by or ""),
                    f.explained_at.astimezone(zone).isoformat() if f.explained_at else "",
                    _("yes") if f.detected else _("no"),
                ]

        name = f"data-quality-{site.code}"
        if fmt == "csv":
            return csv_response(filename=name, header=header, rows=rows())
        return xlsx_response(filename=name, sheet=_("Data quality"), header=header, rows=rows())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site: Site = kwargs["site"]
        filterset: SiteQualityFindingFilter = kwargs["filterset"]
        zone = zoneinfo.ZoneInfo(site.time_zone)
        invalid = filterset.is_bound and not filterset.is_valid()
        findings = QualityFinding.objects.none() if invalid else filterset.qs
        page = Paginator(findings, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = [
            {"finding": f, "description": finding_description(f), "readings_url": readings_url(f, zone)}
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
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
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
