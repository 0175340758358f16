"""The shipped standards, the crosswalk, imports with their problem report, exports and editions."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from certifications import services
from certifications.exceptions import ImportRejected
from certifications.exports.standards import to_xlsx, to_yaml
from certifications.models import Clause, ClauseMapping, Standard, StandardStatus
from certifications.parsers.standards import parse_xlsx, parse_yaml
from certifications.selectors import standards as standard_selectors
from tests.factories import UserFactory

from .factories import make_evidence

pytestmark = pytest.mark.django_db

GOOD_YAML = """\
code: ISO 9999
edition: "2030"
title: Test management systems
title_zh: 测试管理体系
clauses:
  - number: "4"
    title: Context
  - number: "4.1"
    title: Understanding the organization
    title_zh: 理解组织
  - number: "4.10"
    title: A clause that must stay 4.10
"""


def test_shipping_the_standards_loads_all_ten_once(shipped):
    assert Standard.objects.count() == 10
    assert services.standards_load_shipped() == {
        "standards": 0,
        "clauses_added": 0,
        "clauses_updated": 0,
        "mappings": 0,
    }
    assert Standard.objects.count() == 10


def test_pas_2060_is_withdrawn_and_replaced_by_iso_14068_1(shipped):
    pas = Standard.objects.get(code="PAS 2060")
    assert pas.status == StandardStatus.WITHDRAWN
    assert pas.replaced_by.label == "ISO 14068-1:2023"


def test_gb_t_36132_has_the_five_indicator_groups(shipped):
    groups = Clause.objects.filter(standard__code="GB/T 36132", parent__number="5").order_by("position")
    assert [c.title_zh for c in groups] == [
        "能源低碳化",
        "资源高效化",
        "生产洁净化",
        "产品绿色化",
        "用地集约化",
    ]


def test_harmonized_structure_maps_internal_audit_across_the_four_systems_both_ways(shipped):
    audit_9001 = Clause.objects.get(standard__code="ISO 9001", number="9.2")
    targets = {
        m.target.standard.code
        for m in ClauseMapping.objects.filter(source=audit_9001, relation="equal").select_related(
            "target__standard"
        )
    }
    assert {"ISO 14001", "ISO 45001", "ISO 50001"} <= targets
    audit_50001 = Clause.objects.get(standard__code="ISO 50001", number="9.2")
    assert ClauseMapping.objects.filter(source=audit_50001, target=audit_9001, relation="equal").exists()


def test_subset_one_way_is_superset_the_other(shipped):
    iatf = Clause.objects.get(standard__code="IATF 16949", number="8.4")
    iso = Clause.objects.get(standard__code="ISO 9001", number="8.4")
    assert ClauseMapping.objects.get(source=iatf, target=iso).relation == "superset"
    assert ClauseMapping.objects.get(source=iso, target=iatf).relation == "subset"


def test_a_deep_clause_hangs_under_its_nearest_listed_ancestor(shipped):
    clause = Clause.objects.get(standard__code="IATF 16949", number="7.1.5.1.1")
    assert clause.parent.number == "7.1.5.1"
    assert clause.depth == 4


def test_yaml_keeps_clause_numbers_as_text():
    data, problems = parse_yaml(GOOD_YAML)
    assert problems == []
    assert [c.number for c in data.clauses] == ["4", "4.1", "4.10"]


def test_yaml_problems_name_their_lines():
    text = """\
code: ISO 9999
edition: "2030"
colour: green
clauses:
  - number: "4"
    title: Context
  - number: "4"
    title: Again
  - number: "bad number!"
    title: Broken
  - number: "6"
