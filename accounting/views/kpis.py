"""The "Energy and emissions" dashboard: one site, one period, read from stored KPIs and rollups."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accounting.choices import GridRegion
from accounting.forms.activity import ACTIVITY_FORMS, ActivityImportForm
from accounting.models import FactorSet
from accounting.selectors import kpis as kpi_selectors
from accounting.selectors.kpis import TOTAL, KpiBucket, meter_tree
from accounting.services import activity
from accounting.services.factors import site_kpi_settings
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.choices import choice_label
from greenfactory.core.exceptions import DomainError, PayloadTooLarge
from greenfactory.core.exports import csv_response, xlsx_response
from greenfactory.core.time import Granularity
from greenfactory.sites.models import Site
from metering.choices import Medium
from metering.selectors import quality as quality_selectors
from metering.services.imports import table_rows

PERIODS = {
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
    "custom": gettext_lazy("Custom"),
}
MAX_CUSTOM_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def granularity(self) -> str:
        return Granularity.DAY if (self.end - self.start).days < 62 else Granularity.MONTH

    def previous(self) -> Period:
        if self.kind == "custom":
            length = self.end - self.start + dt.timedelta(days=1)
            return Period(self.kind, self.start - length, self.start - dt.timedelta(days=1))
        return period_for(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        if self.kind == "custom":
            length = self.end - self.start + dt.timedelta(days=1)
            return Period(self.kind, self.end + dt.timedelta(days=1), self.end + length)
        return period_for(self.kind, self.end + dt.timedelta(days=1))

    def last_year(self) -> Period:
        def back(day: dt.date) -> dt.date:
            return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)

        if self.kind == "custom":
            return Period(self.kind, back(self.start), back(self.end))
        return period_for(self.kind, back(self.start))


def period_for(kind: str, anchor: dt.date) -> Period:
    """The month, quarter or year holding ``anchor``."""
    if kind == "year":
        return Period(kind, dt.date(anchor.year, 1, 1), dt.date(anchor.year, 12, 31))
    first_month = anchor.month if kind == "month" else 3 * ((anchor.month - 1) // 3) + 1
    start = dt.date(anchor.year, first_month, 1)
    months = 1 if kind == "month" else 3
    year, month = divmod(first_month - 1 + months, 12)
    return Period(kind, start, dt.date(anchor.year + year, month + 1, 1) - dt.timedelta(days=1))


def _date(value: str | None) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day and dt.date(1900, 1, 1) <= day <= dt.date(2999, 12, 31) else None


def change(current: Decimal | None, before: Decimal | None) -> Decimal | None:
    """Relative change in percent, or None when there is nothing to compare with."""
    if current is None or not before:
        return None
    return (current - before) / before * 100


_HEADLINE = (
    ("tce", gettext_lazy("Comprehensive energy (tce)")),
    ("scope1_tco2e", gettext_lazy("Scope 1 (tCO2e)")),
    ("scope2_location_tco2e", gettext_lazy("Scope 2, location-based (tCO2e)")),
    ("scope2_market_tco2e", gettext_lazy("Scope 2, market-based (tCO2e)")),
    ("total_tco2e", gettext_lazy("Total, categories 1-6 (tCO2e)")),
    ("kgce_per_t", gettext_lazy("Energy intensity (kgce/t)")),
    ("tco2e_per_t", gettext_lazy("Emission intensity (tCO2e/t)")),
    ("water_m3_per_t", gettext_lazy("Water intensity (m³/t)")),
    ("renewable_share", gettext_lazy("Renewable share of electricity")),
)
_CATEGORIES = {
    "1": gettext_lazy("1 · Direct emissions (scope 1)"),
    "2": gettext_lazy("2 · Imported energy (scope 2, location-based)"),
    "3": gettext_lazy("3 · Transport"),
    "4": gettext_lazy("4 · Products used by the organisation"),
    "5": gettext_lazy("5 · Use of the organisation's products"),
    "6": gettext_lazy("6 · Other indirect emissions"),
}


def _factors_used(used: list[dict]) -> list[dict]:
    """The factors a period's KPIs used, with region and GWP-set names instead of their codes."""
    names = dict(FactorSet.objects.filter(code__in={f["gwp"] for f in used}).values_list("code", "name"))
    return [
        {
            **f,
            "grid": {**f["grid"], "label": choice_label(GridRegion, f["grid"]["region"])},
            "residual": {**f["residual"], "label": choice_label(GridRegion, f["residual"]["region"])},
            "gwp_name": names.get(f["gwp"], f["gwp"]),
        }
        for f in used
    ]


def comparable(days: int, other: int) -> bool:
    """Whether two periods have data for about the same number of days (within 10 %)."""
    return days > 0 and other > 0 and abs(days - other) <= 0.1 * max(days, other)


def _value(data: dict | None, name: str) -> Decimal | None:
    raw = data.get(name) if data else None
    return Decimal(raw) if raw is not None else None


