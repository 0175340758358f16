import pytest
from rest_framework.test import APIClient

from greenfactory.sites.models import ProductionRecord
from tests.factories import ProductionRecordFactory, SiteFactory

URL = "/api/v1/production-records/"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _payload(**overrides):
    data = {
        "site": "TJ-01",
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        "material": "Spent EV battery packs",
        "kind": "processed",
        "tonnes": "4000.000",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_staff_records_production_and_the_audit_trail_names_them(site, staff_user):
    response = _api(staff_user).post(URL, _payload(), format="json")
    assert response.status_code == 201, response.json()
    record = ProductionRecord.objects.get()
    assert record.tonnes == 4000
    assert record.created_by == staff_user
    history = record.history.get()
    assert history.history_type == "+"
    assert history.history_user == staff_user


@pytest.mark.django_db
def test_same_site_period_material_and_kind_twice_is_a_conflict(site, staff_user):
    api = _api(staff_user)
    api.post(URL, _payload(), format="json")
    response = api.post(URL, _payload(tonnes="1.000"), format="json")
    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]
    assert ProductionRecord.objects.get().tonnes == 4000


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"period_end": "2025-12-31"}, "period_end"),
        ({"tonnes": "-5"}, "tonnes"),
        ({"tonnes": "NaN"}, "tonnes"),
        ({"tonnes": "Infinity"}, "tonnes"),
        ({"kind": "stolen"}, "kind"),
        ({"site": "NOPE"}, "site"),
        ({"period_start": "2026-13-01"}, "period_start"),
        ({"material": ""}, "material"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(site, staff_user, overrides, field):
    response = _api(staff_user).post(URL, _payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ProductionRecord.objects.exists()


@pytest.mark.django_db
def test_malformed_json_is_a_400(site, staff_user):
    response = _api(staff_user).generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_filters_by_site_kind_and_period(site, staff_user):
    other = SiteFactory(code="HB-02")
    ProductionRecordFactory(site=site, material="A", period_start="2026-01-01", period_end="2026-01-31")
    ProductionRecordFactory(site=site, material="B", period_start="2026-03-01", period_end="2026-03-31")
    ProductionRecordFactory(site=other, material="C")
    ProductionRecordFactory(site=site, material="D", kind="output")
    api = _api(staff_user)
    got = api.get(URL, {"site": "TJ-01", "kind": "processed", "start": "2026-02-01"}).json()
    assert [r["material"] for r in got["results"]] == ["B"]
    assert api.get(URL, {"site": "HB-02"}).json()["count"] == 1


@pytest.mark.django_db
def test_update_and_delete_keep_history(site, staff_user):
    api = _api(staff_user)
    record_id = api.post(URL, _payload(), format="json").json()["id"]
    assert api.patch(f"{URL}{record_id}/", {"tonnes": "4100.5"}, format="json").status_code == 200
    assert api.delete(f"{URL}{record_id}/").status_code == 204
    kinds = list(
        ProductionRecord.history.filter(id=record_id)
        .order_by("history_date")
        .values_list("history_type", "tonnes")
    )
    assert [k for k, _ in kinds] == ["+", "~", "-"]
    assert float(kinds[1][1]) == 4100.5


@pytest.mark.django_db
def test_auditors_and_gateways_cannot_read_or_write_production(site, auditor_user, gateway_user):
    for user in (auditor_user, gateway_user):
        api = _api(user)
        assert api.get(URL).status_code == 403
        assert api.post(URL, _payload(), format="json").status_code == 403
    assert not ProductionRecord.objects.exists()


@pytest.mark.django_db
def test_only_admins_change_sites(site, staff_user, admin_user):
    assert _api(staff_user).patch("/api/v1/sites/TJ-01/", {"name": "x"}, format="json").status_code == 403
    response = _api(admin_user).patch("/api/v1/sites/TJ-01/", {"land_area_m2": "90000"}, format="json")
    assert response.status_code == 200
    assert response.json()["land_area_m2"] == "90000.00"


@pytest.mark.django_db
def test_site_with_an_unknown_time_zone_is_refused(admin_user):
    SiteFactory(code="TJ-01")
    payload = {"organisation": "org-0", "code": "X-1", "name": "X", "time_zone": "Mars/Olympus"}
    from greenfactory.sites.models import Organisation

    Organisation.objects.get_or_create(code="org-0", defaults={"name": "Org"})
    response = _api(admin_user).post("/api/v1/sites/", payload, format="json")
    assert response.status_code == 400
    assert "time_zone" in response.json()


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_records(site, staff_user, django_assert_max_num_queries):
    api = _api(staff_user)
    for i in range(5):
        ProductionRecordFactory(site=site, material=f"M{i}")
    with django_assert_max_num_queries(4):
        api.get(URL)
    for i in range(40):
        ProductionRecordFactory(site=site, material=f"N{i}")
    with django_assert_max_num_queries(4):
        assert api.get(URL).json()["count"] == 45


@pytest.mark.django_db
def test_paging_past_the_end_or_with_a_huge_limit_is_not_an_error(site, staff_user):
    ProductionRecordFactory(site=site)
    api = _api(staff_user)
    page = api.get(URL, {"offset": "99999999999999999999999", "limit": "99999999999999999999"})
    assert page.status_code == 200
    assert page.json()["results"] == []
    assert page.json()["count"] == 1
