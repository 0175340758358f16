"""Every URL pattern, every role, every HTTP method: the allowed matrix, asserted.

A new URL fails this test until it is added to EXPECTED, so no page or endpoint ships without a
decision about who may use it. Django admin follows one rule: administrators only.

Every refused cell is refused exactly as the code means to refuse it (``refusal``): anonymous callers
get 401 from the API and are sent to sign in by pages, a signed-in role without the capability gets
403, and a method the route does not have gets 405 from a role that may use the route. And no refused
request changes a row of any table (``snapshot``).
"""

from __future__ import annotations

import hashlib
import re

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver, resolve
from rest_framework.request import Request

from greenfactory.sites.models import Site

from .conftest import sign_in_client
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
    # Scoped by network, not by role: the matrix's requests come from loopback, which may scrape;
    # tests/core/test_metrics.py refuses every other address.
    "metrics": everyone(READ),
    "portal": {"admin": READ, "auditor": READ},
    # Auditor portal, staff side: inviting and revoking write; the access logs are read.
    "audit-invite": workspace({"GET", "POST"}),
    "audit-invitation-revoke": workspace({"POST"}),
    "audit-access-log": workspace(),
    "auditor-access-log": workspace(),
    # Evidence requests, staff side: an audit's PBC list and a request are read; answering and
    # declining write.
    "audit-evidence-requests": workspace(),
    "evidence-request-detail": workspace(),
    "evidence-request-answer": workspace({"POST"}),
    "evidence-request-decline": workspace({"POST"}),
    # The portal's one write: an auditor asks for evidence (through an invitation in force only).
    "portal-requests": {"admin": {"GET", "POST"}, "auditor": {"GET", "POST"}},
    # Auditor portal pages: the capability lets an auditor (and an administrator) ask; an invitation in
    # force decides, so without one the answer is 404 (NOT_FOUND_WITHOUT_INVITATION below).
    **{
        name: {"admin": READ, "auditor": READ}
        for name in (
            "portal-audit",
            "portal-coverage",
            "portal-evidence",
            "portal-file",
            "portal-file-preview",
            "portal-finding",
            "portal-dossier",
            "portal-request",
        )
    },
    "area-audits": workspace(),
    "area-registers": workspace(),
    # --- registers: aspects, hazards, incidents ---
    "register-aspects": workspace(),
    "register-aspect": workspace(),
    "register-hazards": workspace(),
    "register-hazard": workspace(),
    "register-incidents": workspace(),
    "register-incident": workspace(),
    "register-aspect-create": workspace({"GET", "POST"}),
    "register-aspect-import": workspace({"GET", "POST"}),
    "register-hazard-import": workspace({"GET", "POST"}),
    "register-aspect-update": workspace({"GET", "POST"}),
    "register-hazard-create": workspace({"GET", "POST"}),
    "register-hazard-update": workspace({"GET", "POST"}),
    "register-incident-create": workspace({"GET", "POST"}),
    "register-incident-import": workspace({"GET", "POST"}),
    "register-incident-update": workspace({"GET", "POST"}),
    "register-incident-transition": workspace({"POST"}),
    # --- end registers: aspects, hazards, incidents ---
    # registers: obligations and permits pages
    "obligation-list": workspace(),
    "obligation-create": workspace({"GET", "POST"}),
    "obligation-import": workspace({"GET", "POST"}),
    "obligation-import-template": workspace(),
    "obligation-detail": workspace(),
    "obligation-update": workspace({"GET", "POST"}),
    "obligation-evaluate": workspace({"GET", "POST"}),
    "permit-list": workspace(),
    "permit-create": workspace({"GET", "POST"}),
    "permit-detail": workspace(),
    "permit-update": workspace({"GET", "POST"}),
    "area-energy": workspace(),
    # green-factory pages: self-evaluations and schemes
    "area-green-factory": workspace(),
    "green-factory-evaluation-open": workspace({"POST"}),
    "green-factory-evaluation": workspace(),
    "green-factory-annual-form": workspace(),
    "green-factory-evaluation-refill": workspace({"POST"}),
    "green-factory-value": workspace({"GET", "POST"}),
    "green-factory-gate-result": workspace({"POST"}),
    "green-factory-scheme-list": workspace(),
    "green-factory-scheme-import": workspace({"GET", "POST"}),
    "green-factory-scheme": workspace(),
    # battery-recycling material balance
    "material-balance-list": workspace(),
    "material-balance-create": workspace({"GET", "POST"}),
    "material-balance-import": workspace({"GET", "POST"}),
    "material-balance-import-template": workspace(),
    "material-balance-detail": workspace(),
    "material-balance-update": workspace({"GET", "POST"}),
    "area-dossiers": workspace(),
    # audit dossiers
    "dossier-request": workspace({"GET", "POST"}),
    "dossier-request-audit": workspace({"POST"}),
    "dossier-request-evaluation": workspace({"POST"}),
    "dossier-detail": workspace(),
    "dossier-progress": workspace(),
    "dossier-rerequest": workspace({"POST"}),
    "dossier-download": workspace(),
    "dossier-share": workspace({"POST"}),
    "dossier-share-revoke": workspace({"POST"}),
    "dossier-verify": workspace({"GET", "POST"}),
    "api:dossier-list": workspace({"GET", "POST"}),
    "api:dossier-detail": workspace(),
    "api:dossier-download": workspace(),
    "api:dossier-verify": workspace({"POST"}),
    # Django's LoginView treats PUT as POST; signed-in users are sent home whatever the method.
    "login": {"anonymous": {"GET", "POST", "PUT"}, **dict.fromkeys(SIGNED_IN, ALL)},
    "logout": everyone({"POST"}),
    "profile": dict.fromkeys(SIGNED_IN, READ),
    # The code step of signing in: without a password step behind it, anonymous visitors are sent to
    # sign in; signed-in users are sent home whatever the method, as by the sign-in page.
    "login_code": dict.fromkeys(SIGNED_IN, ALL),
    # A person's own second factor; gateways authenticate with keys and are refused. Making new
    # recovery codes needs an app set up (the admin of the matrix has one; the others do not).
    "security": dict.fromkeys(("admin", "staff", "auditor"), READ),
    "second_factor_enrol": dict.fromkeys(("admin", "staff", "auditor"), {"GET", "POST", "PUT"}),
    "recovery_codes": {"admin": {"GET", "POST"}, "staff": READ, "auditor": READ},
    "second_factor_remove": dict.fromkeys(("admin", "staff", "auditor"), {"POST"}),
    "api-token-rotate": workspace({"POST"}),
    # Password pages are for people; a gateway account is refused them. Django's form pages treat
    # PUT as POST.
    "password_change": dict.fromkeys(("admin", "staff", "auditor"), {"GET", "POST", "PUT"}),
    "password_change_done": dict.fromkeys(("admin", "staff", "auditor"), READ),
    "password_reset": dict.fromkeys(("anonymous", "admin", "staff", "auditor"), {"GET", "POST", "PUT"}),
    "password_reset_done": dict.fromkeys(("anonymous", "admin", "staff", "auditor"), READ),
    "password_reset_confirm": dict.fromkeys(
        ("anonymous", "admin", "staff", "auditor"), {"GET", "POST", "PUT"}
    ),
    "password_reset_complete": dict.fromkeys(("anonymous", "admin", "staff", "auditor"), READ),
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
    "energy-flow": workspace(),
    "energy-functions": workspace(),
    "api:energy-flow-list": workspace(),
    "api:energy-function-list": workspace(),
    # Load profiles and advice
    "energy-load-profile": workspace(),
    "api:load-profile-list": workspace(),
    # Benchmarking
    "energy-benchmarks": workspace(),
    "reference-level-create": workspace({"POST"}),
    "reference-level-delete": workspace({"POST"}),
    "api:energy-benchmark-list": workspace(),
    "api:reference-level-list": workspace({"GET", "POST"}),
    "api:reference-level-detail": workspace({"GET", "PATCH", "DELETE"}),
    # Energy and carbon budgets
    "budget-list": workspace(),
    "budget-detail": workspace(),
    "budget-create": workspace({"GET", "POST"}),
    "budget-edit": workspace({"GET", "POST"}),
    "budget-delete": workspace({"POST"}),
    "api:energy-budget-list": workspace({"GET", "POST"}),
    "api:energy-budget-detail": workspace({"GET", "PATCH", "DELETE"}),
    "api:energy-budget-actual": workspace(),
    # Product carbon footprints
    "footprint-list": workspace(),
    "footprint-detail": workspace(),
    "footprint-create": workspace({"GET", "POST"}),
    "footprint-edit": workspace({"GET", "POST"}),
    "footprint-delete": workspace({"POST"}),
    "footprint-issue": workspace({"POST"}),
    "footprint-reopen": workspace({"POST"}),
    "footprint-item-create": workspace({"GET", "POST"}),
    "footprint-item-edit": workspace({"GET", "POST"}),
    "footprint-item-delete": workspace({"POST"}),
    "footprint-coproduct-save": workspace({"GET", "POST"}),
    "footprint-coproduct-delete": workspace({"POST"}),
    "api:footprint-study-list": workspace({"GET", "POST"}),
    "api:footprint-study-detail": workspace({"GET", "PATCH", "DELETE"}),
    "api:footprint-study-result": workspace(),
    "api:footprint-study-results": workspace(),
    "api:footprint-study-issue": workspace({"POST"}),
    "api:footprint-study-reopen": workspace({"POST"}),
    "api:footprint-item-list": workspace({"GET", "POST"}),
    "api:footprint-item-detail": workspace({"GET", "PATCH", "DELETE"}),
    "api:footprint-coproduct-list": workspace({"GET", "POST"}),
    "api:footprint-coproduct-detail": workspace({"GET", "DELETE"}),
    # Carbon-neutrality programmes (ISO 14068-1)
    "neutrality-list": workspace(),
    "neutrality-create": workspace({"GET", "POST"}),
    "neutrality-detail": workspace(),
    "neutrality-edit": workspace({"GET", "POST"}),
    "neutrality-target-create": workspace({"GET", "POST"}),
    "neutrality-action-create": workspace({"GET", "POST"}),
    "neutrality-period-create": workspace({"GET", "POST"}),
    "neutrality-credit-create": workspace({"GET", "POST"}),
    "neutrality-claim-create": workspace({"GET", "POST"}),
    "neutrality-milestone-add": workspace({"POST"}),
    "neutrality-requirement-add": workspace({"POST"}),
    "neutrality-requirement-evidence": workspace({"POST"}),
    "neutrality-claim-make": workspace({"POST"}),
    "neutrality-claim-withdraw": workspace({"POST"}),
    "neutrality-statement": workspace(),
    "api:neutrality-programme-list": workspace({"GET", "POST"}),
    "api:neutrality-programme-detail": workspace({"GET", "PATCH"}),
    "api:neutrality-programme-standing": workspace(),
    "api:neutrality-programme-targets": workspace({"POST"}),
    "api:neutrality-programme-actions": workspace({"POST"}),
    "api:neutrality-programme-periods": workspace({"POST"}),
    "api:carbon-credit-list": workspace({"GET", "POST"}),
    "api:carbon-credit-detail": workspace(),
    "api:neutrality-claim-list": workspace({"GET", "POST"}),
    "api:neutrality-claim-detail": workspace(),
    "api:neutrality-claim-make": workspace({"POST"}),
    "api:neutrality-claim-withdraw": workspace({"POST"}),
    "api:neutrality-claim-requirements": workspace({"POST"}),
    "api:neutrality-claim-evidence": workspace({"POST"}),
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
    # audits pages
    "audit-programme": workspace(),
    "audit-programme-objectives": workspace({"POST"}),
    "audit-list": workspace(),
    "audit-create": workspace({"GET", "POST"}),
    "audit-detail": workspace(),
    "audit-update": workspace({"GET", "POST"}),
    "audit-transition": workspace({"POST"}),
    "audit-checklist-generate": workspace({"POST"}),
    "audit-session-add": workspace({"POST"}),
    "audit-session-delete": workspace({"POST"}),
    "audit-meetings": workspace({"POST"}),
    "checklist-item-update": workspace({"POST"}),
    "audit-report": workspace({"POST"}),
    "audit-report-sign-off": workspace({"POST"}),
    "finding-create": workspace({"GET", "POST"}),
    "finding-list": workspace(),
    "finding-detail": workspace(),
    "finding-close": workspace({"POST"}),
    "capa-step": workspace({"POST"}),
    "capa-action-done": workspace({"POST"}),
    "capa-action-delete": workspace({"POST"}),
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
    # audits API
    "api:audit-programme-list": workspace(),
    "api:audit-programme-detail": workspace({"GET", "PATCH"}),
    "api:audit-list": workspace({"GET", "POST"}),
    "api:audit-detail": workspace({"GET", "PATCH", "DELETE"}),
    "api:audit-transition": workspace({"POST"}),
    "api:audit-generate-checklist": workspace({"POST"}),
    "api:audit-report": workspace({"POST", "PATCH"}),
    "api:audit-sign-off": workspace({"POST"}),
    "api:audit-session-list": workspace({"GET", "POST"}),
    "api:audit-session-detail": workspace({"GET", "DELETE"}),
    "api:checklist-item-list": workspace(),
    "api:checklist-item-detail": workspace({"GET", "PATCH"}),
    "api:finding-list": workspace({"GET", "POST"}),
    "api:finding-detail": workspace({"GET", "PATCH"}),
    "api:finding-close": workspace({"POST"}),
    "api:corrective-action-list": workspace(),
    "api:corrective-action-detail": workspace(),
    **{
        f"api:corrective-action-{step}": workspace({"POST"})
        for step in ("contain", "analyse", "propose", "accept", "reject", "implement", "verify", "close")
    },
    "api:corrective-action-due-dates": workspace({"POST"}),
    "api:capa-action-list": workspace({"GET", "POST"}),
    "api:capa-action-detail": workspace({"GET", "PATCH", "DELETE"}),
    "api:certificate-surveillance": workspace({"POST"}),
    "api:reminder-list": workspace(),
    "api:reminder-detail": workspace(),
    "api:reminder-read": workspace({"POST"}),
    # registers: obligations and permits API
    "api:obligation-list": workspace({"GET", "POST"}),
    "api:obligation-detail": workspace({"GET", "PATCH"}),
    "api:obligation-evaluations": workspace(),
    "api:obligation-evaluate": workspace({"POST"}),
    "api:permit-list": workspace({"GET", "POST"}),
    "api:permit-detail": workspace({"GET", "PATCH"}),
    # registers: environmental aspects, OH&S hazards and incidents API
    "api:aspect-list": workspace({"GET", "POST"}),
    "api:aspect-detail": workspace({"GET", "PATCH"}),
    "api:hazard-list": workspace({"GET", "POST"}),
    "api:hazard-detail": workspace({"GET", "PATCH"}),
    "api:incident-list": workspace({"GET", "POST"}),
    "api:incident-detail": workspace({"GET", "PATCH"}),
    "api:incident-transition": workspace({"POST"}),
    # green-factory evaluation API
    "api:green-factory-scheme-list": workspace(),
    "api:green-factory-scheme-detail": workspace(),
    "api:green-factory-scheme-yaml": workspace(),
    "api:green-factory-scheme-xlsx": workspace(),
    "api:green-factory-scheme-import-file": workspace({"POST"}),
    "api:green-factory-evaluation-list": workspace({"GET", "POST"}),
    "api:green-factory-evaluation-detail": workspace(),
    "api:green-factory-evaluation-annual-form": workspace(),
    "api:green-factory-evaluation-values": workspace({"POST"}),
    "api:green-factory-evaluation-what-if": workspace({"POST"}),
    "api:green-factory-evaluation-gate-results": workspace({"POST"}),
    # battery-recycling material balance API
    "api:material-balance-list": workspace({"GET", "POST"}),
    "api:material-balance-detail": workspace({"GET", "PATCH"}),
    "api-schema": workspace(),
    "api-docs": workspace(),
    # Registers: risks and opportunities, objectives
    "risk-list": workspace(),
    "risk-create": workspace({"GET", "POST"}),
    "risk-import": workspace({"GET", "POST"}),
    "risk-detail": workspace(),
    "risk-update": workspace({"GET", "POST"}),
    "risk-action-add": workspace({"POST"}),
    "risk-action-update": workspace({"GET", "POST"}),
    "risk-action-delete": workspace({"POST"}),
    "objective-list": workspace(),
    "objective-create": workspace({"GET", "POST"}),
    "objective-import": workspace({"GET", "POST"}),
    "objective-detail": workspace(),
    "objective-update": workspace({"GET", "POST"}),
    "objective-progress-add": workspace({"POST"}),
    "objective-progress-delete": workspace({"POST"}),
    "api:risk-list": workspace({"GET", "POST"}),
    "api:risk-detail": workspace({"GET", "PATCH"}),
    "api:risk-action-list": workspace({"GET", "POST"}),
    "api:risk-action-detail": workspace({"GET", "PATCH", "DELETE"}),
    "api:objective-list": workspace({"GET", "POST"}),
    "api:objective-detail": workspace({"GET", "PATCH"}),
    "api:objective-progress-list": workspace({"GET", "POST"}),
    "api:objective-progress-detail": workspace({"GET", "DELETE"}),
}
# The auditor is sent from home to the portal: allowed to reach it, but it shows only the portal.
EXPECTED["home"]["auditor"] = READ

