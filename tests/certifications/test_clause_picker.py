"""The clause picker: every clause by standard, and the crosswalk's shared clauses as one choice
that links the same clause in every Harmonized Structure standard."""

from __future__ import annotations

import re

import pytest

from certifications.models import Clause, Evidence

from .factories import make_evidence

pytestmark = pytest.mark.django_db


def _group_value(page: str, label_start: str) -> str:
    match = re.search(r'<option value="(group:\d+)"[^>]*>' + re.escape(label_start), page)
    assert match, label_start
    return match.group(1)


def test_the_add_form_offers_internal_audit_in_every_hs_standard_as_one_choice(staff_client, shipped):
    page = staff_client.get("/evidence/new/").content.decode()
    assert 'data-clause-picker=""' in page
    assert '<optgroup label="Same clause in every Harmonized Structure standard">' in page
    assert "9.2 Internal audit · ISO 9001 9.2, ISO 14001 9.2, ISO 45001 9.2, ISO 50001 9.2" in page
    assert "clause_picker.js" in page


def test_choosing_the_shared_clause_links_it_in_all_four_standards(staff_client, staff_user, shipped):
    value = _group_value(staff_client.get("/evidence/new/").content.decode(), "9.2 Internal audit")
    response = staff_client.post(
        "/evidence/new/", {"title": "Internal audit 2026", "owner": staff_user.pk, "clauses": [value]}
    )
    assert response.status_code == 302
    linked = Evidence.objects.get(title="Internal audit 2026").clauses.all()
    assert sorted(f"{c.standard.code} {c.number}" for c in linked) == [
        "ISO 14001 9.2",
        "ISO 45001 9.2",
        "ISO 50001 9.2",
        "ISO 9001 9.2",
    ]


def test_the_shared_nonconformity_clause_follows_the_crosswalk_numbers(staff_client, staff_user, shipped):
    page = staff_client.get("/evidence/new/").content.decode()
    assert "ISO 9001 10.2, ISO 14001 10.2, ISO 50001 10.1" in page


def test_linking_a_shared_clause_on_the_item_page_adds_every_member(staff_client, staff_user, shipped):
    evidence = make_evidence(owner=staff_user)
    page = staff_client.get(f"/evidence/{evidence.pk}/").content.decode()
    value = _group_value(page, "7.5 ")
    staff_client.post(f"/evidence/{evidence.pk}/link/", {"clauses": [value, value]})
    assert evidence.clauses.filter(number="7.5").count() == 4


def test_single_clauses_can_still_be_chosen_and_an_unknown_group_is_a_form_error(
    staff_client, staff_user, shipped
):
    audit = Clause.objects.get(standard__code="ISO 9001", number="9.2")
    response = staff_client.post(
        "/evidence/new/", {"title": "Audit", "owner": staff_user.pk, "clauses": [audit.pk, "group:999999"]}
    )
    assert response.status_code == 200
    assert not Evidence.objects.filter(title="Audit").exists()
    response = staff_client.post(
        "/evidence/new/", {"title": "Audit", "owner": staff_user.pk, "clauses": [audit.pk]}
    )
    assert list(Evidence.objects.get(title="Audit").clauses.all()) == [audit]
