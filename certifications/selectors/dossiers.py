"""Reads of dossier jobs: the register, one dossier with its past versions, and look-ups by hash."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Dossier, DossierStatus


def dossier_list() -> QuerySet[Dossier]:
    return Dossier.objects.select_related("site", "audit", "standard", "evaluation", "requested_by").order_by(
        "-requested_at", "-id"
    )


def dossier_detail(*, pk: int) -> Dossier:
    """One dossier (Dossier.DoesNotExist if none)."""
    return (
        dossier_list()
        .select_related("site__organisation", "audit__programme", "evaluation__scheme")
        .get(pk=pk)
    )


def dossier_versions(*, dossier: Dossier) -> QuerySet[Dossier]:
    """Every version of the dossier's subject, newest first."""
    return dossier_list().filter(subject_key=dossier.subject_key).order_by("-version")


def dossier_for_download(*, pk: int) -> Dossier:
    """A complete dossier with its file (Dossier.DoesNotExist otherwise)."""
    return Dossier.objects.exclude(file="").get(pk=pk, status=DossierStatus.COMPLETE)


def dossier_by_sha256(*, sha256: str) -> Dossier | None:
    return dossier_list().filter(sha256=sha256.lower(), status=DossierStatus.COMPLETE).first()
