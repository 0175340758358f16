"""Demo environmental aspects, OH&S hazards and incidents of the Tianjin battery-recycling plant.

Loads the methods and grades first (from their data files), then the entries once: nothing happens
when any of these registers has an entry already. The incidents are a few near misses and one general
(一般) accident more than three years ago, so the green-factory incident gate passes.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from greenfactory.accounts.models import User

from .models import (
    Aspect,
    AspectCondition,
    Hazard,
    Incident,
    IncidentGrade,
    IncidentKind,
    RiskMethod,
    SignificanceMethod,
)
from .services import aspects as aspect_services
from .services import hazards as hazard_services
from .services import incidents as incident_services

# title_zh, title, activity, aspect, impact, condition, (scale, severity, probability, legal), controls
ASPECTS = [
    ("拆解工序电解液挥发", "Electrolyte vapour during disassembly", "Pack disassembly",
     "VOC and fluoride vapour from electrolyte", "Air pollution, odour", AspectCondition.NORMAL,
     (3, 4, 4, 5), "Local exhaust ventilation to activated-carbon adsorption; monthly stack monitoring."),
    ("破碎分选粉尘", "Battery dust from crushing and separation", "Crushing and separation",
     "Black-mass and metal dust", "Air pollution, worker exposure", AspectCondition.NORMAL,
     (3, 4, 5, 4), "Enclosed crushers under negative pressure; bag filters; quarterly monitoring."),
    ("废电解液及隔膜（危险废物）", "Waste electrolyte and separator as hazardous waste",
     "Disassembly and crushing", "Hazardous waste HW49 generated", "Soil and water contamination",
     AspectCondition.NORMAL, (3, 5, 4, 5), "Sealed drums in the hazardous-waste store; transfer manifests."),
    ("设备运行噪声", "Noise from shredders and fans", "Crushing, ventilation", "Noise",
     "Nuisance to neighbours", AspectCondition.NORMAL, (3, 2, 4, 3), ""),
    ("破碎机能源消耗", "Energy use of the shredders", "Crushing", "Electricity consumption",
     "Resource depletion, indirect CO2", AspectCondition.NORMAL, (3, 3, 5, 3),
     "Variable-speed drives; shredder kWh per tonne tracked as an EnPI."),
    ("电解液泄漏（应急）", "Electrolyte spill from a damaged pack", "Reception and storage",
     "Spill of electrolyte", "Soil and water contamination", AspectCondition.EMERGENCY,
     (2, 4, 2, 5), "Spill kits, bunded storage, emergency plan drilled twice a year."),
]  # fmt: skip

# title_zh, title, hazard, activity, exposed, method, initial, residual, controls
HAZARDS = [
    ("受损电芯热失控", "Thermal runaway of damaged cells", "Thermal runaway and fire", "Storing and discharging damaged packs",
     "Warehouse and discharge crew", "lec", {"L": 3, "E": 6, "C": 40}, {"L": 1, "E": 6, "C": 15},
     [("elimination", "Packs with swelling or leaks refused at the gate or sent to the isolation store", True),
      ("engineering", "Sand-filled isolation bins, thermal cameras, sprinklers", True),
      ("administrative", "Inspection on reception; maximum stock per bay", True),
      ("ppe", "Fire-resistant gloves and face shields", True)]),
    ("电解液分解产生氟化氢", "Hydrogen fluoride from electrolyte", "HF and fluoride gases", "Opening cells and crushing",
     "Disassembly and crushing operators", "lec", {"L": 3, "E": 6, "C": 15}, {"L": 1, "E": 6, "C": 7},
     [("engineering", "Local exhaust ventilation and HF detectors with alarms", True),
      ("administrative", "Calcium-gluconate first aid and training", True),
      ("ppe", "Acid-gas respirators and chemical goggles", True)]),
    ("带电电池包触电", "Electric shock from charged packs", "Electric shock and arc flash", "Pack discharge and disassembly",
     "Discharge operators", "matrix-5x5", {"likelihood": 3, "severity": 5}, {"likelihood": 1, "severity": 5},
     [("engineering", "Discharge to below 36 V before disassembly; insulated tools", True),
      ("administrative", "Lock-out tag-out and voltage check before opening", True),
      ("ppe", "Class 0 insulating gloves", True)]),
    ("金属粉尘爆炸", "Dust explosion", "Aluminium and black-mass dust explosion", "Crushing and dust collection",
     "Crushing operators, maintenance", "lec", {"L": 1, "E": 6, "C": 40}, {"L": 0.5, "E": 6, "C": 40},
     [("engineering", "Explosion venting and spark detection on the bag filter", True),
      ("administrative", "Daily dust cleaning; hot-work permits", True)]),
]  # fmt: skip


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def _incidents(*, site, staff: User, today: dt.date) -> int:
    general = IncidentGrade.objects.get(code="ps_general")
    rows = [
        (
            "叉车搬运电池包险些倾翻",
            "Forklift nearly tipped a pack pallet",
            IncidentKind.NEAR_MISS,
            60,
            None,
            0,
        ),
        (
            "放电工位电池包冒烟",
            "Smoke from a pack at the discharge station",
            IncidentKind.NEAR_MISS,
            200,
            None,
            0,
        ),
        (
            "拆解工手部割伤",
            "Hand cut during disassembly",
            IncidentKind.SAFETY_ACCIDENT,
            4 * 365 + 30,
            general,
            1,
        ),
    ]
    for title_zh, title, kind, days_ago, grade, serious in rows:
        incident = incident_services.incident_create(
            by=staff, kind=kind, occurred_at=_at(today - dt.timedelta(days=days_ago), 10), site=site,
            title=title, title_zh=title_zh, grade=grade, serious_injuries=serious,
            direct_loss_cny=Decimal("12000") if serious else Decimal(0),
        )  # fmt: skip
        incident_services.incident_update(
            incident=incident, by=staff, version=incident.version,
            investigation="Site visit, interviews and camera footage reviewed.",
            root_cause="Procedure not followed under time pressure; guard missing.", investigated_by=staff,
        )  # fmt: skip
        incident.refresh_from_db()
        incident_services.incident_transition(
            incident=incident, status="closed", by=staff, closed_on=today - dt.timedelta(days=days_ago - 14)
        )
    return len(rows)


def demo_risks_load(*, site, staff: User, today: dt.date) -> int:
    """Load the demo aspects, hazards and incidents once; returns how many entries were made."""
    aspect_services.significance_methods_load()
    hazard_services.risk_methods_load()
    incident_services.incident_grades_load()
    if Aspect.objects.exists() or Hazard.objects.exists() or Incident.objects.exists():
        return 0
    method = SignificanceMethod.objects.get(code="env-5x4")
    for title_zh, title, activity, aspect, impact, condition, marks, controls in ASPECTS:
        aspect_services.aspect_create(
            by=staff, title=title, title_zh=title_zh, activity=activity, aspect=aspect, impact=impact,
            condition=condition, method=method, sites=[site], operational_controls=controls,
            scores=dict(zip(("scale", "severity", "probability", "legal"), marks, strict=True)),
            review_on=today + dt.timedelta(days=180),
        )  # fmt: skip
    methods = {m.code: m for m in RiskMethod.objects.all()}
    for title_zh, title, hazard, activity, exposed, code, initial, residual, controls in HAZARDS:
        hazard_services.hazard_create(
            by=staff, title=title, title_zh=title_zh, hazard=hazard, activity=activity, exposed=exposed,
            method=methods[code], initial_factors=initial, residual_factors=residual, controls=controls,
            sites=[site], review_on=today + dt.timedelta(days=365),
        )  # fmt: skip
    return len(ASPECTS) + len(HAZARDS) + _incidents(site=site, staff=staff, today=today)
