"""Document control of evidence: edits of approved content go back to review, a second person
approves (unless the organisation allows self-approval), the item's page shows its history, and
an optional Chinese title."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.utils import translation

from certifications import services
from certifications.models import Evidence, EvidenceStatus
from greenfactory.core.exceptions import TransitionNotAllowed
from tests.factories import UserFactory

from .factories import PDF_BYTES, make_evidence

pytestmark = pytest.mark.django_db


def _edit_form(evidence, **changes):
    data = {
        "title": evidence.title,
        "title_zh": evidence.title_zh,
        "description": evidence.description,
        "owner": evidence.owner_id,
        "review_date": evidence.review_date.isoformat() if evidence.review_date else "",
        "expiry_date": evidence.expiry_date.isoformat() if evidence.expiry_date else "",
    }
    data.update(changes)
    return data


def test_moving_the_expiry_of_approved_evidence_sends_it_back_to_review_without_approver(
    staff_client, staff_user, admin_user
):
    evidence = make_evidence(owner=staff_user, approver=admin_user, expiry_date=dt.date(2027, 6, 1))
    response = staff_client.post(
        f"/evidence/{evidence.pk}/edit/", _edit_form(evidence, expiry_date="2030-06-01"), follow=True
    )
    assert "back in review" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.expiry_date == dt.date(2030, 6, 1)
    assert (evidence.status, evidence.approver, evidence.approved_at) == (
        EvidenceStatus.IN_REVIEW,
        None,
        None,
    )


def test_changing_only_the_owner_of_approved_evidence_keeps_the_approval(staff_user, admin_user):
    evidence = make_evidence(owner=staff_user, approver=admin_user)
    services.evidence_update(evidence=evidence, by=staff_user, owner=admin_user)
    evidence.refresh_from_db()
    assert (evidence.status, evidence.approver) == (EvidenceStatus.APPROVED, admin_user)


def test_changing_the_sites_of_approved_evidence_sends_it_back_to_review(staff_user, admin_user, site):
    evidence = make_evidence(owner=staff_user, approver=admin_user)
    services.evidence_update(evidence=evidence, by=staff_user, sites=[site])
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.IN_REVIEW


def test_a_new_file_needs_a_new_revision_and_approval_again(staff_user, admin_user):
    evidence = make_evidence(owner=staff_user, approver=admin_user)
    with pytest.raises(TransitionNotAllowed):
        services.evidence_revision_add(
            evidence=evidence, file=BytesIO(PDF_BYTES), name="v2.pdf", by=staff_user
        )
    draft = services.evidence_transition(evidence=evidence, to=EvidenceStatus.DRAFT, by=staff_user)
    services.evidence_revision_add(evidence=draft, file=BytesIO(PDF_BYTES), name="v2.pdf", by=staff_user)
    draft.refresh_from_db()
    assert (draft.status, draft.approver) == (EvidenceStatus.DRAFT, None)


def test_the_creator_cannot_approve_their_own_evidence_and_is_told_why(staff_client, staff_user):
    evidence = make_evidence(owner=staff_user, status=EvidenceStatus.IN_REVIEW)
    response = staff_client.post(f"/evidence/{evidence.pk}/status/", {"to": "approved"}, follow=True)
    assert "a second person must approve it" in response.content.decode()
    assert Evidence.objects.get(pk=evidence.pk).status == EvidenceStatus.IN_REVIEW


def test_the_uploader_of_the_latest_file_cannot_approve_it(staff_user, admin_user):
    evidence = services.evidence_create(title="Energy review", owner=staff_user, by=staff_user)
    services.evidence_revision_add(evidence=evidence, file=BytesIO(PDF_BYTES), name="r.pdf", by=admin_user)
    services.evidence_transition(evidence=evidence, to=EvidenceStatus.IN_REVIEW, by=staff_user)
    with pytest.raises(TransitionNotAllowed, match="second person"):
        services.evidence_transition(evidence=evidence, to=EvidenceStatus.APPROVED, by=admin_user)
    approved = services.evidence_transition(evidence=evidence, to=EvidenceStatus.APPROVED, by=UserFactory())
    assert approved.status == EvidenceStatus.APPROVED


def test_self_approval_in_the_api_is_409_with_the_reason(staff_client, staff_user):
    evidence = make_evidence(owner=staff_user, status=EvidenceStatus.IN_REVIEW)
    response = staff_client.post(f"/api/v1/evidence/{evidence.pk}/transition/", {"to": "approved"})
    assert response.status_code == 409
    assert "second person" in response.json()["detail"]


def test_an_organisation_that_allows_self_approval_lets_the_author_approve(staff_user, site, admin_user):
    services.evidence_policy_set(organisation=site.organisation, self_approval_allowed=True, by=admin_user)
    evidence = make_evidence(owner=staff_user, status=EvidenceStatus.IN_REVIEW, sites=[site])
    approved = services.evidence_transition(evidence=evidence, to=EvidenceStatus.APPROVED, by=staff_user)
    assert approved.approver == staff_user


def test_self_approval_of_an_item_for_every_site_needs_every_organisation_to_allow_it(
    staff_user, site, admin_user
):
    from tests.factories import SiteFactory

    other = SiteFactory(code="SH-01")
    services.evidence_policy_set(organisation=site.organisation, self_approval_allowed=True, by=admin_user)
    evidence = make_evidence(owner=staff_user, status=EvidenceStatus.IN_REVIEW)
    if other.organisation_id != site.organisation_id:
        with pytest.raises(TransitionNotAllowed):
            services.evidence_transition(evidence=evidence, to=EvidenceStatus.APPROVED, by=staff_user)
        services.evidence_policy_set(
            organisation=other.organisation, self_approval_allowed=True, by=admin_user
        )
    approved = services.evidence_transition(evidence=evidence, to=EvidenceStatus.APPROVED, by=staff_user)
    assert approved.status == EvidenceStatus.APPROVED


def test_the_item_page_shows_who_changed_what_and_when(staff_client, staff_user, admin_user):
    evidence = make_evidence(owner=staff_user, approver=admin_user, expiry_date=dt.date(2027, 6, 1))
    staff_client.post(f"/evidence/{evidence.pk}/edit/", _edit_form(evidence, expiry_date="2030-06-01"))
    page = staff_client.get(f"/evidence/{evidence.pk}/").content.decode()
    history = page[page.index('id="history"') :]
    assert "<strong>Expiry date</strong>: <del>1 Jun 2027</del> → <ins>1 Jun 2030</ins>" in history
    assert "<strong>Status</strong>: <del>Approved</del> → <ins>In review</ins>" in history
    assert f"<strong>Approver</strong>: <del>{admin_user}</del> → <ins>—</ins>" in history
    assert "staff1" in history
    assert "Recorded" in history


def test_the_history_query_count_does_not_grow_with_its_length(
    staff_client, staff_user, admin_user, django_assert_max_num_queries
):
    evidence = make_evidence(owner=staff_user, approver=admin_user)
    for year in range(2027, 2037):
        services.evidence_update(evidence=evidence, by=staff_user, expiry_date=dt.date(year, 1, 1))
    with django_assert_max_num_queries(30):
        assert staff_client.get(f"/evidence/{evidence.pk}/").status_code == 200


def test_a_chinese_title_is_shown_on_chinese_pages_and_the_english_one_otherwise(staff_client, staff_user):
    evidence = services.evidence_create(
        title="Energy review 2026", title_zh="2026年能源评审", owner=staff_user, by=staff_user
    )
    english = staff_client.get(f"/evidence/{evidence.pk}/").content.decode()
    assert "<h1>Energy review 2026</h1>" in english
    chinese = staff_client.get(f"/evidence/{evidence.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>2026年能源评审</h1>" in chinese
    register = staff_client.get("/evidence/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2026年能源评审" in register


def test_without_a_chinese_title_chinese_pages_show_the_english_one(staff_user):
    evidence = services.evidence_create(title="Energy review", owner=staff_user, by=staff_user)
    with translation.override("zh-hans"):
        assert evidence.local_title == "Energy review"


def test_the_chinese_title_is_set_on_the_edit_page_and_in_the_api(staff_client, staff_user):
    evidence = services.evidence_create(title="Energy review", owner=staff_user, by=staff_user)
    staff_client.post(f"/evidence/{evidence.pk}/edit/", _edit_form(evidence, title_zh="能源评审"))
    assert Evidence.objects.get(pk=evidence.pk).title_zh == "能源评审"
    response = staff_client.patch(
        f"/api/v1/evidence/{evidence.pk}/", {"title_zh": "能源评审报告"}, content_type="application/json"
    )
    assert response.json()["title_zh"] == "能源评审报告"
