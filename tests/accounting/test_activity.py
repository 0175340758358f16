"""Activity data through the page form, the CSV/Excel import and the API; each refreshes the KPIs."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounting.models import FuelDelivery, RefrigerantRefill, Scope3Activity, SiteKpi


@pytest.fixture
def kpi_refreshes(monkeypatch):
    """The KPI recomputations the activity services queue, as (start, end) pairs (the tasks still run)."""
    from accounting.services import activity

    queued: list[tuple[str, str]] = []
    original = activity.task_after_commit

    def spy(name, *args, **kwargs):
        if name == "accounting.kpi_site_refresh":
            queued.append((args[1], args[2]))
        original(name, *args, **kwargs)

    monkeypatch.setattr(activity, "task_after_commit", spy)
    return queued


pytestmark = pytest.mark.django_db


def test_form_records_a_refill_and_the_month_is_recomputed(
    site, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/kpis/activity/refrigerant-refills/",
            {"site": site.code, "date": "2025-06-03", "equipment": "Chiller 1", "gas": "R-410A", "kg": "10"},
        )
    assert response.status_code == 302
    june = SiteKpi.objects.get(granularity="month")
    assert june.scope1_tco2e == Decimal("19.235")


def test_form_keeps_the_input_and_names_an_unknown_gas(site, staff_client):
    response = staff_client.post(
        "/kpis/activity/refrigerant-refills/",
        {"site": site.code, "date": "2025-06-03", "equipment": "Chiller 1", "gas": "R-999", "kg": "10"},
    )
    assert response.status_code == 400
    assert "R-999" in response.content.decode()
    assert not RefrigerantRefill.objects.exists()


def test_excel_import_records_every_row(site, staff_client, django_capture_on_commit_callbacks):
    book = Workbook()
    sheet = book.active
    sheet.append(["site", "date", "fuel", "quantity", "unit"])
    sheet.append([site.code, "2025-03-05", "diesel", 20, "t"])
    sheet.append([site.code, "2025-03-20", "natural_gas", 50000, "m3"])
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("fuel.xlsx", data.getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/kpis/activity/fuel-deliveries/", {"file": upload})
    assert response.status_code == 302
    assert FuelDelivery.objects.count() == 2
    march = SiteKpi.objects.get(granularity="month")
    assert march.scope1_tco2e.quantize(Decimal("0.001")) == Decimal("170.028")


def test_csv_import_with_a_bad_row_writes_nothing_and_lists_it(site, staff_client):
    csv = (
        "site,date,category,description,quantity,unit,factor_kg_per_unit,factor_source\n"
        f"{site.code},2025-03-05,3,Trucking,1000,t·km,0.078,carrier\n"
        f"{site.code},2025-03-06,9,Trucking,1000,t·km,0.078,carrier\n"
    )
    upload = SimpleUploadedFile("s3.csv", csv.encode())
    response = staff_client.post("/kpis/activity/scope3/", {"file": upload})
    assert response.status_code == 400
    assert "3: category" in response.content.decode()
    assert not Scope3Activity.objects.exists()


def test_api_records_a_certificate_and_refuses_a_bad_unit(site, staff_client):
    ok = staff_client.post(
        "/api/v1/green-certificates/",
        {"site": site.code, "date": "2025-03-15", "kwh": "300000", "vintage": 2025},
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    bad = staff_client.post(
        "/api/v1/fuel-deliveries/",
        {"site": site.code, "date": "2025-03-15", "fuel": "diesel", "quantity": "5", "unit": "kWh"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "unit" in bad.json()


def test_unknown_kind_is_404(staff_client):
    assert staff_client.get("/kpis/activity/nothing/").status_code == 404


def test_the_activity_page_makes_as_many_queries_for_many_rows_as_for_two(
    site, staff_user, staff_client, django_assert_max_num_queries
):
    from accounting.services.activity import RefrigerantRefillValues, activity_create

    def add(count):
        for n in range(count):
            activity_create(
                site=site,
                values=RefrigerantRefillValues(
                    date=f"2025-06-{n % 28 + 1:02d}", equipment=f"Chiller {n}", gas="R-410A", kg=Decimal("1")
                ),
                by=staff_user,
            )

    add(2)
    with django_assert_max_num_queries(30) as small:
        assert staff_client.get("/kpis/activity/refrigerant-refills/").status_code == 200
    add(40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = staff_client.get("/kpis/activity/refrigerant-refills/")
    assert page.content.decode().count("Chiller ") >= 42


def test_an_import_recomputes_the_months_it_covers_once(
    site, staff_user, django_capture_on_commit_callbacks, kpi_refreshes
):
    from accounting.forms.activity import ACTIVITY_FORMS, activity_import_rows
    from accounting.services.activity import activity_import

    form_class = ACTIVITY_FORMS["fuel-deliveries"][0]
    rows = [
        {
            "site": site.code,
            "date": f"2025-{month:02d}-{day:02d}",
            "fuel": "diesel",
            "quantity": "1",
            "unit": "t",
        }
        for month in (3, 4)
        for day in (1, 10, 20)
    ]
    checked = activity_import_rows(form_class=form_class, rows=rows)
    with django_capture_on_commit_callbacks(execute=True):
        assert activity_import(rows=checked, by=staff_user) == 6
    assert len(kpi_refreshes) == 1  # one recomputation for March and April, not one per row
    months = SiteKpi.objects.filter(granularity="month").order_by("start")
    assert [Decimal(m.consumption["diesel"]) for m in months] == [3000, 3000]  # kg, 3 t a month


@pytest.mark.parametrize(("vintage", "accepted"), [(1989, False), (1990, True), (2100, True), (2101, False)])
def test_a_certificate_vintage_lies_in_the_one_plausible_range(site, vintage, accepted):
    from accounting.models import GreenCertificateRetirement
    from accounting.services.activity import ActivityInvalid, GreenCertificateValues, activity_create

    def record():
        return activity_create(
            site=site, values=GreenCertificateValues(date=dt.date(2025, 3, 5), kwh=1, vintage=vintage)
        )

    if accepted:
        assert record().vintage == vintage
    else:
        with pytest.raises(ActivityInvalid, match="The vintage must be a year."):
            record()
        assert not GreenCertificateRetirement.objects.exists()


# --- Corrections (activity_update) -------------------------------------------------------------------


def _june_refill(site):
    from accounting.services.activity import RefrigerantRefillValues, activity_create

    values = RefrigerantRefillValues(
        date=dt.date(2025, 6, 3), equipment="Chiller 1", gas="R-410A", kg=Decimal(10)
    )
    return activity_create(site=site, values=values)


def test_a_correction_with_an_unknown_gas_is_refused_and_changes_nothing(
    site, staff_user, django_capture_on_commit_callbacks
):
    from accounting.services.activity import ActivityInvalid, RefrigerantRefillValues, activity_update

    refill = _june_refill(site)
    values = RefrigerantRefillValues(
        date=dt.date(2025, 7, 1), equipment="Chiller 2", gas="R-999", kg=Decimal(1)
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ActivityInvalid) as exc:
        activity_update(activity=refill, values=values, by=staff_user)
    assert (exc.value.field, callbacks) == ("gas", [])
    stored = RefrigerantRefill.objects.get(pk=refill.pk)
    assert (stored.date, stored.equipment, stored.gas, stored.kg) == (
        dt.date(2025, 6, 3),
        "Chiller 1",
        "R-410A",
        Decimal(10),
    )
    assert stored.history.count() == 1


def test_a_correction_with_another_kinds_values_is_refused(site):
    from accounting.services.activity import FuelDeliveryValues, activity_update

    refill = _june_refill(site)
    values = FuelDeliveryValues(date=dt.date(2025, 6, 3), fuel="diesel", quantity=Decimal(1), unit="t")
    with pytest.raises(TypeError, match="FuelDeliveryValues"):
        activity_update(activity=refill, values=values)
    assert not FuelDelivery.objects.exists()
    assert RefrigerantRefill.objects.get(pk=refill.pk).gas == "R-410A"


def test_a_correction_is_stored_with_its_author_and_recomputes_the_months_before_and_after(
    site, staff_user, django_capture_on_commit_callbacks, kpi_refreshes
):
    from accounting.services.activity import RefrigerantRefillValues, activity_update

    with django_capture_on_commit_callbacks(execute=True):
        refill = _june_refill(site)
    values = RefrigerantRefillValues(
        date=dt.date(2025, 8, 3), equipment="Chiller 1", gas="R-410A", kg=Decimal(5)
    )
    kpi_refreshes.clear()
    with django_capture_on_commit_callbacks(execute=True):
        stored = activity_update(activity=refill, values=values, by=staff_user)
    assert len(kpi_refreshes) == 2  # August and June; July is not touched
    assert sorted(start[:7] for start, _end in kpi_refreshes) == ["2025-06", "2025-08"]
    assert (stored.pk, stored.kg, stored.history.first().history_user) == (refill.pk, Decimal(5), staff_user)
    [august] = SiteKpi.objects.filter(granularity="month")
    assert (august.start.astimezone(ZoneInfo(site.time_zone)).month, august.scope1_tco2e) == (
        8,
        Decimal("9.6175"),
    )


def test_an_import_with_a_row_the_checks_refuse_writes_nothing_and_names_its_line(site, staff_user):
    from accounting.forms.activity import ACTIVITY_FORMS, activity_import_rows
    from accounting.services.activity import ActivityImportInvalid, activity_import

    rows = [
        {"site": site.code, "date": "2025-06-03", "equipment": "Chiller 1", "gas": "R-410A", "kg": "1"},
        {"site": site.code, "date": "2025-06-04", "equipment": "Chiller 2", "gas": "R-999", "kg": "1"},
    ]
    checked = activity_import_rows(form_class=ACTIVITY_FORMS["refrigerant-refills"][0], rows=rows)
    assert [row.line for row in checked] == [2, 3]
    with pytest.raises(ActivityImportInvalid) as exc:
        activity_import(rows=checked, by=staff_user)
    assert exc.value.message == "Nothing was imported; correct these rows."
    assert [error.split(":")[:2] for error in exc.value.errors] == [["3", " gas"]]
    assert not RefrigerantRefill.objects.exists()


def test_an_import_row_the_form_refuses_is_listed_with_its_line_and_field(site):
    from accounting.forms.activity import ACTIVITY_FORMS, activity_import_rows
    from accounting.services.activity import ActivityImportInvalid

    rows = [{"site": site.code, "date": "2025-06-03", "equipment": "Chiller 1", "gas": "R-410A", "kg": "x"}]
    with pytest.raises(ActivityImportInvalid) as exc:
        activity_import_rows(form_class=ACTIVITY_FORMS["refrigerant-refills"][0], rows=rows)
    assert exc.value.errors == ["2: kg: Enter a number."]


def test_an_empty_import_is_refused(staff_user):
    from accounting.services.activity import ActivityImportInvalid, activity_import

    with pytest.raises(ActivityImportInvalid, match="The file holds no rows."):
        activity_import(rows=[], by=staff_user)
