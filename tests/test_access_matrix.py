"""Every URL pattern, every role, every HTTP method: the allowed matrix, asserted.

A new URL fails this test until it is added to EXPECTED, so no page or endpoint ships without a
decision about who may use it. Django admin follows one rule: administrators only.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver

from greenfactory.sites.models import Site

from .factories import ProductionRecordFactory, metering_objects

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ROLES = ("anonymous", "admin", "staff", "auditor", "gateway")
READ = {"GET"}
ALL = set(METHODS)
SIGNED_IN = ("admin", "staff", "auditor", "gateway")


def everyone(methods):
    return dict.fromkeys(ROLES, methods)


def workspace(methods=READ):
    return {"admin": methods, "staff": methods}


# url name -> {role: methods that role may use}. Anything not listed must be refused.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "home": workspace(),
    "healthz": everyone(READ),
    "portal": {"admin": READ, "auditor": READ},
    "area-audits": workspace(),
    "area-energy": workspace(),
    "area-green-factory": workspace(),
    "area-dossiers": workspace(),
    # Django's LoginView treats PUT as POST; signed-in users are sent home whatever the method.
    "login": {"anonymous": {"GET", "POST", "PUT"}, **dict.fromkeys(SIGNED_IN, ALL)},
    "logout": everyone({"POST"}),
    "profile": dict.fromkeys(SIGNED_IN, READ),
    "api-token-rotate": workspace({"POST"}),
    "set_language": everyone(ALL),
    "site-list": workspace(),
    "production-list": workspace(),
    "production-create": workspace({"GET", "POST"}),
    "api:site-list": {"admin": {"GET", "POST"}, "staff": READ},
    "api:site-detail": {"admin": {"GET", "PUT", "PATCH"}, "staff": READ},
    "api:production-record-list": workspace({"GET", "POST"}),
    "api:production-record-detail": workspace({"GET", "PUT", "PATCH", "DELETE"}),
    "meter-list": workspace(),
    "meter-detail": workspace(),
    "meter-event-create": workspace({"POST"}),
    "import-list": workspace({"GET", "POST"}),
    "import-detail": workspace(),
    "import-progress": workspace(),
    "import-commit": workspace({"POST"}),
    "import-cancel": workspace({"POST"}),
    "api:meter-list": {"admin": {"GET", "POST"}, "staff": {"GET", "POST"}, "auditor": READ},
    "api:meter-detail": {"admin": {"GET", "PUT", "PATCH"}, "staff": {"GET", "PUT", "PATCH"}, "auditor": READ},
    "api:meter-event-list": {"admin": {"GET", "POST"}, "staff": {"GET", "POST"}, "auditor": READ},
    "api:meter-event-detail": {"admin": READ, "staff": READ, "auditor": READ},
    # Gateways upload with their Api-Key (tests/metering/test_gateways.py); a gateway user's session
    # cannot, and never reads. Staff may upload manual readings and read them.
    "api:reading-list": workspace({"GET", "POST"}),
    "kpi-dashboard": workspace(),
    "kpi-activity": workspace({"GET", "POST"}),
    "api:kpi-list": workspace(),
    "api:factor-set-list": workspace(),
    "api:factor-set-detail": workspace(),
    "api:factor-list": workspace(),
    "api:factor-detail": {"admin": {"GET", "PATCH"}, "staff": READ},
    "api:refrigerant-refill-list": workspace({"GET", "POST"}),
    "api:refrigerant-refill-detail": workspace({"GET", "DELETE"}),
    "api:fuel-delivery-list": workspace({"GET", "POST"}),
    "api:fuel-delivery-detail": workspace({"GET", "DELETE"}),
    "api:green-certificate-list": workspace({"GET", "POST"}),
    "api:green-certificate-detail": workspace({"GET", "DELETE"}),
    "api:scope3-activity-list": workspace({"GET", "POST"}),
    "api:scope3-activity-detail": workspace({"GET", "DELETE"}),
    "quality-findings": workspace(),
    "quality-explain": workspace({"POST"}),
    "quality-settings": workspace({"POST"}),
    "api:quality-finding-list": workspace(),
    "api:quality-finding-detail": workspace(),
    "api:quality-finding-explain": workspace({"POST"}),
    "ghg-inventory": workspace(),
    "ghg-inventory-settings": workspace({"GET", "POST"}),
    "api:ghg-inventory-list": workspace(),
    "api:inventory-settings-list": workspace({"GET", "POST"}),
    "api:inventory-settings-detail": workspace({"GET", "PUT", "PATCH"}),
    "api:inventory-site-list": workspace({"GET", "POST"}),
    "api:inventory-site-detail": workspace({"GET", "PUT", "PATCH", "DELETE"}),
    "api:inventory-category-list": workspace({"GET", "POST"}),
    "api:inventory-category-detail": workspace({"GET", "PUT", "PATCH"}),
    "api:base-year-recalculation-list": workspace({"GET", "POST"}),
    "api:base-year-recalculation-detail": workspace({"GET", "DELETE"}),
    "api:source-uncertainty-list": workspace(),
    "api:source-uncertainty-detail": workspace({"GET", "PATCH"}),
    "baseline-list": workspace(),
    "baseline-create": workspace({"GET", "POST"}),
    "baseline-degree-days": workspace({"GET", "POST"}),
    "baseline-site-target-create": workspace({"POST"}),
    "baseline-target-delete": workspace({"POST"}),
    "baseline-detail": workspace(),
    "baseline-refit": workspace({"POST"}),
    "baseline-delete": workspace({"POST"}),
    "baseline-adjustment-create": workspace({"POST"}),
    "baseline-target-create": workspace({"POST"}),
    "api:energy-baseline-list": workspace({"GET", "POST"}),
    "api:energy-baseline-detail": workspace({"GET", "PATCH", "DELETE"}),
    "api:energy-baseline-periods": workspace(),
    "api:energy-baseline-refit": workspace({"POST"}),
    "api:baseline-adjustment-list": workspace({"GET", "POST"}),
    "api:baseline-adjustment-detail": workspace(),
    "api:energy-target-list": workspace({"GET", "POST"}),
    "api:energy-target-detail": workspace({"GET", "DELETE"}),
    "api:driver-value-list": workspace({"GET", "POST"}),
    "api:driver-value-detail": workspace(),
    "api:target-alert-list": workspace(),
    "api:target-alert-detail": workspace(),
    "standard-list": workspace(),
    "standard-import": workspace({"GET", "POST"}),
    "standard-detail": workspace(),
    "coverage": workspace(),
    "clause-exclude": workspace({"POST"}),
    "clause-exclusion-delete": workspace({"POST"}),
    "certificate-list": workspace(),
    "certificate-create": workspace({"GET", "POST"}),
    "certificate-detail": workspace(),
    "certificate-update": workspace({"GET", "POST"}),
    "certificate-status": workspace({"POST"}),
    "surveillance-done": workspace({"POST"}),
    "evidence-list": workspace(),
    "evidence-create": workspace({"GET", "POST"}),
    "evidence-detail": workspace(),
    "evidence-update": workspace({"GET", "POST"}),
    "evidence-upload": workspace({"POST"}),
    "evidence-transition": workspace({"POST"}),
    "evidence-link": workspace({"POST"}),
    "evidence-unlink": workspace({"POST"}),
    "evidence-download": workspace(),
    "notification-list": workspace(),
    "notification-read": workspace({"POST"}),
    "api:standard-list": workspace(),
    "api:standard-detail": workspace(),
    "api:standard-export": workspace(),
    "api:standard-import-file": workspace({"POST"}),
    "api:standard-carry-over": workspace({"POST"}),
    "api:clause-list": workspace(),
    "api:clause-detail": workspace(),
    "api:clause-equivalents": workspace(),
    "api:clause-mapping-list": workspace({"GET", "POST"}),
    "api:evidence-list": workspace({"GET", "POST"}),
    "api:evidence-detail": workspace({"GET", "PUT", "PATCH"}),
    "api:evidence-transition": workspace({"POST"}),
    "api:evidence-revisions": workspace({"GET", "POST"}),
    "api:evidence-link": workspace({"POST"}),
    "api:evidence-unlink": workspace({"POST"}),
    "api:evidence-revision-list": workspace(),
    "api:evidence-revision-detail": workspace(),
    "api:evidence-revision-download": workspace(),
    "api:coverage-list": workspace(),
    "api:clause-exclusion-list": workspace({"GET", "POST"}),
    "api:clause-exclusion-detail": workspace({"DELETE"}),
    "api:certificate-list": workspace({"GET", "POST"}),
    "api:certificate-detail": workspace({"GET", "PUT", "PATCH"}),
    "api:certificate-set-status": workspace({"POST"}),
    "api:certificate-surveillance": workspace({"POST"}),
    "api:reminder-list": workspace(),
    "api:reminder-detail": workspace(),
    "api:reminder-read": workspace({"POST"}),
    "api-schema": workspace(),
    "api-docs": workspace(),
}
# The auditor is sent from home to the portal: allowed to reach it, but it shows only the portal.
EXPECTED["home"]["auditor"] = READ


def _walk(resolver, namespace=None, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, ns, prefix + str(pattern.pattern))
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or "", prefix + str(pattern.pattern)


def _concrete(pattern: str, samples: dict[str, str]) -> str:
    path = (
        pattern.replace("([^/]+)", "1")
        .replace("^", "")
        .replace("$", "")
        .replace("\\.", ".")
        .replace("/?", "/")
    )
    path = re.sub(r"\(\?P<format>[^)]*\)", "json", path)
    path = re.sub(r"\(\?P<url>\.\*\)", "no-such-page/", path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: samples[m.group(1)], path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples[m.group(1)], path)
    return "/" + path


def _denied(response, name: str = "") -> bool:
    if name == "logout" and response.status_code == 302:
        return False  # signing out ends on the sign-in page
    if response.status_code in (401, 403, 405):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and ("/accounts/login/" in location or "/admin/login/" in location)


@pytest.fixture
def samples(site):
    record = ProductionRecordFactory(site=site)
    metering_objects(site=site, pk=record.pk)  # a meter, meter event and import with the same pk
    return {
        "code": site.code,
        "pk": str(record.pk),
        "object_id": str(site.pk),
        "id": str(site.pk),
        "app_label": "sites",
        "content_type_id": str(ContentType.objects.get_for_model(Site).pk),
        "history_id": "1",
        "kind": "refrigerant-refills",
        "clause_id": "1",
    }


@pytest.mark.django_db
def test_every_url_and_role_and_method_follows_the_matrix(role_clients, role_users, samples):
    patterns = list(_walk(get_resolver()))
    problems = []
    for name, pattern in patterns:
        path = _concrete(pattern, samples)
        is_admin_site = name.startswith("admin:") or path.startswith("/admin/")
        if is_admin_site:
            if name in ("admin:login", "admin:logout"):
                continue  # the admin's own sign-in pages; checked in test_admin_login_page_is_harmless
            expected = {"admin": READ}
        elif name not in EXPECTED:
            problems.append(f"{path} ({name or 'unnamed'}) is not in the access matrix")
            continue
        else:
            expected = EXPECTED[name]
        for role in ROLES:
            for method in METHODS:
                if is_admin_site and role == "admin" and method != "GET":
                    continue  # admin forms' own methods are Django's business
                client = role_clients[role]
                response = client.generic(method, path)
                if role != "anonymous" and name in ("logout", "admin:logout"):
                    client.force_login(role_users[role])  # signed out by that request
                allowed = method in expected.get(role, set())
                if name == "admin:autocomplete" and role == "admin":
                    continue  # answers 403 to a request without its query parameters, by design
                if allowed and _denied(response, name):
                    problems.append(
                        f"{role} {method} {path}: refused ({response.status_code}) but should be allowed"
                    )
                if not allowed and not _denied(response, name):
                    problems.append(
                        f"{role} {method} {path}: answered {response.status_code} but should be refused"
                    )
                if response.status_code >= 500:
                    problems.append(f"{role} {method} {path}: server error {response.status_code}")
    assert not problems, "\n".join(problems)
    assert len(patterns) > 50  # the admin and API are really walked


@pytest.mark.django_db
def test_auditor_and_gateway_never_write_anything(role_clients, role_users, samples):
    """Whatever the URL, a write by an auditor or a gateway never succeeds."""
    for _, pattern in _walk(get_resolver()):
        path = _concrete(pattern, samples)
        if path.startswith(
            ("/i18n/", "/accounts/login/", "/accounts/logout/", "/admin/login/", "/admin/logout/")
        ):
            continue
        for role in ("auditor", "gateway"):
            for method in ("POST", "PUT", "PATCH", "DELETE"):
                response = role_clients[role].generic(method, path)
                role_clients[role].force_login(role_users[role])
                assert not 200 <= response.status_code < 300, (
                    f"{role} {method} {path} -> {response.status_code}"
                )
