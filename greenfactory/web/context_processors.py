from django.conf import settings

from greenfactory import __version__
from greenfactory.accounts.roles import Capability, can, capabilities_of
from greenfactory.web.navigation import AREAS


def navigation(request) -> dict:
    """The navigation a user may see, the version for the footer, and the languages on offer."""
    user = getattr(request, "user", None)
    granted = capabilities_of(user) if user is not None else frozenset()
    return {
        "nav_areas": [area for area in AREAS if area.capability in granted],
        "nav_can_administer": Capability.ADMINISTER in granted,
        "nav_can_use_api_docs": can(user, Capability.API_DOCS) if user is not None else False,
        "gf_version": __version__,
        "gf_languages": settings.LANGUAGES,
    }
