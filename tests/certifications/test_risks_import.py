"""Importing the risks and opportunities and the objectives registers from spreadsheets: line-level
errors and nothing saved, then the fixed file; an export imports again unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certifications.models import Objective, RiskOpportunity
from certifications.services import objectives as objective_services
from certifications.services import risks as risk_services
from certifications.services.register_import import RegisterImportInvalid, import_register

from .factories import StandardFactory

HEADER = "reference,title,title_zh,owner,kind,standards,source,likelihood,consequence\n"


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


@pytest.mark.django_db
def test_a_bad_line_is_reported_and_nothing_is_saved_then_the_fixed_file_imports(staff_user):
    StandardFactory(code="ISO 45001", edition="2018")
    name = staff_user.username
    bad = HEADER + f"RO-1,Fire at the yard,储存场所火灾,{name},risk,ISO 45001,internal,2,5\n"
    bad += f"RO-2,PV on the roof,,{name},opportunity,ISO 50001,internal,7,3\n"
    with pytest.raises(RegisterImportInvalid) as exc:
        import_register(table=risk_services.risk_table(), data=_csv(bad), by=staff_user)
    problems = {(e.line, e.column) for e in exc.value.errors}
    assert (3, "standards") in problems
    assert not RiskOpportunity.objects.exists()
    # The standard exists now, but 7 is off the matrix: refused by the service on its line.
    StandardFactory(code="ISO 50001", edition="2018")
    with pytest.raises(RegisterImportInvalid) as exc:
        import_register(table=risk_services.risk_table(), data=_csv(bad), by=staff_user)
    assert [(e.line, e.column) for e in exc.value.errors] == [(3, "likelihood")]
    assert not RiskOpportunity.objects.exists()
    result = import_register(
        table=risk_services.risk_table(), data=_csv(bad.replace(",7,3", ",4,3")), by=staff_user
    )
    assert (result.created, result.updated) == (2, 0)
    fire = RiskOpportunity.objects.get(reference="RO-1")
    assert (fire.title_zh, fire.band, [s.code for s in fire.standards.all()]) == (
        "储存场所火灾",
        "high",
        ["ISO 45001"],
    )


@pytest.mark.django_db
def test_an_exported_register_imports_again_and_updates_by_reference(staff_client, staff_user):
    risk_services.risk_create(
        by=staff_user,
        reference="RO-1",
        title="Electricity price",
        kind="risk",
        source="external",
        likelihood=3,
        consequence=3,
        owner=staff_user,
    )
    export = b"".join(staff_client.get(reverse("risk-list"), {"export": "csv"}).streaming_content)
    assert "Medium" in export.decode("utf-8-sig")
    edited = export.replace(b"Electricity price", b"Electricity price rises")
    upload = SimpleUploadedFile("risks.csv", edited, content_type="text/csv")
    response = staff_client.post(reverse("risk-import"), {"file": upload})
    assert response.status_code == 302
    entry = RiskOpportunity.objects.get()
    assert (entry.title, entry.version, entry.score) == ("Electricity price rises", 2, 9)


@pytest.mark.django_db
def test_the_import_page_lists_the_problems_by_line(staff_client, staff_user):
    bad = HEADER + f"RO-1,Fire,,{staff_user.username},hazard,,internal,2,5\n"
    upload = SimpleUploadedFile("risks.csv", _csv(bad), content_type="text/csv")
    response = staff_client.post(reverse("risk-import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "kind" in page
    assert "Not one of" in page
    assert not RiskOpportunity.objects.exists()


@pytest.mark.django_db
def test_objectives_import_with_a_kpi_and_a_wrong_target(staff_user, site):
    header = (
        "reference,title,owner,measure,baseline,target,unit,direction,starts_on,due_on,follows,kpi,kpi_site\n"
    )
    name = staff_user.username
    line1 = f"OBJ-1,Electricity per tonne down 5 %,{name},kWh/t,260,247,kWh/t,lower,2026-01-01,2026-12-31,kpi,electricity_kwh_per_t,TJ-01\n"
    line2 = f"OBJ-2,Zero lost-time injuries,{name},LTI,0,2,,lower,2026-01-01,2026-12-31,manual,,\n"
    with pytest.raises(RegisterImportInvalid) as exc:
        import_register(
            table=objective_services.objective_table(), data=_csv(header + line1 + line2), by=staff_user
        )
    assert [(e.line, e.column) for e in exc.value.errors] == [(3, "target")]
    assert not Objective.objects.exists()
    fixed = line2.replace(",0,2,", ",1,0,")
    import_register(
        table=objective_services.objective_table(), data=_csv(header + line1 + fixed), by=staff_user
    )
    kpi = Objective.objects.get(reference="OBJ-1")
    assert (kpi.follows, kpi.kpi, kpi.kpi_site, kpi.target) == (
        "kpi",
        "electricity_kwh_per_t",
        site,
        Decimal(247),
    )
    assert Objective.objects.get(reference="OBJ-2").due_on == dt.date(2026, 12, 31)