# Views that answer 405 to a method they do not implement before asking who is calling (and, for
# the second set, after sending anonymous visitors to sign in), with the methods they implement.
# Everywhere else the sign-in and capability checks come first.
METHOD_FIRST: dict[str, set[str]] = {
    "home": {"GET"},
    "healthz": {"GET"},
    "metrics": {"GET"},
    "login": {"GET", "POST", "PUT"},
    "logout": {"POST"},
    "password_reset": {"GET", "POST", "PUT"},
    "password_reset_done": {"GET"},
    "password_reset_confirm": {"GET", "POST", "PUT"},
    "password_reset_complete": {"GET"},
}
SIGN_IN_THEN_METHOD: dict[str, set[str]] = {"api-token-rotate": {"POST"}}
WRITES = ALL - READ


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
    """A refusal of any kind (for the cells that must be allowed)."""
    if name == "logout" and response.status_code == 302:
        return False  # signing out ends on the sign-in page
    if response.status_code in (401, 403, 405):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and ("/accounts/login/" in location or "/admin/login/" in location)


def refusal(name: str, path: str, role: str, method: str, expected: dict[str, set[str]], user) -> int | str:
    """The exact answer to a refused cell: 401, 403, 405, "login" (302 to the sign-in page) or
    "admin-login" (302 to Django admin's)."""
    if path.startswith("/admin/"):
        return "admin-login" if role != "admin" else 403
    if method not in METHOD_FIRST.get(name, {method}):
        return 405
    if role == "anonymous":
        return 401 if path.startswith("/api/") else "login"
    if path.startswith("/api/"):
        # DRF asks the view's permission before looking for the method: 403 when the permission
        # refuses the role this method, else 405 (the matrix says the role may not use it).
        return 403 if not _api_permits(path, user, method) else 405
    if method not in SIGN_IN_THEN_METHOD.get(name, {method}):
        return 405
    mine = expected.get(role, set())
    route_methods = set().union(*expected.values())
    # A page checks the capability first: a role that may not use the page at all gets 403; one that
    # may gets 405 for a method the page does not have.
    return 403 if not mine or method in route_methods else 405


