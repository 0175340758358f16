"""The OpenAPI schema, fuzzed with schemathesis against the demo plant.

Whatever a client sends to any documented operation, the API never answers a 5xx, and every answer
conforms to the schema: a documented status, content type, headers and body. Three identities:

- staff (``compliance``): every operation, with ids of real demo objects in the paths;
- the demo auditor: reads the few routes it may read, every other answer is the documented 403;
- the demo gateway's key: only the readings upload is open to it; everything else answers the
  documented 401 (other routes ignore the key) or 403 (reading readings).

Then a stateful phase: sequences of calls that follow the links schemathesis infers from the schema
(a created object's id fed into its detail routes), as staff.

The demo is loaded once per test process and module, inside a transaction rolled back at the end;
each example's writes are rolled back with its test. Hypothesis is derandomized, so CI is
deterministic; the example counts keep this module near two minutes on two cores.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import RequestFactory
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from greenfactory.accounts.models import User
from metering.demo import DEMO_GATEWAY_KEY

from .api.fuzz_data import fuzz_objects_add
from .api.fuzz_green_factory import green_factory_objects_add
from .api.fuzz_material_balance import material_balance_objects_add
from .api.fuzz_registers import risk_registers_objects_add

TODAY = dt.date(2026, 11, 28)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
RAW_SCHEMA = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
APP = get_wsgi_application()
# Path template -> ids (or codes) of real demo objects behind it; filled by the ``demo`` fixture.
REAL_IDS: dict[str, list[str]] = {}
HEADERS: dict[str, dict[str, str]] = {}
MISSING_ID = "987654"
COVERAGE = os.environ.get("GF_FUZZ_COVERAGE", "") == "1"


def _schema(*, coverage: bool, nul: bool) -> schemathesis.schemas.BaseSchema:
    config = schemathesis.config.SchemathesisConfig.from_dict(
        {
            "seed": 20261128,
            "generation": {"allow-x00": nul},
            "phases": {"coverage": {"enabled": coverage}},
        }
    )
    loaded = schemathesis.openapi.from_dict(RAW_SCHEMA, config=config)
    loaded.app = APP

    @loaded.hook
    def flatmap_path_parameters(context, path_parameters):
        """A path names a real object, or one that does not exist (404): a value the route does not
        match (``1.5e-300``) never reaches the API, only Django's page for unknown URLs."""
        ids = REAL_IDS.get(context.operation.path)
        if not ids or len(path_parameters) != 1:
            return st.just(path_parameters)
        (name,) = path_parameters
        return st.sampled_from([*ids, MISSING_ID]).map(lambda value: {name: value})

    return loaded


staff_schema = _schema(coverage=COVERAGE, nul=True)
# NUL characters are refused before anyone is identified (400); refusals by role are tested here.
other_schema = _schema(coverage=False, nul=False)


def _real_ids(template: str, user: User) -> list[str]:
    """A few lookup values of the objects a route's own queryset holds for ``user``."""
    probe = re.sub(r"\{[^}]+\}", "0", template)
    callback = resolve(probe).func
    view = callback.cls(**getattr(callback, "initkwargs", {}))
    request = Request(RequestFactory().get(probe))
    request.user = user
    view.request, view.args, view.kwargs, view.format_kwarg = request, (), {}, None
    view.action = "retrieve"
    values = view.get_queryset().order_by("pk").values_list(view.lookup_field, flat=True)
    return [str(value) for value in values[:4]]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo plant, plus an object for every route the demo leaves empty, for the module."""
    from greenfactory.web.demo import demo_load

    # Requests run in this thread's connection, inside the transaction (as Django's test client does).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            demo_load(today=TODAY)
            staff = User.objects.get(username="compliance")
            fuzz_objects_add(staff=staff, today=TODAY)
            green_factory_objects_add(staff=staff, today=TODAY)
            risk_registers_objects_add(staff=staff, today=TODAY)
            material_balance_objects_add(staff=staff, today=TODAY)
            REAL_IDS.update({path: _real_ids(path, staff) for path in RAW_SCHEMA["paths"] if "{" in path})
            auditor = User.objects.get(username="auditor")
            HEADERS["staff"] = {"Authorization": f"Token {Token.objects.create(user=staff).key}"}
            HEADERS["auditor"] = {"Authorization": f"Token {Token.objects.create(user=auditor).key}"}
            HEADERS["gateway"] = {"Authorization": f"Api-Key {DEMO_GATEWAY_KEY}"}
            yield
            transaction.set_rollback(True)
    finally:
        REAL_IDS.clear()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def as_demo(demo, db):
    """Each test's writes are rolled back (a savepoint inside the module's transaction)."""


FUZZ = {"deadline": None, "derandomize": True, "database": None, "suppress_health_check": list(HealthCheck)}


@staff_schema.parametrize()
@settings(max_examples=5, **FUZZ)
def test_staff_gets_only_documented_answers(case, as_demo):
    case.call_and_validate(headers=HEADERS["staff"], checks=CHECKS)


@other_schema.parametrize()
@settings(max_examples=2, **FUZZ)
def test_auditor_reads_at_most_and_is_refused_as_documented(case, as_demo):
    response = case.call_and_validate(headers=HEADERS["auditor"], checks=CHECKS)
    if case.method != "GET":
        assert response.status_code == 403, response.text
        assert response.json()["detail"]


# Benchmarking: its operations fuzzed harder (the demo has a plant reference level to reach).
BENCHMARKS = r"^/api/v1/(energy-benchmarks|reference-levels)/"


@staff_schema.include(path_regex=BENCHMARKS).parametrize()
@settings(max_examples=30, **FUZZ)
def test_benchmark_operations_get_only_documented_answers(case, as_demo):
    case.call_and_validate(headers=HEADERS["staff"], checks=CHECKS)


# Aspects, hazards and incidents: scored and graded by methods that are data, fuzzed harder.
RISK_REGISTERS = r"^/api/v1/(aspects|hazards|incidents)/"


@staff_schema.include(path_regex=RISK_REGISTERS).parametrize()
@settings(max_examples=25, **FUZZ)
def test_risk_register_operations_get_only_documented_answers(case, as_demo):
    case.call_and_validate(headers=HEADERS["staff"], checks=CHECKS)


READINGS = "/api/v1/readings/"


@other_schema.parametrize()
@settings(max_examples=2, **FUZZ)
def test_gateway_key_opens_only_the_readings_upload(case, as_demo):
    response = case.call_and_validate(headers=HEADERS["gateway"], checks=CHECKS)
    if (case.method, case.path) != ("POST", READINGS):
        # Other routes do not read the key (anonymous: 401); the readings list knows the gateway (403).
        assert response.status_code == (403 if case.path == READINGS else 401), response.text
        assert response.json()["detail"]


def test_stateful_sequences_follow_the_schema_links_as_staff(as_demo):
    class StaffMachine(staff_schema.as_state_machine()):
        """Every scenario starts from the demo: its writes are rolled back when it ends, so a
        scenario replayed by Hypothesis meets the same data (and draws the same steps)."""

        def setup(self):
            self.scenario = transaction.atomic()
            self.scenario.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.scenario.__exit__(None, None, None)

        def get_call_kwargs(self, case):
            return {"headers": HEADERS["staff"]}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    StaffMachine.run(settings=settings(max_examples=10, stateful_step_count=3, **FUZZ))