"""
    _data, problems = parse_yaml(text)
    found = {(p.location, p.message) for p in problems}
    assert ("line 3", "Unknown field “colour”.") in found
    assert ("line 7", "Clause 4 appears twice.") in found
    assert ("line 9", "“bad number!” is not a clause number.") in found
    assert ("line 11", "The clause title is missing.") in found
    assert any("title" in m for loc, m in found if loc == "file")


def test_malformed_yaml_is_reported_with_its_line():
    data, problems = parse_yaml("code: [unclosed\nedition: 1\n")
    assert data is None
    assert problems[0].location.startswith("line ")


def test_excel_problems_name_their_cells():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Standard"
    sheet.append(["field", "value"])
    sheet.append(["code", "ISO 9999"])
    sheet.append(["edition", "2030"])
    sheet.append(["title", "Test"])
    sheet.append(["status", "obsolete"])
    clauses = workbook.create_sheet("Clauses")
    clauses.append(["number", "title", "title_zh", "parent"])
    clauses.append(["4", "Context", "", ""])
    clauses.append(["4.1", "", "", ""])
    clauses.append(["4.2", "Parties", "", "9"])
    buffer = BytesIO()
    workbook.save(buffer)
    _data, problems = parse_xlsx(buffer.getvalue())
    found = {(p.location, p.message) for p in problems}
    assert ("Standard!B5", "Unknown status “obsolete”; use one of: current, withdrawn.") in found
    assert ("Clauses!A3", "The clause title is missing.") in found
    assert ("Clauses!A4", "The parent clause 9 is not listed before this clause.") in found


def test_a_file_that_is_not_a_workbook_is_reported_not_raised():
    data, problems = parse_xlsx(b"PK\x03\x04 not really a zip")
    assert data is None
    assert "Excel" in problems[0].message


def test_yaml_export_imports_back_as_the_same_standard(shipped):
    original = Standard.objects.get(code="ISO 45001")
    data = standard_selectors.standard_export_data(standard=original)
    again, problems = parse_yaml(to_yaml(data))
    assert problems == []
    assert again == data


def test_excel_export_imports_back_as_the_same_standard(shipped):
    original = Standard.objects.get(code="IATF 16949")
    data = standard_selectors.standard_export_data(standard=original)
    again, problems = parse_xlsx(to_xlsx(data))
    assert problems == []
    assert again == data
    assert again.mappings


def test_an_edition_already_loaded_is_refused_and_nothing_is_written(shipped):
    data = standard_selectors.standard_export_data(standard=Standard.objects.get(code="ISO 9001"))
    before = Clause.objects.count()
    with pytest.raises(ImportRejected) as refused:
        services.standard_import(data=data)
    assert "already loaded" in refused.value.problems[0].message
    assert Clause.objects.count() == before


def test_a_mapping_to_an_unknown_clause_rejects_the_whole_import(shipped):
    text = (
        GOOD_YAML + 'mappings:\n  - {clause: "4", standard: "ISO 9001:2015", target: "99", relation: equal}\n'
    )
    data, problems = parse_yaml(text)
    assert problems == []
    with pytest.raises(ImportRejected) as refused:
        services.standard_import(data=data)
    assert refused.value.problems[0].location == "line 14"
    assert not Standard.objects.filter(code="ISO 9999").exists()


def test_a_new_edition_loads_beside_the_old_and_carries_mappings_and_evidence_over(shipped):
    old = Standard.objects.get(code="ISO 14001")
    owner = UserFactory()
    audit = Clause.objects.get(standard=old, number="9.2")
    evidence = make_evidence(owner=owner, clauses=[audit])
    data = standard_selectors.standard_export_data(standard=old)
    data.edition = "2026"
    data.mappings = []
    new = services.standard_import(data=data)
    counts = services.standard_carry_over(source=old, target=new)
    assert Standard.objects.filter(code="ISO 14001").count() == 2
    new_audit = Clause.objects.get(standard=new, number="9.2")
    assert evidence.clauses.filter(pk=new_audit.pk).exists()
    assert ClauseMapping.objects.filter(source=new_audit, target__standard__code="ISO 9001").exists()
    assert counts["evidence_links"] == 1
    assert services.standard_carry_over(source=old, target=new) == {"mappings": 0, "evidence_links": 0}


def test_import_page_lists_problems_and_answers_400(staff_client):
    upload = SimpleUploadedFile("broken.yaml", b"code: ISO 9999\nclauses:\n  - number: '4'\n")
    response = staff_client.post("/standards/import/", {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "line 3" in page
    assert not Standard.objects.exists()


def test_import_page_imports_a_good_file(staff_client):
    upload = SimpleUploadedFile("new.yaml", GOOD_YAML.encode())
    response = staff_client.post("/standards/import/", {"file": upload})
    assert response.status_code == 302
    standard = Standard.objects.get(code="ISO 9999", edition="2030")
    assert list(standard.clauses.values_list("number", flat=True)) == ["4", "4.1", "4.10"]


def test_binary_garbage_is_a_clear_400_not_a_500(staff_client):
    upload = SimpleUploadedFile("x.yaml", b"\xff\xfe\x00garbage")
    assert staff_client.post("/standards/import/", {"file": upload}).status_code == 400
    upload = SimpleUploadedFile("x.xlsx", b"PK\x03\x04garbage")
    response = staff_client.post("/api/v1/standards/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["problems"][0]["location"] == "file"


def test_api_import_reports_every_problem_with_its_location(staff_client):
    upload = SimpleUploadedFile(
        "broken.yaml", b"code: X\nedition: '1'\ntitle: T\nclauses:\n  - number: '4'\n"
    )
    response = staff_client.post("/api/v1/standards/import/", {"file": upload})
    assert response.status_code == 400
    assert response.json()["problems"] == [{"location": "line 5", "message": "The clause title is missing."}]


def test_standard_page_exports_yaml_and_excel(staff_client, shipped):
    standard = Standard.objects.get(code="GB/T 36132")
    yaml_response = staff_client.get(f"/standards/{standard.pk}/?export=yaml")
    assert "能源低碳化" in yaml_response.content.decode()
    xlsx_response = staff_client.get(f"/api/v1/standards/{standard.pk}/export/?as=xlsx")
    data, problems = parse_xlsx(xlsx_response.content)
    assert problems == []
    assert data.label == "GB/T 36132:2025"


def test_standard_page_shows_the_clause_tree_and_crosswalk(staff_client, shipped):
    standard = Standard.objects.get(code="ISO 50001")
    page = staff_client.get(f"/standards/{standard.pk}/").content.decode()
    assert "Energy review" in page
    assert "ISO 9001:2015 9.2" in page


def test_an_oversized_import_is_refused_with_413(staff_client, settings):
    settings.EVIDENCE_UPLOAD_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.yaml", GOOD_YAML.encode())
    response = staff_client.post("/standards/import/", {"file": upload}, CONTENT_LENGTH=str(5 * 1024 * 1024))
    assert response.status_code == 413
    assert not Standard.objects.exists()


def test_carrying_over_from_another_standard_rejects_the_import_and_writes_nothing(staff_client, shipped):
    other = Standard.objects.get(code="ISO 14001")
    upload = SimpleUploadedFile("new.yaml", GOOD_YAML.encode())
    response = staff_client.post("/standards/import/", {"file": upload, "carry_over_from": other.pk})
    assert response.status_code == 400
    assert "one standard" in response.content.decode()
    assert not Standard.objects.filter(code="ISO 9999").exists()


def test_the_api_imports_a_new_edition_and_carries_evidence_over_in_one_step(
    staff_client, staff_user, shipped
):
    old = Standard.objects.get(code="ISO 50001")
    review = Clause.objects.get(standard=old, number="6.3")
    evidence = make_evidence(owner=staff_user, clauses=[review])
    data = standard_selectors.standard_export_data(standard=old)
    data.edition = "2026"
    upload = SimpleUploadedFile("iso-50001-2026.yaml", to_yaml(data).encode())
    response = staff_client.post("/api/v1/standards/import/", {"file": upload, "carry_over_from": old.pk})
    assert response.status_code == 201
    assert evidence.clauses.filter(standard__edition="2026", number="6.3").exists()


def test_a_control_character_is_reported_with_its_line_not_raised():
    data, problems = parse_yaml("code: ISO 9999\nedition: '2030'\ntitle: Bad \x01 title\n")
    assert data is None
    assert problems[0].location == "line 3"
    assert "U+0001" in problems[0].message


def _new_edition_upload(old, edition):
    data = standard_selectors.standard_export_data(standard=old)
    data.edition = edition
    data.mappings = []
    return SimpleUploadedFile(f"edition-{edition}.yaml", to_yaml(data).encode())


def test_importing_a_new_edition_on_the_page_marks_the_older_one_superseded(staff_client, shipped):
    old = Standard.objects.get(code="ISO 14001")
    response = staff_client.post(
        "/standards/import/", {"file": _new_edition_upload(old, "2026")}, follow=True
    )
    assert "ISO 14001:2015 is now marked superseded by ISO 14001:2026." in response.content.decode()
    old.refresh_from_db()
    new = Standard.objects.get(code="ISO 14001", edition="2026")
    assert (old.status, old.replaced_by) == (StandardStatus.WITHDRAWN, new)
    assert new.status == StandardStatus.CURRENT
    listing = staff_client.get("/standards/").content.decode()
    assert listing.count("Superseded") == 2  # ISO 14001:2015, and PAS 2060 replaced by ISO 14068-1


def test_importing_an_older_edition_leaves_the_current_one_current(shipped):
    current = Standard.objects.get(code="ISO 9001")
    data = standard_selectors.standard_export_data(standard=current)
    data.edition = "2008"
    data.mappings = []
    services.standard_import(data=data)
    current.refresh_from_db()
    assert current.status == StandardStatus.CURRENT


def test_lists_sort_standards_by_code_and_edition_numerically(staff_client, shipped):
    old = Standard.objects.get(code="ISO 9001")
    data = standard_selectors.standard_export_data(standard=old)
    data.edition = "2026"
    data.mappings = []
    services.standard_import(data=data)
    labels = [s.label for s in staff_client.get("/standards/").context["standards"]]
    iso = [label for label in labels if label.startswith("ISO ")]
    assert iso == [
        "ISO 9001:2015",
        "ISO 9001:2026",
        "ISO 14001:2015",
        "ISO 14064-1:2018",
        "ISO 14067:2018",
        "ISO 14068-1:2023",
        "ISO 45001:2018",
        "ISO 50001:2018",
    ]
    api = [s["code"] for s in staff_client.get("/api/v1/standards/").json()["results"]]
    assert api.index("ISO 9001") < api.index("ISO 14001") < api.index("ISO 50001")
