"""Writes of the corrective actions (CAPA) of nonconformities.

A corrective action moves open -> containment done -> root cause analysed -> action plan proposed
-> plan accepted -> implemented -> effectiveness verified -> closed. A rejected plan goes back to
the analysis and a failed verification back to the action plan, each with its reason. Every change
of state goes through ``_advance``, which checks the table below and writes the step log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError, NotAllowed, TransitionNotAllowed
from greenfactory.core.unset import UNSET, Unset
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible

from ..exceptions import EditConflict
from ..models import CapaAction, CapaState, CapaStep, CorrectiveAction, FindingStatus, RootCauseMethod
from ..models.findings import EIGHT_D_FIELDS
from ._common import history_by

S = CapaState
TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.CONTAINED}),
    S.CONTAINED: frozenset({S.ANALYSED}),
    S.ANALYSED: frozenset({S.PLANNED}),
    S.PLANNED: frozenset({S.ACCEPTED, S.ANALYSED}),
    S.ACCEPTED: frozenset({S.IMPLEMENTED}),
    S.IMPLEMENTED: frozenset({S.VERIFIED, S.PLANNED}),
    S.VERIFIED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
# States in which the plan's actions may be added to or changed.
PLANNING_STATES = (S.ANALYSED, S.PLANNED)
FISHBONE_CATEGORIES = ("people", "machine", "method", "material", "measurement", "environment")


def _check_date(name: str, day: dt.date | None) -> None:
    if day is not None and not date_is_plausible(day):
        raise DomainError(str(DATE_OUT_OF_RANGE), field=name)


def _snapshot(capa: CorrectiveAction, fields: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"state": capa.state}
    for name in fields:
        value = getattr(capa, name)
        out[name] = value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
    return out


def _locked(capa: CorrectiveAction, version: int | None) -> CorrectiveAction:
    capa = (
        CorrectiveAction.objects.select_for_update(of=("self",))
        .select_related("finding__audit")
        .get(pk=capa.pk)
    )
    if version is not None and version != capa.version:
        raise EditConflict(
            _(
                "The corrective action changed since you opened it; nothing was saved. Reload it and try again."
            ),
            current_version=capa.version,
        )
    return capa


def _advance(
    capa: CorrectiveAction, *, to: str, by: User, note: str = "", changes: dict[str, Any] | None = None
) -> CorrectiveAction:
    """Move to ``to`` if the table allows it, applying ``changes`` and logging the step with the
    values before and after."""
    if to not in TRANSITIONS.get(capa.state, ()):
        raise TransitionNotAllowed(
            _("A corrective action cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(capa.state).label, "to": S(to).label if to in S.values else to}
        )
    changes = changes or {}
    before = _snapshot(capa, changes)
    from_state = capa.state
    for name, value in changes.items():
        setattr(capa, name, value)
    capa.state = to
    capa.version += 1
    history_by(capa, by)
    capa.save()
    CapaStep.objects.create(
        capa=capa,
        from_state=from_state,
        to_state=to,
        by=by,
        note=note,
        before=before,
        after=_snapshot(capa, changes),
    )
    return capa


def _text(value: str, *, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise DomainError(message, field=field)
    return value


@transaction.atomic
def capa_contain(
    *, capa: CorrectiveAction, containment: str, by: User, version: int | None = None
) -> CorrectiveAction:
    """Record the containment: what was done at once to limit the nonconformity's effect."""
    capa = _locked(capa, version)
    text = _text(containment, field="containment", message=_("Describe the containment."))
    return _advance(capa, to=S.CONTAINED, by=by, changes={"containment": text})


