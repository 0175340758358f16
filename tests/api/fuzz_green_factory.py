"""Green-factory objects for the fuzz test, so every ``{id}`` route of the evaluation API reaches one:
the shipped schemes, the demo site's evaluations of this year and last, a value entered by hand with
evidence and a hand-decided gate item. Safe when the demo already holds them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from certifications.models import Evidence, Indicator, IndicatorValue, Scheme
from certifications.services.green_factory import schemes_load_shipped
from certifications.services.green_factory_values import (
    evaluation_open,
    gate_result_record,
    indicator_value_override,
)
from greenfactory.sites.models import Site


def green_factory_objects_add(*, staff, today: dt.date) -> None:
    if not Scheme.objects.filter(edition="2025").exists():
        schemes_load_shipped(by=staff)
    scheme = Scheme.objects.filter(edition="2025").order_by("pk").first()
    site = Site.objects.get(code="TJ-01")
    evidence = Evidence.objects.order_by("pk").first()
    evaluation_open(site=site, year=today.year - 1, scheme=scheme, by=staff)
    evaluation = evaluation_open(site=site, year=today.year, scheme=scheme, by=staff)
    if evidence is None or IndicatorValue.objects.filter(evaluation=evaluation).exists():
        return
    indicator_value_override(
        evaluation=evaluation,
        indicator=Indicator.objects.get(scheme=evaluation.scheme, code="2.2"),
        value=Decimal("87.5"),
        reason="Water balance test report",
        evidence=[evidence],
        version=None,
        by=staff,
    )
    item = evaluation.scheme.gate_items.filter(kind="manual").order_by("position").first()
    if item is not None:
        gate_result_record(
            evaluation=evaluation, item=item, outcome="passed", note="Listed", evidence=[evidence], by=staff
        )
