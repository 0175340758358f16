"""Dossier jobs: a request makes a new version of its subject's dossier and queues its render; the
render fills the sections in the dossier's language, lays out the PDF, checks it and publishes it, or
marks the job failed with its error and leaves no file."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.dispatch import task_after_commit
from greenfactory.core.exceptions import DomainError
from greenfactory.sites.models import Site

from ..models import Audit, Dossier, DossierKind, DossierLanguage, DossierStatus, Evaluation, Standard
from ..selectors import dossier_sections as section_selectors
from ..storage import private_storage
from . import dossier_pdf
from .dossier_seal import seal_dossier_pdf, seal_fingerprint

logger = logging.getLogger(__name__)

RENDER_TASK = "certifications.render_dossier"


def _subject_key(
    *,
    kind: str,
    site: Site,
    audit: Audit | None,
    standard: Standard | None,
    year: int | None,
    evaluation: Evaluation | None = None,
) -> str:
    if kind == DossierKind.GREEN and evaluation is not None:
        return f"green:{evaluation.pk}"
    if kind == DossierKind.AUDIT and audit is not None:
        return f"audit:{audit.pk}"
    if kind == DossierKind.COVERAGE and standard is not None:
        return f"coverage:{standard.pk}:{site.pk}"
    return f"ghg_year:{site.pk}:{year}"


def _subject_checked(
    *,
    kind: str,
    site: Site | None,
    audit: Audit | None,
    standard: Standard | None,
    year: int | None,
    evaluation: Evaluation | None = None,
) -> Site:
    """The site of the subject, once the subject fits its kind (DomainError otherwise)."""
    if kind not in DossierKind.values:
        raise DomainError(_("Choose what the dossier is for."), field="kind")
    if kind == DossierKind.GREEN:
        if evaluation is None:
            raise DomainError(_("Choose the green-factory evaluation."), field="evaluation")
        return evaluation.site
    if kind == DossierKind.AUDIT:
        if audit is None:
            raise DomainError(_("Choose the audit."), field="audit")
        return audit.programme.site
    if site is None:
        raise DomainError(_("Choose the site."), field="site")
    if kind == DossierKind.COVERAGE and standard is None:
        raise DomainError(_("Choose the standard."), field="standard")
    if kind == DossierKind.GHG_YEAR and (year is None or not 1990 <= year <= 2100):
        raise DomainError(_("Choose an inventory year between 1990 and 2100."), field="year")
    return site


@transaction.atomic
def dossier_request(
    *,
    kind: str,
    language: str,
    by: User,
    site: Site | None = None,
    audit: Audit | None = None,
    standard: Standard | None = None,
    year: int | None = None,
    evaluation: Evaluation | None = None,
) -> Dossier:
    """Create the next version of the subject's dossier, queued; its render starts after commit."""
    if language not in DossierLanguage.values:
        raise DomainError(_("Choose English or Simplified Chinese."), field="language")
    site = _subject_checked(
        kind=kind, site=site, audit=audit, standard=standard, year=year, evaluation=evaluation
    )
    audit = audit if kind == DossierKind.AUDIT else None
    standard = standard if kind == DossierKind.COVERAGE else None
    year = year if kind == DossierKind.GHG_YEAR else None
    evaluation = evaluation if kind == DossierKind.GREEN else None
    key = _subject_key(kind=kind, site=site, audit=audit, standard=standard, year=year, evaluation=evaluation)
    # Lock the subject's versions so two requests at once cannot take the same number.
    latest = Dossier.objects.select_for_update().filter(subject_key=key).aggregate(v=Max("version"))["v"] or 0
    if year is not None or evaluation is not None:
        start, end = section_selectors.kpi_period_default(
            kind=kind,
            today=timezone.localdate(),
            audit_year=year or (evaluation.year if evaluation else None),
        )
    else:
        programme_year = audit.programme.year if audit is not None else None
        start, end = section_selectors.kpi_period_default(
            kind=kind, today=timezone.localdate(), audit_year=programme_year
        )
    dossier = Dossier(
        kind=kind,
        site=site,
        audit=audit,
        standard=standard,
        year=year,
        evaluation=evaluation,
        subject_key=key,
        period_start=start,
        period_end=end,
        language=language,
        version=latest + 1,
        requested_by=by,
    )
    dossier._change_reason = "requested"  # type: ignore[attr-defined]
    dossier.save()
    task_after_commit(RENDER_TASK, dossier.pk)
    return dossier


def verification_url() -> str:
    return settings.DOSSIER_BASE_URL.rstrip("/") + reverse("dossier-verify")


