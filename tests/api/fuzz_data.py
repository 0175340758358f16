"""Objects the demo plant does not have, so that every ``{id}`` route of the API reaches one.

The demo's pipeline (rollups, KPIs, data-quality findings) runs after commit and takes minutes, so
the fuzz test leaves it out; what it would derive is stored here directly: a finding, and a fitted
baseline with a target and an alert. Everything a user enters goes through its service.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounting.models import EnergyBaseline, FuelDelivery, TargetAlert
from accounting.services import activity, inventory
from accounting.services.baselines import adjustment_record, target_set
from certifications.models import (
    AuditStatus,
    AuditType,
    Clause,
    DossierKind,
    FindingClass,
    RootCauseMethod,
    Standard,
)
from certifications.services import audits as audit_services
from certifications.services import capa as capa_services
from certifications.services import checklists as checklist_services
from certifications.services import dossiers as dossier_services
from certifications.services import findings as finding_services
from greenfactory.sites.models import Site
from metering.choices import MeterEventKind, MeterKind
from metering.models import Meter, QualityFinding
from metering.services.meters import meter_event_create


def fuzz_objects_add(*, staff, today: dt.date) -> None:
    """A meter exchange, a fuel delivery, an inventory site, a data-quality finding, a baseline
    with an adjustment, a target and an alert, and an audit under way with a queued dossier, at the
    demo site."""
    site = Site.objects.get(code="TJ-01")
    meter = Meter.objects.filter(site=site, kind=MeterKind.REGISTER, is_virtual=False).order_by("pk").first()
    noon = timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    meter_event_create(
        meter=meter,
        ts=noon,
        kind=MeterEventKind.RESET,
        old_final_value=999999.0,
        new_start_value=0.0,
        note="Register rolled over",
        by=staff,
    )
    values = activity.activity_values(
        model=FuelDelivery,
        data={"date": today, "fuel": "diesel", "quantity": Decimal("1200"), "unit": "L", "note": ""},
    )
    activity.activity_create(site=site, values=values, by=staff)
    inventory.inventory_site_save(site=site, included=True, equity_share_pct=Decimal("100"), by=staff)
    QualityFinding.objects.create(
        site=site,
        meter=meter,
        kind="gap",
        start=noon - dt.timedelta(days=2),
        end=noon - dt.timedelta(days=1),
        magnitude=24.0,
    )
    baseline = EnergyBaseline.objects.create(
        site=site,
        name="Site electricity",
        measure="mwh",
        medium="electricity",
        base_start=today.replace(year=today.year - 1, month=1, day=1),
        base_end=today.replace(year=today.year - 1, month=12, day=31),
        intercept=100000.0,
        coefficients={"production": 120.0},
        r2=0.9,
        cv_rmse=0.05,
        periods=12,
        fitted_at=noon,
        owner=staff,
    )
    adjustment_record(
        baseline=baseline, effective_from=today, per_period=Decimal("500"), reason="New press", by=staff
    )
    target = target_set(site=site, kind="enpi_max", value=Decimal("1.05"), baseline=baseline, by=staff)
    TargetAlert.objects.get_or_create(target=target, period=today.replace(day=1), defaults={"actual": 1})
    _audit_add(site=site, staff=staff, today=today)
    # Energy budgets: this year's, with a medium line the baseline above forecasts and a tariff.
    from accounting.models import EnergyBudget
    from accounting.services.budgets import budget_create

    if not EnergyBudget.objects.filter(site=site, year=today.year).exists():
        budget_create(
            site=site,
            year=today.year,
            lines={("tce", ""): [Decimal("100")] * 12, ("medium", "electricity"): [Decimal("500000")] * 12},
            tariffs=[
                {
                    "medium": "electricity",
                    "price_cny": Decimal("0.7"),
                    "valid_from": today.replace(month=1, day=1),
                }
            ],
            by=staff,
        )


def _audit_add(*, site: Site, staff, today: dt.date) -> None:
    """An internal audit of ISO 50001's clause 4 in progress, with a session, its checklist, a major
    nonconformity whose corrective action is being planned, and an observation."""
    standard = Standard.objects.filter(code="ISO 50001").order_by("-edition").first()
    audit = audit_services.audit_create(
        site=site,
        title="Energy management internal audit",
        audit_type=AuditType.INTERNAL,
        standards=[standard],
        clauses=[Clause.objects.get(standard=standard, number="4")],
        starts_on=today,
        ends_on=today + dt.timedelta(days=3),
        lead_auditor=staff,
        by=staff,
    )
    nine = timezone.make_aware(dt.datetime.combine(today, dt.time(9)))
    audit_services.session_add(
        audit=audit, starts_at=nine, ends_at=nine + dt.timedelta(hours=2), topic="4 Context", by=staff
    )
    checklist_services.checklist_generate(audit=audit, by=staff)
    audit_services.audit_transition(audit=audit, to=AuditStatus.IN_PROGRESS, by=staff)
    first, second = audit.checklist.order_by("position")[:2]
    major = finding_services.finding_raise(
        audit=audit,
        finding_class=FindingClass.MAJOR,
        statement="The context review is not recorded.",
        owner=staff,
        checklist_item=first,
        by=staff,
    )
    capa = capa_services.capa_contain(capa=major.capa, containment="Review scheduled", by=staff)
    capa = capa_services.capa_analyse(
        capa=capa,
        method=RootCauseMethod.FIVE_WHY,
        whys=["No owner for the review"],
        root_cause="No owner for the review",
        by=staff,
    )
    capa_services.capa_action_add(
        capa=capa, description="Name an owner", owner=staff, due_on=today + dt.timedelta(days=14), by=staff
    )
    finding_services.finding_raise(
        audit=audit,
        finding_class=FindingClass.OBSERVATION,
        statement="Interested parties are listed but not ranked.",
        owner=staff,
        checklist_item=second,
        by=staff,
    )
    # A dossier of the audit, queued: its render waits for a commit the fuzz module never makes.
    dossier_services.dossier_request(kind=DossierKind.AUDIT, audit=audit, language="en", by=staff)
