"""Units of measure through pint: which units each medium accepts and conversion to canonical units.

No hand-written conversion factors elsewhere: code that needs a figure in another unit asks here.
"""

from __future__ import annotations

from functools import cache

import pint
from django.utils.translation import gettext as _

from metering.choices import Medium

_REGISTRY = pint.UnitRegistry()
# Plant vocabulary pint does not know: cubic metres written "m3", and normal cubic metres of gas.
_REGISTRY.define("m3 = meter ** 3")
_REGISTRY.define("Nm3 = meter ** 3")

_ENERGY = _REGISTRY.Unit("kWh").dimensionality
_VOLUME = _REGISTRY.Unit("m3").dimensionality
_MASS = _REGISTRY.Unit("kg").dimensionality

# Per medium: the dimensions a meter's unit may have, and the canonical unit for each.
MEDIUM_UNITS: dict[str, dict[object, str]] = {
    Medium.ELECTRICITY: {_ENERGY: "kWh"},
    Medium.PV_GENERATION: {_ENERGY: "kWh"},
    Medium.GREEN_ELECTRICITY: {_ENERGY: "kWh"},
    Medium.NATURAL_GAS: {_VOLUME: "m3"},
    Medium.WATER: {_VOLUME: "m3"},
    Medium.STEAM: {_MASS: "t", _ENERGY: "GJ"},
    Medium.HEAT: {_ENERGY: "GJ"},
    Medium.DIESEL: {_VOLUME: "L", _MASS: "kg"},
    Medium.GASOLINE: {_VOLUME: "L", _MASS: "kg"},
    Medium.LPG: {_VOLUME: "L", _MASS: "kg"},
    Medium.COMPRESSED_AIR: {_VOLUME: "m3"},
}


class UnitError(ValueError):
    """A unit pint does not know, or one that does not measure the meter's medium."""


@cache
def _unit(unit: str) -> pint.Unit:
    # pint parses a unit as an expression: malformed text ("kWh+", "kWh)", "*", "1/0") fails with
    # whatever its tokenizer or evaluator raises, and every such failure means "not a unit".
    try:
        parsed = _REGISTRY.Unit(unit)
    except Exception as exc:  # noqa: BLE001 - see above
        raise UnitError(_("“%(unit)s” is not a unit of measure.") % {"unit": unit}) from exc
    if not str(unit).strip():
        raise UnitError(_("“%(unit)s” is not a unit of measure.") % {"unit": unit})
    return parsed


def unit_known(unit: str) -> bool:
    """Whether ``unit`` is a unit of measure at all."""
    try:
        _unit(unit)
    except UnitError:
        return False
    return True


def unit_factor(*, unit: str, to: str) -> float:
    """Multiply a value in ``unit`` by this to get it in ``to``; UnitError naming both when ``unit``
    is no unit or measures something else."""
    try:
        return conversion_factor(unit=unit, to=to)
    except pint.errors.DimensionalityError:
        raise UnitError(_("“%(unit)s” cannot be converted to %(to)s.") % {"unit": unit, "to": to}) from None


def canonical_unit(*, medium: str, unit: str) -> str:
    """The canonical unit a quantity of this medium in ``unit`` converts to; UnitError if it cannot."""
    parsed = _unit(unit)
    allowed = MEDIUM_UNITS[medium]
    try:
        return allowed[parsed.dimensionality]
    except KeyError:
        examples = ", ".join(allowed.values())
        raise UnitError(
            _("%(unit)s does not measure %(medium)s; use for example %(examples)s.")
            % {"unit": unit, "medium": Medium(medium).label, "examples": examples}
        ) from None


def conversion_factor(*, unit: str, to: str) -> float:
    """Multiply a value in ``unit`` by this to get it in ``to`` (both must share a dimension)."""
    return float(_REGISTRY.Quantity(1.0, _unit(unit)).to(_unit(to)).magnitude)
