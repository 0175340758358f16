"""Writing the reference levels a plant benchmarks its sites against: create, change, delete."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from accounting.models import BenchmarkMetric, ReferenceLevel
from accounting.selectors.benchmarks import METRIC_UNITS
from greenfactory.core.exceptions import DomainError
from greenfactory.core.history import history_user_set
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible

if TYPE_CHECKING:
    from greenfactory.accounts.models import User
    from greenfactory.sites.models import Organisation, Site

MAX_VALUE = Decimal("1e12")


class ReferenceLevelInvalid(DomainError):
    """A reference level that cannot be stored as given; nothing was saved."""


def _check(*, metric: str, value: Decimal, unit: str, label: str, valid_from: dt.date) -> None:
    if metric not in BenchmarkMetric.values:
        raise ReferenceLevelInvalid(_("Unknown metric %(m)s.") % {"m": metric}, field="metric")
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise ReferenceLevelInvalid(_("The value is a number greater than zero."), field="value")
    if value >= MAX_VALUE:
        raise ReferenceLevelInvalid(_("The value is too large to be a reference level."), field="value")
    units = METRIC_UNITS[metric]
    if unit not in units:
        raise ReferenceLevelInvalid(
            _("%(unit)s is not a unit of this metric; use one of: %(units)s.")
            % {"unit": unit or "—", "units": ", ".join(units)},
            field="unit",
        )
    if not label.strip():
        raise ReferenceLevelInvalid(_("Give the level a label that says what it is."), field="label")
    if not date_is_plausible(valid_from):
        raise ReferenceLevelInvalid(str(DATE_OUT_OF_RANGE), field="valid_from")


def _scope(site: Site | None, organisation: Organisation | None) -> None:
    if (site is None) == (organisation is None):
        raise ReferenceLevelInvalid(
            _("A reference level is for one site or for the whole organisation, not both."), field="site"
        )


@transaction.atomic
def reference_level_create(
    *,
    metric: str,
    value: Decimal,
    unit: str,
    label: str,
    valid_from: dt.date,
    site: Site | None = None,
    organisation: Organisation | None = None,
    source_note: str = "",
    by: User | None = None,
) -> ReferenceLevel:
    """Store a plant-entered reference level for a site or an organisation: a positive value in one
    of the metric's units, a label, where the figure comes from, and the day it applies from."""
    _scope(site, organisation)
    label = label.strip()
    _check(metric=metric, value=value, unit=unit, label=label, valid_from=valid_from)
    level = ReferenceLevel(
        site=site,
        organisation=organisation,
        metric=metric,
        value=value,
        unit=unit,
        label=label,
        source_note=source_note.strip(),
        valid_from=valid_from,
        created_by=by,
    )
    history_user_set(level, by)
    level.save()
    return level


@transaction.atomic
def reference_level_update(
    *,
    level: ReferenceLevel,
    value: Decimal | None = None,
    unit: str | None = None,
    label: str | None = None,
    source_note: str | None = None,
    valid_from: dt.date | None = None,
    by: User | None = None,
) -> ReferenceLevel:
    """Change a level's figure, unit, label, source or start; its scope and metric stay."""
    level = ReferenceLevel.objects.select_for_update().get(pk=level.pk)
    value = level.value if value is None else value
    unit = level.unit if unit is None else unit
    label = level.label if label is None else label.strip()
    valid_from = level.valid_from if valid_from is None else valid_from
    _check(metric=level.metric, value=value, unit=unit, label=label, valid_from=valid_from)
    level.value, level.unit, level.label, level.valid_from = value, unit, label, valid_from
    if source_note is not None:
        level.source_note = source_note.strip()
    history_user_set(level, by)
    level.save()
    return level


@transaction.atomic
def reference_level_delete(*, level: ReferenceLevel, by: User | None = None) -> None:
    """Delete a level (the history keeps it)."""
    history_user_set(level, by)
    level.delete()
