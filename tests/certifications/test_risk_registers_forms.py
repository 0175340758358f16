"""Recording and editing environmental aspects and OH&S hazards on their pages: the method's scores
and factors, what is stored and shown, refusals that keep what was typed, edit conflicts, and the
history of changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from certifications.models import Aspect, Hazard, RiskMethod, SignificanceMethod
from certifications.services import aspects as aspect_services
from certifications.services import hazards as hazard_services


@pytest.fixture
def methods(db):
    aspect_services.significance_methods_load()
    hazard_services.risk_methods_load()


def aspect_post(staff_user, **extra):
    method = SignificanceMethod.objects.get(code="env-5x4")
    data = {
        "reference": "",
        "title": "Battery dust from shredding",
        "activity": "Shredding",
        "aspect": "Dust emission",
        "impact": "Air pollution",
        "condition": "normal",
        "method": method.pk,
        "owner": staff_user.pk,
        "score__env-5x4__scale": "4",
        "score__env-5x4__severity": "4",
        "score__env-5x4__probability": "4",
        "score__env-5x4__legal": "1",
    }
    return {**data, **extra}


def controls(*rows):
    data = {
        "controls-TOTAL_FORMS": str(max(len(rows), 3)),
        "controls-INITIAL_FORMS": "0",
        "controls-MIN_NUM_FORMS": "0",
        "controls-MAX_NUM_FORMS": "30",
    }
    for i, (level, description, in_place) in enumerate(rows):
        data[f"controls-{i}-level"] = level
        data[f"controls-{i}-description"] = description
        if in_place:
            data[f"controls-{i}-in_place"] = "on"
    return data


DEFAULT_CONTROLS = (("ppe", "Face shields", True), ("elimination", "Swollen packs refused", False))


def hazard_post(staff_user, rows=DEFAULT_CONTROLS, **extra):
    lec = RiskMethod.objects.get(code="lec")
    data = {
        "reference": "",
        "title": "Thermal runaway of damaged cells",
        "hazard": "Thermal runaway and fire",
        "activity": "Storing damaged packs",
        "method": lec.pk,
        "owner": staff_user.pk,
        "initial__lec__L": "3",
        "initial__lec__E": "6",
        "initial__lec__C": "40",
        "residual__lec__L": "0.5",
        "residual__lec__E": "6",
        "residual__lec__C": "15",
        **controls(*rows),
    }
    return {**data, **extra}


def test_an_aspect_recorded_on_its_page_is_scored_and_shown(methods, staff_client, staff_user, site):
    page = staff_client.get(reverse("register-aspect-create"))
    assert "厂界外" not in page.content.decode()
    assert "Scores by" in page.content.decode()
    answer = staff_client.post(reverse("register-aspect-create"), aspect_post(staff_user, sites=[site.pk]))
    aspect = Aspect.objects.get()
    assert answer.url == reverse("register-aspect", args=[aspect.pk])
    assert (aspect.score, aspect.significant, aspect.scores) == (
        13,
        True,
        {"scale": 4, "severity": 4, "probability": 4, "legal": 1},
    )
    assert list(aspect.sites.all()) == [site]
    detail = staff_client.get(answer.url).content.decode()
    assert "Score 13" in detail
    assert reverse("register-aspect-update", args=[aspect.pk]) in detail


def test_a_missing_score_is_refused_on_its_field_and_what_was_typed_stays(methods, staff_client, staff_user):
    data = aspect_post(staff_user, title="Noise of shredders")
    del data["score__env-5x4__legal"]
    answer = staff_client.post(reverse("register-aspect-create"), data)
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "Give a score." in body
    assert 'value="Noise of shredders"' in body
    assert not Aspect.objects.exists()


def test_an_aspect_edit_rescores_keeps_history_and_refuses_a_stale_version(methods, staff_client, staff_user):
    staff_client.post(reverse("register-aspect-create"), aspect_post(staff_user, reference="ASP-DUST"))
    aspect = Aspect.objects.get()
    url = reverse("register-aspect-update", args=[aspect.pk])
    form = staff_client.get(url).content.decode()
    assert 'value="ASP-DUST"' in form
    assert '<option value="4" selected>' in form
    changed = aspect_post(
        staff_user, reference="ASP-DUST", version="1", **{"score__env-5x4__probability": "2"}
    )
    assert staff_client.post(url, changed).status_code == 302
    aspect.refresh_from_db()
    assert (aspect.score, aspect.significant, aspect.version) == (11, False, 2)
    stale = staff_client.post(url, {**changed, "impact": "Overwritten"})
    assert "changed since you opened it" in stale.content.decode()
    aspect.refresh_from_db()
    assert (aspect.impact, aspect.version) == ("Air pollution", 2)
    with translation.override("en"):
        detail = staff_client.get(reverse("register-aspect", args=[aspect.pk])).content.decode()
    assert "<del>13</del>" in detail
    assert "<ins>11</ins>" in detail


def test_a_hazard_recorded_on_its_page_stores_its_lec_risk_and_controls(methods, staff_client, staff_user):
    answer = staff_client.post(reverse("register-hazard-create"), hazard_post(staff_user))
    hazard = Hazard.objects.get()
    assert answer.url == reverse("register-hazard", args=[hazard.pk])
    assert (hazard.initial_score, hazard.initial_band.code) == (Decimal(720), "extreme")
    assert (hazard.residual_score, hazard.residual_band.code) == (Decimal(45), "general")
    assert hazard.residual_factors == {"L": 0.5, "E": 6, "C": 15}
    assert [(c.level, c.in_place) for c in hazard.controls.all()] == [("elimination", False), ("ppe", True)]
    detail = staff_client.get(answer.url).content.decode()
    assert "720" in detail
    assert "L = 0.5" in detail


def test_a_hazard_without_residual_factors_is_stored_unassessed(methods, staff_client, staff_user):
    data = hazard_post(staff_user, **{f"residual__lec__{c}": "" for c in "LEC"})
    staff_client.post(reverse("register-hazard-create"), data)
    hazard = Hazard.objects.get()
    assert (hazard.residual_factors, hazard.residual_score, hazard.residual_band) == ({}, None, None)


def test_a_half_given_factor_set_and_a_control_without_level_are_refused(methods, staff_client, staff_user):
    data = hazard_post(staff_user, **{"residual__lec__C": ""})
    answer = staff_client.post(reverse("register-hazard-create"), data)
    assert "Choose a value." in answer.content.decode()
    data = hazard_post(staff_user, rows=[("", "Sprinklers", True)])
    answer = staff_client.post(reverse("register-hazard-create"), data)
    assert "Choose a level of the hierarchy of controls." in answer.content.decode()
    assert 'value="Sprinklers"' in answer.content.decode()
    assert not Hazard.objects.exists()


def test_a_hazard_edit_rescores_replaces_controls_and_refuses_a_stale_version(
    methods, staff_client, staff_user
):
    staff_client.post(reverse("register-hazard-create"), hazard_post(staff_user, reference="HAZ-FIRE"))
    hazard = Hazard.objects.get()
    url = reverse("register-hazard-update", args=[hazard.pk])
    form = staff_client.get(url).content.decode()
    assert 'value="Swollen packs refused"' in form
    assert '<option value="0.5" selected>' in form
    changed = hazard_post(
        staff_user,
        reference="HAZ-FIRE",
        version="1",
        rows=[("engineering", "Sand-filled isolation bins", True)],
        **{"initial__lec__L": "1"},
    )
    assert staff_client.post(url, changed).status_code == 302
    hazard.refresh_from_db()
    assert (hazard.initial_score, hazard.initial_band.code, hazard.version) == (Decimal(240), "high", 2)
    assert [c.description for c in hazard.controls.all()] == ["Sand-filled isolation bins"]
    stale = staff_client.post(url, {**changed, "initial__lec__L": "10"})
    assert "changed since you opened it" in stale.content.decode()
    hazard.refresh_from_db()
    assert (hazard.initial_score, hazard.version) == (Decimal(240), 2)
    assert hazard.history.count() == 2


def test_the_forms_read_in_chinese(methods, staff_client, staff_user):
    with translation.override("zh-hans"):
        aspect_form = staff_client.get(reverse("register-aspect-create"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        hazard_form = staff_client.get(reverse("register-hazard-create"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    aspect_form, hazard_form = aspect_form.content.decode(), hazard_form.content.decode()
    assert "厂界外" in aspect_form
    assert "事故发生的可能性" in hazard_form
