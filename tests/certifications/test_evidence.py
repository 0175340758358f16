"""Evidence: its workflow, its files (limits, sniffing, hashes, private downloads), links, register."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from certifications import services
from certifications.exceptions import FileTooLarge, UnsupportedFileType
from certifications.files import sniff_media_type
from certifications.models import Clause, EvidenceRevision, EvidenceStatus
from greenfactory.core.exceptions import TransitionNotAllowed
from tests.factories import SiteFactory, UserFactory

from .factories import PDF_BYTES, TODAY, make_evidence, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(staff_user):
    return staff_user


def _ooxml(folder: str) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # A fixed time in the entries: the same bytes (and test ids) in every pytest-xdist worker.
        for name, text in (("[Content_Types].xml", "<Types/>"), (f"{folder}/document.xml", "<x/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


# --- workflow -------------------------------------------------------------------------------------


def test_a_draft_with_a_file_goes_to_review_and_approval_records_the_approver(owner, admin_user, clauses):
    evidence = make_evidence(owner=owner, status=EvidenceStatus.IN_REVIEW, clauses=[clauses["4.1"]])
    approved = services.evidence_transition(evidence=evidence, to=EvidenceStatus.APPROVED, by=admin_user)
    assert approved.status == EvidenceStatus.APPROVED
    assert approved.approver == admin_user
    assert approved.approved_at is not None


def test_a_draft_without_a_file_cannot_be_sent_for_review(owner):
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    with pytest.raises(TransitionNotAllowed):
        services.evidence_transition(evidence=evidence, to=EvidenceStatus.IN_REVIEW, by=owner)


def test_a_draft_cannot_be_approved_directly(owner):
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    with pytest.raises(TransitionNotAllowed):
        services.evidence_transition(evidence=evidence, to=EvidenceStatus.APPROVED, by=owner)
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.DRAFT


def test_superseded_evidence_is_final(owner):
    evidence = make_evidence(owner=owner, status=EvidenceStatus.SUPERSEDED)
    for target in EvidenceStatus.values:
        with pytest.raises(TransitionNotAllowed):
            services.evidence_transition(evidence=evidence, to=target, by=owner)


def test_evidence_past_its_expiry_cannot_be_approved(owner):
    evidence = make_evidence(owner=owner, status=EvidenceStatus.IN_REVIEW, expiry_date=dt.date(2026, 1, 1))
    with pytest.raises(TransitionNotAllowed):
        services.evidence_transition(evidence=evidence, to=EvidenceStatus.APPROVED, by=owner, today=TODAY)


def test_starting_a_new_revision_returns_approved_evidence_to_draft_without_approver(owner):
    evidence = make_evidence(owner=owner)
    draft = services.evidence_transition(evidence=evidence, to=EvidenceStatus.DRAFT, by=owner)
    assert draft.status == EvidenceStatus.DRAFT
    assert draft.approver is None


def test_the_daily_expiry_marks_lapsed_approved_evidence_expired(owner):
    evidence = make_evidence(owner=owner, expiry_date=dt.date(2026, 5, 1), today=dt.date(2026, 4, 1))
    assert services.evidence_expire_due(today=TODAY) == 1
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.EXPIRED


def test_a_refused_transition_on_the_page_shows_the_reason(staff_client, owner):
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    response = staff_client.post(f"/evidence/{evidence.pk}/status/", {"to": "approved"}, follow=True)
    assert "cannot go from" in response.content.decode()


def test_a_refused_transition_in_the_api_is_409(staff_client, owner):
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    response = staff_client.post(f"/api/v1/evidence/{evidence.pk}/transition/", {"to": "approved"})
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"


def test_an_unknown_status_in_the_api_is_400(staff_client, owner):
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    response = staff_client.post(f"/api/v1/evidence/{evidence.pk}/transition/", {"to": "done"})
    assert response.status_code == 400


# --- files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "media_type"),
    [
        (PDF_BYTES, "scan.pdf", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "photo.png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "photo.jpg", "image/jpeg"),
        (
            _ooxml("word"),
            "manual.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (_ooxml("xl"), "ledger.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (b"date,kWh\n2026-01-01,5\n", "meter.csv", "text/csv"),
        ("环境因素清单\n".encode(), "notes.txt", "text/plain"),
    ],
)
def test_the_media_type_comes_from_the_content(content, name, media_type):
    assert sniff_media_type(BytesIO(content), name=name) == media_type


def test_a_renamed_executable_is_refused_whatever_its_name():
    with pytest.raises(UnsupportedFileType):
        sniff_media_type(BytesIO(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 50), name="report.pdf")


def test_a_plain_zip_archive_is_refused():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("anything.bin", b"\x00\x01")
    with pytest.raises(UnsupportedFileType):
        sniff_media_type(buffer, name="bundle.zip")


def test_an_upload_records_sha256_size_and_type_and_stores_a_generated_name(owner, private_media):
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    revision = services.evidence_revision_add(
        evidence=evidence, file=BytesIO(PDF_BYTES), name="../../etc/passwd.pdf", by=owner
    )
    assert revision.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert revision.size == len(PDF_BYTES)
    assert revision.media_type == "application/pdf"
    assert revision.number == 1
    assert "passwd" not in revision.file.name
    stored = private_media / revision.file.name
    assert stored.read_bytes() == PDF_BYTES
    assert stored.resolve().is_relative_to(private_media.resolve())


def test_an_upload_over_the_limit_is_refused_and_leaves_no_file(owner, settings, private_media):
    settings.EVIDENCE_UPLOAD_MAX_BYTES = 100
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    with pytest.raises(FileTooLarge):
        services.evidence_revision_add(
            evidence=evidence, file=BytesIO(PDF_BYTES * 5), name="big.pdf", by=owner
        )
    assert not EvidenceRevision.objects.exists()
    assert not list(private_media.rglob("*.pdf"))


def test_an_upload_over_the_limit_is_413_in_the_api(staff_client, owner, settings):
    settings.EVIDENCE_UPLOAD_MAX_BYTES = 100
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    response = staff_client.post(
        f"/api/v1/evidence/{evidence.pk}/revisions/",
        {"file": pdf_upload(content=PDF_BYTES * 5)},
        format="multipart",
    )
    assert response.status_code == 413


def test_an_upload_over_the_limit_is_a_form_error_on_the_page(staff_client, owner, settings):
    settings.EVIDENCE_UPLOAD_MAX_BYTES = 100
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    response = staff_client.post(
        f"/evidence/{evidence.pk}/upload/", {"file": pdf_upload(content=PDF_BYTES * 5)}
    )
    assert response.status_code == 413
    assert "larger than the limit" in response.content.decode()


def test_an_unaccepted_type_is_415_in_the_api(staff_client, owner):
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    upload = SimpleUploadedFile("run.pdf", b"MZ\x90\x00" + b"\x00" * 40)
    response = staff_client.post(
        f"/api/v1/evidence/{evidence.pk}/revisions/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 415


def test_files_are_added_only_to_drafts(owner):
    evidence = make_evidence(owner=owner)
    with pytest.raises(TransitionNotAllowed):
        services.evidence_revision_add(evidence=evidence, file=BytesIO(PDF_BYTES), name="x.pdf", by=owner)


def test_uploading_on_the_page_stores_the_next_revision(staff_client, owner):
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    staff_client.post(f"/evidence/{evidence.pk}/upload/", {"file": pdf_upload()})
    staff_client.post(f"/evidence/{evidence.pk}/upload/", {"file": pdf_upload("v2.pdf")})
    assert list(evidence.revisions.values_list("number", flat=True)) == [2, 1]


def test_staff_download_the_file_through_the_checked_view(staff_client, owner):
    evidence = make_evidence(owner=owner)
    revision = evidence.revisions.get()
    response = staff_client.get(f"/evidence/files/{revision.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("role", ["anonymous", "auditor", "gateway"])
def test_other_roles_cannot_download_evidence_files(role_clients, owner, role):
    revision = make_evidence(owner=owner).revisions.get()
    for url in (f"/evidence/files/{revision.pk}/", f"/api/v1/evidence-revisions/{revision.pk}/download/"):
        response = role_clients[role].get(url)
        assert response.status_code in (302, 401, 403)
        assert not getattr(response, "streaming", False)


def test_behind_nginx_the_download_is_handed_over_with_x_accel_redirect(staff_client, owner, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/protected/"
    revision = make_evidence(owner=owner).revisions.get()
    response = staff_client.get(f"/evidence/files/{revision.pk}/")
    assert response["X-Accel-Redirect"] == f"/protected/{revision.file.name}"


def test_evidence_files_have_no_public_url(owner):
    revision = make_evidence(owner=owner).revisions.get()
    with pytest.raises(NotImplementedError):
        revision.file.url  # noqa: B018


# --- links and the crosswalk ----------------------------------------------------------------------


def test_the_item_page_offers_the_crosswalk_equivalents_of_linked_clauses(staff_client, owner, shipped):
    audit = Clause.objects.get(standard__code="ISO 9001", number="9.2")
    evidence = make_evidence(owner=owner, clauses=[audit])
    page = staff_client.get(f"/evidence/{evidence.pk}/").content.decode()
    assert "The crosswalk suggests" in page
    for code in ("ISO 14001:2015", "ISO 45001:2018", "ISO 50001:2018"):
        assert code in page


def test_linking_the_suggested_equivalents_links_them_all(staff_client, owner, shipped):
    audit = Clause.objects.get(standard__code="ISO 9001", number="9.2")
    evidence = make_evidence(owner=owner, clauses=[audit])
    others = Clause.objects.filter(number="9.2", standard__code__in=["ISO 14001", "ISO 45001", "ISO 50001"])
    staff_client.post(f"/evidence/{evidence.pk}/link/", {"clauses": [c.pk for c in others]})
    assert evidence.clauses.count() == 4


# --- register -------------------------------------------------------------------------------------


def test_the_register_filters_by_standard_site_owner_status_and_expiry(staff_client, owner, clauses):
    site_a, site_b = SiteFactory(code="A-01"), SiteFactory(code="B-01")
    other = UserFactory(username="other")
    make_evidence(
        owner=owner, title="Alpha", clauses=[clauses["4.1"]], sites=[site_a], expiry_date=dt.date(2026, 7, 1)
    )
    make_evidence(owner=other, title="Bravo", sites=[site_b], status=EvidenceStatus.DRAFT)
    make_evidence(owner=owner, title="Charlie everywhere")

    def titles(query: str) -> list[str]:
        return [e.title for e in staff_client.get(f"/evidence/?{query}").context["page_obj"].object_list]

    assert titles(f"standard={clauses['4.1'].standard_id}") == ["Alpha"]
    assert titles(f"clause={clauses['4.1'].pk}") == ["Alpha"]
    assert titles(f"standard={clauses['4.1'].standard_id}&clause_number=4.1") == ["Alpha"]
    assert titles(f"standard={clauses['4.1'].standard_id}&clause_number=5") == []
    assert titles("site=A-01") == ["Alpha", "Charlie everywhere"]
    assert titles("owner=other") == ["Bravo"]
    assert titles("status=draft") == ["Bravo"]
    assert titles("expires_before=2026-12-31") == ["Alpha"]
    assert [e["title"] for e in staff_client.get("/api/v1/evidence/?site=B-01").json()["results"]] == [
        "Bravo",
        "Charlie everywhere",
    ]


def test_register_exports_neutralise_formulas(staff_client, owner):
    make_evidence(owner=owner, title='=HYPERLINK("http://x")')
    csv_body = b"".join(staff_client.get("/evidence/?export=csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_body
    workbook = load_workbook(BytesIO(staff_client.get("/evidence/?export=xlsx").content))
    assert workbook.active["B2"].value.startswith("'=")


def test_the_register_query_count_does_not_grow_with_its_data(
    staff_client, owner, clauses, django_assert_max_num_queries
):
    site = SiteFactory(code="Q-01")
    make_evidence(owner=owner, title="First", clauses=[clauses["4.1"]], sites=[site])
    with django_assert_max_num_queries(12) as few:
        staff_client.get("/evidence/")
    for n in range(15):
        make_evidence(
            owner=UserFactory(), title=f"Item {n}", clauses=[clauses["4.1"], clauses["5"]], sites=[site]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get("/evidence/")
    assert len(response.context["page_obj"].object_list) == 16


def test_an_oversized_body_is_refused_before_it_is_read(staff_client, owner, settings):
    settings.EVIDENCE_UPLOAD_MAX_BYTES = 1000
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    huge = str(10 * 1024 * 1024)
    page = staff_client.post(f"/evidence/{evidence.pk}/upload/", {"file": pdf_upload()}, CONTENT_LENGTH=huge)
    assert page.status_code == 413
    assert "larger than the limit" in page.content.decode()
    api = staff_client.post(
        f"/api/v1/evidence/{evidence.pk}/revisions/",
        {"file": pdf_upload()},
        format="multipart",
        CONTENT_LENGTH=huge,
    )
    assert api.status_code == 413
    assert not evidence.revisions.exists()


def test_owners_are_administrators_or_compliance_staff(staff_client, auditor_user, staff_user):
    page = staff_client.get("/evidence/new/")
    owners = list(page.context["form"].fields["owner"].queryset)
    assert staff_user in owners
    assert auditor_user not in owners
    response = staff_client.post(
        "/api/v1/evidence/", {"title": "X", "owner": auditor_user.username}, content_type="application/json"
    )
    assert response.status_code == 400


def test_clause_links_are_kept_in_the_audit_trail(owner, clauses):
    evidence = make_evidence(owner=owner, status=EvidenceStatus.DRAFT)
    services.evidence_link_clauses(evidence=evidence, clauses=[clauses["4.1"]], by=owner)
    latest = evidence.history.order_by("-history_id").first()
    assert [c.clause_id for c in latest.clauses.all()] == [clauses["4.1"].pk]
    assert latest.history_user == owner
