"""The site picker of the pages that show one site (or one organisation) at a time: the dashboard,
data quality, baselines, degree days and the GHG inventory.

The page lists the choices; the ``site`` (or ``organisation``) query parameter names one by its
code; without it the first is shown; a code that names none answers 404. The caller passes the
choices (``greenfactory.sites.selectors.site_list()``), so core imports no app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from django.http import Http404
from django.utils.translation import gettext as _


class _Coded(Protocol):
    code: str


T = TypeVar("T", bound=_Coded)


@dataclass(frozen=True)
class Picked(Generic[T]):
    choices: list[T]
    chosen: T | None  # None only when there is nothing to choose from


def pick_by_code(*, choices: Iterable[T], code: str | None, not_found: str | None = None) -> Picked[T]:
    """The choice whose code is ``code``, else the first; Http404 (``not_found``, by default "No such
    site.") when ``code`` names none of them."""
    listed = list(choices)
    if not listed:
        return Picked(listed, None)
    wanted = code or listed[0].code
    chosen = next((c for c in listed if c.code == wanted), None)
    if chosen is None:
        raise Http404(not_found or _("No such site."))
    return Picked(listed, chosen)
