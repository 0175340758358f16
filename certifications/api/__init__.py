"""REST API of certifications under /api/v1/: thin viewsets calling selectors and services, one
module per subdomain. The project's router (``greenfactory/api.py``) imports the viewsets from here."""

from .certificates import CertificateViewSet
from .coverage import ClauseExclusionViewSet, CoverageViewSet
from .evidence import EvidenceRevisionViewSet, EvidenceViewSet
from .reminders import ReminderViewSet
from .standards import ClauseMappingViewSet, ClauseViewSet, StandardViewSet

__all__ = [
    "CertificateViewSet",
    "ClauseExclusionViewSet",
    "ClauseMappingViewSet",
    "ClauseViewSet",
    "CoverageViewSet",
    "EvidenceRevisionViewSet",
    "EvidenceViewSet",
    "ReminderViewSet",
    "StandardViewSet",
]
