"""Evidence requests (the PBC list): an invited auditor asks for evidence against an in-scope clause
of their audit, only through an invitation in force; the request lands with the owner of the newest
evidence on the clause (else whoever created the audit), on their dashboard and in their daily
digest; staff answer it with evidence, which the auditor can then open, or decline it with a reason;
each audit's requests are a register list with filters and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certifications.models import (
    Clause,
    EvidenceRequest,
    EvidenceRequestStatus,
    PortalAccessLog,
    PortalAction,
    Reminder,
    ReminderKind,
)
from certifications.services import evidence_requests as request_services
from certifications.services import portal as portal_services
from certifications.services.reminders import reminders_send_daily
from greenfactory.core.exceptions import DomainError
from tests.conftest import second_factor_enrol, sign_in_client
from tests.factories import SiteFactory, UserFactory

from .factories import make_evidence
from .portal_setup import build_world, in_scope_file, invite

pytestmark = pytest.mark.django_db

TEXT = "The calibration records of meter E-MAIN for 2026"


@pytest.fixture
def world(site, staff_user):
    return build_world(site=site, staff=staff_user)


@pytest.fixture
def invitation(world):
    return invite(world, require_second_factor=True)


def _portal_client(invitation) -> Client:
    second_factor_enrol(invitation.auditor)
    return sign_in_client(Client(REMOTE_ADDR="203.0.113.7"), invitation.auditor)


@pytest.fixture
def auditor(invitation):
    return _portal_client(invitation)


def _clause(number: str) -> Clause:
    return Clause.objects.get(standard__code="ISO 9999", number=number)


def _ask(client, invitation, *, clause, text=TEXT, due_on=""):
    return client.post(
        reverse("portal-requests", args=[invitation.pk]),
        {"clause": str(clause), "text": text, "due_on": due_on},
    )


@pytest.fixture
def asked(auditor, invitation):
    """One request of the auditor on clause 4.1, wanted in a week."""
    _ask(auditor, invitation, clause=_clause("4.1").pk, due_on=_in_days(7).isoformat())
    return EvidenceRequest.objects.get()


def _in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


# --- asking ---------------------------------------------------------------------------------------


def test_an_auditor_asks_for_evidence_and_the_request_is_stored(auditor, invitation, world, staff_user):
    clause = _clause("4.1")
    wanted = _in_days(7)
    response = _ask(auditor, invitation, clause=clause.pk, due_on=wanted.isoformat())
    request = EvidenceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal-request", args=[invitation.pk, request.pk])
    assert request.audit == world.audit
    assert request.number == 1
    assert request.invitation == invitation
    assert request.clause == clause
    assert request.text == TEXT
    assert request.due_on == wanted
    assert request.requested_by == invitation.auditor
    assert request.status == EvidenceRequestStatus.OPEN
    # The newest in-scope evidence on 4.1 is "Calibration records", kept by staff.
    assert request.owner == staff_user
    log = PortalAccessLog.objects.get(action=PortalAction.REQUEST)
    assert (log.user, log.invitation, log.object_type, log.object_id) == (
        invitation.auditor,
        invitation,
        "evidencerequest",
        request.pk,
    )
    assert log.remote_address == "203.0.113.7"
    page = auditor.get(response["Location"])
    assert TEXT in page.content.decode()
    assert "Open" in page.content.decode()


def test_requests_are_numbered_within_their_audit(auditor, invitation):
    for _ in range(3):
        _ask(auditor, invitation, clause=_clause("4").pk)
    assert list(EvidenceRequest.objects.order_by("pk").values_list("number", flat=True)) == [1, 2, 3]


def test_the_request_lands_with_the_owner_of_the_newest_evidence_on_the_clause(
    auditor, invitation, world, site, staff_user
):
    """4.1 has "Calibration records" (staff) and then a newer item kept by the energy lead: the
    energy lead gets the request. 4 has no evidence: whoever created the audit (staff) gets it. The
    Shanghai item on 4.1 is newer still but outside the audit's sites, so it does not count."""
    lead = UserFactory(username="energy-lead")
    make_evidence(owner=lead, clauses=[_clause("4.1")], sites=[site], title="Meter calibration 2026")
    make_evidence(
        owner=UserFactory(username="sh-lead"), clauses=[_clause("4.1")], sites=[SiteFactory(code="SH-09")]
    )
    _ask(auditor, invitation, clause=_clause("4.1").pk)
    _ask(auditor, invitation, clause=_clause("4").pk)
    first, second = EvidenceRequest.objects.order_by("number")
    assert first.owner == lead
    assert second.owner == staff_user == world.audit.created_by