@transaction.atomic
def capa_analyse(
    *,
    capa: CorrectiveAction,
    method: str,
    root_cause: str,
    by: User,
    whys: list[str] | None = None,
    fishbone: dict[str, list[str]] | None = None,
    eight_d: dict[str, str] | None = None,
    version: int | None = None,
) -> CorrectiveAction:
    """Record the root cause analysis: the method, its working (the whys, causes per fishbone
    category, or the 8D disciplines D1, D2, D4 and D7) and the root cause found."""
    capa = _locked(capa, version)
    if method not in RootCauseMethod.values:
        raise DomainError(_("Choose a root cause method."), field="root_cause_method")
    text = _text(root_cause, field="root_cause", message=_("State the root cause."))
    whys = [w.strip() for w in (whys or []) if w and w.strip()]
    if len(whys) > 7:
        raise DomainError(_("Keep to at most seven whys."), field="whys")
    fishbone = {k: [c.strip() for c in v if c and c.strip()] for k, v in (fishbone or {}).items()}
    unknown = sorted(set(fishbone) - set(FISHBONE_CATEGORIES))
    if unknown:
        raise DomainError(_("Unknown fishbone category: %(name)s.") % {"name": unknown[0]}, field="fishbone")
    fishbone = {k: v for k, v in fishbone.items() if v}
    if method == RootCauseMethod.FIVE_WHY and not whys:
        raise DomainError(_("Write down the whys that lead to the root cause."), field="whys")
    if method == RootCauseMethod.FISHBONE and not fishbone:
        raise DomainError(_("Write down the causes found under the fishbone's categories."), field="fishbone")
    eight_d = {k: (v or "").strip() for k, v in (eight_d or {}).items()}
    known = {key: (label, needed) for key, label, needed in EIGHT_D_FIELDS}
    strays = sorted(set(eight_d) - set(known))
    if strays:
        raise DomainError(_("Unknown 8D discipline: %(name)s.") % {"name": strays[0]}, field="eight_d")
    eight_d = {k: v for k, v in eight_d.items() if v}
    if method == RootCauseMethod.EIGHT_D:
        missing = [str(label) for key, (label, needed) in known.items() if needed and key not in eight_d]
        if missing:
            raise DomainError(
                _("An 8D analysis records %(missing)s.") % {"missing": ", ".join(missing)}, field="eight_d"
            )
    return _advance(
        capa,
        to=S.ANALYSED,
        by=by,
        changes={
            "root_cause_method": method,
            "whys": whys,
            "fishbone": fishbone,
            "eight_d": eight_d,
            "root_cause": text,
        },
    )


@transaction.atomic
def capa_action_add(
    *, capa: CorrectiveAction, description: str, owner: User, due_on: dt.date, by: User
) -> CapaAction:
    """Add an action to the plan while the plan is being drawn up."""
    capa = _locked(capa, None)
    if capa.state not in PLANNING_STATES:
        raise TransitionNotAllowed(
            _("Actions are planned after the root cause analysis, before the plan is accepted.")
        )
    _check_date("due_on", due_on)
    action = CapaAction(
        capa=capa,
        description=_text(description, field="description", message=_("Describe the action.")),
        owner=owner,
        due_on=due_on,
    )
    history_by(action, by)
    action.save()
    return action


@transaction.atomic
def capa_action_done(*, action: CapaAction, done_on: dt.date | None, by: User) -> CapaAction:
    """Mark a planned action done (or not done, with None) while the accepted plan is carried out."""
    action = CapaAction.objects.select_for_update(of=("self",)).select_related("capa").get(pk=action.pk)
    if action.capa.state not in (S.ACCEPTED, *PLANNING_STATES):
        raise TransitionNotAllowed(_("Actions are marked done while the plan is carried out."))
    _check_date("done_on", done_on)
    if done_on is not None and done_on > timezone.localdate():
        raise DomainError(_("An action cannot be done in the future."), field="done_on")
    action.done_on = done_on
    history_by(action, by)
    action.save()
    return action


@transaction.atomic
def capa_action_delete(*, action: CapaAction, by: User) -> None:
    action = CapaAction.objects.select_for_update(of=("self",)).select_related("capa").get(pk=action.pk)
    if action.capa.state not in PLANNING_STATES:
        raise TransitionNotAllowed(_("Only actions of a plan not yet accepted can be removed."))
    history_by(action, by)
    action.delete()


@transaction.atomic
def capa_plan_propose(*, capa: CorrectiveAction, by: User, version: int | None = None) -> CorrectiveAction:
    """Put the plan forward for acceptance; it needs at least one action."""
    capa = _locked(capa, version)
    if capa.state == S.ANALYSED and not capa.actions.exists():
        raise TransitionNotAllowed(_("Add at least one action to the plan first."))
    return _advance(capa, to=S.PLANNED, by=by)


def _may_accept(capa: CorrectiveAction, by: User) -> None:
    audit = capa.finding.audit
    if audit is None:  # a finding from an evaluation of compliance: accepted by any staff member
        return
    if audit.is_external and audit.lead_auditor_id is not None and audit.lead_auditor_id != by.pk:
        raise NotAllowed(
            _("The plan of a finding from a certification audit is accepted by its lead auditor, %(name)s.")
            % {"name": audit.lead_auditor_label}
        )


