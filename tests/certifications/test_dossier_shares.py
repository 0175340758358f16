"""Dossiers shared with an invited auditor: only complete dossiers of the invitation's audit; the
auditor's download is a personal copy stamped on every page and sealed after stamping; the stored
dossier is unchanged; both hashes stored; the download logged; verification names the copy."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from certifications import sealing
from certifications.models import DossierCopy, DossierKind, DossierStatus, PortalAccessLog
from certifications.services import dossier_shares as share_services
from certifications.services import dossier_verify
from certifications.services import dossiers as dossier_services
from certifications.services import portal as portal_services
from certifications.storage import private_storage
from greenfactory.core.exceptions import DomainError

from .dossier_fixtures import small_audit


@pytest.fixture(scope="module")
def authority_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("seal")
    sealing.create_authority(directory, organisation="Tianjin Battery Recycling")
    return directory


def _invite(audit, staff, email, name):
    return portal_services.invitation_create(
        audit=audit, email=email, name=name, organisation="CQC", by=staff, base_url="http://testserver/"
    )


@pytest.fixture
def shared(site, staff_user, settings, authority_dir, django_capture_on_commit_callbacks):
    settings.DOSSIER_SEAL_DIR = authority_dir
    settings.DOSSIER_SEAL_KEY_PASSWORD = ""
    audit, _evidence = small_audit(site=site, by=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.dossier_request(
            kind=DossierKind.AUDIT, audit=audit, language="en", by=staff_user
        )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.COMPLETE, dossier.error
    invitation = _invite(audit, staff_user, "lead@cqc.example", "Li Wei")
    share = share_services.dossier_share(dossier=dossier, invitation=invitation, by=staff_user)
    return dossier, invitation, share


def _file(dossier) -> bytes:
    with private_storage().open(dossier.file.name, "rb") as handle:
        return handle.read()


@pytest.mark.django_db
def test_the_auditor_downloads_a_stamped_resealed_personal_copy(shared, client):
    dossier, invitation, share = shared
    before = _file(dossier)
    client.force_login(invitation.auditor)
    page = client.get(reverse("portal-audit", args=[invitation.pk]))
    assert dossier.reference in page.content.decode()
    response = client.get(reverse("portal-dossier", args=[invitation.pk, share.pk]))
    assert response.status_code == 200
    data = response.content
    stamp = f"Issued to Li Wei, {timezone.localdate().isoformat()}"
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == dossier.page_count
    for page in reader.pages:
        assert stamp in " ".join((page.extract_text() or "").split())
    assert sealing.check_seal(data).good
    assert _file(dossier) == before
    assert hashlib.sha256(before).hexdigest() == dossier.sha256
    copy = DossierCopy.objects.get(share=share)
    assert copy.sha256 == hashlib.sha256(data).hexdigest()
    assert copy.original_sha256 == dossier.sha256
    log = PortalAccessLog.objects.filter(invitation=invitation, action="download").get()
    assert copy.sha256 in log.note
    verified = dossier_verify.dossier_verify_file(data=data)
    assert verified.copy == copy
    assert verified.named == dossier
    assert verified.seal.good
    assert "issued to Li Wei" in verified.copy_note
    assert dossier_verify.dossier_verify_hash(sha256=copy.sha256).copy == copy


@pytest.mark.django_db
def test_revoked_expired_or_other_invitation_is_not_found(shared, client, staff_user):
    dossier, invitation, share = shared
    other = _invite(dossier.audit, staff_user, "other@cqc.example", "Wang Fang")
    client.force_login(other.auditor)
    assert client.get(reverse("portal-dossier", args=[other.pk, share.pk])).status_code == 404
    assert client.get(reverse("portal-dossier", args=[invitation.pk, share.pk])).status_code == 404
    client.force_login(invitation.auditor)
    share_services.dossier_share_revoke(share=share, by=staff_user)
    assert client.get(reverse("portal-dossier", args=[invitation.pk, share.pk])).status_code == 404
    again = share_services.dossier_share(dossier=dossier, invitation=invitation, by=staff_user)
    invitation.expires_at = timezone.now() - dt.timedelta(minutes=1)
    invitation.starts_at = invitation.expires_at - dt.timedelta(days=1)
    invitation.save()
    assert client.get(reverse("portal-dossier", args=[invitation.pk, again.pk])).status_code == 404


@pytest.mark.django_db
def test_only_complete_dossiers_of_the_audit_are_shared(shared, staff_user, site):
    dossier, invitation, _share = shared
    dossier.status = DossierStatus.FAILED
    with pytest.raises(DomainError, match="complete"):
        share_services.dossier_share(dossier=dossier, invitation=invitation, by=staff_user)
