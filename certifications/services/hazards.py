"""Writes of the OH&S hazards register and loading of the risk methods.

Every save scores the initial and (when given) residual factors by the hazard's method
(``selectors.hazards.hazard_risk``) and stores score and band; factors the method refuses change
nothing. Controls follow the hierarchy (elimination first, PPE last).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site

from ..models import Clause, Evidence, Finding
from ..models.hazards import CONTROL_ORDER, ControlLevel, Hazard, HazardControl, RiskBand, RiskMethod
from ..selectors.hazards import hazard_risk
from ._common import (
    apply_fields,
    check_reference,
    check_version,
    history_by,
    next_reference,
    read_data,
    set_links,
)

METHODS_FILE = "risk-methods.yaml"
FIELDS = {
    "title", "title_zh", "hazard", "activity", "exposed", "method", "initial_factors",
    "residual_factors", "review_on", "notes", "owner", "reference",
}  # fmt: skip
LINK_FIELDS = ("sites", "clauses", "evidence", "findings")


@transaction.atomic
def risk_methods_load() -> int:
    """Create or update the methods and their bands from the shipped data file."""
    data = read_data(METHODS_FILE)["methods"]
    for item in data:
        factors = [
            {
                "code": f["code"],
                "name": f["name"],
                "name_zh": f.get("name_zh", ""),
                "values": {str(k): v for k, v in f["values"].items()},
                "values_zh": {str(k): v for k, v in f.get("values_zh", {}).items()},
            }
            for f in item["factors"]
        ]
        method, _created = RiskMethod.objects.update_or_create(
            code=item["code"],
            defaults={"name": item["name"], "name_zh": item.get("name_zh", ""), "factors": factors},
        )
        bands = item["bands"]
        codes = []
        for index, band in enumerate(bands):
            inclusive = "min" in band
            RiskBand.objects.update_or_create(
                method=method,
                code=band["code"],
                defaults={
                    "name": band["name"],
                    "name_zh": band.get("name_zh", ""),
                    "bound": Decimal(str(band["min"] if inclusive else band["above"])),
                    "inclusive": inclusive,
                    "rank": len(bands) - index,
                },
            )
            codes.append(band["code"])
        method.bands.exclude(code__in=codes).delete()
    return len(data)


def _score(hazard: Hazard) -> None:
    for name in ("hazard", "activity"):
        if not getattr(hazard, name):
            raise DomainError(_("This field is required."), field=name)
    if hazard.review_on is not None and not date_is_plausible(hazard.review_on):
        raise DomainError(str(DATE_OUT_OF_RANGE), field="review_on")
    for name in ("initial_factors", "residual_factors"):
        factors = getattr(hazard, name)
        if not isinstance(factors, dict):
            raise DomainError(_("Give a value per factor."), field=name)
        if name == "residual_factors" and not factors:
            hazard.residual_score, hazard.residual_band = None, None
            continue
        risk = hazard_risk(method=hazard.method, factors=factors)
        if risk.problems:
            code, problem = sorted(risk.problems.items())[0]
            raise DomainError(f"{code}: {problem}", field=name)
        prefix = name.removesuffix("_factors")
        setattr(hazard, f"{prefix}_score", risk.score)
        setattr(hazard, f"{prefix}_band", risk.band)


@transaction.atomic
def hazard_create(
    *,
    by: User,
    title: str,
    hazard: str,
    activity: str,
    method: RiskMethod,
    initial_factors: dict[str, Any],
    residual_factors: dict[str, Any] | None = None,
    exposed: str = "",
    owner: User | None = None,
    reference: str = "",
    title_zh: str = "",
    review_on: dt.date | None = None,
    notes: str = "",
    controls: Iterable[tuple[str, str, bool]] = (),
    sites: Iterable[Site] = (),
    clauses: Iterable[Clause] = (),
    evidence: Iterable[Evidence] = (),
    findings: Iterable[Finding] = (),
) -> Hazard:
    """Record a hazard with its risk before and after controls ((level, description, in place))."""
    entry = Hazard(owner=owner or by, method=method)
    apply_fields(
        entry,
        {
            "title": title,
            "title_zh": title_zh,
            "hazard": hazard,
            "activity": activity,
            "exposed": exposed,
            "initial_factors": initial_factors,
            "residual_factors": residual_factors or {},
            "review_on": review_on,
            "notes": notes,
        },
    )
    _score(entry)
    entry.reference = (
        check_reference(Hazard, reference, None)
        if reference
        else next_reference(Hazard, "HAZ", timezone.localdate().year)
    )
    history_by(entry, by)
    entry.save()
    set_links(entry, {"sites": sites, "clauses": clauses, "evidence": evidence, "findings": findings})
    _replace_controls(entry, controls)
    return entry


def _replace_controls(hazard: Hazard, controls: Iterable[tuple[str, str, bool]]) -> None:
    rows = []
    for level, description, in_place in controls:
        if level not in ControlLevel.values:
            raise DomainError(_("Choose a level of the hierarchy of controls."), field="controls")
        if not description.strip():
            raise DomainError(_("Describe each control."), field="controls")
        rows.append((level, description.strip(), bool(in_place)))
    rows.sort(key=lambda row: CONTROL_ORDER[row[0]])
    hazard.controls.all().delete()
    HazardControl.objects.bulk_create(
        HazardControl(hazard=hazard, level=level, description=text, in_place=in_place, position=i)
        for i, (level, text, in_place) in enumerate(rows)
    )


@transaction.atomic
def hazard_update(*, entry: Hazard, by: User, version: int | None, **changes: Any) -> Hazard:
    """Change any of hazard_create's fields (``hazard`` among them, so the entry is ``entry``;
    ``controls`` replaces them all); fields left out stay. An edit made on an older ``version`` is
    refused (EditConflict) and nothing changes."""
    entry = Hazard.objects.select_for_update(of=("self",)).select_related("method").get(pk=entry.pk)
    check_version(entry, version)
    links: dict[str, Any] = {name: changes.pop(name) for name in LINK_FIELDS if name in changes}
    controls = changes.pop("controls", None)
    unknown = set(changes) - FIELDS
    if unknown:
        raise DomainError(_("Unknown field: %(name)s.") % {"name": sorted(unknown)[0]})
    reference = changes.pop("reference", None)
    if changes.get("residual_factors", {}) is None:
        changes["residual_factors"] = {}
    apply_fields(entry, changes)
    if reference is not None:
        entry.reference = check_reference(Hazard, reference, entry.pk)
    _score(entry)
    entry.version += 1
    history_by(entry, by)
    entry.save()
    set_links(entry, links)
    if controls is not None:
        _replace_controls(entry, controls)
    return entry