@transaction.atomic
def capa_plan_accept(
    *, capa: CorrectiveAction, by: User, note: str = "", version: int | None = None
) -> CorrectiveAction:
    """Accept the action plan: by the audit's lead auditor for a finding of a certification audit."""
    capa = _locked(capa, version)
    if capa.state != S.PLANNED:
        return _advance(capa, to=S.ACCEPTED, by=by)  # refused with the table's message
    _may_accept(capa, by)
    return _advance(
        capa,
        to=S.ACCEPTED,
        by=by,
        note=note.strip(),
        changes={"plan_accepted_by_id": by.pk, "plan_accepted_at": timezone.now()},
    )


@transaction.atomic
def capa_plan_reject(
    *, capa: CorrectiveAction, reason: str, by: User, version: int | None = None
) -> CorrectiveAction:
    """Send the plan back to the analysis, with the reason."""
    capa = _locked(capa, version)
    if capa.state == S.PLANNED:
        _may_accept(capa, by)
    reason = _text(reason, field="reason", message=_("Say why the plan is not accepted."))
    return _advance(capa, to=S.ANALYSED, by=by, note=reason)


@transaction.atomic
def capa_implement(
    *, capa: CorrectiveAction, implementation: str, by: User, version: int | None = None
) -> CorrectiveAction:
    """Record that the accepted plan is carried out: every action done."""
    capa = _locked(capa, version)
    if capa.state == S.ACCEPTED:
        open_actions = capa.actions.filter(done_on__isnull=True).count()
        if open_actions:
            raise TransitionNotAllowed(
                _("%(n)s action(s) of the plan are not done yet.") % {"n": open_actions}
            )
    text = _text(implementation, field="implementation", message=_("Describe what was implemented."))
    return _advance(capa, to=S.IMPLEMENTED, by=by, changes={"implementation": text})


@transaction.atomic
def capa_verify(
    *, capa: CorrectiveAction, effective: bool, verification: str, by: User, version: int | None = None
) -> CorrectiveAction:
    """Verify the effectiveness. Effective: verified. Not effective: back to the action plan with
    the reason, where the plan is revised and accepted again."""
    capa = _locked(capa, version)
    text = _text(verification, field="verification", message=_("Describe how effectiveness was verified."))
    if effective:
        return _advance(capa, to=S.VERIFIED, by=by, changes={"verification": text, "verified_by_id": by.pk})
    capa = _advance(
        capa, to=S.PLANNED, by=by, note=text, changes={"plan_accepted_by_id": None, "plan_accepted_at": None}
    )
    return capa


@transaction.atomic
def capa_close(
    *, capa: CorrectiveAction, by: User, note: str = "", version: int | None = None
) -> CorrectiveAction:
    """Close the corrective action after its effectiveness is verified; the finding closes with it."""
    capa = _locked(capa, version)
    capa = _advance(capa, to=S.CLOSED, by=by, note=note.strip())
    finding = capa.finding
    finding.status = FindingStatus.CLOSED
    finding.closed_at = timezone.now()
    finding.closure_note = note.strip()
    history_by(finding, by)
    finding.save()
    return capa


@transaction.atomic
def capa_due_dates_set(
    *,
    capa: CorrectiveAction,
    by: User,
    containment_due_on: dt.date | None | Unset = UNSET,
    analysis_due_on: dt.date | None | Unset = UNSET,
    plan_due_on: dt.date | None | Unset = UNSET,
    implementation_due_on: dt.date | None | Unset = UNSET,
    verification_due_on: dt.date | None | Unset = UNSET,
    owner: User | Unset = UNSET,
    version: int | None = None,
) -> CorrectiveAction:
    """Set the due date of each step, and the owner; they must follow one another."""
    capa = _locked(capa, version)
    if capa.state == S.CLOSED:
        raise TransitionNotAllowed(_("The corrective action is closed."))
    values = {
        "containment_due_on": containment_due_on,
        "analysis_due_on": analysis_due_on,
        "plan_due_on": plan_due_on,
        "implementation_due_on": implementation_due_on,
        "verification_due_on": verification_due_on,
    }
    for name, value in values.items():
        if value is not UNSET:
            _check_date(name, value)
            setattr(capa, name, value)
    dates = [(n, getattr(capa, n)) for n in values if getattr(capa, n) is not None]
    for (_first, a), (second, b) in zip(dates, dates[1:], strict=False):
        if b < a:
            raise DomainError(_("Each step is due on or after the one before it."), field=second)
    if owner is not UNSET:
        capa.owner = owner
    capa.version += 1
    history_by(capa, by)
    capa.save()
    return capa