class KpiDashboardView(CapabilityRequiredMixin, TemplateView):
    """Energy and emissions for a site and a period, with the previous period and last year beside it."""

    capability = Capability.KPIS_READ
    template_name = "accounting/kpis/dashboard.html"

    def get(self, request, *args, **kwargs):
        sites = list(Site.objects.order_by("code").only("code", "name", "time_zone"))
        if not sites:
            return super().get(request, *args, sites=sites, site=None)
        code = request.GET.get("site") or sites[0].code
        site = next((s for s in sites if s.code == code), None)
        if site is None:
            raise Http404(_("No such site."))
        kind = request.GET.get("period") if request.GET.get("period") in PERIODS else "month"
        anchor = (
            _date(request.GET.get("on"))
            or kpi_selectors.latest_kpi_day(site=site)
            or timezone.now().astimezone(zoneinfo.ZoneInfo(site.time_zone)).date()
        )
        if kind == "custom":
            start = _date(request.GET.get("start")) or anchor.replace(day=1)
            end = _date(request.GET.get("end")) or anchor
            if end < start:
                start, end = end, start
            end = min(end, start + dt.timedelta(days=MAX_CUSTOM_DAYS))
            period = Period(kind, start, end)
        else:
            period = period_for(kind, anchor)
        series = kpi_selectors.kpi_series(
            site=site, start=period.start, end=period.end, granularity=period.granularity, with_meters=False
        )
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return self._export(export, site, period, series)
        return super().get(request, *args, sites=sites, site=site, period=period, series=series)

    def _export(self, fmt: str, site: Site, period: Period, series: list[KpiBucket]):
        header, rows = export_table(series)
        name = f"kpis-{site.code}-{period.start}-{period.end}"
        if fmt == "csv":
            return csv_response(filename=name, header=header, rows=rows)
        return xlsx_response(filename=name, sheet=_("KPIs"), header=header, rows=rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = kwargs.get("site")
        context.update(sites=kwargs["sites"], site=site, periods=PERIODS)
        if site is None:
            return context
        context["open_findings"] = quality_selectors.open_finding_count(site=site)
        period: Period = kwargs["period"]
        series: list[KpiBucket] = kwargs["series"]

        def total(p: Period, meters: bool = False) -> dict | None:
            buckets = kpi_selectors.kpi_series(
                site=site, start=p.start, end=p.end, granularity=TOTAL, with_meters=meters
            )
            return buckets[0].as_dict() if buckets else None

        current = total(period, meters=True)
        previous, last_year = total(period.previous()), total(period.last_year())
        compared = (period, period.previous(), period.last_year())
        coverage = [
            {"days": days, "of": (p.end - p.start).days + 1}
            for p, days in zip(
                compared,
                kpi_selectors.days_with_data(site=site, periods=[(p.start, p.end) for p in compared]),
                strict=True,
            )
        ]
        # A change between periods with data for very different numbers of days (a year against a
        # month of data) measures the data, not the plant: it is not shown.
        like_previous = comparable(coverage[0]["days"], coverage[1]["days"])
        like_last_year = comparable(coverage[0]["days"], coverage[2]["days"])
        headline = [
            {
                "label": label,
                "percent": name == "renewable_share",
                "value": _value(current, name),
                "previous": _value(previous, name),
                "change_previous": change(_value(current, name), _value(previous, name))
                if like_previous
                else None,
                "last_year": _value(last_year, name),
                "change_last_year": change(_value(current, name), _value(last_year, name))
                if like_last_year
                else None,
            }
            for name, label in _HEADLINE
        ]
        meters = current["meters"] if current else {}
        tree = [
            {"meter": m, "depth": depth, "unit": unit, "quantity": meters.get(m.code)}
            for m, depth, unit in meter_tree(site=site)
        ]
        rows = [b.as_dict() for b in series]
        chart = {
            "labels": [r["start"] if period.granularity == Granularity.DAY else r["start"][:7] for r in rows],
            "scope1": [float(r["scope1_tco2e"]) for r in rows],
            "scope2_location": [float(r["scope2_location_tco2e"]) for r in rows],
            "scope2_market": [float(r["scope2_market_tco2e"]) for r in rows],
            "other": [sum(float(r["categories_tco2e"][c]) for c in "3456") for r in rows],
            "tce": [float(r["tce"]) for r in rows],
            "names": {
                "scope1": _("Scope 1"),
                "scope2_location": _("Scope 2, location-based"),
                "scope2_market": _("Scope 2, market-based"),
                "other": _("Categories 3-6"),
                "tce": _("tce"),
            },
        }
        kpi_settings = site_kpi_settings(site=site)
        context.update(
            period=period,
            granularity=period.granularity,
            current=current,
            headline=headline,
            consumption=[
                {"medium": Medium(m).label, "quantity": Decimal(v["quantity"]), "unit": v["unit"]}
                for m, v in (current["consumption"].items() if current else [])
            ],
            categories=[
                {"label": label, "value": Decimal(current["categories_tco2e"][key])}
                for key, label in _CATEGORIES.items()
            ]
            if current
            else [],
            tree=tree,
            rows=rows,
            chart=chart,
            settings=kpi_settings,
            previous_period=period.previous(),
            next_period=period.next(),
            last_year_period=period.last_year(),
            query=self.request.GET.urlencode(),
            coverage=coverage,
            factors_used=_factors_used(current["factors"] if current else []),
            changes_hidden=not (like_previous and like_last_year),
        )
        return context


def export_table(series: list[KpiBucket]) -> tuple[list[str], list[list]]:
    """The dashboard's bucket table as a header and rows (the same figures as the API)."""
    header = [
        _("Start"),
        _("End"),
        _("tce"),
        _("Scope 1 (tCO2e)"),
        _("Scope 2, location-based (tCO2e)"),
        _("Scope 2, market-based (tCO2e)"),
        _("Categories 3-6 (tCO2e)"),
        _("Tonnes processed"),
        _("kgce/t"),
        _("tCO2e/t"),
        _("Renewable share"),
        _("Grid factor"),
        _("Factor sets"),
    ]
    rows = []
    for bucket in series:
        r = bucket.as_dict()
        rows.append(
            [
                r["start"],
                r["end"],
                Decimal(r["tce"]),
                Decimal(r["scope1_tco2e"]),
                Decimal(r["scope2_location_tco2e"]),
                Decimal(r["scope2_market_tco2e"]),
                sum(Decimal(r["categories_tco2e"][c]) for c in "3456"),
                Decimal(r["processed_t"]),
                Decimal(r["kgce_per_t"]) if r["kgce_per_t"] else "",
                Decimal(r["tco2e_per_t"]) if r["tco2e_per_t"] else "",
                Decimal(r["renewable_share"]) if r["renewable_share"] else "",
                "; ".join(
                    f"{f['grid']['region']} {f['grid']['year']} {f['grid']['kg_per_kwh']}"
                    for f in r["factors"]
                ),
                "; ".join(
                    sorted(
                        {f"{code} v{version}" for f in r["factors"] for code, version in f["sets"].items()}
                    )
                ),
            ]
        )
    return header, rows


class ActivityView(CapabilityRequiredMixin, TemplateView):
    """Activity data of one kind: the latest rows, a form to add one, and a CSV/Excel import."""

    capability = Capability.KPIS_READ
    write_capability = Capability.ACTIVITY_WRITE
    template_name = "accounting/activity/list.html"
    http_method_names = ["get", "post", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in ACTIVITY_FORMS:
            raise Http404(_("No such kind of activity data."))
        self.form_class, self.title = ACTIVITY_FORMS[kwargs["kind"]]
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form, upload, errors = None, None, []
        if "file" in request.FILES:
            upload = ActivityImportForm(request.POST, request.FILES)
            if upload.is_valid():
                data = upload.cleaned_data["file"]
                try:
                    if data.size > settings.IMPORT_MAX_BYTES:
                        raise PayloadTooLarge(
                            _("The file is larger than the limit of %(limit)s bytes.")
                            % {"limit": settings.IMPORT_MAX_BYTES}
                        )
                    count = activity.activity_import(
                        form_class=self.form_class, rows=table_rows(data.read()), by=request.user
                    )
                except activity.ActivityImportInvalid as exc:
                    upload.add_error("file", exc.message)
                    errors = exc.errors
                except DomainError as exc:
                    upload.add_error("file", exc.message)
                else:
                    messages.success(
                        request, _("%(count)s rows imported; the KPIs are being updated.") % {"count": count}
                    )
                    return redirect(request.path)
        else:
            form = self.form_class(request.POST)
            if form.is_valid():
                data = dict(form.cleaned_data)
                try:
                    activity.activity_create(
                        model=self.form_class._meta.model, site=data.pop("site"), by=request.user, **data
                    )
                except DomainError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                else:
                    messages.success(request, _("Recorded; the KPIs of its month are being updated."))
                    return redirect(request.path)
        context = self.get_context_data(form=form, upload=upload, import_errors=errors, **kwargs)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = self.form_class._meta.model
        can_write = can(self.request.user, Capability.ACTIVITY_WRITE)
        context.update(
            title=self.title,
            kinds=[(key, label) for key, (_form, label) in ACTIVITY_FORMS.items()],
            kind=kwargs["kind"],
            fields=[f for f in self.form_class._meta.fields if f != "note"],
            rows=model.objects.select_related("site", "created_by").order_by("-date", "-id")[:100],
            can_write=can_write,
            form=(kwargs.get("form") or self.form_class()) if can_write else None,
            upload=(kwargs.get("upload") or ActivityImportForm()) if can_write else None,
            import_errors=kwargs.get("import_errors", []),
        )
        return context
