"""The audits API: planning, checklists with edit conflicts, reports, closure, findings and CAPA."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from certifications.models import (
    Audit,
    AuditProgramme,
    AuditSession,
    AuditStatus,
    AuditType,
    CapaAction,
    CapaState,
    ChecklistItem,
    CorrectiveAction,
    Finding,
    FindingClass,
    FindingStatus,
)
from certifications.services import audits as audit_services
from certifications.services import capa as capa_services
from certifications.services import checklists as checklist_services
from certifications.services import findings as finding_services
from greenfactory.accounts.roles import Role
from tests.factories import UserFactory

from .factories import ClauseFactory, StandardFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def small(db):
    """A two-level standard: 4 with 4.1 and 4.2, and 5."""
    standard = StandardFactory(code="ISO 9999", edition="2020")
    four = ClauseFactory(standard=standard, number="4", position=0)
    ClauseFactory(standard=standard, number="4.1", parent=four, depth=1, position=1)
    ClauseFactory(standard=standard, number="4.2", parent=four, depth=1, position=2)
    ClauseFactory(standard=standard, number="5", position=3)
    return standard


@pytest.fixture
def planned(site, staff_user, small, today):
    return audit_services.audit_create(
        site=site,
        title="Internal audit",
        audit_type=AuditType.INTERNAL,
        standards=[small],
        starts_on=today,
        ends_on=today + dt.timedelta(days=2),
        lead_auditor=staff_user,
        by=staff_user,
    )


@pytest.fixture
def running(planned, staff_user):
    checklist_services.checklist_generate(audit=planned, by=staff_user)
    return audit_services.audit_transition(audit=planned, to=AuditStatus.IN_PROGRESS, by=staff_user)


def _item(audit: Audit, number: str) -> ChecklistItem:
    return audit.checklist.get(number=number)


def _major(audit: Audit, by) -> Finding:
    return finding_services.finding_raise(
        audit=audit,
        finding_class=FindingClass.MAJOR,
        statement="No management review",
        owner=by,
        checklist_item=_item(audit, "5"),
        by=by,
    )


# --- planning -------------------------------------------------------------------------------------


def test_an_audit_planned_through_the_api_is_stored_with_its_scope_and_team(
    staff_client, staff_user, site, small, today
):
    colleague = UserFactory(username="colleague", role=Role.STAFF)
    four = small.clauses.get(number="4")
    response = staff_client.post(
        "/api/v1/audits/",
        {
            "site": site.code,
            "title": "Quality internal audit",
            "audit_type": "internal",
            "standards": [small.pk],
            "clauses": [four.pk],
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=1)).isoformat(),
            "lead_auditor": staff_user.username,
            "team": [colleague.username],
            "scope": "Assembly",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    audit = Audit.objects.get()
    assert response.json()["reference"] == audit.reference == f"IA-{today.year}-01"
    assert (audit.programme.site, audit.programme.year) == (site, today.year)
    assert list(audit.standards.all()) == [small]
    assert list(audit.clauses.all()) == [four]
    assert list(audit.sites.all()) == [site]
    assert audit.lead_auditor == staff_user
    assert list(audit.team.all()) == [colleague]
    body = staff_client.get(f"/api/v1/audits/{audit.pk}/").json()
    assert body["team"] == ["colleague"]
    assert body["lead_auditor"] == staff_user.username
    assert body["checklist_counts"]["total"] == 0


def test_an_audit_is_changed_through_the_api_and_its_programme_objectives_too(staff_client, planned, today):
    response = staff_client.patch(
        f"/api/v1/audits/{planned.pk}/",
        {"title": "Renamed", "opening_meeting_notes": "All present"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    planned.refresh_from_db()
    assert (planned.title, planned.opening_meeting_notes) == ("Renamed", "All present")
    programme = planned.programme
    patched = staff_client.patch(
        f"/api/v1/audit-programmes/{programme.pk}/", {"objectives": "Cover every clause"}, content_type=JSON
    )
    assert patched.status_code == 200
    assert AuditProgramme.objects.get(pk=programme.pk).objectives == "Cover every clause"
    assert patched.json()["audit_count"] == 1


@pytest.mark.parametrize(
    "change",
    [
        {"lead_auditor": "nobody"},
        {"lead_auditor": "retired"},
        {"standards": [987654]},
        {"standards": [2**70]},
        {"site": "NOPE"},
        {"ends_on": "2026-01-01", "starts_on": "2026-02-01"},
        {"starts_on": "0226-01-01"},
        {"title": ""},
    ],
)
def test_a_plan_with_bad_input_is_refused_with_400_and_nothing_is_stored(
    staff_client, site, small, today, change
):
    UserFactory(username="retired", role=Role.STAFF, is_active=False)
    data = {
        "site": site.code,
        "title": "Audit",
        "audit_type": "internal",
        "standards": [small.pk],
        "starts_on": today.isoformat(),
        "ends_on": today.isoformat(),
        **change,
    }
    response = staff_client.post("/api/v1/audits/", data, content_type=JSON)
    assert response.status_code == 400, response.content
    assert set(change) & set(response.json())
    assert not Audit.objects.exists()
    assert not AuditProgramme.objects.exists()


def test_filters_find_audits_by_site_year_status_and_overdue(staff_client, planned, site, today):
    late = audit_services.audit_create(
        site=site,
        title="Late",
        audit_type=AuditType.SURVEILLANCE,
        standards=list(planned.standards.all()),
        starts_on=today - dt.timedelta(days=3),
        ends_on=today - dt.timedelta(days=1),
        by=planned.created_by,
    )

    def refs(query):
        response = staff_client.get(f"/api/v1/audits/?{query}")
        assert response.status_code == 200, response.json()
        return [a["reference"] for a in response.json()["results"]]

    assert refs("overdue=true") == [late.reference]
    assert refs("overdue=false") == [planned.reference]
    assert refs("audit_type=internal") == [planned.reference]
    assert sorted(refs(f"site={site.code}&status=planned&year={today.year}")) == sorted(
        [planned.reference, late.reference]
    )
    assert staff_client.get("/api/v1/audits/?year=1800").status_code == 400


# --- checklist ------------------------------------------------------------------------------------


def test_a_generated_checklist_is_filled_in_through_the_api_and_counted(staff_client, planned, small):
    generated = staff_client.post(f"/api/v1/audits/{planned.pk}/generate-checklist/", {}, content_type=JSON)
    assert generated.status_code == 200, generated.json()
    assert generated.json()["checklist_counts"]["total"] == 3
    assert (
        staff_client.post(
            f"/api/v1/audits/{planned.pk}/transition/", {"to": "in_progress"}, content_type=JSON
        ).json()["status"]
        == "in_progress"
    )
    item = _item(planned, "4.1")
    response = staff_client.patch(
        f"/api/v1/checklist-items/{item.pk}/",
        {"version": item.version, "result": "conforming", "notes": "Seen the context analysis"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == item.version + 1
    item.refresh_from_db()
    assert (item.result, item.notes, item.version) == ("conforming", "Seen the context analysis", 2)
    listed = staff_client.get(f"/api/v1/checklist-items/?audit={planned.pk}&result=open").json()
    assert [i["number"] for i in listed["results"]] == ["4.2", "5"]
    counts = staff_client.get(f"/api/v1/audits/{planned.pk}/").json()["checklist_counts"]
    assert (counts["conforming"], counts["open"], counts["total"]) == (1, 2, 3)


def test_a_change_made_on_an_older_version_answers_409_with_the_current_version(
    staff_client, running, staff_user
):
    item = _item(running, "4.1")
    other = UserFactory(username="other", role=Role.STAFF)
    checklist_services.checklist_item_update(
        item=item, version=1, result="conforming", notes="Theirs", by=other
    )
    response = staff_client.patch(
        f"/api/v1/checklist-items/{item.pk}/",
        {"version": 1, "result": "nonconformity", "notes": "Mine"},
        content_type=JSON,
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "edit_conflict"
    assert body["current_version"] == 2
    assert body["version"]
    item.refresh_from_db()
    assert (item.result, item.notes, item.version) == ("conforming", "Theirs", 2)


@pytest.mark.parametrize(
    "data",
    [
        {"result": "conforming"},
        {"version": "one", "result": "conforming"},
        {"version": 1, "result": "maybe"},
        {"version": 1, "result": "not_applicable"},
        {"version": 1, "sampled_evidence": [987654]},
    ],
)
def test_a_checklist_change_with_bad_input_is_refused_and_the_item_unchanged(staff_client, running, data):
    item = _item(running, "4.1")
    response = staff_client.patch(f"/api/v1/checklist-items/{item.pk}/", data, content_type=JSON)
    assert response.status_code == 400, response.content
    item.refresh_from_db()
    assert (item.result, item.version) == ("", 1)


# --- report and closure ---------------------------------------------------------------------------


def test_closing_is_refused_with_the_list_of_what_blocks_it(staff_client, running, staff_user):
    major = _major(running, staff_user)
    audit_services.audit_transition(audit=running, to=AuditStatus.REPORTING, by=staff_user)
    response = staff_client.post(
        f"/api/v1/audits/{running.pk}/transition/", {"to": "closed"}, content_type=JSON
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "audit_cannot_close"
    assert len(body["blocking"]) == 2
    assert major.reference in body["blocking"][1]
    assert Audit.objects.get(pk=running.pk).status == AuditStatus.REPORTING


def test_the_report_is_written_signed_off_and_the_audit_closed_through_the_api(
    staff_client, running, staff_user
):
    staff_client.post(f"/api/v1/audits/{running.pk}/transition/", {"to": "reporting"}, content_type=JSON)
    written = staff_client.patch(
        f"/api/v1/audits/{running.pk}/report/",
        {"summary": "Sound system", "conclusions": "Conforms"},
        content_type=JSON,
    )
    assert written.status_code == 200, written.json()
    signed = staff_client.post(f"/api/v1/audits/{running.pk}/sign-off/")
    assert signed.status_code == 200, signed.json()
    assert signed.json()["report_signed_by"] == staff_user.username
    closed = staff_client.post(
        f"/api/v1/audits/{running.pk}/transition/", {"to": "closed"}, content_type=JSON
    )
    assert closed.status_code == 200, closed.json()
    running.refresh_from_db()
    assert (running.report_summary, running.report_conclusions) == ("Sound system", "Conforms")
    assert running.report_signed_by == staff_user
    assert running.status == AuditStatus.CLOSED
    assert running.closed_at is not None


def test_someone_other_than_the_lead_auditor_cannot_sign_off(running, staff_user, admin_client):
    audit_services.audit_transition(audit=running, to=AuditStatus.REPORTING, by=staff_user)
    audit_services.report_update(audit=running, summary="S", conclusions="C", by=staff_user)
    response = admin_client.post(f"/api/v1/audits/{running.pk}/sign-off/")
    assert response.status_code == 403
    assert Audit.objects.get(pk=running.pk).report_signed_at is None


def test_an_audit_with_findings_cannot_be_deleted_but_one_planned_by_mistake_can(
    staff_client, running, staff_user, planned
):
    _major(running, staff_user)
    refused = staff_client.delete(f"/api/v1/audits/{running.pk}/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "transition_not_allowed"
    assert Audit.objects.filter(pk=running.pk).exists()
    mistake = audit_services.audit_create(
        site=planned.programme.site,
        title="Mistake",
        audit_type=AuditType.INTERNAL,
        standards=list(planned.standards.all()),
        starts_on=planned.starts_on,
        ends_on=planned.ends_on,
        by=staff_user,
    )
    assert staff_client.delete(f"/api/v1/audits/{mistake.pk}/").status_code == 204
    assert not Audit.objects.filter(pk=mistake.pk).exists()


def test_sessions_are_added_to_the_plan_and_removed(staff_client, planned, staff_user):
    nine = timezone.make_aware(dt.datetime.combine(planned.starts_on, dt.time(9)))
    data = {
        "audit": planned.pk,
        "starts_at": nine.isoformat(),
        "ends_at": (nine + dt.timedelta(hours=2)).isoformat(),
        "topic": "4 Context",
        "auditor": staff_user.username,
    }
    created = staff_client.post("/api/v1/audit-sessions/", data, content_type=JSON)
    assert created.status_code == 201, created.json()
    session = AuditSession.objects.get()
    assert (session.topic, session.auditor, session.starts_at) == ("4 Context", staff_user, nine)
    outside = {**data, "starts_at": (nine - dt.timedelta(days=5)).isoformat()}
    assert staff_client.post("/api/v1/audit-sessions/", outside, content_type=JSON).status_code == 400
    assert AuditSession.objects.count() == 1
    listed = staff_client.get(f"/api/v1/audit-sessions/?audit={planned.pk}").json()
    assert [s["id"] for s in listed["results"]] == [session.pk]
    assert staff_client.delete(f"/api/v1/audit-sessions/{session.pk}/").status_code == 204
    assert not AuditSession.objects.exists()


# --- findings and corrective actions ----------------------------------------------------------------


def test_a_nonconformity_raised_through_the_api_gets_its_corrective_action(staff_client, running, staff_user):
    item = _item(running, "5")
    response = staff_client.post(
        "/api/v1/findings/",
        {
            "audit": running.pk,
            "finding_class": "minor",
            "statement": "Policy not communicated",
            "owner": staff_user.username,
            "checklist_item": item.pk,
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    finding = Finding.objects.get()
    assert finding.reference == f"{running.reference}-F01"
    assert list(finding.clauses.all()) == list(item.clauses.all())
    assert response.json()["corrective_action"] == finding.capa.pk
    item.refresh_from_db()
    assert item.result == "nonconformity"
    listed = staff_client.get(f"/api/v1/findings/?audit={running.pk}&finding_class=minor&status=open").json()
    assert [f["reference"] for f in listed["results"]] == [finding.reference]
    assert staff_client.get("/api/v1/findings/?finding_class=major").json()["results"] == []
    patched = staff_client.patch(
        f"/api/v1/findings/{finding.pk}/",
        {"statement": "Policy not communicated to staff"},
        content_type=JSON,
    )
    assert patched.status_code == 200, patched.json()
    assert Finding.objects.get().statement == "Policy not communicated to staff"


def test_an_observation_is_closed_with_a_note_and_a_nonconformity_is_not(staff_client, running, staff_user):
    observation = finding_services.finding_raise(
        audit=running,
        finding_class=FindingClass.OBSERVATION,
        statement="Could be clearer",
        owner=staff_user,
        checklist_item=_item(running, "4.1"),
        by=staff_user,
    )
    major = _major(running, staff_user)
    closed = staff_client.post(
        f"/api/v1/findings/{observation.pk}/close/", {"note": "Discussed"}, content_type=JSON
    )
    assert closed.status_code == 200, closed.json()
    observation.refresh_from_db()
    assert (observation.status, observation.closure_note) == (FindingStatus.CLOSED, "Discussed")
    refused = staff_client.post(f"/api/v1/findings/{major.pk}/close/", {"note": "Done"}, content_type=JSON)
    assert refused.status_code == 409
    assert Finding.objects.get(pk=major.pk).status == FindingStatus.OPEN


def test_a_finding_for_an_unknown_or_inactive_owner_is_refused_and_nothing_is_raised(staff_client, running):
    UserFactory(username="gone", role=Role.STAFF, is_active=False)
    for owner in ("gone", "nobody"):
        response = staff_client.post(
            "/api/v1/findings/",
            {
                "audit": running.pk,
                "finding_class": "minor",
                "statement": "Something",
                "owner": owner,
                "checklist_item": _item(running, "5").pk,
            },
            content_type=JSON,
        )
        assert response.status_code == 400
        assert "owner" in response.json()
    assert not Finding.objects.exists()


def test_a_corrective_action_goes_through_its_workflow_through_the_api(staff_client, running, staff_user):
    capa = _major(running, staff_user).capa
    url = f"/api/v1/corrective-actions/{capa.pk}"

    def step(name, **data):
        response = staff_client.post(f"{url}/{name}/", data, content_type=JSON)
        assert response.status_code == 200, (name, response.json())
        return response.json()

    assert step("contain", containment="Quarantined", version=1)["state"] == "contained"
    step("analyse", root_cause_method="five_why", whys=["No owner"], root_cause="No owner")
    added = staff_client.post(
        "/api/v1/capa-actions/",
        {
            "capa": capa.pk,
            "description": "Name an owner",
            "owner": staff_user.username,
            "due_on": "2030-01-01",
        },
        content_type=JSON,
    )
    assert added.status_code == 201, added.json()
    planned_action = CapaAction.objects.get()
    step("propose")
    step("accept", note="Fine")
    done = staff_client.patch(
        f"/api/v1/capa-actions/{planned_action.pk}/",
        {"done_on": timezone.localdate().isoformat()},
        content_type=JSON,
    )
    assert done.status_code == 200, done.json()
    step("implement", implementation="Owner named")
    step("verify", effective=True, verification="Reviewed on time")
    body = step("close", note="Effective")
    assert body["state"] == "closed"
    assert [s["to_state"] for s in body["steps"]] == [
        "contained",
        "analysed",
        "planned",
        "accepted",
        "implemented",
        "verified",
        "closed",
    ]
    assert [a["description"] for a in body["actions"]] == ["Name an owner"]
    capa.refresh_from_db()
    assert (capa.state, capa.containment, capa.root_cause, capa.verified_by) == (
        CapaState.CLOSED,
        "Quarantined",
        "No owner",
        staff_user,
    )
    assert capa.finding.status == FindingStatus.CLOSED
    assert staff_client.get("/api/v1/corrective-actions/?state=closed").json()["count"] == 1


def test_a_corrective_action_step_on_an_older_version_answers_409_and_changes_nothing(
    staff_client, running, staff_user
):
    capa = _major(running, staff_user).capa
    capa_services.capa_contain(capa=capa, containment="Theirs", by=staff_user)
    for name, data in (
        ("analyse", {"root_cause_method": "8d", "root_cause": "Mine", "version": 1}),
        ("due-dates", {"plan_due_on": "2030-01-01", "version": 1}),
    ):
        response = staff_client.post(f"/api/v1/corrective-actions/{capa.pk}/{name}/", data, content_type=JSON)
        assert response.status_code == 409, name
        assert response.json()["current_version"] == 2
    capa.refresh_from_db()
    assert (capa.state, capa.root_cause, capa.version) == (CapaState.CONTAINED, "", 2)
    assert capa.plan_due_on != dt.date(2030, 1, 1)


def test_a_step_the_workflow_does_not_allow_is_refused_and_bad_input_is_400(
    staff_client, running, staff_user
):
    capa = _major(running, staff_user).capa
    url = f"/api/v1/corrective-actions/{capa.pk}"
    assert staff_client.post(f"{url}/propose/", {}, content_type=JSON).status_code == 409
    assert staff_client.post(f"{url}/contain/", {"containment": ""}, content_type=JSON).status_code == 400
    assert staff_client.post(f"{url}/due-dates/", {"owner": "nobody"}, content_type=JSON).status_code == 400
    assert CorrectiveAction.objects.get(pk=capa.pk).state == CapaState.OPEN
    assert not CapaAction.objects.exists()


def test_overdue_filters_find_late_findings_and_corrective_actions(staff_client, running, staff_user):
    major = _major(running, staff_user)
    Finding.objects.filter(pk=major.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    CorrectiveAction.objects.filter(pk=major.capa.pk).update(
        containment_due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert [f["id"] for f in staff_client.get("/api/v1/findings/?overdue=true").json()["results"]] == [
        major.pk
    ]
    assert staff_client.get("/api/v1/findings/?overdue=false").json()["results"] == []
    late = staff_client.get(f"/api/v1/corrective-actions/?overdue=true&owner={staff_user.username}").json()
    assert [c["id"] for c in late["results"]] == [major.capa.pk]


# --- who may -----------------------------------------------------------------------------------------


def test_auditors_are_refused_and_anonymous_callers_must_authenticate(auditor_client, running, site, small):
    routes = [
        "/api/v1/audits/",
        f"/api/v1/audits/{running.pk}/",
        "/api/v1/findings/",
        "/api/v1/checklist-items/",
    ]
    for path in routes:
        assert auditor_client.get(path).status_code == 403, path
        assert Client().get(path).status_code == 401, path
    data = {"site": site.code, "title": "X", "audit_type": "internal", "standards": [small.pk]}
    assert auditor_client.post("/api/v1/audits/", data, content_type=JSON).status_code == 403
    assert Client().post("/api/v1/audits/", data, content_type=JSON).status_code == 401
    item = _item(running, "4.1")
    patched = auditor_client.patch(
        f"/api/v1/checklist-items/{item.pk}/", {"version": 1, "result": "conforming"}, content_type=JSON
    )
    assert patched.status_code == 403
    assert Audit.objects.count() == 1
    assert ChecklistItem.objects.get(pk=item.pk).result == ""


def test_the_lists_query_count_does_not_grow_with_their_data(
    staff_client, running, staff_user, site, django_assert_max_num_queries
):
    capa_services.capa_contain(capa=_major(running, staff_user).capa, containment="Held", by=staff_user)
    paths = (
        "/api/v1/audits/",
        "/api/v1/checklist-items/",
        "/api/v1/findings/",
        "/api/v1/corrective-actions/",
    )
    counts = {}
    for path in paths:
        with django_assert_max_num_queries(20) as few:
            assert staff_client.get(path).status_code == 200
        counts[path] = len(few.captured_queries)
    for n in range(3):
        audit = audit_services.audit_create(
            site=site,
            title=f"More {n}",
            audit_type=AuditType.INTERNAL,
            standards=list(running.standards.all()),
            starts_on=running.starts_on,
            ends_on=running.ends_on,
            lead_auditor=staff_user,
            team=[staff_user, UserFactory(role=Role.STAFF)],
            by=staff_user,
        )
        checklist_services.checklist_generate(audit=audit, by=staff_user)
        audit_services.audit_transition(audit=audit, to=AuditStatus.IN_PROGRESS, by=staff_user)
        capa = _major(audit, staff_user).capa
        capa_services.capa_contain(capa=capa, containment="Held", by=staff_user)
    for path in paths:
        with django_assert_max_num_queries(counts[path]):
            assert staff_client.get(path).json()["count"] > 3