def _claim(dossier_id: int) -> Dossier | None:
    """Mark the dossier rendering (again, after a lost worker) unless it is already finished."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
        if dossier.finished:
            return None
        dossier.status = DossierStatus.RENDERING
        dossier.started_at = timezone.now()
        dossier.sections_done = dossier.pages_done = 0
        dossier.sections_total = len(section_selectors.dossier_sections(dossier))
        dossier.error = ""
        dossier.save()
    return Dossier.objects.select_related(
        "site__organisation", "audit__programme", "standard", "evaluation__scheme"
    ).get(pk=dossier_id)


def _manifest(dossier: Dossier, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "dossier": dossier.reference,
        "dossier_id": dossier.pk,
        "version": dossier.version,
        "language": dossier.language,
        "kind": dossier.kind,
        "site": dossier.site.code,
        "period": [dossier.period_start.isoformat(), dossier.period_end.isoformat()],
        "issued_at": dossier.started_at.isoformat() if dossier.started_at else None,
        "revisions": entries,
    }


def dossier_html(dossier: Dossier) -> str:
    """The whole dossier as one HTML document, in the dossier's language; progress is written to the
    row as each section is filled."""
    sections = section_selectors.dossier_sections(dossier)
    url = verification_url()
    common = {
        "dossier": dossier,
        "verify_url": url,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=3, omitsize=False),
        "seal_fingerprint": seal_fingerprint(),
        "sections": sections,
        "static": dossier_pdf.STATIC_SCHEME,
        "end_marker": dossier_pdf.end_marker(dossier.reference),
    }
    with translation.override(dossier.language):
        parts = []
        for done, section in enumerate(sections, start=1):
            context = {**common, **section.data(dossier), "section": section, "last": done == len(sections)}
            parts.append(render_to_string(f"certifications/dossiers/sections/_{section.name}.html", context))
            Dossier.objects.filter(pk=dossier.pk).update(sections_done=done)
        return render_to_string(
            "certifications/dossiers/document.html",
            {**common, "body": "".join(parts), "page_counter_css": page_counter_css()},
        )


def page_counter_css() -> str:
    """The footer's "page X of Y" in the active language as a CSS content value with counters."""
    text = _("page {page} of {pages}")
    css = []
    for part in re.split(r"(\{pages?\})", text):
        if part == "{page}":
            css.append("counter(page)")
        elif part == "{pages}":
            css.append("counter(pages)")
        elif part:
            css.append('"' + part.replace("\\", "").replace('"', "").replace("<", "") + '"')
    return " ".join(css)


def dossier_render(*, dossier_id: int) -> Dossier | None:
    """Render, check, seal and publish the dossier; a finished one is left as it is (idempotent).
    Any failure marks it failed with the error, and no file is left behind."""
    dossier = _claim(dossier_id)
    if dossier is None:
        return None
    try:
        html = dossier_html(dossier)
        manifest = _manifest(dossier, section_selectors.manifest_entries(dossier))
        rendered = dossier_pdf.render_pdf(html=html, manifest=manifest, reference=dossier.reference)
        Dossier.objects.filter(pk=dossier.pk).update(pages_done=rendered.page_count)
        sealed = seal_dossier_pdf(rendered.data)
        return _publish(dossier, data=sealed.data, pages=rendered.page_count, manifest=manifest, seal=sealed)
    except Exception as exc:  # noqa: BLE001 - whatever broke, the job must say so, not stay "rendering"
        logger.exception("Dossier %s failed to render", dossier_id)
        _fail(dossier_id, error=f"{type(exc).__name__}: {exc}")
        return Dossier.objects.get(pk=dossier_id)


def _publish(dossier: Dossier, *, data: bytes, pages: int, manifest: dict[str, Any], seal: Any) -> Dossier:
    """Write to a temporary name, check what was written, move it to its name and mark complete."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"dossiers/{dossier.reference}-{digest[:12]}.pdf"
    final = Path(private_storage().path(name))
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=final.parent, prefix=".partial-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        written = Path(temporary).read_bytes()
        if hashlib.sha256(written).hexdigest() != digest:
            raise dossier_pdf.DossierCheckFailed("The file written differs from the file rendered")
        dossier_pdf.check_pdf(data=written, page_count=pages, reference=dossier.reference)
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    try:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            locked.file.name = name
            locked.sha256 = digest
            locked.size = len(data)
            locked.page_count = pages
            locked.pages_done = pages
            locked.manifest = manifest
            locked.sealed = seal.sealed
            locked.seal_note = seal.note
            locked.status = DossierStatus.COMPLETE
            locked.completed_at = timezone.now()
            locked.save()
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    return locked


def _fail(dossier_id: int, *, error: str) -> None:
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
        if dossier.status == DossierStatus.COMPLETE:
            return
        dossier.status = DossierStatus.FAILED
        dossier.error = error[:2000]
        dossier.completed_at = timezone.now()
        dossier.file.name = ""
        dossier.save()
