"""Every write of certifications. Other apps call these (and the selectors), nothing else."""

from .certificates import (
    certificate_create,
    certificate_set_status,
    certificate_update,
    certificates_expire_due,
    surveillance_audit_record,
)
from .evidence import (
    clause_exclude,
    clause_exclusion_remove,
    evidence_create,
    evidence_expire_due,
    evidence_link_clauses,
    evidence_policy_set,
    evidence_revision_add,
    evidence_set_clauses,
    evidence_transition,
    evidence_unlink_clause,
    evidence_update,
)
from .reminders import certifications_daily, reminder_mark_read, reminders_send_daily
from .standards import (
    clause_mapping_add,
    crosswalk_load,
    standard_carry_over,
    standard_import,
    standards_load_shipped,
)

__all__ = [
    "certifications_daily",
    "certificate_create",
    "certificate_set_status",
    "certificate_update",
    "certificates_expire_due",
    "clause_exclude",
    "clause_exclusion_remove",
    "clause_mapping_add",
    "crosswalk_load",
    "evidence_create",
    "evidence_expire_due",
    "evidence_link_clauses",
    "evidence_policy_set",
    "evidence_revision_add",
    "evidence_set_clauses",
    "evidence_transition",
    "evidence_unlink_clause",
    "evidence_update",
    "reminder_mark_read",
    "reminders_send_daily",
    "standard_carry_over",
    "standard_import",
    "standards_load_shipped",
    "surveillance_audit_record",
]
