"""The load profile page: a site's or meter's typical day, heat map, figures against the previous
period and the observations drawn from them, with the tables behind each chart as downloads."""

from __future__ import annotations

import datetime as dt

from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accounting.exports.load_profiles import TABLES, figure_labels, load_profile_export
from accounting.load_profile_svg import heat_map_svg, load_figure, typical_day_svg
from accounting.selectors.load_advice import advice_figures, observations
from accounting.selectors.load_profiles import LoadProfile, load_meters, load_profile
from accounting.selectors.periods import Period, period_from_query, query_date
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability
from greenfactory.core.site_picker import pick_by_code
from greenfactory.core.time import local_today
from greenfactory.sites.selectors import site_list

PERIODS = {
    "week": gettext_lazy("7 days"),
    "month": gettext_lazy("Month"),
    "custom": gettext_lazy("From – to"),
}
MAX_PAGE_DAYS = 366


def page_period(*, query, today: dt.date) -> tuple[str, Period]:
    """The period the page's query asks for: 7 days ending on ``on`` (default yesterday), the month
    holding ``on``, or the days from ``start`` to ``end`` (at most a year)."""
    kind = query.get("period")
    kind = kind if kind in PERIODS else "week"
    yesterday = today - dt.timedelta(days=1)
    if kind == "week":
        last = query_date(query.get("on")) or yesterday
        return kind, Period("custom", last - dt.timedelta(days=6), last)
    period = period_from_query(
        kind=kind,
        on=query.get("on"),
        start=query.get("start"),
        end=query.get("end"),
        default_anchor=lambda: yesterday,
    )
    if period.days > MAX_PAGE_DAYS:
        period = Period(period.kind, period.start, period.start + dt.timedelta(days=MAX_PAGE_DAYS - 1))
    return kind, period


def _figure_rows(profile: LoadProfile) -> list[dict]:
    rows = []
    for name, label, unit in figure_labels(profile):
        now, before = getattr(profile.current, name), getattr(profile.previous, name)
        share = name.endswith("share")
        places = 2 if name == "peak_to_average" else 1
        change = profile.change(name)
        rows.append(
            {
                "key": name,
                "label": label,
                "unit": unit,
                "now": load_figure(now * 100 if share and now is not None else now, places),
                "before": load_figure(before * 100 if share and before is not None else before, places),
                "change": "–" if change is None else f"{change:+.1f}" + (" pp" if share else " %"),
            }
        )
    return rows


class LoadProfileView(CapabilityRequiredMixin, TemplateView):
    """The load profile of a site (its incomers) or one of its meters over a period."""

    capability = Capability.KPIS_READ
    template_name = "accounting/energy/load_profile.html"

    def get(self, request, *args, **kwargs):
        picked = pick_by_code(choices=site_list(), code=request.GET.get("site"))
        site = picked.chosen
        if site is None:
            return super().get(request, *args, sites=picked.choices, site=None)
        kind, period = page_period(query=request.GET, today=local_today(time_zone=site.time_zone))
        meters = load_meters(site=site)
        meter = next((m for m in meters if m.code == request.GET.get("meter")), None)
        profile = load_profile(site=site, start=period.start, end=period.end, meter=meter)
        export, table = request.GET.get("export"), request.GET.get("table")
        if export in ("csv", "xlsx") and table in TABLES:
            return load_profile_export(fmt=export, table=table, profile=profile)
        return super().get(
            request,
            *args,
            sites=picked.choices,
            site=site,
            kind=kind,
            period=period,
            meters=meters,
            profile=profile,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(sites=kwargs["sites"], site=kwargs.get("site"), periods=PERIODS)
        if kwargs.get("site") is None:
            return context
        profile = kwargs["profile"]
        period = kwargs["period"]
        length = dt.timedelta(days=period.days)
        query = self.request.GET.copy()
        query.pop("export", None)
        query.pop("table", None)
        context.update(
            kind=kwargs["kind"],
            period=period,
            meters=kwargs["meters"],
            profile=profile,
            figure_rows=_figure_rows(profile),
            observations=observations(advice_figures(profile)),
            peak_at=profile.current.peak_at,
            # Every text in the drawings is escaped by load_profile_svg.
            heat_map=mark_safe(heat_map_svg(profile)),  # noqa: S308
            typical_day=mark_safe(typical_day_svg(profile)),  # noqa: S308
            typical_rows=[
                {"hour": f"{h:02d}:00", "weekday": load_figure(a), "weekend": load_figure(b)}
                for h, (a, b) in enumerate(zip(profile.weekday, profile.weekend, strict=True))
            ],
            prev_start=period.start - length,
            prev_end=period.start - dt.timedelta(days=1),
            next_start=period.end + dt.timedelta(days=1),
            next_end=period.end + length,
            query=query.urlencode(),
        )
        return context
