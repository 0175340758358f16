"""Sealed dossiers: the seal applied after rendering, checked by the verification page, the API and
``manage.py verify_dossier``; a flipped byte fails; without a seal the dossier is complete but unsealed."""

from __future__ import annotations

import io
from io import BytesIO

import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse

from certifications import sealing
from certifications.models import DossierKind, DossierStatus
from certifications.services import dossiers as dossier_services
from certifications.storage import private_storage

from .dossier_fixtures import small_audit


@pytest.fixture(scope="module")
def authority_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("seal")
    sealing.create_authority(directory, organisation="Tianjin Battery Recycling")
    return directory


@pytest.fixture
def sealed(site, staff_user, settings, authority_dir, django_capture_on_commit_callbacks):
    settings.DOSSIER_SEAL_DIR = authority_dir
    settings.DOSSIER_SEAL_KEY_PASSWORD = ""
    audit, _evidence = small_audit(site=site, by=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.dossier_request(
            kind=DossierKind.AUDIT, audit=audit, language="en", by=staff_user
        )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.COMPLETE, dossier.error
    return dossier


def file_of(dossier) -> bytes:
    with private_storage().open(dossier.file.name, "rb") as handle:
        return handle.read()


@pytest.mark.django_db
def test_a_sealed_dossier_is_trusted_whole_and_keeps_its_manifest(sealed):
    data = file_of(sealed)
    check = sealing.check_seal(data)
    assert sealed.sealed is True
    assert (check.signed, check.intact, check.trusted, check.whole_file) == (True, True, True, True)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert "manifest.json" in reader.attachments
    text = " ".join((reader.pages[-1].extract_text() or "").split())
    assert sealing.seal_fingerprint() in "".join(text.split())


@pytest.mark.django_db
def test_verify_page_says_genuine_and_a_flipped_byte_is_not(sealed, staff_client):
    data = file_of(sealed)
    ok = staff_client.post(reverse("dossier-verify"), {"file": BytesIO(data)}).content.decode()
    assert f"This is dossier {sealed.reference} as it was issued here." in ok
    assert "intact" in ok
    flipped = bytearray(data)
    flipped[len(flipped) // 3] ^= 0x01
    answer = staff_client.post("/api/v1/dossiers/verify/", {"file": BytesIO(bytes(flipped))}).json()
    assert answer["issued_here"] is False
    assert answer["genuine"] is False


@pytest.mark.django_db
def test_verify_command_prints_the_dossier_and_fails_a_tampered_file(sealed, tmp_path, capsys):
    path = tmp_path / "dossier.pdf"
    data = file_of(sealed)
    path.write_bytes(data)
    call_command("verify_dossier", str(path))
    out = capsys.readouterr().out
    assert f"Dossier: {sealed.reference}" in out
    assert "Seal: intact, trusted" in out
    assert "GENUINE" in out
    flipped = bytearray(data)
    flipped[len(flipped) // 3] ^= 0x01
    path.write_bytes(bytes(flipped))
    with pytest.raises(SystemExit) as exited:
        call_command("verify_dossier", str(path))
    assert exited.value.code == 1
    assert "NOT GENUINE" in capsys.readouterr().out


@pytest.mark.django_db
def test_without_a_seal_the_dossier_is_complete_and_shown_unsealed(
    site, staff_user, staff_client, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.DOSSIER_SEAL_DIR = tmp_path / "no-seal"
    audit, _evidence = small_audit(site=site, by=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.dossier_request(
            kind=DossierKind.AUDIT, audit=audit, language="en", by=staff_user
        )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.sealed) == (DossierStatus.COMPLETE, False)
    assert sealing.check_seal(file_of(dossier)).signed is False
    page = staff_client.get(reverse("dossier-detail", args=[dossier.pk])).content.decode()
    assert "Not sealed" in page
