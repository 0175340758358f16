"""Writes of the auditor portal: inviting an auditor to an audit, revoking the invitation, and
recording what an auditor viewed or downloaded.

Inviting creates (or reuses) an auditor account and e-mails a one-time link to set a password,
made with Django's password-reset tokens: it expires after PASSWORD_RESET_TIMEOUT and once the
password is set.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.accounts.roles import Role, roles_of
from greenfactory.accounts.services import user_create, user_set_roles
from greenfactory.core.exceptions import DomainError, TransitionNotAllowed

from ..models import Audit, AuditInvitation, AuditStatus, PortalAccessLog, PortalAction
from ._common import history_by


class InviteeNotAnAuditor(DomainError):
    """The e-mail address belongs to a staff or administrator account."""

    code = "invitee_not_an_auditor"


def invitation_window(*, audit: Audit) -> tuple[dt.datetime, dt.datetime]:
    """The audit's dates widened by PORTAL_INVITATION_GRACE_DAYS, from local midnight to midnight."""
    grace = dt.timedelta(days=settings.PORTAL_INVITATION_GRACE_DAYS)
    start = timezone.make_aware(dt.datetime.combine(audit.starts_on - grace, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(audit.ends_on + grace + dt.timedelta(days=1), dt.time.min))
    return start, end


def _auditor_account(*, email: str, name: str, by: User) -> tuple[User, bool]:
    """The auditor account for ``email``: an existing auditor's, or a new one. Staff and
    administrator accounts are refused, so an invitation never widens or narrows a colleague."""
    existing = User.objects.filter(email__iexact=email).order_by("pk").first()
    if existing is not None:
        held = roles_of(existing)
        if existing.is_superuser or held - {Role.AUDITOR}:
            raise InviteeNotAnAuditor(
                _("%(email)s belongs to a staff or administrator account; invite an auditor's address.")
                % {"email": email},
                field="email",
            )
        if Role.AUDITOR not in held:
            user_set_roles(user=existing, roles=[Role.AUDITOR])
        return existing, False
    first, _sep, last = name.strip().partition(" ")
    username = _free_username(email)
    user = user_create(
        username=username,
        # Nobody knows this password: the invitee sets their own through the e-mailed link.
        password=secrets.token_urlsafe(32),
        roles=[Role.AUDITOR],
        email=email,
        first_name=first[:150],
        last_name=last[:150],
        by=by,
    )
    return user, True


def _free_username(email: str) -> str:
    base = email.split("@", 1)[0][:140] or "auditor"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def set_password_link(*, user: User, base_url: str) -> str:
    """A one-time link to set the user's password (Django's password-reset confirm page)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


@transaction.atomic
def invitation_create(
    *,
    audit: Audit,
    email: str,
    name: str,
    organisation: str,
    by: User,
    base_url: str,
    require_second_factor: bool = False,
    starts_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
) -> AuditInvitation:
    """Invite an auditor to ``audit``: create or reuse their auditor account, record the invitation
    (the audit's dates plus the grace unless given) and e-mail them a link to set their password.
    A cancelled audit cannot be shared."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.status == AuditStatus.CANCELLED:
        raise TransitionNotAllowed(_("A cancelled audit cannot be shared."))
    email = email.strip()
    default_start, default_end = invitation_window(audit=audit)
    starts_at = starts_at or default_start
    expires_at = expires_at or default_end
    if expires_at <= starts_at:
        raise DomainError(_("The access must end after it starts."), field="expires_at")
    user, _created = _auditor_account(email=email, name=name, by=by)
    invitation = AuditInvitation(
        audit=audit,
        auditor=user,
        email=email,
        name=name.strip(),
        organisation=organisation.strip(),
        starts_at=starts_at,
        expires_at=expires_at,
        require_second_factor=require_second_factor,
        invited_by=by,
    )
    history_by(invitation, by)
    invitation.full_clean()
    invitation.save()
    link = set_password_link(user=user, base_url=base_url)
    _send_invitation(invitation=invitation, link=link)
    return invitation


def _send_invitation(*, invitation: AuditInvitation, link: str) -> None:
    user = invitation.auditor
    timeout_days = max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "certifications/portal/email/invitation.txt",
            {"invitation": invitation, "link": link, "timeout_days": timeout_days},
        )
        subject = _("Green Factory: you are invited to audit %(reference)s") % {
            "reference": invitation.audit.reference
        }
    # Sent inside the transaction: if the mail cannot be sent, no invitation is left without one.
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


@transaction.atomic
def invitation_revoke(*, invitation: AuditInvitation, by: User) -> AuditInvitation:
    """End an invitation now; the auditor's next request is refused."""
    invitation = AuditInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        raise TransitionNotAllowed(_("This invitation is already revoked."))
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = by
    history_by(invitation, by)
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


def portal_access_record(
    *,
    user: User,
    invitation: AuditInvitation | None,
    path: str,
    action: str = PortalAction.VIEW,
    obj: object | None = None,
    remote_address: str | None = None,
    note: str = "",
) -> PortalAccessLog:
    """Record one page view, preview or download by an auditor."""
    return PortalAccessLog.objects.create(
        user=user,
        invitation=invitation,
        audit=invitation.audit if invitation is not None else None,
        path=path[:500],
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "pk", None),
        remote_address=remote_address or None,
        note=note[:200],
    )