def _api_permits(path: str, user, method: str) -> bool:
    """Whether the API view's own permission classes let ``user`` call it with ``method``."""
    match = resolve(path)
    view = match.func.cls(**getattr(match.func, "initkwargs", {}))
    actions = getattr(match.func, "actions", None) or {}
    view.action_map, view.action = actions, actions.get(method.lower())
    view.args, view.kwargs = match.args, match.kwargs
    request = Request(RequestFactory().generic(method, path))
    request.user = user
    view.request = request
    return all(permission.has_permission(request, view) for permission in view.get_permissions())


def _answer(response) -> int | str:
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith("/accounts/login/"):
        return "login"
    if response.status_code == 302 and location.startswith("/admin/login/"):
        return "admin-login"
    return response.status_code


def _admin_refuses(name: str, admin_user) -> bool:
    """Whether Django admin refuses its administrator this add or delete page (read-only records)."""
    request = RequestFactory().get("/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name == f"{prefix}add":
            return not model_admin.has_add_permission(request)
        if name == f"{prefix}delete":
            return not model_admin.has_delete_permission(request)
    return False


def snapshot() -> dict[str, str]:
    """A fingerprint of every table's rows: one query on PostgreSQL, one per table on SQLite."""
    tables = sorted(connection.introspection.table_names())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Table names come from introspection, not from input.
        if connection.vendor == "postgresql":
            digest = "md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), ''))"
            parts = [f"SELECT '{t}', {digest} FROM {quote(t)} r" for t in tables]  # noqa: S608
            cursor.execute(" UNION ALL ".join(parts))
            return dict(cursor.fetchall())
        fingerprint = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
            rows = sorted(map(repr, cursor.fetchall()))
            fingerprint[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return fingerprint


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


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
        "indicator": str(record.pk),
        "item": str(record.pk),
        "coproduct": str(record.pk),
        "uidb64": "MQ",
        "token": "not-a-token",
    }


@pytest.fixture
def _still_clock(monkeypatch):
    """The walk takes minutes; with the session clock still, keeping a session alive writes nothing,
    so every row a refused request changed is the refusal's fault."""
    from greenfactory.accounts import middleware

    now = middleware.now_seconds()
    monkeypatch.setattr(middleware, "now_seconds", lambda: now)


@pytest.mark.django_db
@pytest.mark.usefixtures("_still_clock")
def test_every_url_and_role_and_method_follows_the_matrix(role_clients, role_users, samples):
    patterns = list(_walk(get_resolver()))
    problems = []
    state = snapshot()
    for name, pattern in patterns:
        path = _concrete(pattern, samples)
        is_admin_site = name.startswith("admin:") or path.startswith("/admin/")
        if is_admin_site:
            if name in ("admin:login", "admin:logout"):
                continue  # the admin's own sign-in pages; checked in test_admin_login_page_is_harmless
            expected = {} if _admin_refuses(name, role_users["admin"]) else {"admin": READ}
        elif name not in EXPECTED:
            problems.append(f"{path} ({name or 'unnamed'}) is not in the access matrix")
            continue
        else:
            expected = EXPECTED[name]
        cells = [
            (role, method)
            for role in ROLES
            for method in METHODS
            if not (is_admin_site and role == "admin" and method != "GET")  # admin forms: Django's business
            and not (name == "admin:autocomplete" and role == "admin")  # 403 without its query, by design
        ]
        # Refused cells first, all inside one before/after snapshot of every table; then the allowed.
        cells.sort(key=lambda cell: cell[1] in expected.get(cell[0], set()))
        reached_allowed = False
        for role, method in cells:
            allowed = method in expected.get(role, set())
            if allowed and not reached_allowed:
                after = snapshot()
                if _changed(state, after):
                    problems.append(f"{path}: refused requests changed {', '.join(_changed(state, after))}")
                reached_allowed = True
            client = role_clients[role]
            response = client.generic(method, path)
            if role != "anonymous" and name == "logout" and method == "POST":
                sign_in_client(client, role_users[role])  # signed out by that request
            if response.status_code >= 500:
                problems.append(f"{role} {method} {path}: server error {response.status_code}")
            elif allowed and _denied(response, name):
                problems.append(
                    f"{role} {method} {path}: refused ({response.status_code}) but should be allowed"
                )
            elif not allowed and _answer(response) != (
                want := refusal(name, path, role, method, expected, role_users.get(role))
            ):
                problems.append(
                    f"{role} {method} {path}: answered {_answer(response)}, should be refused with {want}"
                )
        if not reached_allowed:
            after = snapshot()
            if _changed(state, after):
                problems.append(f"{path}: refused requests changed {', '.join(_changed(state, after))}")
            state = after
        else:
            state = snapshot()  # allowed requests may write: the next route starts from here
    assert not problems, "\n".join(problems)
    assert len(patterns) > 50  # the admin and API are really walked


def test_auditor_and_gateway_may_write_nothing_but_their_own_session():
    """Whatever the URL, a write by an auditor or a gateway is refused (and, by the walk above,
    refused exactly and without a row changed): the matrix grants them no write but signing in,
    signing out, choosing a language, setting their own password and their own second factor."""
    own_session = {
        "login",
        "login_code",
        "second_factor_enrol",
        "recovery_codes",
        "second_factor_remove",
        "logout",
        "set_language",
        "password_change",
        "password_reset",
        "password_reset_confirm",
    }
    # The portal's one write, asking for evidence; tests/certifications/test_evidence_requests.py
    # holds it to an invitation in force and an in-scope clause.
    portal_write = {"portal-requests": {"POST"}}
    for name, allowed in EXPECTED.items():
        if name in own_session:
            continue
        for role in ("auditor", "gateway"):
            writes = allowed.get(role, set()) & WRITES
            if role == "auditor":
                writes -= portal_write.get(name, set())
            assert not writes, f"{role} may write to {name}"


# Portal pages an auditor (or administrator) may ask for, whose object only an invitation in force
# opens: without one, the answer is exactly 404, the same as for an id that does not exist.
NOT_FOUND_WITHOUT_INVITATION = (
    "portal-audit",
    "portal-coverage",
    "portal-evidence",
    "portal-file",
    "portal-file-preview",
    "portal-finding",
    "portal-dossier",
    "portal-requests",
    "portal-request",
)


@pytest.mark.django_db
def test_portal_objects_are_not_found_without_an_invitation(role_clients, samples):
    patterns = dict(_walk(get_resolver()))
    for name in NOT_FOUND_WITHOUT_INVITATION:
        path = _concrete(patterns[name], samples)
        for role in ("auditor", "admin"):
            assert role_clients[role].get(path).status_code == 404, f"{role} GET {path}"
