"""Checking a batch of readings row by row: times, values, units, meters' rules and duplicates within
the batch. Every refused row gets its reason; nothing here writes (``metering.services.ingest`` does)."""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_noop

from greenfactory.core.messages import Text
from greenfactory.core.validators import EARLIEST_DATE, LATEST_DATE
from metering.choices import MeterKind, Quality
from metering.models import Meter
from metering.services.ingest_write import Row
from metering.units import UnitError, unit_factor, unit_known

_fromisoformat = dt.datetime.fromisoformat
_QUALITIES = frozenset(Quality.values)
_fromisoformat = dt.datetime.fromisoformat
_TRUE = {True, "true", "1", "yes", "True", "TRUE"}
_FALSE = {False, None, "", "false", "0", "no", "False", "FALSE"}


@dataclass(frozen=True)
class RowProblem:
    index: int
    meter: str | None
    reason: Text | str  # str: a reason read back from a stored answer
    status: int = 400  # 403 when the meter is outside the gateway's scope, 409 for a conflict

    def as_dict(self) -> dict:
        return {"index": self.index, "meter": self.meter, "reason": str(self.reason), "status": self.status}


@dataclass
class Validated:
    rows: list[Row]
    problems: list[RowProblem]
    duplicates_in_batch: int


# ISO 8601 as gateways send it: a date, "T" or a space, a time with optional fraction, then "Z", an
# offset or nothing. fromisoformat alone accepts more (e.g. junk before the offset on some inputs).
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|z|[+-]\d{2}:?\d{2}(:\d{2})?)?")
_EARLIEST = dt.datetime.combine(EARLIEST_DATE, dt.time(), tzinfo=dt.UTC)
_LATEST = dt.datetime.combine(LATEST_DATE, dt.time.max, tzinfo=dt.UTC)


def _parse_time(value: object, *, naive_zone: zoneinfo.ZoneInfo | None) -> dt.datetime | Text:
    """An aware UTC datetime, or the reason the value is not one."""
    if isinstance(value, str):
        if _ISO_TIME.fullmatch(value.strip()) is None:
            return Text(gettext_noop("“%(value)s” is not an ISO 8601 time."), {"value": value[:40]})
        try:
            parsed = _fromisoformat(value.strip())
        except ValueError:
            return Text(gettext_noop("“%(value)s” is not an ISO 8601 time."), {"value": value[:40]})
    elif isinstance(value, dt.datetime):  # Excel cells
        parsed = value
    else:
        return Text(gettext_noop("a time must be an ISO 8601 string with a UTC offset."))
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        if naive_zone is None:
            return Text(
                gettext_noop("“%(value)s” has no UTC offset; add one, e.g. +08:00."),
                {"value": str(value)[:40]},
            )
        parsed = parsed.replace(tzinfo=naive_zone)
    try:
        utc = parsed.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not _EARLIEST <= utc <= _LATEST:
        return Text(
            gettext_noop("“%(value)s” lies outside the years %(first)s to %(last)s."),
            {
                "value": str(value)[:40],
                "first": EARLIEST_DATE.year,
                "last": LATEST_DATE.year,
            },
        )
    return utc


def _parse_value(value: object) -> float | Text:
    if isinstance(value, bool) or value is None or value == "":
        return Text(gettext_noop("value is missing or not a number."))
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return Text(gettext_noop("value “%(value)s” is not a number."), {"value": value[:40]})
    else:
        return Text(gettext_noop("value is missing or not a number."))
    if not math.isfinite(number):
        return Text(gettext_noop("value must be a finite number (not NaN or Infinity)."))
    return number


@dataclass(frozen=True)
class _MeterRule:
    """What validation needs of a meter, read once per batch instead of once per row."""

    pk: int
    register: bool
    virtual: bool
    active_from: dt.datetime
    active_to: dt.datetime | None
    allowed: bool
    ceiling: float
    unit: str


def value_ceiling(*, meter: Meter) -> float:
    """The largest value a reading of this meter may carry: its register maximum for a register,
    else the configured ceiling for its medium (INGEST_VALUE_CEILING, INGEST_VALUE_CEILINGS)."""
    ceiling = settings.INGEST_VALUE_CEILINGS.get(meter.medium, settings.INGEST_VALUE_CEILING)
    if meter.kind == MeterKind.REGISTER and meter.register_max is not None:
        ceiling = min(ceiling, float(meter.register_max))
    return ceiling


