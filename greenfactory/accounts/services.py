"""Writes for users and roles, and for their second factor."""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify
from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from rest_framework.authtoken.models import Token

from greenfactory.accounts.models import User
from greenfactory.accounts.roles import GROUP_MODEL_PERMISSIONS, Role
from greenfactory.accounts.second_factor import second_factor_required
from greenfactory.core.exceptions import DomainError
from greenfactory.core.history import history_user_set


def roles_sync(*, using: str = "default") -> None:
    """Create one group per role and give it the Django model permissions listed in ``roles``."""
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
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


# --- Second factor (TOTP authenticator and recovery codes) -------------------------------------------

RECOVERY_CODE_COUNT = 10


class SecondFactorRefused(DomainError):
    """A code that does not match, or a change the second-factor policy does not allow."""

    code = "second_factor_refused"


def totp_secret_new() -> str:
    """A fresh random TOTP secret (hex), held by the enrolment page until the person confirms it."""
    return random_hex(20)


def totp_secret_base32(key: str) -> str:
    """The secret as authenticator apps take it when typed in: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_config_url(*, user: User, key: str) -> str:
    """The otpauth:// address the enrolment QR code carries (issuer and user name)."""
    return TOTPDevice(user=user, key=key).config_url


def _normalised(code: str) -> str:
    return "".join(code.split()).lower()


@transaction.atomic
def totp_device_confirm(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Keep the authenticator whose secret is ``key`` once ``code`` proves the app holds it.

    It replaces any authenticator the user had, and new recovery codes replace the old ones; the
    codes are returned to be shown once.
    """
    checker = TOTP(unhexlify(key))
    code = _normalised(code)
    if not (code.isdigit() and checker.verify(int(code), tolerance=1)):
        raise SecondFactorRefused(_("That code is not the one your app shows. Try the current one."))
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name="authenticator app", key=key, confirmed=True, last_t=checker.t()
    )
    return device, recovery_codes_regenerate(user=user)


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's recovery codes with new ones (each signs in once); returns them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "recovery codes", "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _number in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_verify(*, user: User, code: str) -> Device | None:
    """The confirmed device that accepts ``code`` (a six-digit app code, or a recovery code, which
    is used up), or None. The devices' own throttling applies (a delay grows after each failure)."""
    code = _normalised(code)
    if not code:
        return None
    model: type[Device] = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def has_second_factor(user: User) -> bool:
    """True when the user has a confirmed authenticator app."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def second_factor_remove(*, user: User, code: str) -> None:
    """Remove the user's authenticator and recovery codes, proven by a current code. Refused for
    a user who must sign in with a second factor (they replace their app by enrolling a new one)."""
    if second_factor_required(user):
        raise SecondFactorRefused(
            _("Your account must sign in with a second factor: set up a new app instead of removing it.")
        )
    if second_factor_verify(user=user, code=code) is None:
        raise SecondFactorRefused(_("That code is not valid."), field="code")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
