"""Writes of evidence: records, file revisions, status transitions, clause links, exclusions."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import AlreadyExists, DomainError, TransitionNotAllowed
from greenfactory.core.uploads import file_too_large_message
from greenfactory.sites.models import Organisation, Site

from ..exceptions import FileTooLarge
from ..files import EXTENSIONS, sniff_media_type
from ..models import Clause, ClauseExclusion, Evidence, EvidencePolicy, EvidenceRevision, EvidenceStatus
from ..selectors.evidence import evidence_authors, self_approval_allowed
from ..storage import private_storage
from ._common import UNSET, Unset, history_by

S = EvidenceStatus
# Allowed status changes. Approval needs a reviewer's decision; a new file is uploaded to a draft.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.IN_REVIEW}),
    S.IN_REVIEW: frozenset({S.APPROVED, S.DRAFT}),
    S.APPROVED: frozenset({S.DRAFT, S.SUPERSEDED, S.EXPIRED}),
    S.EXPIRED: frozenset({S.DRAFT}),
    S.SUPERSEDED: frozenset(),
}
EDITABLE_FIELDS = ("title", "title_zh", "description", "owner", "review_date", "expiry_date")
# What an approver vouched for: changing any of these (or the sites) sends approved evidence back to
# review. The owner is who looks after the item, not part of what was approved.
CONTROLLED_FIELDS = ("title", "title_zh", "description", "review_date", "expiry_date")


def _save(evidence: Evidence, *, by: User | None) -> None:
    history_by(evidence, by)
    evidence.full_clean(exclude=["sites", "clauses"])
    evidence.save()


def evidence_dates_check(*, review_date: dt.date | None, expiry_date: dt.date | None) -> None:
    """Raise DomainError when the review date is after the expiry date (writes nothing)."""
    if review_date and expiry_date and review_date > expiry_date:
        raise DomainError(_("The review date cannot be after the expiry date."), field="review_date")


@transaction.atomic
def evidence_create(
    *,
    title: str,
    owner: User,
    by: User | None,
    title_zh: str = "",
    description: str = "",
    sites: Iterable[Site] = (),
    clauses: Iterable[Clause] = (),
    review_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
) -> Evidence:
    """Create an evidence item as a draft, with its sites and clause links."""
    evidence_dates_check(review_date=review_date, expiry_date=expiry_date)
    evidence = Evidence(
        title=title.strip(),
        title_zh=title_zh.strip(),
        description=description,
        owner=owner,
        review_date=review_date,
        expiry_date=expiry_date,
    )
    _save(evidence, by=by)
    evidence.sites.set(list(sites))
    evidence.clauses.set(list(clauses))
    return evidence


@transaction.atomic
def evidence_update(
    *,
    evidence: Evidence,
    by: User | None,
    title: str | Unset = UNSET,
    title_zh: str | Unset = UNSET,
    description: str | Unset = UNSET,
    owner: User | Unset = UNSET,
    review_date: dt.date | None | Unset = UNSET,
    expiry_date: dt.date | None | Unset = UNSET,
    sites: Iterable[Site] | None = None,
) -> Evidence:
    """Change an item's descriptive fields and sites; a field left out stays as it is (status
    changes go through evidence_transition). Changing what an approver vouched for (the controlled
    fields or the sites) sends approved evidence back to review, without its approver."""
    # What is stored, not the instance: a model form has already written its input onto it.
    before = Evidence.objects.filter(pk=evidence.pk).values(*CONTROLLED_FIELDS).first() or {}
    if not isinstance(title, Unset):
        evidence.title = title.strip()
    if not isinstance(title_zh, Unset):
        evidence.title_zh = title_zh.strip()
    if not isinstance(description, Unset):
        evidence.description = description
    if not isinstance(owner, Unset):
        evidence.owner = owner
    if not isinstance(review_date, Unset):
        evidence.review_date = review_date
    if not isinstance(expiry_date, Unset):
        evidence.expiry_date = expiry_date
    evidence_dates_check(review_date=evidence.review_date, expiry_date=evidence.expiry_date)
    wanted_sites = None if sites is None else list(sites)
    changed = any(getattr(evidence, name) != value for name, value in before.items())
    if wanted_sites is not None and evidence.pk:
        changed |= {s.pk for s in wanted_sites} != set(evidence.sites.values_list("pk", flat=True))
    if changed and evidence.status == S.APPROVED:
        evidence.status = S.IN_REVIEW
        evidence.approver = None
        evidence.approved_at = None
    _save(evidence, by=by)
    if wanted_sites is not None:
        evidence.sites.set(wanted_sites)
    return evidence


@transaction.atomic
def evidence_transition(
    *, evidence: Evidence, to: str, by: User | None, today: dt.date | None = None
) -> Evidence:
    """Move an item to another status if the workflow allows it; approving records the approver.

    Raises TransitionNotAllowed for a change the workflow does not have, and when an item without a
    file is sent for review or an item whose expiry date has passed is approved.
    """
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    today = today or timezone.localdate()
    if to not in TRANSITIONS.get(evidence.status, ()):
        raise TransitionNotAllowed(
            _("Evidence cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(evidence.status).label, "to": S(to).label if to in S.values else to}
        )
    if to == S.IN_REVIEW and not evidence.revisions.exists():
        raise TransitionNotAllowed(_("Upload a file before sending the evidence for review."))
    if to == S.APPROVED:
        if evidence.expiry_date and evidence.expiry_date < today:
            raise TransitionNotAllowed(_("The expiry date has passed; change it before approving."))
        _second_person_check(evidence=evidence, by=by)
        evidence.approver = by
        evidence.approved_at = timezone.now()
    if to == S.DRAFT:
        evidence.approver = None
        evidence.approved_at = None
    evidence.status = to
    _save(evidence, by=by)
    return evidence


def _second_person_check(*, evidence: Evidence, by: User | None) -> None:
    """Refuse approval by the item's creator or the uploader of its latest file, unless every
    organisation the item belongs to allows self-approval."""
    if by is None or by.pk not in evidence_authors(evidence=evidence):
        return
    if self_approval_allowed(evidence=evidence):
        return
    raise TransitionNotAllowed(
        _(
            "You created this evidence or uploaded its latest file, so a second person must approve "
            "it. An administrator can allow self-approval for small teams in the evidence policy."
        )
    )


@transaction.atomic
def evidence_policy_set(
    *, organisation: Organisation, self_approval_allowed: bool, by: User | None
) -> EvidencePolicy:
    """Record whether the people who wrote an organisation's evidence may also approve it."""
    policy, _created = EvidencePolicy.objects.select_for_update().get_or_create(organisation=organisation)
    policy.self_approval_allowed = self_approval_allowed
    history_by(policy, by)
    policy.save()
    return policy


