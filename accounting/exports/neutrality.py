"""Carbon-neutrality exports: the programmes register (CSV or Excel), a programme's workbook (plan,
periods with their standing, credits, claims) and a claim's neutrality statement, built from the
same reads the pages show."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounting.models import CarbonCredit, NeutralityClaim, NeutralityProgramme
from accounting.models.neutrality import STANDARD, CreditQuality
from accounting.selectors.neutrality import ClaimCheck, PeriodStatus
from greenfactory.core.choices import choice_label
from greenfactory.core.exports import Sheet, table_response, workbook_response, yes_no
from greenfactory.core.localized import local_text


def _name(*parts: object) -> str:
    return slugify("-".join(str(p) for p in parts)) or "programme"


def _criteria(codes: Iterable[str]) -> str:
    return "; ".join(str(choice_label(CreditQuality, c)) for c in codes)


def programme_list_export(*, fmt: str, programmes) -> HttpResponse | StreamingHttpResponse:
    header = [
        _("Reference"),
        _("Title"),
        _("Organisation"),
        _("Subject"),
        _("Product"),
        _("Standard"),
        _("Began under PAS 2060"),
        _("Base period"),
        _("Target date"),
        _("Periods"),
        _("Credit batches"),
    ]
    rows = (
        [
            p.reference,
            p.title,
            p.organisation.code,
            p.get_subject_display(),
            p.product_name,
            STANDARD,
            yes_no(p.formerly_pas_2060),
            p.base_year,
            p.target_date,
            p.period_count,
            p.credit_count,
        ]
        for p in programmes
    )
    return table_response(
        fmt=fmt, filename="neutrality-programmes", sheet=_("Programmes"), header=header, rows=rows
    )


def _status_sheet(statuses: list[PeriodStatus]) -> Sheet:
    header = [
        _("Year"),
        _("Footprint source"),
        _("Source of the footprint"),
        _("Base-period footprint (tCO2e)"),
        _("Footprint (tCO2e)"),
        _("Reductions against the base (tCO2e)"),
        _("Removals (tCO2e)"),
        _("Credits retired, reductions (tCO2e)"),
        _("Credits retired, removals (tCO2e)"),
        _("Balance (tCO2e)"),
        _("Neutral"),
    ]
    rows = [
        [
            s.year,
            s.period.get_source_display(),
            s.period.source_note,
            s.balance.base_tco2e,
            s.balance.footprint_tco2e,
            s.balance.reductions_tco2e,
            s.balance.removals_tco2e,
            s.credits_reduction_tco2e,
            s.credits_removal_tco2e,
            s.balance.balance_tco2e,
            yes_no(s.balance.neutral),
        ]
        for s in statuses
    ]
    return Sheet(title=_("Periods"), header=header, rows=rows)


def _programme_sheet(p: NeutralityProgramme) -> Sheet:
    rows = [
        [_("Reference"), p.reference],
        [_("Title"), p.title],
        [_("Standard"), STANDARD],
        [_("Began under PAS 2060"), yes_no(p.formerly_pas_2060)],
        [_("Organisation"), f"{local_text(p.organisation)} ({p.organisation.code})"],
        [_("Subject"), p.get_subject_display()],
        [_("Product"), p.product_name],
        [_("Boundary"), p.boundary],
        [_("Base period"), p.base_year],
        [_("Target date"), p.target_date],
        [_("Offsetting strategy"), p.offsetting_strategy],
    ]
    return Sheet(title=_("Programme"), header=[_("Item"), _("Value")], rows=rows)


def _credit_rows(credits) -> list[list]:
    return [
        [
            c.period.year,
            c.get_registry_display(),
            c.serial_range,
            c.quantity_tco2e,
            c.get_kind_display(),
            c.vintage,
            c.project,
            c.standard,
            c.retired_on,
            _criteria(c.quality_criteria),
            c.evidence_reference,
        ]
        for c in credits
    ]


def _credit_header() -> list[str]:
    return [
        _("Period"),
        _("Registry"),
        _("Serials"),
        _("Quantity (tCO2e)"),
        _("Reduction or removal"),
        _("Vintage"),
        _("Project"),
        _("Standard or methodology"),
        _("Retirement date"),
        _("Quality criteria met"),
        _("Retirement evidence"),
    ]


def programme_workbook(*, programme: NeutralityProgramme, statuses: list[PeriodStatus]) -> HttpResponse:
    targets = []
    for t in programme.targets.all():
        targets.append([t.target_year, t.description, t.reduction_percent, None, None])
        targets.extend(
            [t.target_year, t.description, None, m.year, m.reduction_percent] for m in t.milestones.all()
        )
    actions = [
        [
            a.title,
            a.target.description if a.target else "",
            str(a.owner),
            a.start_date,
            a.due_date,
            a.expected_reduction_tco2e,
            a.get_status_display(),
        ]
        for a in programme.actions.all()
    ]
    claims = [
        [
            c.period.year,
            c.get_kind_display(),
            c.get_verification_display(),
            c.verifier,
            c.get_status_display(),
            c.made_at,
            c.statement,
        ]
        for c in programme.claims.all()
    ]
    sheets = [
        _programme_sheet(programme),
        Sheet(
            title=_("Targets"),
            header=[
                _("Target year"),
                _("Target"),
                _("Reduction (%)"),
                _("Milestone year"),
                _("Milestone reduction (%)"),
            ],
            rows=targets,
        ),
        Sheet(
            title=_("Actions"),
            header=[
                _("Action"),
                _("Target"),
                _("Owner"),
                _("Start"),
                _("Due"),
                _("Expected reduction (tCO2e a year)"),
                _("Status"),
            ],
            rows=actions,
        ),
        _status_sheet(statuses),
        Sheet(title=_("Credits"), header=_credit_header(), rows=_credit_rows(programme.credits.all())),
        Sheet(
            title=_("Claims"),
            header=[
                _("Period"),
                _("Claim"),
                _("Verification"),
                _("Verifier"),
                _("Status"),
                _("Made at"),
                _("Statement"),
            ],
            rows=claims,
        ),
    ]
    return workbook_response(filename=_name("neutrality", programme.reference), sheets=sheets)


def statement_workbook(
    *, claim: NeutralityClaim, status: PeriodStatus, check: ClaimCheck, credits: Iterable[CarbonCredit]
) -> HttpResponse:
    """The neutrality statement: subject, period, claim and verification, the period's standing and
    the credits retired for it, and the requirements with their evidence."""
    p, b = claim.programme, status.balance
    summary = [
        [_("Standard"), STANDARD],
        [_("Programme"), f"{p.reference} {p.title}"],
        [_("Subject"), p.product_name or p.get_subject_display()],
        [_("Boundary"), p.boundary],
        [_("Period"), claim.period.year],
        [_("Claim"), claim.get_kind_display()],
        [_("Status"), claim.get_status_display()],
        [_("Made at"), claim.made_at],
        [_("Verification"), claim.get_verification_display()],
        [_("Verifier"), claim.verifier],
        [_("Statement"), claim.statement],
        [_("Base period"), p.base_year],
        [_("Base-period footprint (tCO2e)"), b.base_tco2e],
        [_("Footprint (tCO2e)"), b.footprint_tco2e],
        [_("Source of the footprint"), claim.period.source_note],
        [_("Reductions against the base (tCO2e)"), b.reductions_tco2e],
        [_("Removals (tCO2e)"), b.removals_tco2e],
        [_("Credits retired (tCO2e)"), b.credits_tco2e],
        [_("Balance (tCO2e)"), b.balance_tco2e],
        [_("Neutral"), yes_no(b.neutral)],
        [_("Ready to be made"), yes_no(check.ready)],
    ]
    requirements = [[r.title, r.evidence_reference, yes_no(r.has_evidence)] for r in claim.requirements.all()]
    sheets = [
        Sheet(title=_("Neutrality statement"), header=[_("Item"), _("Value")], rows=summary),
        Sheet(title=_("Credits"), header=_credit_header(), rows=_credit_rows(credits)),
        Sheet(
            title=_("Requirements"),
            header=[_("Requirement"), _("Evidence"), _("Has evidence")],
            rows=requirements,
        ),
    ]
    return workbook_response(
        filename=_name("neutrality-statement", p.reference, claim.period.year), sheets=sheets
    )
