"""Writes for meters and meter events. Each writes the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from greenfactory.core.exceptions import AlreadyExists, DomainError
from greenfactory.core.history import history_user_set
from greenfactory.core.unset import UNSET, Unset
from metering.choices import MeterEventKind, MeterKind
from metering.models import DirtyRange, Meter, MeterEvent, Reading
from metering.selectors.archives import frozen_before
from metering.services.pipeline import dirty_ranges_process_after_commit
from metering.virtual_meters import FormulaError, formula_parse

if TYPE_CHECKING:
    from greenfactory.accounts.models import User
    from greenfactory.sites.models import Site

EDITABLE = (
    "code",
    "name",
    "name_zh",
    "medium",
    "unit",
    "kind",
    "multiplier",
    "register_max",
    "rated_max_flow",
    "parent",
    "active_from",
    "active_to",
    "is_virtual",
    "formula",
)


class MeterInvalid(DomainError):
    code = "meter_invalid"


def formula_check(*, meter: Meter) -> None:
    """Refuse a virtual meter's formula that refers to unknown meters, other media or itself.

    Raises ValidationError on the ``formula`` field with a readable reason.
    """
    if not meter.is_virtual:
        return
    try:
        parsed = formula_parse(meter.formula)
    except FormulaError as exc:
        raise ValidationError({"formula": str(exc)}) from exc
    site_meters = {m.code: m for m in Meter.objects.filter(site_id=meter.site_id).exclude(pk=meter.pk)}
    unknown = sorted(c for c in parsed.meter_codes if c not in site_meters and c != meter.code)
    if unknown:
        raise ValidationError(
            {"formula": _("Unknown meters at this site: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    other_media = sorted(
        c for c in parsed.meter_codes if c in site_meters and site_meters[c].medium != meter.medium
    )
    if other_media:
        raise ValidationError(
            {
                "formula": _("A formula combines meters of one medium; %(codes)s measure another.")
                % {"codes": ", ".join(other_media)}
            }
        )
    # Follow virtual meters' formulas: reaching this meter again is a cycle.
    pending = list(parsed.meter_codes)
    visited: set[str] = set()
    while pending:
        code = pending.pop()
        if code == meter.code:
            raise ValidationError(
                {"formula": _("The formula refers back to %(code)s: a cycle.") % {"code": meter.code}}
            )
        if code in visited:
            continue
        visited.add(code)
        other = site_meters.get(code)
        if other is not None and other.is_virtual:
            try:
                pending.extend(formula_parse(other.formula).meter_codes)
            except FormulaError:
                continue


def meter_check(*, meter: Meter) -> None:
    """Every rule a meter must satisfy before it is saved (fields, parent, formula, fixed kind).

    Raises ValidationError keyed by field; forms call it to show errors beside their fields.
    """
    if meter.pk is not None:
        stored = Meter.objects.filter(pk=meter.pk).values("kind", "medium", "is_virtual").first()
        if stored and Reading.objects.filter(meter_id=meter.pk).exists():
            for name, value in stored.items():
                if getattr(meter, name) != value:
                    field = Meter._meta.get_field(name)  # kind, medium, is_virtual: model fields
                    label = field.verbose_name if isinstance(field, models.Field) else name
                    raise ValidationError(
                        {
                            name: _(
                                "The %(field)s of a meter with readings cannot change; register a new meter."
                            )
                            % {"field": label}
                        }
                    )
    if meter.parent_id is not None:
        if meter.parent_id == meter.pk:
            raise ValidationError({"parent": _("A meter cannot be its own parent.")})
        ancestor = meter.parent  # not None: parent_id is set (a missing row raises DoesNotExist)
        if ancestor is not None and ancestor.site_id != meter.site_id:
            raise ValidationError({"parent": _("The parent meter must be at the same site.")})
        for _depth in range(100):
            if ancestor is None or ancestor.parent_id is None:
                break
            if ancestor.parent_id == meter.pk:
                raise ValidationError({"parent": _("This parent would make a loop of sub-meters.")})
            ancestor = ancestor.parent
    meter.full_clean(validate_unique=False)
    formula_check(meter=meter)


def _save(meter: Meter, *, by: User | None) -> Meter:
    history_user_set(meter, by)
    if Meter.objects.filter(site_id=meter.site_id, code=meter.code).exclude(pk=meter.pk).exists():
        raise AlreadyExists(_("Site already has a meter with code %(code)s.") % {"code": meter.code})
    meter_check(meter=meter)
    try:
        with transaction.atomic():
            meter.save()
    except IntegrityError as exc:
        raise AlreadyExists(_("Site already has a meter with code %(code)s.") % {"code": meter.code}) from exc
    return meter


@transaction.atomic
def meter_create(
    *,
    site: Site,
    code: str,
    name: str,
    medium: str,
    unit: str,
    active_from: dt.datetime,
    name_zh: str = "",
    kind: str = MeterKind.REGISTER,
    multiplier: Decimal = Decimal(1),
    register_max: Decimal | None = None,
    rated_max_flow: Decimal | None = None,
    parent: Meter | None = None,
    active_to: dt.datetime | None = None,
    is_virtual: bool = False,
    formula: str = "",
    by: User | None = None,
) -> Meter:
    """Register a meter at a site; unit, period, formula and parent are checked."""
    meter = Meter(
        site=site,
        code=code,
        name=name,
        name_zh=name_zh,
        medium=medium,
        unit=unit,
        kind=kind,
        multiplier=multiplier,
        register_max=register_max,
        rated_max_flow=rated_max_flow,
        parent=parent,
        active_from=active_from,
        active_to=active_to,
        is_virtual=is_virtual,
        formula=formula,
    )
    return _save(meter, by=by)


@transaction.atomic
def meter_update(
    *,
    meter: Meter,
    code: str | Unset = UNSET,
    name: str | Unset = UNSET,
    name_zh: str | Unset = UNSET,
    medium: str | Unset = UNSET,
    unit: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    multiplier: Decimal | Unset = UNSET,
    register_max: Decimal | None | Unset = UNSET,
    rated_max_flow: Decimal | None | Unset = UNSET,
    parent: Meter | None | Unset = UNSET,
    active_from: dt.datetime | Unset = UNSET,
    active_to: dt.datetime | None | Unset = UNSET,
    is_virtual: bool | Unset = UNSET,
    formula: str | Unset = UNSET,
    by: User | None = None,
) -> Meter:
    """Change the given fields of a meter (those left out keep their value). Its kind, medium and
    virtual flag are fixed once it has readings."""
    changes: dict[str, object] = {
        "code": code,
        "name": name,
        "name_zh": name_zh,
        "medium": medium,
        "unit": unit,
        "kind": kind,
        "multiplier": multiplier,
        "register_max": register_max,
        "rated_max_flow": rated_max_flow,
        "parent": parent,
        "active_from": active_from,
        "active_to": active_to,
        "is_virtual": is_virtual,
        "formula": formula,
    }
    for field, value in changes.items():
        if value is not UNSET:
            setattr(meter, field, value)
    return _save(meter, by=by)


@transaction.atomic
def meter_event_create(
    *,
    meter: Meter,
    ts: dt.datetime,
    kind: str,
    old_final_value: float,
    new_start_value: float,
    note: str = "",
    by: User | None = None,
) -> MeterEvent:
    """Record a register reset or meter exchange: consumption across it continues from the new value."""
    if meter.kind != MeterKind.REGISTER or meter.is_virtual:
        raise MeterInvalid(_("Resets and exchanges are recorded for cumulative registers only."))
    if ts.tzinfo is None:
        raise MeterInvalid(_("The time needs a UTC offset."), field="ts")
    if kind not in MeterEventKind.values:
        raise MeterInvalid(_("Unknown event kind."), field="kind")
    frozen = frozen_before(zone=meter.site.time_zone)
    if frozen is not None and ts < frozen:
        raise MeterInvalid(
            _("Readings before %(when)s are archived: an event there can no longer change their consumption.")
            % {"when": frozen.isoformat()},
            field="ts",
        )
    if MeterEvent.objects.filter(meter=meter, ts=ts).exists():
        raise AlreadyExists(_("This meter already has an event at that time."))
    event = MeterEvent(
        meter=meter,
        ts=ts,
        kind=kind,
        old_final_value=old_final_value,
        new_start_value=new_start_value,
        note=note,
        created_by=by,
    )
    history_user_set(event, by)
    event.full_clean()
    event.save()
    # Consumption across the event changes: recompute around it.
    dirty_ranges_process_after_commit(dirty=[DirtyRange.objects.create(meter=meter, start=ts, end=ts)])
    return event
