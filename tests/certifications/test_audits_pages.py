"""The Audits pages: what they show, what their forms store, conflicts, query counts, exports, roles."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certifications.models import (
    Audit,
    AuditStatus,
    AuditType,
    CapaState,
    ChecklistItem,
    ChecklistResult,
    Finding,
    FindingClass,
    FindingStatus,
)
from certifications.services import audits as audit_services
from certifications.services import capa as capa_services
from certifications.services import certificates as certificate_services
from certifications.services import checklists as checklist_services
from certifications.services import findings as finding_services

from .factories import ClauseFactory, StandardFactory, make_evidence


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def small(db):
    standard = StandardFactory(code="ISO 9999", edition="2020")
    four = ClauseFactory(standard=standard, number="4", position=0, title="Context")
    ClauseFactory(standard=standard, number="4.1", parent=four, depth=1, position=1, title="Issues")
    ClauseFactory(standard=standard, number="4.2", parent=four, depth=1, position=2, title="Parties")
    ClauseFactory(standard=standard, number="5", position=3, title="Leadership")
    return standard


def plan(*, site, by, standards, today, audit_type=AuditType.INTERNAL, **extra) -> Audit:
    return audit_services.audit_create(
        site=site,
        title=extra.pop("title", "Integrated internal audit"),
        audit_type=audit_type,
        standards=standards,
        starts_on=extra.pop("starts_on", today),
        ends_on=extra.pop("ends_on", today + dt.timedelta(days=2)),
        by=by,
        **extra,
    )


def started(audit: Audit, by) -> Audit:
    checklist_services.checklist_generate(audit=audit, by=by)
    return audit_services.audit_transition(audit=audit, to=AuditStatus.IN_PROGRESS, by=by)


@pytest.fixture
def running(site, staff_user, small, today):
    audit = plan(site=site, by=staff_user, standards=[small], today=today, lead_auditor=staff_user)
    return started(audit, staff_user)


def raise_minor(audit, by, *, statement="Context review missing"):
    item = audit.checklist.order_by("position").first()
    return finding_services.finding_raise(
        audit=audit,
        finding_class=FindingClass.MINOR,
        statement=statement,
        owner=by,
        by=by,
        checklist_item=item,
    )


# --- pages show what is stored ------------------------------------------------------------------


def test_the_audit_page_shows_its_checklist_with_standards_and_approved_evidence_of_the_clauses(
    staff_client, staff_user, running, small
):
    clause = small.clauses.get(number="4.1")
    make_evidence(owner=staff_user, clauses=[clause], title="Context register 2026")
    make_evidence(owner=staff_user, clauses=[clause], title="Draft risk list", status="draft")
    response = staff_client.get(reverse("audit-detail", args=[running.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert running.reference in body
    assert "Issues" in body
    assert "Parties" in body
    assert "Leadership" in body
    assert "ISO 9999" in body
    assert "Context register 2026" in body
    assert "Draft risk list" not in body
    item = running.checklist.get(number="4.1")
    assert f"{reverse('finding-create', args=[running.pk])}?item={item.pk}" in body


def test_the_dashboard_shows_upcoming_and_overdue_audits_and_open_findings(
    staff_client, site, staff_user, small, running, today
):
    plan(
        site=site,
        by=staff_user,
        standards=[small],
        today=today,
        title="Supplier visit",
        starts_on=today + dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=21),
    )
    late = plan(
        site=site,
        by=staff_user,
        standards=[small],
        today=today,
        title="Late audit",
        starts_on=dt.date(today.year, 1, 1),
        ends_on=dt.date(today.year, 1, 2),
    )
    raise_minor(running, staff_user)
    body = staff_client.get(reverse("area-audits")).content.decode()
    assert "Supplier visit" in body
    assert late.reference in body
    assert "Late audit" in body
    assert 'id="audit-trend-data"' in body
    assert "Minor nonconformity" in body


def test_the_programme_places_audits_in_their_month_and_shows_the_certificate_cycle(
    staff_client, site, staff_user, small, today
):
    start = dt.date(today.year, 9, 14)
    audit = plan(
        site=site,
        by=staff_user,
        standards=[small],
        today=today,
        starts_on=start,
        ends_on=start + dt.timedelta(days=1),
    )
    certificate_services.certificate_create(
        standard=small,
        certification_body="TÜV",
        number="CERT-77",
        scope="All",
        sites=[site],
        owner=staff_user,
        by=staff_user,
        issued_on=dt.date(today.year - 1, 3, 1),
        expires_on=dt.date(today.year + 2, 2, 28),
    )
    response = staff_client.get(reverse("audit-programme"), {"site": site.code, "year": today.year})
    body = response.content.decode()
    september = body.split("<h2>September</h2>")[1].split("</div>")[0]
    assert audit.reference in september
    assert "CERT-77" in body
    assert str(today.year + 2) in body


def test_saving_programme_objectives_stores_them(staff_client, site, today):
    response = staff_client.post(
        reverse("audit-programme-objectives"),
        {"site": site.code, "year": today.year, "objectives": "Cover every clause in three years"},
    )
    assert response.status_code == 302
    programme = site.audit_programmes.get(year=today.year)
    assert programme.objectives == "Cover every clause in three years"


# --- forms store ---------------------------------------------------------------------------------


def test_planning_an_audit_through_the_form_stores_it(staff_client, site, staff_user, small, today):
    start = today + dt.timedelta(days=5)
    form = staff_client.get(reverse("audit-create"), {"site": site.code}).content.decode()
    assert "ISO 9999" in form
    response = staff_client.post(
        reverse("audit-create"),
        {
            "site": site.pk,
            "title": "Quality audit",
            "audit_type": AuditType.INTERNAL,
            "standards": [small.pk],
            "starts_on": start.isoformat(),
            "ends_on": (start + dt.timedelta(days=1)).isoformat(),
            "lead_auditor": staff_user.pk,
            "scope": "Assembly hall",
        },
    )
    audit = Audit.objects.get(title="Quality audit")
    assert response.status_code == 302
    assert response["Location"] == reverse("audit-detail", args=[audit.pk])
    assert (audit.scope, audit.lead_auditor, list(audit.standards.all())) == (
        "Assembly hall",
        staff_user,
        [small],
    )


def test_a_refused_plan_shows_the_services_reason_on_the_field(staff_client, site, small, today):
    response = staff_client.post(
        reverse("audit-create"),
        {
            "site": site.pk,
            "title": "Backwards",
            "audit_type": AuditType.INTERNAL,
            "standards": [small.pk],
            "starts_on": today.isoformat(),
            "ends_on": (today - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "The audit cannot end before it starts." in response.content.decode()
    assert not Audit.objects.filter(title="Backwards").exists()


def test_saving_a_checklist_item_stores_its_result_and_notes(staff_client, running):
    item = running.checklist.get(number="4.1")
    response = staff_client.post(
        reverse("checklist-item-update", args=[item.pk]),
        {"version": item.version, "result": ChecklistResult.CONFORMING, "notes": "Register seen"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.result, item.notes, item.version) == (ChecklistResult.CONFORMING, "Register seen", 2)


def test_a_stale_item_version_shows_the_conflict_and_keeps_the_stored_value(
    staff_client, staff_user, running
):
    item = running.checklist.get(number="4.1")
    checklist_services.checklist_item_update(
        item=item,
        version=item.version,
        by=staff_user,
        result=ChecklistResult.CONFORMING,
        notes="First auditor",
    )
    response = staff_client.post(
        reverse("checklist-item-update", args=[item.pk]),
        {"version": 1, "result": ChecklistResult.NONCONFORMITY, "notes": "Second auditor"},
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "nothing was saved" in body
    assert "Reload the audit to see the current values" in body
    item.refresh_from_db()
    assert (item.result, item.notes) == (ChecklistResult.CONFORMING, "First auditor")


def test_closing_an_audit_with_blockers_lists_them(staff_client, staff_user, running):
    audit_services.audit_transition(audit=running, to=AuditStatus.REPORTING, by=staff_user)
    finding_services.finding_raise(
        audit=running,
        finding_class=FindingClass.MAJOR,
        statement="No context review",
        owner=staff_user,
        by=staff_user,
        checklist_item=running.checklist.first(),
    )
    response = staff_client.post(reverse("audit-transition", args=[running.pk]), {"to": AuditStatus.CLOSED})
    body = response.content.decode()
    assert response.status_code == 409
    assert "not signed off" in body
    assert f"{running.reference}-F01 is a major nonconformity without an accepted action plan." in body
    running.refresh_from_db()
    assert running.status == AuditStatus.REPORTING


def test_raising_a_finding_from_an_item_stores_it_against_the_items_clauses(
    staff_client, staff_user, running
):
    item = running.checklist.get(number="4.2")
    response = staff_client.post(
        reverse("finding-create", args=[running.pk]) + f"?item={item.pk}",
        {
            "finding_class": FindingClass.MINOR,
            "statement": "Parties not listed",
            "owner": staff_user.pk,
            "checklist_item": item.pk,
        },
    )
    finding = Finding.objects.get(statement="Parties not listed")
    assert response.status_code == 302
    assert [c.number for c in finding.clauses.all()] == ["4.2"]
    assert finding.checklist_item == item
    assert finding.capa.state == CapaState.OPEN


def test_the_finding_page_offers_only_the_next_step_and_the_step_moves_it_on(
    staff_client, staff_user, running
):
    finding = raise_minor(running, staff_user)
    body = staff_client.get(reverse("finding-detail", args=[finding.pk])).content.decode()
    assert 'id="step-contain"' in body
    assert 'id="step-analyse"' not in body
    response = staff_client.post(
        reverse("capa-step", args=[finding.pk]),
        {
            "step": "contain",
            "contain-version": finding.capa.version,
            "contain-containment": "Stock quarantined",
        },
    )
    assert response.status_code == 302
    finding.capa.refresh_from_db()
    assert (finding.capa.state, finding.capa.containment) == (CapaState.CONTAINED, "Stock quarantined")
    body = staff_client.get(reverse("finding-detail", args=[finding.pk])).content.decode()
    assert 'id="step-analyse"' in body
    assert 'id="step-contain"' not in body
    assert "Stock quarantined" in body


def test_a_five_whys_analysis_through_the_form_stores_the_whys(staff_client, staff_user, running):
    finding = raise_minor(running, staff_user)
    capa_services.capa_contain(capa=finding.capa, containment="Held", by=staff_user)
    capa = finding.capa
    capa.refresh_from_db()
    response = staff_client.post(
        reverse("capa-step", args=[finding.pk]),
        {
            "step": "analyse",
            "analyse-version": capa.version,
            "analyse-method": "five_why",
            "analyse-why_1": "Review skipped",
            "analyse-why_2": "No owner",
            "analyse-root_cause": "No owner for the review",
        },
    )
    assert response.status_code == 302
    capa.refresh_from_db()
    assert (capa.state, capa.whys, capa.root_cause) == (
        CapaState.ANALYSED,
        ["Review skipped", "No owner"],
        "No owner for the review",
    )


def test_a_stale_capa_version_is_refused_and_nothing_changes(staff_client, staff_user, running):
    finding = raise_minor(running, staff_user)
    response = staff_client.post(
        reverse("capa-step", args=[finding.pk]),
        {"step": "contain", "contain-version": finding.capa.version + 5, "contain-containment": "Too late"},
    )
    assert response.status_code == 409
    assert "nothing was saved" in response.content.decode()
    finding.capa.refresh_from_db()
    assert (finding.capa.state, finding.capa.containment) == (CapaState.OPEN, "")


def test_an_observation_closes_with_a_note(staff_client, staff_user, running):
    observation = finding_services.finding_raise(
        audit=running,
        finding_class=FindingClass.OBSERVATION,
        statement="Labels fading",
        owner=staff_user,
        by=staff_user,
        checklist_item=running.checklist.first(),
    )
    response = staff_client.post(
        reverse("finding-close", args=[observation.pk]), {"close-note": "Relabelled"}
    )
    assert response.status_code == 302
    observation.refresh_from_db()
    assert (observation.status, observation.closure_note) == (FindingStatus.CLOSED, "Relabelled")


def test_the_certificate_page_shows_open_majors_of_its_audits_with_the_body_deadline(
    staff_client, site, staff_user, small, today
):
    certificate = certificate_services.certificate_create(
        standard=small,
        certification_body="TÜV",
        number="CERT-9",
        scope="All",
        sites=[site],
        owner=staff_user,
        by=staff_user,
        issued_on=dt.date(today.year - 1, 3, 1),
        expires_on=dt.date(today.year + 2, 2, 28),
    )
    audit = plan(
        site=site,
        by=staff_user,
        standards=[small],
        today=today,
        audit_type=AuditType.SURVEILLANCE,
        certificate=certificate,
        lead_auditor=staff_user,
    )
    started(audit, staff_user)
    major = finding_services.finding_raise(
        audit=audit,
        finding_class=FindingClass.MAJOR,
        statement="Calibration lapsed",
        owner=staff_user,
        by=staff_user,
        checklist_item=audit.checklist.first(),
    )
    body = staff_client.get(reverse("certificate-detail", args=[certificate.pk])).content.decode()
    assert major.reference in body
    assert "Calibration lapsed" in body
    assert "certification body&#x27;s deadline" in body or "certification body's deadline" in body


# --- query count ---------------------------------------------------------------------------------


def _fill_checklist(audit: Audit, count: int, clauses, evidence) -> None:
    audit.checklist.all().delete()
    items = ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(audit=audit, position=n, number=f"9.{n}", title=f"Item {n}")
            for n in range(1, count + 1)
        ]
    )
    through = ChecklistItem.clauses.through
    through.objects.bulk_create(
        [through(checklistitem_id=i.pk, clause_id=clauses[n % len(clauses)].pk) for n, i in enumerate(items)]
    )
    sampled = ChecklistItem.sampled_evidence.through
    sampled.objects.bulk_create([sampled(checklistitem_id=i.pk, evidence_id=evidence.pk) for i in items[::3]])


def test_the_audit_page_keeps_a_constant_query_count_from_10_to_400_items(
    staff_client, staff_user, running, small
):
    clauses = list(small.clauses.all())
    evidence = make_evidence(owner=staff_user, clauses=clauses, title="Quality manual")
    raise_minor(running, staff_user)
    url = reverse("audit-detail", args=[running.pk])
    counts = {}
    for size in (10, 400):
        _fill_checklist(running, size, clauses, evidence)
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('class="item-form"') == size
        counts[size] = len(queries)
    assert counts[10] == counts[400]


# --- lists and exports ---------------------------------------------------------------------------


def test_the_audit_list_filters_by_type_and_exports_the_rows(staff_client, site, staff_user, small, today):
    plan(site=site, by=staff_user, standards=[small], today=today, title="Internal one")
    plan(
        site=site,
        by=staff_user,
        standards=[small],
        today=today,
        title="Supplier one",
        audit_type=AuditType.SECOND_PARTY,
    )
    body = staff_client.get(reverse("audit-list"), {"audit_type": AuditType.SECOND_PARTY}).content.decode()
    assert "Supplier one" in body
    assert "Internal one" not in body
    csv_body = b"".join(
        staff_client.get(reverse("audit-list"), {"export": "csv", "sort": "title"}).streaming_content
    ).decode()
    lines = csv_body.strip().splitlines()
    assert "Internal one" in lines[1]
    assert "Supplier one" in lines[2]
    xlsx = staff_client.get(reverse("audit-list"), {"export": "xlsx", "audit_type": AuditType.INTERNAL})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["Internal one"]


def test_the_findings_list_filters_overdue_and_exports(staff_client, staff_user, running, today):
    late = raise_minor(running, staff_user, statement="Late one")
    raise_minor(running, staff_user, statement="Fresh one")
    Finding.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=3))
    body = staff_client.get(reverse("finding-list"), {"overdue": "true"}).content.decode()
    assert "Late one" in body
    assert "Fresh one" not in body
    xlsx = staff_client.get(reverse("finding-list"), {"export": "xlsx", "sort": "reference"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    statements = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert statements == ["Late one", "Fresh one"]


# --- roles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["area-audits", "audit-list", "finding-list", "audit-programme"])
def test_auditors_and_gateways_are_refused_the_pages(auditor_client, gateway_client, name):
    assert auditor_client.get(reverse(name)).status_code == 403
    assert gateway_client.get(reverse(name)).status_code == 403


def test_an_auditor_cannot_save_a_checklist_item(auditor_client, running):
    item = running.checklist.first()
    response = auditor_client.post(
        reverse("checklist-item-update", args=[item.pk]), {"version": 1, "result": ChecklistResult.CONFORMING}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.result == ChecklistResult.OPEN


def test_a_corrective_action_goes_from_open_to_closed_through_the_finding_page(
    staff_client, staff_user, running, today
):
    finding = raise_minor(running, staff_user)
    url = reverse("capa-step", args=[finding.pk])

    def step(name, **fields):
        capa = finding.capa
        capa.refresh_from_db()
        data = {"step": name, f"{name}-version": capa.version}
        data.update({f"{name}-{k}": v for k, v in fields.items()})
        response = staff_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        capa.refresh_from_db()
        return capa

    step("contain", containment="Held")
    step("analyse", method="fishbone", fishbone_machine="Worn gauge", root_cause="Gauge not in plan")
    response = staff_client.post(
        url,
        {
            "step": "action_add",
            "action-description": "Add gauge to calibration plan",
            "action-owner": staff_user.pk,
            "action-due_on": (today + dt.timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302
    step("propose")
    step("reject", reason="Also train the setters")
    step("propose")
    step("accept", note="Fine")
    action = finding.capa.actions.get()
    staff_client.post(reverse("capa-action-done", args=[action.pk]), {"done_on": today.isoformat()})
    step("implement", implementation="Plan updated")
    assert step("verify", effective="no", verification="Still drifting").state == CapaState.PLANNED
    step("accept")
    step("implement", implementation="Gauge replaced")
    step("verify", effective="yes", verification="Three months in tolerance")
    capa = step("close", note="Done")
    assert capa.state == CapaState.CLOSED
    assert capa.fishbone == {"machine": ["Worn gauge"]}
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    body = staff_client.get(reverse("finding-detail", args=[finding.pk])).content.decode()
    assert "Also train the setters" in body
    assert "Still drifting" in body
    assert 'id="step-' not in body


def test_generating_the_checklist_from_the_audit_page_and_starting_it(
    staff_client, site, staff_user, small, today
):
    audit = plan(site=site, by=staff_user, standards=[small], today=today)
    body = staff_client.get(reverse("audit-detail", args=[audit.pk])).content.decode()
    assert "Generate checklist" in body
    response = staff_client.post(reverse("audit-checklist-generate", args=[audit.pk]), {"copy_from": ""})
    assert response.status_code == 302
    assert sorted(audit.checklist.values_list("number", flat=True)) == ["4.1", "4.2", "5"]
    staff_client.post(reverse("audit-transition", args=[audit.pk]), {"to": AuditStatus.IN_PROGRESS})
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS


def test_the_report_saves_and_the_lead_auditor_signs_it_off(staff_client, staff_user, running):
    audit_services.audit_transition(audit=running, to=AuditStatus.REPORTING, by=staff_user)
    staff_client.post(
        reverse("audit-report", args=[running.pk]), {"summary": "All good", "conclusions": "Effective system"}
    )
    response = staff_client.post(reverse("audit-report-sign-off", args=[running.pk]))
    assert response.status_code == 302
    running.refresh_from_db()
    assert (running.report_summary, running.report_signed_by) == ("All good", staff_user)
    staff_client.post(reverse("audit-transition", args=[running.pk]), {"to": AuditStatus.CLOSED})
    running.refresh_from_db()
    assert running.status == AuditStatus.CLOSED


def test_a_session_added_on_the_page_is_stored_in_the_plan(staff_client, running):
    start = dt.datetime.combine(running.starts_on, dt.time(9, 0))
    response = staff_client.post(
        reverse("audit-session-add", args=[running.pk]),
        {
            "session-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "session-ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "session-topic": "4 Context",
            "session-auditees": "Plant manager",
        },
    )
    assert response.status_code == 302
    assert running.sessions.get().topic == "4 Context"
    body = staff_client.get(reverse("audit-detail", args=[running.pk])).content.decode()
    assert "Plant manager" in body


def test_editing_an_audit_shows_its_values_and_stores_the_change(staff_client, staff_user, running):
    url = reverse("audit-update", args=[running.pk])
    assert running.title in staff_client.get(url).content.decode()
    response = staff_client.post(
        url,
        {
            "title": "Renamed audit",
            "scope": "Paint shop",
            "starts_on": running.starts_on.isoformat(),
            "ends_on": running.ends_on.isoformat(),
            "lead_auditor": staff_user.pk,
            "team": [staff_user.pk],
        },
    )
    assert response.status_code == 302
    running.refresh_from_db()
    assert (running.title, running.scope, list(running.team.all())) == (
        "Renamed audit",
        "Paint shop",
        [staff_user],
    )


def test_years_are_written_without_a_thousands_separator(staff_client, staff_user, site):
    standard = StandardFactory(code="ISO 9999", edition="2020")
    ClauseFactory(standard=standard, number="4")
    audit = audit_services.audit_create(
        site=site,
        title="Internal",
        audit_type="internal",
        standards=[standard],
        starts_on=dt.date(2027, 3, 9),
        ends_on=dt.date(2027, 3, 9),
        by=staff_user,
    )
    programme = staff_client.get(f"/audits/programme/?site={site.code}&year=2027").content.decode()
    assert "Audit programme 2027 · TJ-01" in programme
    assert '<option value="2027" selected>2027</option>' in programme
    assert "March 9–" not in programme
    assert "March 9 ·" in programme
    page = staff_client.get(f"/audits/{audit.pk}/").content.decode()
    assert "&amp;year=2027" in page


def test_every_audit_transition_has_a_button_label():
    from certifications.services.audits import TRANSITIONS
    from certifications.views.audits import TRANSITION_LABELS

    assert set(TRANSITION_LABELS) == {(a, b) for a, tos in TRANSITIONS.items() for b in tos}


def test_the_checklist_says_how_far_it_is(staff_client, staff_user, site):
    standard = StandardFactory(code="ISO 9999", edition="2020")
    for n in ("4", "5", "6"):
        ClauseFactory(standard=standard, number=n)
    audit = audit_services.audit_create(
        site=site,
        title="Internal",
        audit_type="internal",
        standards=[standard],
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2026, 6, 1),
        by=staff_user,
    )
    checklist_services.checklist_generate(audit=audit, by=staff_user)
    audit_services.audit_transition(audit=audit, to="in_progress", by=staff_user)
    item = audit.checklist.get(number="5")
    checklist_services.checklist_item_update(
        item=item, version=item.version, by=staff_user, result="conforming"
    )
    page = staff_client.get(f"/audits/{audit.pk}/").content.decode()
    progress = page[page.index('id="checklist-progress"') :]
    progress = progress[: progress.index("</p>")]
    assert "Not yet assessed: 2" in progress
    assert "Conforming: 1" in progress


def test_ids_in_links_and_form_values_have_no_thousands_separator(staff_client, staff_user, site):
    """With the thousands separator on, an id of 1,000 or more printed as "12,345" in links and form
    values, breaking them once a table passed a thousand rows."""
    from certifications.models import ChecklistItem

    standard = StandardFactory(code="ISO 9999", edition="2020")
    clause = ClauseFactory(standard=standard, number="4", pk=12345)
    audit = audit_services.audit_create(
        site=site,
        title="Internal",
        audit_type="internal",
        standards=[standard],
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2026, 6, 1),
        by=staff_user,
    )
    checklist_services.checklist_generate(audit=audit, by=staff_user)
    audit_services.audit_transition(audit=audit, to="in_progress", by=staff_user)
    item = ChecklistItem.objects.create(audit=audit, pk=54321, position=2, number="5", title="Leadership")
    item.clauses.add(clause)
    page = staff_client.get(f"/audits/{audit.pk}/").content.decode()
    assert "?item=54321" in page
    assert "54,321" not in page
    coverage = staff_client.get(
        f"/standards/coverage/?standard={standard.pk}&site={site.code}"
    ).content.decode()
    assert "?clause=12345" in coverage
    assert "12,345" not in coverage