@transaction.atomic
def evidence_expire_due(*, today: dt.date, by: User | None = None) -> int:
    """Mark approved evidence whose expiry date has passed as expired. Returns how many changed."""
    due = Evidence.objects.filter(status=S.APPROVED, expiry_date__lt=today)
    changed = 0
    for evidence in due:
        evidence_transition(evidence=evidence, to=S.EXPIRED, by=by, today=today)
        changed += 1
    return changed


def evidence_revision_add(
    *, evidence: Evidence, file: IO[bytes], name: str, by: User | None, note: str = ""
) -> EvidenceRevision:
    """Store a new file revision of a draft: size-checked, type sniffed from content, SHA-256 recorded.

    The file is stored under a generated name; if the database write fails the file is removed.
    Raises FileTooLarge (413), UnsupportedFileType (415) or TransitionNotAllowed (not a draft).
    """
    limit = settings.EVIDENCE_UPLOAD_MAX_BYTES
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    if size > limit:
        raise FileTooLarge(file_too_large_message(limit))
    if size == 0:
        raise DomainError(_("The file is empty."), field="file")
    if evidence.status != S.DRAFT:
        raise TransitionNotAllowed(_("Files can only be added to a draft. Start a new revision first."))
    media_type = sniff_media_type(file, name=name)
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    stored_name = private_storage().save(f"evidence/{uuid.uuid4().hex}.{EXTENSIONS[media_type]}", file)
    try:
        return _revision_record(
            evidence=evidence,
            stored_name=stored_name,
            name=name,
            sha256=digest.hexdigest(),
            size=size,
            media_type=media_type,
            note=note,
            by=by,
        )
    except BaseException:
        private_storage().delete(stored_name)
        raise


@transaction.atomic
def _revision_record(
    *,
    evidence: Evidence,
    stored_name: str,
    name: str,
    sha256: str,
    size: int,
    media_type: str,
    note: str,
    by: User | None,
) -> EvidenceRevision:
    locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if locked.status != S.DRAFT:
        raise TransitionNotAllowed(_("Files can only be added to a draft. Start a new revision first."))
    last = locked.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    revision = EvidenceRevision(
        evidence=locked,
        number=last + 1,
        file=stored_name,
        original_name=(name or "upload")[-255:],
        sha256=sha256,
        size=size,
        media_type=media_type,
        note=note,
        uploaded_by=by,
    )
    revision.save()
    history_by(locked, by)
    locked.save(update_fields=["updated_at"])
    return revision


@transaction.atomic
def evidence_link_clauses(*, evidence: Evidence, clauses: Iterable[Clause], by: User | None) -> int:
    """Link an item to clauses (of any standards). Returns how many links are new."""
    existing = set(evidence.clauses.values_list("pk", flat=True))
    new = [c for c in clauses if c.pk not in existing]
    if new:
        history_by(evidence, by)
        evidence.clauses.add(*new)
    return len(new)


@transaction.atomic
def evidence_set_clauses(*, evidence: Evidence, clauses: Iterable[Clause], by: User | None) -> None:
    """Make an item's clause links exactly the given clauses."""
    wanted = list(clauses)
    wanted_ids = {c.pk for c in wanted}
    for clause in evidence.clauses.exclude(pk__in=wanted_ids):
        evidence_unlink_clause(evidence=evidence, clause=clause, by=by)
    evidence_link_clauses(evidence=evidence, clauses=wanted, by=by)


@transaction.atomic
def evidence_unlink_clause(*, evidence: Evidence, clause: Clause, by: User | None) -> None:
    """Remove the link between an item and a clause."""
    history_by(evidence, by)
    evidence.clauses.remove(clause)


@transaction.atomic
def clause_exclude(*, clause: Clause, site: Site, justification: str, by: User | None) -> ClauseExclusion:
    """Mark a clause not applicable at a site; the justification is required."""
    justification = justification.strip()
    if not justification:
        raise DomainError(_("Say why the clause does not apply."), field="justification")
    if ClauseExclusion.objects.filter(clause=clause, site=site).exists():
        raise AlreadyExists(_("This clause is already marked not applicable at this site."))
    exclusion = ClauseExclusion(clause=clause, site=site, justification=justification, created_by=by)
    history_by(exclusion, by)
    try:
        with transaction.atomic():
            exclusion.save()
    except IntegrityError as exc:
        raise AlreadyExists(_("This clause is already marked not applicable at this site.")) from exc
    return exclusion


@transaction.atomic
def clause_exclusion_remove(*, exclusion: ClauseExclusion, by: User | None) -> None:
    """Make a clause applicable at a site again."""
    history_by(exclusion, by)
    exclusion.delete()
