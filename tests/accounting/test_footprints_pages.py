"""Footprint pages as the compliance team uses them: the register with filters and exports, a study
with its inventory and allocation switcher, the forms, issuing, and the exports of a study."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from accounting.models import Factor, FootprintItem, FootprintResult, FootprintStudy
from accounting.services import footprints as service
from accounting.services.factors import factor_save

from .test_footprints import _study, _worked_example

pytestmark = pytest.mark.django_db


def _url(study, rest=""):
    return f"/kpis/footprints/{study.pk}/{rest}"


def test_the_register_lists_studies_filters_and_exports(staff_client, site, staff_user):
    issued = _worked_example(site)
    service.footprint_study_issue(study=issued, by=staff_user)
    draft = _study(site, year=2024, product="copper")
    page = staff_client.get("/kpis/footprints/").content.decode()
    assert f'href="/kpis/footprints/{issued.pk}/">Black mass 2023</a>' in page
    assert "208.5" in page
    assert draft.title in page
    only_copper = staff_client.get("/kpis/footprints/?product=copper").content.decode()
    assert draft.title in only_copper
    assert "Black mass 2023" not in only_copper
    csv = b"".join(staff_client.get("/kpis/footprints/?export=csv&status=issued").streaming_content).decode()
    assert "Black mass 2023" in csv
    assert "208.5" in csv
    assert draft.title not in csv
    workbook = openpyxl.load_workbook(io.BytesIO(staff_client.get("/kpis/footprints/?export=xlsx").content))
    assert workbook.active.max_row == 3  # header and two studies


def test_the_study_page_shows_the_result_inventory_and_the_switcher_writes_nothing(staff_client, site):
    study = _worked_example(site)
    page = staff_client.get(_url(study)).content.decode()
    assert '<strong id="footprint-figure">208.5</strong>' in page
    assert "Sodium hydroxide" in page
    assert "Grid electricity" in page
    assert 'class="table-wrap"' in page
    assert "219.474" in page  # the sensitivity table: by value
    switched = staff_client.get(_url(study, "?allocation=system_expansion")).content.decode()
    assert '<strong id="footprint-figure">205.25</strong>' in switched
    assert "nothing is saved" in switched
    assert FootprintStudy.objects.get(pk=study.pk).allocation == "mass"
    # An unknown method shows the study's own.
    assert (
        '<strong id="footprint-figure">208.5</strong>'
        in staff_client.get(_url(study, "?allocation=x")).content.decode()
    )


def test_issuing_freezes_the_figure_and_later_data_shows_what_it_would_now_be(staff_client, site):
    study = _worked_example(site)
    response = staff_client.post(_url(study, "issue/"))
    assert response.status_code == 302
    assert FootprintResult.objects.get(study=study).per_unit_kg == Decimal("208.5")
    factor_save(
        factor=Factor.objects.get(factor_set__code="grid-cn", key="pcf", year=2023), value=Decimal("0.7")
    )
    page = staff_client.get(_url(study)).content.decode()
    assert '<strong id="footprint-figure">208.5</strong>' in page
    assert "it would now be 235 kgCO2e" in page
    # Issued: read-only; the item form refuses and nothing is added.
    response = staff_client.post(_url(study, "items/new/"), _item_form())
    assert response.status_code == 400
    assert "reopen it" in response.content.decode()
    assert FootprintItem.objects.filter(study=study).count() == 1


def _item_form(**extra):
    data = {
        "stage": "waste",
        "kind": "waste_treatment",
        "description": "Electrolyte sludge incineration",
        "quantity": "12",
        "unit": "t",
        "factor_kg_per_unit": "800",
        "factor_source": "Tianjin hazardous waste plant 2023",
        "gas": "CO2e",
        "reliability": "2",
        "completeness": "2",
        "temporal": "1",
        "geographical": "1",
        "technological": "2",
    }
    data.update(extra)
    return data


def test_items_and_coproducts_are_added_from_their_forms(staff_client, site):
    study = _worked_example(site)
    assert staff_client.get(_url(study, "items/new/")).status_code == 200
    response = staff_client.post(_url(study, "items/new/"), _item_form())
    assert response.status_code == 302
    item = FootprintItem.objects.get(description="Electrolyte sludge incineration")
    assert (item.quantity, item.technological) == (Decimal(12), 2)
    # 12 t * 800 = 9,600 kg more: (625,500 + 9,600) * 2/3 / 2,000 = 211.7 kg/t
    assert '<strong id="footprint-figure">211.7</strong>' in staff_client.get(_url(study)).content.decode()
    bad = staff_client.post(_url(study, "items/new/"), _item_form(description="Other", quantity="-1"))
    assert bad.status_code == 400
    assert not FootprintItem.objects.filter(description="Other").exists()
    response = staff_client.post(
        _url(study, "coproducts/"), {"product": "electrolyte", "output_t": "100", "price_cny_per_t": "5000"}
    )
    assert response.status_code == 302
    assert study.coproducts.get(product="electrolyte").output_t == Decimal(100)
    refused = staff_client.post(_url(study, "coproducts/"), {"product": "copper", "output_t": "0"})
    assert refused.status_code == 400
    assert study.coproducts.get(product="copper").output_t == Decimal(200)


def test_a_new_study_from_the_form(staff_client, site):
    assert staff_client.get("/kpis/footprints/new/").status_code == 200
    data = {
        "site": site.code,
        "title": "Copper 2024",
        "product": "copper",
        "unit_kind": "declared",
        "declared_unit": "1 t of copper granules",
        "declared_amount_t": "1",
        "boundary": "gate_to_gate",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "allocation": "economic",
        "gwp_set": str(Factor.objects.filter(factor_set__code="gwp-ar6").first().factor_set_id),
        "cut_off": "",
        "notes": "",
    }
    response = staff_client.post("/kpis/footprints/new/", data)
    assert response.status_code == 302
    study = FootprintStudy.objects.get(title="Copper 2024")
    assert (study.gwp_set.code, study.allocation) == ("gwp-ar6", "economic")
    backwards = staff_client.post(
        "/kpis/footprints/new/", {**data, "title": "Bad", "period_end": "2023-01-01"}
    )
    assert backwards.status_code == 400
    assert not FootprintStudy.objects.filter(title="Bad").exists()


def test_the_study_workbook_and_openlca_export(staff_client, site):
    study = _worked_example(site)
    workbook = openpyxl.load_workbook(io.BytesIO(staff_client.get(_url(study, "?export=xlsx")).content))
    assert workbook.sheetnames == ["Result", "Breakdown", "Sensitivity", "Inventory", "Co-products"]
    inventory = list(workbook["Inventory"].values)
    assert any(row[2] == "Sodium hydroxide" and row[8] == 5000 for row in inventory)
    response = staff_client.get(_url(study, "?export=jsonld"))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    folders = {name.split("/")[0] for name in archive.namelist()}
    assert {"processes", "flows", "flow_properties", "unit_groups"} <= folders
    objects = [json.loads(archive.read(n)) for n in archive.namelist() if n.endswith(".json") and "/" in n]
    assert all("@type" in o and "@id" in o for o in objects)
    [main] = [o for o in objects if o["@type"] == "Process" and o.get("allocationFactors")]
    reference = [e for e in main["exchanges"] if e.get("isQuantitativeReference")]
    assert [e["flow"]["name"] for e in reference] == ["Black mass"]
    shares = {f["product"]["name"]: f["value"] for f in main["allocationFactors"]}
    assert shares["Black mass"] == pytest.approx(2 / 3)
    assert sum(shares.values()) == pytest.approx(1)
    # The background processes carry the factors: 1,000,000 kWh * 0.6205 + 10 t * 500 = 625,500 kg.
    total = 0.0
    inputs = {e["flow"]["@id"]: e["amount"] for e in main["exchanges"] if e["isInput"]}
    for process in (o for o in objects if o["@type"] == "Process" and o is not main):
        product = next(e for e in process["exchanges"] if e.get("isQuantitativeReference"))
        emission = next(e for e in process["exchanges"] if not e.get("isQuantitativeReference"))
        total += inputs[product["flow"]["@id"]] * emission["amount"]
    assert total == pytest.approx(625_500)


def test_auditors_see_no_footprint_and_staff_cannot_issue_without_the_capability(auditor_client, site):
    study = _worked_example(site)
    assert auditor_client.get(_url(study)).status_code == 403
    assert auditor_client.post(_url(study, "issue/")).status_code == 403
    assert not FootprintResult.objects.exists()


def test_the_demo_has_a_footprint_of_this_years_black_mass(django_capture_on_commit_callbacks, staff_client):
    import datetime as dt

    from greenfactory.web.demo import demo_load

    with django_capture_on_commit_callbacks(execute=True):
        demo_load(today=dt.date(2026, 11, 28))
    study = FootprintStudy.objects.get(title="Black mass 2026")
    # January to October: 10 months of the demo's outputs, black mass 42 % of the tonnes processed.
    assert study.coproducts.get(product="black_mass").output_t == Decimal("19194.000")  # 45,700 t * 0.42
    page = staff_client.get(_url(study)).content.decode()
    assert "Grid electricity" in page
    assert "Big bags for black mass" in page
    # No factor of its own for 2026: the 2024 product-footprint factor, said so.
    assert "No product carbon-footprint electricity factor for 2026" in page
    issued = staff_client.post(_url(study, "issue/"))
    assert issued.status_code == 302
    result = FootprintResult.objects.get(study=study).result
    assert result["electricity_factor"]["year"] == 2024
    assert result["per_unit_kg"] is not None


def test_the_register_reads_the_same_number_of_queries_whatever_its_length(staff_client, site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _study(site, year=2023)
    with CaptureQueriesContext(connection) as one:
        staff_client.get("/kpis/footprints/")
    for year in (2024, 2025, 2026):
        _study(site, year=year)
    with CaptureQueriesContext(connection) as four:
        staff_client.get("/kpis/footprints/")
    assert len(four) == len(one)
