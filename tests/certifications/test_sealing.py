"""The dossier seal: the internal authority, a PAdES certification signature, and its check."""

from __future__ import annotations

import io
import stat

import pypdf
import pytest
import weasyprint
from django.core.management import CommandError, call_command

from certifications import sealing


@pytest.fixture(scope="module")
def authority_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("seal")
    sealing.create_authority(directory, organisation="Tianjin Battery Recycling")
    return directory


@pytest.fixture
def seal_settings(settings, authority_dir):
    settings.DOSSIER_SEAL_DIR = authority_dir
    settings.DOSSIER_SEAL_KEY_PASSWORD = ""
    return settings


@pytest.fixture(scope="module")
def pdf_a():
    manifest = weasyprint.Attachment(string='{"revisions": []}', name="manifest.json", relationship="Data")
    html = weasyprint.HTML(string="<h1>Dossier 你好</h1><p>Energy 1,234 kWh</p>")
    return html.write_pdf(pdf_variant="pdf/a-3b", attachments=[manifest])


def test_the_authority_writes_certificates_and_private_keys(authority_dir):
    for which in (sealing.ROOT, sealing.SEAL, sealing.TSA):
        key = authority_dir / f"{which}.key"
        assert (authority_dir / f"{which}.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert b"PRIVATE KEY" in key.read_bytes()


def test_an_existing_authority_is_not_replaced_silently(authority_dir):
    before = (authority_dir / "root.pem").read_bytes()
    with pytest.raises(FileExistsError):
        sealing.create_authority(authority_dir, organisation="Other")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_dossier_ca", directory=authority_dir, stdout=io.StringIO())
    assert (authority_dir / "root.pem").read_bytes() == before


def test_the_command_creates_an_authority_and_prints_the_seal_fingerprint(tmp_path, settings):
    settings.DOSSIER_SEAL_DIR = tmp_path / "ca"
    out = io.StringIO()
    long_name = "Binhai Power Battery Recycling Co., Ltd. 滨海动力电池回收有限公司 (Tianjin phase I plant)"
    call_command("create_dossier_ca", organisation=long_name, stdout=out)
    assert sealing.seal_fingerprint() in out.getvalue()
    assert len(sealing.seal_fingerprint()) == 64


def test_a_sealed_pdf_checks_good_and_keeps_its_pdf_a_attachment(seal_settings, pdf_a):
    sealed = sealing.seal_pdf(pdf_a)
    check = sealing.check_seal(sealed)
    assert check.good, check.problem
    assert check.fingerprint == sealing.seal_fingerprint()
    assert "Dossier seal" in check.signer
    assert "Tianjin Battery Recycling" in check.signer
    assert check.signed_at is not None
    reader = pypdf.PdfReader(io.BytesIO(sealed))
    assert reader.attachments["manifest.json"] == [b'{"revisions": []}']
    assert "你好" in reader.pages[0].extract_text()


def test_a_flipped_byte_breaks_the_seal(seal_settings, pdf_a):
    sealed = bytearray(sealing.seal_pdf(pdf_a))
    sealed[len(sealed) // 3] ^= 0x01
    check = sealing.check_seal(bytes(sealed))
    assert not check.good
    assert not check.intact
    assert check.problem == "The file was changed after it was sealed."


def test_content_appended_after_the_seal_is_reported(seal_settings, pdf_a):
    sealed = sealing.seal_pdf(pdf_a)
    check = sealing.check_seal(sealed + b"\n% appended\n")
    assert not check.good
    assert not check.whole_file


def test_a_seal_from_another_authority_is_intact_but_not_trusted(settings, tmp_path, authority_dir, pdf_a):
    settings.DOSSIER_SEAL_DIR = sealing.create_authority(
        tmp_path / "other", organisation="Someone else"
    ).directory
    foreign = sealing.seal_pdf(pdf_a)
    settings.DOSSIER_SEAL_DIR = authority_dir
    check = sealing.check_seal(foreign)
    assert check.intact
    assert not check.trusted
    assert check.problem == "The seal is not by this plant's dossier authority."


def test_unsealed_and_unreadable_files_are_answered_not_raised(seal_settings, pdf_a):
    assert sealing.check_seal(pdf_a) == sealing.SealCheck(signed=False, problem="No seal.")
    assert sealing.check_seal(b"not a pdf at all").problem == "Not a readable PDF."
    assert not sealing.check_seal(b"%PDF-1.7\n%%EOF").good


def test_sealing_without_an_authority_says_so(settings, tmp_path, pdf_a):
    settings.DOSSIER_SEAL_DIR = tmp_path / "missing"
    assert not sealing.seal_configured()
    assert sealing.seal_fingerprint() is None
    with pytest.raises(sealing.SealUnavailable):
        sealing.seal_pdf(pdf_a)


def test_keys_encrypted_with_a_passphrase_need_it(settings, tmp_path, pdf_a):
    settings.DOSSIER_SEAL_KEY_PASSWORD = "correct horse"
    directory = sealing.create_authority(tmp_path / "enc", organisation="Plant").directory
    settings.DOSSIER_SEAL_DIR = directory
    assert b"ENCRYPTED" in (directory / "seal.key").read_bytes()
    assert sealing.check_seal(sealing.seal_pdf(pdf_a)).good
    settings.DOSSIER_SEAL_KEY_PASSWORD = "wrong"
    with pytest.raises(sealing.SealUnavailable):
        sealing.seal_pdf(pdf_a)


def test_the_demo_creates_a_throwaway_authority_once(settings, tmp_path):
    from certifications.demo import _demo_seal

    settings.DOSSIER_SEAL_DIR = tmp_path / "demo-seal"
    assert _demo_seal(organisation="Demo plant") == 1
    root = (tmp_path / "demo-seal" / "root.pem").read_bytes()
    assert sealing.seal_configured()
    assert _demo_seal(organisation="Demo plant") == 0
    assert (tmp_path / "demo-seal" / "root.pem").read_bytes() == root


def test_sealing_and_checking_work_inside_a_running_event_loop(seal_settings, pdf_a):
    """A browser test's event loop may be running in the thread (Playwright's sync API)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def inside():
        sealed = sealing.seal_pdf(pdf_a)
        return sealing.check_seal(sealed)

    # In a thread of its own, so that this test's loop is the only one whatever ran before it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside()).result().good
