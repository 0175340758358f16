"""Aspects, hazards and incidents for the fuzz test, so every ``{id}`` route of their API reaches one
in each state a client meets: a significant aspect, a hazard without a residual assessment, an
incident under investigation and a closed one. Safe when the demo already holds them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from certifications.models import Aspect, Hazard, Incident, RiskMethod, SignificanceMethod
from certifications.services import aspects as aspect_services
from certifications.services import hazards as hazard_services
from certifications.services import incidents as incident_services
from greenfactory.sites.models import Site


def risk_registers_objects_add(*, staff, today: dt.date) -> None:
    aspect_services.significance_methods_load()
    hazard_services.risk_methods_load()
    incident_services.incident_grades_load()
    site = Site.objects.get(code="TJ-01")
    if not Aspect.objects.filter(reference="FUZZ-ASP").exists():
        aspect_services.aspect_create(
            by=staff,
            reference="FUZZ-ASP",
            title="Electrolyte vapour during disassembly",
            activity="Disassembly",
            aspect="VOC emission",
            impact="Air pollution",
            method=SignificanceMethod.objects.get(code="env-5x4"),
            scores={"scale": 3, "severity": 4, "probability": 4, "legal": 5},
            sites=[site],
        )
    if not Hazard.objects.filter(reference="FUZZ-HAZ").exists():
        hazard_services.hazard_create(
            by=staff,
            reference="FUZZ-HAZ",
            title="Electric shock from charged packs",
            hazard="Electric shock",
            activity="Discharging packs",
            method=RiskMethod.objects.get(code="matrix-5x5"),
            initial_factors={"likelihood": 2, "severity": 5},
            controls=[("engineering", "Insulated benches", True)],
        )
    if Incident.objects.filter(reference__startswith="FUZZ-INC").exists():
        return
    when = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=20), dt.time(9)))
    open_one = incident_services.incident_create(
        by=staff, reference="FUZZ-INC-1", kind="near_miss", occurred_at=when, site=site, title="Pack dropped"
    )
    incident_services.incident_transition(incident=open_one, status="investigating", by=staff)
    closed = incident_services.incident_create(
        by=staff, reference="FUZZ-INC-2", kind="environmental", occurred_at=when, site=site, title="Spill"
    )
    closed = incident_services.incident_update(
        incident=closed, by=staff, version=None, investigation="Drum seal failed", root_cause="Old seals"
    )
    incident_services.incident_transition(
        incident=closed, status="closed", by=staff, closed_on=today - dt.timedelta(days=5)
    )
