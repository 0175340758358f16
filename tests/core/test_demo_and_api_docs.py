import pytest
from django.core.management import call_command

from greenfactory.accounts.models import User
from greenfactory.sites.models import ProductionRecord, Site


@pytest.mark.django_db
def test_demo_loads_once_and_a_second_run_changes_nothing(capsys):
    call_command("load_demo", "--force")
    first = capsys.readouterr().out
    counts = (User.objects.count(), Site.objects.count(), ProductionRecord.objects.count())
    call_command("load_demo", "--force")
    assert (User.objects.count(), Site.objects.count(), ProductionRecord.objects.count()) == counts
    assert counts[2] == 12 * 7
    for login in ("admin", "compliance", "auditor"):
        assert login in first
    assert "0 users and 0 production records, 0 meters and 0 readings added" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_refuses_without_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")


@pytest.mark.django_db
def test_openapi_schema_documents_the_api(staff_client):
    response = staff_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    schema = response.json()
    assert "/api/v1/sites/" in schema["paths"]
    assert "/api/v1/production-records/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_swagger_ui_is_served_from_our_own_static_files(staff_client):
    page = staff_client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
