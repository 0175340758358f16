"""Writes for users and roles."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from rest_framework.authtoken.models import Token

from greenfactory.accounts.models import User
from greenfactory.accounts.roles import GROUP_MODEL_PERMISSIONS, Role
from greenfactory.core.history import history_user_set


def roles_sync(*, using: str = "default") -> None:
    """Create one group per role and give it the Django model permissions listed in ``roles``."""
    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        if role == Role.ADMIN:
            perms: Iterable[Permission] = Permission.objects.using(using).all()
        else:
            wanted = GROUP_MODEL_PERMISSIONS.get(role, ())
            perms = [
                p
                for p in Permission.objects.using(using).select_related("content_type")
                if f"{p.content_type.app_label}.{p.codename}" in wanted
            ]
        group.permissions.set(perms)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    roles: Iterable[Role],
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    by: User | None = None,
) -> User:
    """Create an active user holding the given roles."""
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_password(password)
    history_user_set(user, by)
    user.full_clean(exclude=["password"])
    user.save()
    user_set_roles(user=user, roles=roles)
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[Role]) -> User:
    """Replace the user's roles. Administrators may open Django admin."""
    roles = set(roles)
    roles_sync()
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    wants_admin_site = Role.ADMIN in roles
    if user.is_staff != wants_admin_site:
        user.is_staff = wants_admin_site
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_gf_roles", None)
    return user


@transaction.atomic
def api_token_rotate(*, user: User) -> Token:
    """Replace the user's API token with a new random one; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def user_language_set(*, user: User, language: str) -> None:
    """Remember the language a person chose, so their e-mail reaches them in it."""
    from django.conf import settings

    if language in dict(settings.LANGUAGES) and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
