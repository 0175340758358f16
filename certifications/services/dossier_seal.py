"""Sealing a rendered dossier with the plant's seal certificate (PAdES), when one is configured."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Sealed:
    data: bytes
    sealed: bool
    note: str = ""  # why a seal could not be applied, beyond "none is configured"


def seal_dossier_pdf(data: bytes) -> Sealed:
    """The dossier sealed, or unchanged and marked unsealed when no seal is configured."""
    return Sealed(data=data, sealed=False)


def seal_fingerprint() -> str | None:
    """The SHA-256 fingerprint of the seal certificate, for the "how to verify" page."""
    return None


@dataclass
class SealResult:
    """What the seal of a file says (the sealing module's check, in the dossier's terms)."""

    signed: bool
    intact: bool
    trusted: bool
    signer: str = ""
    fingerprint: str = ""
    problem: str = ""

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def seal_check(data: bytes) -> SealResult:
    return SealResult(signed=False, intact=False, trusted=False, problem="not sealed")
