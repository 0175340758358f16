"""Evidence files through the portal: PDFs are stamped on every page with the auditor, the audit and
the date while the stored file stays as it was; other types are served as stored, and the log says
which; previews open in the browser."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from certifications.models import PortalAccessLog
from certifications.services.pdf_stamp import PdfNotReadable, stamp_pdf
from certifications.storage import private_storage

from .portal_setup import build_world, in_scope_file, invite

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def three_page_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(842, 595)  # landscape
    writer.add_blank_page(300, 400)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def world(site, staff_user):
    return build_world(site=site, staff=staff_user)


@pytest.fixture
def invitation(world):
    return invite(world, name="李伟 Li Wei")


@pytest.fixture
def auditor(invitation):
    client = Client(REMOTE_ADDR="198.51.100.4")
    client.force_login(invitation.auditor)
    return client


def _stored_sha(revision) -> str:
    with private_storage().open(revision.file.name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_stamp_pdf_puts_the_text_on_every_page():
    stamped = stamp_pdf(three_page_pdf(), "王芳 · SV-2026-01 · 2026-06-01")
    pages = PdfReader(io.BytesIO(stamped)).pages
    assert len(pages) == 3
    assert all("王芳 · SV-2026-01 · 2026-06-01" in page.extract_text() for page in pages)


def test_stamp_pdf_refuses_what_is_not_a_pdf():
    with pytest.raises(PdfNotReadable):
        stamp_pdf(b"%PDF-1.4 broken", "x")


def test_a_pdf_download_is_stamped_on_every_page_and_the_stored_file_is_unchanged(auditor, invitation, world):
    revision = in_scope_file(world, content=three_page_pdf(), name="calibration.pdf")
    before = _stored_sha(revision)
    response = auditor.get(reverse("portal-file", args=[invitation.pk, revision.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = f"李伟 Li Wei · {world.audit.reference} · {timezone.localdate().isoformat()}"
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 3
    assert all(text in page.extract_text() for page in pages)
    assert _stored_sha(revision) == before == revision.sha256
    log = PortalAccessLog.objects.get(action="download")
    assert (log.invitation, log.audit, log.object_type, log.object_id) == (
        invitation,
        world.audit,
        "evidencerevision",
        revision.pk,
    )
    assert log.remote_address == "198.51.100.4"
    assert log.note == "stamped copy"


def test_a_pdf_preview_opens_inline_and_is_logged_as_a_preview(auditor, invitation, world):
    revision = in_scope_file(world, content=three_page_pdf(), name="calibration.pdf")
    response = auditor.get(reverse("portal-file-preview", args=[invitation.pk, revision.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")
    assert PortalAccessLog.objects.filter(action="preview", object_id=revision.pk).count() == 1


def test_an_image_is_served_as_stored_and_the_log_says_so(auditor, invitation, world):
    revision = in_scope_file(world, content=PNG_BYTES, name="gauge.png")
    preview = auditor.get(reverse("portal-file-preview", args=[invitation.pk, revision.pk]))
    assert preview.status_code == 200
    assert preview["Content-Disposition"].startswith("inline;")
    assert b"".join(preview.streaming_content) == PNG_BYTES
    download = auditor.get(reverse("portal-file", args=[invitation.pk, revision.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PNG_BYTES
    notes = set(PortalAccessLog.objects.filter(object_id=revision.pk).values_list("action", "note"))
    assert notes == {("preview", "served as stored (not PDF)"), ("download", "served as stored (not PDF)")}


def test_a_text_file_has_no_preview_but_downloads_as_stored(auditor, invitation, world):
    revision = in_scope_file(world, content=b"meter,value\nE-MAIN,12\n", name="readings.csv")
    assert auditor.get(reverse("portal-file-preview", args=[invitation.pk, revision.pk])).status_code == 404
    download = auditor.get(reverse("portal-file", args=[invitation.pk, revision.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"meter,value\nE-MAIN,12\n"


def test_an_unreadable_pdf_is_served_as_stored_and_the_log_says_it_was_not_stamped(
    auditor, invitation, world
):
    revision = world.in_scope.revisions.get()  # the minimal PDF of the fixtures has no pages
    response = auditor.get(reverse("portal-file", args=[invitation.pk, revision.pk]))
    assert response.status_code == 200
    assert PortalAccessLog.objects.get(action="download").note.startswith("served as stored")
