"""The one place that decides what each role may do.

Roles are Django groups (so admins assign them in Django admin); capabilities are what views, the
API and templates ask about. Add a capability here, grant it to roles, and every check follows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "compliance_staff", _("Compliance staff")
    AUDITOR = "auditor", _("Auditor")
    GATEWAY = "gateway", _("Meter gateway")


class Capability(models.TextChoices):
    WORKSPACE = "workspace", _("Use the compliance workspace")
    PORTAL = "portal", _("Use the auditor portal")
    SITES_READ = "sites_read", _("See sites")
    SITES_WRITE = "sites_write", _("Manage sites")
    PRODUCTION_READ = "production_read", _("See production records")
    PRODUCTION_WRITE = "production_write", _("Record production")
    METERS_READ = "meters_read", _("See meters")
    METERS_WRITE = "meters_write", _("Manage meters and record meter events")
    READINGS_READ = "readings_read", _("See meter readings")
    READINGS_WRITE = "readings_write", _("Enter and import readings and production files")
    READINGS_INGEST = "readings_ingest", _("Upload readings as a gateway")
    KPIS_READ = "kpis_read", _("See energy and emission KPIs and factor sets")
    ACTIVITY_WRITE = (
        "activity_write",
        _("Record refrigerant refills, fuel deliveries, certificates and scope 3"),
    )
    BASELINES_WRITE = (
        "baselines_write",
        _("Define energy baselines, degree days, adjustments and energy targets"),
    )
    FACTORS_WRITE = "factors_write", _("Edit factor sets and a site's KPI settings")
    QUALITY_WRITE = "quality_write", _("Explain data-quality findings and set their thresholds")
    INVENTORY_WRITE = (
        "inventory_write",
        _("Edit the GHG inventory's boundaries, base year and uncertainties"),
    )
    FOOTPRINTS_WRITE = (
        "footprints_write",
        _("Keep product footprint studies, their inventory items and co-products"),
    )
    FOOTPRINTS_ISSUE = "footprints_issue", _("Issue and reopen product footprint studies")
    NEUTRALITY_WRITE = (
        "neutrality_write",
        _("Keep carbon-neutrality programmes: plans, periods, retired credits and claims"),
    )
    STANDARDS_READ = "standards_read", _("See standards, clauses and the crosswalk")
    STANDARDS_WRITE = "standards_write", _("Import standards and edit the crosswalk")
    EVIDENCE_READ = "evidence_read", _("See evidence, coverage and reminders")
    EVIDENCE_WRITE = "evidence_write", _("Record, upload, link and approve evidence")
    CERTIFICATES_READ = "certificates_read", _("See certificates")
    CERTIFICATES_WRITE = "certificates_write", _("Manage certificates")
    AUDITS_READ = "audits_read", _("See audit programmes, audits, findings and corrective actions")
    AUDITS_WRITE = (
        "audits_write",
        _("Plan and run audits, raise findings and carry corrective actions through"),
    )
    REGISTERS_READ = (
        "registers_read",
        _("See the registers: obligations, permits, aspects, hazards, risks, objectives, incidents"),
    )
    REGISTERS_WRITE = (
        "registers_write",
        _("Keep the registers, record evaluations of compliance and incidents, import registers"),
    )
    # green-factory evaluation
    GREEN_FACTORY_READ = "green_factory_read", _("See green-factory schemes and evaluations")
    GREEN_FACTORY_WRITE = "green_factory_write", _("Fill and override green-factory evaluations")
    DOSSIERS_READ = "dossiers_read", _("See, download and verify audit dossiers")
    DOSSIERS_WRITE = "dossiers_write", _("Request audit dossiers")
    API_DOCS = "api_docs", _("Read the API documentation")
    ADMINISTER = "administer", _("Manage users, roles, sites and the audit trail")


GRANTS: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.STAFF: frozenset(
        {
            Capability.WORKSPACE,
            Capability.SITES_READ,
            Capability.PRODUCTION_READ,
            Capability.PRODUCTION_WRITE,
            Capability.METERS_READ,
            Capability.METERS_WRITE,
            Capability.READINGS_READ,
            Capability.READINGS_WRITE,
            Capability.KPIS_READ,
            Capability.ACTIVITY_WRITE,
            Capability.QUALITY_WRITE,
            Capability.INVENTORY_WRITE,
            Capability.BASELINES_WRITE,
            Capability.FOOTPRINTS_WRITE,
            Capability.FOOTPRINTS_ISSUE,
            Capability.NEUTRALITY_WRITE,
            Capability.STANDARDS_READ,
            Capability.STANDARDS_WRITE,
            Capability.EVIDENCE_READ,
            Capability.EVIDENCE_WRITE,
            Capability.CERTIFICATES_READ,
            Capability.CERTIFICATES_WRITE,
            Capability.AUDITS_READ,
            Capability.AUDITS_WRITE,
            Capability.REGISTERS_READ,
            Capability.REGISTERS_WRITE,
            # green-factory evaluation
            Capability.GREEN_FACTORY_READ,
            Capability.GREEN_FACTORY_WRITE,
            Capability.DOSSIERS_READ,
            Capability.DOSSIERS_WRITE,
            Capability.API_DOCS,
        }
    ),
    # Auditors may read the meter register through the API (what is measured, where); not readings.
    # Evidence they see only through the portal, scoped to the audits they are invited to.
    Role.AUDITOR: frozenset({Capability.PORTAL, Capability.METERS_READ}),
    # Gateways authenticate with their own keys and only ever ingest readings for their meters.
    Role.GATEWAY: frozenset({Capability.READINGS_INGEST}),
}

# Django model permissions each role's group carries, for Django admin ("app_label.codename").
# The admin group receives every permission.
GROUP_MODEL_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.STAFF: (
        "sites.view_organisation",
        "sites.view_site",
        "sites.add_productionrecord",
        "sites.change_productionrecord",
        "sites.delete_productionrecord",
        "sites.view_productionrecord",
        "metering.view_meter",
        "metering.view_meterevent",
        "metering.view_reading",
        "metering.view_importjob",
        "accounting.view_factorset",
        "accounting.view_factor",
        "accounting.view_refrigerantrefill",
        "accounting.view_fueldelivery",
        "accounting.view_greencertificateretirement",
        "accounting.view_scope3activity",
        "certifications.view_standard",
        "certifications.view_clause",
        "certifications.view_clausemapping",
        "certifications.view_evidence",
        "certifications.view_evidencerevision",
        "certifications.view_certificate",
        "certifications.view_surveillanceaudit",
        "certifications.view_auditprogramme",
        "certifications.view_audit",
        "certifications.view_auditsession",
        "certifications.view_checklistitem",
        "certifications.view_finding",
        "certifications.view_correctiveaction",
        "certifications.view_capaaction",
        "certifications.view_capastep",
        # --- registers: aspects, hazards, incidents ---
        "certifications.view_aspect",
        "certifications.view_significancemethod",
        "certifications.view_significancecriterion",
        "certifications.view_hazard",
        "certifications.view_hazardcontrol",
        "certifications.view_riskmethod",
        "certifications.view_riskband",
        "certifications.view_incident",
        "certifications.view_incidentgrade",
        # --- end registers: aspects, hazards, incidents ---
        # Registers: risks and opportunities, objectives
        "certifications.view_riskopportunity",
        "certifications.view_riskaction",
        "certifications.view_objective",
        "certifications.view_objectiveprogress",
        # registers: obligations and permits
        "certifications.view_obligation",
        "certifications.view_complianceevaluation",
        "certifications.view_permit",
    ),
    Role.AUDITOR: (),
    Role.GATEWAY: (),
}


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds; superusers are administrators. Cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_gf_roles", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    roles = {role for role in Role if role.value in names}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    user._gf_roles = frozenset(roles)
    return user._gf_roles


def capabilities_of(user) -> frozenset[Capability]:
    granted: set[Capability] = set()
    for role in roles_of(user):
        granted |= GRANTS[role]
    return frozenset(granted)


def can(user, capability: Capability) -> bool:
    """True when one of the user's roles grants the capability."""
    return capability in capabilities_of(user)


def primary_role(user) -> Role | None:
    """The role that decides the user's landing page: the most powerful one held."""
    held = roles_of(user)
    for role in (Role.ADMIN, Role.STAFF, Role.AUDITOR, Role.GATEWAY):
        if role in held:
            return role
    return None
