"""Corrective actions: every state change the workflow allows or refuses, the step log, due dates."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from certifications.exceptions import EditConflict
from certifications.models import AuditType, CapaState, CorrectiveAction, FindingClass
from certifications.services import audits as audit_services
from certifications.services import capa as capa_services
from certifications.services import checklists as checklist_services
from certifications.services import findings as finding_services
from greenfactory.core.exceptions import DomainError, TransitionNotAllowed

from .factories import ClauseFactory, StandardFactory

TODAY = dt.date(2026, 6, 1)
S = CapaState


@pytest.fixture
def capa(site, staff_user) -> CorrectiveAction:
    standard = StandardFactory(code="ISO 9999", edition="2020")
    ClauseFactory(standard=standard, number="4")
    audit = audit_services.audit_create(
        site=site,
        title="Internal",
        audit_type=AuditType.INTERNAL,
        standards=[standard],
        starts_on=TODAY,
        ends_on=TODAY,
        by=staff_user,
    )
    checklist_services.checklist_generate(audit=audit, by=staff_user)
    audit_services.audit_transition(audit=audit, to="in_progress", by=staff_user)
    finding = finding_services.finding_raise(
        audit=audit,
        checklist_item=audit.checklist.get(),
        finding_class=FindingClass.MINOR,
        statement="Records incomplete",
        owner=staff_user,
        by=staff_user,
        today=TODAY,
    )
    return finding.capa


def _attempt(capa: CorrectiveAction, to: str, by) -> None:
    """The service call that tries to move ``capa`` to ``to``, with valid data for that step."""
    calls = {
        S.CONTAINED: lambda: capa_services.capa_contain(capa=capa, containment="Held", by=by),
        S.ANALYSED: lambda: (
            capa_services.capa_plan_reject(capa=capa, reason="Too vague", by=by)
            if capa.state == S.PLANNED
            else capa_services.capa_analyse(
                capa=capa, method="five_why", whys=["Why"], root_cause="Cause", by=by
            )
        ),
        S.PLANNED: lambda: (
            capa_services.capa_verify(capa=capa, effective=False, verification="Recurred", by=by)
            if capa.state == S.IMPLEMENTED
            else capa_services.capa_plan_propose(capa=capa, by=by)
        ),
        S.ACCEPTED: lambda: capa_services.capa_plan_accept(capa=capa, by=by),
        S.IMPLEMENTED: lambda: capa_services.capa_implement(capa=capa, implementation="Done", by=by),
        S.VERIFIED: lambda: capa_services.capa_verify(capa=capa, effective=True, verification="Held", by=by),
        S.CLOSED: lambda: capa_services.capa_close(capa=capa, by=by),
    }
    if to == S.OPEN:
        raise TransitionNotAllowed("No step leads back to open.")
    calls[to]()


@pytest.mark.parametrize(("start", "to"), list(itertools.product(S.values, repeat=2)))
def test_every_corrective_action_step_is_allowed_or_refused_as_the_table_says(capa, staff_user, start, to):
    CorrectiveAction.objects.filter(pk=capa.pk).update(state=start)
    capa.refresh_from_db()
    capa.actions.create(description="Train", owner=staff_user, due_on=TODAY, done_on=TODAY)
    allowed = to in capa_services.TRANSITIONS[start]
    if allowed:
        _attempt(capa, to, staff_user)
        capa.refresh_from_db()
        assert capa.state == to
        step = capa.steps.get()
        assert (step.from_state, step.to_state, step.by) == (start, to, staff_user)
    else:
        with pytest.raises(TransitionNotAllowed):
            _attempt(capa, to, staff_user)
        capa.refresh_from_db()
        assert capa.state == start
        assert not capa.steps.exists()


def test_the_step_log_keeps_the_values_before_and_after(capa, staff_user):
    capa_services.capa_contain(capa=capa, containment="Stock quarantined", by=staff_user)
    step = capa.steps.get()
    assert step.before == {"state": "open", "containment": ""}
    assert step.after == {"state": "contained", "containment": "Stock quarantined"}


def test_a_failed_verification_goes_back_to_the_plan_with_its_reason_and_needs_acceptance_again(
    capa, staff_user
):
    capa = capa_services.capa_contain(capa=capa, containment="Held", by=staff_user)
    capa = capa_services.capa_analyse(capa=capa, method="five_why", whys=["W"], root_cause="C", by=staff_user)
    action = capa_services.capa_action_add(
        capa=capa, description="Fix", owner=staff_user, due_on=TODAY, by=staff_user
    )
    capa = capa_services.capa_plan_propose(capa=capa, by=staff_user)
    capa = capa_services.capa_plan_accept(capa=capa, by=staff_user)
    assert capa.plan_accepted_by == staff_user
    with pytest.raises(TransitionNotAllowed, match="not done"):
        capa_services.capa_implement(capa=capa, implementation="Done", by=staff_user)
    capa_services.capa_action_done(action=action, done_on=TODAY, by=staff_user)
    capa = capa_services.capa_implement(capa=capa, implementation="Done", by=staff_user)
    capa = capa_services.capa_verify(capa=capa, effective=False, verification="It came back", by=staff_user)
    capa.refresh_from_db()
    assert capa.state == S.PLANNED
    assert capa.plan_accepted_by is None
    assert capa.steps.last().note == "It came back"


def test_analysis_needs_its_working_and_a_stale_version_changes_nothing(capa, staff_user):
    capa = capa_services.capa_contain(capa=capa, containment="Held", by=staff_user)
    with pytest.raises(DomainError) as no_whys:
        capa_services.capa_analyse(capa=capa, method="five_why", whys=[], root_cause="C", by=staff_user)
    assert no_whys.value.field == "whys"
    with pytest.raises(DomainError) as bad_category:
        capa_services.capa_analyse(
            capa=capa, method="fishbone", fishbone={"weather": ["Rain"]}, root_cause="C", by=staff_user
        )
    assert bad_category.value.field == "fishbone"
    with pytest.raises(EditConflict):
        capa_services.capa_analyse(
            capa=capa, method="five_why", whys=["W"], root_cause="C", by=staff_user, version=capa.version - 1
        )
    with pytest.raises(EditConflict):
        capa_services.capa_due_dates_set(
            capa=capa, by=staff_user, plan_due_on=TODAY, version=capa.version - 1
        )
    capa.refresh_from_db()
    assert capa.state == S.CONTAINED
    assert capa.root_cause == ""


def test_step_due_dates_follow_one_another_and_the_next_step_shows_its_due_date(capa, staff_user):
    assert capa.next_due_on == TODAY + dt.timedelta(days=7)
    with pytest.raises(DomainError) as order:
        capa_services.capa_due_dates_set(
            capa=capa, by=staff_user, containment_due_on=TODAY + dt.timedelta(days=40)
        )
    assert order.value.field == "analysis_due_on"
    capa_services.capa_due_dates_set(
        capa=capa, by=staff_user, containment_due_on=TODAY + dt.timedelta(days=2)
    )
    capa.refresh_from_db()
    assert capa.next_due_on == TODAY + dt.timedelta(days=2)
    assert capa.is_overdue(TODAY + dt.timedelta(days=3))


def test_an_8d_analysis_records_its_disciplines(capa, staff_user, staff_client):
    capa = capa_services.capa_contain(capa=capa, containment="Held", by=staff_user)
    with pytest.raises(DomainError) as incomplete:
        capa_services.capa_analyse(
            capa=capa, method="8d", eight_d={"team": "Li Na, Wang Lei"}, root_cause="C", by=staff_user
        )
    assert incomplete.value.field == "eight_d"
    assert "D2 Problem description" in incomplete.value.message
    capa_services.capa_analyse(
        capa=capa,
        method="8d",
        eight_d={
            "team": "Li Na, Wang Lei",
            "problem": "Records missing for line 2 only",
            "occurrence": "No matrix",
            "escape": "Not checked at induction",
            "prevention": "",
        },
        root_cause="No training matrix",
        by=staff_user,
    )
    capa.refresh_from_db()
    assert capa.eight_d == {
        "team": "Li Na, Wang Lei",
        "problem": "Records missing for line 2 only",
        "occurrence": "No matrix",
        "escape": "Not checked at induction",
    }
    page = staff_client.get(f"/audits/findings/{capa.finding_id}/").content.decode()
    assert "D4 Why it was not detected" in page
    assert "Not checked at induction" in page


def test_the_step_log_shows_what_changed_by_its_label(capa, staff_user, staff_client):
    capa = capa_services.capa_contain(capa=capa, containment="Held", by=staff_user)
    capa_services.capa_analyse(
        capa=capa,
        method="fishbone",
        fishbone={"method": ["No register"], "people": ["Holder left"]},
        root_cause="No register of permits",
        by=staff_user,
    )
    page = staff_client.get(f"/audits/findings/{capa.finding_id}/").content.decode()
    log = page[page.index('id="capa-steps"') :]
    assert "<dt>Fishbone causes</dt>" in log
    assert "Method: No register<br>People: Holder left" in log
    assert "{&#x27;method&#x27;" not in log
    assert "eight_d" not in log  # unchanged fields are left out
