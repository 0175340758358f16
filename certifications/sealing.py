"""The plant's dossier seal: an internal certificate authority, PAdES seals and their check.

The authority is three certificates in one directory (``DOSSIER_SEAL_DIR``): a root, the dossier seal
it issues, and a time-stamping certificate that dates each seal. Keys are files beside them (never in
the database), readable only by their owner and encrypted when ``DOSSIER_SEAL_KEY_PASSWORD`` is set.
A sealed dossier carries a certification signature: any change after sealing breaks it, and a
verifier holding only the file and the root certificate can tell.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

ROOT, SEAL, TSA = "root", "seal", "tsa"
SIGNATURE_FIELD = "DossierSeal"
ROOT_YEARS, LEAF_YEARS = 20, 5
# pyHanko's own time-stamp responder signs with RSA only; the root and the seal use P-256.
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


_T = TypeVar("_T")


def _outside_event_loop(work: Callable[[], _T]) -> _T:
    """Run ``work`` (which may call ``asyncio.run``, as pyHanko's synchronous API does) even when the
    calling thread already runs an event loop: then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


class SealUnavailable(Exception):
    """No seal is configured (or its files cannot be read): dossiers are issued unsealed."""


@dataclass(frozen=True)
class AuthorityPaths:
    directory: Path

    def cert(self, which: str) -> Path:
        return self.directory / f"{which}.pem"

    def key(self, which: str) -> Path:
        return self.directory / f"{which}.key"


@dataclass(frozen=True)
class SealCheck:
    """What a file's seal says. ``problem`` is a sentence for people when the seal is not good."""

    signed: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    fingerprint: str = ""
    signed_at: dt.datetime | None = None
    problem: str = ""

    @property
    def good(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


def authority() -> AuthorityPaths:
    return AuthorityPaths(Path(settings.DOSSIER_SEAL_DIR))


def _password() -> bytes | None:
    password: str = settings.DOSSIER_SEAL_KEY_PASSWORD
    return password.encode() if password else None


def _name(common_name: str, organisation: str) -> x509.Name:
    """Names are at most 64 characters (RFC 5280's upper bounds); a long organisation is cut."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        ]
    )


def _key_usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign and not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _issue(
    *,
    subject: x509.Name,
    key: PrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: ec.EllipticCurvePrivateKey,
    years: int,
    purpose: str,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    ca = purpose == ROOT
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(_key_usage(sign=True, ca=ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    )
    if purpose == TSA:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _write(path: Path, data: bytes, *, private: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    descriptor = os.open(path, flags, 0o600 if private else 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def create_authority(directory: Path, *, organisation: str, replace: bool = False) -> AuthorityPaths:
    """Create the root, seal and time-stamping certificates and their keys in ``directory``.

    Refuses to overwrite an existing authority unless ``replace`` (dossiers sealed by the old one then
    no longer verify as trusted, which is why it is never done silently)."""
    paths = AuthorityPaths(directory)
    if paths.cert(ROOT).exists() and not replace:
        raise FileExistsError(str(paths.cert(ROOT)))
    directory.mkdir(parents=True, exist_ok=True)
    password = _password()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _issue(
        subject=_name("Dossier root", organisation),
        key=root_key,
        issuer=None,
        issuer_key=root_key,
        years=ROOT_YEARS,
        purpose=ROOT,
    )
    issued: dict[str, tuple[x509.Certificate, PrivateKey]] = {ROOT: (root, root_key)}
    for which, label in ((SEAL, "Dossier seal"), (TSA, "Time stamping")):
        key: PrivateKey = (
            rsa.generate_private_key(public_exponent=65537, key_size=3072)
            if which == TSA
            else ec.generate_private_key(ec.SECP256R1())
        )
        cert = _issue(
            subject=_name(label, organisation),
            key=key,
            issuer=root,
            issuer_key=root_key,
            years=LEAF_YEARS,
            purpose=which,
        )
        issued[which] = (cert, key)
    for which, (cert, key) in issued.items():
        _write(paths.cert(which), cert.public_bytes(serialization.Encoding.PEM), private=False)
        key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
        _write(paths.key(which), key_pem, private=True)
    return paths


def load_certificate(path: Path) -> asn1_x509.Certificate:
    try:
        return load_cert_from_pemder(str(path))
    except (OSError, ValueError) as exc:
        raise SealUnavailable(str(path)) from exc


def seal_configured() -> bool:
    paths = authority()
    return all(paths.cert(which).is_file() and paths.key(which).is_file() for which in (SEAL, TSA)) and (
        paths.cert(ROOT).is_file()
    )


def _signer(paths: AuthorityPaths) -> tuple[signers.SimpleSigner, DummyTimeStamper]:
    if not seal_configured():
        raise SealUnavailable(str(paths.directory))
    root, seal, tsa = (load_certificate(paths.cert(which)) for which in (ROOT, SEAL, TSA))
    try:
        seal_key = load_private_key_from_pemder(str(paths.key(SEAL)), passphrase=_password())
        tsa_key = load_private_key_from_pemder(str(paths.key(TSA)), passphrase=_password())
    except (OSError, ValueError, TypeError) as exc:
        raise SealUnavailable(str(paths.key(SEAL))) from exc
    signer = signers.SimpleSigner(
        signing_cert=seal, signing_key=seal_key, cert_registry=SimpleCertificateStore.from_certs([root])
    )
    stamper = DummyTimeStamper(
        tsa_cert=tsa, tsa_key=tsa_key, certs_to_embed=SimpleCertificateStore.from_certs([root])
    )
    return signer, stamper


def seal_pdf(data: bytes, *, reason: str = "Dossier issued by Green Factory") -> bytes:
    """``data`` with a PAdES certification signature by the plant's seal, time-stamped by its TSA.

    Certification with "no changes allowed": a later stamp or edit shows as a broken seal."""
    signer, stamper = _signer(authority())
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    try:
        output = _outside_event_loop(
            lambda: signers.sign_pdf(writer, metadata, signer=signer, timestamper=stamper)
        )
    except (SigningError, PdfError) as exc:
        raise SealUnavailable(str(exc)) from exc
    return output.getvalue()


def seal_fingerprint() -> str | None:
    """SHA-256 of the seal certificate (DER, hex), printed in every dossier; None without a seal."""
    path = authority().cert(SEAL)
    if not path.is_file():
        return None
    return fingerprint(load_certificate(path))


def fingerprint(cert: asn1_x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def _trust() -> ValidationContext | None:
    root_path = authority().cert(ROOT)
    if not root_path.is_file():
        return None
    return ValidationContext(trust_roots=[load_certificate(root_path)], allow_fetching=False)


def check_seal(data: bytes) -> SealCheck:
    """Whether ``data`` carries an intact seal by a certificate this plant's root trusts, covering
    the whole file. Never raises for a bad file: the answer says what is wrong."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError):
        return SealCheck(signed=False, problem=_("Not a readable PDF."))
    if not embedded:
        return SealCheck(signed=False, problem=_("No seal."))
    signature = embedded[0]
    context = _trust()
    try:
        status = _outside_event_loop(
            lambda: (
                validate_pdf_signature(signature, context) if context else validate_pdf_signature(signature)
            )
        )
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        return SealCheck(signed=True, problem=_("The seal cannot be read: %(error)s") % {"error": exc})
    cert = status.signing_cert
    whole = len(embedded) == 1 and status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    intact = bool(status.intact and status.valid)
    trusted = bool(status.trusted) and context is not None
    problem = ""
    if not intact:
        problem = _("The file was changed after it was sealed.")
    elif not whole:
        problem = _("Content was added after the seal.")
    elif not trusted:
        problem = _("The seal is not by this plant's dossier authority.")
    return SealCheck(
        signed=True,
        intact=intact,
        trusted=trusted,
        whole_file=whole,
        signer=cert.subject.human_friendly if cert is not None else "",
        fingerprint=fingerprint(cert) if cert is not None else "",
        signed_at=status.timestamp_validity.timestamp
        if status.timestamp_validity
        else status.signer_reported_dt,
        problem=problem,
    )