def _in_meter_unit(value: float, unit: object, meter_unit: str) -> float | Text:
    """A row's value sent in another unit than its meter's, converted; or why it cannot be."""
    if not isinstance(unit, str):
        return Text(gettext_noop("unit must be a text such as kWh."))
    try:
        return value * unit_factor(unit=unit.strip(), to=meter_unit)
    except UnitError:
        if not unit_known(unit.strip()):
            return Text(
                gettext_noop("unit “%(unit)s” is not a unit of measure."), {"unit": unit.strip()[:20]}
            )
        return Text(
            gettext_noop(
                "unit “%(unit)s” cannot be converted to %(meter_unit)s, the unit this meter counts in."
            ),
            {"unit": unit.strip()[:20], "meter_unit": meter_unit},
        )


def _missing(value: object) -> bool:
    return value is None or value == ""


def readings_validate(
    *,
    raw_rows: list[dict],
    meters: dict[str, Meter],
    scope: frozenset[int] | None,
    now: dt.datetime,
    naive_zone: zoneinfo.ZoneInfo | None = None,
    frozen_before: dt.datetime | None = None,
) -> Validated:
    """Check every row; return the good ones as ``Row`` tuples and a problem for each bad one.

    Readings before ``frozen_before`` (the site's archive horizon, see metering.services.archives)
    are refused: their month is archived, and their rollups are no longer recomputed.

    ``scope`` (a gateway's meter ids) hides every meter outside it: unknown and out-of-scope
    meters get the same 403 answer, so a gateway learns nothing about other meters.
    """
    limit = now + dt.timedelta(seconds=settings.INGEST_FUTURE_TOLERANCE_SECONDS)
    rules = {
        code: _MeterRule(
            pk=m.pk,
            register=m.kind == MeterKind.REGISTER,
            virtual=m.is_virtual,
            active_from=m.active_from,
            active_to=m.active_to,
            allowed=scope is None or m.pk in scope,
            ceiling=value_ceiling(meter=m),
            unit=m.unit,
        )
        for code, m in meters.items()
    }
    problems: list[RowProblem] = []
    good: list[Row] = []
    for index, raw in enumerate(raw_rows):
        checked = _row_check(
            index,
            raw,
            rules=rules,
            scope=scope,
            limit=limit,
            naive_zone=naive_zone,
            frozen_before=frozen_before,
        )
        if isinstance(checked, RowProblem):
            problems.append(checked)
        else:
            good.append(checked)

    return _within_batch_duplicates(good=good, problems=problems, meters=meters)


def _row_times(
    index: int, code: str, raw: dict, rule: _MeterRule, naive_zone: zoneinfo.ZoneInfo | None
) -> tuple[dt.datetime | None, dt.datetime] | RowProblem:
    """A row's (start, end): (None, ts) for a register, (start, end) for an interval meter."""
    ts_raw, start_raw, end_raw = raw.get("ts"), raw.get("start"), raw.get("end")
    if rule.register:
        if _missing(ts_raw) or not _missing(start_raw) or not _missing(end_raw):
            return RowProblem(
                index,
                code,
                Text(gettext_noop("this meter is a cumulative register: send ts, not start/end.")),
            )
        ts = _parse_time(ts_raw, naive_zone=naive_zone)
        if isinstance(ts, Text):
            return RowProblem(index, code, ts)
        return None, ts
    if not _missing(ts_raw) or _missing(start_raw) or _missing(end_raw):
        return RowProblem(
            index, code, Text(gettext_noop("this meter is an interval meter: send start and end, not ts."))
        )
    start = _parse_time(start_raw, naive_zone=naive_zone)
    if isinstance(start, Text):
        return RowProblem(index, code, Text(gettext_noop("start: %(reason)s"), {"reason": start}))
    end = _parse_time(end_raw, naive_zone=naive_zone)
    if isinstance(end, Text):
        return RowProblem(index, code, end)
    if start >= end:
        return RowProblem(index, code, Text(gettext_noop("the interval must end after it starts.")))
    return start, end


def _time_refused(
    start: dt.datetime | None,
    end: dt.datetime,
    *,
    rule: _MeterRule,
    limit: dt.datetime,
    frozen_before: dt.datetime | None,
) -> Text | None:
    """Why a row's time cannot be stored (in the future, outside the meter's life, archived), or None."""
    if end > limit:
        return Text(gettext_noop("the time is more than 5 minutes in the future."))
    if (start or end) < rule.active_from or (rule.active_to is not None and end > rule.active_to):
        return Text(gettext_noop("the meter is not active at this time."))
    if frozen_before is not None and (start or end) < frozen_before:
        return Text(
            gettext_noop("readings before %(when)s are archived: they can no longer be added or changed."),
            {"when": frozen_before.isoformat()},
        )
    return None


