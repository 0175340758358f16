"""The tables behind the load profile's charts as CSV or Excel: its figures against the previous
period, the typical day, and the hours of the heat map (one row per day and hour)."""

from __future__ import annotations

import math

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounting.selectors.load_profiles import LoadProfile
from greenfactory.core.exports import table_response

TABLES = ("figures", "typical-day", "hours")


def figure_labels(profile: LoadProfile) -> list[tuple[str, str, str]]:
    """(figure, label, unit) in the order the page shows them."""
    return [
        ("energy", _("Energy used"), profile.energy_unit),
        ("mean_load", _("Mean load"), profile.unit),
        ("base_load", _("Base load (night minimum)"), profile.unit),
        ("base_share", _("Base load as a share of mean load"), "%"),
        ("peak", _("Peak demand (highest hourly mean)"), profile.unit),
        ("peak_to_average", _("Peak-to-average ratio"), ""),
        ("off_shift", _("Energy used outside production shifts"), profile.energy_unit),
        ("off_shift_share", _("Share of energy used outside shifts"), "%"),
    ]


def _shown(name: str, value: float | None) -> float | None:
    if value is None:
        return None
    return round(value * 100, 3) if name.endswith("share") else round(value, 6)


def figures_table(profile: LoadProfile) -> tuple[list[str], list[list]]:
    header = [_("Figure"), _("Unit"), _("This period"), _("Previous period"), _("Change")]
    rows = []
    for name, label, unit in figure_labels(profile):
        change = profile.change(name)
        rows.append(
            [
                label,
                unit,
                _shown(name, getattr(profile.current, name)),
                _shown(name, getattr(profile.previous, name)),
                None if change is None else round(change, 3),
            ]
        )
    for label, name in ((_("Days with data"), "days"), (_("Days with hourly readings"), "hourly_days")):
        rows.append([label, _("days"), getattr(profile.current, name), getattr(profile.previous, name), None])
    peak_at = profile.current.peak_at
    rows.append(
        [_("Hour of peak demand"), "", peak_at.strftime("%Y-%m-%d %H:%M") if peak_at else None, None, None]
    )
    return header, rows


def typical_day_table(profile: LoadProfile) -> tuple[list[str], list[list]]:
    header = [
        _("Hour"),
        _("Weekdays (%(unit)s)") % {"unit": profile.unit},
        _("Weekends (%(unit)s)") % {"unit": profile.unit},
    ]
    rows = [
        [f"{h:02d}:00", None if a is None else round(a, 6), None if b is None else round(b, 6)]
        for h, (a, b) in enumerate(zip(profile.weekday, profile.weekend, strict=True))
    ]
    return header, rows


def hours_table(profile: LoadProfile) -> tuple[list[str], list[list]]:
    header = [_("Day"), _("Hour"), _("Mean load (%(unit)s)") % {"unit": profile.unit}]
    rows = []
    for day, values in zip(profile.days, profile.matrix.tolist(), strict=True):
        for hour, value in enumerate(values):
            rows.append([day.isoformat(), f"{hour:02d}:00", None if math.isnan(value) else round(value, 6)])
    return header, rows


def load_profile_export(
    *, fmt: str, table: str, profile: LoadProfile
) -> HttpResponse | StreamingHttpResponse:
    """One of the profile's tables as a download: ``fmt`` is ``csv`` or ``xlsx``."""
    build, sheet = {
        "figures": (figures_table, _("Load figures")),
        "typical-day": (typical_day_table, _("Typical day")),
        "hours": (hours_table, _("Hourly load")),
    }[table]
    header, rows = build(profile)
    name = f"load-profile-{profile.label}-{table}-{profile.start}-{profile.end}"
    return table_response(fmt=fmt, filename=name, sheet=sheet, header=header, rows=rows)
