"""The audit list and the findings list as CSV or Excel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from greenfactory.core.exports import table_response

from ..models import Audit, Finding

EXPORT_FORMATS = ("csv", "xlsx")


def audit_rows(audits: Iterable[Audit]) -> Iterator[Sequence[Any]]:
    for a in audits:
        yield [
            a.reference,
            a.title,
            a.get_audit_type_display(),
            a.get_status_display(),
            a.programme.site.code,
            ", ".join(s.code for s in a.sites.all()),
            ", ".join(s.label for s in a.standards.all()),
            a.starts_on,
            a.ends_on,
            a.lead_auditor_label,
            a.certification_body,
        ]


def audit_list_response(*, audits: Iterable[Audit], fmt: str) -> HttpResponseBase:
    header = [
        _("Reference"),
        _("Title"),
        _("Type"),
        _("Status"),
        _("Programme site"),
        _("Sites"),
        _("Standards"),
        _("Starts on"),
        _("Ends on"),
        _("Lead auditor"),
        _("Certification body"),
    ]
    return table_response(
        fmt=fmt, filename="audits", sheet=_("Audits"), header=header, rows=audit_rows(audits)
    )


def _finding_source(finding: Finding) -> str:
    """Where a finding outside an audit comes from (an evaluation of compliance)."""
    evaluation = getattr(finding, "compliance_evaluation", None)
    if evaluation is None:
        return ""
    return _("Evaluation of compliance %(obligation)s") % {"obligation": evaluation.obligation.reference}


def finding_rows(findings: Iterable[Finding]) -> Iterator[Sequence[Any]]:
    for f in findings:
        capa = getattr(f, "capa", None)
        yield [
            f.reference,
            f.audit.reference if f.audit else _finding_source(f),
            f.get_finding_class_display(),
            f.get_status_display(),
            "; ".join(f"{c.standard.label} {c.number}" for c in f.clauses.all()),
            f.statement,
            str(f.owner),
            f.raised_on,
            f.due_on,
            f.body_deadline,
            capa.get_state_display() if capa is not None else "",
        ]


def finding_list_response(*, findings: Iterable[Finding], fmt: str) -> HttpResponseBase:
    header = [
        _("Reference"),
        _("Audit"),
        _("Class"),
        _("Status"),
        _("Clauses"),
        _("Statement"),
        _("Owner"),
        _("Raised on"),
        _("Due on"),
        _("Certification body's deadline"),
        _("Corrective action"),
    ]
    return table_response(
        fmt=fmt,
        filename="findings",
        sheet=pgettext("audit", "Findings"),
        header=header,
        rows=finding_rows(findings),
    )
