"""Importing the aspects and hazards registers from a spreadsheet: lines saved through their
services (scored by their methods), a bad line listed with its line and column and nothing saved,
the import pages, and an export read back in."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certifications.models import Aspect, Hazard
from certifications.services import aspects as aspect_services
from certifications.services import hazards as hazard_services
from certifications.services.aspects_import import ASPECT_TABLE
from certifications.services.hazards_import import HAZARD_TABLE
from certifications.services.register_import import RegisterImportInvalid, import_register

ASPECTS = "reference,title,title_zh,sites,owner,activity,aspect,impact,condition,method,scores\n"
HAZARDS = "reference,title,owner,hazard,activity,method,initial_factors,residual_factors,controls\n"


@pytest.fixture
def methods(db):
    aspect_services.significance_methods_load()
    hazard_services.risk_methods_load()


def test_aspects_are_imported_and_scored_by_their_method(methods, site, staff_user):
    data = (
        ASPECTS
        + f"ASP-X-1,Battery dust,破碎粉尘,TJ-01,{staff_user.username},Shredding,Dust,Air,normal,env-5x4,"
        + '"scale=4 severity=4 probability=4 legal=1"\n'
        + f"ASP-X-2,Noise,噪声,,{staff_user.username},Shredding,Noise,Neighbours,异常,env-5x4,"
        + '"scale=1; severity=1; probability=1; legal=2"\n'
    ).encode()
    result = import_register(table=ASPECT_TABLE, data=data, by=staff_user)
    assert result.created == 2
    dust, noise = Aspect.objects.order_by("reference")
    assert (dust.score, dust.significant, list(dust.sites.all())) == (13, True, [site])
    assert (noise.score, noise.significant, noise.condition) == (5, False, "abnormal")


def test_a_score_off_the_scale_rejects_the_whole_aspects_file(methods, site, staff_user):
    data = (
        ASPECTS
        + f"ASP-X-1,Dust,,,{staff_user.username},Shredding,Dust,Air,normal,env-5x4,"
        + '"scale=4 severity=4 probability=4 legal=1"\n'
        + f"ASP-X-2,Noise,,,{staff_user.username},Shredding,Noise,Air,normal,env-5x4,"
        + '"scale=9 severity=1 probability=1 legal=1"\n'
        + f"ASP-X-3,Spill,,,{staff_user.username},Storage,Spill,Soil,normal,env-5x4,scale-four\n"
    ).encode()
    with pytest.raises(RegisterImportInvalid) as error:
        import_register(table=ASPECT_TABLE, data=data, by=staff_user)
    assert [(e.line, e.column) for e in error.value.errors] == [(4, "scores")]
    assert not Aspect.objects.exists()
    data = data.replace(b"scale-four", b"scale=1 severity=1 probability=1 legal=1")
    with pytest.raises(RegisterImportInvalid) as error:
        import_register(table=ASPECT_TABLE, data=data, by=staff_user)
    assert [(e.line, e.column) for e in error.value.errors] == [(3, "scores")]
    assert not Aspect.objects.exists()


def test_hazards_are_imported_with_their_lec_risk_and_controls(methods, staff_user):
    data = (
        HAZARDS
        + f'HAZ-X-1,Thermal runaway,{staff_user.username},Fire,Storage,lec,"L=3 E=6 C=40","L=0.5 E=6 C=15",'
        + '"个体防护装备: Face shields; Engineering controls: Sand-filled bins"\n'
        + f'HAZ-X-2,Shock,{staff_user.username},Electric shock,Discharging,matrix-5x5,"likelihood=2 severity=5",,\n'
    ).encode()
    result = import_register(table=HAZARD_TABLE, data=data, by=staff_user)
    assert result.created == 2
    fire, shock = Hazard.objects.order_by("reference")
    assert (fire.initial_score, fire.initial_band.code) == (Decimal(720), "extreme")
    assert (fire.residual_score, fire.residual_band.code, fire.residual_factors["L"]) == (
        Decimal(45),
        "general",
        0.5,
    )
    assert [c.level for c in fire.controls.all()] == ["engineering", "ppe"]
    assert (shock.initial_band.code, shock.residual_band, shock.residual_factors) == ("high", None, {})


def test_a_factor_off_its_scale_or_a_control_without_level_rejects_the_hazards_file(methods, staff_user):
    data = (
        HAZARDS
        + f'HAZ-X-1,Fire,{staff_user.username},Fire,Storage,lec,"L=4 E=6 C=40",,\n'
        + f'HAZ-X-2,Dust,{staff_user.username},Dust,Shredding,lec,"L=1 E=6 C=40",,"Dust extraction"\n'
        + f'HAZ-X-3,Cut,{staff_user.username},Cut,Disassembly,no-method,"L=1 E=6 C=40",,\n'
    ).encode()
    with pytest.raises(RegisterImportInvalid) as error:
        import_register(table=HAZARD_TABLE, data=data, by=staff_user)
    assert [(e.line, e.column) for e in error.value.errors] == [(3, "controls")]
    data = data.replace(b'"Dust extraction"', b'"ppe: Masks"')
    with pytest.raises(RegisterImportInvalid) as error:
        import_register(table=HAZARD_TABLE, data=data, by=staff_user)
    assert [(e.line, e.column) for e in error.value.errors] == [(2, "initial_factors"), (4, "method")]
    assert not Hazard.objects.exists()


def test_the_import_page_lists_a_bad_line_then_imports_the_fixed_file(methods, staff_client, staff_user):
    url = reverse("register-hazard-import")
    bad = (HAZARDS + f'HAZ-X-1,Fire,{staff_user.username},Fire,Storage,lec,"L=4 E=6 C=40",,\n').encode()
    answer = staff_client.post(url, {"file": SimpleUploadedFile("hazards.csv", bad, "text/csv")})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "initial_factors" in page
    assert "L: Choose one of" in page
    assert not Hazard.objects.exists()
    good = bad.replace(b"L=4", b"L=3")
    answer = staff_client.post(url, {"file": SimpleUploadedFile("hazards.csv", good, "text/csv")})
    assert answer.url == reverse("register-hazards")
    assert Hazard.objects.get().initial_score == Decimal(720)
    template = staff_client.get(reverse("register-aspect-import"), {"template": "1"})
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[1]][:9] == [
        "reference", "title", "title_zh", "sites", "owner", "clauses", "activity", "aspect", "impact",
    ]  # fmt: skip
    assert "scores" in [c.value for c in sheet[1]]


def test_an_exported_hazards_list_is_read_back(methods, staff_client, staff_user):
    staff_client.post(
        reverse("register-hazard-import"),
        {
            "file": SimpleUploadedFile(
                "h.csv",
                (
                    HAZARDS
                    + f'HAZ-X-1,Fire,{staff_user.username},Fire,Storage,lec,"L=3 E=6 C=40",,"ppe: Masks"\n'
                ).encode(),
                "text/csv",
            )
        },
    )
    export = staff_client.get(reverse("register-hazards"), {"export": "csv"})
    content = b"".join(export.streaming_content) if export.streaming else export.content
    edited = content.replace(b"L=3", b"L=1")
    answer = staff_client.post(
        reverse("register-hazard-import"), {"file": SimpleUploadedFile("h.csv", edited, "text/csv")}
    )
    assert answer.status_code == 302
    hazard = Hazard.objects.get()
    assert (hazard.initial_score, hazard.version) == (Decimal(240), 2)
    assert [c.description for c in hazard.controls.all()] == ["Masks"]
