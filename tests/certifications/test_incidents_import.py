"""Importing the incidents register from a spreadsheet: lines saved through the incident services,
the grade by code or Chinese name, and a bad line rejecting the whole file."""

from __future__ import annotations

import datetime as dt

import pytest

from certifications.models import Incident
from certifications.selectors.incidents import incident_gate
from certifications.services import incidents as services
from certifications.services.incidents_import import INCIDENT_TABLE
from certifications.services.register_import import RegisterImportInvalid, import_register

HEADER = "reference,title,title_zh,sites,owner,kind,occurred_on,grade,deaths,direct_loss_cny\n"


@pytest.fixture
def grades(db):
    services.incident_grades_load()


def test_a_good_file_creates_incidents_that_the_gate_sees(grades, site, staff_user):
    data = (
        HEADER
        + "INC-X-1,Forklift near miss,叉车险肇,TJ-01,staff1,near_miss,2025-05-01,,0,0\n"
        + "INC-X-2,Electrolyte spill,电解液泄漏,TJ-01,staff1,Environmental incident,2025-06-01,较大突发环境事件,0,6000000\n"
    ).encode()
    result = import_register(table=INCIDENT_TABLE, data=data, by=staff_user)
    assert result.created == 2
    spill = Incident.objects.get(reference="INC-X-2")
    assert (spill.kind, spill.grade.code, spill.site, spill.title_zh) == (
        "environmental",
        "env_larger",
        site,
        "电解液泄漏",
    )
    check = incident_gate(site=site, until=dt.date(2026, 1, 1))
    assert check.failing == [spill]


def test_a_line_with_an_unknown_grade_rejects_the_whole_file(grades, site, staff_user):
    data = (
        HEADER
        + "INC-X-1,Near miss,,TJ-01,staff1,near_miss,2025-05-01,,0,0\n"
        + "INC-X-2,Spill,,TJ-01,staff1,environmental,2025-06-01,enormous,0,0\n"
    ).encode()
    with pytest.raises(RegisterImportInvalid) as error:
        import_register(table=INCIDENT_TABLE, data=data, by=staff_user)
    problems = [(e.line, e.column) for e in error.value.errors]
    assert problems == [(3, "grade")]
    assert not Incident.objects.exists()
