"""Inviting an auditor to an audit and revoking the invitation: the account, the e-mailed one-time
link, the statuses on the audit page, and who may do it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certifications.models import AuditInvitation, InvitationStatus
from certifications.services import portal as portal_services
from greenfactory.accounts.models import User
from greenfactory.accounts.roles import Role, roles_of
from greenfactory.core.exceptions import DomainError, TransitionNotAllowed
from tests.factories import UserFactory

from .portal_setup import build_world, invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(site, staff_user):
    return build_world(site=site, staff=staff_user)


def _link(message) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)


def test_invite_creates_an_auditor_account_and_mails_a_link_that_sets_a_password_once(world, client):
    invitation = invite(world)
    user = invitation.auditor
    assert roles_of(user) == {Role.AUDITOR}
    assert user.email == "lead@cqc.example"
    assert user.get_full_name() == "Li Wei"
    assert [m.to for m in mail.outbox] == [["lead@cqc.example"]]
    assert world.audit.reference in mail.outbox[0].subject
    link = _link(mail.outbox[0])
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Tr1cky-pass-99", "new_password2": "Tr1cky-pass-99"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Tr1cky-pass-99")
    # The same link no longer works once used.
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False


def test_invite_starts_and_expires_with_the_audit_dates_plus_the_grace(world, settings):
    settings.PORTAL_INVITATION_GRACE_DAYS = 3
    invitation = invite(world)
    local_start = timezone.localtime(invitation.starts_at)
    local_end = timezone.localtime(invitation.expires_at)
    assert local_start.date() == world.audit.starts_on - dt.timedelta(days=3)
    assert local_end.date() == world.audit.ends_on + dt.timedelta(days=4)
    assert local_end.time() == dt.time(0, 0)


def test_a_second_invitation_reuses_the_auditor_account(world):
    first = invite(world)
    second = invite(world, email="LEAD@cqc.example")
    assert second.auditor == first.auditor
    assert User.objects.filter(email__iexact="lead@cqc.example").count() == 1


def test_an_existing_auditor_account_is_reused_with_its_password(world):
    auditor = UserFactory(username="wang", email="wang@cqc.example", role=Role.AUDITOR)
    invitation = invite(world, email="wang@cqc.example")
    assert invitation.auditor == auditor
    auditor.refresh_from_db()
    assert auditor.check_password("correct-horse-battery")


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_a_staff_or_admin_address_is_refused_with_a_clear_error(world, role):
    UserFactory(username="colleague", email="colleague@plant.example", role=role)
    with pytest.raises(DomainError, match="staff or administrator account"):
        invite(world, email="colleague@plant.example")
    assert not AuditInvitation.objects.exists()
    assert not mail.outbox


def test_revoke_ends_the_invitation_and_cannot_be_repeated(world, staff_user):
    invitation = invite(world)
    portal_services.invitation_revoke(invitation=invitation, by=staff_user)
    invitation.refresh_from_db()
    assert invitation.revoked_by == staff_user
    assert invitation.status_at(timezone.now()) == InvitationStatus.REVOKED
    with pytest.raises(TransitionNotAllowed):
        portal_services.invitation_revoke(invitation=invitation, by=staff_user)
    assert invitation.history.count() == 2


def test_staff_invite_from_the_page_and_see_the_status_then_revoke(world, staff_client):
    url = reverse("audit-invite", args=[world.audit.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["organisation"] == "CQC"
    response = staff_client.post(
        url,
        {"email": "lead@cqc.example", "name": "Li Wei", "organisation": "CQC", "require_second_factor": "on"},
    )
    assert response.status_code == 302
    invitation = AuditInvitation.objects.get()
    assert invitation.require_second_factor is True
    detail = staff_client.get(reverse("audit-detail", args=[world.audit.pk]))
    assert b"lead@cqc.example" in detail.content
    assert "In force" in detail.content.decode()
    staff_client.post(reverse("audit-invitation-revoke", args=[invitation.pk]))
    detail = staff_client.get(reverse("audit-detail", args=[world.audit.pk]))
    assert "Revoked" in detail.content.decode()


def test_the_page_shows_a_refusal_on_the_e_mail_field_and_keeps_the_input(world, staff_client):
    UserFactory(username="colleague", email="colleague@plant.example", role=Role.STAFF)
    response = staff_client.post(
        reverse("audit-invite", args=[world.audit.pk]),
        {"email": "colleague@plant.example", "name": "Colleague", "organisation": "Plant"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert 'value="Colleague"' in response.content.decode()
    assert not AuditInvitation.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("auditor", 403), ("gateway", 403), ("staff", 200), ("admin", 200)],
)
def test_only_staff_and_admins_may_open_the_invite_page(world, role_clients, role, status):
    response = role_clients[role].get(reverse("audit-invite", args=[world.audit.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("role", ["auditor", "gateway"])
def test_auditors_and_gateways_cannot_invite_or_revoke(world, role_clients, role):
    invitation = invite(world)
    client = role_clients[role]
    response = client.post(
        reverse("audit-invite", args=[world.audit.pk]),
        {"email": "x@example.test", "name": "X", "organisation": ""},
    )
    assert response.status_code == 403
    assert client.post(reverse("audit-invitation-revoke", args=[invitation.pk])).status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert AuditInvitation.objects.count() == 1
