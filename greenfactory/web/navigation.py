"""The areas of the product, in navigation order, with the capability each needs."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.roles import Capability


@dataclass(frozen=True)
class Area:
    key: str
    url_name: str
    label: Promise
    description: Promise
    capability: Capability


AREAS: tuple[Area, ...] = (
    Area(
        "standards",
        "standard-list",
        _("Standards"),
        _(
            "Clause trees of ISO 9001, 14001, 45001, 50001, 14064-1, 14067, 14068-1, IATF 16949 and GB/T 36132, and their crosswalk."
        ),
        Capability.WORKSPACE,
    ),
    Area(
        "evidence",
        "evidence-list",
        _("Evidence"),
        _("Documented information with owners, reviews, expiry dates and file revisions, mapped to clauses."),
        Capability.WORKSPACE,
    ),
    Area(
        "audits",
        "area-audits",
        _("Audits"),
        _("Audit programmes, checklists, findings and corrective actions."),
        Capability.AUDITS_READ,
    ),
    Area(
        "registers",
        "area-registers",
        _("Registers"),
        _(
            "Compliance obligations and permits, environmental aspects, OH&S hazards, risks and opportunities, objectives and incidents."
        ),
        Capability.REGISTERS_READ,
    ),
    Area(
        "energy",
        "area-energy",
        _("Energy and emissions"),
        _("Meters, readings, production, energy and emission KPIs."),
        Capability.WORKSPACE,
    ),
    Area(
        "green-factory",
        "area-green-factory",
        _("Green factory"),
        _("GB/T 36132 evaluation: the basic-requirement gate and the scored indicators."),
        Capability.GREEN_FACTORY_READ,
    ),
    Area(
        "dossiers",
        "area-dossiers",
        _("Dossiers"),
        _("Audit dossiers rendered as PDF with a manifest of evidence hashes."),
        Capability.DOSSIERS_READ,
    ),
    Area(
        "portal",
        "portal",
        _("Auditor portal"),
        _("The audits you were invited to, read-only, for the period of your invitation."),
        Capability.PORTAL,
    ),
)