def _row_check(
    index: int,
    raw: dict,
    *,
    rules: dict[str, _MeterRule],
    scope: frozenset[int] | None,
    limit: dt.datetime,
    naive_zone: zoneinfo.ZoneInfo | None,
    frozen_before: dt.datetime | None = None,
) -> Row | RowProblem:
    """One row checked: the ``Row`` to write, or the first problem found with it."""
    code = raw.get("meter")
    if not isinstance(code, str) or not code:
        return RowProblem(index, None, Text(gettext_noop("missing field: meter.")))
    rule = rules.get(code)
    if scope is not None and (rule is None or not rule.allowed):
        return RowProblem(
            index, code, Text(gettext_noop("this gateway may not send readings for this meter.")), 403
        )
    if rule is None:
        return RowProblem(index, code, Text(gettext_noop("unknown meter at this site.")))
    if rule.virtual:
        return RowProblem(index, code, Text(gettext_noop("a virtual meter takes no readings.")))
    times = _row_times(index, code, raw, rule, naive_zone)
    if isinstance(times, RowProblem):
        return times
    start, end = times
    refused = _time_refused(start, end, rule=rule, limit=limit, frozen_before=frozen_before)
    if refused is not None:
        return RowProblem(index, code, refused)
    value = raw.get("value")
    if type(value) is not float or not math.isfinite(value):  # the common case is a JSON float
        value = _parse_value(value)
        if isinstance(value, Text):
            return RowProblem(index, code, value)
    if not _missing(raw.get("unit")) and raw["unit"] != rule.unit:
        converted = _in_meter_unit(value, raw["unit"], rule.unit)
        if isinstance(converted, Text):
            return RowProblem(index, code, converted)
        value = converted
    if value > rule.ceiling:
        return RowProblem(
            index,
            code,
            Text(
                gettext_noop(
                    "value %(value)s is above the largest plausible value of this meter (%(ceiling)s)."
                ),
                {"value": f"{value:g}", "ceiling": f"{rule.ceiling:g}"},
            ),
        )
    if value < 0:
        return RowProblem(
            index,
            code,
            Text(gettext_noop("an interval quantity cannot be negative."))
            if start is not None
            else Text(gettext_noop("a register cannot show a negative value.")),
        )
    quality = raw.get("quality") or Quality.ACTUAL
    if not isinstance(quality, str) or quality not in _QUALITIES:
        return RowProblem(
            index,
            code,
            Text(
                gettext_noop("quality must be one of: %(choices)s."), {"choices": ", ".join(Quality.values)}
            ),
        )
    correction = raw.get("correction")
    if not isinstance(correction, str | bool | None):
        return RowProblem(index, code, Text(gettext_noop("correction must be true or false.")))
    if correction in _FALSE:
        correction = False
    elif correction in _TRUE:
        correction = True
    else:
        return RowProblem(index, code, Text(gettext_noop("correction must be true or false.")))
    return Row(index, rule.pk, start, end, value, quality, correction)


def _within_batch_duplicates(
    *, good: list[Row], problems: list[RowProblem], meters: dict[str, Meter]
) -> Validated:
    """The same key twice in one batch: identical values count once, different values refuse every
    row holding that key (the batch does not say which one is right)."""
    by_key: dict[tuple, list[Row]] = {}
    for row in good:
        by_key.setdefault((row.meter_id, row.start, row.ts), []).append(row)
    if len(by_key) == len(good):
        return Validated(rows=good, problems=problems, duplicates_in_batch=0)
    code_of = {m.pk: code for code, m in meters.items()}
    unique: list[Row] = []
    duplicates = 0
    for same_key in by_key.values():
        if len({row.value for row in same_key}) == 1:
            unique.append(same_key[0])
            duplicates += len(same_key) - 1
            continue
        problems.extend(
            RowProblem(
                row.index,
                code_of.get(row.meter_id),
                Text(
                    gettext_noop("the batch holds this meter and time more than once with different values.")
                ),
            )
            for row in same_key
        )
    unique.sort(key=lambda row: row.index)
    return Validated(rows=unique, problems=problems, duplicates_in_batch=duplicates)
