"""The carbon-neutrality API: programmes, periods and their standing, credits counted once, the claim
gate, and refusals that change nothing."""

from __future__ import annotations

import pytest

from accounting.models import CarbonCredit, NeutralityClaim, NeutralityProgramme, ReductionTarget

from .neutrality_helpers import entered, programme, retire

pytestmark = pytest.mark.django_db

API = "/api/v1/"


def _programme_body(site, **extra):
    return {
        "reference": "CN-API",
        "title": "Neutral plant",
        "organisation": site.organisation.code,
        "boundary": "Tianjin plant, scope 1 and 2",
        "base_year": 2024,
        "target_date": "2030-12-31",
        **extra,
    }


def test_a_programme_its_periods_and_their_standing(staff_client, site):
    """Base 2024 1,200 t; 2026 900 t with 30 t removed and 870 t of credits:
    reductions 1,200 - 900 = 300; balance 1,200 - 300 - 30 - 870 = 0, neutral."""
    response = staff_client.post(
        f"{API}neutrality-programmes/", _programme_body(site), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["standard"] == "ISO 14068-1:2023"
    for year, tco2e, removals in ((2024, "1200", "0"), (2026, "900", "30")):
        body = {
            "year": year,
            "source": "entered",
            "footprint_tco2e": tco2e,
            "source_note": "Verified",
            "removals_tco2e": removals,
            "removals_note": "Measured",
        }
        assert (
            staff_client.post(
                f"{API}neutrality-programmes/{pk}/periods/", body, content_type="application/json"
            ).status_code
            == 200
        )
    credit = {
        "programme": pk,
        "period": 2026,
        "registry": "ccer",
        "serial_prefix": "CCER-2025-",
        "serial_start": 1001,
        "serial_end": 1870,
        "quantity_tco2e": 870,
        "project": "Wind farm",
        "standard": "CCER-14-001",
        "kind": "reduction",
        "vintage": 2025,
        "retired_on": "2026-03-01",
        "quality_criteria": ["additional", "verified"],
        "evidence_reference": "CCER retirement 0042",
    }
    response = staff_client.post(f"{API}carbon-credits/", credit, content_type="application/json")
    assert response.status_code == 201, response.content
    [base, current] = staff_client.get(f"{API}neutrality-programmes/{pk}/status/").json()
    assert (base["year"], base["reductions_tco2e"]) == (2024, "0.000000")
    assert current["reductions_tco2e"] == "300.000000"
    assert current["credits_tco2e"] == "870.000000"
    assert current["balance_tco2e"] == "0.000000"
    assert current["neutral"] is True


def test_an_overlapping_serial_range_is_refused_with_409(staff_client, site):
    prog = programme(site.organisation)
    retire(prog, entered(prog, 2025, "100"), 1, 50)
    other = programme(site.organisation, reference="CN-O")
    entered(other, 2025, "100")
    body = {
        "programme": other.pk,
        "period": 2025,
        "registry": "gold_standard",
        "serial_prefix": "GS1-1-CN-GS1234-12-2024-",
        "serial_start": 40,
        "serial_end": 60,
        "project": "Biogas",
        "standard": "GS",
        "kind": "reduction",
        "vintage": 2024,
        "retired_on": "2026-03-01",
        "evidence_reference": "GS 9",
    }
    response = staff_client.post(f"{API}carbon-credits/", body, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "serials_taken"
    assert CarbonCredit.objects.count() == 1


def test_a_target_with_a_gap_over_five_years_is_refused(staff_client, site):
    prog = programme(site.organisation)
    body = {"description": "Down 50 %", "target_year": 2030, "reduction_percent": "50"}
    response = staff_client.post(
        f"{API}neutrality-programmes/{prog.pk}/targets/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "milestones" in response.json()
    assert not ReductionTarget.objects.exists()
    body["milestones"] = [{"year": 2027, "reduction_percent": "20"}]
    response = staff_client.post(
        f"{API}neutrality-programmes/{prog.pk}/targets/", body, content_type="application/json"
    )
    assert response.status_code == 201
    assert [m["year"] for m in response.json()["milestones"]] == [2027]


def test_the_claim_gate_names_what_is_missing_then_makes_the_claim(staff_client, site):
    prog = programme(site.organisation)
    entered(prog, 2024, "1000")
    retire(prog, entered(prog, 2026, "700"), 1, 700)
    body = {
        "programme": prog.pk,
        "period": 2026,
        "kind": "achieved",
        "verification": "self",
        "statement": "Neutral in 2026.",
        "requirement_titles": ["Verification statement"],
    }
    claim = staff_client.post(f"{API}neutrality-claims/", body, content_type="application/json").json()
    assert claim["missing_requirements"] == ["Verification statement"]
    response = staff_client.post(f"{API}neutrality-claims/{claim['id']}/make/")
    assert response.status_code == 409
    assert response.json()["missing_requirements"] == ["Verification statement"]
    assert NeutralityClaim.objects.get().status == "draft"
    evidence = {"requirement": claim["requirements"][0]["id"], "evidence_reference": "EV-0100"}
    staff_client.post(
        f"{API}neutrality-claims/{claim['id']}/evidence/", evidence, content_type="application/json"
    )
    response = staff_client.post(f"{API}neutrality-claims/{claim['id']}/make/")
    assert response.status_code == 200
    assert response.json()["status"] == "made"


def test_an_offset_only_claim_is_refused_by_the_api(staff_client, site):
    prog = programme(site.organisation)
    entered(prog, 2024, "500")
    retire(prog, entered(prog, 2026, "500"), 1, 500)
    body = {
        "programme": prog.pk,
        "period": 2026,
        "kind": "achieved",
        "verification": "self",
        "statement": "x",
        "requirement_titles": [],
    }
    claim = staff_client.post(f"{API}neutrality-claims/", body, content_type="application/json").json()
    response = staff_client.post(f"{API}neutrality-claims/{claim['id']}/make/")
    assert response.status_code == 409
    assert any("offsets alone" in p for p in response.json()["problems"])


def test_a_duplicate_reference_or_bad_dates_change_nothing(staff_client, site):
    programme(site.organisation, reference="CN-API")
    response = staff_client.post(
        f"{API}neutrality-programmes/", _programme_body(site), content_type="application/json"
    )
    assert response.status_code in (400, 409)
    bad = _programme_body(site, reference="CN-B", target_date="2020-01-01")
    response = staff_client.post(f"{API}neutrality-programmes/", bad, content_type="application/json")
    assert response.status_code == 400
    assert "target_date" in response.json()
    assert NeutralityProgramme.objects.count() == 1


def test_auditors_cannot_read_or_write_programmes(auditor_client, site):
    programme(site.organisation)
    assert auditor_client.get(f"{API}neutrality-programmes/").status_code == 403
    response = auditor_client.post(
        f"{API}neutrality-programmes/", _programme_body(site, reference="X"), content_type="application/json"
    )
    assert response.status_code == 403
    assert NeutralityProgramme.objects.count() == 1
