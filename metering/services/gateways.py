"""Gateway keys: created random and shown once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.accounts.roles import Role
from greenfactory.accounts.services import user_create
from greenfactory.core.exceptions import DomainError
from greenfactory.core.history import history_user_set
from greenfactory.core.unset import UNSET, Unset
from greenfactory.sites.models import Site
from metering.models import Gateway, Meter

if TYPE_CHECKING:
    from greenfactory.accounts.models import User

KEY_PREFIX = "gfk_"
_PREFIX_LENGTH = 8


@dataclass(frozen=True)
class IssuedKey:
    gateway: Gateway
    key: str  # shown once; only its hash is stored


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _split(key: str) -> tuple[str, str] | None:
    if not key.startswith(KEY_PREFIX):
        return None
    prefix, dot, secret = key[len(KEY_PREFIX) :].partition(".")
    if not dot or len(prefix) != _PREFIX_LENGTH or not secret:
        return None
    return prefix, secret


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(_PREFIX_LENGTH // 2)
    return prefix, f"{KEY_PREFIX}{prefix}.{secrets.token_urlsafe(32)}"


def _scope_check(*, site: Site, meters: list[Meter] | None) -> None:
    foreign = [m.code for m in meters or () if m.site_id != site.pk]
    if foreign:
        raise DomainError(
            _("Meters %(codes)s are not at site %(site)s.")
            % {"codes": ", ".join(foreign), "site": site.code},
            field="meters",
        )


def _name_check(*, site: Site, name: str, gateway: Gateway | None = None) -> None:
    others = Gateway.objects.filter(site=site, name=name)
    if gateway is not None:
        others = others.exclude(pk=gateway.pk)
    if others.exists():
        raise _name_taken(site=site, name=name, field=None if gateway is None else "name")


def _name_taken(*, site: Site, name: str, field: str | None) -> DomainError:
    return DomainError(
        _("Site %(site)s already has a gateway named %(name)s.") % {"site": site.code, "name": name},
        field=field,
    )


@transaction.atomic
def gateway_create(
    *,
    site: Site,
    name: str,
    meters: Iterable[Meter] | None = None,
    by: User | None = None,
    key: str | None = None,
) -> IssuedKey:
    """Create a gateway for a site, scoped to ``meters`` (None: all the site's meters).

    Answers the key once. ``key`` may fix it (the demo plant only); it must have the key format.
    """
    meters = list(meters) if meters is not None else None
    _scope_check(site=site, meters=meters)
    _name_check(site=site, name=name)
    if key is None:
        prefix, key = _new_key()
    else:
        parts = _split(key)
        if parts is None:
            raise DomainError(_("A gateway key looks like gfk_<8 characters>.<secret>."))
        prefix = parts[0]
    user = user_create(
        username=f"gateway-{prefix}",
        password=secrets.token_urlsafe(32),
        roles=[Role.GATEWAY],
        first_name=name[:150],
        by=by,
    )
    user.set_unusable_password()  # a gateway never signs in with a password
    user.save(update_fields=["password"])
    gateway = Gateway(
        site=site,
        name=name,
        user=user,
        all_meters=meters is None,
        key_prefix=prefix,
        key_hash=key_hash(key),
    )
    history_user_set(gateway, by)
    gateway.full_clean(exclude=["user"])
    gateway.save()
    if meters:
        gateway.meters.set(meters)
    return IssuedKey(gateway=gateway, key=key)


@transaction.atomic
def gateway_update(
    *,
    gateway: Gateway,
    name: str,
    meters: Iterable[Meter] | None | Unset = UNSET,
    by: User | None = None,
) -> Gateway:
    """Rename a gateway and, when ``meters`` is given, change its scope (None: all the site's meters).

    Its site, key and revocation stay as they are; the name stays unique at the site and the meters
    must be the site's.
    """
    locked = Gateway.objects.select_for_update(of=("self",)).select_related("site").get(pk=gateway.pk)
    scope = meters if isinstance(meters, Unset) or meters is None else list(meters)
    if not isinstance(scope, Unset):
        _scope_check(site=locked.site, meters=scope)
        locked.all_meters = scope is None
    _name_check(site=locked.site, name=name, gateway=locked)
    locked.name = name
    history_user_set(locked, by)
    locked.full_clean(exclude=["user"])
    try:
        with transaction.atomic():
            locked.save(update_fields=["name", "all_meters"])
    except IntegrityError as exc:  # a concurrent rename took the name first
        raise _name_taken(site=locked.site, name=name, field="name") from exc
    if not isinstance(scope, Unset):
        locked.meters.set(scope or [])
    return locked


@transaction.atomic
def gateway_rotate_key(*, gateway: Gateway, by: User | None = None) -> IssuedKey:
    """Give a gateway a new key; the old one stops working at once."""
    _prefix, key = _new_key()
    # The prefix stays: it names the gateway's user. Only the secret part changes.
    key = f"{KEY_PREFIX}{gateway.key_prefix}.{key.partition('.')[2]}"
    gateway.key_hash = key_hash(key)
    gateway.revoked_at = None
    history_user_set(gateway, by)
    gateway.save(update_fields=["key_hash", "revoked_at"])
    return IssuedKey(gateway=gateway, key=key)


@transaction.atomic
def gateway_revoke(*, gateway: Gateway, by: User | None = None) -> Gateway:
    """Revoke a gateway's key: its next request is refused."""
    if gateway.revoked_at is None:
        gateway.revoked_at = timezone.now()
        history_user_set(gateway, by)
        gateway.save(update_fields=["revoked_at"])
    return gateway


def gateway_for_key(*, key: str) -> Gateway | None:
    """The active gateway holding ``key``, or None. Compares hashes in constant time."""
    parts = _split(key)
    if parts is None:
        return None
    gateway = (
        Gateway.objects.select_related("user", "site")
        .filter(key_prefix=parts[0], revoked_at__isnull=True)
        .first()
    )
    if gateway is None or not hmac.compare_digest(gateway.key_hash, key_hash(key)):
        return None
    if not gateway.user.is_active:
        return None
    return gateway


def gateway_mark_used(*, gateway: Gateway, address: str | None) -> None:
    """Record when and from where a gateway last used its key (one UPDATE, outside any batch)."""
    now = timezone.now()
    Gateway.objects.filter(pk=gateway.pk).update(last_used_at=now, last_used_from=address or None)
    gateway.last_used_at = now
    gateway.last_used_from = address or None
