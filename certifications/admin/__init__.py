"""Django admin of certifications, one module per subdomain (imported here so that the admin's
autodiscovery registers them). Records written only by services are read-only; every other
change goes through the service that holds its rules."""

from . import (  # registers: aspects, hazards, incidents
    aspects,
    audits,
    certificates,
    coverage,
    evidence,
    hazards,
    incidents,
    reminders,
    standards,
)

__all__ = [
    "aspects",
    "hazards",
    "incidents",
    "audits",
    "certificates",
    "coverage",
    "evidence",
    "reminders",
    "standards",
]
