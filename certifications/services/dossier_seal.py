"""Sealing a rendered dossier with the plant's seal (certifications.sealing), when one is configured,
and the seal check in the terms the dossier pages and API answer with."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .. import sealing

logger = logging.getLogger(__name__)


@dataclass
class Sealed:
    data: bytes
    sealed: bool
    note: str = ""  # why a seal could not be applied, beyond "none is configured"


def seal_dossier_pdf(data: bytes) -> Sealed:
    """The dossier sealed; without a configured seal (or when sealing fails) the file unchanged and
    marked unsealed, so the dossier is still issued, and shown as unsealed."""
    if not sealing.seal_configured():
        return Sealed(data=data, sealed=False)
    try:
        return Sealed(data=sealing.seal_pdf(data), sealed=True)
    except sealing.SealUnavailable as exc:
        logger.warning("The dossier seal could not be applied: %s", exc)
        return Sealed(data=data, sealed=False, note=str(exc)[:300])


def seal_fingerprint() -> str | None:
    """The SHA-256 fingerprint of the seal certificate, for the "how to verify" page."""
    return sealing.seal_fingerprint()


@dataclass
class SealResult:
    """What the seal of a file says."""

    signed: bool
    intact: bool
    trusted: bool
    whole_file: bool
    signer: str = ""
    fingerprint: str = ""
    signed_at: str | None = None
    problem: str = ""

    @property
    def good(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file

    def as_dict(self) -> dict[str, object]:
        return {**self.__dict__, "good": self.good}


def seal_check(data: bytes) -> SealResult:
    """The seal of an uploaded file; a file the PDF parser chokes on has none (never an error)."""
    try:
        check = sealing.check_seal(data)
    except Exception:  # noqa: BLE001 - anyone may upload any bytes to be checked
        logger.info("An uploaded file could not be read as a sealed PDF", exc_info=True)
        return SealResult(
            signed=False, intact=False, trusted=False, whole_file=False, problem=_("Not a readable PDF.")
        )
    return SealResult(
        signed=check.signed,
        intact=check.intact,
        trusted=check.trusted,
        whole_file=check.whole_file,
        signer=check.signer,
        fingerprint=check.fingerprint,
        signed_at=check.signed_at.isoformat() if check.signed_at else None,
        problem=check.problem,
    )
