"""A load profile drawn in SVG on the server (pages and dossiers show the same picture without a
script): the heat map of days x local hours, and the typical weekday and weekend day as lines.
All text is escaped here: the results are safe to inline."""

from __future__ import annotations

import math

import numpy as np
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounting.selectors.load_profiles import LoadProfile

WIDTH = 760
LEFT = 78
TOP = 22
CELL_W = (WIDTH - LEFT - 12) / 24
MAX_CELL_H = 16
HEAT_H = 420  # the map's height at most, whatever the days
NO_DATA = "#eceff1"
WEEKDAY_COLOUR = "#2f6fb5"
WEEKEND_COLOUR = "#d9822b"


def load_figure(value: float | None, places: int = 1) -> str:
    """A figure as the page shows it: grouped, to ``places`` decimals; an en dash when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return number_format(round(value, places), decimal_pos=places, use_l10n=True, force_grouping=True)


def _colour(fraction: float) -> str:
    """Pale yellow (low) to dark red (high)."""
    low, high = (255, 237, 160), (189, 0, 38)
    r, g, b = (round(lo + (hi - lo) * fraction) for lo, hi in zip(low, high, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def heat_map_svg(profile: LoadProfile) -> str:
    """Days as rows, local hours 0–23 as columns, each cell coloured by its hourly mean load."""
    matrix = profile.matrix
    days = len(profile.days)
    cell_h = min(MAX_CELL_H, max(HEAT_H / max(days, 1), 1.0))
    height = TOP + days * cell_h + 34
    top = float(np.nanmax(matrix)) if np.isfinite(matrix).any() else 0.0
    title = _("Hourly mean load of %(label)s in %(unit)s, days by local hour") % {
        "label": profile.label,
        "unit": profile.unit,
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" class="load-heat-map" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for hour in range(0, 24, 3):
        parts.append(
            f'<text x="{LEFT + (hour + 0.5) * CELL_W:.1f}" y="{TOP - 6}" font-size="11" '
            f'text-anchor="middle">{hour:02d}:00</text>'
        )
    label_every = max(1, math.ceil(12 / cell_h))
    for row, day in enumerate(profile.days):
        y = TOP + row * cell_h
        if row % label_every == 0:
            parts.append(
                f'<text x="{LEFT - 6}" y="{y + min(cell_h, 12):.1f}" font-size="11" text-anchor="end">'
                f"{escape(date_format(day, 'SHORT_DATE_FORMAT'))}</text>"
            )
        for hour in range(24):
            value = matrix[row, hour]
            known = not math.isnan(value)
            fill = _colour(value / top if top > 0 else 0.0) if known else NO_DATA
            tip = f"{day.isoformat()} {hour:02d}:00 · " + (
                f"{load_figure(float(value))} {profile.unit}" if known else _("no data")
            )
            parts.append(
                f'<rect x="{LEFT + hour * CELL_W:.1f}" y="{y:.1f}" width="{CELL_W:.1f}" height="{cell_h:.2f}" '
                f'fill="{fill}"><title>{escape(tip)}</title></rect>'
            )
    legend_y = TOP + days * cell_h + 20
    parts.append(
        f'<text x="{LEFT}" y="{legend_y:.0f}" font-size="11">'
        f"{escape(_('Pale: low load · dark red: %(top)s %(unit)s') % {'top': load_figure(top), 'unit': profile.unit})}"
        "</text></svg>"
    )
    return "".join(parts)


def typical_day_svg(profile: LoadProfile) -> str:
    """The mean load of each local hour, weekdays and weekends, as two lines on one scale."""
    height, bottom, chart_h = 260, 226, 190
    values = [v for v in profile.weekday + profile.weekend if v is not None]
    top = max(values, default=0.0) or 1.0
    title = _("Typical day of %(label)s in %(unit)s: weekdays and weekends") % {
        "label": profile.label,
        "unit": profile.unit,
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="load-typical-day" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - 12}" y2="{bottom}" stroke="#9aa0a6"/>',
        f'<text x="{LEFT - 6}" y="{bottom - chart_h + 4}" font-size="11" text-anchor="end">'
        f"{escape(load_figure(top))}</text>",
        f'<text x="{LEFT - 6}" y="{bottom}" font-size="11" text-anchor="end">0</text>',
    ]
    for hour in range(0, 24, 3):
        parts.append(
            f'<text x="{LEFT + (hour + 0.5) * CELL_W:.1f}" y="{bottom + 16}" font-size="11" '
            f'text-anchor="middle">{hour:02d}:00</text>'
        )
    for series, colour, name in (
        (profile.weekday, WEEKDAY_COLOUR, _("Weekdays")),
        (profile.weekend, WEEKEND_COLOUR, _("Weekends")),
    ):
        points = [
            f"{LEFT + (h + 0.5) * CELL_W:.1f},{bottom - v / top * chart_h:.1f}"
            for h, v in enumerate(series)
            if v is not None
        ]
        if points:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2.5">'
                f"<title>{escape(name)}</title></polyline>"
            )
    parts.append(
        f'<text x="{LEFT}" y="14" font-size="12" fill="{WEEKDAY_COLOUR}">— {escape(_("Weekdays"))}</text>'
        f'<text x="{LEFT + 140}" y="14" font-size="12" fill="{WEEKEND_COLOUR}">— {escape(_("Weekends"))}</text>'
        "</svg>"
    )
    return "".join(parts)
