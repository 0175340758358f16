"""OH&S hazards: LEC and matrix methods from data, their bands at the edges, and the hierarchy of
controls."""

from __future__ import annotations

from decimal import Decimal

import pytest

from certifications.exceptions import EditConflict
from certifications.models import Hazard, RiskMethod
from certifications.selectors.hazards import hazard_risk, risk_band
from certifications.services import hazards as services
from greenfactory.core.exceptions import DomainError


@pytest.fixture
def methods(db):
    services.risk_methods_load()
    return {m.code: m for m in RiskMethod.objects.prefetch_related("bands")}


@pytest.mark.parametrize(
    ("score", "band"),
    [
        ("320.001", "extreme"),
        ("320", "high"),
        ("160.001", "high"),
        ("160", "significant"),
        ("70.001", "significant"),
        ("70", "general"),
        ("20", "general"),
        ("19.999", "slight"),
        ("0.001", "slight"),
    ],
)
def test_lec_bands_at_their_edges(methods, score, band):
    assert risk_band(method=methods["lec"], score=Decimal(score)).code == band


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, "low"), (4, "low"), (5, "medium"), (9, "medium"), (10, "high"), (16, "high"), (20, "very_high")],
)
def test_matrix_bands_at_their_edges(methods, score, band):
    assert risk_band(method=methods["matrix-5x5"], score=Decimal(score)).code == band


def test_lec_multiplies_the_three_factors(methods):
    risk = hazard_risk(method=methods["lec"], factors={"L": 3, "E": 6, "C": 15})
    assert (risk.score, risk.band.name_zh) == (Decimal(270), "高度危险，需立即整改")
    fractional = hazard_risk(method=methods["lec"], factors={"L": "0.5", "E": 6, "C": 7})
    assert (fractional.score, fractional.band.code) == (Decimal(21), "general")


@pytest.mark.parametrize(
    "bad", [{"L": 4, "E": 6, "C": 15}, {"L": 3, "E": 6}, {"L": 3, "E": 6, "C": 15, "X": 1}]
)
def test_values_outside_the_scales_store_nothing(methods, staff_user, bad):
    with pytest.raises(DomainError) as error:
        services.hazard_create(
            by=staff_user, title="HF", hazard="HF", activity="Opening cells", method=methods["lec"],
            initial_factors=bad,
        )  # fmt: skip
    assert error.value.field == "initial_factors"
    assert not Hazard.objects.exists()


def test_create_stores_initial_and_residual_risk_and_controls_in_hierarchy_order(methods, staff_user):
    hazard = services.hazard_create(
        by=staff_user, title="Thermal runaway", title_zh="受损电芯热失控", hazard="Thermal runaway",
        activity="Storing damaged packs", exposed="Warehouse crew", method=methods["lec"],
        initial_factors={"L": 3, "E": 6, "C": 40}, residual_factors={"L": 1, "E": 6, "C": 15},
        controls=[
            ("ppe", "Fire-resistant gloves", True),
            ("engineering", "Sand-filled isolation bins", True),
            ("elimination", "Refuse packs with swelling at the gate", False),
        ],
    )  # fmt: skip
    stored = Hazard.objects.get(pk=hazard.pk)
    assert (stored.initial_score, stored.initial_band.code) == (Decimal(720), "extreme")
    assert (stored.residual_score, stored.residual_band.code) == (Decimal(90), "significant")
    assert [c.level for c in stored.controls.all()] == ["elimination", "engineering", "ppe"]


def test_edit_rescores_and_refuses_stale_versions(methods, staff_user):
    hazard = services.hazard_create(
        by=staff_user, title="Shock", hazard="Electric shock", activity="Discharge",
        method=methods["matrix-5x5"], initial_factors={"likelihood": 3, "severity": 5},
    )  # fmt: skip
    assert (hazard.initial_band.code, hazard.residual_band) == ("high", None)
    services.hazard_update(
        entry=hazard, by=staff_user, version=1, residual_factors={"likelihood": 1, "severity": 5},
        controls=[("administrative", "Lock-out tag-out", True)],
    )  # fmt: skip
    stored = Hazard.objects.get(pk=hazard.pk)
    assert (stored.residual_score, stored.residual_band.code, stored.controls.count()) == (5, "medium", 1)
    with pytest.raises(EditConflict):
        services.hazard_update(entry=hazard, by=staff_user, version=1, title="Stale")
    assert Hazard.objects.get(pk=hazard.pk).title == "Shock"
