"""Django admin of certifications, one module per subdomain (imported here so that the admin's
autodiscovery registers them). Records written only by services are read-only; every other
change goes through the service that holds its rules."""

from . import (
    aspects,
    audits,
    certificates,
    coverage,
    evidence,
    green_factory,
    hazards,
    incidents,
    objectives,
    obligations,
    permits,
    reminders,
    risks,
    standards,
)

__all__ = [
    "aspects",
    "audits",
    "certificates",
    "coverage",
    "evidence",
    "green_factory",
    "hazards",
    "incidents",
    "objectives",
    "obligations",
    "permits",
    "reminders",
    "risks",
    "standards",
]
