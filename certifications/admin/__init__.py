"""Django admin of certifications, one module per subdomain (imported here so that the admin's
autodiscovery registers them). Records written only by services are read-only; every other
change goes through the service that holds its rules."""

from . import (  # registers: obligations and permits
    audits,
    certificates,
    coverage,
    evidence,
    obligations,
    permits,
    reminders,
    standards,
)

__all__ = [
    "audits",
    "certificates",
    "coverage",
    "evidence",
    "obligations",
    "permits",
    "reminders",
    "standards",
]
