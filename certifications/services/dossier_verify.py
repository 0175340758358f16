"""Verification of a dossier file or hash: is it a dossier issued here, which one, is its seal intact
and trusted, and has any evidence revision in its manifest since changed or been superseded."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from ..models import Dossier, DossierCopy, EvidenceRevision
from ..selectors import dossier_shares as share_selectors
from ..selectors import dossiers as dossier_selectors
from . import dossier_pdf
from .dossier_seal import SealResult, seal_check


@dataclass
class EvidenceChange:
    revision_id: int
    evidence_id: int
    title: str
    problem: str


@dataclass
class Verification:
    sha256: str
    dossier: Dossier | None  # the dossier this exact file is
    named: Dossier | None = None  # the dossier its manifest names, when the file is not one issued here
    seal: SealResult | None = None
    changes: list[EvidenceChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    copy: DossierCopy | None = None  # the personal copy this exact file is

    @property
    def copy_note(self) -> str:
        if self.copy is None:
            return ""
        return _("A personal copy of dossier %(ref)s issued to %(name)s on %(date)s") % {
            "ref": self.copy.share.dossier.reference,
            "name": self.copy.issued_to,
            "date": self.copy.issued_at.date().isoformat(),
        }

    @property
    def issued_here(self) -> bool:
        return self.dossier is not None

    @property
    def genuine(self) -> bool:
        """An issued file whose seal (when it has to have one) holds."""
        if self.dossier is None:
            return False
        if self.dossier.sealed:
            return self.seal is not None and self.seal.good
        return True

    def as_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "issued_here": self.issued_here,
            "genuine": self.genuine,
            "dossier": _dossier_ref(self.dossier),
            "named_dossier": _dossier_ref(self.named),
            "seal": self.seal.as_dict() if self.seal else None,
            "evidence_changes": [change.__dict__ for change in self.changes],
            "problems": self.problems,
            "personal_copy": self.copy_note or None,
        }


def _dossier_ref(dossier: Dossier | None) -> dict[str, Any] | None:
    if dossier is None:
        return None
    return {
        "id": dossier.pk,
        "reference": dossier.reference,
        "subject": dossier.subject_label,
        "version": dossier.version,
        "sealed": dossier.sealed,
        "completed_at": dossier.completed_at.isoformat() if dossier.completed_at else None,
    }


def evidence_changes(manifest: dict[str, Any]) -> list[EvidenceChange]:
    """The manifest's revisions that no longer hold: changed, deleted, or superseded by a newer one."""
    entries = [e for e in manifest.get("revisions", []) if isinstance(e, dict)]
    ids: list[int] = [e["revision_id"] for e in entries if isinstance(e.get("revision_id"), int)]
    stored = {r.pk: r for r in EvidenceRevision.objects.filter(pk__in=ids)}
    evidence_ids: set[int] = {e["evidence_id"] for e in entries if isinstance(e.get("evidence_id"), int)}
    newest = dict(
        EvidenceRevision.objects.filter(evidence_id__in=evidence_ids)
        .values("evidence_id")
        .annotate(n=Max("number"))
        .values_list("evidence_id", "n")
    )
    changes = []
    for entry in entries:
        revision = stored.get(entry.get("revision_id"))  # type: ignore[arg-type]
        if revision is None:
            problem = _("The revision no longer exists.")
        elif revision.sha256 != entry.get("sha256"):
            problem = _("The revision's file has changed since the dossier was issued.")
        elif newest.get(revision.evidence_id, 0) > revision.number:
            problem = _("A newer revision has superseded it.")
        else:
            continue
        changes.append(
            EvidenceChange(
                revision_id=entry.get("revision_id") or 0,
                evidence_id=entry.get("evidence_id") or 0,
                title=str(entry.get("title", "")),
                problem=problem,
            )
        )
    return changes


def dossier_verify_hash(*, sha256: str) -> Verification:
    """What the record says of the file with this SHA-256 (no seal check: there is no file)."""
    dossier = dossier_selectors.dossier_by_sha256(sha256=sha256)
    result = Verification(sha256=sha256.lower(), dossier=dossier)
    if dossier is None and _as_copy(result):
        result.changes = evidence_changes(result.named.manifest) if result.named else []
    elif dossier is None:
        result.problems.append(_("No dossier issued here has this SHA-256."))
    else:
        result.changes = evidence_changes(dossier.manifest)
    return result


def dossier_verify_file(*, data: bytes) -> Verification:
    """Check a file: its hash against the record, its seal, and its manifest against the evidence."""
    digest = hashlib.sha256(data).hexdigest()
    dossier = dossier_selectors.dossier_by_sha256(sha256=digest)
    result = Verification(sha256=digest, dossier=dossier)
    result.seal = seal_check(data)
    manifest = dossier_pdf.read_manifest(data)
    if dossier is None and _as_copy(result):
        pass
    elif dossier is None:
        result.problems.append(_("This file is not a dossier issued here, or it was changed after issue."))
        named_id = manifest.get("dossier_id") if isinstance(manifest, dict) else None
        if isinstance(named_id, int):
            result.named = dossier_selectors.dossier_list().filter(pk=named_id).first()
    if dossier is not None and dossier.sealed and not result.seal.good:
        result.problems.append(result.seal.problem or _("The seal does not hold."))
    source = dossier.manifest if dossier is not None else manifest
    if isinstance(source, dict):
        result.changes = evidence_changes(source)
    return result


def _as_copy(result: Verification) -> bool:
    """Whether the hash is an auditor's personal copy; if so, the copy and its dossier are named."""
    result.copy = share_selectors.copy_by_sha256(sha256=result.sha256)
    if result.copy is None:
        return False
    result.named = result.copy.share.dossier
    return True
