"""Dossiers rendered to PDF: every section's text, page numbers, the manifest attachment, Chinese,
the URL fetcher's refusals, failures that leave no file, and versions."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re

import pypdf
import pytest
import weasyprint

from certifications.models import Dossier, DossierKind, DossierStatus
from certifications.selectors import dossier_sections
from certifications.services import dossier_pdf
from certifications.services import dossiers as dossier_services
from certifications.storage import private_storage

from .dossier_fixtures import small_audit


@pytest.fixture
def audit_and_evidence(site, staff_user):
    return small_audit(site=site, by=staff_user)


def pdf_of(dossier: Dossier) -> pypdf.PdfReader:
    with private_storage().open(dossier.file.name, "rb") as handle:
        return pypdf.PdfReader(io.BytesIO(handle.read()))


def text_of(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


@pytest.fixture
def english(audit_and_evidence, staff_user, django_capture_on_commit_callbacks):
    audit, _evidence = audit_and_evidence
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.dossier_request(
            kind=DossierKind.AUDIT, audit=audit, language="en", by=staff_user
        )
    dossier.refresh_from_db()
    return dossier


@pytest.mark.django_db
def test_every_section_is_in_the_pdf_with_page_x_of_y(english, audit_and_evidence):
    audit, evidence = audit_and_evidence
    assert english.status == DossierStatus.COMPLETE, english.error
    reader = pdf_of(english)
    pages = text_of(reader)
    assert english.page_count == len(reader.pages)
    whole = " ".join("\n".join(pages).split())  # table cells wrap: compare words, not lines
    for heading in (
        "Contents",
        "Certification status",
        "Clause coverage",
        "Evidence register",
        "Findings and corrective actions",
        "Energy and emissions for the period",
        "Appendix: evidence manifest",
        "How to verify this document",
    ):
        assert heading in whole, heading
    assert audit.reference in pages[0]
    assert "Management review minutes" in whole
    assert "Context review missing" in whole
    assert evidence.revisions.get().sha256 in "".join(whole.split())
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in text
        assert english.reference in text
    assert f"END-OF-DOSSIER {english.reference}" in pages[-1]


@pytest.mark.django_db
def test_contents_give_the_page_each_section_starts_on(english):
    pages = text_of(pdf_of(english))
    contents = next(p for p in pages if "Contents" in p and "Evidence register" in p)
    listed = re.search(r"Evidence register[ .]*(\d+)", contents)
    assert listed
    assert "Evidence register" in pages[int(listed.group(1)) - 1]


@pytest.mark.django_db
def test_manifest_attachment_lists_every_revision_with_the_database_hashes(english, audit_and_evidence):
    _audit, evidence = audit_and_evidence
    reader = pdf_of(english)
    attached = json.loads(reader.attachments["manifest.json"][0])
    revision = evidence.revisions.get()
    assert attached == english.manifest
    assert attached["revisions"] == [
        {
            "revision_id": revision.pk,
            "evidence_id": evidence.pk,
            "number": 1,
            "title": "Management review minutes",
            "sha256": revision.sha256,
            "uploaded_at": revision.uploaded_at.isoformat(),
        }
    ]
    with private_storage().open(english.file.name, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == english.sha256


@pytest.mark.django_db
def test_chinese_dossier_has_chinese_text(audit_and_evidence, staff_user, django_capture_on_commit_callbacks):
    audit, _evidence = audit_and_evidence
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.dossier_request(
            kind=DossierKind.AUDIT, audit=audit, language="zh-hans", by=staff_user
        )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.COMPLETE, dossier.error
    whole = "\n".join(text_of(pdf_of(dossier)))
    assert re.search(r"[\u4e00-\u9fff]", whole)


@pytest.mark.django_db
def test_versions_increment_and_a_new_request_never_replaces_the_old_file(
    english, audit_and_evidence, staff_user, django_capture_on_commit_callbacks
):
    audit, _evidence = audit_and_evidence
    with django_capture_on_commit_callbacks(execute=True):
        second = dossier_services.dossier_request(
            kind=DossierKind.AUDIT, audit=audit, language="en", by=staff_user
        )
    second.refresh_from_db()
    english.refresh_from_db()
    assert (english.version, second.version) == (1, 2)
    assert english.file.name != second.file.name
    assert private_storage().exists(english.file.name)


@pytest.mark.django_db
def test_rendering_a_complete_dossier_again_changes_nothing(english):
    before = (english.sha256, english.file.name, english.completed_at)
    assert dossier_services.dossier_render(dossier_id=english.pk) is None
    english.refresh_from_db()
    assert (english.sha256, english.file.name, english.completed_at) == before


@pytest.mark.django_db
def test_a_failing_section_marks_the_dossier_failed_with_its_error_and_no_file(
    audit_and_evidence, staff_user, monkeypatch, django_capture_on_commit_callbacks
):
    audit, _evidence = audit_and_evidence

    def broken(dossier):
        raise RuntimeError("coverage exploded")

    sections = dossier_sections.SECTIONS[DossierKind.AUDIT]
    patched = tuple(
        dossier_sections.Section(s.name, s.title, broken) if s.name == "coverage" else s for s in sections
    )
    monkeypatch.setitem(dossier_sections.SECTIONS, DossierKind.AUDIT, patched)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.dossier_request(
            kind=DossierKind.AUDIT, audit=audit, language="en", by=staff_user
        )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.FAILED
    assert "coverage exploded" in dossier.error
    assert dossier.file.name == ""
    assert dossier.sha256 == ""
    folder = private_storage().path("dossiers")
    assert not os.path.isdir(folder) or os.listdir(folder) == []


@pytest.mark.django_db
def test_a_pdf_that_fails_its_check_is_never_published(
    audit_and_evidence, staff_user, monkeypatch, django_capture_on_commit_callbacks
):
    audit, _evidence = audit_and_evidence
    real = dossier_pdf.render_pdf

    def one_page_short(**kwargs):
        rendered = real(**kwargs)
        return dossier_pdf.Rendered(data=rendered.data, page_count=rendered.page_count + 1)

    monkeypatch.setattr(dossier_pdf, "render_pdf", one_page_short)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.dossier_request(
            kind=DossierKind.AUDIT, audit=audit, language="en", by=staff_user
        )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.FAILED
    assert "pages" in dossier.error
    folder = private_storage().path("dossiers")
    assert not os.path.isdir(folder) or os.listdir(folder) == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/x.css",
        "data:text/plain,hello",
        "gf-static:../../etc/passwd",
    ],
)
def test_url_fetcher_refuses_everything_but_the_apps_static_files(url):
    with pytest.raises(dossier_pdf.ResourceRefused):
        dossier_pdf.StaticOnlyFetcher().fetch(url)


def test_url_fetcher_serves_the_dossier_stylesheet():
    response = dossier_pdf.StaticOnlyFetcher().fetch("gf-static:css/dossier.css")
    assert b"@page" in response.read()


def test_an_image_pointing_at_a_local_file_stops_the_render():
    html = '<html><body><img src="file:///etc/hostname"><p>x</p></body></html>'
    with pytest.raises(weasyprint.urls.FatalURLFetchingError):
        dossier_pdf.render_pdf(html=html, manifest={}, reference="DOS-TEST")


@pytest.mark.django_db
def test_a_render_whose_worker_was_lost_starts_over_and_completes(audit_and_evidence, staff_user):
    from certifications.tasks import render_dossier

    audit, _evidence = audit_and_evidence
    dossier = dossier_services.dossier_request(
        kind=DossierKind.AUDIT, audit=audit, language="en", by=staff_user
    )
    # The worker died mid-render: the row still says rendering, halfway, and the message comes back.
    Dossier.objects.filter(pk=dossier.pk).update(
        status=DossierStatus.RENDERING, sections_done=4, pages_done=3
    )
    assert render_dossier(dossier.pk) == DossierStatus.COMPLETE
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.COMPLETE
    assert dossier.sections_done == dossier.sections_total
    assert dossier.pages_done == dossier.page_count


def test_the_render_task_goes_to_the_dossier_queue_and_survives_a_lost_worker():
    from celery import current_app

    from certifications.tasks import DOSSIER_TIME_LIMIT, render_dossier

    route = current_app.amqp.router.route({}, "certifications.render_dossier")
    assert route["queue"].name == "dossier"
    assert render_dossier.acks_late is True
    assert render_dossier.reject_on_worker_lost is True
    assert render_dossier.time_limit == DOSSIER_TIME_LIMIT
    from django.conf import settings

    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > DOSSIER_TIME_LIMIT


@pytest.mark.django_db
def test_coverage_and_ghg_year_dossiers_render_their_own_sections(
    audit_and_evidence, site, staff_user, django_capture_on_commit_callbacks
):
    audit, _evidence = audit_and_evidence
    standard = audit.standards.get()
    with django_capture_on_commit_callbacks(execute=True):
        coverage = dossier_services.dossier_request(
            kind=DossierKind.COVERAGE, standard=standard, site=site, language="en", by=staff_user
        )
        ghg = dossier_services.dossier_request(
            kind=DossierKind.GHG_YEAR, site=site, year=2025, language="en", by=staff_user
        )
    coverage.refresh_from_db()
    ghg.refresh_from_db()
    assert (coverage.status, ghg.status) == (DossierStatus.COMPLETE, DossierStatus.COMPLETE), (
        coverage.error,
        ghg.error,
    )
    covered = " ".join("\n".join(text_of(pdf_of(coverage))).split())
    assert "Clause coverage" in covered
    assert "Context review missing" in covered  # the site's findings on the standard's clauses
    inventory = " ".join("\n".join(text_of(pdf_of(ghg))).split())
    assert "GHG inventory" in inventory
    assert "Scope 2, market-based" in inventory
    assert "Clause coverage" not in inventory
    assert (ghg.period_start.isoformat(), ghg.period_end.isoformat()) == ("2025-01-01", "2025-12-31")
