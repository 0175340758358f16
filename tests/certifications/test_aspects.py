"""Environmental aspects: the significance method from data, scored at its edges."""

from __future__ import annotations

import pytest

from certifications.exceptions import EditConflict
from certifications.models import Aspect, SignificanceMethod
from certifications.selectors.aspects import aspect_significance
from certifications.services import aspects as services
from greenfactory.core.exceptions import DomainError


@pytest.fixture
def method(db):
    services.significance_methods_load()
    return SignificanceMethod.objects.get(code="env-5x4")


def scores(scale=1, severity=1, probability=1, legal=1):
    return {"scale": scale, "severity": severity, "probability": probability, "legal": legal}


def test_the_shipped_method_has_its_four_criteria_once_after_two_loads(method):
    services.significance_methods_load()
    assert list(method.criteria.values_list("code", flat=True)) == [
        "scale",
        "severity",
        "probability",
        "legal",
    ]
    assert method.criteria.get(code="legal").legal
    assert method.criteria.get(code="scale").scale_zh["5"] == "厂界外"


@pytest.mark.parametrize(
    ("given", "score", "significant"),
    [
        (scores(4, 4, 3, 1), 12, False),  # one below the threshold
        (scores(4, 4, 4, 1), 13, True),  # at the threshold
        (scores(1, 1, 1, 4), 7, False),  # legal concern one below its own threshold
        (scores(1, 1, 1, 5), 8, True),  # legal concern at its threshold alone makes it significant
        (scores(5, 5, 5, 5), 20, True),
    ],
)
def test_significance_at_the_edges(method, given, score, significant):
    result = aspect_significance(method=method, scores=given)
    assert (result.score, result.significant, result.problems) == (score, significant, {})


@pytest.mark.parametrize(
    "bad",
    [
        {**scores(), "scale": 0},
        {**scores(), "scale": 6},
        {**scores(), "scale": "x"},
        {**scores(), "scale": True},
        {"scale": 1, "severity": 1, "probability": 1},
        {**scores(), "noise": 3},
    ],
)
def test_scores_the_method_refuses_store_nothing(method, staff_user, bad):
    with pytest.raises(DomainError) as error:
        services.aspect_create(
            by=staff_user, title="Noise", activity="Shredding", aspect="Noise", impact="Nuisance",
            method=method, scores=bad,
        )  # fmt: skip
    assert error.value.field == "scores"
    assert not Aspect.objects.exists()


def test_a_product_method_multiplies(method):
    method.aggregation = "product"
    method.significant_from = 100
    assert aspect_significance(method=method, scores=scores(5, 5, 4, 1)).significant
    assert not aspect_significance(method=method, scores=scores(5, 5, 3, 1)).significant


def test_create_and_edit_store_the_scores_and_the_verdict(method, staff_user, site):
    aspect = services.aspect_create(
        by=staff_user, title="Electrolyte vapour", title_zh="电解液挥发", activity="Disassembly",
        aspect="VOC emission", impact="Air pollution", method=method, scores=scores(3, 3, 3, 3),
        sites=[site],
    )  # fmt: skip
    assert (aspect.reference[:4], aspect.score, aspect.significant) == ("ASP-", 12, False)
    updated = services.aspect_update(
        entry=aspect, by=staff_user, version=1, scores=scores(3, 3, 3, 5), operational_controls="LEV"
    )
    stored = Aspect.objects.get(pk=aspect.pk)
    assert (stored.score, stored.significant, stored.scores["legal"], stored.version) == (14, True, 5, 2)
    assert updated.history.first().score == 14
    assert updated.history.last().score == 12
    with pytest.raises(EditConflict):
        services.aspect_update(entry=aspect, by=staff_user, version=1, title="Stale")
    assert Aspect.objects.get(pk=aspect.pk).title == "Electrolyte vapour"
