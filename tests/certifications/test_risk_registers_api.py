"""Environmental aspects, OH&S hazards and incidents through the API: what is stored and worked out
(significance, LEC risk and bands, the effective grade), edit conflicts that change nothing, bad
input refused by field, the incident workflow, and list costs that do not grow with the register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from certifications.models import Aspect, Hazard, Incident, IncidentStatus, RiskMethod, SignificanceMethod
from certifications.services import aspects as aspect_services
from certifications.services import hazards as hazard_services
from certifications.services import incidents as incident_services

JSON = "application/json"


@pytest.fixture
def methods(db):
    aspect_services.significance_methods_load()
    hazard_services.risk_methods_load()
    incident_services.incident_grades_load()


def _aspect(**extra):
    return {
        "title": "Battery dust from shredding",
        "title_zh": "破碎粉尘",
        "activity": "Shredding",
        "aspect": "Dust emission",
        "impact": "Air pollution",
        "method": "env-5x4",
        "scores": {"scale": 4, "severity": 4, "probability": 3, "legal": 1},
        **extra,
    }


def _hazard(**extra):
    return {
        "title": "Thermal runaway of damaged cells",
        "hazard": "Thermal runaway and fire",
        "activity": "Storing damaged packs",
        "method": "lec",
        "initial_factors": {"L": 3, "E": 6, "C": 40},
        **extra,
    }


def _incident(at_site, **extra):
    return {
        "title": "Forklift struck a rack",
        "kind": "safety_accident",
        "occurred_at": (timezone.now() - dt.timedelta(days=3)).isoformat(),
        "site": at_site.code,
        **extra,
    }


def test_an_aspect_is_scored_by_its_method_when_recorded_and_changed(methods, staff_client, staff_user, site):
    created = staff_client.post("/api/v1/aspects/", _aspect(sites=[site.code]), content_type=JSON)
    assert created.status_code == 201
    body = created.json()
    year = timezone.localdate().year
    assert (body["reference"], body["score"], body["significant"]) == (f"ASP-{year}-001", 12, False)
    assert (body["owner"], body["sites"], body["version"]) == (staff_user.username, [site.code], 1)
    url = f"/api/v1/aspects/{body['id']}/"
    changed = staff_client.patch(
        url, {"version": 1, "scores": {"scale": 4, "severity": 4, "probability": 4, "legal": 1}}, JSON
    )
    assert (changed.json()["score"], changed.json()["significant"]) == (13, True)
    stored = Aspect.objects.get(pk=body["id"])
    assert (stored.score, stored.significant, stored.scores["probability"], stored.version) == (
        13,
        True,
        4,
        2,
    )


def test_a_stale_aspect_edit_answers_409_and_changes_nothing(methods, staff_client):
    body = staff_client.post("/api/v1/aspects/", _aspect(reference="ASP-DUST"), content_type=JSON).json()
    url = f"/api/v1/aspects/{body['id']}/"
    staff_client.patch(url, {"version": 1, "impact": "Dust in the workshop", "aspect": "Fine dust"}, JSON)
    stale = staff_client.patch(url, {"version": 1, "impact": "Overwritten", "scores": {"legal": 5}}, JSON)
    assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
    stored = Aspect.objects.get(reference="ASP-DUST")
    assert (stored.impact, stored.aspect, stored.score, stored.version) == (
        "Dust in the workshop",
        "Fine dust",
        12,
        2,
    )
    without_version = staff_client.patch(url, {"impact": "x"}, JSON)
    assert (without_version.status_code, list(without_version.json())) == (400, ["version"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scores": {"scale": 6, "severity": 1, "probability": 1, "legal": 1}}, "scores"),
        ({"scores": {"scale": 1, "severity": 1, "probability": 1}}, "scores"),
        ({"scores": {"scale": "many"}}, "scores"),
        ({"method": "no-such-method"}, "method"),
        ({"condition": "sometimes"}, "condition"),
        ({"review_on": "1700-01-01"}, "review_on"),
        ({"activity": ""}, "activity"),
    ],
)
def test_bad_aspect_input_is_refused_by_field_and_nothing_is_stored(methods, staff_client, change, field):
    answer = staff_client.post("/api/v1/aspects/", _aspect(**change), content_type=JSON)
    assert answer.status_code == 400
    assert field in answer.json()
    assert not Aspect.objects.exists()


def test_the_aspect_list_filters_by_significance(methods, staff_client, staff_user):
    method = SignificanceMethod.objects.get(code="env-5x4")
    for ref, legal in (("ASP-A", 1), ("ASP-B", 5)):
        aspect_services.aspect_create(
            by=staff_user, reference=ref, title=ref, activity="a", aspect="b", impact="c", method=method,
            scores={"scale": 1, "severity": 1, "probability": 1, "legal": legal},
        )  # fmt: skip
    listed = staff_client.get("/api/v1/aspects/", {"significant": "true"}).json()
    assert [(a["reference"], a["score"]) for a in listed["results"]] == [("ASP-B", 8)]


def test_a_hazard_stores_its_lec_risk_before_and_after_controls(methods, staff_client):
    created = staff_client.post(
        "/api/v1/hazards/",
        _hazard(
            residual_factors={"L": 1, "E": 6, "C": 15},
            controls=[
                {"level": "ppe", "description": "Fire-resistant gloves"},
                {
                    "level": "elimination",
                    "description": "Swollen packs refused at the gate",
                    "in_place": False,
                },
            ],
        ),
        content_type=JSON,
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["initial_score"], body["initial_band"]) == ("720.000", "extreme")
    assert (body["residual_score"], body["residual_band"]) == ("90.000", "significant")
    assert [(c["level"], c["in_place"]) for c in body["controls"]] == [("elimination", False), ("ppe", True)]
    hazard = Hazard.objects.get(pk=body["id"])
    assert (hazard.initial_score, hazard.initial_band.code) == (Decimal(720), "extreme")
    assert hazard.initial_factors == {"L": 3, "E": 6, "C": 40}


def test_a_hazard_edit_rescores_and_a_stale_one_changes_nothing(methods, staff_client):
    body = staff_client.post("/api/v1/hazards/", _hazard(reference="HAZ-HF"), content_type=JSON).json()
    url = f"/api/v1/hazards/{body['id']}/"
    changed = staff_client.patch(
        url, {"version": 1, "hazard": "HF gas", "residual_factors": {"L": 0.5, "E": 6, "C": 7}}, JSON
    )
    assert (changed.json()["residual_score"], changed.json()["residual_band"]) == ("21.000", "general")
    stale = staff_client.patch(url, {"version": 1, "residual_factors": {"L": 10, "E": 10, "C": 100}}, JSON)
    assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
    hazard = Hazard.objects.get(reference="HAZ-HF")
    assert (hazard.hazard, hazard.residual_score, hazard.residual_factors["L"], hazard.version) == (
        "HF gas",
        Decimal(21),
        0.5,
        2,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"initial_factors": {"L": 4, "E": 6, "C": 40}}, "initial_factors"),
        ({"initial_factors": {"L": 3, "E": 6}}, "initial_factors"),
        ({"initial_factors": {"L": "often", "E": 6, "C": 40}}, "initial_factors"),
        ({"residual_factors": {"L": 3, "E": 6, "C": 40, "X": 1}}, "residual_factors"),
        ({"controls": [{"level": "prayer", "description": "Hope"}]}, "controls"),
        ({"method": "no-such-method"}, "method"),
    ],
)
def test_bad_hazard_input_is_refused_by_field_and_nothing_is_stored(methods, staff_client, change, field):
    answer = staff_client.post("/api/v1/hazards/", _hazard(**change), content_type=JSON)
    assert answer.status_code == 400
    assert field in answer.json()
    assert not Hazard.objects.exists()


def test_an_incident_answers_the_grade_its_figures_suggest(methods, staff_client, site):
    created = staff_client.post("/api/v1/incidents/", _incident(site, deaths=3), content_type=JSON)
    assert created.status_code == 201
    body = created.json()
    assert (body["grade"], body["grade_recorded"], body["status"]) == (None, False, "reported")
    assert body["effective_grade"]["code"] == "ps_larger"
    assert body["effective_grade"]["counts_as_major"] is True
    near_miss = staff_client.post("/api/v1/incidents/", _incident(site, kind="near_miss"), content_type=JSON)
    assert near_miss.json()["effective_grade"] is None
    assert Incident.objects.get(pk=body["id"]).deaths == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"grade": "env_general"}, "grade"),
        ({"occurred_at": (timezone.now() + dt.timedelta(days=2)).isoformat()}, "occurred_at"),
        ({"deaths": -1}, "deaths"),
        ({"direct_loss_cny": "-5"}, "direct_loss_cny"),
        ({"site": "NO-SITE"}, "site"),
        ({"kind": "meteor"}, "kind"),
    ],
)
def test_bad_incident_input_is_refused_by_field_and_nothing_is_stored(
    methods, staff_client, site, change, field
):
    answer = staff_client.post("/api/v1/incidents/", _incident(site, **change), content_type=JSON)
    assert answer.status_code == 400
    assert field in answer.json()
    assert not Incident.objects.exists()


def test_an_incident_is_investigated_closed_and_reopened_through_the_api(methods, staff_client, site):
    body = staff_client.post(
        "/api/v1/incidents/", _incident(site, reference="INC-RACK"), content_type=JSON
    ).json()
    url = f"/api/v1/incidents/{body['id']}/"
    early = staff_client.post(f"{url}transition/", {"to": "closed"}, JSON)
    assert (early.status_code, list(early.json())) == (400, ["root_cause", "code"])
    assert Incident.objects.get(reference="INC-RACK").status == IncidentStatus.REPORTED
    assert (
        staff_client.post(f"{url}transition/", {"to": "investigating"}, JSON).json()["status"]
        == "investigating"
    )
    investigated = staff_client.patch(
        url, {"version": 2, "investigation": "CCTV reviewed", "root_cause": "Blind corner"}, JSON
    )
    assert investigated.json()["root_cause"] == "Blind corner"
    closed_on = timezone.localdate().isoformat()
    closed = staff_client.post(f"{url}transition/", {"to": "closed", "closed_on": closed_on}, JSON)
    assert (closed.json()["status"], closed.json()["closed_on"]) == ("closed", closed_on)
    again = staff_client.post(f"{url}transition/", {"to": "reported"}, JSON)
    assert again.status_code == 409
    stored = Incident.objects.get(reference="INC-RACK")
    assert (stored.status, stored.closed_on.isoformat(), stored.version) == ("closed", closed_on, 4)
    reopened = staff_client.post(f"{url}transition/", {"to": "investigating"}, JSON).json()
    assert (reopened["status"], reopened["closed_on"]) == ("investigating", None)


def test_a_stale_incident_edit_answers_409_and_changes_nothing(methods, staff_client, site):
    body = staff_client.post(
        "/api/v1/incidents/", _incident(site, reference="INC-S"), content_type=JSON
    ).json()
    url = f"/api/v1/incidents/{body['id']}/"
    staff_client.patch(url, {"version": 1, "minor_injuries": 1}, JSON)
    stale = staff_client.patch(url, {"version": 1, "deaths": 30}, JSON)
    assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
    stored = Incident.objects.get(reference="INC-S")
    assert (stored.deaths, stored.minor_injuries, stored.version) == (0, 1, 2)


@pytest.mark.parametrize("count", [2, 12])
def test_register_lists_cost_the_same_queries_whatever_their_size(
    methods, staff_client, staff_user, site, count, django_assert_max_num_queries
):
    aspect_method = SignificanceMethod.objects.get(code="env-5x4")
    lec = RiskMethod.objects.get(code="lec")
    when = timezone.now() - dt.timedelta(days=1)
    for n in range(count):
        aspect_services.aspect_create(
            by=staff_user, title=f"A{n}", activity="a", aspect="b", impact="c", method=aspect_method,
            scores={"scale": 1, "severity": 1, "probability": 1, "legal": 1}, sites=[site],
        )  # fmt: skip
        hazard_services.hazard_create(
            by=staff_user, title=f"H{n}", hazard="h", activity="a", method=lec, sites=[site],
            initial_factors={"L": 1, "E": 1, "C": 1}, controls=[("ppe", "Gloves", True)],
        )  # fmt: skip
        incident_services.incident_create(
            by=staff_user, kind="safety_accident", occurred_at=when, site=site, title="I"
        )
    for path in ("/api/v1/aspects/", "/api/v1/hazards/", "/api/v1/incidents/"):
        with django_assert_max_num_queries(12):
            answer = staff_client.get(path)
        assert answer.json()["count"] == count


def test_a_patch_of_controls_without_in_place_keeps_them_in_place(methods, staff_client):
    created = staff_client.post("/api/v1/hazards/", _hazard(), content_type=JSON).json()
    answer = staff_client.patch(
        f"/api/v1/hazards/{created['id']}/",
        {"version": created["version"], "controls": [{"level": "ppe", "description": "Face shield"}]},
        JSON,
    )
    assert answer.status_code == 200, answer.content
    assert [(c["level"], c["description"], c["in_place"]) for c in answer.json()["controls"]] == [
        ("ppe", "Face shield", True)
    ]