def test_an_out_of_scope_clause_is_not_found_like_a_missing_one(auditor, invitation, world):
    other_standard_clause = world.other_standard.clauses.get()
    out_of_scope = _ask(auditor, invitation, clause=other_standard_clause.pk)
    missing = _ask(auditor, invitation, clause=999_999)
    assert out_of_scope.status_code == missing.status_code == 404
    assert not EvidenceRequest.objects.exists()
    assert not PortalAccessLog.objects.filter(action=PortalAction.REQUEST).exists()


def test_the_request_form_offers_only_in_scope_clauses(auditor, invitation, world):
    page = auditor.get(reverse("portal-requests", args=[invitation.pk]))
    offered = [value for value, _label in page.context["form"].fields["clause"].choices if value]
    assert sorted(offered) == sorted([_clause("4").pk, _clause("4.1").pk])


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"due_on": "2020-01-01"}, "due_on"),
        ({"due_on": "not a date"}, "due_on"),
        ({"clause": "four"}, "clause"),
        ({"clause": "²"}, "clause"),
        ({"clause": ""}, "clause"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_stored(auditor, invitation, data, field):
    values = {"clause": str(_clause("4.1").pk), "text": TEXT, "due_on": "", **data}
    response = auditor.post(reverse("portal-requests", args=[invitation.pk]), values)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert response.context["form"]["text"].value() == values["text"]  # nothing typed is lost
    assert not EvidenceRequest.objects.exists()


def test_a_revoked_invitation_cannot_ask(auditor, invitation, world):
    portal_services.invitation_revoke(invitation=invitation, by=world.staff)
    response = _ask(auditor, invitation, clause=_clause("4.1").pk)
    assert response.status_code == 404
    assert not EvidenceRequest.objects.exists()
    with pytest.raises(request_services.OutOfScope):
        request_services.evidence_request_create(
            invitation=invitation,
            clause=_clause("4.1"),
            text=TEXT,
            due_on=None,
            by=invitation.auditor,
            path="/",
        )
    assert not EvidenceRequest.objects.exists()


def test_an_expired_invitation_cannot_ask(world):
    now = timezone.now()
    expired = invite(
        world,
        email="late@cqc.example",
        starts_at=now - dt.timedelta(days=10),
        expires_at=now - dt.timedelta(days=1),
    )
    client = sign_in_client(Client(), expired.auditor)
    assert _ask(client, expired, clause=_clause("4.1").pk).status_code == 404
    assert not EvidenceRequest.objects.exists()


def test_asking_without_an_invitation_is_not_found(auditor_client, admin_client, invitation):
    for client in (auditor_client, admin_client):
        assert _ask(client, invitation, clause=_clause("4.1").pk).status_code == 404
    assert not EvidenceRequest.objects.exists()


def test_asking_needs_the_csrf_token(invitation):
    second_factor_enrol(invitation.auditor)
    client = sign_in_client(Client(enforce_csrf_checks=True), invitation.auditor)
    assert _ask(client, invitation, clause=_clause("4.1").pk).status_code == 403
    assert not EvidenceRequest.objects.exists()
    page = client.get(reverse("portal-requests", args=[invitation.pk]))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("portal-requests", args=[invitation.pk]),
        {"clause": _clause("4.1").pk, "text": TEXT, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert EvidenceRequest.objects.count() == 1


def test_an_auditor_asking_too_often_is_told_to_wait(auditor, invitation, settings):
    settings.PORTAL_EVIDENCE_REQUESTS_PER_HOUR = 2
    for _ in range(2):
        assert _ask(auditor, invitation, clause=_clause("4.1").pk).status_code == 302
    third = _ask(auditor, invitation, clause=_clause("4.1").pk)
    assert third.status_code == 429
    assert "2 requests in the last hour" in third.content.decode()
    assert EvidenceRequest.objects.count() == 2
    EvidenceRequest.objects.update(requested_at=timezone.now() - dt.timedelta(minutes=61))
    assert _ask(auditor, invitation, clause=_clause("4.1").pk).status_code == 302


# --- who sees what --------------------------------------------------------------------------------


def test_another_audits_auditor_cannot_see_the_request(asked, world):
    other = portal_services.invitation_create(
        audit=world.other_audit,
        email="zhao@sgs.example",
        name="Zhao Min",
        organisation="SGS",
        by=world.staff,
        base_url="http://testserver/",
    )
    client = sign_in_client(Client(), other.auditor)
    assert client.get(reverse("portal-request", args=[other.pk, asked.pk])).status_code == 404
    assert client.get(reverse("portal-request", args=[asked.invitation_id, asked.pk])).status_code == 404
    listing = client.get(reverse("portal-requests", args=[other.pk]))
    assert TEXT not in listing.content.decode()


def test_a_colleague_on_the_same_audit_sees_only_their_own_requests(asked, world):
    colleague = invite(world, email="wang@cqc.example", name="Wang Fang")
    client = sign_in_client(Client(), colleague.auditor)
    assert client.get(reverse("portal-request", args=[colleague.pk, asked.pk])).status_code == 404
    assert TEXT not in client.get(reverse("portal-requests", args=[colleague.pk])).content.decode()


def test_the_auditor_lists_their_requests(auditor, invitation, asked):
    page = auditor.get(reverse("portal-requests", args=[invitation.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("portal-request", args=[invitation.pk, asked.pk]) in body
    assert TEXT in body


# --- answering ------------------------------------------------------------------------------------


def test_staff_answer_with_evidence_and_the_auditor_opens_it(asked, auditor, invitation, world, staff_client):
    revision = in_scope_file(world, content=b"%PDF-1.4 calibration", name="calibration.pdf")
    evidence = revision.evidence
    evidence.clauses.clear()  # not linked to any clause yet: outside the auditor's scope
    file_url = reverse("portal-file", args=[invitation.pk, revision.pk])
    assert auditor.get(file_url).status_code == 404
    response = staff_client.post(
        reverse("evidence-request-answer", args=[asked.pk]),
        {"answer-evidence": [evidence.pk], "answer-note": "Sheet 3 has E-MAIN."},
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == EvidenceRequestStatus.ANSWERED
    assert list(asked.evidence.all()) == [evidence]
    assert asked.note == "Sheet 3 has E-MAIN."
    assert asked.answered_by == world.staff
    assert asked.answered_at is not None
    assert list(evidence.clauses.all()) == [asked.clause]
    assert [h.status for h in asked.history.order_by("history_date", "history_id")][:1] == ["open"]
    assert asked.history.filter(status="answered").exists()
    page = auditor.get(reverse("portal-request", args=[invitation.pk, asked.pk]))
    body = page.content.decode()
    assert "Answered" in body
    assert "Sheet 3 has E-MAIN." in body
    assert evidence.title in body
    assert file_url in body
    assert auditor.get(file_url).status_code == 200


def test_evidence_the_auditor_could_not_open_is_refused_and_nothing_is_linked(asked, world, staff_client):
    shanghai = make_evidence(owner=world.staff, sites=[SiteFactory(code="SH-03")], title="Shanghai meters")
    response = staff_client.post(
        reverse("evidence-request-answer", args=[asked.pk]), {"answer-evidence": [shanghai.pk]}
    )
    assert response.status_code == 400
    with pytest.raises(DomainError, match="could not open Shanghai meters"):
        request_services.evidence_request_answer(request=asked, evidence=[shanghai], note="", by=world.staff)
    asked.refresh_from_db()
    assert asked.status == EvidenceRequestStatus.OPEN
    assert not asked.evidence.exists()
    assert not shanghai.clauses.exists()


def test_an_answer_needs_evidence(asked, staff_client):
    response = staff_client.post(reverse("evidence-request-answer", args=[asked.pk]), {"answer-note": "Soon"})
    assert response.status_code == 400
    asked.refresh_from_db()
    assert asked.status == EvidenceRequestStatus.OPEN


def test_staff_decline_with_a_reason_the_auditor_reads(asked, auditor, invitation, staff_client, world):
    empty = staff_client.post(reverse("evidence-request-decline", args=[asked.pk]), {"decline-reason": " "})
    assert empty.status_code == 400
    asked.refresh_from_db()
    assert asked.status == EvidenceRequestStatus.OPEN
    staff_client.post(
        reverse("evidence-request-decline", args=[asked.pk]),
        {"decline-reason": "E-MAIN was installed in 2027."},
    )
    asked.refresh_from_db()
    assert asked.status == EvidenceRequestStatus.DECLINED
    assert asked.decline_reason == "E-MAIN was installed in 2027."
    assert asked.answered_by == world.staff
    body = auditor.get(reverse("portal-request", args=[invitation.pk, asked.pk])).content.decode()
    assert "Declined" in body
    assert "E-MAIN was installed in 2027." in body


def test_a_closed_request_is_not_answered_again(asked, world, staff_client):
    request_services.evidence_request_decline(request=asked, reason="Out of period", by=world.staff)
    response = staff_client.post(
        reverse("evidence-request-answer", args=[asked.pk]),
        {"answer-evidence": [world.in_scope.pk]},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("evidence-request-detail", args=[asked.pk]), 302)]
    assert "This request is already declined." in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == EvidenceRequestStatus.DECLINED
    assert not asked.evidence.exists()


def test_the_staff_page_shows_the_request_and_its_forms(asked, staff_client):
    page = staff_client.get(reverse("evidence-request-detail", args=[asked.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert TEXT in body
    assert "Li Wei (CQC)" in body
    assert reverse("evidence-request-answer", args=[asked.pk]) in body
    assert reverse("evidence-request-decline", args=[asked.pk]) in body


# --- dashboard and digest -------------------------------------------------------------------------


def test_the_owners_dashboard_shows_their_open_requests(asked, staff_client, world):
    home = staff_client.get(reverse("home")).content.decode()
    assert f"{world.audit.reference} #1" in home
    assert reverse("evidence-request-detail", args=[asked.pk]) in home
    request_services.evidence_request_decline(request=asked, reason="Out of period", by=world.staff)
    assert f"{world.audit.reference} #1" not in staff_client.get(reverse("home")).content.decode()


def test_someone_elses_dashboard_does_not_show_the_request(asked, admin_client, world):
    assert f"{world.audit.reference} #1" not in admin_client.get(reverse("home")).content.decode()


def test_the_daily_digest_lists_open_requests_for_their_owner(asked, world, staff_user):
    today = timezone.localdate()
    mail.outbox.clear()
    reminders_send_daily(today=today)
    [message] = [m for m in mail.outbox if m.to == [staff_user.email]]
    assert "Evidence requested by an auditor" in message.body
    wanted = asked.due_on.strftime("%Y-%m-%d")
    assert f"- {wanted} · {world.audit.reference} #1 · ISO 9999 4.1: {TEXT}" in message.body
    reminder = Reminder.objects.get(kind=ReminderKind.EVIDENCE_REQUEST)
    assert reminder.evidence_request_id == asked.pk
    notifications = Client()
    notifications.force_login(staff_user)
    listing = notifications.get(reverse("notification-list")).content.decode()
    assert reverse("evidence-request-detail", args=[asked.pk]) in listing
    # Answered requests leave the next day's digest.
    request_services.evidence_request_decline(request=asked, reason="Out of period", by=world.staff)
    mail.outbox.clear()
    reminders_send_daily(today=today + dt.timedelta(days=1))
    assert not any(TEXT in m.body for m in mail.outbox)


# --- the PBC list ---------------------------------------------------------------------------------


@pytest.fixture
def pbc(auditor, invitation, world, site):
    """Three requests: #1 on 4.1 (staff, answered), #2 on 4 (staff, open), #3 on 4.1 (the energy
    lead, who keeps newer evidence on 4.1 by then, open)."""
    _ask(auditor, invitation, clause=_clause("4.1").pk, text="Calibration records")
    _ask(auditor, invitation, clause=_clause("4").pk, text='=HYPERLINK("x") context review')
    make_evidence(owner=UserFactory(username="energy-lead"), clauses=[_clause("4.1")], sites=[site])
    _ask(auditor, invitation, clause=_clause("4.1").pk, text="Meter list")
    first = EvidenceRequest.objects.get(number=1)
    request_services.evidence_request_answer(
        request=first, evidence=[world.in_scope], note="See r1", by=world.staff
    )
    return list(EvidenceRequest.objects.order_by("number"))


def test_the_pbc_list_filters_by_status_clause_and_owner(pbc, staff_client, world):
    url = reverse("audit-evidence-requests", args=[world.audit.pk])

    def numbers(query):
        return [r.number for r in staff_client.get(url, query).context["page_obj"].object_list]

    assert numbers({}) == [1, 2, 3]
    assert numbers({"status": "open"}) == [2, 3]
    assert numbers({"clause": _clause("4.1").pk}) == [1, 3]
    assert numbers({"owner": pbc[2].owner.pk}) == [3]
    assert numbers({"status": "answered", "clause": _clause("4").pk}) == []
    other_audit = staff_client.get(reverse("audit-evidence-requests", args=[world.other_audit.pk]))
    assert other_audit.context["page_obj"].paginator.count == 0


def test_the_pbc_list_exports_as_csv_and_excel(pbc, staff_client, world):
    url = reverse("audit-evidence-requests", args=[world.audit.pk])
    export = staff_client.get(url, {"export": "csv", "status": "open"})
    content = b"".join(export.streaming_content) if export.streaming else export.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["No.", "Standard", "Clause", "Request"]
    assert [(r[0], r[2], r[8]) for r in rows[1:]] == [("2", "4", "Open"), ("3", "4.1", "Open")]
    assert rows[1][3] == '\'=HYPERLINK("x") context review'  # a formula is neutralised
    assert rows[2][7] == "energy-lead"
    book = load_workbook(io.BytesIO(staff_client.get(url, {"export": "xlsx"}).content))
    sheet = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert len(sheet) == 4
    first = sheet[1]
    assert first[0] == 1
    assert first[3] == "Calibration records"
    assert first[8] == "Answered"
    assert first[9] == world.in_scope.title
    assert first[10] == "See r1"


def test_the_pbc_list_query_count_does_not_grow(pbc, staff_client, world, django_assert_max_num_queries):
    url = reverse("audit-evidence-requests", args=[world.audit.pk])
    with django_assert_max_num_queries(14):
        assert staff_client.get(url).status_code == 200


def test_the_audit_page_links_to_its_pbc_list(staff_client, world):
    page = staff_client.get(reverse("audit-detail", args=[world.audit.pk])).content.decode()
    assert reverse("audit-evidence-requests", args=[world.audit.pk]) in page


def test_each_clause_of_the_coverage_page_leads_to_the_request_form(auditor, invitation):
    page = auditor.get(reverse("portal-coverage", args=[invitation.pk])).content.decode()
    link = reverse("portal-requests", args=[invitation.pk]) + f"?clause={_clause('4.1').pk}#new"
    assert link in page
    form = auditor.get(reverse("portal-requests", args=[invitation.pk]), {"clause": _clause("4.1").pk})
    assert form.context["form"]["clause"].value() == str(_clause("4.1").pk)


def test_a_request_past_its_date_is_marked_on_the_dashboard(asked, staff_client):
    panel = 'id="my-evidence-requests"'
    home = staff_client.get(reverse("home")).content.decode()
    assert panel in home
    assert "badge-expired" not in home.split(panel, 1)[1].split("</section>", 1)[0]
    EvidenceRequest.objects.filter(pk=asked.pk).update(due_on=_in_days(-1))
    home = staff_client.get(reverse("home")).content.decode()
    assert "badge-expired" in home.split(panel, 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "done", "clause": "abc", "owner": "-1"},
        {"page": "999999", "export": "csv", "clause": "999999"},
        {"export": "pdf", "owner": "%00"},
    ],
)
def test_bad_filters_on_the_pbc_list_are_ignored_not_an_error(pbc, staff_client, world, query):
    response = staff_client.get(reverse("audit-evidence-requests", args=[world.audit.pk]), query)
    assert response.status_code == 200


def test_the_pbc_list_of_an_audit_that_does_not_exist_is_not_found(staff_client):
    assert staff_client.get(reverse("audit-evidence-requests", args=[999_999])).status_code == 404
    assert staff_client.get(reverse("evidence-request-detail", args=[999_999])).status_code == 404


def test_request_pages_read_the_same_number_of_queries_however_many_requests(
    auditor, invitation, staff_client, world
):
    """One request, then four: the portal's list, the PBC list and the owner's overview each run
    the same number of queries."""
    pages = [
        (auditor, reverse("portal-requests", args=[invitation.pk])),
        (staff_client, reverse("audit-evidence-requests", args=[world.audit.pk])),
        (staff_client, reverse("home")),
    ]

    def counts():
        found = []
        for client, url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    _ask(auditor, invitation, clause=_clause("4.1").pk)
    one = counts()
    for clause in ("4", "4.1", "4"):
        _ask(auditor, invitation, clause=_clause(clause).pk)
    assert counts() == one
