"""Importing obligations from a spreadsheet: line-level errors, all or nothing, then a fixed file."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certifications.models import Obligation

HEADER = "reference,title,中文标题,source_type,issuer,effective_on,review_months,owner\n"


def _upload(client, text: str):
    file = SimpleUploadedFile("obligations.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("obligation-import"), {"file": file})


def test_a_bad_line_is_reported_with_its_line_and_nothing_is_imported_then_the_fix_imports(
    staff_client, staff_user
):
    header = HEADER.replace("中文标题", "Chinese title")
    bad = (
        header
        + f"LAW-EPL,Environmental Protection Law,环境保护法,law,全国人大常委会,2015-01-01,12,{staff_user.username}\n"
        + f"STD-GB8978,Wastewater standard,污水综合排放标准,national standard,国家环保局,1998-13-01,12,{staff_user.username}\n"
    )
    response = _upload(staff_client, bad)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Not a date; write it as YYYY-MM-DD." in body
    assert "effective_on" in body or "Effective from" in body
    assert Obligation.objects.count() == 0
    fixed = bad.replace("1998-13-01", "1998-01-01")
    response = _upload(staff_client, fixed)
    assert response.status_code == 302
    stored = dict(Obligation.objects.values_list("reference", "source_type"))
    assert stored == {"LAW-EPL": "law", "STD-GB8978": "national_standard"}
    assert Obligation.objects.get(reference="LAW-EPL").title_zh == "环境保护法"


def test_a_second_import_updates_by_reference(staff_client, staff_user):
    header = HEADER.replace("中文标题", "title_zh")
    line = f"LAW-EPL,EPL,环境保护法,law,NPC,2015-01-01,12,{staff_user.username}\n"
    _upload(staff_client, header + line)
    _upload(staff_client, header + line.replace(",12,", ",6,"))
    ob = Obligation.objects.get()
    assert (ob.review_months, ob.version) == (6, 2)


def test_an_unknown_source_is_refused_on_its_line(staff_client, staff_user):
    header = HEADER.replace("中文标题", "title_zh")
    response = _upload(staff_client, header + f"X-1,Rule,,decree,NPC,,12,{staff_user.username}\n")
    assert "Not one of:" in response.content.decode()
    assert Obligation.objects.count() == 0


def test_the_template_lists_the_columns(staff_client):
    response = staff_client.get(reverse("obligation-import-template"))
    assert response.status_code == 200
    page = staff_client.get(reverse("obligation-import")).content.decode()
    assert "review_months" in page
    assert "source_type" in page
