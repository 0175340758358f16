"""Sharing a complete audit dossier with one of the audit's invitations, revoking the share, and
issuing an auditor's personal copy: the dossier stamped "Issued to NAME, DATE" on every page, its
old seal taken out, then sealed again (a stamp after sealing would break the seal). The dossier's
stored file is never changed."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError

from ..models import AuditInvitation, Dossier, DossierCopy, DossierShare, DossierStatus, PortalAction
from ..storage import private_storage
from .dossier_seal import seal_dossier_pdf
from .pdf_stamp import stamp_pdf
from .portal import portal_access_record


class DossierNotShareable(DomainError):
    code = "dossier_not_shareable"


@transaction.atomic
def dossier_share(*, dossier: Dossier, invitation: AuditInvitation, by: User) -> DossierShare:
    """Open a complete dossier of the invitation's audit to that invitation (once: sharing again
    returns the share in force)."""
    if dossier.status != DossierStatus.COMPLETE:
        raise DossierNotShareable(_("Only a complete dossier can be shared."))
    if dossier.audit_id is None or dossier.audit_id != invitation.audit_id:
        raise DossierNotShareable(_("Only a dossier of the invitation's audit can be shared with it."))
    if invitation.revoked_at is not None:
        raise DossierNotShareable(_("The invitation has been revoked."))
    existing = DossierShare.objects.filter(dossier=dossier, invitation=invitation, revoked_at__isnull=True)
    share = existing.first()
    if share is not None:
        return share
    return DossierShare.objects.create(dossier=dossier, invitation=invitation, shared_by=by)


@transaction.atomic
def dossier_share_revoke(*, share: DossierShare, by: User) -> DossierShare:
    """Close a share: the auditor no longer sees the dossier (copies already issued stay recorded)."""
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share._change_reason = f"revoked by {by.pk}"  # type: ignore[attr-defined]
        share.save(update_fields=["revoked_at"])
    return share


@dataclass
class IssuedCopy:
    data: bytes
    copy: DossierCopy


def _without_signature(data: bytes) -> bytes:
    """The PDF with its signature fields, form and DocMDP permissions taken out, so that a new seal
    is the file's only one (pypdf's rewrite leaves an old signature broken)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    root = writer._root_object
    for key in ("/AcroForm", "/Perms"):
        if key in root:
            del root[NameObject(key)]
    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        kept = [a for a in annots.get_object() if a.get_object().get("/FT") != "/Sig"]
        if kept:
            page[NameObject("/Annots")] = ArrayObject(kept)
        else:
            del page[NameObject("/Annots")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stamp_text(*, name: str) -> str:
    return _("Issued to %(name)s, %(date)s") % {"name": name, "date": timezone.localdate().isoformat()}


@transaction.atomic
def dossier_copy_issue(
    *, share: DossierShare, auditor: User, path: str, remote_address: str | None = None
) -> IssuedCopy:
    """A personal copy of the shared dossier for ``auditor``: stamped, unsealed of the old seal,
    sealed again; recorded with both hashes and logged as a portal download."""
    dossier = share.dossier
    with private_storage().open(str(dossier.file.name), "rb") as handle:
        original = handle.read()
    name = share.invitation.name or auditor.display_name
    stamped = stamp_pdf(original, stamp_text(name=name))
    if dossier.sealed:
        stamped = _without_signature(stamped)
    sealed = seal_dossier_pdf(stamped)
    digest = hashlib.sha256(sealed.data).hexdigest()
    copy = DossierCopy.objects.create(
        share=share,
        auditor=auditor,
        issued_to=name,
        sha256=digest,
        original_sha256=hashlib.sha256(original).hexdigest(),
        sealed=sealed.sealed,
    )
    portal_access_record(
        user=auditor,
        invitation=share.invitation,
        path=path,
        action=PortalAction.DOWNLOAD,
        obj=dossier,
        remote_address=remote_address,
        note=f"personal dossier copy sha256={digest}",
    )
    return IssuedCopy(data=sealed.data, copy=copy)
